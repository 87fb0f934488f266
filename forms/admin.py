from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from forms.auth import AccountEmail
from forms.fields import DayField, RowIdField, options
from state_machines.core.roles import Role
from state_machines.core.wording import titles_for
from state_machines.corporation.sessions import categories_for, category_law_text

ROLE_CHOICES = [(r.value, r.label) for r in Role if r is not Role.SISTEMA]
WEEKDAYS = [("0", "lunes"), ("1", "martes"), ("2", "miércoles"), ("3", "jueves"), ("4", "viernes"),
            ("5", "sábado"), ("6", "domingo")]
CATEGORY_CHOICES = [("", "Sin dato")] + [(c, "Especial" if c == "especial" else f"Categoría {c}")
                                          for c in ("especial", "1", "2", "3", "4", "5", "6")]


class MembershipForm(FlaskForm):
    role = SelectField("Rol", choices=options(ROLE_CHOICES), validators=[DataRequired("Elija el rol.")])
    dane_code = StringField("Código DANE de la entidad (municipio de 5 dígitos o departamento de 2)", validators=[
        Optional(), Regexp(r"^\d{2}(\d{3})?$", message="Escriba un código DANE de 2 o 5 dígitos.")])
    authority_code = StringField("Sigla de la autoridad ambiental (solo para el rol CAR)", validators=[
        Optional(), Length(max=30)])
    is_lead = BooleanField("Líder: administra las cuentas de su autoridad ambiental, de su CTP o de su concejo o "
                           "asamblea (solo roles CAR, CTP y secretaría de la corporación)")


class UserForm(MembershipForm):
    """An invitation: the person chooses the password from the e-mailed link; nobody types it for them."""
    email = EmailField("Correo electrónico", validators=[
        DataRequired("Escriba el correo."), AccountEmail("Escriba un correo válido", new=True), Length(max=254)])
    name = StringField("Nombre completo", validators=[DataRequired("Escriba el nombre."), Length(max=200)])


class EntitySettingsForm(FlaskForm):
    """Choices, labels and the check of category and title follow the entity's kind (``for_kind``; the service
    refuses the rest in Spanish, so no choice is checked here)."""
    fiscal_category = SelectField("Categoría del municipio", choices=options(CATEGORY_CHOICES), validators=[Optional()],
                                  validate_choice=False)
    executive_title = SelectField("Cargo de quien gobierna (cómo lo nombran las páginas)", choices=[],
                                  validators=[Optional()], validate_choice=False)
    nonworking_weekdays = SelectMultipleField("Días de la semana en que la entidad no atiende", choices=options(WEEKDAYS),
                                              option_widget=CheckboxInput(), widget=ListWidget(prefix_label=False))


def entity_settings_form(kind: str, **kw) -> EntitySettingsForm:
    """The entity form for a municipio or a departamento: its categories (L617 art. 1; L136 art. 6) and titles."""
    form = EntitySettingsForm(**kw)
    is_department = kind == "departamento"
    form.fiscal_category.choices = options([("", "Sin dato")] + [
        (c, "Especial" if c == "especial" else f"Categoría {c}") for c in categories_for(kind)])
    form.fiscal_category.label.text = (f"Categoría del {'departamento' if is_department else 'municipio'} "
                                       f"({category_law_text(kind)})")
    titles = titles_for(kind)
    form.executive_title.choices = options([("", f"Según el tipo de entidad ({titles[0]})")] + [
        (t, t.capitalize()) for t in titles])
    return form


class PlanSettingsForm(FlaskForm):
    expected_version = HiddenField()
    posesion_on = DayField("Fecha de posesión del alcalde o gobernador", validators=[
        DataRequired("Escriba la fecha de posesión (día, mes y año).")])
    regime = SelectField("Régimen", choices=[], validators=[DataRequired("Elija el régimen.")])
    articles = SelectMultipleField("Artículos del régimen excepcional que usó la entidad", choices=[],
                                   option_widget=CheckboxInput(), widget=ListWidget(prefix_label=False),
                                   validate_choice=False)


class OpenPeriodForm(FlaskForm):
    year = IntegerField("Primer año del período constitucional", validators=[
        DataRequired("Escriba el año, por ejemplo 2028."), NumberRange(2004, 2096, "Escriba un año entre 2004 y 2096.")])


class OnboardingUploadForm(FlaskForm):
    sheet = FileField("Archivo CSV o XLSX con los funcionarios", validators=[
        FileRequired("Adjunte el archivo CSV o XLSX.")])


class ConfirmBatchForm(FlaskForm):
    batch_id = RowIdField()


class InvitePersonForm(FlaskForm):
    """Delegated invitation (an entity's ejecutivo or planeación, an authority's lead): the choices come from
    what the person may hand out."""
    email = EmailField("Correo electrónico", validators=[
        DataRequired("Escriba el correo."), AccountEmail("Escriba un correo válido", new=True), Length(max=254)])
    name = StringField("Nombre completo", validators=[DataRequired("Escriba el nombre."), Length(max=200)])
    scope = SelectField("Rol y entidad", choices=[], validators=[DataRequired("Elija el rol y la entidad.")])
