"""Main machine ``pdt_approval``: the legal route of a Plan de Desarrollo Territorial (legal-path.md §b.2, §c).

One ``LegalMachine`` (``PDT_MACHINE``) serves every plan; the service builds a ``PlanSnapshot`` from the
database and asks the machine. Guards read only the snapshot; deadlines arrive already computed by the
legal calendar (``calendar-contract.md``) in ``PlanSnapshot.deadlines``, so Decreto 683 de 2020 arts. 1 and 3
act through the deadline objects (fixed 15 June / 15 July 2020) and art. 2 and art. 4 through rows and
effects of this table.

Effects named in the table (applied by the service after a successful firing):
- ``start_car_reviews``, ``start_ctp_formation``, ``start_ctp_review``, ``start_amendment``, ``start_hearing``:
  create the sub-procedure instances of ``submachines.py``;
- ``start_piscc``: D683 art. 4 task (PISCC within the month after adoption), only under ``d683_2020``;
- ``publish_modification``: Ley 1909 web publication of an executive modification;
- ``send_copy_to_governor``: municipal acuerdo copy to the governor (L136 art. 82);
- ``debate:committee``, ``debate:committee_continued``, ``debate:plenary``, ``debate:plenary_continued``:
  record the session (and the committee's approval) in the plan's debate record (L136 art. 73; L2200 art. 97);
- ``record_answers``: store the answer to every recommendation of every concept (T6);
- ``freeze_filed_ppi`` / ``freeze_adopted_ppi``: keep the PPI as filed, and the adopted PPI as a version of its
  own (L152 art. 40; L1909 art. 22);
- ``record_vigencia``: the publication day and the act's vigencia clause (CPACA art. 65; L2200 art. 103);
- ``start_phase2``: open the Phase II procedures of ``phase2.py`` (phase-ii.md §1.2: all start at T16);
- ``event:*``: milestone events of ``hitos.csv``; ``flag:*``: soft compliance flags (lateness never blocks,
  except late filing, which needs a legal-review note: T7 interpretation).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Mapping

from state_machines.approval.concepts import (
    Answer,
    ConceptContent,
    RecommendationRef,
    answers_verdict,
    concept_verdict,
)
from state_machines.approval.regimes import BUILTIN_REGIMES, MODIFICATIONS_FILED_BY, ORDINARY, ExceptionalRegime
from state_machines.approval.submachines import (
    AMENDMENT_PENDING_STATES,
    CAR_REVIEW_SETTLED_STATES,
    CTP_REVIEW_CLOSED_STATES,
    AmendmentSnapshot,
    car_term_verdict,
    ctp_month_verdict,
)
from state_machines.calendar import IN_FORCE_BASIS
from state_machines.core.machine import (
    OK,
    SAME,
    LegalMachine,
    Transition,
    Verdict,
    evidence_guard,
    refuse,
    spanish_date,
)
from state_machines.core.roles import Role
from state_machines.core.wording import business_days
from state_machines.corporation.debates import DebateRecord, debate_rule_for, debate_rule_key, earliest_plenary_on
from state_machines.corporation.sanction import (
    GOVERNOR_REVIEW_OUTCOMES,
    GROUNDS,
    REFUSE_LATE_OBJECTIONS,
    REQUIRE_ARTICLES_AT_REMISSION,
    SanctionRecord,
    president_sanctions_after,
    sanction_law,
)
from state_machines.corporation.sessions import (
    L2200_IN_FORCE,
    Convocation,
    Corporation,
    SessionRecords,
    convocation_verdict,
    debate_session_verdict,
    extension_basis,
    extension_verdict,
    extension_window_open,
)

EJECUTIVO, PLANEACION, CTP, CORPORACION, SISTEMA = (
    Role.EJECUTIVO, Role.PLANEACION, Role.CTP, Role.CORPORACION, Role.SISTEMA)

ENTITY_KINDS = frozenset({"municipio", "departamento"})
#: L2200 art. 102 governs the ordenanzas debated from Ley 2200's vigencia (8 February 2022).
PONENCIA_RULE_FROM = L2200_IN_FORCE
REGIMES = frozenset({"ordinary", "d683_2020"})
D683_ARTICLES = frozenset({"art1", "art2"})


@dataclass(frozen=True)
class PlanSnapshot:
    """Everything the legal rules need to know about one plan, at one moment. Built by the service.

    - ``today``: the injected clock's date in America/Bogota.
    - ``deadlines``: calendar output by key (``consolidation``, ``ctp_presentation``, ``ctp_concept``, ``filing``,
      ``corporation_decision``, ``executive_modifications``, ``piscc``, ``car_concept:<CODE>``); each value has
      ``earliest``, ``latest``, ``act_by``, ``overdue_from``. A missing key means the event it counts from is
      unknown: soft flags are then not raised, hard effects are refused.
    - ``car_reviews``: authority code -> ``car_review`` state; ``ctp_review_state``: ``ctp_review`` state, or None
      when the service does not track that sub-machine (the main path through T5 is then authoritative).
    - ``amendments``: the ``amendment`` sub-machine instances; ``has_acceptance_for``: ids of amendments with the
      executive's prior written acceptance on file (L152 art. 40).
    - ``hearings``: states of the Ley 1909 hearings (used for a soft flag at filing).
    - ``has_ppi``: a version of the investment plan is registered (a soft flag at filing, L152 art. 31); None
      when the service did not look (no flag is then raised).
    - ``has_legal_review_note``: a recorded legal-review note justifying a filing after the window (T7).
    - ``has_evidence``: the supporting document of the act being fired is attached.
    - ``car_wait_justified``: a documented reason to go on while a CAR is inside its 15 days (T6).
    - ``corporation_voted_down``: the plenary's (or committee's, archiving it) vote denying the plan is
      recorded; required by ``vote_down`` (T11).
    - ``act_on``: the legal date of the act being fired (None: ``today``); the debate guards read it.
    - ``concept``: the content of the CTP's concept being recorded (T5 a).
    - ``recommendations`` / ``answers``: every recommendation of the concepts on file and the answers the
      consideration of the concepts brings (T6).
    - ``debates``: the committee's and the plenary's sessions recorded so far (T10; L136 art. 73).
    - ``in_force_on``: the day the published act binds (``calendar.in_force_on``), None while unknown.
    - ``posesion_on``: the day the executive takes office: the entity's recorded date, else the period's first
      day (AL02 art. 1; L152 art. 39), None while unknown.
    """

    state: str
    entity_kind: str
    today: date
    regime: str = "ordinary"
    d683_articles: frozenset[str] = frozenset()
    deadlines: Mapping[str, Any] = field(default_factory=dict)
    car_reviews: Mapping[str, str] = field(default_factory=dict)
    ctp_review_state: str | None = None
    amendments: tuple[AmendmentSnapshot, ...] = ()
    hearings: tuple[str, ...] = ()
    has_ppi: bool | None = None
    has_legal_review_note: bool = False
    has_evidence: bool = True
    has_acceptance_for: frozenset[str] = frozenset()
    car_wait_justified: bool = False
    corporation_voted_down: bool = False
    #: The exceptional regime's parameters (``state_machines.approval.regimes``); filled in for a built-in code.
    regime_rules: ExceptionalRegime | None = None
    act_on: date | None = None
    concept: ConceptContent | None = None
    recommendations: tuple[RecommendationRef, ...] = ()
    answers: Mapping[str, Answer] = field(default_factory=dict)
    debates: DebateRecord = field(default_factory=DebateRecord)
    in_force_on: date | None = None
    posesion_on: date | None = None
    #: The last stretch so far (``state_machines.corporation.sanction``): article count, objection grounds, override.
    sanction: SanctionRecord = field(default_factory=SanctionRecord)
    #: What the act being fired brings: the objection's grounds, the article count, the review outcome.
    objection_grounds: frozenset[str] = frozenset()
    article_count: int | None = None
    governor_review: str | None = None
    #: A decision on objections: the plenary's votes for it and the corporation's members (its seats), for the
    #: absolute majority some statutes ask (``SanctionLaw.rejection_majority``).
    decision_votes: int | None = None
    corporation_members: int | None = None
    #: The approval's date (the law of an ordenanza's last stretch is the one in force then).
    approved_on: date | None = None
    #: The filing's date with the corporation (D683 art. 2 applies to plans filed by 30 April 2020).
    filed_on: date | None = None
    #: ``"bogota"``: the Distrito Capital's own statute (DL1421 arts. 10, 22); None: the general law.
    special_regime: str | None = None
    #: The corporation's sessions as data (``state_machines.corporation.sessions``; issue 20): the entity's
    #: category and the period's first day give the ordinary periods; ``session_records`` the recorded extensions
    #: and convocations. ``period_start`` None: the session guards assert nothing (a listing of what may be done,
    #: or a snapshot built without them).
    fiscal_category: str | None = None
    period_start: date | None = None
    session_records: SessionRecords = field(default_factory=SessionRecords)
    #: What the act being fired brings: a convocation's window and purpose, an extension's days.
    convocation: Convocation | None = None
    extension_days: int | None = None
    #: Listing what may be done (the act's form brings its own data): the session guards wait for the form, except
    #: that an extension is offered only around an ordinary period (``extension_window_open``).
    listing: bool = False

    @property
    def act_day(self) -> date:
        return self.act_on or self.today

    @property
    def law_day(self) -> date:
        """The day whose law governs the corporation's debates (D1222 until 7 February 2022, then L2200): the act's
        own date; listing what may be done, before the form brings that date, the filing's, since the debates
        follow it within the corporation's month (L152 art. 40). With ``today`` a 2020 ordenanza recorded in 2028
        was offered Ley 2200's ponencia and refused its first debate (QA, 7 December 2026)."""
        if self.listing and self.act_on is None and self.filed_on is not None:
            return self.filed_on
        return self.act_day

    def __post_init__(self) -> None:
        if self.entity_kind not in ENTITY_KINDS:
            raise ValueError(f"entity_kind must be one of {sorted(ENTITY_KINDS)}: {self.entity_kind!r}")
        rules = self.regime_rules
        if rules is None and self.regime != ORDINARY:
            rules = BUILTIN_REGIMES.get(self.regime)
            object.__setattr__(self, "regime_rules", rules)
        if self.regime != ORDINARY and (rules is None or rules.code != self.regime):
            raise ValueError(f"regime must be 'ordinary' or one with its parameters: {self.regime!r}")
        articles = frozenset(self.d683_articles)
        known = rules.article_keys if rules is not None else D683_ARTICLES
        if not articles <= known:
            raise ValueError(f"unknown regime articles: {sorted(articles - known)}")
        if articles and rules is None:
            raise ValueError("regime articles only apply under an exceptional regime")
        object.__setattr__(self, "d683_articles", articles)
        object.__setattr__(self, "has_acceptance_for", frozenset(self.has_acceptance_for))
        object.__setattr__(self, "amendments", tuple(self.amendments))
        object.__setattr__(self, "hearings", tuple(self.hearings))
        object.__setattr__(self, "deadlines", dict(self.deadlines))
        object.__setattr__(self, "car_reviews", dict(self.car_reviews))
        object.__setattr__(self, "recommendations", tuple(self.recommendations))
        object.__setattr__(self, "answers", dict(self.answers))


