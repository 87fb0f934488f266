"""Notices sent when a plan moves: whoever must act next is told, with the deadline and its norm; and when a
document of its case file is corrected, the interested parties are told of it (CPACA art. 45)."""
from __future__ import annotations

from sqlalchemy.orm import Session

from state_machines import calendar as legal_calendar
from state_machines.approval import corrections
from state_machines.approval.concepts import concept_from_data
from state_machines.approval.pdt import PDT_MACHINE, STATE_LABELS
from state_machines.approval.route import CONSIDERATION_STEP, DUTIES, TURNS, duty_for
from state_machines.approval.submachines import CAR_REVIEW_MACHINE
from state_machines.core.dates import format_hour_es
from state_machines.core.roles import Role
from state_machines.core.wording import Wording, localize, localize_basis, quoted, with_de
from workflow_app.infra.clock import BOGOTA
from workflow_app.infra.templating import document_title
from workflow_app.models import Document, Plan, PlanEvent, User
from workflow_app.services.outbox import Message, notify_many
from workflow_app.services.people.people import Recipients
from workflow_app.services.route.plans import act_basis


def notify_transition(session: Session, *, plan: Plan, event: PlanEvent, deadlines: list) -> None:
    """Tell the people of each duty that became pending with this act (not the ones that already were).
    ``deadlines``: the plan's calendar after the act (empty when the act cannot open a duty).

    Connected to ``services.events.act_recorded`` by ``notifications.hooks``; runs in the act's transaction."""
    if event.machine != "pdt_approval" or not deadlines:
        return
    cars = "start_car_reviews" in (event.payload or {}).get("effects", [])
    source, dest = event.from_state, event.to_state  # read once: the event's attributes are instrumented
    duties = [(duty, deadline) for duty in DUTIES
              if source != dest and dest in duty.pending_states and source not in duty.pending_states
              for deadline in deadlines if deadline.key == duty.deadline_key]
    car_deadlines = [d for d in deadlines if d.key == "car_concept"] if cars else []
    turns = [t for t in TURNS if source != dest and t.state == dest]
    if not duties and not car_deadlines and not turns:
        return
    # Everyone who may be told, in one query, then chosen per duty.
    roles = ({role for duty, _ in duties for role in duty.roles} | {role for t in turns for role in t.roles}
             | ({Role.CAR} if car_deadlines else set()))
    authorities = {d.authority for _, d in duties} | {d.authority for d in car_deadlines}
    recipients = Recipients(session, plan, roles, authorities)
    entity = plan.entity.display_name
    items: list[tuple[list, Message]] = []  # told together: one statement for all notices on PostgreSQL
    items += _car_authority_notices(recipients, plan, event, car_deadlines, entity)
    items += _duty_notices(recipients, plan, event, duties, entity)
    items += _turn_notices(recipients, plan, event, turns, entity)
    if items:
        notify_many(session, items)


#: The acts that bring a concept the executive must consider (D1865 art. 3 num. 4; L152 art. 39 num. 6), by machine.
CONCEPT_ACTS = {("pdt_approval", "record_ctp_concept"): ("del Consejo Territorial de Planeación",
                                                         "El Consejo Territorial de Planeación"),
                ("car_review", "receive_concept"): ("de la autoridad ambiental", "La autoridad ambiental")}
CONCEPT_BASIS = "D1865 art. 3 num. 4; L152 art. 39 num. 6"


def notify_concept(session: Session, *, plan: Plan, event: PlanEvent, deadlines: list) -> None:
    """Tell the executive and its planning office that a concept arrived: it must be considered, each
    recommendation answered, before the project is filed. Their duty to file was already pending, so
    ``notify_transition`` told them nothing (QA, 7 December 2026: the CTP's concept arrived unannounced).

    Connected to ``services.events.act_recorded`` by ``notifications.hooks``; runs in the act's transaction."""
    source = CONCEPT_ACTS.get((event.machine, event.trigger))
    if source is None:
        return
    payload = event.payload or {}
    concept = concept_from_data(payload)
    sense = f" ({concept.sense_label.lower()})" if concept is not None else ""
    recs = len(concept.recommendations) if concept is not None else 0
    code = f" {event.subject}" if event.machine == "car_review" and event.subject else ""
    of_whom, who = (f"{phrase}{code}" for phrase in source)
    entity, wording = plan.entity.display_name, plan.entity.wording
    before_filing = plan.state in duty_for("filing").pending_states
    asked = (f" con {recs} recomendaci{'ón' if recs == 1 else 'ones'}" if recs else "")
    body_role = Role.CAR if event.machine == "car_review" else Role.CTP
    people = Recipients(session, plan, {Role.EJECUTIVO, Role.PLANEACION, body_role},
                        {event.subject} if body_role is Role.CAR else set())
    users = people.users({Role.EJECUTIVO, Role.PLANEACION})
    receipt = _concept_receipt(plan, event, of_whom, sense)
    notify_many(session, [(people.users({body_role}, event.subject if body_role is Role.CAR else None), receipt),
                          (users, Message(
        kind="transition", dedupe_key=f"concept:{event.id}",
        subject=localize(f"{entity}: llegó el concepto {of_whom}", wording),
        body=localize(f"{who} entregó el {legal_calendar.format_date_es(event.act_on)} su concepto{sense}{asked} "
                      f"sobre el proyecto de plan de {entity}. Considérelo"
                      f"{' y responda cada recomendación, con su razón,' if recs else ''}"
                      f"{' antes de radicar el proyecto' if before_filing else ''}.", wording),
        link=f"/planes/{plan.id}", plan_id=plan.id, legal_basis=CONCEPT_BASIS,
        step_key=CONSIDERATION_STEP))])  # «Atendida» once the concepts are considered, and out of the digest


