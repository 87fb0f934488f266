"""How the route's acts feed the legal calendar, and whose duty each deadline is.

- ``FACT_OF_TRIGGER``: the act whose date starts a term (calendar-contract.md "counts from").
- ``LINKED_SUBTRIGGERS``: a main-machine act that also settles a sub-procedure (the CTP review is closed by
  T5 itself, so the two records never disagree).
- ``DUTIES``: for each deadline key, the states in which it is still pending and the roles that must act
  (reminders and escalation, issue 5; "Mis pendientes", issue 4).
- ``IRREVERSIBLE_ACTS``: acts that cannot be undone, with the consequence a person confirms before taking them.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from state_machines.approval.pdt import ADOPTED_STATES, PDT_MACHINE
from state_machines.approval.submachines import SUBMACHINES
from state_machines.core.roles import Role

FACT_OF_TRIGGER: dict[str, str] = {
    "submit_to_ctp": "ctp_presented",  # L152 art. 39 num. 6: the CTP's month counts from the presentation
    "file_with_corporacion": "filed_with_corporacion",  # L152 art. 40: the corporation's month counts from filing
    "approve_plan": "adopted",  # D683 art. 4: the PISCC month counts from the PDT's approval or adoption
    "adopt_by_decree": "adopted",
    # L152 art. 40; L136 art. 23 par. 2: a recorded convocation settles the duty to convoke.
    "convoke_sessions": "sessions_convoked",
    # CPACA art. 65: the plan binds from its publication (calendar.in_force_on).
    "publish": "published",
    "publish_by_president": "published",  # L136 art. 79; L2200 art. 100 inc. 3
    # The last stretch (state_machines.corporation.sanction): each term counts from the act that opens it.
    "send_for_sanction": "sent_for_sanction",  # L136 art. 78; L2200 art. 100: the term to object
    "accept_objections": "sent_for_sanction",  # the amended project returns for sanction: a new term
    "reject_objections": "objections_rejected",  # L136 art. 79: the executive's 8 days
    "insist_on_project": "illegality_insisted",  # L136 art. 80; L2200 art. 101: to the Tribunal
    # L136 art. 80; DL1421 art. 25: the 3 days to sanction run from the receipt of the ruling (its act's date).
    "record_tribunal_unfounded": "tribunal_unfounded",
    "sanction": "sanctioned",  # L136 arts. 81-82; L2200 art. 103: publication and the copy to the governor
    "sanction_by_president": "sanctioned",
    "send_copy_to_governor": "governor_copy_sent",  # L136 art. 82: the copy sent settles its duty
    "object": "objected",  # L136 art. 78 inc. 3: the week to convoke a Concejo not in sessions
    # L2200 art. 100 inc. 4: the objected project published settles the governor's duty.
    "publish_objected_project": "objected_published",
    # L2200 art. 101: the governor's receipt of the insistence's communication, recorded on its own day.
    "record_insistence_receipt": "illegality_communicated",
}
#: Acts that start a second term besides their ``FACT_OF_TRIGGER`` (L136 art. 76: the remission counts from
#: the approval in second debate), and the decree's adoption, which the plan's record tells from an approval
#: (L152 art. 40: the corporation did not decide in its month) once the plan has moved on.
MORE_FACTS_OF_TRIGGER: dict[str, tuple[str, ...]] = {"approve_plan": ("approved",),
                                                     "adopt_by_decree": ("adopted_by_decree",)}
#: Facts an act records only from a given state: a convocation while the plan is objected is the one L136 art. 78
#: inc. 3 asks of the mayor (``sessions.convocation_of`` makes it ``for_objections``), and it settles that duty.
FACTS_OF_TRIGGER_FROM: dict[tuple[str, str], str] = {("convoke_sessions", "objected"): "objections_convoked"}
#: Facts an act makes stale: new objections (an amended project objected again) open a new week to convoke, which
#: the convocation for the earlier ones does not settle.
FACTS_CLEARED_BY: dict[str, tuple[str, ...]] = {"object": ("objections_convoked", "objected_published"),
                                               "insist_on_project": ("illegality_communicated",)}
#: Facts an act records from a date its form states (payload key -> fact), besides its own date: the insistence's
#: communication received by the governor, from which L2200 art. 101's 48 hours run.
PAYLOAD_FACTS: dict[str, tuple[tuple[str, str], ...]] = {
    "insist_on_project": (("communication_received_on", "illegality_communicated"),)}


def more_facts_of(trigger: str, state: str) -> tuple[str, ...]:
    """The facts an act of the route records besides its ``FACT_OF_TRIGGER``, taken from ``state``."""
    from_state = FACTS_OF_TRIGGER_FROM.get((trigger, state))
    return (*MORE_FACTS_OF_TRIGGER.get(trigger, ()), *((from_state,) if from_state else ()))

# main trigger -> (sub-machine, sub-trigger), chosen by the act's payload where the law distinguishes.
LINKED_SUBTRIGGERS: dict[str, tuple[str, str]] = {
    "record_ctp_concept": ("ctp_review", "issue_concept"),  # or issue_partial_concept (L152 art. 39 num. 6)
    "deem_ctp_requirement_fulfilled": ("ctp_review", "deem_fulfilled"),
}


@dataclass(frozen=True)
class Duty:
    deadline_key: str  # a calendar key; "car_concept" stands for every "car_concept:<CODE>"
    pending_states: frozenset[str]
    roles: frozenset[Role]
    label: str  # Spanish: what must be done
    legal_basis: str
    #: The fact (``FACT_OF_TRIGGER``) of an act that settles the duty without moving the plan out of its pending
    #: states (the act keeps the plan's state): once recorded the calendar drops the term, and so does everything
    #: that asks whether the duty is still owed (the notification centre's «Atendida», the daily digest).
    settled_by: str | None = None


#: "elected" counts too: the terms of L152 art. 39 run from the posesión, which the law places on the period's first
#: day (AL02 art. 1) whether or not anyone recorded it; a silent plan owes these steps like any other.
_BEFORE_CONSOLIDATION = frozenset({"elected", "in_office", "drafting", "submitted_to_consejo_de_gobierno"})
_BEFORE_CTP = _BEFORE_CONSOLIDATION | {"consolidated"}
_BEFORE_FILING = _BEFORE_CTP | {"submitted_to_ctp", "ctp_stage_closed", "adjusting"}
_EXECUTIVE_SIDE = frozenset({Role.EJECUTIVO, Role.PLANEACION})

DUTIES: tuple[Duty, ...] = (
    Duty("consolidation", _BEFORE_CONSOLIDATION, _EXECUTIVE_SIDE,
         "Consolidar el proyecto de plan en el Consejo de Gobierno", "L152 art. 39 num. 3"),
    Duty("ctp_presentation", _BEFORE_CTP, _EXECUTIVE_SIDE,
         "Presentar el proyecto consolidado al CTP, con copia al concejo o asamblea", "L152 art. 39 num. 5"),
    # D1865 art. 3: «deberá remitir el plan con el concepto respectivo»: the act's own verb (the form said «Remitir»).
    Duty("car_concept", frozenset({"copy_sent"}), frozenset({Role.CAR}),
         "Remitir el concepto técnico de la autoridad ambiental", "D1865 art. 3"),
    Duty("ctp_concept", frozenset({"submitted_to_ctp"}), frozenset({Role.CTP}),
         "Entregar el concepto del Consejo Territorial de Planeación", "L152 art. 39 num. 6"),
    Duty("filing", _BEFORE_FILING, _EXECUTIVE_SIDE,
         "Radicar el proyecto de acuerdo u ordenanza ante el concejo o asamblea", "L152 art. 40"),
    Duty("executive_modifications", frozenset({"filed_with_corporacion", "in_debate"}), frozenset({Role.EJECUTIVO}),
         "Último día para modificar el proyecto radicado (Decreto 683 de 2020)", "D683 art. 2"),
    Duty("corporation_decision", frozenset({"filed_with_corporacion", "in_debate"}), frozenset({Role.CORPORACION}),
         "Decidir sobre el proyecto de plan en el concejo o asamblea", "L152 art. 40"),
    Duty("sessions_convocation", frozenset({"filed_with_corporacion", "in_debate"}), frozenset({Role.EJECUTIVO}),
         "Convocar al concejo o asamblea a sesiones extraordinarias para decidir el plan",
         "L152 art. 40; L136 art. 23 par. 2", settled_by=FACT_OF_TRIGGER["convoke_sessions"]),
    Duty("sanction_remission", frozenset({"approved_by_corporacion"}), frozenset({Role.CORPORACION}),
         "Remitir el proyecto aprobado al alcalde o gobernador para su sanción", "L136 art. 76"),
    Duty("objection_term", frozenset({"sanction_pending"}), frozenset({Role.EJECUTIVO}),
         "Sancionar u objetar el proyecto aprobado", "L136 art. 78; L2200 art. 100"),
    Duty("objections_convocation", frozenset({"objected"}), frozenset({Role.EJECUTIVO}),
         "Convocar al concejo o asamblea a sesiones para decidir las objeciones", "L136 art. 78",
         settled_by=FACTS_OF_TRIGGER_FROM[("convoke_sessions", "objected")]),
    Duty("objected_publication", frozenset({"objected"}), frozenset({Role.EJECUTIVO}),
         "Publicar el proyecto objetado: el concejo o asamblea entró en receso dentro del término", "L2200 art. 100 inc. 4",
         settled_by=FACT_OF_TRIGGER["publish_objected_project"]),
    Duty("sanction_after_rejection", frozenset({"sanction_due"}), frozenset({Role.EJECUTIVO}),
         "Sancionar el proyecto: el concejo o asamblea rechazó las objeciones", "L136 art. 79; L2200 art. 100 par."),
    Duty("tribunal_remission", frozenset({"illegality_insisted"}), frozenset({Role.EJECUTIVO}),
         "Enviar el proyecto al Tribunal Administrativo con la exposición de las objeciones",
         "L136 art. 80; L2200 art. 101"),
    Duty("sanction_after_tribunal", frozenset({"sanction_due"}), frozenset({Role.EJECUTIVO}),
         "Sancionar el proyecto: el Tribunal declaró infundadas las objeciones", "L136 art. 80; DL1421 art. 25"),
    Duty("publication", frozenset({"sanctioned"}), frozenset({Role.EJECUTIVO}),
         "Publicar el acuerdo u ordenanza sancionado", "L136 art. 81; L2200 art. 103"),
    Duty("governor_copy", frozenset({"sanctioned", "published", "in_force"}), _EXECUTIVE_SIDE,
         "Enviar copia del acuerdo sancionado al gobernador para su revisión jurídica", "L136 art. 82",
         settled_by=FACT_OF_TRIGGER["send_copy_to_governor"]),
    Duty("piscc", frozenset({"approved_by_corporacion", "sanction_pending", "objected", "sanctioned",
                             "adopted_by_decree", "published", "in_force"}), frozenset({Role.EJECUTIVO}),
         "Adoptar el Plan Integral de Seguridad y Convivencia Ciudadana (PISCC)", "D683 art. 4"),
)
DUTY_BY_KEY = {d.deadline_key: d for d in DUTIES}


@dataclass(frozen=True)
class Turn:
    """A party whose turn it is when the plan reaches ``state`` although the law writes no term for it: told once,
    with the norm of the act it must take (``trigger``'s, for the entity's own law), so nobody learns of it by
    chance. Told by ``notifications.events`` with the act that moved the plan."""

    state: str
    roles: frozenset[Role]
    label: str  # Spanish: what it must do
    trigger: str  # the act whose norm the notice cites

    @property
    def step_key(self) -> str:
        """The notice's step: attended once the plan left ``state`` (``turn_left``)."""
        return f"turn:{self.state}"