PDT_STATES: dict[str, str] = {
    # Elected, not yet in office: the terms of L152 art. 39 run from the posesión, not from the election.
    "elected": "Electo, sin posesión",
    # T0 done: the executive took office; the two-month terms of L152 art. 39 num. 3 and 5 run.
    "in_office": "Alcalde o gobernador posesionado",
    # T1 done: orientations issued per the programa de gobierno and formulation team at work (L152 art. 39 num. 1).
    "drafting": "En formulación",
    # T2 done: draft before the Consejo de Gobierno; CAR copies sent, CTP convoked (L152 art. 39 num. 3-4; D1865 art. 3)
    "submitted_to_consejo_de_gobierno": "Presentado al Consejo de Gobierno",
    # T3 done: the Consejo de Gobierno consolidated the full document (L152 art. 39 num. 3).
    "consolidated": "Consolidado por el Consejo de Gobierno",
    # T4 done: presented to the CTP with a copy to the corporation; the CTP's month runs (L152 art. 39 num. 5-6).
    "submitted_to_ctp": "Presentado al CTP, con copia al concejo o asamblea",
    # T5 done: CTP concept delivered (whole or partial) or requirement deemed fulfilled (L152 art. 39 num. 6).
    "ctp_stage_closed": "Etapa del CTP cerrada",
    # T6 done: CTP and CAR concepts considered, draft adjusted, Ley 1909 hearings (D1865 art. 3; L1909 art. 22).
    "adjusting": "En ajuste con los conceptos del CTP y la autoridad ambiental",
    # T7 done: proyecto de acuerdo/ordenanza filed; the corporation's month runs (L152 art. 40).
    "filed_with_corporacion": "Radicado en el concejo o asamblea",
    # T8 done: assigned to the plan committee; debates and amendment loop (L152 art. 40; L136 art. 73).
    "in_debate": "En debate en el concejo o asamblea",
    # Not approved in the debates its law asks by the end of the session period: archived; the executive may adopt
    # the plan by decree once the corporation's month ran out (L136 art. 75; L2200 art. 98; D1222 art. 76; L152
    # art. 40). Filing it again would be a new filing, not modelled as a route act (README).
    "project_archived": "Proyecto archivado",
    # T10 done: approved in second debate by the plenary (L152 art. 40).
    "approved_by_corporacion": "Aprobado por el concejo o asamblea",
    # T11 done: month passed without approval or plan voted down; decree adoption allowed (L152 art. 40; CE-2127).
    "decree_eligible": "Habilitado para adopción por decreto",
    # T12 done: the executive adopted the plan by decree (L152 art. 40).
    "adopted_by_decree": "Adoptado por decreto",
    # T13 done: approved text sent to the executive for sanction (L136 art. 76).
    "sanction_pending": "Pendiente de sanción del alcalde o gobernador",
    # T14 objection: the executive objected for inconvenience or illegality (L136 art. 78; L2200 art. 100).
    "objected": "Objetado por el alcalde o gobernador",
    # The corporation rejected the objections for inconvenience, or the Tribunal found the illegality ones
    # unfounded: the executive must sanction (L136 arts. 79-80; L2200 arts. 100 par., 101).
    "sanction_due": "Objeciones rechazadas, sanción obligatoria",
    # The corporation insisted against objections for illegality: to the Tribunal (L136 art. 80; L2200 art. 101).
    "illegality_insisted": "Objeciones de ilegalidad rechazadas, envío al Tribunal Administrativo",
    # The Tribunal Administrativo decides the objections for illegality (L136 art. 80; L2200 art. 101).
    "before_tribunal": "En el Tribunal Administrativo",
    # The Tribunal found the acuerdo partly vitiated: the Concejo reconsiders, then the project returns to the
    # Tribunal for its definitive ruling (L136 art. 80).
    "tribunal_reconsideration": "Parcialmente viciado según el Tribunal, en reconsideración del concejo o asamblea",
    # The Tribunal found the objections founded on the whole project: archived (L136 art. 80; L2200 art. 101).
    "archived": "Archivado por objeciones de ilegalidad fundadas",
    # T14 sanction: the acuerdo/ordenanza was sanctioned (L136 art. 78).
    "sanctioned": "Sancionado",
    # T15 done: published; general acts bind only once published (CPACA art. 65; L136 art. 81).
    "published": "Publicado",
    # T16 done: the plan is in force (CPACA art. 65).
    "in_force": "Vigente",
}

# State -> Spanish phrase for the UI.
STATE_LABELS: dict[str, str] = dict(PDT_STATES)

#: AL02 (four-year institutional periods); L152 art. 39 num. 1 and art. 40 (the plan of the executive elected
#: for "el respectivo período", drawn from his programme of government): a territorial plan governs the period
#: it was adopted for. Once that period is over its pages say so, instead of «Vigente» or a stage still under
#: way (an interpretation: no article writes the day a territorial plan stops governing; the next
#: administration adopts its own). False: the recorded state alone, as before.
PLAN_ENDS_WITH_PERIOD = True
PERIOD_END_BASIS = "AL02; L152 arts. 39 num. 1 y 40"
#: What ``period_ended`` calls a plan in force at its period's end, and one that never was.
PERIOD_SERVED, PERIOD_ENDED_WITHOUT_PLAN = "Cumplió su período", "Período terminado sin plan vigente"


@dataclass(frozen=True)
class PeriodEnded:
    """What a plan's pages say once its period is over (``period_ended``)."""

    label: str
    explanation: str
    legal_basis: str = PERIOD_END_BASIS


def duties_ended(period_end: date, today: date) -> bool:
    """Nothing of a plan's route is owed once its period is over (``PLAN_ENDS_WITH_PERIOD``): no reminder, no
    escalation, no automatic effect, no duty in anyone's list; a 2024-2027 plan left unfiled is not the 2028
    officials' overdue step."""
    return PLAN_ENDS_WITH_PERIOD and today > period_end


def act_after_period(period_label: str, period_end: date, act_on: date) -> str | None:
    """Why an act dated ``act_on`` cannot be recorded on a plan of the period ``period_label``: it is dated after
    the period's last day. An act that happened within the period may still be recorded late, with its date."""
    if not duties_ended(period_end, act_on):
        return None
    return (f"El período {period_label} terminó el {spanish_date(period_end)}: su plan no admite actos con fecha "
            f"posterior ({PERIOD_END_BASIS}). Si el acto ocurrió dentro del período, regístrelo con su fecha.")


def period_ended(state: str, period_label: str, period_end: date, today: date) -> PeriodEnded | None:
    """The plan of the period ``period_label`` read on ``today``, after the period's last day ``period_end``:
    in force, it governed until that day; in any other state, the period ended without a plan in force, its
    last recorded state named. None while the period runs, or with ``PLAN_ENDS_WITH_PERIOD`` False."""
    if not duties_ended(period_end, today):
        return None
    ended = spanish_date(period_end)
    if state == "in_force":
        return PeriodEnded(
            PERIOD_SERVED,
            f"El período {period_label} terminó el {ended}, y el plan rigió hasta ese día: es el plan de la "
            f"administración elegida para ese período ({PERIOD_END_BASIS}; interpretación).")
    return PeriodEnded(
        PERIOD_ENDED_WITHOUT_PLAN,
        f"El período {period_label} terminó el {ended} sin que el plan entrara en vigencia ({PERIOD_END_BASIS}; "
        f"interpretación). Su último estado registrado: «{STATE_LABELS[state]}».")


# -------------------------------------------------------------------------------------------------------------
# Guards (each returns a Verdict with a Spanish reason and its norm)
# -------------------------------------------------------------------------------------------------------------

def is_ctp_month_elapsed(s: PlanSnapshot) -> Verdict:
    """L152 art. 39 num. 6: the CTP's month has certainly run out (``ctp_concept.overdue_from``), never earlier."""
    return ctp_month_verdict(s.today, s.deadlines.get("ctp_concept"))


def has_no_car_inside_term(s: PlanSnapshot) -> Verdict:
    """D1865 art. 3 num. 3-4 (interpretation, legal-path T6): do not adjust while a CAR is inside its 15
    business days, unless the reason to go on is documented (``car_wait_justified``)."""
    if s.car_wait_justified:
        return OK
    for code in sorted(s.car_reviews):
        if s.car_reviews[code] in CAR_REVIEW_SETTLED_STATES:
            continue
        verdict = car_term_verdict(s.today, s.deadlines.get(f"car_concept:{code}"), code)
        if not verdict.ok:
            return refuse(f"{verdict.reason} Espere su concepto o documente por qué se continúa sin él.",
                          verdict.legal_basis)
    return OK


def has_complete_ctp_concept(s: PlanSnapshot) -> Verdict:
    """L152 art. 39 num. 6 (legal-path.md §b.2 T5): the concept is recorded with its content: its sense, the
    parts it covers when partial, and at least one recommendation when "favorable con recomendaciones"."""
    return concept_verdict(s.concept, "L152 art. 39 num. 6", " del CTP")


def has_answer_for_every_recommendation(s: PlanSnapshot) -> Verdict:
    """D1865 art. 3 num. 4; L152 art. 39 num. 6 (legal-path.md §b.2 T6): every recommendation of every concept
    (CTP and each environmental authority) is answered: accepted, partly accepted or not accepted, with a reason."""
    return answers_verdict(s.recommendations, s.answers)


def _debate_rule(s: PlanSnapshot):
    """The debate rule of the entity's law on the act's day (D1222 art. 75 for ordenanzas before 8 February 2022)."""
    return debate_rule_for(s.entity_kind, s.special_regime, getattr(s, "approved_on", None) or s.law_day)


def _debate_basis(s: PlanSnapshot) -> str:
    return _debate_rule(s).legal_basis.split(";")[0]


def has_no_committee_debate_yet(s: PlanSnapshot) -> Verdict:
    """L136 art. 73; L2200 art. 97: the first debate is recorded once; a repeated session of the committee is a
    continuation of the same debate, not a new one."""
    if not s.debates.has_committee_debate:
        return OK
    return refuse(f"El primer debate en comisión ya está registrado (desde el "
                  f"{spanish_date(s.debates.committee_sessions[0])}). Una nueva sesión se registra como "
                  "continuación del mismo debate, no como otro debate.", _debate_basis(s))


def _ponencia_verdict(s: PlanSnapshot, published_on: date | None, which: str) -> Verdict:
    """L2200 art. 102: before each debate of an ordenanza the project and the ponencia are published; "no se
    podrá dar el debate respectivo" until then. Only ordenanzas debated from 8 February 2022 (Ley 2200 in force;
    ``PONENCIA_RULE_FROM``)."""
    if s.entity_kind != "departamento" or s.law_day < PONENCIA_RULE_FROM:
        return OK
    if published_on is not None and published_on <= s.act_day:
        return OK
    when = f" (registrada el {spanish_date(published_on)}, después del debate)" if published_on else ""
    return refuse(f"No se puede dar el {which} debate de la ordenanza sin la publicación previa del proyecto y de "
                  f"la ponencia{when}: regístrela primero.", "L2200 art. 102")


def ponencia_order_problem(which: str, debates: DebateRecord, act_on: date) -> str | None:
    """L2200 art. 102: the ponencia for the second debate reports on the project as the committee approved it, so
    it is published after that approval (QA, 7 December 2026: it was accepted before the first debate)."""
    if which != "plenary":
        return None
    approved = debates.committee_approved_on
    if approved is None:
        return ("La ponencia para el segundo debate se publica después de que la comisión apruebe el proyecto en "
                "primer debate, que aún no está registrado (L2200 art. 102).")
    if act_on < approved:
        return (f"La ponencia para el segundo debate no puede ser anterior a la aprobación en comisión "
                f"({spanish_date(approved)}) (L2200 art. 102).")
    return None


def has_committee_ponencia_published(s: PlanSnapshot) -> Verdict:
    """L2200 art. 102: the ponencia for the first debate published before it (ordenanzas, from 8 February 2022)."""
    return _ponencia_verdict(s, s.debates.ponencia_committee_on, "primer")


def has_plenary_ponencia_published(s: PlanSnapshot) -> Verdict:
    """L2200 art. 102: the ponencia for the second debate published before it (ordenanzas, from 8 February 2022),
    and after the committee's approval it reports on."""
    published, approved = s.debates.ponencia_plenary_on, s.debates.committee_approved_on
    if published is not None and approved is not None and published < approved \
            and s.entity_kind == "departamento" and s.law_day >= PONENCIA_RULE_FROM:
        return refuse(f"La ponencia para el segundo debate se registró el {spanish_date(published)}, antes de la "
                      f"aprobación en comisión ({spanish_date(approved)}): publique la ponencia sobre el texto "
                      "aprobado y regístrela.", "L2200 art. 102")
    return _ponencia_verdict(s, published, "segundo")


def is_ordenanza_under_l2200(s: PlanSnapshot) -> Verdict:
    """L2200 art. 102: the publication of the ponencia is a step of the ordenanza's debates under Ley 2200."""
    if s.entity_kind == "departamento" and s.law_day >= PONENCIA_RULE_FROM:
        return OK
    return refuse("La publicación previa de la ponencia (L2200 art. 102) es un paso de los debates de las "
                  "ordenanzas desde el 8 de febrero de 2022; no aplica a este proyecto.", "L2200 art. 102")


def is_committee_debate_open(s: PlanSnapshot) -> Verdict:
    """L136 art. 73; L2200 art. 97: a continuation belongs to a first debate already opened and not yet approved."""
    if not s.debates.has_committee_debate:
        return refuse("No hay un primer debate en comisión registrado que continuar.", _debate_basis(s))
    if s.debates.committee_approved_on is not None:
        return refuse(f"La comisión ya aprobó el proyecto el {spanish_date(s.debates.committee_approved_on)}; el "
                      "primer debate terminó.", _debate_basis(s))
    return OK


def is_approved_in_committee(s: PlanSnapshot) -> Verdict:
    """L136 art. 73; L2200 arts. 30, 97: the second debate, in plenary, comes after the committee's approval."""
    if s.debates.committee_approved_on is not None:
        return OK
    return refuse("La plenaria solo da el segundo debate después de que la comisión apruebe el proyecto en "
                  "primer debate.", _debate_basis(s))


def has_no_plenary_debate_yet(s: PlanSnapshot) -> Verdict:
    """L136 art. 73; L2200 art. 97: the second debate is recorded once; a repeated plenary session continues it."""
    if not s.debates.has_plenary_debate:
        return OK
    return refuse(f"El segundo debate en plenaria ya está registrado (desde el "
                  f"{spanish_date(s.debates.plenary_sessions[0])}). Una nueva sesión se registra como "
                  "continuación del mismo debate.", _debate_basis(s))


