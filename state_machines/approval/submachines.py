"""Sub-procedures of the PDT route, each a small ``LegalMachine`` over its own snapshot.

- ``car_review``: one per environmental authority with jurisdiction (legal-path.md §b.3; D1865 art. 3).
- ``ctp_review``: the CTP's month to issue its concepto (L152 art. 39 num. 5-6).
- ``amendment``: one per change proposed by concejales/diputados during the debate (L152 art. 40).
- ``hearing``: one per Ley 1909 audiencia pública on the investment plan (L1909 art. 22).
- ``ctp_formation``: convocation and installation of the CTP when it must be formed or renewed (§b.4).

The main machine (``pdt.py``) starts them through its effects (``start_car_reviews``, ``start_ctp_review``,
``start_amendment``, ``start_hearing``, ``start_ctp_formation``); the service creates each instance in the
machine's ``initial`` state and applies its ``initial_effects``.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from state_machines.approval.concepts import ConceptContent, concept_verdict
from state_machines.core.machine import (
    OK,
    DeadlineLike,
    LegalMachine,
    Transition,
    Verdict,
    evidence_guard,
    refuse,
    spanish_date,
)
from state_machines.core.roles import Role

EJECUTIVO, PLANEACION, CTP, CAR, CORPORACION, SISTEMA = (
    Role.EJECUTIVO, Role.PLANEACION, Role.CTP, Role.CAR, Role.CORPORACION, Role.SISTEMA)


# =============================================================================================================
# car_review (legal-path.md §b.3)
# =============================================================================================================

@dataclass(frozen=True)
class CarReviewSnapshot:
    """One environmental authority's review of the draft, as the service reads it from the database.

    ``deadline`` is the calendar's ``car_concept`` deadline for this authority (None while the receipt date
    of the copy is unknown); ``concept`` the content of the concept being remitted.
    """

    state: str
    today: date
    authority_code: str = ""
    deadline: DeadlineLike | None = None
    has_evidence: bool = True
    concept: ConceptContent | None = None


CAR_REVIEW_STATES: dict[str, str] = {
    # The CAR has been sent its copy of the draft (entered at T2); its 15 business days run (D1865 art. 3 num. 2-3).
    "copy_sent": "Copia enviada a la autoridad ambiental",
    # 15 business days passed without concepto; soft: the route goes on and a late concept is still received
    # (D1865 art. 3 num. 3; L4-1913 art. 62).
    "concept_overdue": "Concepto de la autoridad ambiental vencido",
    # The CAR remitted its technical concepto; it is not binding, nor must it be favourable (D1865 art. 3; TAB-a).
    "concept_received": "Concepto de la autoridad ambiental recibido",
    # The Consejo de Gobierno considered the observations and sent a copy to the CTP (D1865 art. 3 num. 4).
    "forwarded_to_ctp": "Concepto ambiental remitido al CTP",
    # The CTP did not accept the CAR's observations and sent them on to the corporation (D1865 art. 3 num. 4).
    "forwarded_to_corporacion": "Observaciones ambientales remitidas al concejo o asamblea",
}

# States in which the authority is no longer inside its term (what the T6 guard of the main machine waits for).
CAR_REVIEW_SETTLED_STATES = frozenset({"concept_overdue", "concept_received", "forwarded_to_ctp",
                                       "forwarded_to_corporacion"})


def car_term_verdict(today: date, deadline: DeadlineLike | None, authority_code: str = "") -> Verdict:
    """D1865 art. 3 num. 3; L4-1913 art. 62: the CAR has 15 business days from receipt of its copy.

    The term has run out from the calendar's ``overdue_from`` (the day after the 15th business day).
    Shared by ``car_review.mark_car_overdue`` and the T6 guard of ``pdt_approval``.
    """
    who = f"La autoridad ambiental {authority_code}".rstrip() if authority_code else "La autoridad ambiental"
    if deadline is None:
        return refuse(f"{who} no tiene fecha de recibo de la copia registrada; no se puede saber si su plazo "
                      "de quince días hábiles venció.", "D1865 art. 3 num. 3")
    if today < deadline.overdue_from:
        return refuse(f"{who} aún está dentro de sus quince días hábiles para emitir concepto "
                      f"(hasta el {spanish_date(deadline.latest)}).", "D1865 art. 3 num. 3; L4-1913 art. 62")
    return OK


def has_complete_car_concept(s: CarReviewSnapshot) -> Verdict:
    """D1865 art. 3 num. 3: the technical concept is recorded with its sense, its parts when partial, and at
    least one recommendation when "favorable con recomendaciones"."""
    return concept_verdict(s.concept, "D1865 art. 3 num. 3", f" de {s.authority_code}" if s.authority_code else "")


def is_car_term_elapsed(s: CarReviewSnapshot) -> Verdict:
    """D1865 art. 3 num. 3; L4-1913 art. 62: only after the 15 business days may the concept be marked overdue."""
    return car_term_verdict(s.today, s.deadline, s.authority_code)


CAR_REVIEW_TRANSITIONS = [
    Transition(
        trigger="receive_concept", source=("copy_sent", "concept_overdue"), dest="concept_received",
        roles=frozenset({CAR}),
        guards=(has_complete_car_concept,
                evidence_guard("el concepto técnico de la autoridad ambiental", "D1865 art. 3 num. 3")),
        legal_basis="D1865 art. 3 num. 3", label="Remitir el concepto técnico de la autoridad ambiental",
    ),
    Transition(
        trigger="mark_car_overdue", source="copy_sent", dest="concept_overdue",
        roles=frozenset({SISTEMA}), guards=(is_car_term_elapsed,),
        legal_basis="D1865 art. 3 num. 3; L4-1913 art. 62",
        label="Marcar vencido el plazo de la autoridad ambiental", effects=("flag:car_overdue",),
    ),
    Transition(
        trigger="forward_to_ctp", source="concept_received", dest="forwarded_to_ctp",
        # The Consejo de Gobierno is not a user role: the executive or planeación record its act.
        roles=frozenset({EJECUTIVO, PLANEACION}),
        guards=(evidence_guard("el oficio de remisión del concepto ambiental al CTP", "D1865 art. 3 num. 4"),),
        legal_basis="D1865 art. 3 num. 4", label="Remitir al CTP el concepto de la autoridad ambiental",
    ),
    Transition(
        trigger="forward_to_corporacion", source="forwarded_to_ctp", dest="forwarded_to_corporacion",
        roles=frozenset({CTP}),
        guards=(evidence_guard("el oficio de remisión de las observaciones al concejo o asamblea",
                               "D1865 art. 3 num. 4"),),
        legal_basis="D1865 art. 3 num. 4",
        label="Remitir al concejo o asamblea las observaciones ambientales no acogidas",
    ),
]

CAR_REVIEW_MACHINE = LegalMachine("car_review", CAR_REVIEW_STATES, "copy_sent", CAR_REVIEW_TRANSITIONS,
                                  final_states={"forwarded_to_corporacion"})


# =============================================================================================================
# ctp_review (legal-path.md §b.2 T4-T5)
# =============================================================================================================

@dataclass(frozen=True)
class CtpReviewSnapshot:
    """The CTP's review; ``deadline`` is the calendar's ``ctp_concept`` deadline (None if not presented)."""

    state: str
    today: date
    deadline: DeadlineLike | None = None
    has_evidence: bool = True


CTP_REVIEW_STATES: dict[str, str] = {
    # Consolidated draft presented to the CTP (entered at T4); its one-month term runs (L152 art. 39 num. 5-6).
    "presented": "Presentado al Consejo Territorial de Planeación",
    # The CTP issued its concepto, on the whole plan or on part of it: either fulfils the requirement
    # (L152 art. 39 num. 6).
    "concept_issued": "Concepto del CTP emitido",
    # The month passed without a concepto: the requirement is deemed fulfilled on that date (L152 art. 39 num. 6).
    "deemed_fulfilled": "Requisito del concepto del CTP cumplido por vencimiento del plazo",
}

CTP_REVIEW_CLOSED_STATES = frozenset({"concept_issued", "deemed_fulfilled"})


def ctp_month_verdict(today: date, deadline: DeadlineLike | None) -> Verdict:
    """L152 art. 39 num. 6: silence for one month from the presentation = requirement deemed fulfilled.

    Adverse effect against another body: it applies only from ``overdue_from`` (the day after the latest
    plausible end, extended per L4-1913 art. 62; legal-path.md §e.3), never a day earlier.
    """
    if deadline is None:
        return refuse("No hay fecha de presentación al CTP registrada; sin ella no corre su mes ni puede "
                      "darse por cumplido el requisito.", "L152 art. 39 num. 6")
    if today < deadline.overdue_from:
        return refuse("El CTP aún está dentro de su mes para emitir concepto (hasta el "
                      f"{spanish_date(deadline.latest)}). El requisito solo se entiende cumplido desde el "
                      f"{spanish_date(deadline.overdue_from)}.", "L152 art. 39 num. 6")
    return OK


def is_ctp_month_elapsed(s: CtpReviewSnapshot) -> Verdict:
    """L152 art. 39 num. 6: the CTP's month has certainly run out (from ``overdue_from``)."""
    return ctp_month_verdict(s.today, s.deadline)


