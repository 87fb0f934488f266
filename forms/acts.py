"""The form of a legal act: date, number, notes, evidence PDF, plus the fields a given act needs."""
from __future__ import annotations

import re

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from forms.fields import DayField, options
from state_machines.approval.concepts import ANSWER_DECISIONS, CONCEPT_SENSES, RecommendationRef
from state_machines.approval.route import IRREVERSIBLE_ACTS, PUBLIC_BY_LAW, withholding_refusal
from state_machines.approval.submachines import hearing_date_problem
from state_machines.calendar import VIGENCIA_CLAUSES
from state_machines.core.dates import HOUR
from state_machines.corporation import sessions as corporation_sessions
from state_machines.corporation.sanction import GOVERNOR_REVIEW_OUTCOMES, GROUNDS
from state_machines.phase2 import PHASE2_MACHINES, TRIBUNAL_RULINGS
from workflow_app.services.route.documents import Upload
from workflow_app.services.route.plans import ActCommand

CONCEPTS = list(CONCEPT_SENSES.items())
VIGENCIA_CHOICES = [("on_publication", "Rige desde su publicación"),
                    ("day_after_publication", "Rige desde el día siguiente a su publicación"),
                    ("fixed_date", "Rige desde una fecha que el acto fija"),
                    # D1222 art. 83: an ordenanza published before 8 February 2022 and silent binds 30 days later.
                    ("silent", "El acto no dice desde cuándo rige (una ordenanza publicada antes del 8 de febrero "
                               "de 2022 rige treinta días después: D1222 art. 83)")]
assert {c for c, _ in VIGENCIA_CHOICES} == set(VIGENCIA_CLAUSES)


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


_THOUSANDS = re.compile(r"\s*\d{1,3}(?:[.\s]\d{3})+\s*")


def _without_thousands(value):
    """«1.200» or «1 200», as Colombia writes a thousand and more, read as 1200 (QA, 7 December 2026)."""
    if isinstance(value, str) and _THOUSANDS.fullmatch(value):
        return re.sub(r"[.\s]", "", value)
    return value