#: The notice that a concept arrived asks the executive to consider it (L152 art. 39 num. 6; D1865 art. 3 num. 4):
#: done once the plan left the states where the concepts are still to be considered (``consider_concepts``).
CONSIDERATION_STEP = "consider_concepts"
_UNCONSIDERED = _BEFORE_CTP | {"submitted_to_ctp", "ctp_stage_closed"}


def turn_left(step_key: str | None, plan_state: str | None) -> bool | None:
    """For a turn's notice (``Turn.step_key``): whether the plan left the turn's state; for a concept's notice
    (``CONSIDERATION_STEP``), whether the concepts were considered; None for any other step."""
    kind, _, state = (step_key or "").partition(":")
    if kind == CONSIDERATION_STEP:
        return plan_state is not None and plan_state not in _UNCONSIDERED
    if kind != "turn":
        return None
    return plan_state is not None and plan_state != state


TURNS: tuple[Turn, ...] = (
    # L136 arts. 79-80; L2200 arts. 100-101: the corporation rejects the objections, insists, or accepts them.
    Turn("objected", frozenset({Role.CORPORACION}), "Decidir sobre las objeciones del alcalde o gobernador",
         "reject_objections"),
    # L136 art. 80: "así lo indicará al Concejo para que se reconsidere".
    Turn("tribunal_reconsideration", frozenset({Role.CORPORACION}),
         "Reconsiderar el proyecto que el Tribunal Administrativo halló parcialmente viciado", "return_to_tribunal"),
)
#: The duties settled by a fact, keyed by their deadline key: what a reader of plain rows checks.
SETTLING_FACTS = {d.deadline_key: d.settled_by for d in DUTIES if d.settled_by}