_CTP_CONCEPT_EVIDENCE = evidence_guard("el concepto del CTP (acta de la sesión)", "L152 art. 39 num. 6")

CTP_REVIEW_TRANSITIONS = [
    Transition(
        trigger="issue_concept", source="presented", dest="concept_issued", roles=frozenset({CTP}),
        guards=(_CTP_CONCEPT_EVIDENCE,), legal_basis="L152 art. 39 num. 6",
        label="Emitir el concepto del CTP sobre todo el plan",
    ),
    Transition(
        trigger="issue_partial_concept", source="presented", dest="concept_issued", roles=frozenset({CTP}),
        guards=(_CTP_CONCEPT_EVIDENCE,), legal_basis="L152 art. 39 num. 6",
        label="Emitir concepto parcial del CTP (cumple el requisito)",
    ),
    Transition(
        trigger="deem_fulfilled", source="presented", dest="deemed_fulfilled", roles=frozenset({SISTEMA}),
        guards=(is_ctp_month_elapsed,), legal_basis="L152 art. 39 num. 6",
        label="Dar por cumplido el requisito del concepto del CTP por vencimiento del mes",
    ),
]

CTP_REVIEW_MACHINE = LegalMachine("ctp_review", CTP_REVIEW_STATES, "presented", CTP_REVIEW_TRANSITIONS,
                                  final_states=CTP_REVIEW_CLOSED_STATES)