EXTRA_FIELDS = {
    "concept": lambda: RadioField("Sentido del concepto", choices=options(CONCEPTS),
                                  validators=[InputRequired("Elija el sentido del concepto.")]),
    "parts": lambda: TextAreaField(
        "Partes del plan sobre las que se pronuncia (una por línea; obligatorio si el concepto es parcial)",
        validators=[Length(max=4000)]),
    "recommendations": lambda: TextAreaField(
        "Recomendaciones (una por línea; cada línea queda como una recomendación numerada)",
        validators=[Length(max=20000)]),
    "committee_outcome": lambda: RadioField(
        "Resultado de la sesión", choices=options([("approved", "La comisión aprobó el proyecto en primer debate"),
                                                  ("continues", "El debate continúa en otra sesión")]),
        validators=[InputRequired("Indique si la comisión aprobó el proyecto o si el debate continúa.")]),
    "vigencia": lambda: RadioField("Vigencia que declara el acto", choices=options(VIGENCIA_CHOICES),
                                   default="on_publication",
                                   validators=[InputRequired("Indique desde cuándo rige el acto.")]),
    "in_force_declared": lambda: DayField("Fecha desde la cual rige (solo si el acto fija una fecha)",
                                           validators=[Optional()]),
    "car_wait_reason": lambda: TextAreaField(
        "Si una autoridad ambiental aún está en su plazo: por qué se continúa sin su concepto",
        validators=[Optional(), Length(max=4000)]),
    "scheduled_on": lambda: DayField("Fecha de la audiencia", validators=[InputRequired("Indique la fecha.")]),
    # The hour the hearing starts, as people say it in Colombia (a citizen needs it to attend; QA, 7 December 2026).
    "scheduled_time": lambda: StringField("Hora de inicio (hora de Colombia)", render_kw={"type": "time"},
                                          validators=[InputRequired("Indique la hora de inicio, por ejemplo 18:00."),
                                                      Regexp(HOUR, message="Escriba la hora como 18:00 (de 00:00 a "
                                                                           "23:59).")]),
    "place": lambda: StringField("Lugar", validators=[DataRequired("Indique el lugar."), Length(max=200)]),
    "zone": lambda: StringField("Comuna, barrio, localidad o municipio", validators=[
        DataRequired("Indique la comuna, barrio o municipio."), Length(max=200)]),
    "attendance": lambda: StringField("Número de asistentes (en cifras)", filters=[_without_thousands],
                                      render_kw={"inputmode": "numeric"}, validators=[
        Optional(), Regexp(r"^\s*\d{1,6}\s*$", message="Escriba el número de asistentes en cifras, por ejemplo 80.")]),
    "legal_review_note": lambda: TextAreaField(
        "Nota de revisión jurídica (obligatoria si radica después del plazo)", validators=[Optional(), Length(max=4000)]),
    "text": lambda: TextAreaField("Texto de la modificación propuesta", validators=[
        DataRequired("Escriba el texto de la modificación."), Length(max=20000)]),
    "authors": lambda: TextAreaField("Autores (un concejal o diputado por línea)", validators=[
        DataRequired("Registre al menos un autor."), Length(max=2000)]),
    "voted_down": lambda: BooleanField("La plenaria votó y negó el proyecto de plan", validators=[
        DataRequired("Confirme que la corporación negó el proyecto.")]),
    # The last stretch (state_machines.corporation.sanction): L136 arts. 78-82; L2200 arts. 100-103.
    "grounds": lambda: SelectMultipleField(
        "Razones de la objeción (puede marcar ambas)", choices=options(GROUNDS.items()),
        option_widget=widgets.CheckboxInput(), widget=widgets.ListWidget(prefix_label=False),
        validators=[DataRequired("Marque si objeta por inconveniencia, por ilegalidad o por ambas.")]),
    "article_count": lambda: IntegerField(
        "Número de artículos del proyecto (de él depende el plazo para objetar)",
        validators=[InputRequired("Indique cuántos artículos tiene el proyecto (un número entero)."),
                    NumberRange(min=1, max=10000, message="El número de artículos debe estar entre 1 y 10 000.")]),
    "articles_sent": lambda: IntegerField(
        "Número de artículos del proyecto aprobado (de él depende el plazo para sancionarlo u objetarlo)",
        validators=[Optional(), NumberRange(min=1, max=10000, message="El número de artículos debe estar entre "
                                                                       "1 y 10 000.")]),
    # L2200 art. 100 par.; D1222 art. 79; DL1421 art. 23: objections rejected by "la mitad más uno de los miembros".
    "decision_votes": lambda: IntegerField(
        "Votos de la plenaria por rechazar las objeciones (las asambleas y el Concejo de Bogotá necesitan la mitad "
        "más uno de sus miembros)",
        validators=[Optional(), NumberRange(min=0, max=500, message="Los votos deben estar entre 0 y 500.")]),
    # L2200 art. 101: the 48 hours to send the project to the Tribunal run from the governor's receipt.
    "communication_received_on": lambda: DayField(
        "Fecha en que el gobernador recibió la comunicación de la insistencia (asambleas, L2200 art. 101; déjela "
        "vacía si es la del acto)", validators=[Optional()]),
    "corporation_members": lambda: IntegerField(
        "Número de miembros del concejo o asamblea (sus curules)",
        validators=[Optional(), NumberRange(min=1, max=500, message="Los miembros deben estar entre 1 y 500.")]),
    "archived_articles": lambda: TextAreaField(
        "Artículos que el Tribunal ordenó archivar", validators=[
            DataRequired("Indique los artículos que se archivan."), Length(max=2000)]),
    "governor_review": lambda: RadioField(
        "Resultado de la revisión jurídica del gobernador", choices=options(GOVERNOR_REVIEW_OUTCOMES.items()),
        validators=[InputRequired("Indique el resultado de la revisión del gobernador.")]),
    "ponencia_debate": lambda: RadioField(
        "Debate para el que se publica", choices=options([("committee", "Primer debate, en comisión"),
                                                          ("plenary", "Segundo debate, en plenaria")]),
        validators=[InputRequired("Indique para qué debate se publica la ponencia.")]),
    # Sessions as data (issue 20; state_machines.corporation.sessions): L136 art. 23; L2200 art. 23; DL1421 art. 10.
    "starts_on": lambda: DayField("Primer día de las sesiones extraordinarias", validators=[
        InputRequired("Indique el primer día de las sesiones extraordinarias (día/mes/año).")]),
    "ends_on": lambda: DayField("Último día de las sesiones extraordinarias", validators=[
        InputRequired("Indique el último día de las sesiones extraordinarias (día/mes/año).")]),
    "purpose": lambda: TextAreaField("Objeto de la convocatoria (los asuntos que el decreto somete a la corporación)",
                                     validators=[DataRequired("Escriba el objeto de la convocatoria."),
                                                 Length(max=2000)]),
    "covers_plan": lambda: BooleanField("El decreto somete a la corporación el proyecto del plan de desarrollo "
                                        "(o sus objeciones)"),
    # L136 art. 23 par. 1: the cap is the rule's own (``sessions.EXTENSION_MAX_DAYS``, configurable), not a copy.
    "extension_days": lambda: _extension_days_field(corporation_sessions.EXTENSION_MAX_DAYS),
    # D111 art. 109; L136 art. 80 (analogy): what the Tribunal decided on the budget's objection decides what follows.
    "tribunal_ruling": lambda: RadioField(
        "Sentido del fallo", choices=options(TRIBUNAL_RULINGS.items()),
        validators=[InputRequired("Indique el sentido del fallo del Tribunal.")]),
    "leader_name": lambda: StringField("Nombre del líder del equipo formulador", validators=[
        DataRequired("Indique quién lidera el equipo."), Length(max=200)]),
    "leader_email": lambda: StringField("Correo del líder", validators=[
        Optional(), Email("Escriba un correo válido."), Length(max=254)]),
}