def duty_for(deadline_key: str) -> Duty:
    return DUTY_BY_KEY[deadline_key.split(":", 1)[0]]


#: What a plan's calendar may say of one step (issue 18: never claim what did not happen).
STEP_PENDING, STEP_OVERDUE, STEP_PASSED, STEP_NOT_YET, STEP_LAPSED = (
    "pendiente", "vencido", "etapa superada", "aún no corresponde", "vencido sin registro")


#: ``car_review`` states reached by the authority's own act (its concept), as opposed to the system's mark.
CAR_CLOSED_STATES = frozenset({"concept_received", "forwarded_to_ctp", "forwarded_to_corporacion"})


def step_status(duty: Duty, current: str, visited, overdue: bool, sub_state: str | None = None) -> str:
    """The status of one deadline for a plan: pending (or overdue) while its duty is pending; "etapa superada"
    only when an act took the plan (or the sub-procedure) out of the duty's pending states; "aún no corresponde"
    while the plan has not reached them; "vencido sin registro" when the term ran out and the route went on
    without the act (a CAR's concept marked overdue by the system, D1865 art. 3 num. 3).

    ``visited``: the main-route states the plan's recorded acts went through (oldest first, "elected" included).
    For ``car_concept``: ``sub_state`` is the authority's ``car_review`` state (None: no copy sent yet)."""
    if duty.deadline_key == "car_concept":
        if sub_state is None:
            return STEP_NOT_YET
        if sub_state in duty.pending_states:
            return STEP_OVERDUE if overdue else STEP_PENDING
        return STEP_PASSED if sub_state in CAR_CLOSED_STATES else STEP_LAPSED
    if current in duty.pending_states:
        return STEP_OVERDUE if overdue else STEP_PENDING
    if any(s in duty.pending_states for s in visited):
        return STEP_PASSED
    return STEP_NOT_YET