# =============================================================================================================
# amendment (legal-path.md §b.2 T9)
# =============================================================================================================

@dataclass(frozen=True)
class AmendmentSnapshot:
    """One change proposed by concejales/diputados. Also listed in ``PlanSnapshot.amendments``."""

    id: str
    state: str
    authors: tuple[str, ...] = ()
    has_evidence: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "authors", tuple(self.authors))


AMENDMENT_STATES: dict[str, str] = {
    # Proposed by one or more concejales/diputados during the debate (L152 art. 40; L1909 art. 22).
    "proposed": "Modificación propuesta",
    # The executive gave its prior written acceptance: only now may the corporation approve it (L152 art. 40).
    "accepted_by_executive": "Modificación aceptada por escrito por el alcalde o gobernador",
    # The executive refused it in writing: the corporation cannot approve it (L152 art. 40).
    "refused_by_executive": "Modificación no aceptada por el alcalde o gobernador",
    # Approved by the corporation, after the executive's acceptance (L152 art. 40).
    "approved": "Modificación aprobada por la corporación",
    # Voted down (or left without approval) by the corporation.
    "rejected": "Modificación negada por la corporación",
}

AMENDMENT_PENDING_STATES = frozenset({"proposed", "accepted_by_executive"})


def has_authors(s: AmendmentSnapshot) -> Verdict:
    """L1909 art. 22; L152 art. 40: every modification is proposed by named members and published with its authors."""
    if any(a.strip() for a in s.authors):
        return OK
    return refuse("La modificación debe registrar al menos un autor (concejal o diputado).",
                  "L1909 art. 22; L152 art. 40")


def has_prior_written_acceptance(s: AmendmentSnapshot) -> Verdict:
    """L152 art. 40: the corporation may modify the plan only with the executive's prior written acceptance (TAB-c)."""
    if s.state == "accepted_by_executive":
        return OK
    if s.state == "refused_by_executive":
        return refuse("El alcalde o gobernador no aceptó esta modificación por escrito; la corporación no puede "
                      "aprobarla.", "L152 art. 40")
    return refuse("La modificación no tiene la aceptación previa y por escrito del alcalde o gobernador; "
                  "la corporación no puede aprobarla sin ella.", "L152 art. 40")


