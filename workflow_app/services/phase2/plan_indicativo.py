"""The plan indicativo's matrix (phase-ii.md P2): one line per program/project of the adopted PPI, with its indicator,
yearly targets and responsible office; the costs are the PPI's own, so the matrix cannot drift from it."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy.orm import Session

from state_machines.phase2 import TARGET_EXAMPLES, MatrixCheck, MatrixRow, check_matrix, ppi_lines_verdict
from workflow_app.models import Plan, Procedure, User, recorded_now
from workflow_app.services.phase2.procedures import matrix_rows, ppi_costs
from workflow_app.services.route.ppi import plan_years

EDITABLE_STATES = frozenset({"pi_none", "pi_preparing"})


class MatrixRefused(Exception):
    """A refused matrix (Spanish message and norm); nothing was written."""

    def __init__(self, message: str, legal_basis: str = "", status: int = 409):
        super().__init__(message)
        self.message, self.legal_basis, self.status = message, legal_basis, status


@dataclass(frozen=True)
class MatrixLine:
    program: str
    project: str
    indicator: str
    targets: tuple[str, ...]
    responsible: str
    costs: tuple[int, ...]


def pi_procedure(plan: Plan) -> Procedure | None:
    return next((p for p in plan.procedures if p.machine == "plan_indicativo"), None)


def matrix_lines(session: Session, plan: Plan) -> tuple[list[MatrixLine], list[int]]:
    """The matrix as the form shows it: every PPI line, with what was saved for it; and the period's years."""
    years = list(plan_years(plan))
    saved = {r.key: r for r in matrix_rows(pi_procedure(plan))}
    lines = []
    for (program, project), costs in sorted(ppi_costs(session, plan).items()):
        row = saved.get(MatrixRow(program, project).key)
        targets = tuple(row.targets) if row else ()
        lines.append(MatrixLine(program, project, row.indicator if row else "",
                                tuple(targets) + ("",) * (len(years) - len(targets)),
                                row.responsible if row else "", costs))
    return lines, years


def matrix_check(session: Session, plan: Plan) -> MatrixCheck:
    """The saved matrix as the consolidation's guard reads it (what is still missing before consolidating)."""
    return check_matrix(matrix_rows(pi_procedure(plan)), ppi_costs(session, plan), plan_years(plan))


def save_matrix(session: Session, plan: Plan, rows: list[MatrixRow], actor: User | None) -> None:
    """Keep the matrix on the plan indicativo's procedure while it is being prepared. A line that is not in the
    adopted PPI, or a PPI line left out, is refused (L152 arts. 29, 36, 45; DNP-PI); costs come from the PPI."""
    proc = pi_procedure(plan)
    if proc is None:
        raise MatrixRefused("El plan aún no está vigente: la Fase II no ha empezado.", "CPACA art. 65", 404)
    if proc.state not in EDITABLE_STATES:
        raise MatrixRefused("La matriz ya fue consolidada; el Consejo de Gobierno puede devolverla con observaciones "
                            "para corregirla.", "DNP-PI")
    costs = ppi_costs(session, plan)
    by_key = {MatrixRow(p, q).key: c for (p, q), c in costs.items()}
    rows = [MatrixRow(r.program, r.project, r.indicator.strip(), tuple(t.strip() for t in r.targets),
                      r.responsible.strip(), by_key.get(r.key, ())) for r in rows]
    check = check_matrix(rows, costs, plan_years(plan))
    lines = ppi_lines_verdict(check.added, check.dropped)  # the guard's own rule and words
    if not lines.ok:
        raise MatrixRefused(lines.reason, lines.legal_basis)
    if check.bad_targets:  # a blank year may wait for the next save; a word never becomes a target (DNP-PI)
        raise MatrixRefused("Las metas son cantidades por año, escritas como número (" + TARGET_EXAMPLES + "); no lo "
                            "son: " + "; ".join(f"{p} / {q}, {what}" for p, q, what in check.bad_targets) + ".",
                            "L152 art. 29; DNP-PI", 422)
    proc.data = {**(proc.data or {}), "matrix": [
        {"program": r.program, "project": r.project, "indicator": r.indicator, "targets": list(r.targets),
         "responsible": r.responsible, "costs": list(r.costs)} for r in rows],
        "matrix_saved_at": recorded_now().isoformat(),
        "matrix_saved_by": actor.name if actor else None}
    plan.updated_at = datetime.now(timezone.utc)  # moves the plan's version: forms opened before are stale
    session.commit()