#: The acts that settle each duty, as (machine, trigger). A duty belongs to whoever may record one of them: the
#: planning office prepares the filing, but only the executive files the project (L152 art. 40: "el alcalde o
#: gobernador presentará") and presents it to the CTP (L152 art. 39 num. 5). ``piscc`` has no act on the route.
SETTLING_ACTS: dict[str, tuple[tuple[str, str], ...]] = {
    "consolidation": (("pdt", "consolidate"),),
    "ctp_presentation": (("pdt", "submit_to_ctp"),),
    "car_concept": (("car_review", "receive_concept"),),
    "ctp_concept": (("pdt", "record_ctp_concept"),),
    "filing": (("pdt", "file_with_corporacion"),),
    "executive_modifications": (("pdt", "modify_by_executive"),),
    "corporation_decision": (("pdt", "approve_plan"), ("pdt", "vote_down")),
    "sessions_convocation": (("pdt", "convoke_sessions"),),
    "objections_convocation": (("pdt", "convoke_sessions"),),
    "objected_publication": (("pdt", "publish_objected_project"),),
}


def _transition_roles(machine: str, trigger: str) -> frozenset[Role]:
    m = PDT_MACHINE if machine == "pdt" else SUBMACHINES[machine]
    return frozenset().union(*(t.roles for t in m.transitions if t.trigger == trigger))