AMENDMENT_TRANSITIONS = [
    Transition(
        trigger="accept_in_writing", source="proposed", dest="accepted_by_executive",
        roles=frozenset({EJECUTIVO}),
        guards=(has_authors, evidence_guard("la aceptación escrita del alcalde o gobernador", "L152 art. 40")),
        legal_basis="L152 art. 40", label="Aceptar por escrito la modificación",
    ),
    Transition(
        trigger="refuse_in_writing", source="proposed", dest="refused_by_executive",
        roles=frozenset({EJECUTIVO}),
        guards=(has_authors, evidence_guard("el escrito de no aceptación", "L152 art. 40")),
        legal_basis="L152 art. 40", label="No aceptar por escrito la modificación",
    ),
    Transition(
        # Listed from every undecided state so that an approval without acceptance is refused with its norm.
        trigger="approve", source=("proposed", "accepted_by_executive", "refused_by_executive"), dest="approved",
        roles=frozenset({CORPORACION}),
        guards=(has_authors, has_prior_written_acceptance,
                evidence_guard("el acta de la votación de la modificación", "L152 art. 40")),
        legal_basis="L152 art. 40", label="Aprobar la modificación",
        effects=("publish_amendment",),
    ),
    Transition(
        trigger="reject", source=("proposed", "accepted_by_executive", "refused_by_executive"), dest="rejected",
        roles=frozenset({CORPORACION}),
        guards=(evidence_guard("el acta de la votación de la modificación", "L152 art. 40"),),
        legal_basis="L152 art. 40", label="Negar la modificación",
    ),
]

AMENDMENT_MACHINE = LegalMachine("amendment", AMENDMENT_STATES, "proposed", AMENDMENT_TRANSITIONS,
                                 final_states={"approved", "rejected"})


# =============================================================================================================
# hearing (Ley 1909 de 2018 art. 22)
# =============================================================================================================

@dataclass(frozen=True)
class HearingSnapshot:
    """One audiencia pública on the investment plan's programs and projects."""

    state: str
    today: date
    scheduled_on: date | None = None
    has_evidence: bool = True


HEARING_STATES: dict[str, str] = {
    # Audiencia pública on the PPI announced with date and place (L1909 art. 22).
    "scheduled": "Audiencia pública programada",
    # Held; its acta is the evidence (L1909 art. 22).
    "held": "Audiencia pública realizada",
    # Called off; a new hearing is scheduled as a new instance (L1909 art. 22).
    "cancelled": "Audiencia pública cancelada",
}


def is_hearing_date_reached(s: HearingSnapshot) -> Verdict:
    """L1909 art. 22: a hearing is recorded as held only on or after its scheduled date."""
    if s.scheduled_on is None:
        return refuse("La audiencia no tiene fecha programada.", "L1909 art. 22")
    if s.today < s.scheduled_on:
        return refuse(f"La audiencia está programada para el {spanish_date(s.scheduled_on)}; no puede "
                      "registrarse como realizada antes.", "L1909 art. 22")
    return OK


def hearing_date_problem(scheduled_on: date, act_on: date) -> str | None:
    """L1909 art. 22: a hearing is announced ("programada") before it is held, so its day is the act's day or a
    later one; a hearing already held is recorded with «Registrar la audiencia pública realizada». The Spanish
    refusal, or None (QA, 7 December 2026: a hearing was «programada» for a day already past)."""
    if scheduled_on < act_on:
        return (f"La audiencia se programa para el {spanish_date(act_on)} o un día posterior (la fecha del acto que "
                f"la programa); el {spanish_date(scheduled_on)} ya pasó. Si ya se realizó, prográmela con la "
                "fecha del acto en que se convocó y luego registre que se realizó.")
    return None


HEARING_TRANSITIONS = [
    Transition(
        trigger="hold", source="scheduled", dest="held", roles=frozenset({EJECUTIVO, PLANEACION}),
        guards=(is_hearing_date_reached, evidence_guard("el acta de la audiencia pública", "L1909 art. 22")),
        legal_basis="L1909 art. 22", label="Registrar la audiencia pública realizada",
        effects=("event:hearings_held",),
    ),
    Transition(  # irreversible: asks for confirmation (state_machines.approval.route.IRREVERSIBLE_ACTS)
        trigger="cancel", source="scheduled", dest="cancelled", roles=frozenset({EJECUTIVO, PLANEACION}),
        guards=(evidence_guard("la constancia de cancelación con su motivo", "L1909 art. 22"),),
        legal_basis="L1909 art. 22", label="Cancelar la audiencia pública",
    ),
]