def is_plenary_gap_respected(s: PlanSnapshot) -> Verdict:
    """L136 art. 73 (TAB-3d): the municipal plenary sits at least three full days after the committee's approval;
    L2200 art. 97: the two debates of an ordenanza on different days. ``DEBATE_RULES`` holds the count."""
    approved = s.debates.committee_approved_on
    if approved is None:
        return is_approved_in_committee(s)
    rule = _debate_rule(s)
    first = earliest_plenary_on(approved, rule)
    if s.act_day >= first:
        return OK
    if rule.min_full_days_between:
        return refuse(f"La plenaria no puede dar el segundo debate antes del {spanish_date(first)}: entre la "
                      f"aprobación en comisión ({spanish_date(approved)}) y el segundo debate deben pasar "
                      f"{rule.min_full_days_between} días completos.", rule.legal_basis)
    return refuse(f"Los dos debates se celebran en distintos días: la comisión aprobó el "
                  f"{spanish_date(approved)}; la plenaria puede debatir desde el {spanish_date(first)}.",
                  rule.legal_basis)


def is_plenary_debate_open(s: PlanSnapshot) -> Verdict:
    """L136 art. 73; L2200 art. 97: a continuation of the second debate needs the second debate opened."""
    if s.debates.has_plenary_debate:
        return OK
    return refuse("No hay un segundo debate en plenaria registrado que continuar.", _debate_basis(s))


def has_both_debates(s: PlanSnapshot) -> Verdict:
    """L152 art. 40 with L136 art. 73 / L2200 art. 97: the plan is approved in the second debate, after the
    committee approved it in the first; the approval is dated on or after the plenary's first session."""
    basis = f"{_debate_basis(s)}; L152 art. 40"
    if s.debates.committee_approved_on is None:
        return refuse("No se puede aprobar el plan: falta el primer debate aprobado en comisión (se aprueba en "
                      "dos debates, en comisión y en plenaria).", basis)
    if not s.debates.has_plenary_debate:
        return refuse("No se puede aprobar el plan: falta registrar el segundo debate en plenaria.", basis)
    if s.act_day < s.debates.plenary_sessions[0]:
        return refuse("La aprobación en segundo debate no puede ser anterior a la sesión plenaria en que se debatió "
                      f"({spanish_date(s.debates.plenary_sessions[0])}).", basis)
    return is_plenary_gap_respected(s)


# Sessions as data (state_machines.corporation.sessions; legal-path.md §d, §b.2 T10, T11, T14; issue 20)

def _corporation(s: PlanSnapshot) -> Corporation | None:
    if s.period_start is None:
        return None
    return Corporation(s.entity_kind, s.fiscal_category, s.period_start, s.special_regime)


def _session_guard(s: PlanSnapshot, what: str, on_objections: bool = False) -> Verdict:
    corp = _corporation(s)
    if corp is None or s.listing:
        return OK
    ok, reason, basis = debate_session_verdict(corp, s.session_records, s.act_day, what, on_objections)
    return OK if ok else refuse(reason, basis, "act_on")  # the act's day falls outside a valid session


def is_debate_in_session(s: PlanSnapshot) -> Verdict:
    """L136 art. 23 par. 2 and art. 24; L2200 arts. 23, 25; DL1421 art. 10 (legal-path.md §d; §b.2 T10, T11): each
    debate, approval or vote-down of the plan takes place in ordinary sessions, their recorded extension, or
    extraordinary sessions convoked for the plan; a session outside the legal conditions is invalid."""
    return _session_guard(s, "una sesión que debata o vote el plan")


def is_objection_decision_in_session(s: PlanSnapshot) -> Verdict:
    """L136 arts. 23, 78; L2200 arts. 23, 25 (legal-path.md §b.2 T14): the corporation decides the objections in
    sessions; in recess, in the extraordinary sessions the executive convoked for them."""
    return _session_guard(s, "una sesión que decida las objeciones", on_objections=True)


def is_extension_allowed(s: PlanSnapshot) -> Verdict:
    """L136 art. 23 par. 1 ("Cada período ordinario podrá ser prorrogado por diez días calendario más, a voluntad
    del respectivo Concejo"); DL1421 art. 10; L56 art. 1 par. (legal-path.md §d): decided within the period, once."""
    corp = _corporation(s)
    if corp is None:
        return OK
    if s.listing:
        return OK if extension_window_open(corp, s.act_day) else refuse(
            "Fuera de un período de sesiones ordinarias (o de los diez días siguientes) no hay prórroga que registrar.",
            extension_basis(corp))
    ok, reason, basis, _ = extension_verdict(corp, s.session_records, s.act_day, s.extension_days)
    return OK if ok else refuse(reason, basis, "extension_days")


def is_convocation_allowed(s: PlanSnapshot) -> Verdict:
    """L136 art. 23 par. 2; L136 art. 78 (five days for objections); L2200 art. 23 (three months a year); L56
    art. 1 mod. L617 art. 29 (one month, before 8 February 2022); DL1421 art. 10 (legal-path.md, compact deadline
    table, row "Convoke extraordinary sessions"; §d): the convocation has its window and purpose, and stays within its cap."""
    corp = _corporation(s)
    if corp is None or s.listing:
        return OK
    ok, reason, basis, field = convocation_verdict(corp, s.session_records, s.convocation, s.act_day)
    return OK if ok else refuse(reason, basis, field)


POSESION_BASIS = "AL02 art. 1; L152 art. 39"


def is_posesion_day_reached(s: PlanSnapshot) -> Verdict:
    """AL02 art. 1; L152 art. 39: the constitutional period begins on its first day and the executive holds
    office from then (or from the later date the entity recorded); the terms of L152 art. 39 run "a partir de la
    posesión" whether or not anyone records it, so on that day the system records the posesión itself, dated that
    day (interpretation: the presumed posesión of legal-path.md §(a), ``posesion_date`` "usually = P")."""
    if s.posesion_on is None:
        return refuse("No se conoce la fecha de posesión de este plan.", POSESION_BASIS)
    if s.act_day < s.posesion_on or s.today < s.posesion_on:
        return refuse(f"La posesión es el {spanish_date(s.posesion_on)}; no puede registrarse antes.",
                      POSESION_BASIS)
    return OK


def is_in_force_day_reached(s: PlanSnapshot) -> Verdict:
    """CPACA art. 65; L4-1913 art. 61; L2200 art. 103: the published act binds from its publication day (or the
    later day it declares), never before; the sweep records it that day."""
    if s.in_force_on is None:
        return refuse("No hay fecha de publicación registrada; sin ella el plan no puede entrar en vigencia.",
                      IN_FORCE_BASIS)
    if s.today < s.in_force_on:
        return refuse(f"El plan rige desde el {spanish_date(s.in_force_on)}; no puede registrarse vigente antes.",
                      IN_FORCE_BASIS)
    return OK


def is_ctp_stage_closed(s: PlanSnapshot) -> Verdict:
    """L152 art. 39 num. 6; TAB-e: the plan is filed only after the CTP stage closed (concept or deemed fulfilled)."""
    if s.ctp_review_state is None or s.ctp_review_state in CTP_REVIEW_CLOSED_STATES:
        return OK
    return refuse("La etapa del CTP no está cerrada: falta su concepto o que venza su mes. Radicar sin ella es "
                  "un riesgo de nulidad.", "L152 art. 39 num. 6; TAB-e")


def is_filing_late(s: PlanSnapshot) -> bool:
    """L152 art. 40 (D683 art. 1 via the deadline): filing dated from ``filing.overdue_from`` on is late. The act's
    date decides, not the day it is typed (L4-1913 arts. 59-62; legal-path T7): a plan filed on 28 April and
    recorded in May was filed in time."""
    deadline = s.deadlines.get("filing")
    return deadline is not None and s.act_day >= deadline.overdue_from


def _regime_date(s: PlanSnapshot, which: str):
    """The exceptional regime's fixed date ``which`` when the articles the entity used enable it."""
    fixed = getattr(s.regime_rules, which) if s.regime_rules is not None else None
    return fixed if fixed is not None and fixed.applies(s.d683_articles) else None


def has_legal_review_if_filed_late(s: PlanSnapshot) -> Verdict:
    """L152 art. 40 (interpretation, legal-path T7): filing after the first four months of the period (or, under
    D683 art. 1, after 15 June 2020) needs a recorded legal-review note; it is flagged, not forbidden."""
    if not is_filing_late(s) or s.has_legal_review_note:
        return OK
    deadline = s.deadlines["filing"]
    extended = _regime_date(s, "filing")
    if extended is not None:
        window, basis = f"el plazo ampliado por el {s.regime_rules.name}", f"{extended.legal_basis}; L152 art. 40"
    else:
        window, basis = "los cuatro primeros meses del período", "L152 art. 40"
    return refuse(f"La radicación está por fuera de {window} (venció el {spanish_date(deadline.latest)}). "
                  "Registre una nota de revisión jurídica antes de radicar.", basis)


def has_no_pending_amendments(s: PlanSnapshot) -> Verdict:
    """L152 art. 40 (interpretation): the plenary votes the plan once every proposed modification was decided."""
    pending = sorted(a.id for a in s.amendments if a.state in AMENDMENT_PENDING_STATES)
    if not pending:
        return OK
    return refuse("Hay modificaciones sin decidir por la corporación: " + ", ".join(pending) + ".", "L152 art. 40")


def has_acceptance_for_approved_amendments(s: PlanSnapshot) -> Verdict:
    """L152 art. 40; TAB-c: every approved modification had the executive's prior written acceptance."""
    missing = sorted(a.id for a in s.amendments if a.state == "approved" and a.id not in s.has_acceptance_for)
    if not missing:
        return OK
    return refuse("Se aprobaron modificaciones sin la aceptación previa y por escrito del alcalde o gobernador: "
                  + ", ".join(missing) + ".", "L152 art. 40")


def is_corporation_month_elapsed(s: PlanSnapshot) -> Verdict:
    """L152 art. 40; CE-2127 (D683 art. 3 via the deadline): the corporation's month has certainly run out
    (``corporation_decision.overdue_from``); only then may the executive adopt by decree."""
    deadline = s.deadlines.get("corporation_decision")
    fixed = s.regime_rules.decision if s.regime_rules is not None else None
    basis = f"{fixed.legal_basis}; L152 art. 40" if fixed is not None else "L152 art. 40"
    if deadline is None:
        return refuse("No hay fecha de radicación registrada; no corre el plazo de la corporación.", basis)
    if s.today < deadline.overdue_from:
        return refuse("El concejo o asamblea aún está dentro de su plazo para decidir (hasta el "
                      f"{spanish_date(deadline.latest)}). La adopción por decreto solo procede desde el "
                      f"{spanish_date(deadline.overdue_from)}.", basis)
    return OK


#: L152 art. 40 counts the corporation's month from the project's filing ("dentro del mes siguiente a su
#: presentación"): "si transcurre ese lapso sin adoptar decisión alguna, el Gobernador o Alcalde podrá adoptarlos
#: mediante decreto". legal-path.md T11 writes the power shift from ``in_debate`` (the project assigned to its
#: committee), so a corporation that never assigns the project keeps the plan ``filed_with_corporacion`` with its
#: month run out and no decree. CE-1999 (Bogotá's plan of 1995, whose month counted from the filing) and CE-2127
#: (the power covers a refused approval, a denial or silence within the month) read the silence as covering that
#: case too. With ``True`` the month's end opens the decree from ``filed_with_corporacion`` as from ``in_debate``
#: (the sweep records it, the route draws the branch there); the default keeps the written route.
DECREE_WHEN_NEVER_ASSIGNED = False


def _decree_when_never_assigned() -> bool:
    return DECREE_WHEN_NEVER_ASSIGNED


def decree_condition() -> str:
    """The route's reading of a project never assigned to its committee, said where the calendar says the decree
    opens (its «Decisión de la corporación»): the plan page said the route did not open it while the what-if and
    the case file said it did (QA, 7 December 2026). Empty when ``DECREE_WHEN_NEVER_ASSIGNED`` opens it anyway."""
    if _decree_when_never_assigned():
        return ""
    return (" Esta ruta lo habilita si la corporación ya repartió el proyecto a su comisión (L152 art. 40, en la "
            "lectura que sigue el sistema).")