def recording_roles(deadline_key: str) -> frozenset[Role]:
    """The roles that may record the act settling this duty (the role permissions of the act's transition);
    the duty's own roles where no act settles it."""
    duty = duty_for(deadline_key)
    acts = SETTLING_ACTS.get(duty.deadline_key)
    if not acts:
        return duty.roles
    return frozenset().union(*(_transition_roles(m, t) for m, t in acts)) - {Role.SISTEMA}


#: Sub-procedures whose acts serve the plan's approval: once the plan is approved or adopted (ADOPTED_STATES)
#: nothing is offered in them any more. The environmental concept is forwarded to the CTP and the corporation for
#: the project's debate (D1865 art. 3 num. 4); the CTP is convened to give its concept (L152 arts. 34, 39 num. 4);
#: the PPI hearings are held "en el marco de la aprobación" (L1909 art. 22); amendments live in the debate
#: (L152 art. 40).
SUBPROCEDURES_UNTIL_ADOPTION = frozenset({"car_review", "ctp_formation", "hearing", "amendment", "ctp_review"})


def is_subprocedure_open(machine: str, plan_state: str) -> bool:
    """Whether the acts of a sub-procedure are still offered in this plan state (see
    ``SUBPROCEDURES_UNTIL_ADOPTION``: D1865 art. 3 num. 4; L152 arts. 34, 39, 40; L1909 art. 22)."""
    return not (machine in SUBPROCEDURES_UNTIL_ADOPTION and plan_state in ADOPTED_STATES)


def current_flags(flags, *, hearing_held: bool) -> list[str]:
    """The plan's warnings that still hold: "Radicado sin audiencia registrada" (L1909 art. 22) is history once a
    hearing of the plan was held; the other flags record a late act and stay."""
    return [f for f in (flags or []) if not (f == "no_hearing_held" and hearing_held)]


#: Acts that cannot be undone: the person confirms the consequence before the act is recorded (issue 13).
IRREVERSIBLE_ACTS: dict[str, str] = {
    # Worded so that ``localize`` can say it for an alcaldesa: no participle agreeing with the executive.
    "vote_down": ("La corporación niega el proyecto: el trámite en el concejo o asamblea termina y se abre la "
                  "facultad del alcalde o gobernador de adoptar el plan por decreto (L152 art. 40; CE-2127)."),
    "archive_project": ("El proyecto no aprobado se archiva al terminar las sesiones: para que la corporación se "
                        "pronuncie debe presentarse de nuevo; vencido su mes, el alcalde o gobernador puede "
                        "adoptar el plan por decreto (L136 art. 75; L2200 art. 98; D1222 art. 76; L152 art. 40)."),
    "object": ("El proyecto aprobado vuelve al concejo o asamblea para que decida sobre las objeciones; no se "
               "sanciona mientras tanto (L136 arts. 78-80)."),
    "record_tribunal_archive": ("El proyecto objetado por ilegalidad se archiva: no se sanciona ni se publica "
                                "(L136 art. 80; L2200 art. 101)."),
    "sanction_by_president": ("El presidente de la corporación sanciona el proyecto porque el alcalde o gobernador "
                              "no lo hizo en su plazo; el acto queda sancionado (L136 art. 79)."),
    "adopt_by_decree": ("El plan queda adoptado por decreto tal como fue presentado, con las modificaciones "
                        "aceptadas; la corporación ya no lo aprueba (L152 art. 40)."),
    "cancel": ("La audiencia pública queda cancelada y deja de recibir propuestas; para oír a la ciudadanía hay que "
               "programar una audiencia nueva (L1909 art. 22)."),
}