HEARING_MACHINE = LegalMachine("hearing", HEARING_STATES, "scheduled", HEARING_TRANSITIONS,
                               final_states={"held", "cancelled"},
                               initial_effects=("event:hearings_scheduled",))


# =============================================================================================================
# ctp_formation (legal-path.md §b.4)
# =============================================================================================================

@dataclass(frozen=True)
class CtpFormationSnapshot:
    """Forming or renewing the CTP. ``has_municipal_representatives`` matters for departamentos only."""

    state: str
    entity_kind: str = "municipio"
    has_municipal_representatives: bool = False
    has_evidence: bool = True


CTP_FORMATION_STATES: dict[str, str] = {
    # The law orders the convocation at the same time as the presentation to the Consejo de Gobierno
    # (L152 art. 39 num. 4); it is not issued yet. DNP's hito 5 waits for the convocation itself.
    "convocation_due": "Convocatoria para conformar o renovar el CTP por expedir",
    # The convocation was issued: the organisations may present their ternas (L152 arts. 34, 39 num. 4).
    "convocation_open": "Convocatoria abierta para conformar o renovar el CTP",
    # The organisations' ternas were received (L152 art. 34).
    "ternas_received": "Ternas de las organizaciones recibidas",
    # The executive designated the members from the ternas (L152 art. 34).
    "members_designated": "Consejeros del CTP designados",
    # The CTP was installed and can meet (L152 art. 34).
    "ctp_installed": "CTP instalado",
}


def has_municipal_representatives(s: CtpFormationSnapshot) -> Verdict:
    """L152 art. 34: a departmental CTP must include representatives of its municipios."""
    if s.entity_kind != "departamento" or s.has_municipal_representatives:
        return OK
    return refuse("El Consejo Territorial de Planeación departamental debe incluir representantes de los "
                  "municipios.", "L152 art. 34")


CTP_FORMATION_TRANSITIONS = [
    Transition(
        trigger="open_convocation", source="convocation_due", dest="convocation_open",
        roles=frozenset({EJECUTIVO, PLANEACION}),
        guards=(evidence_guard("la convocatoria publicada para conformar o renovar el CTP", "L152 art. 39 num. 4"),),
        legal_basis="L152 arts. 34 y 39 num. 4", label="Expedir la convocatoria para conformar o renovar el CTP",
        effects=("event:ctp_renewal_convened",),
    ),
    Transition(
        trigger="receive_ternas", source="convocation_open", dest="ternas_received",
        roles=frozenset({EJECUTIVO, PLANEACION}),
        guards=(evidence_guard("las ternas presentadas por las organizaciones", "L152 art. 34"),),
        legal_basis="L152 art. 34", label="Registrar las ternas recibidas",
    ),
    Transition(
        trigger="designate_members", source="ternas_received", dest="members_designated",
        roles=frozenset({EJECUTIVO}),
        guards=(has_municipal_representatives, evidence_guard("el decreto de designación", "L152 art. 34")),
        legal_basis="L152 art. 34", label="Designar los consejeros del CTP",
    ),
    Transition(
        trigger="install_ctp", source="members_designated", dest="ctp_installed",
        roles=frozenset({EJECUTIVO, CTP}),
        guards=(evidence_guard("el acta de instalación del CTP", "L152 art. 34"),),
        legal_basis="L152 art. 34", label="Instalar el Consejo Territorial de Planeación",
        effects=("event:ctp_installed",),
    ),
]

CTP_FORMATION_MACHINE = LegalMachine("ctp_formation", CTP_FORMATION_STATES, "convocation_due",
                                     CTP_FORMATION_TRANSITIONS, final_states={"ctp_installed"})

SUBMACHINES: dict[str, LegalMachine] = {
    m.name: m for m in (CAR_REVIEW_MACHINE, CTP_REVIEW_MACHINE, AMENDMENT_MACHINE, HEARING_MACHINE,
                        CTP_FORMATION_MACHINE)
}
