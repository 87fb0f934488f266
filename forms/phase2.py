"""Forms of the Phase II pages: the plan indicativo's matrix, a manual Phase II hito, the entity's budget statute."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.form import Form
from wtforms.validators import AnyOf, DataRequired, Length, NumberRange, Optional

from forms.fields import options
from state_machines.phase2 import MatrixRow, target_problem
from workflow_app.services.monitoring.milestones import NOTE_MIN_CHARS

TARGET_MAX = 60
TOO_LONG = f"Máximo {TARGET_MAX} caracteres."
TARGET_YEARS = 4  # the period's years (L152: a plan cuatrienal): the matrix has one target field for each


class MatrixLineForm(Form):
    """One line of the matrix: the PPI's program and project come with the page (the service checks them)."""

    program = HiddenField(validators=[Length(max=255)])
    project = HiddenField(validators=[Length(max=255)])
    indicator = StringField("Indicador de producto", validators=[Optional(), Length(max=200, message="Máximo 200 "
                                                                                                     "caracteres.")])
    target_1 = StringField("Meta año 1", validators=[Optional(), Length(max=TARGET_MAX, message=TOO_LONG)])
    target_2 = StringField("Meta año 2", validators=[Optional(), Length(max=TARGET_MAX, message=TOO_LONG)])
    target_3 = StringField("Meta año 3", validators=[Optional(), Length(max=TARGET_MAX, message=TOO_LONG)])
    target_4 = StringField("Meta año 4", validators=[Optional(), Length(max=TARGET_MAX, message=TOO_LONG)])
    responsible = StringField("Dependencia responsable",
                              validators=[Optional(), Length(max=120, message="Máximo 120 caracteres.")])


class MatrixForm(FlaskForm):
    lines = FieldList(FormField(MatrixLineForm), min_entries=0, max_entries=500)


def check_targets(form: MatrixForm, years) -> bool:
    """Each target typed is a number (``state_machines.phase2.target_problem``, DNP-PI), said beside its cell with its
    year; a blank cell may wait for a later save (the consolidation asks for every year). True when all are."""
    ok = True
    for line in form.lines:
        for i, year in enumerate(list(years)[:TARGET_YEARS], start=1):
            cell = getattr(line, f"target_{i}")
            problem = target_problem(cell.data or "", year) if (cell.data or "").strip() else None
            if problem:
                cell.errors = [*cell.errors, problem]
                ok = False
    return ok


def to_rows(form: MatrixForm) -> list[MatrixRow]:
    return [MatrixRow(ln.program.data or "", ln.project.data or "", ln.indicator.data or "",
                      tuple((getattr(ln, f"target_{i}").data or "") for i in range(1, 5)),
                      ln.responsible.data or "") for ln in form.lines]


class Phase2CheckForm(FlaskForm):
    hito = SelectField("Hito", coerce=int, validators=[DataRequired("Elija el hito.")])
    is_done = SelectField("Marca", choices=options([("1", "Cumplido"), ("0", "No cumplido (desmarcar)")]),
                          validators=[AnyOf(["0", "1"])])
    note = TextAreaField("Nota de evidencia (qué documento o hecho lo demuestra)", validators=[
        DataRequired("Escriba la nota de evidencia."),
        Length(min=NOTE_MIN_CHARS, max=4000, message=f"La nota debe tener entre {NOTE_MIN_CHARS} y 4.000 "
                                                     "caracteres.")])


class BudgetStatuteForm(FlaskForm):
    act = StringField("Acto que adopta el estatuto orgánico de presupuesto (número y fecha)",
                      validators=[Optional(), Length(max=255)])
    filing_business_days = IntegerField(
        "Días hábiles para radicar el presupuesto desde el inicio del último período de sesiones",
        validators=[DataRequired("Indique los días."), NumberRange(1, 60, "Entre 1 y 60 días.")])
    decision_extension_days = IntegerField(
        "Días de prórroga de las sesiones para decidir el presupuesto (en blanco: ninguna)",
        validators=[Optional(), NumberRange(0, 30, "Entre 0 y 30 días.")])
    copies_d111_art59 = BooleanField("El estatuto copia el artículo 59 del Decreto 111 de 1996 (si el concejo o "
                                     "asamblea no decide a tiempo, rige el proyecto presentado)")
    harmonization_by_decree = BooleanField("El estatuto permite armonizar el presupuesto por decreto cuando no "
                                           "cambian los montos")
    pi_approval_months = IntegerField("Meses para aprobar el Plan Indicativo desde la vigencia del plan",
                                      validators=[DataRequired("Indique los meses."),
                                                  NumberRange(1, 12, "Entre 1 y 12 meses.")])
