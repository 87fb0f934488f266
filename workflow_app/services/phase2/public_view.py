"""What the public portal shows of a plan's Phase II (issue 21): the plan indicativo once consolidated, the budget
harmonisation with its route through the corporation, and the published plans de compras."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from state_machines.core.wording import localize
from state_machines.phase2 import PHASE2_MACHINES, MatrixRow
from workflow_app.models import Plan
from workflow_app.services.phase2.procedures import matrix_rows
from workflow_app.services.route.ppi import plan_years

PUBLIC_PI_STATES = frozenset({"pi_consolidated", "pi_approved", "pi_reported"})


@dataclass(frozen=True)
class PublicPhase2:
    pi_state: str
    pi_approved_on: date | None
    matrix: tuple[MatrixRow, ...]
    years: tuple[int, ...]  # the period's years, one target each (DNP-PI)
    harmonization_state: str
    harmonization_steps: tuple[tuple[str, date], ...]  # (what, when) in order
    purchase_plans: tuple[tuple[str, tuple[date, ...]], ...]  # (vigencia, publication dates)
    budgets: tuple[tuple[str, str], ...]  # (vigencia, state label)


_HARM_STEPS = (("start_harmonization_on", "Inicio de la armonización"),
               ("file_harmonization_on", "Proyecto radicado en el concejo o asamblea"),
               ("record_committee_debate_on", "Primer debate en comisión"),
               ("record_plenary_debate_on", "Segundo debate en plenaria"),
               ("approve_harmonization_on", "Aprobación"),
               ("decree_harmonization_on", "Decreto de armonización"),
               ("sanction_harmonization_on", "Sanción"),
               ("publish_harmonization_on", "Publicación"))


def _day(value) -> date | None:
    return date.fromisoformat(value) if value else None


def public_phase2(plan: Plan) -> PublicPhase2 | None:
    procs = {(p.machine, p.subject): p for p in plan.procedures if p.machine in PHASE2_MACHINES}
    pi = procs.get(("plan_indicativo", "pi"))
    if pi is None:
        return None
    harm = procs.get(("harmonization", "armonizacion"))
    harm_data = (harm.data or {}) if harm else {}
    wording = plan.entity.wording  # «el Concejo de Génova», not the tables' «concejo o asamblea»
    steps = tuple((localize(label, wording), _day(harm_data[key])) for key, label in _HARM_STEPS
                  if harm_data.get(key))
    paa = tuple(sorted((subject, tuple(date.fromisoformat(d) for d in (p.data or {}).get("publications", ())))
                       for (machine, subject), p in procs.items() if machine == "paa" and p.state == "paa_published"))
    budgets = tuple(sorted((subject, localize(PHASE2_MACHINES["budget"].label(p.state), wording))
                           for (machine, subject), p in procs.items()
                           if machine == "budget" and p.state != "budget_pending"))
    return PublicPhase2(
        pi_state=PHASE2_MACHINES["plan_indicativo"].label(pi.state),
        pi_approved_on=_day((pi.data or {}).get("approve_pi_on")),
        matrix=tuple(matrix_rows(pi)) if pi.state in PUBLIC_PI_STATES else (),
        years=tuple(plan_years(plan)),
        harmonization_state=localize(PHASE2_MACHINES["harmonization"].label(harm.state), wording) if harm else "",
        harmonization_steps=steps, purchase_plans=paa, budgets=budgets)
