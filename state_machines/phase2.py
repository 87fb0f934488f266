"""Phase II of the route: what follows once the plan is in force (phase-ii.md §1.2, P1–P22).

Each procedure is a small ``LegalMachine`` over a ``Phase2Snapshot``; the service keeps one instance per plan
(``subject`` ``"pi"``, ``"banco"``, ``"armonizacion"``, ``"seguimiento"``) or one per vigencia (``subject`` the
year, or ``"2025-1"`` for a semester), created when the plan enters into force (``PHASE2_OPENING``). They run as
sub-procedures of the plan (the same ``procedures`` rows and act pages as a CAR review or an amendment).

Norm IDs are those of ``legal-path.md`` §0 and ``phase-ii.md`` §0. Where the spec marks a point as an
interpretation, proposal or "verify", the rule reads a setting (``calendar.BudgetStatute``) or says so in its
docstring; ``docs/phase2-decisions.md`` lists the choices.

The armonización's acuerdo/ordenanza goes through the corporation as the plan did (legal-path T8–T15): the
debate guards of ``pdt.py`` are reused as they are (they read ``debates``, ``entity_kind``, ``act_day`` and ``law_day``, which
this snapshot carries), so the gap between debates and the two-debates rule are one code for both acts. So does
the budget's acuerdo/ordenanza (phase-ii.md: "P8 and P16 reuse legal-path.md T8–T16"), and both record the
corporation's sessions while the plan is in force: its extension of an ordinary period and the executive's
convocation to extraordinary sessions (``state_machines.corporation.sessions``, the rows every plan of the entity
reads), with the same forms and evidence as the route's acts of those names.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Callable, Iterable, Mapping

from state_machines.approval.pdt import (
    has_both_debates,
    has_no_committee_debate_yet,
    has_no_plenary_debate_yet,
    is_approved_in_committee,
    is_committee_debate_open,
    is_plenary_debate_open,
    is_plenary_gap_respected,
)
from state_machines.approval.route import Duty
from state_machines.calendar import BudgetStatute
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
from state_machines.corporation.debates import DebateRecord
from state_machines.corporation.sessions import (
    Convocation,
    Corporation,
    SessionRecords,
    convocation_basis,
    convocation_verdict,
    extension_basis,
    extension_basis_of,
    extension_verdict,
    extension_window_open,
    invalidity_basis,
    session_on,
)

EJECUTIVO, PLANEACION, CORPORACION, HACIENDA, CONSEJO, SISTEMA = (
    Role.EJECUTIVO, Role.PLANEACION, Role.CORPORACION, Role.HACIENDA, Role.CONSEJO_DE_GOBIERNO, Role.SISTEMA)


# =============================================================================================================
# The plan indicativo's matrix against the PPI (P2; L152 arts. 29, 36; DNP-PI)
# =============================================================================================================

@dataclass(frozen=True)
class MatrixRow:
    """One line of the plan indicativo: a PPI program/project with its indicator, yearly targets, responsible
    office and yearly cost (the PPI's amounts, all sources)."""

    program: str
    project: str
    indicator: str = ""
    targets: tuple[str, ...] = ()  # one per year of the period
    responsible: str = ""
    costs: tuple[int, ...] = ()  # pesos per year of the period

    @property
    def key(self) -> tuple[str, str]:
        return (" ".join(self.program.split()).casefold(), " ".join(self.project.split()).casefold())


#: DNP-PI («programación anual de las metas»; phase-ii.md P2 «targets per year») (Interpretation): a year's target is
#: the quantity the line's indicator is to reach that year, one for every year of the period: a number as es-CO
#: writes it, «1.250» (a dot between thousands), «12,5» (a comma before decimals), or a percentage, «80 %»; 0 for a
#: year in which the line programs nothing. A word («muchas»), a range or a negative figure is not a target.
TARGET_EXAMPLES = "«1.250», «12,5» u «80 %»"
_TARGET = re.compile(r"(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+))?(?: ?%)?")
_DOT_DECIMAL = re.compile(r"\d+\.(?:\d{1,2}|\d{4,})")


def target_value(text: str) -> Decimal | None:
    """The quantity a target says (``Decimal("1250")`` for «1.250», ``Decimal("80")`` for «80 %»), or None when the
    text is not a target as ``TARGET_EXAMPLES`` writes one."""
    found = _TARGET.fullmatch(" ".join((text or "").split()))
    if found is None:
        return None
    whole, decimals = found.group(1).replace(".", ""), found.group(2)
    return Decimal(f"{whole}.{decimals}" if decimals else whole)


def target_problem(text: str, year: int | str | None = None) -> str | None:
    """Why ``text`` is not a year's target (DNP-PI: a quantity per year), in Spanish, or None. Blank is missing."""
    text = " ".join((text or "").split())
    when = f" de {year}" if year is not None else " del año"
    if not text:
        return f"Escriba la meta{when}: un número (0 si ese año no se programa avance)."
    if target_value(text) is not None:
        return None
    if _DOT_DECIMAL.fullmatch(text):
        whole, _, decimals = text.partition(".")
        return (f"«{text}»: en Colombia los decimales se escriben con coma («{whole},{decimals}») y los miles con "
                "punto («1.250»).")
    return f"«{text}» no es una meta: escriba la cantidad{when} como número, por ejemplo {TARGET_EXAMPLES}."


def _years_said(years: Iterable[str]) -> str:
    years = list(years)
    return years[0] if len(years) == 1 else ", ".join(years[:-1]) + " y " + years[-1]


@dataclass(frozen=True)
class MatrixCheck:
    """The comparison of a plan indicativo matrix with the adopted PPI."""

    added: tuple[tuple[str, str], ...] = ()
    dropped: tuple[tuple[str, str], ...] = ()
    #: (program, project, what the line lacks): indicator, a target for a year of the period, responsible office.
    incomplete: tuple[tuple[str, str, str], ...] = ()
    #: (program, project, the first target that is not a number, as "2028: «muchas»").
    bad_targets: tuple[tuple[str, str, str], ...] = ()
    cost_differences: tuple[tuple[str, str], ...] = ()
    is_empty: bool = False

    @property
    def is_consistent(self) -> bool:
        return not (self.added or self.dropped or self.is_empty)


def _line_gaps(row: MatrixRow, years: tuple[str, ...]) -> tuple[str, str]:
    """What ``row`` lacks (Spanish, "" when nothing) and its first target that is not a number ("" when none)."""
    targets = tuple(row.targets) + ("",) * (len(years) - len(row.targets))
    missing = [y for y, t in zip(years, targets) if not t.strip()]
    wrong = next((f"{y}: «{' '.join(t.split())}»" for y, t in zip(years, targets)
                  if t.strip() and target_value(t) is None), "")
    gaps = [g for g, absent in (("el indicador", not row.indicator.strip()),
                                ("la dependencia responsable", not row.responsible.strip())) if absent]
    if missing:
        gaps.append(f"la meta de {_years_said(missing)}" if len(missing) == 1
                    else f"las metas de {_years_said(missing)}")
    return (", ".join(gaps[:-1]) + " y " + gaps[-1] if len(gaps) > 1 else "".join(gaps)), wrong


def check_matrix(rows: Iterable[MatrixRow], ppi_costs: Mapping[tuple[str, str], tuple[int, ...]],
                 years: Iterable[int] = ()) -> MatrixCheck:
    """L152 arts. 29, 36 and 45; DNP-PI: the plan indicativo breaks the adopted plan into yearly targets; it cannot
    add or drop a program or project of the PPI (only an acuerdo/ordenanza changes the plan). ``ppi_costs``: the
    adopted PPI's (program, project) with its yearly totals, keyed like ``MatrixRow.key``; the displayed names are
    kept for the messages. ``years``: the period's years, one target each (DNP-PI; ``target_problem``); without
    them, one per year of the line's PPI costs ("año 1"…)."""
    rows = list(rows)
    mine = {r.key: r for r in rows}
    ppi = {(" ".join(p.split()).casefold(), " ".join(q.split()).casefold()): (p, q, costs)
           for (p, q), costs in ppi_costs.items()}
    added = tuple((r.program, r.project) for k, r in mine.items() if k not in ppi)
    dropped = tuple((p, q) for k, (p, q, _) in ppi.items() if k not in mine)
    named = tuple(str(y) for y in years)
    incomplete, bad = [], []
    for r in rows:
        count = len(ppi[r.key][2]) if r.key in ppi and ppi[r.key][2] else max(len(r.targets), 1)
        gaps, wrong = _line_gaps(r, named or tuple(f"año {i}" for i in range(1, count + 1)))
        if gaps:
            incomplete.append((r.program, r.project, gaps))
        if wrong:
            bad.append((r.program, r.project, wrong))
    differs = tuple((r.program, r.project) for k, r in mine.items()
                    if k in ppi and r.costs and tuple(r.costs) != tuple(ppi[k][2]))
    return MatrixCheck(added, dropped, tuple(incomplete), tuple(bad), differs, is_empty=not rows)


# =============================================================================================================
# Snapshot
# =============================================================================================================

@dataclass(frozen=True)
class Phase2Snapshot:
    """One Phase II procedure at one moment, with what its guards read of the rest of the plan.

    - ``subject``: "pi", "banco", "armonizacion", "seguimiento", or the vigencia ("2025", "2025-1");
    - ``procedures``: ``"machine:subject" -> state`` of the plan's other Phase II procedures;
    - ``deadlines``: the Phase II terms by map key (``calendar.phase2_deadlines``);
    - ``matrix``: the plan indicativo's comparison with the PPI (P2);
    - ``statute``: the entity's budget statute (D111 art. 59 rule, harmonisation by decree);
    - ``debates``: the harmonisation act's debates in the corporation (L136 art. 73).
    """

    state: str
    today: date
    machine: str = ""
    subject: str = ""
    entity_kind: str = "municipio"
    act_on: date | None = None
    has_evidence: bool = True
    deadlines: Mapping[str, Any] = field(default_factory=dict)
    procedures: Mapping[str, str] = field(default_factory=dict)
    matrix: MatrixCheck | None = None
    statute: BudgetStatute = field(default_factory=BudgetStatute)
    debates: DebateRecord = field(default_factory=DebateRecord)
    #: "bogota" for the Distrito Capital (DL1421 arts. 10, 22: its debates follow its own rule, as on the PDT route).
    special_regime: str | None = None
    #: The procedure's last publication (a PAA's, or its last update's): an update comes after it.
    published_on: date | None = None
    #: Whose sessions, and the extensions and convocations recorded (``is_corporation_in_session``); None where
    #: the act is not the corporation's debate or approval.
    corporation: Corporation | None = None
    session_records: SessionRecords = field(default_factory=SessionRecords)
    #: What a session act brings: a convocation's window and purpose, an extension's days (L136 art. 23).
    convocation: Convocation | None = None
    extension_days: int | None = None
    #: The day of the procedure's last act (or its opening): the earliest day its next act may be dated
    #: (``phase2_act_date_problem``), for listing an act whose term may still be met by an earlier date.
    last_act_on: date | None = None
    #: The Tribunal's ruling on the budget's objection, as the act brings it (``TRIBUNAL_RULINGS``), and whether
    #: the corporation already reconsidered a partly vitiated budget (L136 art. 80 by analogy).
    tribunal_ruling: str | None = None
    is_reconsidered: bool = False

    @property
    def act_day(self) -> date:
        return self.act_on or self.today

    @property
    def law_day(self) -> date:
        """The day whose law governs the debates the guards of ``pdt.py`` check: the act's (a Phase II act is
        always dated inside the period in force)."""
        return self.act_day

    @property
    def year(self) -> int | None:
        head = self.subject.split("-", 1)[0]
        return int(head) if head.isdigit() else None

    def state_of(self, machine: str, subject: str) -> str | None:
        return self.procedures.get(f"{machine}:{subject}")


# =============================================================================================================
# Guards
# =============================================================================================================

PI_APPROVED = frozenset({"pi_approved", "pi_reported"})


PPI_LINES_BASIS = "L152 arts. 29, 36 y 45; DNP-PI"


def ppi_lines_verdict(added, dropped) -> Verdict:
    """L152 arts. 29, 36; DNP-PI: the matrix has the adopted PPI's lines, none added, none dropped (only an acuerdo or
    ordenanza changes the plan, L152 art. 45). Asked by the guard and when the matrix is saved, with one wording."""
    if added:
        return refuse("La matriz agrega líneas que no están en el plan de inversiones adoptado: "
                      + "; ".join(f"{p} / {q}" for p, q in added) + ". El Plan Indicativo no puede agregar metas "
                      "al plan; eso solo lo hace un acuerdo u ordenanza.", PPI_LINES_BASIS)
    if dropped:
        return refuse("La matriz omite líneas del plan de inversiones adoptado: "
                      + "; ".join(f"{p} / {q}" for p, q in dropped) + ". El Plan Indicativo no puede suprimir "
                      "metas del plan.", PPI_LINES_BASIS)
    return OK


def is_matrix_consistent_with_ppi(s: Phase2Snapshot) -> Verdict:
    """L152 arts. 29, 36; DNP-PI: the plan indicativo neither adds nor drops a program or project of the adopted
    PPI (only an acuerdo or ordenanza changes the plan, L152 art. 45); every line has its indicator, a number as
    target for every year of the period (DNP-PI: «programación anual de las metas») and a responsible office."""
    m = s.matrix
    if m is None or m.is_empty:
        return refuse("La matriz del Plan Indicativo está vacía: registre las metas por año de cada programa y "
                      "proyecto del plan de inversiones.", PPI_LINES_BASIS)
    lines = ppi_lines_verdict(m.added, m.dropped)
    if not lines.ok:
        return lines
    if m.bad_targets:
        return refuse("Las metas del Plan Indicativo son la cantidad que cada línea alcanza en cada año, escrita como "
                      f"número ({TARGET_EXAMPLES}); no lo son: "
                      + "; ".join(f"{p} / {q}, {what}" for p, q, what in m.bad_targets) + ".", "L152 art. 29; DNP-PI")
    if m.incomplete:
        return refuse("La matriz programa cada línea con su indicador, una meta por cada año del período y la "
                      "dependencia responsable. Falta "
                      + "; ".join(f"en {p} / {q}: {what}" for p, q, what in m.incomplete) + ".",
                      "L152 art. 29; DNP-PI")
    return OK


def is_pi_consolidated(s: Phase2Snapshot) -> Verdict:
    """DNP-PI; phase-ii.md §1.2 guards ("P3 needs P2"): the Consejo de Gobierno approves a consolidated matrix,
    still consistent with the PPI."""
    return is_matrix_consistent_with_ppi(s)


def is_pi_approved_and_bank_reviewed(s: Phase2Snapshot) -> Verdict:
    """D111 art. 8 ("guardará concordancia" with the investment plan); L152 art. 49 num. 3; D111 art. 68 (analogy:
    only projects registered in the bank); phase-ii.md §1.2 guard P14 (interpretation): the POAI is approved once
    the plan indicativo is approved and the bank of projects updated."""
    if s.state_of("plan_indicativo", "pi") not in PI_APPROVED:
        return refuse("El POAI se elabora desde el Plan Indicativo: primero debe aprobarlo el Consejo de Gobierno.",
                      "D111 art. 8; DNP-PI")
    if s.state_of("project_bank", "banco") != "bank_updated":
        return refuse("El POAI solo incluye proyectos registrados en el banco de programas y proyectos: primero "
                      "registre la actualización del banco.", "L152 art. 49 num. 3; D111 art. 68")
    return OK


def is_poai_approved(s: Phase2Snapshot) -> Verdict:
    """D111 arts. 8, 49 (analogy); L819 art. 5: the budget bill is drafted from the approved POAI of its vigencia."""
    if s.state_of("poai", s.subject) == "poai_approved":
        return OK
    return refuse(f"El presupuesto {s.subject} se elabora con el POAI aprobado de esa vigencia; el POAI aún no está "
                  "aprobado.", "D111 art. 8")


def is_mfmp_ready(s: Phase2Snapshot) -> Verdict:
    """L819 art. 5: the MFMP is presented "en el mismo período en el cual se deba presentar el proyecto de
    presupuesto": it is filed with the bill, so it must exist first."""
    if s.state == "budget_drafted_with_mfmp":
        return OK
    return refuse("El Marco Fiscal de Mediano Plazo debe estar formulado para presentarlo con el proyecto de "
                  "presupuesto.", "L819 art. 5")


def is_budget_decision_term_elapsed(s: Phase2Snapshot) -> Verdict:
    """D111 art. 59 "regirá el proyecto presentado", through the local statute (MH174): only where the entity's
    statute copies the rule, and only from the day after the period and its extension ended without a decision."""
    if not s.statute.copies_d111_art59:
        return refuse("El estatuto de presupuesto de la entidad no copia la regla del Decreto 111 art. 59: el "
                      "alcalde o gobernador no puede expedir por decreto el proyecto presentado.", "D111 art. 59; MH174")
    deadline = s.deadlines.get(f"budget_decision:{s.subject}")
    if deadline is None:
        return refuse("No hay fecha de radicación del presupuesto; no corre el plazo del concejo o asamblea.",
                      "D111 art. 59")
    if s.act_day < deadline.overdue_from:  # the decree's own date, not the day it is typed (QA: 10 Dec 2030)
        return refuse(f"Aún corre el plazo del concejo o asamblea para decidir el presupuesto (hasta el "
                      f"{spanish_date(deadline.latest)}); "
                      f"el proyecto presentado rige por decreto solo desde el {spanish_date(deadline.overdue_from)}.",
                      "D111 art. 59; L136 art. 23", "act_on" if s.act_on is not None else None)
    return OK


def is_within_objection_term(s: Phase2Snapshot) -> Verdict:
    """D111 art. 109: the objection for illegality reaches the Tribunal "dentro de los cinco días siguientes al
    recibo" of the approved bill. The objection's date decides, not the day it is typed (L4-1913 art. 62): listed
    without a date, the act is offered while one dated within the term may still be recorded (its procedure's last
    act came before the term ended), and its form refuses a later date beside that date (QA: an objection sent on
    5 December could not be recorded on the 6th)."""
    deadline = s.deadlines.get(f"budget_objection:{s.subject}")
    if deadline is None:
        return refuse("No hay fecha de recibo del presupuesto aprobado; no puede contarse el término de la objeción.",
                      "D111 art. 109")
    first = s.act_on if s.act_on is not None else s.last_act_on
    if first is not None and first >= deadline.overdue_from:
        return refuse(f"El término para objetar el presupuesto venció el {spanish_date(deadline.latest)} (cinco días "
                      "hábiles desde su recibo).", "D111 art. 109", "act_on" if s.act_on is not None else None)
    return OK


def is_harmonization_by_decree_allowed(s: Phase2Snapshot) -> Verdict:
    """L152 art. 44 ("Las Asambleas y Concejos definirán los procedimientos"); BOG20; C036 (asambleas may not
    delegate budget modifications to the governor): a decree only where the entity's statute allows it (verify)."""
    if s.entity_kind == "departamento":
        return refuse("Una asamblea no puede delegar en el gobernador las modificaciones del presupuesto: la "
                      "armonización va por ordenanza.", "C036; L152 art. 44")
    if s.statute.harmonization_by_decree:
        return OK
    return refuse("El estatuto de presupuesto de la entidad no permite armonizar por decreto: presente el proyecto "
                  "de acuerdo al concejo.", "L152 art. 44; BOG20")


#: The norm that ties each yearly procedure to its year (``is_vigencia_open``).
_VIGENCIA_BASIS = {"annual_report": "L152 art. 43; L136 art. 91 a) 4"}
#: The yearly procedures whose act belongs inside its own year (L1474 art. 74: the plans of «cada año»): one for a
#: closed vigencia is refused (QA, 7 December 2026: the PAA 2024 «publicado el 15 de marzo de 2025»). The annual
#: report is presented in its year on the year before's execution and keeps no upper bound.
_ENDS_WITH_ITS_YEAR = frozenset({"paa", "action_plans"})


def is_vigencia_open(s: Phase2Snapshot) -> Verdict:
    """L1474 art. 74; D1082 art. 2.2.1.1.1.4.3 (interpretation): a yearly act belongs to its vigencia; it is not
    recorded more than one month before its year starts (a plan de compras for 2026 is prepared from December),
    and a plan de compras or the planes de acción not after their year ends."""
    year = s.year
    basis = _VIGENCIA_BASIS.get(s.machine, "L1474 art. 74")
    if year is not None and s.act_day < date(year - 1, 12, 1):
        return refuse(f"Este acto corresponde a la vigencia {year}; se registra desde el 1 de diciembre de "
                      f"{year - 1}.", basis, "act_on")
    if year is not None and s.machine in _ENDS_WITH_ITS_YEAR and s.act_on is not None and s.act_on > date(year, 12, 31):
        # Only against the act's own date: listed today, an act done within its year may still be recorded.
        return refuse(f"La vigencia {year} terminó el 31 de diciembre de {year}: este acto ya no se registra para "
                      "ella.", basis, "act_on")
    return OK


def is_in_its_semester(s: Phase2Snapshot) -> Verdict:
    """L136 art. 91 e) 2 ("por lo menos dos veces al año"; phase-ii.md §2: one per semester, interpretation): the
    semester's meeting is held within it, so one meeting is not recorded as both semesters' (QA, 7 December
    2026). The act's date decides; a meeting recorded after its semester ended goes in."""
    head, _, half = s.subject.partition("-")
    if not head.isdigit() or half not in ("1", "2"):
        return OK
    year = int(head)
    start, end = (date(year, 1, 1), date(year, 6, 30)) if half == "1" else (date(year, 7, 1), date(year, 12, 31))
    if start <= s.act_day and (s.act_on is None or s.act_on <= end):  # listed today: the form asks the date
        return OK
    which = "primer" if half == "1" else "segundo"
    return refuse(f"La rendición de cuentas del {which} semestre de {year} se realiza entre el {spanish_date(start)} "
                  f"y el {spanish_date(end)}: una reunión del {spanish_date(s.act_day)} corresponde a otro semestre.",
                  "L136 art. 91 e) 2", "act_on")


def is_within_vigencia(s: Phase2Snapshot) -> Verdict:
    """D1082 art. 2.2.1.1.1.4.4 ("por lo menos una vez durante su vigencia"): a vigencia's Plan Anual de
    Adquisiciones is updated while its year runs; the act's date decides, so an update made on 31 December and
    recorded in January still goes in, but a closed year's plan is not updated any more."""
    year = s.year
    if s.published_on is not None and s.act_day < s.published_on:  # QA, 7 December 2026: dated a year before
        return refuse(f"La actualización no puede ser anterior a la publicación del plan que actualiza "
                      f"({spanish_date(s.published_on)}).", "D1082 art. 2.2.1.1.1.4.4", "act_on")
    if year is None or s.act_on is None or s.act_on <= date(year, 12, 31):  # listed today: the form asks the date
        return OK
    return refuse(f"La vigencia {year} terminó el 31 de diciembre de {year}: su Plan Anual de Adquisiciones ya no "
                  "se actualiza.", "D1082 art. 2.2.1.1.1.4.4", "act_on")


def is_budget_year_open(s: Phase2Snapshot) -> Verdict:
    """L136 art. 91 a) 3; D111 art. 52: the budget of vigencia V is prepared during V - 1."""
    year = s.year
    if year is None or s.act_day.year >= year - 1:
        return OK
    return refuse(f"El presupuesto {year} se prepara durante {year - 1}.", "L136 art. 91 a) 3")


def is_semester_over(s: Phase2Snapshot) -> Verdict:
    """L715 art. 90 "informe semestral": a semester is evaluated once it ended."""
    year, _, semester = s.subject.partition("-")
    if not (year.isdigit() and semester in ("1", "2")):
        return OK
    end = date(int(year), 6, 30) if semester == "1" else date(int(year), 12, 31)
    if s.act_day > end:
        return OK
    return refuse(f"El semestre {semester} de {year} termina el {spanish_date(end)}; se evalúa después.",
                  "L715 art. 90")


def _for_project(guard: Callable[[Any], Verdict], project: str) -> Callable[[Any], Verdict]:
    """The plan's debate guards (legal-path T10, L136 art. 73), read for a Phase II acuerdo or ordenanza:
    ``project`` names it in their refusals («el proyecto de armonización», «el proyecto de presupuesto»)."""
    def wrapped(s: Any) -> Verdict:
        v = guard(s)
        if v.ok:
            return v
        return refuse(v.reason.replace("aprobar el plan", f"aprobar {project}"), v.legal_basis, v.field)

    wrapped.__doc__ = guard.__doc__
    wrapped.__name__ = wrapped.__qualname__ = guard.__name__
    return wrapped


def _for_harmonization(guard: Callable[[Any], Verdict]) -> Callable[[Any], Verdict]:
    return _for_project(guard, "el proyecto de armonización")


def _for_budget(guard: Callable[[Any], Verdict]) -> Callable[[Any], Verdict]:
    return _for_project(guard, "el proyecto de presupuesto")


def is_corporation_in_session(s: Phase2Snapshot) -> Verdict:
    """L136 arts. 23-24; L2200 arts. 23, 25; DL1421 art. 10 (phase-ii.md: P8 and P16 reuse legal-path T8-T16): the
    harmonisation's debates and approval, and the budget's, take place in sessions: ordinary, their recorded
    extension, or extraordinary sessions convoked (any recorded convocation: the system does not read whether its
    purpose names a Phase II project). A day of recess with none is refused: a session outside the legal
    conditions carece de validez (QA, 7 December 2026: a debate on 20 March accepted in the Concejo's recess).
    Listed without a date, or with an unknown calendar (no category), nothing is asserted."""
    corp = s.corporation
    if corp is None or s.act_on is None:
        return OK
    day = session_on(corp, s.session_records, s.act_on)
    if day.kind in ("ordinary", "extended", "unknown", "convoked", "convoked_other"):
        return OK
    return refuse(f"El {spanish_date(s.act_on)} {corp.name} está en receso (sin sesiones ordinarias, prórroga ni "
                  "sesiones extraordinarias registradas): una sesión en esa fecha carece de validez. Vea el "
                  "calendario de sesiones; registre la prórroga o la convocatoria, o corrija la fecha.",
                  invalidity_basis(corp, s.act_on), "act_on")


#: The Phase II acts that take place in a session of the corporation (``is_corporation_in_session``): the debates
#: and approval of the harmonisation's and the budget's acts, the decision on the harmonisation's objections (L136
#: arts. 78-79) and the reconsideration of a budget the Tribunal found partly vitiated (L136 art. 80, analogy).
IN_SESSION_TRIGGERS = frozenset({"record_committee_debate", "continue_committee_debate", "record_plenary_debate",
                                 "continue_plenary_debate", "approve_harmonization", "approve_budget",
                                 "decide_harmonization_objections", "return_budget_to_tribunal"})
#: The acts that record the corporation's sessions while the plan is in force (the route's acts of the same names):
#: the corporation's extension of an ordinary period and the executive's convocation. They are not steps of the
#: procedure they are recorded from: its order of acts does not bind their dates (``phase2_act_date_problem``).
SESSION_TRIGGERS = frozenset({"extend_sessions", "convoke_sessions"})


def phase2_purpose(machine: str, subject: str) -> str:
    """What a convocation recorded from a Phase II procedure submits to the corporation (its form's first
    wording of the decree's purpose, L136 art. 23 par. 2: "los asuntos que se sometan a su consideración")."""
    if machine == "budget":
        return f"Proyecto de acuerdo u ordenanza de presupuesto de rentas y gastos de la vigencia {subject}"
    return "Proyecto de acuerdo u ordenanza de armonización del presupuesto con el plan de desarrollo"


def is_extension_allowed(s: Phase2Snapshot) -> Verdict:
    """L136 art. 23 par. 1 ("Cada período ordinario podrá ser prorrogado por diez días calendario más, a voluntad
    del respectivo Concejo"); DL1421 art. 10; L56 art. 1 par.; L2200 art. 23 (no extension, ``sessions.
    L2200_ALLOWS_EXTENSION``): the corporation extends, within an ordinary period, that period, once; the
    budget's or harmonisation's debates may then go on in it (QA: Génova's budget approved on 5 December 2028, in
    the extension its terms count, was refused). Listed without a date it is offered around an ordinary period."""
    corp = s.corporation
    if corp is None:
        return OK
    if s.act_on is None:
        if extension_window_open(corp, s.today):
            return OK
        ok, reason, basis, _ = extension_verdict(corp, s.session_records, s.today, 1)
        return refuse(reason if not ok else "Fuera de un período de sesiones ordinarias (o de los diez días "
                      "siguientes) no hay prórroga que registrar.", basis if not ok else extension_basis(corp))
    ok, reason, basis, _ = extension_verdict(corp, s.session_records, s.act_on, s.extension_days)
    return OK if ok else refuse(reason, basis, "extension_days")


def is_convocation_allowed(s: Phase2Snapshot) -> Verdict:
    """L136 art. 23 par. 2; L2200 art. 23 (three months a year); L56 art. 1 (mod. L617 art. 29; one month,
    before 8 February 2022); DL1421 art. 10; L136 art. 78 (five days to decide objections): the executive's
    decree convokes extraordinary sessions with their window and purpose, within the corporation's period and
    its yearly cap. Listed without a date, the form brings them."""
    corp = s.corporation
    if corp is None or s.act_on is None:
        return OK
    ok, reason, basis, field_name = convocation_verdict(corp, s.session_records, s.convocation, s.act_on)
    return OK if ok else refuse(reason, basis, field_name)


def phase2_session_basis(trigger: str, entity_kind: str, special: str | None, on: date,
                         convocation_starts: date | None = None, for_objections: bool = False) -> str:
    """The norm a Phase II session act cites for its entity: an extension the corporation's statute (L136 art. 23
    par. 1; L56 art. 1 par.; DL1421 art. 10), a convocation the statute of its first day (L136 art. 23 par. 2;
    L2200 art. 23 or L56 art. 1; DL1421 art. 10), and a Concejo's convoked to decide objections L136 art. 78."""
    if trigger == "extend_sessions":
        return extension_basis_of(entity_kind, special)
    statute = convocation_basis(entity_kind, convocation_starts or on, special)
    return f"L136 art. 78; {statute}" if for_objections and statute.startswith("L136") else statute


def _debate_acts(in_debate: str, project: Callable[[Callable[[Any], Verdict]], Callable[[Any], Verdict]]
                 ) -> list[Transition]:
    """The committee's and the plenary's debates of an acuerdo or ordenanza in ``in_debate``, each with its
    continuation in another session (legal-path T9, reused by P8 and P16: phase-ii.md §1.2), with the plan's own
    guards read on the procedure's debates (``project``: ``_for_harmonization``, ``_for_budget``)."""
    return [
        Transition(
            trigger="record_committee_debate", source=in_debate, dest=SAME, roles=frozenset({CORPORACION}),
            guards=(is_corporation_in_session,
                    project(has_no_committee_debate_yet), evidence_guard("el acta del primer debate", "L136 art. 73")),
            legal_basis="L136 art. 73; L2200 art. 97", label="Registrar el primer debate en la comisión",
            effects=("debate:committee",),
        ),
        Transition(
            trigger="continue_committee_debate", source=in_debate, dest=SAME, roles=frozenset({CORPORACION}),
            guards=(is_corporation_in_session,
                    project(is_committee_debate_open), evidence_guard("el acta de la sesión", "L136 art. 73")),
            legal_basis="L136 art. 73; L2200 art. 97", label="Registrar otra sesión del primer debate (continuación)",
            effects=("debate:committee_continued",),
        ),
        Transition(
            trigger="record_plenary_debate", source=in_debate, dest=SAME, roles=frozenset({CORPORACION}),
            guards=(is_corporation_in_session,
                    project(is_approved_in_committee), project(has_no_plenary_debate_yet),
                    project(is_plenary_gap_respected), evidence_guard("el acta del segundo debate", "L136 art. 73")),
            legal_basis="L136 art. 73; L2200 art. 97", label="Registrar el segundo debate en la plenaria",
            effects=("debate:plenary",),
        ),
        Transition(
            trigger="continue_plenary_debate", source=in_debate, dest=SAME, roles=frozenset({CORPORACION}),
            guards=(is_corporation_in_session,
                    project(is_plenary_debate_open), evidence_guard("el acta de la sesión plenaria", "L136 art. 73")),
            legal_basis="L136 art. 73; L2200 art. 97", label="Registrar otra sesión del segundo debate (continuación)",
            effects=("debate:plenary_continued",),
        ),
    ]


def _session_acts(convoke_from: tuple[str, ...], extend_from: tuple[str, ...]) -> list[Transition]:
    """The corporation's extension and the executive's convocation, recorded from a Phase II procedure whose act
    goes through the corporation (the route's ``extend_sessions`` and ``convoke_sessions``, same forms)."""
    return [
        Transition(
            trigger="convoke_sessions", source=convoke_from, dest=SAME, roles=frozenset({EJECUTIVO}),
            guards=(is_convocation_allowed,
                    evidence_guard("el decreto de convocatoria a sesiones", "L136 art. 23 par. 2")),
            legal_basis="L136 art. 23 par. 2; L2200 art. 23",
            label="Convocar a sesiones extraordinarias al concejo o asamblea", effects=("record_convocation",),
        ),
        Transition(
            trigger="extend_sessions", source=extend_from, dest=SAME, roles=frozenset({CORPORACION}),
            guards=(is_extension_allowed,
                    evidence_guard("la proposición aprobada que prorroga el período de sesiones",
                                   "L136 art. 23 par. 1")),
            legal_basis="L136 art. 23 par. 1; L2200 art. 23",
            label="Registrar la prórroga del período de sesiones ordinarias", effects=("record_extension",),
        ),
    ]


#: The Tribunal's ruling on the budget's objection (D111 art. 109; L136 art. 80 by analogy), as its form asks it.
TRIBUNAL_RULINGS = {
    "infundadas": "Infundadas: el Tribunal no acoge las objeciones; el presupuesto aprobado se sanciona y liquida",
    "fundadas": "Fundadas: el Tribunal acoge las objeciones; el proyecto aprobado se archiva",
    "parcial": "Parcialmente fundadas: el Tribunal considera el proyecto parcialmente viciado",
}
#: Interpretation (D111 art. 109; L136 art. 80 by analogy): D111 art. 109 says the bill presented on time rules
#: "Mientras el Tribunal decide" and nothing of what follows the ruling. Objections declared founded archive the
#: approved project (L136 art. 80). "presentado": the bill presented on time keeps ruling, issued by the executive's
#: decree (as where the corporation issues no budget, D111 art. 59); "anterior": the previous year's budget is
#: repeated by decree (D111 art. 114: a budget law declared inexequible as a whole leaves the previous year's
#: budget in force, repeated; D111 art. 64).
BUDGET_AFTER_FOUNDED_OBJECTIONS = "presentado"
#: L136 art. 80 by analogy: "Si el tribunal considera parcialmente viciado el proyecto, así lo indicará al Concejo
#: para que se reconsidere. Cumplido este trámite, el proyecto se remitirá de nuevo al Tribunal para fallo
#: definitivo". True: a first partial ruling sends the budget back to the corporation; a definitive one (after the
#: reconsideration) leaves the budget in force in the part not vitiated (D111 art. 115 by analogy). False: the
#: Tribunal's partial ruling is definitive at once.
BUDGET_PARTIAL_RULING_RETURNS = True


def has_tribunal_ruling(s: Phase2Snapshot) -> Verdict:
    """D111 art. 109; L136 art. 80 (analogy): the Tribunal's ruling is recorded with its outcome, which decides
    what follows: objections unfounded, the approved budget is sanctioned; founded, the project is archived;
    partly founded, the corporation reconsiders it (once) before the definitive ruling. Listed without a date, the
    form brings the outcome."""
    if s.tribunal_ruling in TRIBUNAL_RULINGS or s.act_on is None:
        return OK
    return refuse("Indique el sentido del fallo del Tribunal: infundadas, fundadas o parcialmente fundadas las "
                  "objeciones.", "D111 art. 109", "tribunal_ruling")


def _ruled(*outcomes: str) -> Callable[[Phase2Snapshot], bool]:
    def ruled(s: Phase2Snapshot) -> bool:
        return s.tribunal_ruling in outcomes
    return ruled


def _returns_for_reconsideration(s: Phase2Snapshot) -> bool:
    """L136 art. 80 (analogy): a first partial ruling goes back to the Concejo; after its reconsideration the
    ruling is definitive. An ordenanza's Tribunal "decida definitivamente" at once (L2200 art. 101)."""
    return s.tribunal_ruling == "parcial" and BUDGET_PARTIAL_RULING_RETURNS and not s.is_reconsidered \
        and s.entity_kind != "departamento"


# Predicates of conditional effects (soft flags never block).

def _late(key: str) -> Callable[[Phase2Snapshot], bool]:
    def late(s: Phase2Snapshot) -> bool:
        d = s.deadlines.get(key) or s.deadlines.get(f"{key}:{s.subject}")
        return d is not None and s.act_day >= d.overdue_from
    late.__doc__ = f"phase-ii.md §2 ``{key}``: the act comes after its term (a warning, never a block)."
    return late


def has_cost_differences(s: Phase2Snapshot) -> bool:
    """L152 art. 29 (soft, P2): the matrix's yearly costs differ from the PPI's; flagged, not refused."""
    return bool(s.matrix and s.matrix.cost_differences)


# =============================================================================================================
# Machines
# =============================================================================================================

PI_STATES = {
    # In force, the plan indicativo not started (phase-ii.md P1).
    "pi_none": "Plan Indicativo sin iniciar",
    # P1: PDT checked as monitorable, homologation chosen (DNP-PI).
    "pi_preparing": "Plan Indicativo en preparación",
    # P2: the matrix is consolidated and consistent with the PPI (L152 arts. 29, 36).
    "pi_consolidated": "Matriz del Plan Indicativo consolidada",
    # P3: approved by the Consejo de Gobierno (DNP-PI; L152 art. 37 b by analogy).
    "pi_approved": "Plan Indicativo aprobado por el Consejo de Gobierno",
    # P4: loaded in DNP's reporting system (SEED 001: a self-report, not due by law).
    "pi_reported": "Plan Indicativo reportado al DNP",
}
PI_TRANSITIONS = [
    Transition(  # P1
        trigger="prepare_pi", source="pi_none", dest="pi_preparing", roles=frozenset({PLANEACION}), guards=(),
        legal_basis="DNP-PI; L152 art. 29", label="Iniciar la preparación del Plan Indicativo",
        effects=("event:plan_indicativo_preparing",),
    ),
    Transition(  # P2
        trigger="consolidate_pi", source="pi_preparing", dest="pi_consolidated", roles=frozenset({PLANEACION}),
        guards=(is_matrix_consistent_with_ppi,), legal_basis="L152 arts. 29, 36; DNP-PI",
        label="Consolidar la matriz del Plan Indicativo",
        effects=("freeze_pi_matrix", "event:plan_indicativo_consolidated", "flag:pi_cost_differs"),
        effect_when=(("flag:pi_cost_differs", has_cost_differences),),
    ),
    Transition(  # back to preparation: the Consejo asks for changes
        trigger="return_pi", source="pi_consolidated", dest="pi_preparing", roles=frozenset({CONSEJO}),
        guards=(evidence_guard("el acta del Consejo de Gobierno con las observaciones", "DNP-PI"),),
        legal_basis="DNP-PI", label="Devolver la matriz del Plan Indicativo con observaciones",
    ),
    Transition(  # P3
        trigger="approve_pi", source="pi_consolidated", dest="pi_approved", roles=frozenset({CONSEJO}),
        guards=(is_pi_consolidated, evidence_guard("el acta del Consejo de Gobierno que aprueba el Plan Indicativo",
                                                   "DNP-PI")),
        legal_basis="DNP-PI; L152 art. 37 b) (analogía)", label="Aprobar el Plan Indicativo en el Consejo de Gobierno",
        effects=("event:plan_indicativo_approved", "flag:late_pi_approval"),
        effect_when=(("flag:late_pi_approval", _late("pi_approval")),),
    ),
    Transition(  # P4
        trigger="report_pi", source="pi_approved", dest="pi_reported", roles=frozenset({PLANEACION}),
        # phase-ii.md P4: a self-report to the DNP, «not due by law» (SEED 001); L617 art. 79 is the DNP's own
        # evaluation (P23), which the report feeds, not a duty of the entity (QA, 7 December 2026).
        guards=(evidence_guard("la constancia de cargue en el sistema del DNP", "SEED 001"),),
        legal_basis="SEED 001", label="Reportar el Plan Indicativo al DNP",
    ),
]

BANK_STATES = {
    # In force; last year's projects not yet reviewed against the new plan (P5).
    "bank_pending": "Banco de proyectos por actualizar",
    # P5: projects classified (continue / new), SUIFP and MGA checked, new projects registered (L152 art. 49 num. 3).
    "bank_updated": "Banco de proyectos actualizado",
}
BANK_TRANSITIONS = [
    Transition(
        trigger="update_bank", source="bank_pending", dest="bank_updated", roles=frozenset({PLANEACION}),
        guards=(evidence_guard("el informe de revisión del banco (proyectos que continúan y nuevos)",
                               "L152 art. 49 num. 3"),),
        legal_basis="L152 art. 49 num. 3; D111 art. 68; L1474 art. 77",
        label="Registrar la actualización del banco de programas y proyectos",
        effects=("event:project_bank_updated",),
    ),
]

HARM_STATES = {
    # In force: the current budget still carries the old plan's programs (L152 art. 44).
    "harm_pending": "Armonización presupuestal pendiente",
    # P6: old programs and unexecuted balances mapped to the new PPI (SEED 003).
    "harm_in_process": "Armonización presupuestal en proceso",
    # P7: the proyecto de acuerdo/ordenanza is filed with the corporation (L152 art. 44; legal-path T7).
    "harm_filed": "Proyecto de armonización radicado en el concejo o asamblea",
    # legal-path T8: assigned to the committee; debates (L136 art. 73).
    "harm_in_debate": "Proyecto de armonización en debate",
    # P8: approved in second debate (Const. 345 verify; C036).
    "harm_approved": "Armonización aprobada por el concejo o asamblea",
    # legal-path T13: sent to the executive for sanction (L136 art. 76).
    "harm_sanction_pending": "Armonización pendiente de sanción",
    # legal-path T14: objected (L136 arts. 78-80).
    "harm_objected": "Armonización objetada por el alcalde o gobernador",
    # legal-path T14: sanctioned (L136 art. 78).
    "harm_sanctioned": "Acuerdo u ordenanza de armonización sancionado",
    # P7-P8 by decree where the local statute allows it (BOG20; L136 art. 91 g).
    "harm_decreed": "Armonización expedida por decreto",
    # P9: published; the act binds from then (CPACA art. 65; L1474 art. 74).
    "harm_published": "Armonización presupuestal publicada",
}
_HD = _for_harmonization
HARM_TRANSITIONS = [
    Transition(  # P6
        trigger="start_harmonization", source="harm_pending", dest="harm_in_process",
        roles=frozenset({HACIENDA, PLANEACION}), guards=(),
        legal_basis="L152 art. 44", label="Iniciar la armonización del presupuesto con el nuevo plan",
        effects=("event:harmonization_started",),
    ),
    Transition(  # P7 (acuerdo/ordenanza)
        trigger="file_harmonization", source="harm_in_process", dest="harm_filed", roles=frozenset({EJECUTIVO}),
        guards=(evidence_guard("el radicado del proyecto de acuerdo u ordenanza de armonización", "L152 art. 44"),),
        legal_basis="L152 art. 44", label="Radicar el proyecto de acuerdo u ordenanza de armonización",
    ),
    Transition(  # P7-P8 (decree, where the statute allows it)
        trigger="decree_harmonization", source="harm_in_process", dest="harm_decreed", roles=frozenset({EJECUTIVO}),
        guards=(is_harmonization_by_decree_allowed, evidence_guard("el decreto de armonización", "L152 art. 44")),
        legal_basis="L152 art. 44; BOG20; L136 art. 91 g)", label="Expedir el decreto de armonización",
        effects=("event:harmonization_approved", "flag:late_harmonization"),
        effect_when=(("flag:late_harmonization", _late("harmonization")),),
    ),
    Transition(  # legal-path T8
        trigger="assign_harmonization", source="harm_filed", dest="harm_in_debate", roles=frozenset({CORPORACION}),
        guards=(evidence_guard("el acta de reparto a la comisión", "L136 art. 73"),),
        legal_basis="L136 art. 73", label="Repartir el proyecto de armonización a la comisión",
    ),
    *_debate_acts("harm_in_debate", _HD),
    Transition(  # P8
        trigger="approve_harmonization", source="harm_in_debate", dest="harm_approved", roles=frozenset({CORPORACION}),
        guards=(is_corporation_in_session,
                _HD(has_both_debates), evidence_guard("las actas y el texto aprobado", "L136 art. 73")),
        legal_basis="L152 art. 44; L136 art. 73; C036", label="Aprobar la armonización en segundo debate",
        effects=("event:harmonization_approved", "flag:late_harmonization"),
        effect_when=(("flag:late_harmonization", _late("harmonization")),),
    ),
    Transition(  # legal-path T13
        trigger="send_harmonization_for_sanction", source="harm_approved", dest="harm_sanction_pending",
        roles=frozenset({CORPORACION}),
        guards=(evidence_guard("la constancia de remisión para sanción", "L136 art. 76"),),
        legal_basis="L136 art. 76", label="Remitir la armonización aprobada para sanción",
    ),
    Transition(  # legal-path T14
        trigger="sanction_harmonization", source="harm_sanction_pending", dest="harm_sanctioned",
        roles=frozenset({EJECUTIVO}), guards=(evidence_guard("el acuerdo u ordenanza sancionado", "L136 art. 78"),),
        legal_basis="L136 art. 78", label="Sancionar el acuerdo u ordenanza de armonización",
    ),
    Transition(
        trigger="object_harmonization", source="harm_sanction_pending", dest="harm_objected",
        roles=frozenset({EJECUTIVO}), guards=(evidence_guard("el escrito de objeciones", "L136 art. 78"),),
        legal_basis="L136 art. 78", label="Objetar el proyecto de armonización",
    ),
    Transition(
        trigger="decide_harmonization_objections", source="harm_objected", dest="harm_sanction_pending",
        roles=frozenset({CORPORACION}),
        guards=(is_corporation_in_session, evidence_guard("el acta de la decisión sobre las objeciones", "L136 art. 79")),
        legal_basis="L136 arts. 79-80", label="Decidir sobre las objeciones y devolver para sanción",
    ),
    Transition(  # P9
        trigger="publish_harmonization", source=("harm_sanctioned", "harm_decreed"), dest="harm_published",
        roles=frozenset({EJECUTIVO}),
        guards=(evidence_guard("la constancia de publicación del acto y del presupuesto modificado en la web",
                               "L1474 art. 74"),),
        legal_basis="L1474 art. 74 inc. 3; CPACA art. 65; L136 art. 81",
        label="Publicar la armonización presupuestal aprobada",
        effects=("event:harmonization_published", "flag:late_harmonization_publication"),
        effect_when=(("flag:late_harmonization_publication", _late("harmonization_publication")),),
    ),
    # legal-path T7-T14: the corporation sits for the acuerdo/ordenanza in ordinary sessions, their extension or
    # extraordinary sessions convoked (before filing, as the route's convocation may be; and for the objections).
    *_session_acts(convoke_from=("harm_in_process", "harm_filed", "harm_in_debate", "harm_objected"),
                   extend_from=("harm_filed", "harm_in_debate", "harm_approved", "harm_sanction_pending",
                                "harm_objected")),
]

SS_STATES = {
    # In force; the monitoring system is to be designed (DNP-KS).
    "ss_design": "Sistema de seguimiento en diseño",
    # P10: documented: who captures, validates, reports; periodicity; formats; CTP included (DNP-KS; L152 art. 29).
    "ss_designed": "Sistema de seguimiento diseñado",
    # P11: adopted by decreto/resolución (interpretation).
    "ss_adopted": "Sistema de seguimiento adoptado",
    # P12: first periodic progress report produced (L1474 art. 78).
    "ss_running": "Sistema de seguimiento en marcha (primer reporte)",
}
SS_TRANSITIONS = [
    Transition(  # P10
        trigger="design_monitoring", source="ss_design", dest="ss_designed", roles=frozenset({PLANEACION}),
        guards=(evidence_guard("el documento del sistema de seguimiento (roles, periodicidad, formatos)", "DNP-KS"),),
        legal_basis="DNP-KS; L152 arts. 29, 36", label="Registrar el diseño del sistema de seguimiento",
        effects=("event:monitoring_designed",),
    ),
    Transition(  # P11
        trigger="adopt_monitoring", source="ss_designed", dest="ss_adopted", roles=frozenset({EJECUTIVO}),
        guards=(evidence_guard("el decreto o resolución de adopción", "L152 art. 29"),),
        legal_basis="L152 art. 29 (interpretación)", label="Adoptar el sistema de seguimiento por acto administrativo",
        effects=("event:monitoring_system_adopted",),
    ),
    Transition(  # P12
        trigger="first_monitoring_report", source="ss_adopted", dest="ss_running", roles=frozenset({PLANEACION}),
        guards=(evidence_guard("el primer reporte de seguimiento", "L1474 art. 78"),),
        legal_basis="L1474 art. 78", label="Registrar el primer reporte de seguimiento del plan",
        effects=("event:monitoring_first_report",),
    ),
]

POAI_STATES = {
    # The vigencia's POAI is not drafted yet (D111 art. 8).
    "poai_pending": "POAI por elaborar",
    # P14: drafted by planeación from the PI and the bank (D111 art. 8).
    "poai_drafted": "POAI elaborado",
    # P14: approved by the Consejo de Gobierno or COMFIS per the local statute (verify).
    "poai_approved": "POAI aprobado",
}
POAI_TRANSITIONS = [
    Transition(
        trigger="draft_poai", source="poai_pending", dest="poai_drafted", roles=frozenset({PLANEACION}),
        guards=(is_budget_year_open, evidence_guard("el POAI por sectores y programas", "D111 art. 8")),
        legal_basis="D111 art. 8", label="Elaborar el POAI desde el Plan Indicativo y el banco de proyectos",
        effects=("event:poai_drafted",),
    ),
    Transition(
        trigger="approve_poai", source="poai_drafted", dest="poai_approved", roles=frozenset({CONSEJO}),
        guards=(is_pi_approved_and_bank_reviewed, evidence_guard("el acta que aprueba el POAI", "D111 art. 49")),
        legal_basis="D111 arts. 8, 49 (analogía); estatuto local de presupuesto",
        label="Aprobar el POAI (Consejo de Gobierno o COMFIS)",
        effects=("event:poai_approved", "flag:late_poai"), effect_when=(("flag:late_poai", _late("poai_approval")),),
    ),
]

BUDGET_STATES = {
    # The vigencia's budget is not prepared yet.
    "budget_pending": "Presupuesto por preparar",
    # P13 + P15: MFMP formulated and the bill drafted by hacienda (L819 art. 5; D111 art. 52).
    "budget_drafted_with_mfmp": "Anteproyecto de presupuesto y MFMP elaborados",
    # P15: bill filed with the corporation, the MFMP with it (L136 art. 91 a) 3; L819 art. 5).
    "budget_filed": "Proyecto de presupuesto radicado con el MFMP",
    # P16 through legal-path T8: assigned to the committee; its two debates (L136 art. 73; L2200 art. 97).
    "budget_in_debate": "Proyecto de presupuesto en debate",
    # P16: approved in second debate; the executive has its five days to object (D111 art. 109).
    "budget_approved": "Presupuesto aprobado por el concejo o asamblea",
    # P17: objected for illegality; the Tribunal decides; meanwhile the filed bill rules (D111 art. 109).
    "budget_objected": "Presupuesto objetado ante el Tribunal Administrativo",
    # P17: the Tribunal found it partly vitiated: the corporation reconsiders it (L136 art. 80, analogy).
    "budget_reconsideration": "Presupuesto devuelto al concejo o asamblea para reconsiderarlo",
    # P17: objections unfounded (or the definitive partial ruling): the executive sanctions it (L136 art. 80).
    "budget_sanction_due": "Fallo del Tribunal: el presupuesto aprobado debe sancionarse",
    # P17: objections founded: the approved project is archived (L136 art. 80, analogy; D111 art. 109).
    "budget_objection_upheld": "Fallo del Tribunal: objeciones fundadas, proyecto archivado",
    # P16: sanctioned and liquidated, or enacted by decree (D111 art. 59, by local statute): to be published.
    "budget_adopted": "Presupuesto adoptado y liquidado",
    # P16 (legal-path T15): published; an acuerdo or ordenanza binds from its publication (CPACA art. 65).
    "budget_published": "Presupuesto publicado",
}
_BD = _for_budget
BUDGET_TRANSITIONS = [
    Transition(  # P13, P15 (drafting)
        trigger="draft_budget", source="budget_pending", dest="budget_drafted_with_mfmp", roles=frozenset({HACIENDA}),
        guards=(is_budget_year_open, is_poai_approved,
                evidence_guard("el anteproyecto de presupuesto y el Marco Fiscal de Mediano Plazo", "L819 art. 5")),
        legal_basis="L819 art. 5; D111 art. 52", label="Elaborar el anteproyecto de presupuesto y el MFMP",
        effects=("event:mfmp_formulated", "event:budget_drafted"),
    ),
    Transition(  # P13 + P15 (filing)
        trigger="file_budget", source="budget_drafted_with_mfmp", dest="budget_filed", roles=frozenset({EJECUTIVO}),
        guards=(is_mfmp_ready, evidence_guard("el radicado del proyecto de presupuesto con el MFMP",
                                              "L136 art. 91 a) 3")),
        legal_basis="L136 art. 91 a) 3; L819 art. 5; D1333 art. 266",
        label="Radicar el proyecto de presupuesto con el Marco Fiscal de Mediano Plazo",
        effects=("event:mfmp_presented", "event:budget_filed", "flag:late_budget_filing"),
        effect_when=(("flag:late_budget_filing", _late("budget_filing")),),
    ),
    # P16 reuses legal-path T8-T10 (phase-ii.md §1.2 guards): assignment, the committee's and the plenary's debates
    # with the plan's own guards (QA: a budget was approved with no debate recorded), approval in second debate.
    Transition(  # legal-path T8
        trigger="assign_budget", source="budget_filed", dest="budget_in_debate", roles=frozenset({CORPORACION}),
        guards=(evidence_guard("el acta de reparto a la comisión", "L136 art. 73"),),
        legal_basis="L136 art. 73; L2200 art. 97", label="Repartir el proyecto de presupuesto a la comisión",
    ),
    *_debate_acts("budget_in_debate", _BD),
    Transition(  # P16 (corporation): legal-path T10
        trigger="approve_budget", source="budget_in_debate", dest="budget_approved", roles=frozenset({CORPORACION}),
        guards=(is_corporation_in_session, _BD(has_both_debates),
                evidence_guard("el acuerdo u ordenanza de presupuesto aprobado", "L136 art. 73"),),
        legal_basis="L136 art. 73; L2200 art. 97", label="Aprobar el presupuesto en segundo debate",
    ),
    Transition(  # P16 (decree rule, hard): the corporation did not decide in time, debated or not
        trigger="enact_budget_by_decree", source=("budget_filed", "budget_in_debate"), dest="budget_adopted",
        roles=frozenset({EJECUTIVO}),
        guards=(is_budget_decision_term_elapsed, evidence_guard("el decreto que expide el proyecto presentado",
                                                                "D111 art. 59")),
        legal_basis="D111 art. 59; MH174", label="Expedir por decreto el presupuesto presentado (D111 art. 59)",
        effects=("event:budget_adopted",),
    ),
    Transition(  # P17
        trigger="object_budget", source="budget_approved", dest="budget_objected", roles=frozenset({EJECUTIVO}),
        guards=(is_within_objection_term, evidence_guard("el escrito de objeción enviado al Tribunal",
                                                         "D111 art. 109")),
        legal_basis="D111 art. 109", label="Objetar el presupuesto por ilegalidad ante el Tribunal",
    ),
    Transition(  # P17: the ruling's outcome decides what follows; never back to «aprobado» (no second objection)
        trigger="record_tribunal_ruling", source="budget_objected", dest="budget_sanction_due",
        dest_when=(("budget_objection_upheld", _ruled("fundadas")),
                   ("budget_reconsideration", _returns_for_reconsideration)),
        roles=frozenset({EJECUTIVO}),
        guards=(has_tribunal_ruling, evidence_guard("el fallo del Tribunal Administrativo", "D111 art. 109")),
        legal_basis="D111 art. 109; L136 art. 80; L2200 art. 101",
        label="Registrar el fallo del Tribunal sobre la objeción",
        effects=("record_tribunal_ruling",),
    ),
    Transition(  # L136 art. 80 (analogy): reconsidered, back to the Tribunal for its definitive ruling
        trigger="return_budget_to_tribunal", source="budget_reconsideration", dest="budget_objected",
        roles=frozenset({CORPORACION}),
        guards=(is_corporation_in_session,
                evidence_guard("el acta de la reconsideración y la remisión al Tribunal", "L136 art. 80")),
        legal_basis="L136 art. 80; D111 art. 109",
        label="Reconsiderar el presupuesto y remitirlo al Tribunal para el fallo definitivo",
    ),
    Transition(  # P16 (sanction and liquidation), also after the Tribunal found the objections unfounded
        trigger="liquidate_budget", source=("budget_approved", "budget_sanction_due"), dest="budget_adopted",
        roles=frozenset({EJECUTIVO}),
        guards=(evidence_guard("el acto sancionado y el decreto de liquidación", "D111 art. 67"),),
        legal_basis="D111 art. 67; L136 art. 78; L2200 art. 100", label="Sancionar y liquidar el presupuesto",
        effects=("event:budget_adopted",),
    ),
    Transition(  # P16 reuses legal-path T15: the adopted budget published (L136 art. 81), and on the web (L1474 art. 74)
        trigger="publish_budget", source="budget_adopted", dest="budget_published", roles=frozenset({EJECUTIVO}),
        guards=(evidence_guard("la constancia de publicación del presupuesto en el medio oficial y en la página web",
                               "L136 art. 81"),),
        legal_basis="L136 art. 81; CPACA art. 65; L1474 art. 74 inc. 3", label="Publicar el presupuesto adoptado",
        effects=("event:budget_published", "flag:late_budget_publication"),
        effect_when=(("flag:late_budget_publication", _late("budget_publication")),),
    ),
    Transition(  # P17, objections founded (interpretation: ``BUDGET_AFTER_FOUNDED_OBJECTIONS``)
        trigger="enact_presented_budget", source="budget_objection_upheld", dest="budget_adopted",
        roles=frozenset({EJECUTIVO}),
        source_when=(("budget_objection_upheld", lambda: BUDGET_AFTER_FOUNDED_OBJECTIONS == "presentado"),),
        guards=(evidence_guard("el decreto que expide el proyecto presentado oportunamente", "D111 art. 109"),),
        legal_basis="D111 art. 109 (interpretación)",
        label="Expedir por decreto el presupuesto presentado oportunamente (D111 art. 109)",
        effects=("event:budget_adopted",),
    ),
    Transition(  # P17, objections founded (interpretation: ``BUDGET_AFTER_FOUNDED_OBJECTIONS``)
        trigger="repeat_previous_budget", source="budget_objection_upheld", dest="budget_adopted",
        roles=frozenset({EJECUTIVO}),
        source_when=(("budget_objection_upheld", lambda: BUDGET_AFTER_FOUNDED_OBJECTIONS == "anterior"),),
        guards=(evidence_guard("el decreto que repite el presupuesto del año anterior", "D111 art. 64"),),
        legal_basis="D111 arts. 64, 114 (analogía)",
        label="Repetir por decreto el presupuesto del año anterior (D111 art. 114, analogía)",
        effects=("event:budget_adopted",),
    ),
    # The corporation's sessions for the budget's debates and its reconsideration (L136 art. 23; L2200 art. 23).
    *_session_acts(convoke_from=("budget_filed", "budget_in_debate", "budget_reconsideration"),
                   extend_from=("budget_filed", "budget_in_debate", "budget_reconsideration")),
]

PAA_STATES = {
    # The vigencia's Plan Anual de Adquisiciones is not published yet (D1082 2.2.1.1.1.4.3).
    "paa_pending": "Plan Anual de Adquisiciones por publicar",
    # P18: on the web and SECOP (D1082 2.2.1.1.1.4.3; L1474 art. 74); updated at least once a year.
    "paa_published": "Plan Anual de Adquisiciones publicado",
}
PAA_TRANSITIONS = [
    Transition(
        trigger="publish_paa", source="paa_pending", dest="paa_published", roles=frozenset({EJECUTIVO, PLANEACION}),
        guards=(is_vigencia_open, evidence_guard("la constancia de publicación en la web y en el SECOP",
                                                 "D1082 art. 2.2.1.1.1.4.3")),
        legal_basis="D1082 art. 2.2.1.1.1.4.3; L1474 art. 74", label="Publicar el Plan Anual de Adquisiciones",
        effects=("event:paa_published", "record_publication", "flag:late_paa"),
        effect_when=(("flag:late_paa", _late("paa_publication")),),
    ),
    Transition(
        trigger="update_paa", source="paa_published", dest=SAME, roles=frozenset({EJECUTIVO, PLANEACION}),
        guards=(is_within_vigencia,
                evidence_guard("la constancia de publicación de la actualización", "D1082 art. 2.2.1.1.1.4.4")),
        legal_basis="D1082 art. 2.2.1.1.1.4.4", label="Publicar una actualización del Plan Anual de Adquisiciones",
        effects=("record_publication",),
    ),
]

ACCION_STATES = {
    # The vigencia's planes de acción are not approved yet (L152 art. 41).
    "accion_pending": "Planes de acción por aprobar",
    # P19: approved by the Consejo de Gobierno (L152 art. 41).
    "accion_approved": "Planes de acción aprobados por el Consejo de Gobierno",
    # P19: published on the web by 31 January (L1474 art. 74).
    "accion_published": "Planes de acción publicados",
}
ACCION_TRANSITIONS = [
    Transition(
        trigger="approve_action_plans", source="accion_pending", dest="accion_approved", roles=frozenset({CONSEJO}),
        guards=(is_vigencia_open, evidence_guard("el acta del Consejo de Gobierno con los planes de acción",
                                                 "L152 art. 41")),
        legal_basis="L152 art. 41", label="Aprobar los planes de acción de las dependencias",
    ),
    Transition(
        trigger="publish_action_plans", source="accion_approved", dest="accion_published",
        roles=frozenset({EJECUTIVO, PLANEACION}),
        guards=(is_vigencia_open, evidence_guard("la constancia de publicación en la página web", "L1474 art. 74")),
        legal_basis="L1474 art. 74", label="Publicar los planes de acción",
        effects=("flag:late_action_plans",), effect_when=(("flag:late_action_plans", _late("accion_publication")),),
    ),
]

REPORT_STATES = {
    # The year's informe anual de ejecución is due (L152 art. 43).
    "report_due": "Informe anual de ejecución por presentar",
    # P20: presented to the corporation (L136 art. 91 a) 4; L152 art. 43).
    "report_presented": "Informe anual presentado al concejo o asamblea",
}
REPORT_TRANSITIONS = [
    Transition(
        trigger="present_annual_report", source="report_due", dest="report_presented", roles=frozenset({EJECUTIVO}),
        guards=(is_vigencia_open, evidence_guard("el informe y la constancia de su presentación",
                                                 "L136 art. 91 a) 4")),
        legal_basis="L152 art. 43; L136 art. 91 a) 4", label="Presentar el informe anual de ejecución del plan",
        effects=("flag:late_annual_report",), effect_when=(("flag:late_annual_report", _late("annual_report")),),
    ),
]

CITIZEN_STATES = {
    # The semester's meeting with ediles, organisations and veedurías is due (L136 art. 91 e) 2).
    "citizen_due": "Rendición de cuentas del semestre por realizar",
    # P21: held, with its acta (L1474 art. 78).
    "citizen_held": "Rendición de cuentas del semestre realizada",
}
CITIZEN_TRANSITIONS = [
    Transition(
        trigger="hold_citizen_report", source="citizen_due", dest="citizen_held", roles=frozenset({EJECUTIVO}),
        guards=(is_in_its_semester, evidence_guard("el acta de la reunión", "L136 art. 91 e) 2")),
        legal_basis="L136 art. 91 e) 2; L1474 art. 78", label="Registrar la rendición de cuentas del semestre",
    ),
]

DEPT_EVAL_STATES = {
    # The semester's evaluation of the department's municipios is due (L715 art. 90).
    "eval_due": "Evaluación semestral de los municipios por publicar",
    # P22: published, copy to DNP (L715 art. 90; L152 art. 42).
    "eval_published": "Evaluación semestral de los municipios publicada",
}
DEPT_EVAL_TRANSITIONS = [
    Transition(
        trigger="publish_dept_evaluation", source="eval_due", dest="eval_published", roles=frozenset({PLANEACION}),
        guards=(is_semester_over, evidence_guard("la evaluación publicada y la copia al DNP", "L715 art. 90")),
        legal_basis="L715 art. 90; L152 art. 42", label="Publicar la evaluación semestral de los municipios",
    ),
]

PLAN_INDICATIVO_MACHINE = LegalMachine("plan_indicativo", PI_STATES, "pi_none", PI_TRANSITIONS,
                                       final_states={"pi_reported"})
PROJECT_BANK_MACHINE = LegalMachine("project_bank", BANK_STATES, "bank_pending", BANK_TRANSITIONS,
                                    final_states={"bank_updated"})
HARMONIZATION_MACHINE = LegalMachine("harmonization", HARM_STATES, "harm_pending", HARM_TRANSITIONS,
                                     final_states={"harm_published"})
MONITORING_MACHINE = LegalMachine("monitoring_system", SS_STATES, "ss_design", SS_TRANSITIONS,
                                  final_states={"ss_running"})
POAI_MACHINE = LegalMachine("poai", POAI_STATES, "poai_pending", POAI_TRANSITIONS, final_states={"poai_approved"})
BUDGET_MACHINE = LegalMachine("budget", BUDGET_STATES, "budget_pending", BUDGET_TRANSITIONS,
                              final_states={"budget_published"})
PAA_MACHINE = LegalMachine("paa", PAA_STATES, "paa_pending", PAA_TRANSITIONS, final_states=())
ACCION_MACHINE = LegalMachine("action_plans", ACCION_STATES, "accion_pending", ACCION_TRANSITIONS,
                              final_states={"accion_published"})
ANNUAL_REPORT_MACHINE = LegalMachine("annual_report", REPORT_STATES, "report_due", REPORT_TRANSITIONS,
                                     final_states={"report_presented"})
CITIZEN_REPORT_MACHINE = LegalMachine("citizen_report", CITIZEN_STATES, "citizen_due", CITIZEN_TRANSITIONS,
                                      final_states={"citizen_held"})
DEPT_EVALUATION_MACHINE = LegalMachine("dept_evaluation", DEPT_EVAL_STATES, "eval_due", DEPT_EVAL_TRANSITIONS,
                                       final_states={"eval_published"})

PHASE2_MACHINES: dict[str, LegalMachine] = {m.name: m for m in (
    PLAN_INDICATIVO_MACHINE, PROJECT_BANK_MACHINE, HARMONIZATION_MACHINE, MONITORING_MACHINE, POAI_MACHINE,
    BUDGET_MACHINE, PAA_MACHINE, ACCION_MACHINE, ANNUAL_REPORT_MACHINE, CITIZEN_REPORT_MACHINE,
    DEPT_EVALUATION_MACHINE)}

#: (machine, state) in which the corporation may sit for a Phase II act: its sessions may be recorded from there.
IN_SESSION_STATES = frozenset((m.name, state) for m in (HARMONIZATION_MACHINE, BUDGET_MACHINE)
                              for t in m.transitions if t.trigger in SESSION_TRIGGERS for state in t.sources)

#: Spanish names of the procedures, for pages.
PHASE2_TITLES = {
    "plan_indicativo": "Plan Indicativo",
    "project_bank": "Banco de programas y proyectos",
    "harmonization": "Armonización presupuestal",
    "monitoring_system": "Sistema de seguimiento al plan",
    "poai": "Plan Operativo Anual de Inversiones (POAI)",
    "budget": "Presupuesto y Marco Fiscal de Mediano Plazo",
    "paa": "Plan Anual de Adquisiciones (plan de compras)",
    "action_plans": "Planes de acción",
    "annual_report": "Informe anual de ejecución",
    "citizen_report": "Rendición de cuentas semestral",
    "dept_evaluation": "Evaluación semestral de los municipios",
}

def phase2_title(machine: str, subject: str) -> str:
    """"Plan Indicativo", "Presupuesto y Marco Fiscal de Mediano Plazo 2029", "Rendición de cuentas semestral,
    primer semestre de 2028"."""
    year, _, semester = subject.partition("-")
    if not year.isdigit():
        return PHASE2_TITLES[machine]
    if semester:
        return f"{PHASE2_TITLES[machine]}, {'primer' if semester == '1' else 'segundo'} semestre de {year}"
    if machine == "annual_report":  # presented in ``year``, on the year before's execution (L136 art. 91 a) 4)
        return f"{PHASE2_TITLES[machine]}, presentado en {year}"
    return f"{PHASE2_TITLES[machine]} {year}"


#: Each act's step of phase-ii.md §1.2 (P1–P22), cited with its norm when an act must come first.
PHASE2_STEPS = {
    "prepare_pi": "P1", "consolidate_pi": "P2", "return_pi": "P3", "approve_pi": "P3", "report_pi": "P4",
    "update_bank": "P5", "start_harmonization": "P6", "file_harmonization": "P7", "decree_harmonization": "P7-P8",
    # P8 reuses legal-path T8-T14 for the harmonisation's acuerdo or ordenanza (phase-ii.md §1.2, guards).
    "assign_harmonization": "P8", "record_committee_debate": "P8", "continue_committee_debate": "P8",
    "record_plenary_debate": "P8", "continue_plenary_debate": "P8", "approve_harmonization": "P8",
    "send_harmonization_for_sanction": "P8", "sanction_harmonization": "P8", "object_harmonization": "P8",
    "decide_harmonization_objections": "P8", "publish_harmonization": "P9", "design_monitoring": "P10",
    "adopt_monitoring": "P11", "first_monitoring_report": "P12", "draft_poai": "P14", "approve_poai": "P14",
    "draft_budget": "P13, P15", "file_budget": "P13, P15", "approve_budget": "P16", "enact_budget_by_decree": "P16",
    "liquidate_budget": "P16", "publish_budget": "P16", "object_budget": "P17", "record_tribunal_ruling": "P17",
    "publish_paa": "P18", "update_paa": "P18", "approve_action_plans": "P19", "publish_action_plans": "P19",
    "present_annual_report": "P20", "hold_citizen_report": "P21", "publish_dept_evaluation": "P22",
}


def _cited(t: Transition) -> str:
    step = PHASE2_STEPS.get(t.trigger)
    return f"{step}; {t.legal_basis}" if step else t.legal_basis


def _as_step(t: Transition) -> str:
    return t.label[:1].lower() + t.label[1:]


def phase2_state_refusal(machine: LegalMachine, trigger: str, state: str) -> tuple[str, str] | None:
    """phase-ii.md §1.2 (each step's norm in its table): why a Phase II act does not proceed from its procedure's
    state, said as the route says it: what must come first, with its step and norm, and what comes next from here
    (QA: approving the Plan Indicativo before its consolidation, filing the budget before drafting it, publishing
    the planes de acción before their approval only said «no procede en el estado actual»). None for an unknown
    act. (reason, norm)."""
    rows = [t for t in machine.transitions if t.trigger == trigger]
    if not rows:
        return None
    act, where = rows[0].label, machine.label(state)
    way = machine.steps_towards(state, trigger)
    if way is None:
        return (f"«{act}» ya no procede: el trámite está en «{where}» y desde ahí su ruta no vuelve a ese paso.",
                _cited(rows[0]))
    needed, first = way
    text = f"Para «{act}», primero hay que " + " o ".join(f"{_as_step(t)} ({_cited(t)})" for t in needed) + "."
    text += f" El trámite está en «{where}»"
    if first and not set(first) <= set(needed):
        text += ": lo siguiente es " + " o ".join(_as_step(t) for t in first)
    return text + ".", "; ".join(dict.fromkeys(_cited(t) for t in needed))


for _machine in PHASE2_MACHINES.values():
    _machine.explain_state = (lambda m: lambda trigger, state: phase2_state_refusal(m, trigger, state))(_machine)


#: The order in which a plan's Phase II reads, for "what comes next" (phase-ii.md §1.1 interruptors).
PHASE2_ORDER = ("plan_indicativo", "project_bank", "harmonization", "monitoring_system", "poai", "budget", "paa",
                "action_plans", "annual_report", "citizen_report", "dept_evaluation")


#: P21 (phase-ii.md §1.1, actor "alcalde"): the semester's meeting with ediles, social organisations and veedurías
#: is a mayor's function (L136 art. 91 e) 2, as replaced by L1551 art. 29: "convocar por lo menos dos veces al año a
#: ediles…"), the municipal regime; a department has no ediles and L2200 writes no such meeting. A governor's
#: rendición de cuentas (L1474 art. 78, "de manera permanente") has no semester term in the sources, so
#: departments open none. Set True to open it for them too (as before this rule was written down).
CITIZEN_REPORT_FOR_DEPARTMENTS = False


def procedure_last_act(machine: str, data: Mapping[str, Any], trigger: str | None = None
                       ) -> tuple[date, str | None] | None:
    """The day of a Phase II procedure's last act and its trigger (None: its opening, the day the plan entered into
    force), or None when nothing is recorded. The session acts (``SESSION_TRIGGERS``) are not steps of the
    procedure: they do not count, and one of them (``trigger``) is only bound by the opening."""
    days = [(date.fromisoformat(data["opened_on"]), None)] if data.get("opened_on") else []
    if trigger not in SESSION_TRIGGERS:
        days += [(date.fromisoformat(data[f"{t}_on"]), t) for t in PHASE2_MACHINES[machine].triggers
                 if t not in SESSION_TRIGGERS and isinstance(data.get(f"{t}_on"), str)]
    return max(days, key=lambda d: d[0]) if days else None


def phase2_act_date_problem(machine: str, data: Mapping[str, Any], act_on: date, trigger: str | None = None
                            ) -> str | None:
    """Legal-path T16; phase-ii.md §1.2 ("All start at in_force"): a Phase II act is not dated before the plan
    entered into force (the procedure's ``opened_on``), nor before the procedure's own last act (its steps follow
    one another: a plan de acción is published after its approval). The reason, or None. (QA, 7 December 2026:
    a plan indicativo begun a week before the plan was in force, a plan de acción published three years before
    its approval.) ``trigger``: the act dated; a session act is bound by the entry into force only."""
    found = procedure_last_act(machine, data, trigger)
    if found is None:
        return None
    last, last_trigger = found
    if act_on >= last:
        return None
    if last_trigger is None:
        return (f"La fecha del acto es anterior a la entrada en vigencia del plan ({spanish_date(last)}): la fase "
                "de ejecución empieza con ella.")
    label = next(t.label for t in PHASE2_MACHINES[machine].transitions if t.trigger == last_trigger)
    return f"La fecha del acto es anterior al último acto registrado en este trámite («{label}», {spanish_date(last)})."


def phase2_opening(entity_kind: str, in_force_on: date, period_start: date) -> list[tuple[str, str, dict]]:
    """The procedures Phase II opens when the plan enters into force (legal-path T16; phase-ii.md §1.2 "All start
    at in_force"): the four single ones, and the yearly ones for every vigencia of the period from the year in
    force (budgets for the following year; semesters; the department's evaluation only for departamentos).
    Returns (machine, subject, data). Year 1's planes de acción predate the PDT: they open with ``align`` set
    (phase-ii.md §2, interpretation)."""
    first, last = in_force_on.year, period_start.year + 3
    out: list[tuple[str, str, dict]] = [("plan_indicativo", "pi", {}), ("project_bank", "banco", {}),
                                        ("harmonization", "armonizacion", {}), ("monitoring_system", "seguimiento", {})]
    for year in range(first, last + 1):
        out.append(("poai", str(year + 1), {}))
        out.append(("budget", str(year + 1), {}))
        out.append(("paa", str(year), {"align": True} if date(year, 1, 31) < in_force_on else {}))
        out.append(("action_plans", str(year), {"align": True} if date(year, 1, 31) < in_force_on else {}))
        if year > first:
            out.append(("annual_report", str(year), {}))  # the year before's informe, in the year's first session
        for semester, end in ((1, date(year, 6, 30)), (2, date(year, 12, 31))):
            if end >= in_force_on:
                if entity_kind != "departamento" or CITIZEN_REPORT_FOR_DEPARTMENTS:
                    out.append(("citizen_report", f"{year}-{semester}", {}))
                if entity_kind == "departamento":
                    out.append(("dept_evaluation", f"{year}-{semester}", {}))
    return out


# =============================================================================================================
# Duties: whose term each pending Phase II step is (reminders and escalation, as route.DUTIES for Phase I)
# =============================================================================================================

@dataclass(frozen=True)
class Phase2Duty:
    """A Phase II term pending while its procedure is in ``duty.pending_states``; yearly terms take the
    procedure's subject as the deadline's suffix (``paa_publication:2026``)."""

    machine: str
    duty: Duty
    is_yearly: bool = True

    def deadline_key_for(self, subject: str) -> str:
        return f"{self.duty.deadline_key}:{subject}" if self.is_yearly else self.duty.deadline_key


def _duty(machine: str, key: str, states: Iterable[str], roles: Iterable[Role], label: str, basis: str,
          yearly: bool = True) -> Phase2Duty:
    return Phase2Duty(machine, Duty(key, frozenset(states), frozenset(roles), label, basis), yearly)


PHASE2_DUTIES: tuple[Phase2Duty, ...] = (
    _duty("plan_indicativo", "pi_approval", ("pi_none", "pi_preparing", "pi_consolidated"), (PLANEACION, CONSEJO),
          "Aprobar el Plan Indicativo en el Consejo de Gobierno (meta configurable)", "DNP-PI", yearly=False),
    _duty("harmonization", "harmonization", ("harm_pending", "harm_in_process", "harm_filed", "harm_in_debate"),
          (HACIENDA, EJECUTIVO, CORPORACION), "Aprobar la armonización del presupuesto con el nuevo plan",
          "L152 art. 44; D111 art. 14", yearly=False),
    _duty("harmonization", "harmonization_publication", ("harm_sanctioned", "harm_decreed"), (EJECUTIVO,),
          "Publicar la armonización presupuestal aprobada", "L136 art. 81; L1474 art. 74", yearly=False),
    _duty("poai", "poai_approval", ("poai_pending", "poai_drafted"), (PLANEACION, CONSEJO),
          "Aprobar el POAI antes de radicar el presupuesto", "D111 art. 8"),
    _duty("budget", "budget_filing", ("budget_pending", "budget_drafted_with_mfmp"), (HACIENDA, EJECUTIVO),
          "Radicar el proyecto de presupuesto con el Marco Fiscal de Mediano Plazo", "L136 art. 91 a) 3; L819 art. 5"),
    _duty("budget", "budget_repetition", ("budget_pending", "budget_drafted_with_mfmp"), (EJECUTIVO,),
          "Repetir por decreto el presupuesto anterior si el nuevo no se radicó", "D111 art. 64"),
    _duty("budget", "budget_decision", ("budget_filed", "budget_in_debate"), (CORPORACION,),
          "Decidir el proyecto de presupuesto en el concejo o asamblea", "L136 art. 23; D111 art. 59"),
    _duty("budget", "budget_objection", ("budget_approved",), (EJECUTIVO,),
          "Sancionar el presupuesto o enviar su objeción al Tribunal", "D111 art. 109"),
    _duty("budget", "budget_ruling_sanction", ("budget_sanction_due",), (EJECUTIVO,),
          "Sancionar y liquidar el presupuesto tras el fallo del Tribunal",
          "D111 art. 109; tres días por analogía con L136 art. 80"),
    _duty("budget", "budget_publication", ("budget_adopted",), (EJECUTIVO,),
          "Publicar el presupuesto adoptado", "L136 art. 81; CPACA art. 65; L1474 art. 74 inc. 3"),
    _duty("paa", "paa_publication", ("paa_pending",), (EJECUTIVO, PLANEACION),
          "Publicar el Plan Anual de Adquisiciones en la web y en el SECOP", "D1082 art. 2.2.1.1.1.4.3"),
    _duty("action_plans", "accion_publication", ("accion_pending", "accion_approved"), (PLANEACION, CONSEJO),
          "Publicar los planes de acción de las dependencias", "L1474 art. 74"),
    _duty("annual_report", "annual_report", ("report_due",), (EJECUTIVO,),
          "Presentar el informe anual de ejecución del plan", "L136 art. 91 a) 4"),
    _duty("citizen_report", "citizen_report", ("citizen_due",), (EJECUTIVO,),
          "Rendir cuentas del semestre a ediles, organizaciones y veedurías", "L136 art. 91 e) 2"),
    _duty("dept_evaluation", "dept_evaluation", ("eval_due",), (PLANEACION,),
          "Publicar la evaluación semestral de los municipios", "L715 art. 90"),
)


#: Each Phase II term by its deadline key (``budget_filing``; yearly ones read ``budget_filing:2029``).
PHASE2_DUTY_BY_KEY: dict[str, Phase2Duty] = {pd.duty.deadline_key: pd for pd in PHASE2_DUTIES}


def phase2_step(step_key: str | None) -> tuple[Phase2Duty, str | None] | None:
    """The Phase II term a notice's ``step_key`` names, with the subject of its yearly procedure (``2029``,
    ``2029-1``); None for any other key (the route's duties, ``route.DUTY_BY_KEY``)."""
    key, _, subject = (step_key or "").partition(":")
    pd = PHASE2_DUTY_BY_KEY.get(key)
    if pd is None:
        return None
    return pd, (subject if pd.is_yearly else None)


def phase2_step_done(step_key: str | None, procedure_state: str | None) -> bool | None:
    """Whether the Phase II term ``step_key`` names is no longer owed, from its procedure's state: its act was
    recorded, or the procedure moved past it (the notification centre's «Atendida», the daily digest). None when
    the key is not a Phase II term; False when its procedure is unknown (nothing says it was done)."""
    found = phase2_step(step_key)
    if found is None:
        return None
    return procedure_state is not None and procedure_state not in found[0].duty.pending_states


def phase2_procedure_state(step_key: str | None, procedures: Iterable[Any]) -> str | None:
    """The state of the procedure whose term ``step_key`` names, among a plan's ``procedures``."""
    found = phase2_step(step_key)
    if found is None:
        return None
    pd, subject = found
    return next((p.state for p in procedures
                 if p.machine == pd.machine and (subject is None or p.subject == subject)), None)


def phase2_pending(procedures: Iterable[Any], deadlines: Mapping[str, Any]) -> list[tuple[Any, Phase2Duty, Any]]:
    """(deadline, duty, procedure) for every Phase II term still pending: its procedure is in a pending state
    and the calendar knows the term (a budget's decision term exists once the bill is filed)."""
    out = []
    for proc in procedures:
        for pd in PHASE2_DUTIES:
            if pd.machine != proc.machine or proc.state not in pd.duty.pending_states:
                continue
            deadline = deadlines.get(pd.deadline_key_for(proc.subject))
            if deadline is not None:
                out.append((deadline, pd, proc))
    return sorted(out, key=lambda item: (item[0].act_by, item[1].machine))
