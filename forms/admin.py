from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from state_machines.roles import Role

ROLE_CHOICES = [(r.value, r.label) for r in Role if r is not Role.SISTEMA]
WEEKDAYS = [("0", "lunes"), ("1", "martes"), ("2", "miércoles"), ("3", "jueves"), ("4", "viernes"),
            ("5", "sábado"), ("6", "domingo")]


class MembershipForm(FlaskForm):
    role = SelectField("Rol", choices=ROLE_CHOICES, validators=[DataRequired("Elija el rol.")])
    dane_code = StringField("Código DANE de la entidad (municipio de 5 dígitos o departamento de 2)", validators=[
        Optional(), Regexp(r"^\d{2}(\d{3})?$", message="Escriba un código DANE de 2 o 5 dígitos.")])
    authority_code = StringField("Sigla de la autoridad ambiental (solo para el rol CAR)", validators=[
        Optional(), Length(max=30)])


class UserForm(MembershipForm):
    email = EmailField("Correo electrónico", validators=[
        DataRequired("Escriba el correo."), Email("Escriba un correo válido."), Length(max=254)])
    name = StringField("Nombre completo", validators=[DataRequired("Escriba el nombre."), Length(max=200)])
    password = PasswordField("Contraseña inicial (mínimo 12 caracteres)", validators=[
        DataRequired("Escriba una contraseña inicial."), Length(min=12, max=200, message="Use al menos 12 caracteres.")])


class EntitySettingsForm(FlaskForm):
    fiscal_category = SelectField("Categoría (Ley 617 de 2000)", choices=[("", "Sin dato")] + [
        (c, c) for c in ("especial", "1", "2", "3", "4", "5", "6")], validators=[Optional()])
    executive_title = SelectField("Cargo de quien gobierna (cómo lo nombran las páginas)", choices=[
        ("", "Según el tipo de entidad (alcalde o gobernador)"), ("alcalde", "Alcalde"), ("alcaldesa", "Alcaldesa"),
        ("gobernador", "Gobernador"), ("gobernadora", "Gobernadora")], validators=[Optional()])
    nonworking_weekdays = SelectMultipleField("Días de la semana en que la entidad no atiende", choices=WEEKDAYS,
                                              option_widget=CheckboxInput(), widget=ListWidget(prefix_label=False))