#: What an act's date means, where it is not simply the day the act took place (the form's hint under "Fecha del
#: acto"): the receipt's act is dated the day the Gobernación received the communication (L2200 art. 101).
ACT_DATE_HINTS = {
    "record_insistence_receipt": "El día en que la Gobernación recibió la comunicación de la insistencia: desde ese "
                                 "día corren las 48 horas para enviar el proyecto al Tribunal (L2200 art. 101).",
}

FIELDS_BY_TRIGGER = {
    "start_drafting": ("leader_name", "leader_email"),
    "record_ctp_concept": ("concept", "parts", "recommendations"),
    "receive_concept": ("concept", "parts", "recommendations"),
    "consider_concepts": ("car_wait_reason",),
    "record_committee_debate": ("committee_outcome",),
    "continue_committee_debate": ("committee_outcome",),
    "publish": ("vigencia", "in_force_declared"),
    "publish_by_president": ("vigencia", "in_force_declared"),
    "schedule_hearing": ("scheduled_on", "scheduled_time", "place", "zone"),
    "hold": ("attendance",),
    "file_with_corporacion": ("legal_review_note",),
    "propose_amendment": ("text", "authors"),
    "vote_down": ("voted_down",),
    "send_for_sanction": ("articles_sent",),
    "object": ("grounds", "article_count"),
    "reject_objections": ("decision_votes", "corporation_members"),
    "insist_on_project": ("decision_votes", "corporation_members", "communication_received_on"),
    "record_tribunal_articles_archived": ("archived_articles",),
    "record_governor_review": ("governor_review",),
    "publish_ponencia": ("ponencia_debate",),
    "convoke_sessions": ("starts_on", "ends_on", "purpose", "covers_plan"),
    "extend_sessions": ("extension_days",),
    "record_tribunal_ruling": ("tribunal_ruling",),
}
#: Fields only one kind of entity's law asks for: the governor's receipt of the Asamblea's insistence, from which
#: L2200 art. 101's 48 hours run (a Concejo's insistence, L136 art. 80, writes no such receipt).
KIND_ONLY_FIELDS = {"communication_received_on": "departamento"}
#: Fields only the approval route's acts ask for: a Phase II convocation (for the budget or the harmonisation,
#: L136 art. 23 par. 2) does not submit the development plan.
ROUTE_ONLY_FIELDS = frozenset({"covers_plan"})


def _trigger_fields(trigger: str, machine: str | None) -> tuple[str, ...]:
    names = FIELDS_BY_TRIGGER.get(trigger, ())
    if machine in PHASE2_MACHINES:
        return tuple(n for n in names if n not in ROUTE_ONLY_FIELDS)
    return names


def fields_for(trigger: str, entity_kind: str, machine: str | None = None) -> tuple[str, ...]:
    """The act form's own fields for this entity's kind and the act's procedure (``FIELDS_BY_TRIGGER`` less
    ``KIND_ONLY_FIELDS``, and ``ROUTE_ONLY_FIELDS`` in Phase II)."""
    return tuple(name for name in _trigger_fields(trigger, machine)
                 if KIND_ONLY_FIELDS.get(name, entity_kind) == entity_kind)