#: Acts whose document the law makes public (L1712 art. 9: the plans, the acts adopting them and what informs
#: them; art. 11: "los conceptos" and the decisions of the entity are published). Its evidence is published by
#: default; it is withheld only with a recorded reason of classification or reserve (L1712 arts. 18-19).
PUBLIC_BY_LAW = frozenset({
    "record_ctp_concept", "issue_concept", "issue_partial_concept",  # the CTP's concept (L152 art. 39 num. 6)
    "receive_concept",  # the environmental authority's concept (D1865 art. 3)
    "sanction", "sanction_by_president",  # the acuerdo or ordenanza sanctioned (L136 arts. 76, 79)
    "publish", "publish_by_president",  # its publication (CPACA art. 65), by the president who sanctioned it
    "publish_objected_project",  # the objected ordenanza published (L2200 art. 100 inc. 4)
    "adopt_by_decree",  # the plan adopted by decree (L152 art. 40)
    "approve_plan",  # the plan as approved in plenary (L152 art. 40)
    # Ley 1909's evidence (legal-path T6; QA, 7 December 2026: they started «No publicado» while the form said the
    # answers are public): the adjusted project with its investment plan, and each public hearing's acta.
    "consider_concepts",  # the answers to the concepts and the adjusted project (L1909 art. 22; L152 art. 39)
    "hold",  # the acta of the public hearing on the investment plan (L1909 art. 22)
    # Phase II (QA, 7 December 2026: its documents went unpublished by default, and the portal said «PAA 2028
    # publicado» with no document): what the law orders published on the web, and the general acts adopted.
    "publish_paa", "update_paa",  # the Plan Anual de Adquisiciones (L1474 art. 74; D1082 art. 2.2.1.1.1.4.3)
    "publish_action_plans",  # the planes de acción (L1474 art. 74)
    "publish_dept_evaluation",  # the department's evaluation of its municipios (L715 art. 90)
    "approve_budget", "enact_budget_by_decree",  # the budget adopted (D111 art. 59; L1712 art. 9)
    # QA (Phase II walk, 2028): the sanctioned and liquidated budget is the «presupuesto general» (L1712 art. 9 b;
    # L1474 art. 74 inc. 3), and the informe anual and the rendición de cuentas's acta are informes de gestión
    # (L1712 art. 11 e; L1474 arts. 74, 78): they were kept unpublished by default.
    "liquidate_budget", "publish_budget", "present_annual_report", "hold_citizen_report",
    "enact_presented_budget", "repeat_previous_budget",  # the budget in force after the Tribunal (D111 art. 109)
    "sanction_harmonization", "publish_harmonization", "decree_harmonization",  # the harmonisation (L152 art. 44)
})


def withholding_refusal(trigger: str, is_public: bool, reason: str) -> str | None:
    """L1712 arts. 18-19: a document the law makes public (``PUBLIC_BY_LAW``) is withheld only with the reason of
    its classification or reserve. The Spanish refusal, or None when the choice stands."""
    if trigger in PUBLIC_BY_LAW and not is_public and not (reason or "").strip():
        return ("Este documento es público por ley (Ley 1712 de 2014 arts. 9 y 11). Para no publicarlo escriba la "
                "razón de la reserva o clasificación (Ley 1712 de 2014 arts. 18 y 19).")
    return None