def notify_correction(session: Session, *, plan: Plan, event: PlanEvent, document: Document, previous: Document,
                      actor: User) -> None:
    """Tell the interested parties of the plan's case file (``corrections.interested_parties``: the entity's route
    actors and the environmental authorities that received the project) that a document was corrected: which one,
    its versions, who corrected it and why, and that a formal correction cannot change the decision (CPACA art. 45).
    Once per correction (its new version's id), by each person's chosen delivery; not to the one who corrected it.

    Connected to ``services.events.document_corrected`` by ``notifications.hooks``; runs in the correction's
    transaction."""
    interested = corrections.interested_parties(
        p.subject for p in plan.procedures if p.machine == CAR_REVIEW_MACHINE.name)
    roles = set(interested.roles) | ({Role.CAR} if interested.authorities else set())
    people = Recipients(session, plan, roles, set(interested.authorities))
    found = people.users(interested.roles) + [u for code in sorted(interested.authorities)
                                              for u in people.users({Role.CAR}, authority=code)]
    told = [u for u in found if corrections.is_told(u.id, actor.id)]
    if not told:
        return
    entity, wording = plan.entity.display_name, plan.entity.wording
    title = document_title(previous, plan.entity)
    moment = event.occurred_at.astimezone(BOGOTA) if event.occurred_at else None
    when = (f"El {legal_calendar.format_date_es(moment.date())} a las {format_hour_es(moment.strftime('%H:%M'))}"
            if moment else f"El {legal_calendar.format_date_es(event.act_on)}")
    who = f"{actor.name} ({_role_phrase(event.role, wording, (event.payload or {}).get('authority'))})"
    notify_many(session, [(told, Message(
        kind="transition", dedupe_key=f"correction:{document.id}",
        subject=fitted_subject(localize(f"{entity}: se corrigió ", wording), title),
        body=localize(f"{when}, {who} registró una corrección formal de {quoted(title)} en el expediente del plan "
                      f"de {entity}: la versión {document.version} reemplaza a la versión {previous.version}. "
                      f"Motivo: {quoted(_sentence(document.correction_reason))}. {corrections.NOTICE_EXPLANATION} "
                      f"Las dos versiones quedan en el expediente; la nueva tiene la huella SHA-256 "
                      f"{document.sha256}.", wording),
        link=f"/planes/{plan.id}#h-docs", plan_id=plan.id, legal_basis=corrections.LEGAL_BASIS))])


#: ``notifications.subject``'s length: a title someone gave a document (up to 200 characters) after a long entity's
#: name would not fit.
SUBJECT_CHARS = 255


def fitted_subject(head: str, title: str) -> str:
    """``head`` and the quoted ``title``, the title cut at a word with «…» when both would not fit a subject."""
    room = SUBJECT_CHARS - len(head) - 2
    if len(title) > room:
        title = title[:room - 1].rsplit(" ", 1)[0].rstrip(" ,;:—-") + "…"
    return f"{head}{quoted(title)}"


def _sentence(text: str | None) -> str:
    """A quoted reason closed by the sentence's own period: «… en la página 3». (not «… página 3.».)."""
    text = (text or "").strip()
    return text[:-1] if text.endswith(".") and not text.endswith("..") else text


def _role_phrase(role: str, wording: Wording, authority: str | None) -> str:
    """The corrector's office for the entity: «alcaldesa de Génova», «secretaría del Concejo de Génova»."""
    if role == Role.EJECUTIVO.value:
        return f"{wording.executive_title} {wording.of_place}"
    if role == Role.PLANEACION.value:
        return f"secretaría de planeación {wording.of_place}"
    if role == Role.CTP.value:
        return f"Consejo Territorial de Planeación {wording.of_place}"
    if role == Role.CORPORACION.value:
        return f"secretaría {with_de(('la ' if wording.is_department else 'el ') + wording.corporation)}"
    if role == Role.CAR.value:
        return f"autoridad ambiental {authority}" if authority else "autoridad ambiental"
    return Role(role).label.lower()