def decree_waits_for_assignment(state: str) -> str | None:
    """Said beside the corporation's month once it ran out, while the project was never assigned to its committee
    and ``DECREE_WHEN_NEVER_ASSIGNED`` keeps the written route (legal-path.md T11): the calendar's «puede adoptar
    el plan por decreto» (L152 art. 40) does not open the decree here yet (QA, 7 December 2026)."""
    if state != "filed_with_corporacion" or _decree_when_never_assigned():
        return None
    return ("Mientras el concejo o asamblea no reparta el proyecto a su comisión, esta ruta no habilita la adopción "
            "por decreto: la abre desde el primer debate (L152 art. 40, en la lectura que sigue el sistema; el "
            "Consejo de Estado, en su concepto 2127 de 2013, lee que el silencio también la abre: consulte a su "
            "oficina jurídica).")


def is_voted_down(s: PlanSnapshot) -> Verdict:
    """L152 art. 40; CE-2127: a recorded vote denying the plan shifts the power to the executive."""
    if s.corporation_voted_down:
        return OK
    return refuse("No hay registrada una votación que niegue el proyecto.", "L152 art. 40; CE-2127")


# The third debate (D1222 art. 75), the denial in first debate, its reconsideration and the archive
# (L136 arts. 73, 75; L2200 art. 98; D1222 art. 76), and when a denial opens the decree (L152 art. 40; CE-2127).

#: L136 art. 73 writes the reconsideration of a project denied in first debate for acuerdos; neither Ley 2200 nor
#: Decreto 1222 writes it for ordenanzas (an asamblea's reglamento may). Interpretation (README): True extends it.
RECONSIDERATION_FOR_ORDENANZAS = False
#: L152 art. 40 gives the decree power when the month passes "sin adoptar decisión alguna"; CE-2127 (legal-path.md
#: T11) reads a denial as covered. True: the plenary's denial opens the decree at once (legal-path T11); False: the
#: executive waits for the corporation's month to run out, as after silence.
DECREE_AT_ONCE_AFTER_PLENARY_DENIAL = True
#: What the archive rests on, by the entity's law (the phrase each rests on is in ``archive_rule``).
ARCHIVE_BASIS = {"municipio": "L136 art. 75", "bogota": "L136 art. 75", "departamento": "L2200 art. 98",
                 "departamento_d1222": "D1222 art. 76"}


def _rule_key(s: PlanSnapshot) -> str:
    return debate_rule_key(s.entity_kind, s.special_regime, getattr(s, "approved_on", None) or s.law_day)


def is_third_debate_required(s: PlanSnapshot) -> Verdict:
    """D1222 art. 75 ("Para que un proyecto sea ordenanza debe aprobarse en tres (3) debates, celebrados en tres (3)
    días distintos"): only an ordenanza approved before 8 February 2022 has a third debate; from then L2200 art. 97
    asks two ("dos (2) debates celebrados en distintos días"). legal-path.md §d, row "Legal basis of procedure"
    (Decreto 1222 replaced by Ley 2200), and T10."""
    if _debate_rule(s).debates_required >= 3:
        return OK
    return refuse("Este proyecto se aprueba en dos debates: el tercer debate del Decreto 1222 de 1986 solo aplica a "
                  "las ordenanzas aprobadas antes del 8 de febrero de 2022 (desde entonces rige la Ley 2200 de 2022).",
                  _debate_basis(s))


def has_no_third_debate_yet(s: PlanSnapshot) -> Verdict:
    """D1222 art. 75: the third debate is recorded once."""
    if not s.debates.has_third_debate:
        return OK
    return refuse(f"El tercer debate ya está registrado (el {spanish_date(s.debates.third_sessions[0])}).",
                  "D1222 art. 75")


def is_third_debate_on_its_own_day(s: PlanSnapshot) -> Verdict:
    """D1222 art. 75: "tres (3) debates, celebrados en tres (3) días distintos": the plenary's third debate comes
    after the second, on a later day than the first two."""
    if not s.debates.has_plenary_debate:
        return refuse("El tercer debate sigue al segundo: registre primero el segundo debate en plenaria.",
                      "D1222 art. 75")
    last = max((*s.debates.committee_sessions, *s.debates.plenary_sessions))
    if s.act_day > last:
        return OK
    return refuse(f"Los tres debates se celebran en tres días distintos: el tercero no puede darse el "
                  f"{spanish_date(s.act_day)}, cuando ya hubo sesión de otro debate el {spanish_date(last)}.",
                  "D1222 art. 75")


def has_required_debates(s: PlanSnapshot) -> Verdict:
    """D1222 art. 75: before 8 February 2022 an ordenanza is approved in its third debate, on or after that day;
    otherwise ``has_both_debates`` is the whole rule (L136 art. 73; L2200 art. 97; DL1421 art. 22)."""
    if _debate_rule(s).debates_required < 3:
        return OK
    if not s.debates.has_third_debate:
        return refuse("No se puede aprobar la ordenanza: antes del 8 de febrero de 2022 se aprueba en tres debates "
                      "celebrados en tres días distintos y falta registrar el tercero.", "D1222 art. 75")
    if s.act_day < s.debates.third_sessions[0]:
        return refuse("La aprobación no puede ser anterior al tercer debate "
                      f"({spanish_date(s.debates.third_sessions[0])}).", "D1222 art. 75")
    return OK


def is_first_debate_deniable(s: PlanSnapshot) -> Verdict:
    """L136 art. 73 ("El proyecto de acuerdo que hubiere sido negado en primer debate..."): the denial is the
    committee's vote in the first debate: a first debate is on file, not approved and not already denied."""
    basis = _debate_basis(s)
    if not s.debates.has_committee_debate:
        return refuse("Registre primero el primer debate en la comisión: la negación se vota en él.", basis)
    if s.debates.committee_approved_on is not None:
        return refuse("La comisión ya aprobó el proyecto en primer debate; una negación posterior es de la plenaria "
                      "(«Registrar que la corporación negó el plan»).", basis)
    if s.debates.committee_denied_on is not None:
        return refuse(f"La negación en primer debate ya está registrada (el "
                      f"{spanish_date(s.debates.committee_denied_on)}).", basis)
    return OK


def is_first_debate_not_denied(s: PlanSnapshot) -> Verdict:
    """L136 arts. 73, 75: a project denied in first debate is not debated on until the corporation takes it up again
    ("podrá ser nuevamente considerado"); otherwise it waits for the archive at the end of the session period."""
    if s.debates.committee_denied_on is None:
        return OK
    return refuse(f"La comisión negó el proyecto en primer debate el {spanish_date(s.debates.committee_denied_on)}: "
                  "para seguir debatiéndolo, registre primero que se considera de nuevo (a solicitud de su autor, "
                  "de un concejal o del gobierno); si no, se archiva al terminar las sesiones.",
                  f"{_debate_basis(s)}; L136 art. 75")


def is_reconsideration_allowed(s: PlanSnapshot) -> Verdict:
    """L136 art. 73: "El proyecto de acuerdo que hubiere sido negado en primer debate podrá ser nuevamente
    considerado por el Concejo a solicitud de su autor, de cualquier otro concejal, del gobierno municipal o del
    vocero de los proponentes"; only a denial on file is reconsidered, and for ordenanzas only when
    ``RECONSIDERATION_FOR_ORDENANZAS`` (neither L2200 nor D1222 writes it)."""
    if s.entity_kind == "departamento" and not RECONSIDERATION_FOR_ORDENANZAS:
        return refuse("La Ley 2200 de 2022 (y antes el Decreto 1222 de 1986) no prevé que un proyecto de ordenanza "
                      "negado en primer debate se considere de nuevo; si el reglamento de la Asamblea lo permite, "
                      "la administración del sistema puede habilitarlo.", _debate_basis(s))
    if s.debates.committee_denied_on is None:
        return refuse("No hay una negación en primer debate registrada que reconsiderar.", "L136 art. 73")
    if s.act_day < s.debates.committee_denied_on:
        return refuse("La solicitud de reconsideración no puede ser anterior a la negación "
                      f"({spanish_date(s.debates.committee_denied_on)}).", "L136 art. 73")
    return OK


def archive_rule(s: PlanSnapshot) -> tuple[str, int]:
    """(norm, approvals needed to escape the archive) for the entity's law on the act's day:
    L136 art. 75 "Los proyectos que no recibieren aprobación en primer debate durante cualquiera de los períodos de
    sesiones ordinarias y extraordinarias serán archivados" (1); L2200 art. 98 "Los proyectos que no recibieren
    aprobación en por lo menos un debate, deberán ser archivados al finalizar el correspondiente periodo de
    sesiones" (1); D1222 art. 76 "Los proyectos que no recibieren aprobación por lo menos en dos debates, deberán
    ser archivados al término de las correspondientes sesiones" (2)."""
    key = _rule_key(s)
    return ARCHIVE_BASIS[key], (2 if key == "departamento_d1222" else 1)


def is_archivable(s: PlanSnapshot) -> Verdict:
    """L136 art. 75; L2200 art. 98; D1222 art. 76 (``archive_rule``): the project did not reach the approvals its
    law asks by the end of the session period; the committee's approval counts one, the plenary's second debate
    (a denial there is recorded as the plenary's vote) another. The corporation's secretary records it at the end
    of the period (interpretation, README: the system does not archive by itself). legal-path.md T11 (the decree
    after the month then applies to the archived project)."""
    basis, needed = archive_rule(s)
    approvals = (s.debates.committee_approved_on is not None) + s.debates.has_plenary_debate
    if approvals < needed:
        return OK
    what = "en primer debate" if needed == 1 else "en dos debates"
    return refuse(f"El proyecto ya fue aprobado {what}: no se archiva al terminar las sesiones; su trámite "
                  "continúa.", basis)


def is_plenary_denial(s: PlanSnapshot) -> Verdict:
    """L152 art. 40; CE-2127 (legal-path.md T11): the plenary's denial, after the committee approved the project,
    ends the corporation's decision and opens the decree at once (``DECREE_AT_ONCE_AFTER_PLENARY_DENIAL``). A denial
    in first debate does not: it may be reconsidered (L136 art. 73) and the project is archived at the end of the
    session period (L136 art. 75; L2200 art. 98); the decree then waits for the month (L152 art. 40)."""
    if s.debates.committee_approved_on is None:
        return refuse("El proyecto no ha pasado el primer debate: una negación en la comisión se registra como "
                      "«negado en primer debate»; puede reconsiderarse y, si no se aprueba, se archiva al terminar "
                      "las sesiones. La adopción por decreto procede cuando vence el mes de la corporación.",
                      f"{_debate_basis(s)}; L152 art. 40")
    if not DECREE_AT_ONCE_AFTER_PLENARY_DENIAL:
        return is_corporation_month_elapsed(s)
    return OK


def is_d683_art2_plan(s: PlanSnapshot) -> Verdict:
    """D683 art. 2: only plans of the 2020 period whose executive used art. 2 (filed by 30 April 2020); under
    another exceptional regime, the article that enables its ``modifications`` date."""
    if _regime_date(s, "modifications") is not None:
        filed_by = MODIFICATIONS_FILED_BY.get(s.regime)
        if filed_by is not None and s.filed_on is not None and s.filed_on > filed_by:
            return refuse(f"El plan se radicó el {spanish_date(s.filed_on)}: el artículo 2 del Decreto 683 de 2020 "
                          f"solo permite modificar los planes radicados a más tardar el {spanish_date(filed_by)}.",
                          "D683 art. 2")
        return OK
    return refuse("Solo los planes acogidos al artículo 2 del Decreto 683 de 2020 (o a otro régimen excepcional "
                  "que lo permita) admiten modificaciones del alcalde o gobernador durante el trámite.", "D683 art. 2")


def is_within_executive_modifications_term(s: PlanSnapshot) -> Verdict:
    """D683 art. 2: the executive may modify the filed plan until 15 June 2020 (``executive_modifications``)."""
    deadline = s.deadlines.get("executive_modifications")
    fixed = _regime_date(s, "modifications")
    basis = fixed.legal_basis if fixed is not None else "D683 art. 2"
    if deadline is None:
        return refuse("No hay plazo de modificaciones del régimen excepcional calculado para este plan.", basis)
    if s.today >= deadline.overdue_from:
        return refuse(f"El plazo para modificar el plan venció el {spanish_date(deadline.latest)}.", basis)
    return OK


# The last stretch (state_machines.corporation.sanction; legal-path.md §b.2 T13-T16; issue 20)

def _law(s: PlanSnapshot):
    return sanction_law(s.entity_kind, s.approved_on or s.act_day, s.special_regime)


def has_objection_grounds(s: PlanSnapshot) -> Verdict:
    """L136 art. 78; L2200 art. 100: the executive objects "por motivos de inconveniencia o por ser contrario a
    la Constitución, la ley" (or both); the objection names its grounds."""
    law = _law(s)
    if s.objection_grounds and s.objection_grounds <= set(GROUNDS):
        return OK
    return refuse("Indique si objeta por inconveniencia, por ilegalidad o por las dos razones.", law.objection_basis,
                  "grounds")


