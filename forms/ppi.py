"""PPI forms: lines typed in a table, or a CSV/XLSX sheet. Shape only; ``services.route.ppi`` validates the rows."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import FieldList, Form, FormField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from workflow_app.services.route.documents import Upload
from workflow_app.services.route.ppi import TEXT_LIMITS

BLANK_ROWS = 5  # empty lines offered under the current ones; "Agregar filas" asks for more
MAX_FORM_ROWS = 300


class PpiRowForm(Form):
    """One line; blank lines are ignored, a half-filled one is reported by the service with its line number."""

    program = StringField("Programa", validators=[Optional(), Length(max=TEXT_LIMITS["program"])])
    project = StringField("Proyecto", validators=[Optional(), Length(max=TEXT_LIMITS["project"])])
    year = StringField("Año", validators=[Optional(), Length(max=4)])
    funding_source = StringField("Fuente de financiación", validators=[
        Optional(), Length(max=TEXT_LIMITS["funding_source"])])
    amount = StringField("Valor en pesos", validators=[Optional(), Length(max=25)])


class PpiEntryForm(FlaskForm):
    rows = FieldList(FormField(PpiRowForm), min_entries=1, max_entries=MAX_FORM_ROWS)
    note = TextAreaField("Nota de esta versión (qué cambió y por qué)", validators=[Optional(), Length(max=2000)])
    amendment = SelectField("Modificación aprobada que origina este cambio", choices=[], validate_choice=False,
                            validators=[Optional()])
    based_on = HiddenField()  # the version the person edited, to warn when another one was saved meanwhile
    # Only for a filed plan: the approved amendment this change comes from (L152 art. 40); choices set by the view.
    amendment = SelectField("Modificación aprobada que origina este cambio", choices=[], validate_choice=False,
                            validators=[Optional()])

    def row_values(self) -> list[tuple[int, dict]]:
        """(line number, values) of the lines that have anything typed."""
        out = []
        for number, entry in enumerate(self.rows.entries, start=1):
            values = {k: (entry.form[k].data or "").strip() for k in ("program", "project", "year",
                                                                      "funding_source", "amount")}
            if any(values.values()):
                out.append((number, values))
        return out


class PpiImportForm(FlaskForm):
    sheet = FileField("Archivo CSV o XLSX", validators=[FileRequired("Adjunte el archivo CSV o XLSX.")])
    note = TextAreaField("Nota de esta versión (qué cambió y por qué)", validators=[Optional(), Length(max=2000)])
    amendment = SelectField("Modificación aprobada que origina este cambio", choices=[], validate_choice=False,
                            validators=[Optional()])


class PpiTranscriptionForm(FlaskForm):
    """The adopted act's investment plan, transcribed once after the adoption (``ppi_transcription``): its sheet,
    the act's PDF as support and the act's number and date."""

    sheet = FileField("Plan de inversiones del acto adoptado (archivo CSV o XLSX)",
                      validators=[FileRequired("Adjunte el archivo CSV o XLSX con el plan de inversiones.")])
    evidence = FileField("Acto adoptado (PDF, máximo 20 MB)",
                         validators=[FileRequired("Adjunte el PDF del acto adoptado: es el soporte de la "
                                                  "transcripción.")])
    reference = StringField("Acto adoptado: número y fecha (por ejemplo, Ordenanza 004 del 30 de mayo de 2028)",
                            validators=[DataRequired("Escriba el número y la fecha del acto adoptado."),
                                        Length(max=120, message="Máximo 120 caracteres.")])
    note = TextAreaField("Nota (opcional)", validators=[Optional(), Length(max=1000)])

    def evidence_upload(self) -> Upload | None:
        data = self.evidence.data
        return Upload(data.filename or "", data.stream) if data and getattr(data, "filename", "") else None