def _concept_receipt(plan: Plan, event: PlanEvent, of_whom: str, sense: str) -> Message:
    """The body that gave the concept gets a receipt (by e-mail at once, whatever each person chose: it is its
    proof) of what was recorded, when (Bogotá), under which act date, and the document's SHA-256: its proof of
    delivery within its term (QA, 7 December 2026: the CTP's volunteers were told nothing)."""
    entity, wording = plan.entity.display_name, plan.entity.wording
    moment = event.occurred_at.astimezone(BOGOTA) if event.occurred_at else None
    when = (f" el {legal_calendar.format_date_es(moment.date())} a las {format_hour_es(moment.strftime('%H:%M'))}"
            if moment else "")
    # The act's own document, as it wrote it (``plans._apply_act``): no query in the act's transaction.
    proof = "".join(f" Documento: «{title}», SHA-256 {sha}." for title, sha in getattr(event, "evidence_proof", ()))
    return Message(
        kind="transition", dedupe_key=f"concept-receipt:{event.id}",
        subject=localize(f"{entity}: quedó registrado el concepto {of_whom}", wording),
        body=localize(f"Quedó registrado{when} el concepto{sense} {of_whom} sobre el proyecto de plan de {entity}, "
                      f"con fecha del acto {legal_calendar.format_date_es(event.act_on)}.{proof} Guarde este correo "
                      "como constancia de la entrega.", wording),
        link=f"/planes/{plan.id}", plan_id=plan.id,
        legal_basis="D1865 art. 3" if event.machine == "car_review" else "L152 art. 39 num. 6", send_now=True)


def _turn_notices(recipients: Recipients, plan: Plan, event: PlanEvent, turns: list, entity: str) -> list:
    """Whose turn it is where the law writes no term (``route.TURNS``): the objections before the corporation
    (L136 arts. 79-80; L2200 arts. 100-101), a partly vitiated acuerdo back to the Concejo (L136 art. 80)."""
    items = []
    for turn in turns:
        row = PDT_MACHINE.row(turn.state, turn.trigger)
        basis = act_basis(plan, turn.trigger, row.legal_basis, turn.state, event.act_on)
        wording = plan.entity.wording
        items.append((recipients.users(turn.roles), Message(
            kind="transition", dedupe_key=f"transition:{event.id}:turn:{turn.state}",
            subject=localize(f"{entity}: {turn.label}", wording),
            body=localize(f"El plan de {entity} quedó en el estado {quoted(STATE_LABELS[turn.state])}. "
                          f"{turn.label}: la ley no fija un término para hacerlo.", wording),
            link=f"/planes/{plan.id}", plan_id=plan.id, step_key=turn.step_key,
            legal_basis=localize_basis(basis, wording))))
    return items


def _duty_notices(recipients: Recipients, plan: Plan, event: PlanEvent, duties: list, entity: str) -> list:
    items = []
    for duty, deadline in duties:
        users = recipients.users(duty.roles, authority=deadline.authority)
        when = legal_calendar.format_date_es(deadline.act_by, weekday=True)
        wording = plan.entity.wording  # said for the entity: "el Concejo de Génova", "la alcaldesa"
        items.append((users, _notice(plan, event, deadline, subject=localize(f"{entity}: {duty.label}", wording),
                                     body=localize(
            f"El plan de {entity} quedó en el estado {quoted(STATE_LABELS[event.to_state])}. "
            f"{duty.label}: actúe a más tardar el {when}.", wording))))
    return items


def _car_authority_notices(recipients: Recipients, plan: Plan, event: PlanEvent, deadlines, entity: str) -> list:
    """D1865 art. 3 num. 2-3: each authority receives its copy and has its business days
    (``calendar.CAR_CONCEPT_BUSINESS_DAYS``, 15)."""
    items = []
    for deadline in deadlines:
        when = legal_calendar.format_date_es(deadline.act_by, weekday=True)
        users = recipients.users({Role.CAR}, authority=deadline.authority)
        items.append((users, _notice(
            plan, event, deadline, subject=f"{entity}: copia del proyecto de plan para concepto ambiental",
            body=(f"{entity} envió a {deadline.authority} la copia del proyecto de Plan de Desarrollo. "
                  f"Emita su concepto técnico a más tardar el {when} "
                  f"({legal_calendar.CAR_CONCEPT_BUSINESS_DAYS} días hábiles)."))))
    return items


def _notice(plan: Plan, event: PlanEvent, deadline, *, subject: str, body: str) -> Message:
    """The notice of one deadline opened by ``event``: told once per act and deadline, with its date and norm."""
    return Message(kind="transition", dedupe_key=f"transition:{event.id}:{deadline.map_key}", subject=subject,
                   body=body, link=f"/planes/{plan.id}", plan_id=plan.id, step_key=deadline.map_key,
                   due_on=deadline.act_by, legal_basis=deadline.legal_basis)
