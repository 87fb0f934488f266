"""Forms of the milestone pages: a manual check with its evidence note; the administrator's names and weights."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import Field, FieldList, FormField, HiddenField, StringField, TextAreaField
from wtforms.form import Form
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, NumberRange
from wtforms.widgets import TextInput

from workflow_app.services.monitoring.milestones import NOTE_MIN_CHARS, CheckCommand, MilestoneEdit


class MilestoneCheckForm(FlaskForm):
    # Set by the page from the hito's current state: a stale page is refused by the service (409).
    is_done = HiddenField(validators=[AnyOf(["0", "1"], message="Recargue la página e intente de nuevo.")])
    note = TextAreaField("Nota de evidencia (qué documento o hecho lo demuestra)", validators=[
        DataRequired("Escriba la nota de evidencia."),
        Length(min=NOTE_MIN_CHARS, max=4000,
               message=f"La nota debe tener entre {NOTE_MIN_CHARS} y 4.000 caracteres.")])


def to_check_command(form: MilestoneCheckForm, number: int) -> CheckCommand:
    return CheckCommand(milestone_number=number, is_done=form.is_done.data == "1", note=form.note.data)


class DecimalCommaField(Field):
    """A number typed the Colombian way (``33,33``) or with a dot."""

    widget = TextInput()

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        return f"{self.data:g}".replace(".", ",")

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        text = valuelist[0].strip().replace(" ", "")
        if not text:
            self.data = None
            return
        try:
            self.data = float(text.replace(",", "."))
        except ValueError as exc:
            self.data = None
            raise ValueError("Escriba un número (por ejemplo 33,33).") from exc


class MilestoneRowForm(Form):
    number = HiddenField()
    name = StringField("Nombre", validators=[DataRequired("Escriba el nombre del hito."), Length(max=255)])
    weight_in_phase = DecimalCommaField("Peso en la fase (%)", validators=[
        InputRequired("Escriba el peso en la fase."), NumberRange(0, 100, "Use un valor entre 0 y 100.")])
    weight_total = DecimalCommaField("Peso sobre el total (%)", validators=[
        InputRequired("Escriba el peso sobre el total."), NumberRange(0, 100, "Use un valor entre 0 y 100.")])


class MilestoneWeightsForm(FlaskForm):
    rows = FieldList(FormField(MilestoneRowForm), min_entries=0)


def to_edits(form: MilestoneWeightsForm) -> list[MilestoneEdit]:
    edits = []
    for entry in form.rows:
        try:
            number = int(entry.form.number.data)
        except (TypeError, ValueError):
            continue
        edits.append(MilestoneEdit(number, entry.form.name.data or "", entry.form.weight_in_phase.data or 0.0,
                                   entry.form.weight_total.data or 0.0))
    return edits

