"""What the public portal shows of a plan's Phase II (issue 21): the plan indicativo once consolidated, the budget
harmonisation with its route through the corporation, each vigencia's budget and how it was adopted, and what the
law orders published or reported to the citizens: the plans de compras and planes de acción (L1474 art. 74; L1712
art. 9 b, e), the informe anual de ejecución and the semester's rendición de cuentas (L1712 art. 11 e; L1474 art.
78; L136 art. 91 a) 4, e) 2), a department's evaluation of its municipios (L715 art. 90)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from state_machines.core.wording import localize
from state_machines.phase2 import PHASE2_MACHINES, MatrixRow, phase2_title
from workflow_app.models import Document, Plan, PlanEvent
from workflow_app.services.phase2.procedures import matrix_rows
from workflow_app.services.route.ppi import plan_years

PUBLIC_PI_STATES = frozenset({"pi_consolidated", "pi_approved", "pi_reported"})


@dataclass(frozen=True)
class PublicStep:
    """A dated act of a yearly Phase II procedure, with its public document when it has one."""

    label: str
    on: date
    document: Document | None = None


@dataclass(frozen=True)
class PublicYearly:
    """One vigencia (or semester) of a Phase II procedure the public follows: its state and its dated acts."""

    subject: str
    title: str  # «Planes de acción 2029», «Rendición de cuentas semestral, primer semestre de 2028»
    state: str
    steps: tuple[PublicStep, ...]
    is_done: bool
    has_begun: bool  # an act moved it from its first state
    #: The budget enacted by the executive's decree because the corporation did not decide it in its term
    #: (D111 art. 59, through the local statute): said apart from a budget the corporation approved.
    by_decree: bool = False


@dataclass(frozen=True)
class PublicPhase2:
    pi_state: str
    pi_approved_on: date | None
    matrix: tuple[MatrixRow, ...]
    years: tuple[int, ...]  # the period's years, one target each (DNP-PI)
    harmonization_state: str
    harmonization_steps: tuple[tuple[str, date], ...]  # (what, when) in order
    purchase_plans: tuple[tuple[str, tuple[date, ...]], ...]  # (vigencia, publication dates)
    budgets: tuple[PublicYearly, ...] = ()
    action_plans: tuple[PublicYearly, ...] = ()
    annual_reports: tuple[PublicYearly, ...] = ()
    citizen_reports: tuple[PublicYearly, ...] = ()
    dept_evaluations: tuple[PublicYearly, ...] = ()


_HARM_STEPS = (("start_harmonization_on", "Inicio de la armonización"),
               ("file_harmonization_on", "Proyecto radicado en el concejo o asamblea"),
               ("record_committee_debate_on", "Primer debate en comisión"),
               ("record_plenary_debate_on", "Segundo debate en plenaria"),
               ("approve_harmonization_on", "Aprobación"),
               ("decree_harmonization_on", "Decreto de armonización"),
               ("sanction_harmonization_on", "Sanción"),
               ("publish_harmonization_on", "Publicación"))

#: The dated acts each yearly procedure shows, in their legal order (trigger, what the public reads).
_YEARLY_STEPS = {
    "budget": (("file_budget", "Proyecto radicado en el concejo o asamblea con el Marco Fiscal de Mediano Plazo"),
               ("approve_budget", "Aprobado por el concejo o asamblea"),
               ("object_budget", "Objetado por ilegalidad ante el Tribunal Administrativo (Decreto 111 de 1996, art. 109)"),
               ("record_tribunal_ruling", "Fallo del Tribunal sobre la objeción"),
               ("liquidate_budget", "Sancionado y liquidado"),
               ("enact_budget_by_decree", "Expedido por decreto del alcalde o gobernador: rige el proyecto "
                                          "presentado"),
               ("publish_budget", "Publicado")),
    "action_plans": (("approve_action_plans", "Aprobados por el Consejo de Gobierno"),
                     ("publish_action_plans", "Publicados en la página web")),
    "annual_report": (("present_annual_report", "Presentado al concejo o asamblea"),),
    "citizen_report": (("hold_citizen_report", "Realizada con ediles, organizaciones sociales y veedurías"),),
    "dept_evaluation": (("publish_dept_evaluation", "Publicada, con copia al DNP"),),
}
_DONE = {"budget": "budget_published", "action_plans": "accion_published", "annual_report": "report_presented",
         "citizen_report": "citizen_held", "dept_evaluation": "eval_published"}


def _day(value) -> date | None:
    return date.fromisoformat(value) if value else None


def phase2_documents(session: Session, plan: Plan) -> dict[tuple[str, str | None, str], Document]:
    """The current public document of each Phase II act, by (machine, subject, trigger): the act's evidence, or the
    correction that replaced it (``documents.current_only``) when that one is public."""
    events = session.execute(select(PlanEvent.machine, PlanEvent.subject, PlanEvent.trigger, PlanEvent.evidence_ids)
                             .where(PlanEvent.plan_id == plan.id, PlanEvent.machine.in_(PHASE2_MACHINES))
                             .order_by(PlanEvent.id)).all()
    if not any(ids for *_, ids in events):
        return {}
    documents = {d.id: d for d in session.scalars(select(Document).where(Document.plan_id == plan.id))}
    later = {d.supersedes_id: d for d in documents.values() if d.supersedes_id is not None}
    found = {}
    for machine, subject, trigger, ids in events:
        doc = documents.get(ids[0]) if ids else None
        while doc is not None and doc.id in later:
            doc = later[doc.id]
        if doc is not None and doc.is_public:
            found[(machine, subject, trigger)] = doc
    return found


def _yearly(plan: Plan, machine: str, today: date, documents) -> tuple[PublicYearly, ...]:
    """The vigencias (semesters) of ``machine`` that have begun by ``today``, or that already have an act."""
    wording = plan.entity.wording
    out = []
    for p in sorted((p for p in plan.procedures if p.machine == machine), key=lambda p: p.subject):
        data = p.data or {}
        steps = tuple(PublicStep(localize(label, wording), _day(data[f"{trigger}_on"]),
                                 documents.get((machine, p.subject, trigger)))
                      for trigger, label in _YEARLY_STEPS[machine] if data.get(f"{trigger}_on"))
        year, _, half = p.subject.partition("-")
        begins = date(int(year), 7 if half == "2" else 1, 1) if year.isdigit() else today
        if machine == "budget" and year.isdigit():
            begins = date(int(year) - 1, 1, 1)  # the vigencia's budget is prepared the year before (D111 art. 52)
        if not steps and begins > today:
            continue
        by_decree = bool(data.get("enact_budget_by_decree_on"))
        state = ("Presupuesto expedido por decreto: el concejo o asamblea no lo decidió en su plazo" if by_decree
                 else PHASE2_MACHINES[machine].label(p.state))
        out.append(PublicYearly(p.subject, phase2_title(machine, p.subject), localize(state, wording), steps,
                                p.state == _DONE[machine], p.state != PHASE2_MACHINES[machine].initial, by_decree))
    return tuple(out)


def public_phase2(plan: Plan, today: date | None = None,
                  documents: dict[tuple[str, str | None, str], Document] | None = None) -> PublicPhase2 | None:
    """``today``: the vigencias begun by then are listed even before their first act (what is still due is public
    too); ``documents``: ``phase2_documents``, each act's public document."""
    procs = {(p.machine, p.subject): p for p in plan.procedures if p.machine in PHASE2_MACHINES}
    pi = procs.get(("plan_indicativo", "pi"))
    if pi is None:
        return None
    today = today or date.max
    documents = documents or {}
    harm = procs.get(("harmonization", "armonizacion"))
    harm_data = (harm.data or {}) if harm else {}
    wording = plan.entity.wording  # «el Concejo de Génova», not the tables' «concejo o asamblea»
    steps = tuple((localize(label, wording), _day(harm_data[key])) for key, label in _HARM_STEPS
                  if harm_data.get(key))
    paa = tuple(sorted((subject, tuple(date.fromisoformat(d) for d in (p.data or {}).get("publications", ())))
                       for (machine, subject), p in procs.items() if machine == "paa" and p.state == "paa_published"))
    budgets = tuple(b for b in _yearly(plan, "budget", today, documents) if b.has_begun)
    return PublicPhase2(
        pi_state=PHASE2_MACHINES["plan_indicativo"].label(pi.state),
        pi_approved_on=_day((pi.data or {}).get("approve_pi_on")),
        matrix=tuple(matrix_rows(pi)) if pi.state in PUBLIC_PI_STATES else (),
        years=tuple(plan_years(plan)),
        harmonization_state=localize(PHASE2_MACHINES["harmonization"].label(harm.state), wording) if harm else "",
        harmonization_steps=steps, purchase_plans=paa, budgets=budgets,
        action_plans=_yearly(plan, "action_plans", today, documents),
        annual_reports=_yearly(plan, "annual_report", today, documents),
        citizen_reports=_yearly(plan, "citizen_report", today, documents),
        dept_evaluations=_yearly(plan, "dept_evaluation", today, documents))
