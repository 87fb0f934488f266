"""Forms of the public portal (a citizen's proposal), of moderation and of the API tokens page."""
from __future__ import annotations

import re

from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from forms.fields import RowIdField
from workflow_app.services.people.accounts import email_problem
from workflow_app.services.public.public import CONTACT_MAX_CHARS, PROPOSAL_MAX_CHARS, PROPOSAL_MIN_CHARS
from workflow_app.services.route.ppi import thousands

#: A telephone as people write it in Colombia: +57 300 123 4567, (604) 444 5566, 3001234567 — seven to fifteen
#: digits with spaces, dashes, dots, parentheses and a leading «+».
_PHONE = re.compile(r"\+?[\d\s().-]+")


def contact_check(form, field) -> None:
    """The contact a citizen leaves is an e-mail address or a telephone: the planning office answers through it,
    and «=1+1 <b>x</b>» was stored as one (QA, trust lens, December 2026)."""
    value = (field.data or "").strip()
    digits = sum(c.isdigit() for c in value)
    if "@" in value:
        if email_problem(value):
            raise ValidationError("Escriba un correo válido, por ejemplo nombre@correo.com, o un teléfono.")
    elif not (_PHONE.fullmatch(value) and 7 <= digits <= 15):
        raise ValidationError("Escriba un correo (nombre@correo.com) o un teléfono (por ejemplo 300 123 4567).")


class ProposalForm(FlaskForm):
    hearing_id = RadioField("Audiencia a la que dirige su propuesta", coerce=int,
                            validators=[InputRequired("Elija la audiencia.")])
    text = TextAreaField(f"Su propuesta ({PROPOSAL_MIN_CHARS} a {thousands(PROPOSAL_MAX_CHARS)} caracteres)", validators=[
        DataRequired("Escriba su propuesta."),
        Length(min=PROPOSAL_MIN_CHARS, max=PROPOSAL_MAX_CHARS,
               message=f"La propuesta debe tener entre {PROPOSAL_MIN_CHARS} y {PROPOSAL_MAX_CHARS} caracteres.")])
    contact = StringField("Correo o teléfono para responderle (opcional; nunca se publica)", validators=[
        Optional(), Length(max=CONTACT_MAX_CHARS, message="El contacto es demasiado largo."), contact_check])


class ModerationForm(FlaskForm):
    proposal_id = RowIdField()
    decision = HiddenField(validators=[DataRequired()])


class ApiTokenForm(FlaskForm):
    label = StringField("Nombre del token (para qué lo usará)", validators=[
        DataRequired("Escriba un nombre para reconocer el token."), Length(max=120)])


class RevokeTokenForm(FlaskForm):
    token_id = RowIdField()