#: The route's dated facts in their legal order, as "¿Qué pasa si…?" supposes them: the posesión starts the terms
#: (L152 art. 39), the project goes to the CTP (L152 art. 39 num. 5; the environmental copy goes earlier, with the
#: Consejo de Gobierno's, D1865 art. 3 num. 2, so it is not ordered here), then it is filed (L152 art. 40), debated (L136 art. 73; L2200 art. 97) and, once sanctioned or
#: adopted, published (CPACA art. 65; L136 art. 81).
ROUTE_ORDER = (
    ("posesion", "la posesión", "L152 art. 39"),
    ("ctp_presented", "la presentación al CTP", "L152 art. 39 num. 5"),
    ("filed_with_corporacion", "la radicación ante el concejo o asamblea", "L152 art. 40"),
    ("committee_approved", "la aprobación en comisión", "L152 art. 40"),
    ("published", "la publicación", "CPACA art. 65"),
)
#: Facts that suppose the filing: the route refuses debate and publication of a project never filed (L152 art. 40).
_NEED_FILING = ("committee_approved", "published")


def route_order_problems(dates) -> list[tuple[str, str]]:
    """Every (fact, Spanish reason) that breaks the route's order among the given dates (``ROUTE_ORDER``): a later
    act dated before an earlier one, or a debate or publication without the filing. All of them, so a form shows them at once."""
    problems: list[tuple[str, str]] = []
    earlier: list[tuple[str, str]] = []
    for key, label, basis in ROUTE_ORDER:
        day = dates.get(key)
        if day is None:
            continue
        for before_key, before_label in earlier:
            if day < dates[before_key]:
                problems.append((key, f"{label[:1].upper()}{label[1:]} no puede ser anterior a {before_label} "
                                      f"({basis})."))
                break
        earlier.append((key, label))
    for key in _NEED_FILING:
        if dates.get(key) is not None and dates.get("filed_with_corporacion") is None:
            label = dict((k, lab) for k, lab, _ in ROUTE_ORDER)[key]
            problems.append((key, f"{label[:1].upper()}{label[1:]} supone la radicación: indique también la fecha "
                                  "de radicación (L152 art. 40)."))
    return problems


#: (main state, deadline key) -> the automatic act the law makes on the deadline's ``overdue_from`` and who is told
#: (the sweep, ``notifications.sweep``, applies it as ``Role.SISTEMA``): the CTP's silence (L152 art. 39 num. 6)
#: and the corporation's month run out (L152 art. 40).
AUTOMATIC_ACTS: dict[tuple[str, str], tuple[str, frozenset[Role]]] = {
    ("submitted_to_ctp", "ctp_concept"): ("deem_ctp_requirement_fulfilled",
                                          frozenset({Role.EJECUTIVO, Role.PLANEACION, Role.CTP})),
    ("in_debate", "corporation_decision"): ("enable_decree_adoption",
                                            frozenset({Role.EJECUTIVO, Role.PLANEACION, Role.CORPORACION})),
    # L136 art. 75; L2200 art. 98; D1222 art. 76: the archived project, its month run out (L152 art. 40)
    ("project_archived", "corporation_decision"): ("enable_decree_adoption",
                                                   frozenset({Role.EJECUTIVO, Role.PLANEACION, Role.CORPORACION})),
    # A project never assigned to its committee, where the reading of L152 art. 40 that counts the month from the
    # filing is in force (``pdt.DECREE_WHEN_NEVER_ASSIGNED``; CE-1999, CE-2127); otherwise its overdue reminder
    ("filed_with_corporacion", "corporation_decision"): ("enable_decree_adoption",
                                                         frozenset({Role.EJECUTIVO, Role.PLANEACION,
                                                                    Role.CORPORACION})),
}


def presumed_posesion(recorded: date | None, period_start: date) -> date:
    """The day the executive took office: the entity's recorded date, else the period's first day (AL02 art. 1);
    the terms of L152 art. 39 run from it whether or not anyone records it."""
    return recorded or period_start
