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

from state_machines.roles import Role

FACT_OF_TRIGGER: dict[str, str] = {
    "submit_to_ctp": "ctp_presented",  # L152 art. 39 num. 6: the CTP's month counts from the presentation
    "file_with_corporacion": "filed_with_corporacion",  # L152 art. 40: the corporation's month counts from filing
    "approve_plan": "adopted",  # D683 art. 4: the PISCC month counts from the PDT's approval or adoption
    "adopt_by_decree": "adopted",
    # L152 art. 40; L136 art. 23 par. 2: a recorded convocation settles the duty to convoke.
    "convoke_sessions": "sessions_convoked",
    # CPACA art. 65: the plan binds from its publication (calendar.in_force_on).
    "publish": "published",
    # The last stretch (state_machines.sanction): each term counts from the act that opens it.
    "send_for_sanction": "sent_for_sanction",  # L136 art. 78; L2200 art. 100: the term to object
    "accept_objections": "sent_for_sanction",  # the amended project returns for sanction: a new term
    "reject_objections": "objections_rejected",  # L136 art. 79: the executive's 8 days
    "insist_on_project": "illegality_insisted",  # L136 art. 80; L2200 art. 101: to the Tribunal
    "sanction": "sanctioned",  # L136 arts. 81-82; L2200 art. 103: publication and the copy to the governor
    "sanction_by_president": "sanctioned",
    "send_copy_to_governor": "governor_copy_sent",  # L136 art. 82: the copy sent settles its duty
}
#: Acts that start a second term besides their ``FACT_OF_TRIGGER`` (L136 art. 76: the remission counts from
#: the approval in second debate).
MORE_FACTS_OF_TRIGGER: dict[str, tuple[str, ...]] = {"approve_plan": ("approved",)}

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


_BEFORE_CONSOLIDATION = frozenset({"in_office", "drafting", "submitted_to_consejo_de_gobierno"})
_BEFORE_CTP = _BEFORE_CONSOLIDATION | {"consolidated"}
_BEFORE_FILING = _BEFORE_CTP | {"submitted_to_ctp", "ctp_stage_closed", "adjusting"}
_EXECUTIVE_SIDE = frozenset({Role.EJECUTIVO, Role.PLANEACION})

DUTIES: tuple[Duty, ...] = (
    Duty("consolidation", _BEFORE_CONSOLIDATION, _EXECUTIVE_SIDE,
         "Consolidar el proyecto de plan en el Consejo de Gobierno", "L152 art. 39 num. 3"),
    Duty("ctp_presentation", _BEFORE_CTP, _EXECUTIVE_SIDE,
         "Presentar el proyecto consolidado al CTP, con copia al concejo o asamblea", "L152 art. 39 num. 5"),
    Duty("car_concept", frozenset({"copy_sent"}), frozenset({Role.CAR}),
         "Emitir el concepto técnico de la autoridad ambiental", "D1865 art. 3"),
    Duty("ctp_concept", frozenset({"submitted_to_ctp"}), frozenset({Role.CTP}),
         "Emitir el concepto del Consejo Territorial de Planeación", "L152 art. 39 num. 6"),
    Duty("filing", _BEFORE_FILING, _EXECUTIVE_SIDE,
         "Radicar el proyecto de acuerdo u ordenanza ante el concejo o asamblea", "L152 art. 40"),
    Duty("executive_modifications", frozenset({"filed_with_corporacion", "in_debate"}), frozenset({Role.EJECUTIVO}),
         "Último día para modificar el proyecto radicado (Decreto 683 de 2020)", "D683 art. 2"),
    Duty("corporation_decision", frozenset({"filed_with_corporacion", "in_debate"}), frozenset({Role.CORPORACION}),
         "Decidir sobre el proyecto de plan en el concejo o asamblea", "L152 art. 40"),
    Duty("sessions_convocation", frozenset({"filed_with_corporacion", "in_debate"}), frozenset({Role.EJECUTIVO}),
         "Convocar al concejo o asamblea a sesiones extraordinarias para decidir el plan",
         "L152 art. 40; L136 art. 23 par. 2"),
    Duty("sanction_remission", frozenset({"approved_by_corporacion"}), frozenset({Role.CORPORACION}),
         "Remitir el proyecto aprobado al alcalde para su sanción", "L136 art. 76"),
    Duty("objection_term", frozenset({"sanction_pending"}), frozenset({Role.EJECUTIVO}),
         "Sancionar u objetar el proyecto aprobado", "L136 art. 78; L2200 art. 100"),
    Duty("sanction_after_rejection", frozenset({"sanction_due"}), frozenset({Role.EJECUTIVO}),
         "Sancionar el proyecto: la corporación rechazó las objeciones", "L136 art. 79; L2200 art. 100 par."),
    Duty("tribunal_remission", frozenset({"illegality_insisted"}), frozenset({Role.EJECUTIVO}),
         "Enviar el proyecto al Tribunal Administrativo con la exposición de las objeciones",
         "L136 art. 80; L2200 art. 101"),
    Duty("publication", frozenset({"sanctioned"}), frozenset({Role.EJECUTIVO}),
         "Publicar el acuerdo u ordenanza sancionado", "L136 art. 81; L2200 art. 103"),
    Duty("governor_copy", frozenset({"sanctioned", "published"}), _EXECUTIVE_SIDE,
         "Enviar copia del acuerdo sancionado al gobernador para su revisión jurídica", "L136 art. 82"),
    Duty("piscc", frozenset({"approved_by_corporacion", "sanction_pending", "objected", "sanctioned",
                             "adopted_by_decree", "published", "in_force"}), frozenset({Role.EJECUTIVO}),
         "Adoptar el Plan Integral de Seguridad y Convivencia Ciudadana (PISCC)", "D683 art. 4"),
)
DUTY_BY_KEY = {d.deadline_key: d for d in DUTIES}


def duty_for(deadline_key: str) -> Duty:
    return DUTY_BY_KEY[deadline_key.split(":", 1)[0]]


#: Acts that cannot be undone: the person confirms the consequence before the act is recorded (issue 13).
IRREVERSIBLE_ACTS: dict[str, str] = {
    "vote_down": ("La corporación niega el proyecto: el trámite en el concejo o asamblea termina y el alcalde o "
                  "gobernador queda habilitado para adoptar el plan por decreto (L152 art. 40; CE-2127)."),
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
