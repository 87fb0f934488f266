"""The form of a legal act: date, number, notes, evidence PDF, plus the fields a given act needs."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, HiddenField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional

from workflow_app.services.documents import Upload
from workflow_app.services.plans import ActCommand

CONCEPTS = [("favorable", "Favorable"), ("favorable_con_recomendaciones", "Favorable con recomendaciones"),
            ("desfavorable", "Desfavorable")]


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


EXTRA_FIELDS = {
    "concept": lambda: RadioField("Sentido del concepto", choices=CONCEPTS,
                                  validators=[InputRequired("Elija el sentido del concepto.")]),
    "scope": lambda: RadioField("Alcance", choices=[("total", "Sobre todo el plan"), ("parcial", "Sobre una parte")],
                                default="total", validators=[InputRequired("Elija el alcance del concepto.")]),
    "recommendations": lambda: TextAreaField("Recomendaciones (una por línea)", validators=[Length(max=20000)]),
    "answers": lambda: TextAreaField(
        "Respuesta a cada recomendación (una por línea: «acogida» o «no acogida», con la razón)",
        validators=[DataRequired("Responda las recomendaciones de los conceptos."), Length(max=20000)]),
    "car_wait_reason": lambda: TextAreaField(
        "Si una autoridad ambiental aún está en su plazo: por qué se continúa sin su concepto",
        validators=[Optional(), Length(max=4000)]),
    "scheduled_on": lambda: DateField("Fecha de la audiencia", validators=[InputRequired("Indique la fecha.")]),
    "place": lambda: StringField("Lugar", validators=[DataRequired("Indique el lugar."), Length(max=200)]),
    "zone": lambda: StringField("Comuna, barrio, localidad o municipio", validators=[
        DataRequired("Indique la comuna, barrio o municipio."), Length(max=200)]),
    "attendance": lambda: StringField("Número de asistentes", validators=[Optional(), Length(max=10)]),
    "legal_review_note": lambda: TextAreaField(
        "Nota de revisión jurídica (obligatoria si radica después del plazo)", validators=[Optional(), Length(max=4000)]),
    "text": lambda: TextAreaField("Texto de la modificación propuesta", validators=[
        DataRequired("Escriba el texto de la modificación."), Length(max=20000)]),
    "authors": lambda: TextAreaField("Autores (un concejal o diputado por línea)", validators=[
        DataRequired("Registre al menos un autor."), Length(max=2000)]),
    "voted_down": lambda: BooleanField("La plenaria votó y negó el proyecto de plan", validators=[
        DataRequired("Confirme que la corporación negó el proyecto.")]),
    "leader_name": lambda: StringField("Nombre del líder del equipo formulador", validators=[
        DataRequired("Indique quién lidera el equipo."), Length(max=200)]),
    "leader_email": lambda: StringField("Correo del líder", validators=[
        Optional(), Email("Escriba un correo válido."), Length(max=254)]),
}

FIELDS_BY_TRIGGER = {
    "start_drafting": ("leader_name", "leader_email"),
    "record_ctp_concept": ("concept", "scope", "recommendations"),
    "receive_concept": ("concept", "recommendations"),
    "consider_concepts": ("answers", "car_wait_reason"),
    "schedule_hearing": ("scheduled_on", "place", "zone"),
    "hold": ("attendance",),
    "file_with_corporacion": ("legal_review_note",),
    "propose_amendment": ("text", "authors"),
    "vote_down": ("voted_down",),
}
PAYLOAD_FIELDS = {"concept", "scope", "recommendations", "answers", "scheduled_on", "place", "zone", "attendance",
                  "text", "authors", "voted_down", "leader_name", "leader_email"}
LIST_FIELDS = {"recommendations", "answers", "authors"}


class ActForm(FlaskForm):
    act_on = DateField("Fecha del acto", validators=[InputRequired("Indique la fecha del acto (día/mes/año).")])
    reference = StringField("Número de radicado, acta, decreto o acuerdo", validators=[Length(max=120)])
    notes = TextAreaField("Observaciones", validators=[Optional(), Length(max=4000)])
    evidence = FileField("Documento de soporte (PDF, máximo 20 MB)")
    evidence_is_public = BooleanField("Publicar este documento en el portal ciudadano")
    expected_version = HiddenField()


def act_form_class(trigger: str) -> type[ActForm]:
    names = FIELDS_BY_TRIGGER.get(trigger, ())
    return type(f"ActForm_{trigger}", (ActForm,), {n: EXTRA_FIELDS[n]() for n in names})


def to_command(form: ActForm, *, machine: str, subject: str | None, trigger: str) -> ActCommand:
    payload = {}
    for name in FIELDS_BY_TRIGGER.get(trigger, ()):
        if name not in PAYLOAD_FIELDS:
            continue
        value = getattr(form, name).data
        if name in LIST_FIELDS:
            value = _lines(value)
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        payload[name] = value
    upload = form.evidence.data
    evidence = Upload(upload.filename or "", upload.stream) if upload and getattr(upload, "filename", "") else None
    return ActCommand(
        trigger=trigger, machine=machine, subject=subject, act_on=form.act_on.data,
        reference=form.reference.data or "", notes=form.notes.data or "", evidence=evidence,
        evidence_is_public=bool(form.evidence_is_public.data), payload=payload,
        legal_review_note=getattr(form, "legal_review_note", None) and form.legal_review_note.data or "",
        car_wait_reason=getattr(form, "car_wait_reason", None) and form.car_wait_reason.data or "",
    )
