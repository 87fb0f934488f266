"""Forms of the public portal (a citizen's proposal), of moderation and of the API tokens page."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from forms.fields import RowIdField
from workflow_app.services.public.public import CONTACT_MAX_CHARS, PROPOSAL_MAX_CHARS, PROPOSAL_MIN_CHARS
from workflow_app.services.route.ppi import thousands


class ProposalForm(FlaskForm):
    hearing_id = RadioField("Audiencia a la que dirige su propuesta", coerce=int,
                            validators=[InputRequired("Elija la audiencia.")])
    text = TextAreaField(f"Su propuesta ({PROPOSAL_MIN_CHARS} a {thousands(PROPOSAL_MAX_CHARS)} caracteres)", validators=[
        DataRequired("Escriba su propuesta."),
        Length(min=PROPOSAL_MIN_CHARS, max=PROPOSAL_MAX_CHARS,
               message=f"La propuesta debe tener entre {PROPOSAL_MIN_CHARS} y {PROPOSAL_MAX_CHARS} caracteres.")])
    contact = StringField("Correo o teléfono para responderle (opcional; nunca se publica)", validators=[
        Optional(), Length(max=CONTACT_MAX_CHARS, message="El contacto es demasiado largo.")])


class ModerationForm(FlaskForm):
    proposal_id = RowIdField()
    decision = HiddenField(validators=[DataRequired()])


class ApiTokenForm(FlaskForm):
    label = StringField("Nombre del token (para qué lo usará)", validators=[
        DataRequired("Escriba un nombre para reconocer el token."), Length(max=120)])


class RevokeTokenForm(FlaskForm):
    token_id = RowIdField()