def has_article_count(s: PlanSnapshot) -> Verdict:
    """L136 art. 78; L2200 art. 100; D1222 art. 78: the term to object depends on the number of articles of the
    project; the executive gives it."""
    count = s.article_count or s.sanction.articles
    if count or _law(s).size_independent:  # DL1421 art. 23: ten days whatever the size
        return OK
    return refuse("Indique cuántos artículos tiene el proyecto: de ello depende el plazo para objetarlo.",
                  _law(s).objection_basis, "article_count")


def has_remitted_article_count(s: PlanSnapshot) -> Verdict:
    """L136 art. 78; L2200 art. 100; D1222 art. 78: the executive's term to sanction or object runs from the
    remission and depends on the project's size, so the remission states it (``REQUIRE_ARTICLES_AT_REMISSION``,
    an interpretation); one term for every size (DL1421 art. 23) needs no count."""
    law = _law(s)
    if not REQUIRE_ARTICLES_AT_REMISSION or s.article_count or law.size_independent:
        return OK
    terms = "; ".join(f"{label}: {business_days(days)}" for label, days in law.objection_table())
    return refuse(f"Indique cuántos artículos tiene el proyecto aprobado: de ello depende el plazo para sancionarlo "
                  f"u objetarlo ({terms}).", law.objection_basis, "articles_sent")


def is_within_objection_term(s: PlanSnapshot) -> Verdict:
    """L136 art. 78; L2200 art. 100; D1222 art. 78: the executive objects within 5, 10 or 20 days (4, 6 or 10
    under D1222) by the project's size, counted from the remission (``objection_term``). An objection after it
    is refused (``sanction.REFUSE_LATE_OBJECTIONS``, an interpretation): the executive must then sanction. The
    objection's date decides, not the day it is typed (L4-1913 art. 62): listing what may be done, the form is
    offered, and it refuses a date after the term beside that date (QA, 7 December 2026: an objection made on the
    last day could not be recorded the next)."""
    law = _law(s)
    deadline = s.deadlines.get("objection_term")
    count = s.article_count or s.sanction.articles
    if not REFUSE_LATE_OBJECTIONS or deadline is None or (count is None and not law.size_independent) \
            or s.listing:
        return OK
    days = law.objection_days(count)
    if s.act_day >= deadline.overdue_from:
        size = f"un proyecto de {count} {'artículo' if count == 1 else 'artículos'}" if count else "el proyecto"
        return refuse(f"El plazo para objetar {size} ({days} días) venció el "
                      f"{spanish_date(deadline.latest)}; el proyecto debe sancionarse.", law.objection_basis, "act_on")
    return OK


def has_no_override(s: PlanSnapshot) -> Verdict:
    """L136 art. 79; L2200 art. 100 par.: once the corporation rejected the objections for inconvenience the
    executive "deberá sancionar el proyecto"; no second objection for inconvenience."""
    if s.sanction.overridden and "inconveniencia" in s.objection_grounds:
        law = _law(s)
        return refuse("La corporación ya rechazó las objeciones por inconveniencia: el proyecto no puede objetarse "
                      "otra vez por inconveniencia; debe sancionarse.", law.override_basis)
    return OK


def is_objection_for_inconvenience_only(s: PlanSnapshot) -> Verdict:
    """L136 art. 79; L2200 art. 100 par.: rejecting objections for inconvenience obliges the executive to
    sanction; when they include illegality, the corporation's insistence sends the project to the Tribunal
    (art. 80; L2200 art. 101)."""
    if "ilegalidad" in s.sanction.grounds:
        return refuse("Las objeciones incluyen razones de ilegalidad: si la corporación las rechaza, registre que "
                      "insiste en el proyecto; el alcalde o gobernador lo envía al Tribunal Administrativo.",
                      _law(s).tribunal_basis)
    return OK


def majority_of(members: int) -> int:
    """"La mitad más uno de los miembros": the least whole number of votes above half the seats (21 -> 11, 20 -> 11)."""
    return members // 2 + 1


def rejection_majority_guard(trigger: str):
    """L2200 art. 100 par.; D1222 art. 79; DL1421 art. 23: where the statute asks it, objections are rejected
    only by "la mitad más uno de los miembros" of the corporation, so the act states the plenary's votes and the
    corporation's members and is refused below that majority (the objections stand). L136 writes no majority
    (art. 79): nothing is asked of a Concejo but Bogotá's."""
    def has_rejection_majority(s: PlanSnapshot) -> Verdict:
        """L2200 art. 100 par.; D1222 art. 79; DL1421 art. 23: "la mitad más uno de los miembros" rejects the
        objections; below it they stand."""
        if s.listing:
            return OK  # listing what may be done: the form brings the votes
        basis = _law(s).majority_basis(trigger)
        if basis is None:
            return OK
        corporation = "la Asamblea" if s.entity_kind == "departamento" else "el Concejo"
        of_corporation = "de la Asamblea" if s.entity_kind == "departamento" else "del Concejo"
        if s.decision_votes is None or not s.corporation_members:
            return refuse(f"Indique cuántos miembros tiene {corporation} y cuántos votaron por rechazar las objeciones: "
                          f"solo quedan rechazadas con el voto de la mitad más uno de sus miembros.", basis,
                          "corporation_members" if not s.corporation_members else "decision_votes")
        needed = majority_of(s.corporation_members)
        if s.decision_votes > s.corporation_members:
            return refuse(f"Los votos ({s.decision_votes}) no pueden ser más que los miembros {of_corporation} "
                          f"({s.corporation_members}).", basis, "decision_votes")
        if s.decision_votes < needed:
            return refuse(f"Con {s.decision_votes} votos de {s.corporation_members} miembros las objeciones no quedan "
                          f"rechazadas: hacen falta {needed}, la mitad más uno de los miembros {of_corporation}.",
                          basis, "decision_votes")
        return OK
    has_rejection_majority.__name__ = f"has_rejection_majority_{trigger}"
    return has_rejection_majority


def is_recess_publication_law(s: PlanSnapshot) -> Verdict:
    """L2200 art. 100 inc. 4; D1222 art. 78: publishing the objected project is the governor's duty when the
    Asamblea enters recess within the term, recorded once while it is owed; an acuerdo's law has the mayor convoke
    the Concejo instead (L136 art. 78 inc. 3)."""
    basis = _law(s).recess_publication_basis
    if not basis:
        return refuse("Publicar el proyecto objetado es un deber del gobernador cuando la Asamblea entra en receso; el "
                      "alcalde convoca al Concejo para decidir las objeciones.", "L136 art. 78")
    if s.sanction.objected_published:
        return refuse("El proyecto objetado ya se publicó: no hay otra publicación que registrar por estas "
                      "objeciones.", basis)
    # Offered only while owed (the calendar keeps the term until the publication; the act itself brings its date).
    if s.listing and "objected_publication" not in s.deadlines:
        return refuse("No hay publicación que registrar: la Asamblea no entró en receso dentro del término para "
                      "objetar.", basis)
    return OK


def is_insistence_receipt_recordable(s: PlanSnapshot) -> Verdict:
    """L2200 art. 101: the governor's 48 hours to send the insisted ordenanza to the Tribunal run "siguientes al
    recibo de la comunicación". A receipt the insistence's form did not state (it came later) is recorded by its own
    act, dated the day of the receipt, once per insistence; L136 art. 80, DL1421 art. 25 and D1222 art. 80 count
    from the insistence itself, so there is no receipt to record."""
    law = _law(s)
    if not law.tribunal_from_receipt:
        return refuse("El término para enviar el proyecto al Tribunal corre desde la insistencia misma: no hay recibo "
                      "de la comunicación que registrar.", law.tribunal_basis)
    if s.sanction.insistence_received:
        return refuse("El recibo de la comunicación de esta insistencia ya quedó registrado: el término corre desde "
                      "esa fecha.", law.tribunal_basis)
    return OK  # a receipt dated before the insistence is refused as any act before the route's last one


def is_objection_for_illegality(s: PlanSnapshot) -> Verdict:
    """L136 art. 80; L2200 art. 101: only objections for illegality go to the Tribunal Administrativo."""
    if "ilegalidad" in s.sanction.grounds:
        return OK
    return refuse("Las objeciones son solo por inconveniencia: si la corporación las rechaza, el alcalde o "
                  "gobernador debe sancionar; no van al Tribunal.", _law(s).override_basis)


def is_president_sanction_allowed(s: PlanSnapshot) -> Verdict:
    """The corporation's president sanctions only where the law says so, and only once the executive's term ran
    out (``overdue_from``), never before:

    - after the corporation rejected objections for inconvenience: L136 art. 79 (L177 art. 4) "Si no lo
      sanciona, el Presidente de la Corporación procederá a sancionarlo y publicarlo", after the 8 days
      (``sanction_after_rejection``); DL1421 art. 24 (the 8 days through its art. 2); L2200 art. 100 par. and
      D1222 art. 79 write neither term nor president: the 8 days by analogy (``SANCTION_LAWS``), and none for
      D1222 when ``D1222_EIGHT_DAYS_BY_ANALOGY`` is False;
    - after the Tribunal found the objections unfounded: DL1421 art. 25 "Si no lo hiciere, el Presidente del
      Concejo sancionará", after the 3 days (``sanction_after_tribunal``); L136 art. 80 names only the mayor;
    - after the objection term ran out in silence: L2200 art. 100 inc. 3 "Si no lo sanciona, el presidente de
      la Corporación procederá a sancionarlo y publicarlo" (``objection_term``)."""
    law = _law(s)
    if s.state == "sanction_pending":
        if president_sanctions_after(law, "objection_term") is None:
            return refuse(f"{law.name} no prevé que el presidente de la corporación sancione un proyecto que el "
                          "alcalde o gobernador no ha objetado ni sancionado: debe sancionarlo el ejecutivo.",
                          law.objection_basis)
        return _after_term(s, "objection_term", law.silence_basis, "objetar o sancionar",
                           "No hay término para objetar calculado: registre el número de artículos del proyecto.")
    if s.sanction.via_tribunal:
        if president_sanctions_after(law, "sanction_after_tribunal") is None:
            return refuse("Tras el fallo del Tribunal Administrativo sanciona el alcalde o gobernador; la sanción por "
                          "el presidente de la corporación procede cuando esta rechazó objeciones por "
                          "inconveniencia.", law.tribunal_sanction_basis or law.tribunal_basis)
        return _after_term(s, "sanction_after_tribunal", law.tribunal_sanction_basis, "sancionar",
                           "No hay fecha de recibo del fallo del Tribunal registrada; no corre el plazo del alcalde "
                           "para sancionar.")
    if president_sanctions_after(law, "sanction_after_rejection") is None:
        return refuse(f"{law.name} no prevé la sanción por el presidente de la corporación: tras el rechazo de las "
                      "objeciones sanciona el gobernador.", law.override_basis)
    return _after_term(s, "sanction_after_rejection", law.override_basis, "sancionar",
                       "No hay fecha de rechazo de las objeciones registrada; no corre el plazo del alcalde o "
                       "gobernador para sancionar.")


def _after_term(s: PlanSnapshot, key: str, basis: str, act: str, missing: str) -> Verdict:
    """The president acts from the day after the executive's term ``key`` ran out."""
    deadline = s.deadlines.get(key)
    if deadline is None:
        return refuse(missing, basis)
    if s.act_day < deadline.overdue_from:
        return refuse(f"El alcalde o gobernador tiene hasta el {spanish_date(deadline.latest)} para {act}; el "
                      f"presidente de la corporación solo sanciona desde el {spanish_date(deadline.overdue_from)}.",
                      basis)
    return OK


def is_partial_ruling_to_reconsider(s: PlanSnapshot) -> Verdict:
    """L136 art. 80: "Si el tribunal considera parcialmente viciado el proyecto, así lo indicará al Concejo para
    que se reconsidere. Cumplido este trámite, el proyecto se remitirá de nuevo al Tribunal para fallo
    definitivo" (Bogotá through DL1421 art. 2). Once, before the definitive ruling; L2200 art. 101 and D1222
    art. 80 have the Tribunal decide "definitivamente" at once."""
    law = _law(s)
    if not law.partial_ruling_returns:
        return refuse("El Tribunal decide definitivamente sobre las objeciones de una ordenanza: registre su fallo "
                      "(infundadas, artículos archivados o proyecto archivado).", law.tribunal_basis)
    if s.sanction.reconsidered:
        return refuse("El Concejo ya reconsideró el proyecto: este fallo del Tribunal es el definitivo "
                      "(infundadas, artículos archivados o proyecto archivado).", "L136 art. 80")
    return OK


