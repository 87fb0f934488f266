"""Sending an invitation from a form: the administrator's accounts page and the delegated "Personas" page."""
from __future__ import annotations

from collections.abc import Mapping

from flask import flash
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import Field

from workflow_app.infra.extensions import db
from workflow_app.services.people import accounts


def send_invitation(form: FlaskForm, invite: accounts.Invite, fallback: Field, messages: Mapping[str, str]) -> bool:
    """Invite as the signed-in person and commit. True when done, with ``messages[outcome]`` (``{email}`` filled
    in) flashed; False with the refusal on the form's field it names (else ``fallback``), nothing written."""
    try:
        outcome = accounts.invite_person(db.session, current_user, invite)
        db.session.commit()
    except accounts.AccountError as exc:
        db.session.rollback()
        getattr(form, exc.field, fallback).errors.append(exc.message)
        return False
    flash(messages[outcome.status].format(email=outcome.user.email), "info")
    return True
