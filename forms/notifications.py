"""Notification preferences: immediate e-mail or the daily digest. Buttons only need the CSRF token."""
from flask_wtf import FlaskForm
from wtforms import RadioField
from wtforms.validators import InputRequired

from forms.fields import options

EMAIL_CHOICES = [
    ("digest", "Resumen diario (un correo a las 7:00 con los avisos del día)"),
    ("immediate", "Correo inmediato (un correo por aviso)"),
]


class EmailPreferenceForm(FlaskForm):
    email_mode = RadioField("¿Cómo quiere recibir los recordatorios que no son urgentes?", choices=options(EMAIL_CHOICES),
                            validators=[InputRequired("Elija una opción.")])


class ButtonForm(FlaskForm):
    """A POST button (mark read, retry, new feed link): nothing but the CSRF token."""