def is_definitive_partial_ruling(s: PlanSnapshot) -> Verdict:
    """L136 art. 80: a partly vitiated acuerdo first returns to the Concejo to be reconsidered; the objected
    articles are archived only by the definitive ruling after it (interpretation: that ruling may still archive
    them). Ordenanzas: at once (L2200 art. 101; D1222 art. 80)."""
    law = _law(s)
    if law.partial_ruling_returns and not s.sanction.reconsidered:
        return refuse("Si el Tribunal halla el proyecto parcialmente viciado, lo indica al Concejo para que lo "
                      "reconsidere y luego vuelve al Tribunal para el fallo definitivo: registre primero ese "
                      "fallo (vicios parciales: el Concejo reconsidera).", "L136 art. 80")
    return OK


def is_municipal_acuerdo(s: PlanSnapshot) -> Verdict:
    """L136 art. 82: the copy to the governor for legal review is of municipal acuerdos; not of Bogotá's
    (DL1421 art. 7: "Las disposiciones de la Asamblea y de la Gobernación de Cundinamarca no rigen en el
    territorio del Distrito"; ``sanction.BOGOTA_GOVERNOR_COPY``, an interpretation)."""
    law = _law(s)
    if s.entity_kind == "municipio" and law.governor_copy_days is not None:
        return OK
    if s.entity_kind == "municipio":
        return refuse("Los acuerdos del Distrito Capital no se envían en copia al gobernador de Cundinamarca para "
                      "su revisión: sus disposiciones no rigen en el Distrito.", law.governor_copy_basis)
    return refuse("La revisión jurídica del gobernador es para los acuerdos municipales; una ordenanza no se "
                  "envía en copia al gobernador.", "L136 art. 82")


def has_no_governor_copy_yet(s: PlanSnapshot) -> Verdict:
    """L136 art. 82: one copy of the sanctioned acuerdo goes to the governor."""
    if s.sanction.governor_copy_sent is None:
        return OK
    return refuse(f"La copia ya se envió al gobernador el {spanish_date(s.sanction.governor_copy_sent)}.",
                  "L136 art. 82")


def has_governor_copy(s: PlanSnapshot) -> Verdict:
    """L136 art. 82: the governor reviews the copy sent to it; its outcome is recorded once, from the list."""
    if s.sanction.governor_copy_sent is None:
        return refuse("Primero registre el envío de la copia del acuerdo al gobernador.", "L136 art. 82")
    if s.sanction.governor_review is not None:
        return refuse("El resultado de la revisión del gobernador ya está registrado.", "L136 art. 82")
    if s.governor_review not in GOVERNOR_REVIEW_OUTCOMES:
        return refuse("Indique el resultado de la revisión del gobernador.", "L136 art. 82")
    return OK


def is_objection_late(s: PlanSnapshot) -> bool:
    """L136 art. 78; L2200 art. 100: with late objections not refused (``REFUSE_LATE_OBJECTIONS`` False), flagged."""
    deadline = s.deadlines.get("objection_term")
    return deadline is not None and s.act_day >= deadline.overdue_from


def is_remission_late(s: PlanSnapshot) -> bool:
    """L136 art. 76: remission after its five days (soft, legal-path.md T13)."""
    deadline = s.deadlines.get("sanction_remission")
    return deadline is not None and s.act_day >= deadline.overdue_from


def is_president_publication_allowed(s: PlanSnapshot) -> Verdict:
    """L136 art. 79 (after the objections were rejected) and L2200 art. 100 inc. 3 (after the governor's
    silence): the president who sanctions "procederá a sancionarlo y publicarlo", so the corporation publishes what
    its president sanctioned. After the Tribunal (DL1421 art. 25: "sancionará") the statute gives the president
    the sanction only: the executive publishes, as after its own sanction."""
    if s.sanction.sanctioned_by != "presidente":
        return refuse("La publicación corresponde al alcalde o gobernador, que sancionó el acuerdo u ordenanza.",
                      "L136 art. 81; L2200 art. 103")
    if s.sanction.president_after == "tribunal":
        return refuse("Tras el fallo del Tribunal la ley le da al presidente la sanción, no la publicación: publica "
                      "el alcalde o gobernador.", "DL1421 art. 25")
    return OK


def is_publication_late(s: PlanSnapshot) -> bool:
    """L136 art. 81; L2200 art. 103: publication after its ten days (soft)."""
    deadline = s.deadlines.get("publication")
    return deadline is not None and s.act_day >= deadline.overdue_from


def is_tribunal_remission_late(s: PlanSnapshot) -> bool:
    """L136 art. 80; L2200 art. 101: the project reached the Tribunal after its term (soft)."""
    deadline = s.deadlines.get("tribunal_remission")
    return deadline is not None and s.act_day >= deadline.overdue_from


def is_governor_copy_late(s: PlanSnapshot) -> bool:
    """L136 art. 82: the copy left after its five days (soft)."""
    deadline = s.deadlines.get("governor_copy")
    return deadline is not None and s.act_day >= deadline.overdue_from


# Predicates of conditional effects (soft flags never block).

def is_consolidation_late(s: PlanSnapshot) -> bool:
    """L152 art. 39 num. 3: consolidation after the two months following the posesión. The act's date decides,
    not the day it is typed (L4-1913 art. 62; D1865 art. 3 num. 3), as for every term met by an act."""
    deadline = s.deadlines.get("consolidation")
    return deadline is not None and s.act_day >= deadline.overdue_from


def is_ctp_submission_late(s: PlanSnapshot) -> bool:
    """L152 art. 39 num. 5: presentation to the CTP after the two months following the posesión."""
    deadline = s.deadlines.get("ctp_presentation")
    return deadline is not None and s.act_day >= deadline.overdue_from


def is_corporation_decision_late(s: PlanSnapshot) -> bool:
    """L152 art. 40 (legal-path §f.2): approval after the corporation's month; validity unsettled, so flagged."""
    deadline = s.deadlines.get("corporation_decision")
    return deadline is not None and s.act_day >= deadline.overdue_from


def is_without_ppi(s: PlanSnapshot) -> bool:
    """L152 art. 31 ("los planes de desarrollo ... estarán conformados por una parte general y un plan de inversiones"):
    no version of the investment plan is registered when the project is filed (a compliance flag: the filing is
    not refused, QA 2028; the adopted plan's PPI may then be transcribed once, ``ppi_transcription``)."""
    return s.has_ppi is False


def is_without_held_hearing(s: PlanSnapshot) -> bool:
    """L1909 art. 22: no audiencia pública on the PPI recorded as held (compliance flag only, legal-path §f.8)."""
    return "held" not in s.hearings


def is_d683_regime(s: PlanSnapshot) -> bool:
    """D683 art. 4: PISCC 2020-2023 adopted within the month after the PDT's approval or adoption (a regime
    with ``piscc_months``), and for every plan adopted in 2020, whether or not the entity used the decree's
    other articles (issue 20: art. 4 is not an option)."""
    if s.regime_rules is not None and bool(s.regime_rules.piscc_months):
        return True
    return s.act_day.year == 2020


# -------------------------------------------------------------------------------------------------------------
# Rules outside the table: the PPI after filing, the hearings after adoption
# -------------------------------------------------------------------------------------------------------------

#: From the filing on, the plan's content (and its PPI) is before the corporation (L152 art. 40).
FILED_STATES = frozenset({"filed_with_corporacion", "in_debate"})
#: Approved or adopted (or about to be adopted by decree "as presented"): the PPI is final in this procedure.
ADOPTED_STATES = frozenset({"approved_by_corporacion", "decree_eligible", "adopted_by_decree", "sanction_pending",
                            "objected", "sanction_due", "illegality_insisted", "before_tribunal",
                            "tribunal_reconsideration", "archived", "sanctioned", "published", "in_force"})
#: The last stretch of an approved plan, before publication (L136 arts. 76-82; L2200 arts. 100-103).
LAST_STRETCH_STATES = frozenset({"approved_by_corporacion", "sanction_pending", "objected", "sanction_due",
                                 "illegality_insisted", "before_tribunal", "tribunal_reconsideration", "archived",
                                 "sanctioned"})
#: The plan counts as adopted for the Ley 1909 hearings once the corporation approved it or a decree adopted it.
HEARING_CLOSED_STATES = ADOPTED_STATES - {"decree_eligible"}


def ppi_change_verdict(plan_state: str, amendment_state: str | None = None, amendment_id: str | None = None
                       ) -> Verdict:
    """L152 art. 40 (legal-path.md §b.2 T7, T9): the PPI filed with the corporation changes only through a
    recorded amendment that the corporation approved with the executive's prior written acceptance; once the
    plan is approved or adopted its PPI is final here (later adjustments follow their own route, L152 art. 45)."""
    if plan_state in ADOPTED_STATES:
        return refuse("El plan ya fue aprobado o adoptado: su plan de inversiones quedó en firme y no se modifica "
                      "en este trámite (los ajustes posteriores siguen su propio procedimiento, L152 art. 45).",
                      "L152 arts. 40, 45")
    if plan_state not in FILED_STATES:
        return OK
    if amendment_id is None:
        return refuse("Desde la radicación el plan de inversiones está congelado: solo cambia mediante una "
                      "modificación registrada y aprobada por la corporación, con la aceptación previa y por "
                      "escrito del alcalde o gobernador. Indique la modificación.", "L152 art. 40")
    if amendment_state != "approved":
        return refuse(f"La modificación {amendment_id} no está aprobada por la corporación; el plan de inversiones "
                      "radicado solo cambia con una modificación aprobada.", "L152 art. 40")
    return OK


def executive_ppi_change_verdict(s: PlanSnapshot) -> Verdict:
    """D683 art. 2 (legal-path.md §c: plans "filed by 30 April 2020 could be modified by the executive, because of
    the pandemic, until 15 June 2020"; "these are the executive's own changes; no corporation acceptance issue"):
    the exception to ``ppi_change_verdict`` for an entity that opted into art. 2: while the plan is before the
    corporation, the executive changes the filed PPI itself until the regime's ``modifications`` date, never for
    a plan filed after 30 April 2020 (``is_d683_art2_plan``, ``is_within_executive_modifications_term``)."""
    if s.state not in FILED_STATES:
        return refuse("El cambio del alcalde o gobernador al plan de inversiones radicado (Decreto 683 de 2020, art. "
                      "2) es para el plan que está ante la corporación.", "D683 art. 2")
    verdict = is_d683_art2_plan(s)
    return verdict if not verdict.ok else is_within_executive_modifications_term(s)


def hearing_proposals_verdict(plan_state: str) -> Verdict:
    """L1909 art. 22 (interpretation, legal notes of issue 13 §5): proposals of prioritisation are received "en el
    marco de la aprobación" of the PPI; once the plan is adopted the hearings close to new proposals (those
    already received stay for moderation and remain public)."""
    if plan_state in HEARING_CLOSED_STATES:
        return refuse("El plan ya fue adoptado: sus audiencias públicas ya no reciben propuestas nuevas.",
                      "L1909 art. 22")
    return OK


# -------------------------------------------------------------------------------------------------------------
# The table (legal-path.md §b.2 T0-T16, §c)
# -------------------------------------------------------------------------------------------------------------