PAYLOAD_FIELDS = {"concept", "parts", "recommendations", "scheduled_on", "scheduled_time", "place", "zone", "attendance",
                  "text", "authors", "voted_down", "leader_name", "leader_email", "committee_outcome", "vigencia",
                  "in_force_declared", "grounds", "article_count", "articles_sent", "archived_articles",
                  "governor_review", "ponencia_debate", "starts_on", "ends_on", "purpose", "covers_plan",
                  "extension_days", "decision_votes", "corporation_members", "communication_received_on",
                  "tribunal_ruling"}
LIST_FIELDS = {"recommendations", "parts", "authors"}
#: Fields whose value is already a list (checkboxes) or a number: kept as they come.
RAW_FIELDS = {"grounds", "article_count", "articles_sent", "extension_days", "covers_plan", "decision_votes",
              "corporation_members"}


class ActForm(FlaskForm):
    act_on = DayField("Fecha del acto", validators=[InputRequired("Indique la fecha del acto (día/mes/año).")])
    reference = StringField("Número de radicado, acta, decreto o acuerdo", validators=[Length(max=120)])
    notes = TextAreaField("Observaciones", validators=[Optional(), Length(max=4000)])
    evidence = FileField("Documento de soporte (PDF, máximo 20 MB)")
    evidence_is_public = BooleanField("Publicar este documento en el portal ciudadano")
    expected_version = HiddenField()


def _validate_recommendations(form, field) -> None:
    if getattr(form, "concept", None) is not None and form.concept.data == "favorable_con_recomendaciones" \
            and not _lines(field.data):
        raise ValidationError("Un concepto favorable con recomendaciones debe registrar al menos una.")


def _validate_parts(form, field) -> None:
    if getattr(form, "concept", None) is not None and form.concept.data == "parcial" and not _lines(field.data):
        raise ValidationError("Indique las partes del plan sobre las que se pronuncia el concepto parcial.")


def _validate_in_force_declared(form, field) -> None:
    if form.vigencia.data == "fixed_date":
        if field.data is None:
            raise ValidationError("Indique la fecha desde la cual rige el acto.")
        if form.act_on.data and field.data < form.act_on.data:
            raise ValidationError("El acto no puede regir antes de su publicación (CPACA art. 65).")


def _validate_ends_on(form, field) -> None:
    if field.data and form.starts_on.data and field.data < form.starts_on.data:
        raise ValidationError("El último día no puede ser anterior al primero.")


def _validate_communication_received_on(form, field) -> None:
    if field.data and form.act_on.data and field.data < form.act_on.data:
        raise ValidationError("El gobernador no pudo recibir la comunicación antes de la insistencia.")


def _validate_scheduled_on(form, field) -> None:
    """Said with the form's other errors, in one round (the service refuses it too: ``hearing_date_problem``)."""
    if field.data and form.act_on.data and (problem := hearing_date_problem(field.data, form.act_on.data)):
        raise ValidationError(problem)


def _validate_decision_votes(form, field) -> None:
    if field.data is not None and form.corporation_members.data is not None \
            and field.data > form.corporation_members.data:
        raise ValidationError("Los votos no pueden ser más que los miembros de la corporación.")


def _validate_withheld_reason(form, field) -> None:
    problem = withholding_refusal(form.trigger_name, form.publication.data != "withheld", field.data)
    if problem and form.evidence.data and getattr(form.evidence.data, "filename", ""):
        raise ValidationError(problem)


PUBLICATION_CHOICES = [("public", "Publicarlo en el portal ciudadano (lo que la ley hace público)"),
                       ("withheld", "No publicarlo, por reserva o clasificación (escriba la razón)")]


def answer_field_names(recommendations: tuple[RecommendationRef, ...]) -> list[tuple[str, str]]:
    return [(f"answer_{i}", f"reason_{i}") for i in range(len(recommendations))]


def _extension_days_field(most: int) -> IntegerField:
    return IntegerField(
        f"Días calendario de la prórroga (hasta {most}, desde el día siguiente al fin del período)",
        validators=[InputRequired(f"Indique cuántos días se prorroga el período (un número de 1 a {most})."),
                    NumberRange(min=1, max=most, message=f"La prórroga es de 1 a {most} días calendario.")])


