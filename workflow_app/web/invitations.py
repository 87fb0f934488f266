"""Sending an invitation from a form: the administrator's accounts page and the delegated "Personas" page."""
from __future__ import annotations

from collections.abc import Mapping

from flask import abort, current_app, flash
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import Field

from workflow_app.infra.extensions import db
from workflow_app.infra.rate_limit import is_blocked, record_failure
from workflow_app.services.people import accounts

SENDER_WINDOW_SECONDS = 3600


def _sender_key() -> str:
    return f"correo:remitente:{current_user.id}"


def sender_limit_problem() -> str | None:
    """Invitations and password links carry text another person typed (a name) to any address: each person may
    have the service send at most ``SENDER_EMAIL_RATE_LIMIT`` of them an hour (the import of officials, an
    administrator's checked file, is not counted)."""
    limit = current_app.config["SENDER_EMAIL_RATE_LIMIT"]
    if is_blocked(_sender_key(), limit, SENDER_WINDOW_SECONDS):
        return (f"Ya envió {limit} correos (invitaciones o enlaces) en la última hora, el máximo por persona. "
                "Espere un rato antes de enviar más; si necesita invitar a muchas personas, pida al administrador "
                "que importe el archivo de funcionarios.")
    return None


def count_sent_email() -> None:
    record_failure(_sender_key(), SENDER_WINDOW_SECONDS)


def require_sender_allowance() -> None:
    """For the "enviar enlace" buttons: 429 with the reason when the sender reached the hour's limit."""
    problem = sender_limit_problem()
    if problem:
        abort(429, description=problem)


def send_invitation(form: FlaskForm, invite: accounts.Invite, fallback: Field, messages: Mapping[str, str]) -> bool:
    """Invite as the signed-in person and commit. True when done, with ``messages[outcome]`` (``{email}`` filled
    in) flashed; False with the refusal on the form's field it names (else ``fallback``), nothing written."""
    problem = sender_limit_problem()
    if problem:
        fallback.errors.append(problem)
        return False
    try:
        outcome = accounts.invite_person(db.session, current_user, invite)
        db.session.commit()
    except accounts.AccountError as exc:
        db.session.rollback()
        getattr(form, exc.field, fallback).errors.append(exc.message)
        return False
    if outcome.status == "created":  # a new account: its invitation e-mail goes out
        count_sent_email()
    flash(messages[outcome.status].format(email=outcome.user.email), "info")
    return True