PDT_TRANSITIONS: list[Transition] = [
    Transition(  # T0
        trigger="take_office", source="elected", dest="in_office", roles=frozenset({EJECUTIVO}),
        guards=(evidence_guard("el acta de posesión", "L152 art. 39"),),
        legal_basis="L152 art. 39", label="Registrar la posesión del alcalde o gobernador",
    ),
    Transition(  # T0 (b): the period's first day (or the entity's posesión date) came; recorded by the system
        trigger="presume_office", source="elected", dest="in_office", roles=frozenset({SISTEMA}),
        guards=(is_posesion_day_reached,),
        legal_basis=POSESION_BASIS,
        label="Registrar la posesión en la fecha de inicio del período (los plazos corren desde ella)",
    ),
    Transition(  # T1
        trigger="start_drafting", source="in_office", dest="drafting", roles=frozenset({EJECUTIVO, PLANEACION}),
        guards=(evidence_guard("las orientaciones o el acto que conforma el equipo formulador",
                               "L152 art. 39 num. 1"),),
        legal_basis="L152 art. 39 num. 1", label="Impartir orientaciones y conformar el equipo formulador",
        effects=("event:team_formed",),
    ),
    Transition(  # T2: the executive presents "through" planeación
        trigger="submit_to_consejo_de_gobierno", source="drafting", dest="submitted_to_consejo_de_gobierno",
        roles=frozenset({EJECUTIVO, PLANEACION}),
        guards=(evidence_guard("el acta u oficio de presentación al Consejo de Gobierno", "L152 art. 39 num. 3"),),
        legal_basis="L152 art. 39 num. 3-4; D1865 art. 3 num. 2",
        label="Presentar el proyecto al Consejo de Gobierno",
        effects=("start_car_reviews", "start_ctp_formation"),
    ),
    Transition(  # T3: the Consejo de Gobierno acts; its chair (ejecutivo) or planeación records it
        trigger="consolidate", source="submitted_to_consejo_de_gobierno", dest="consolidated",
        roles=frozenset({EJECUTIVO, PLANEACION}),
        guards=(evidence_guard("el acta del Consejo de Gobierno y el documento consolidado", "L152 art. 39 num. 3"),),
        legal_basis="L152 art. 39 num. 3", label="Consolidar el proyecto en el Consejo de Gobierno",
        effects=("event:consolidated", "flag:late_consolidation"),
        effect_when=(("flag:late_consolidation", is_consolidation_late),),
    ),
    Transition(  # T4
        trigger="submit_to_ctp", source="consolidated", dest="submitted_to_ctp", roles=frozenset({EJECUTIVO}),
        guards=(evidence_guard("el radicado ante el CTP y el de la copia al concejo o asamblea",
                               "L152 art. 39 num. 5"),),
        legal_basis="L152 art. 39 num. 5",
        label="Presentar el proyecto al CTP con copia al concejo o asamblea",
        effects=("start_ctp_review", "event:submitted_to_ctp_and_car", "flag:late_ctp_submission"),
        effect_when=(("flag:late_ctp_submission", is_ctp_submission_late),),
    ),
    Transition(  # T5 (a)
        trigger="record_ctp_concept", source="submitted_to_ctp", dest="ctp_stage_closed", roles=frozenset({CTP}),
        guards=(has_complete_ctp_concept, evidence_guard("el concepto del CTP (acta de la sesión)",
                                                         "L152 art. 39 num. 6")),
        legal_basis="L152 art. 39 num. 6", label="Entregar el concepto del CTP (total o parcial)",
    ),
    Transition(  # T5 (b): hard, automatic
        trigger="deem_ctp_requirement_fulfilled", source="submitted_to_ctp", dest="ctp_stage_closed",
        roles=frozenset({SISTEMA}), guards=(is_ctp_month_elapsed,),
        legal_basis="L152 art. 39 num. 6",
        label="Dar por cumplido el requisito del concepto del CTP por vencimiento del mes",
    ),
    Transition(  # T6: Consejo de Gobierno / planeación
        trigger="consider_concepts", source="ctp_stage_closed", dest="adjusting",
        roles=frozenset({EJECUTIVO, PLANEACION}),
        guards=(has_no_car_inside_term, has_answer_for_every_recommendation,
                evidence_guard("el registro de la consideración de las recomendaciones del CTP y la autoridad "
                               "ambiental", "D1865 art. 3 num. 4")),
        legal_basis="D1865 art. 3 num. 4; L152 art. 39 num. 6",
        label="Considerar los conceptos del CTP y la autoridad ambiental y ajustar el proyecto",
        effects=("record_answers", "event:concepts_considered"),
    ),
    Transition(  # Ley 1909 hearings, scheduled while the plan is adjusted or debated
        trigger="schedule_hearing", source=("adjusting", "filed_with_corporacion", "in_debate"), dest=SAME,
        roles=frozenset({EJECUTIVO, PLANEACION}), guards=(),
        legal_basis="L1909 art. 22", label="Programar una audiencia pública del plan de inversiones",
        effects=("start_hearing",),
    ),
    Transition(  # extraordinary sessions so the corporation can decide within its month (or on objections)
        trigger="convoke_sessions", source=("adjusting", "filed_with_corporacion", "in_debate", "objected"),
        dest=SAME, roles=frozenset({EJECUTIVO}),
        guards=(is_convocation_allowed, evidence_guard("el decreto de convocatoria a sesiones", "L152 art. 40")),
        legal_basis="L152 art. 40; L136 art. 23 par. 2", label="Convocar a sesiones al concejo o asamblea",
        effects=("record_convocation", "event:sessions_convened"),
    ),
    Transition(  # L136 art. 23 par. 1: the corporation extends an ordinary period by up to ten calendar days; also
        # while the approved project awaits the sanction: the extension may be where the objections are decided,
        # and the Concejo it keeps "reunido" need not be convoked for them (L136 art. 78 inc. 3).
        trigger="extend_sessions",
        source=("filed_with_corporacion", "in_debate", "approved_by_corporacion", "sanction_pending", "objected"),
        dest=SAME,
        roles=frozenset({CORPORACION}),
        guards=(is_extension_allowed,
                evidence_guard("la proposición aprobada que prorroga el período de sesiones", "L136 art. 23 par. 1")),
        legal_basis="L136 art. 23 par. 1", label="Registrar la prórroga del período de sesiones ordinarias",
        effects=("record_extension",),
    ),
    Transition(  # T7
        trigger="file_with_corporacion", source="adjusting", dest="filed_with_corporacion",
        roles=frozenset({EJECUTIVO}),
        guards=(is_ctp_stage_closed, has_legal_review_if_filed_late,
                evidence_guard("el radicado del proyecto de acuerdo u ordenanza", "L152 art. 40")),
        legal_basis="L152 art. 40", label="Radicar el proyecto de acuerdo u ordenanza",
        effects=("freeze_filed_ppi", "event:filed_with_corporacion", "flag:late_filing", "flag:no_hearing_held",
                 "flag:filed_without_ppi"),
        effect_when=(("flag:late_filing", is_filing_late), ("flag:no_hearing_held", is_without_held_hearing),
                     ("flag:filed_without_ppi", is_without_ppi)),
    ),
    Transition(  # D683 art. 2: the executive's own changes (no acceptance issue)
        trigger="modify_by_executive", source=("filed_with_corporacion", "in_debate"), dest=SAME,
        roles=frozenset({EJECUTIVO}),
        guards=(is_d683_art2_plan, is_within_executive_modifications_term,
                evidence_guard("el texto de la modificación", "D683 art. 2")),
        legal_basis="D683 art. 2", label="Modificar el proyecto radicado (Decreto 683 de 2020)",
        effects=("publish_modification",),
    ),
    Transition(  # T8
        trigger="assign_to_committee", source="filed_with_corporacion", dest="in_debate",
        roles=frozenset({CORPORACION}),
        guards=(evidence_guard("el acta de reparto y la designación de ponente", "L136 art. 73"),),
        legal_basis="L152 art. 40; L136 art. 73", label="Repartir el proyecto a la comisión del plan",
    ),
    Transition(  # T10, first debate: once; more sessions are its continuation
        trigger="record_committee_debate", source="in_debate", dest=SAME, roles=frozenset({CORPORACION}),
        guards=(has_no_committee_debate_yet, has_committee_ponencia_published, is_debate_in_session,
                evidence_guard("el acta del primer debate en comisión", "L136 art. 73")),
        legal_basis="L136 art. 73; L2200 art. 97", label="Registrar el primer debate en la comisión",
        effects=("debate:committee", "event:committee_debate"),
    ),
    Transition(
        trigger="continue_committee_debate", source="in_debate", dest=SAME, roles=frozenset({CORPORACION}),
        guards=(is_committee_debate_open, is_first_debate_not_denied, is_debate_in_session,
                evidence_guard("el acta de la sesión de la comisión", "L136 art. 73")),
        legal_basis="L136 art. 73; L2200 art. 97",
        label="Registrar otra sesión del primer debate (continuación)", effects=("debate:committee_continued",),
    ),
    Transition(  # T10, second debate: after the committee's approval, on another day, with the municipal gap
        trigger="record_plenary_debate", source="in_debate", dest=SAME, roles=frozenset({CORPORACION}),
        guards=(is_approved_in_committee, has_no_plenary_debate_yet, is_plenary_gap_respected,
                has_plenary_ponencia_published, is_debate_in_session,
                evidence_guard("el acta del segundo debate en plenaria", "L136 art. 73")),
        legal_basis="L136 art. 73; L2200 art. 97", label="Registrar el segundo debate en la plenaria",
        effects=("debate:plenary", "event:plenary_debate"),
    ),
    Transition(
        trigger="continue_plenary_debate", source="in_debate", dest=SAME, roles=frozenset({CORPORACION}),
        guards=(is_plenary_debate_open, is_debate_in_session,
                evidence_guard("el acta de la sesión plenaria", "L136 art. 73")),
        legal_basis="L136 art. 73; L2200 art. 97",
        label="Registrar otra sesión del segundo debate (continuación)", effects=("debate:plenary_continued",),
    ),
    Transition(  # L2200 art. 102: the project and the ponencia published before each debate of an ordenanza
        trigger="publish_ponencia", source="in_debate", dest=SAME, roles=frozenset({CORPORACION}),
        guards=(is_ordenanza_under_l2200, evidence_guard("la constancia de publicación del proyecto y la ponencia",
                                                         "L2200 art. 102")),
        legal_basis="L2200 art. 102", label="Registrar la publicación del proyecto y la ponencia para un debate",
        effects=("debate:ponencia",),
    ),
    Transition(  # T9: each proposal becomes an ``amendment`` sub-machine
        trigger="propose_amendment", source="in_debate", dest=SAME, roles=frozenset({CORPORACION}),
        guards=(evidence_guard("el texto de la modificación propuesta con sus autores", "L1909 art. 22"),),
        legal_basis="L152 art. 40; L1909 art. 22", label="Registrar una modificación propuesta",
        effects=("start_amendment",),
    ),
    Transition(  # T10
        trigger="approve_plan", source="in_debate", dest="approved_by_corporacion", roles=frozenset({CORPORACION}),
        guards=(has_both_debates, has_required_debates, has_no_pending_amendments, has_acceptance_for_approved_amendments,
                is_debate_in_session, evidence_guard("las actas de comisión y plenaria y el texto aprobado", "L152 art. 40")),
        legal_basis="L152 art. 40; L136 art. 73", label="Aprobar el plan en segundo debate",
        effects=("freeze_adopted_ppi", "event:adopted", "start_piscc", "flag:late_corporation_decision"),
        effect_when=(("start_piscc", is_d683_regime), ("flag:late_corporation_decision", is_corporation_decision_late)),
    ),
    Transition(  # T11 (a): hard, automatic power shift (also after the archive: the month ran out without approval;
        #            and, under ``DECREE_WHEN_NEVER_ASSIGNED``, a project never assigned to its committee)
        trigger="enable_decree_adoption", source=("in_debate", "project_archived", "filed_with_corporacion"),
        dest="decree_eligible", roles=frozenset({SISTEMA}),
        source_when=(("filed_with_corporacion", _decree_when_never_assigned),),
        guards=(is_corporation_month_elapsed,), legal_basis="L152 art. 40; CE-2127",
        label="Habilitar la adopción por decreto por vencimiento del plazo de la corporación",
    ),
    Transition(  # T11 (b)
        trigger="vote_down", source="in_debate", dest="decree_eligible", roles=frozenset({CORPORACION}),
        guards=(is_voted_down, is_debate_in_session, is_plenary_denial,
                evidence_guard("el acta de la sesión que niega el proyecto", "L152 art. 40")),
        legal_basis="L152 art. 40; CE-2127", label="Registrar que la corporación negó el plan",
    ),
    Transition(  # D1222 art. 75: the third debate of an ordenanza approved before 8 February 2022
        trigger="record_third_debate", source="in_debate", dest=SAME, roles=frozenset({CORPORACION}),
        guards=(is_third_debate_required, has_no_third_debate_yet, is_third_debate_on_its_own_day,
                evidence_guard("el acta del tercer debate en plenaria", "D1222 art. 75")),
        legal_basis="D1222 art. 75", label="Registrar el tercer debate en la plenaria (Decreto 1222 de 1986)",
        effects=("debate:third", "event:plenary_debate"),
    ),
    Transition(  # L136 art. 73: the committee denies the project in first debate (it may be reconsidered)
        trigger="deny_in_first_debate", source="in_debate", dest=SAME, roles=frozenset({CORPORACION}),
        guards=(is_first_debate_deniable,
                evidence_guard("el acta de la sesión de la comisión que niega el proyecto", "L136 art. 73")),
        legal_basis="L136 arts. 73, 75; L2200 art. 98", label="Registrar que la comisión negó el proyecto en primer debate",
        effects=("debate:committee_denied",),
    ),
    Transition(  # L136 art. 73: the denied project "podrá ser nuevamente considerado por el Concejo"
        trigger="reconsider_first_debate", source="in_debate", dest=SAME, roles=frozenset({CORPORACION}),
        guards=(is_reconsideration_allowed,
                evidence_guard("la solicitud de reconsideración y el acta que la acoge", "L136 art. 73")),
        legal_basis="L136 art. 73", label="Registrar que la corporación considera de nuevo el proyecto negado en primer debate",
        effects=("debate:reconsidered",),
    ),
    Transition(  # L136 art. 75; L2200 art. 98; D1222 art. 76: archived at the end of the session period
        trigger="archive_project", source="in_debate", dest="project_archived", roles=frozenset({CORPORACION}),
        guards=(is_archivable,
                evidence_guard("la constancia de archivo del proyecto al terminar el período de sesiones",
                               "L136 art. 75")),
        legal_basis="L136 art. 75; L2200 art. 98; D1222 art. 76",
        label="Archivar el proyecto no aprobado al terminar el período de sesiones",
    ),
    Transition(  # T12
        trigger="adopt_by_decree", source="decree_eligible", dest="adopted_by_decree", roles=frozenset({EJECUTIVO}),
        guards=(evidence_guard("el decreto firmado que adopta el plan", "L152 art. 40"),),
        legal_basis="L152 art. 40", label="Adoptar el plan por decreto",
        effects=("freeze_adopted_ppi", "event:adopted", "start_piscc"), effect_when=(("start_piscc", is_d683_regime),),
    ),
    Transition(  # T13: mesa directiva
        trigger="send_for_sanction", source="approved_by_corporacion", dest="sanction_pending",
        roles=frozenset({CORPORACION}),
        guards=(evidence_guard("la constancia de remisión del proyecto aprobado", "L136 art. 76"),
                has_remitted_article_count),
        legal_basis="L136 art. 76", label="Remitir el proyecto aprobado para sanción",
        effects=("record_sanction", "flag:late_remission"), effect_when=(("flag:late_remission", is_remission_late),),
    ),
    Transition(  # T14 sanction (also the compulsory one after the objections are rejected)
        trigger="sanction", source=("sanction_pending", "sanction_due"), dest="sanctioned",
        roles=frozenset({EJECUTIVO}),
        guards=(evidence_guard("el acuerdo u ordenanza sancionado", "L136 art. 78"),),
        legal_basis="L136 art. 78", label="Sancionar el acuerdo u ordenanza",
        effects=("record_sanction",),
    ),
    Transition(  # T14 objection, within the term by the number of articles
        trigger="object", source="sanction_pending", dest="objected", roles=frozenset({EJECUTIVO}),
        guards=(has_objection_grounds, has_article_count, has_no_override, is_within_objection_term,
                evidence_guard("el escrito de objeciones", "L136 art. 78")),
        legal_basis="L136 art. 78; L2200 art. 100", label="Objetar el proyecto por inconveniencia o ilegalidad",
        effects=("record_sanction", "flag:late_objection"), effect_when=(("flag:late_objection", is_objection_late),),
    ),
    Transition(  # L2200 art. 100 inc. 4: the Asamblea entered recess within the term; the governor publishes
        trigger="publish_objected_project", source="objected", dest=SAME, roles=frozenset({EJECUTIVO}),
        guards=(is_recess_publication_law,
                evidence_guard("la publicación del proyecto objetado en la gaceta del departamento",
                               "L2200 art. 100 inc. 4")),
        legal_basis="L2200 art. 100 inc. 4",
        label="Publicar el proyecto objetado (el concejo o asamblea entró en receso dentro del término)",
        effects=("record_sanction",),
    ),
    Transition(  # the corporation rejects objections for inconvenience: the executive must sanction
        trigger="reject_objections", source="objected", dest="sanction_due", roles=frozenset({CORPORACION}),
        guards=(is_objection_for_inconvenience_only, is_objection_decision_in_session,
                rejection_majority_guard("reject_objections"),
                evidence_guard("el acta de la plenaria que rechaza las objeciones", "L136 art. 79")),
        legal_basis="L136 art. 79; L2200 art. 100 par.", label="Rechazar las objeciones por inconveniencia",
        effects=("record_sanction",),
    ),
    Transition(  # the corporation insists against objections for illegality: the project goes to the Tribunal
        trigger="insist_on_project", source="objected", dest="illegality_insisted", roles=frozenset({CORPORACION}),
        guards=(is_objection_for_illegality, is_objection_decision_in_session,
                rejection_majority_guard("insist_on_project"),
                evidence_guard("el acta de la plenaria que rechaza las objeciones de ilegalidad", "L136 art. 80")),
        legal_basis="L136 art. 80; L2200 art. 101", label="Rechazar las objeciones de ilegalidad e insistir en el proyecto",
        effects=("record_sanction",),
    ),
    Transition(  # L2200 art. 101: the 48 hours run from the governor's receipt of the insistence's communication
        trigger="record_insistence_receipt", source="illegality_insisted", dest=SAME, roles=frozenset({EJECUTIVO}),
        guards=(is_insistence_receipt_recordable,
                evidence_guard("la comunicación de la insistencia, con la constancia de su recibo", "L2200 art. 101")),
        legal_basis="L2200 art. 101",
        label="Registrar el recibo de la comunicación de la insistencia (desde ese día corren las 48 horas)",
        effects=("record_sanction",),
    ),
    Transition(  # the corporation accepts the objections and amends the project, which returns for sanction
        trigger="accept_objections", source="objected", dest="sanction_pending", roles=frozenset({CORPORACION}),
        guards=(is_objection_decision_in_session,
                evidence_guard("el acta que acoge las objeciones y el texto enmendado", "L136 art. 78")),
        legal_basis="L136 arts. 78-79; L2200 art. 100",
        label="Acoger las objeciones y remitir el proyecto enmendado para sanción",
        effects=("record_sanction",),
    ),
    Transition(  # L136 art. 79; DL1421 arts. 24-25; L2200 art. 100 inc. 3: the executive let its term run out
        trigger="sanction_by_president", source=("sanction_due", "sanction_pending"), dest="sanctioned",
        roles=frozenset({CORPORACION}),
        guards=(is_president_sanction_allowed,
                evidence_guard("el acuerdo u ordenanza sancionado por el presidente de la corporación", "L136 art. 79")),
        legal_basis="L136 art. 79; L2200 art. 100",
        label="Sancionar el proyecto como presidente de la corporación (el alcalde o gobernador no sancionó)",
        effects=("record_sanction",),
    ),
    Transition(  # L136 art. 80: the executive sends the project to the Tribunal Administrativo
        trigger="send_to_tribunal", source="illegality_insisted", dest="before_tribunal", roles=frozenset({EJECUTIVO}),
        guards=(evidence_guard("el oficio de envío al Tribunal con la exposición de las objeciones", "L136 art. 80"),),
        legal_basis="L136 art. 80; L2200 art. 101", label="Enviar el proyecto al Tribunal Administrativo",
        effects=("flag:late_tribunal_remission",),
        effect_when=(("flag:late_tribunal_remission", is_tribunal_remission_late),),
    ),
    Transition(  # the Tribunal finds the objections unfounded: the executive sanctions
        trigger="record_tribunal_unfounded", source="before_tribunal", dest="sanction_due",
        roles=frozenset({EJECUTIVO, CORPORACION}),
        guards=(evidence_guard("el fallo del Tribunal Administrativo", "L136 art. 80"),),
        legal_basis="L136 art. 80; L2200 art. 101",
        label="Registrar el fallo del Tribunal que declara infundadas las objeciones (se sanciona el proyecto)",
        effects=("record_sanction",),
    ),
    Transition(  # L136 art. 80: the Tribunal finds the acuerdo partly vitiated: the Concejo reconsiders it
        trigger="record_tribunal_partial", source="before_tribunal", dest="tribunal_reconsideration",
        roles=frozenset({EJECUTIVO, CORPORACION}),
        guards=(is_partial_ruling_to_reconsider, evidence_guard("el fallo del Tribunal Administrativo", "L136 art. 80")),
        legal_basis="L136 art. 80",
        label="Registrar el fallo del Tribunal que halla el proyecto parcialmente viciado (el concejo o asamblea lo reconsidera)",
        effects=("record_sanction",),
    ),
    Transition(  # L136 art. 80: "Cumplido este trámite, el proyecto se remitirá de nuevo al Tribunal"
        trigger="return_to_tribunal", source="tribunal_reconsideration", dest="before_tribunal",
        roles=frozenset({EJECUTIVO, CORPORACION}),
        guards=(evidence_guard("el acta de la reconsideración y el oficio de remisión al Tribunal", "L136 art. 80"),),
        legal_basis="L136 art. 80",
        label="Registrar la reconsideración del concejo o asamblea y la nueva remisión al Tribunal para fallo definitivo",
        effects=("record_sanction",),
    ),
    Transition(  # the Tribunal's definitive ruling archives some articles: the rest is sanctioned
        trigger="record_tribunal_articles_archived", source="before_tribunal", dest="sanction_due",
        roles=frozenset({EJECUTIVO, CORPORACION}),
        guards=(is_definitive_partial_ruling, evidence_guard("el fallo del Tribunal Administrativo", "L136 art. 80")),
        legal_basis="L136 art. 80; L2200 art. 101",
        label="Registrar el fallo del Tribunal que archiva los artículos objetados (se sanciona el resto)",
        effects=("record_sanction",),
    ),
    Transition(  # the Tribunal finds the objections founded on the whole project: archived
        trigger="record_tribunal_archive", source="before_tribunal", dest="archived",
        roles=frozenset({EJECUTIVO, CORPORACION}),
        guards=(evidence_guard("el fallo del Tribunal Administrativo", "L136 art. 80"),),
        legal_basis="L136 art. 80; L2200 art. 101",
        label="Registrar el fallo del Tribunal que archiva el proyecto por objeciones fundadas",
        effects=("record_sanction",),
    ),
    Transition(  # T15
        trigger="publish", source=("sanctioned", "adopted_by_decree"), dest="published", roles=frozenset({EJECUTIVO}),
        guards=(evidence_guard("la constancia de publicación (gaceta o medio oficial)", "CPACA art. 65"),),
        legal_basis="CPACA art. 65; L136 art. 81", label="Publicar el plan adoptado",
        effects=("record_vigencia", "event:published", "flag:late_publication"),
        effect_when=(("flag:late_publication", is_publication_late),),
    ),
    Transition(  # L136 art. 79; L2200 art. 100 inc. 3: the president who sanctioned "procederá a sancionarlo y publicarlo"
        trigger="publish_by_president", source="sanctioned", dest="published", roles=frozenset({CORPORACION}),
        guards=(is_president_publication_allowed,
                evidence_guard("la constancia de publicación (gaceta o medio oficial)", "CPACA art. 65")),
        legal_basis="CPACA art. 65; L136 art. 79; L2200 art. 100 inc. 3",
        label="Publicar el acuerdo u ordenanza que sancionó el presidente de la corporación",
        # record_sanction: who published (the case file and the public page cite the president's article).
        effects=("record_vigencia", "record_sanction", "event:published", "flag:late_publication"),
        effect_when=(("flag:late_publication", is_publication_late),),
    ),
    Transition(  # L136 art. 82: the copy to the governor, within 5 days of the sanction; effects not suspended
        trigger="send_copy_to_governor", source=("sanctioned", "published", "in_force"), dest=SAME,
        roles=frozenset({EJECUTIVO, PLANEACION}),
        guards=(is_municipal_acuerdo, has_no_governor_copy_yet,
                evidence_guard("el oficio de envío de la copia al gobernador", "L136 art. 82")),
        legal_basis="L136 art. 82", label="Enviar copia del acuerdo sancionado al gobernador para su revisión jurídica",
        effects=("record_sanction", "flag:late_governor_copy"),
        effect_when=(("flag:late_governor_copy", is_governor_copy_late),),
    ),
    Transition(  # L136 art. 82: the governor's review outcome (it does not suspend the acuerdo's effects)
        trigger="record_governor_review", source=("sanctioned", "published", "in_force"), dest=SAME,
        roles=frozenset({EJECUTIVO, PLANEACION}),
        guards=(is_municipal_acuerdo, has_governor_copy,
                evidence_guard("la comunicación del gobernador sobre la revisión", "L136 art. 82")),
        legal_basis="L136 art. 82", label="Registrar el resultado de la revisión jurídica del gobernador",
        effects=("record_sanction",),
    ),
    Transition(  # T16: publication makes it binding; recorded by the system
        trigger="enter_into_force", source="published", dest="in_force", roles=frozenset({SISTEMA}),
        guards=(is_in_force_day_reached,),
        legal_basis="CPACA art. 65; L4-1913 art. 61",
        label="Registrar la entrada en vigencia del plan",
        effects=("start_phase2",),  # phase-ii.md §1.2: Phase II opens at T16
    ),
]

#: The acts whose guards read the corporation's recorded sessions (the service loads them only for these).
SESSION_GUARDED_TRIGGERS = frozenset(
    t.trigger for t in PDT_TRANSITIONS
    if {is_debate_in_session, is_objection_decision_in_session, is_extension_allowed, is_convocation_allowed}
    & set(t.guards))

PDT_MACHINE = LegalMachine("pdt_approval", PDT_STATES, "elected", PDT_TRANSITIONS,
                           final_states={"in_force", "archived"})
#: Acts refused by state with a reason of their own (L136 art. 79; L2200 art. 100 par.).
PDT_MACHINE.state_refusals = {
    ("object", "sanction_due"): (
        "La corporación ya rechazó las objeciones (o el Tribunal las halló infundadas): el proyecto no puede "
        "objetarse otra vez; el alcalde o gobernador debe sancionarlo.", "L136 art. 79; L2200 art. 100 par."),
}