def act_form_class(trigger: str, recommendations: tuple[RecommendationRef, ...] = (),
                   machine: str | None = None) -> type[ActForm]:
    """The form of one act of ``machine`` (the route's when None). ``recommendations``: for T6, every
    recommendation to answer, one decision and one reason each (D1865 art. 3 num. 4). Irreversible acts carry a
    confirmation that names the consequence."""
    names = _trigger_fields(trigger, machine)
    attrs = {n: EXTRA_FIELDS[n]() for n in names}
    if "recommendations" in names:
        attrs["validate_recommendations"] = _validate_recommendations
    if "parts" in names:
        attrs["validate_parts"] = _validate_parts
    if "in_force_declared" in names:
        attrs["validate_in_force_declared"] = _validate_in_force_declared
    if "ends_on" in names:
        attrs["validate_ends_on"] = _validate_ends_on
    if "decision_votes" in names:
        attrs["validate_decision_votes"] = _validate_decision_votes
    if "scheduled_on" in names:
        attrs["validate_scheduled_on"] = _validate_scheduled_on
    if "communication_received_on" in names:
        attrs["validate_communication_received_on"] = _validate_communication_received_on
    if trigger == "consider_concepts":
        for rec, (answer, reason) in zip(recommendations, answer_field_names(recommendations)):
            attrs[answer] = RadioField(
                f"Recomendación {rec.source} {rec.number}: {rec.text}", choices=options(ANSWER_DECISIONS.items()),
                validators=[InputRequired(f"Responda la recomendación {rec.source} {rec.number}.")])
            attrs[reason] = TextAreaField(f"Razón de la respuesta a la recomendación {rec.source} {rec.number}",
                                          validators=[DataRequired(f"Escriba la razón ({rec.source} {rec.number})."),
                                                      Length(max=4000)])
        attrs["recommendations_to_answer"] = tuple(recommendations)
    if trigger in PUBLIC_BY_LAW:
        # Public unless withheld with its reason (L1712 arts. 9, 11, 18-19): the choice starts on "publish".
        attrs["evidence_is_public"] = None
        attrs["trigger_name"] = trigger
        attrs["publication"] = RadioField(
            "Publicación del documento (Ley 1712 de 2014 arts. 9 y 11: es público por ley)",
            choices=options(PUBLICATION_CHOICES), default="public", validators=[Optional()])
        attrs["withheld_reason"] = TextAreaField(
            "Razón de la reserva o clasificación, si no lo publica (Ley 1712 de 2014 arts. 18 y 19)",
            validators=[Optional(), Length(max=2000)])
        attrs["validate_withheld_reason"] = _validate_withheld_reason
    if trigger in IRREVERSIBLE_ACTS:
        attrs["confirm_irreversible"] = BooleanField(
            f"Confirmo que este acto es irreversible: {IRREVERSIBLE_ACTS[trigger]}",
            validators=[DataRequired("Confirme que entiende la consecuencia de este acto irreversible.")])
    return type(f"ActForm_{trigger}{'_phase2' if machine in PHASE2_MACHINES else ''}", (ActForm,), attrs)


def _is_public_choice(form: ActForm) -> bool:
    if getattr(form, "publication", None) is not None:
        return form.publication.data != "withheld"
    return bool(form.evidence_is_public.data)


def to_command(form: ActForm, *, machine: str, subject: str | None, trigger: str) -> ActCommand:
    payload = {}
    for name in FIELDS_BY_TRIGGER.get(trigger, ()):
        if name not in PAYLOAD_FIELDS or name not in form:  # a field this act's form does not ask
            continue
        value = getattr(form, name).data
        if name in RAW_FIELDS:
            value = list(value or ()) if name == "grounds" else value
        elif name in LIST_FIELDS:
            value = _lines(value)
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        payload[name] = value
    recommendations = getattr(form, "recommendations_to_answer", ())
    if recommendations:
        payload["answers"] = {
            rec.key: {"decision": getattr(form, answer).data, "reason": (getattr(form, reason).data or "").strip()}
            for rec, (answer, reason) in zip(recommendations, answer_field_names(recommendations))}
    upload = form.evidence.data
    evidence = Upload(upload.filename or "", upload.stream) if upload and getattr(upload, "filename", "") else None
    return ActCommand(
        trigger=trigger, machine=machine, subject=subject, act_on=form.act_on.data,
        reference=form.reference.data or "", notes=form.notes.data or "", evidence=evidence,
        evidence_is_public=_is_public_choice(form),
        evidence_withheld_reason=(getattr(form, "withheld_reason", None) and form.withheld_reason.data or "").strip(),
        payload=payload,
        legal_review_note=getattr(form, "legal_review_note", None) and form.legal_review_note.data or "",
        car_wait_reason=getattr(form, "car_wait_reason", None) and form.car_wait_reason.data or "",
    )
