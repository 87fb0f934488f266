"""The budget's and the harmonisation's acts once the plan is in force, through the real act door (apply_act):
the decree rule and the objection read by the act's date (QA: Génova and the Gobernación del Quindío walked to
Vigente in 2028 and through Phase II)."""
from __future__ import annotations

import pytest

from state_machines.core.roles import Role
from state_machines.phase2 import MatrixRow
from tests.workflow_app.story import Cast, make_plan, make_user, walk_to
from workflow_app.models import BudgetStatute
from workflow_app.services.phase2.plan_indicativo import matrix_lines, save_matrix
from workflow_app.services.route.plans import ActRefused
from workflow_app.services.route.ppi import PpiLine, save_ppi_version

PPI = (("Agua potable", "Acueductos veredales", "SGP", 100_000_000),
       ("Vías", "Placa huella", "Propios", 50_000_000))


def _in_force(db_session, code: str, category: str | None = None) -> Cast:
    cast = Cast(db_session, make_plan(db_session, code))
    if category:
        cast.plan.entity.fiscal_category = category
    db_session.commit()
    walk_to(cast, "adjusting")
    save_ppi_version(db_session, cast.plan, [PpiLine(p, q, y, s, a) for p, q, s, a in PPI for y in range(2028, 2032)],
                     source="form", actor=None, note="PPI de prueba")
    walk_to(cast, "in_force")
    e = cast.plan.entity
    cast.hacienda = make_user(db_session, f"hacienda{code}@prueba.co", Role.HACIENDA, e)
    cast.consejo = make_user(db_session, f"consejo{code}@prueba.co", Role.CONSEJO_DE_GOBIERNO, e)
    return cast


@pytest.fixture
def genova(db_session):
    return _in_force(db_session, "63302", "6")  # the Concejo sits in February, May, August and November


def act(cast, who, machine, subject, trigger, on, **kw):
    role = kw.pop("role", None) or {"hacienda": Role.HACIENDA, "consejo": Role.CONSEJO_DE_GOBIERNO}.get(who)
    return cast.act(who, trigger, on, machine=machine, subject=subject, role=role, **kw)


def budget_filed(cast, db_session, year: int, filed_on: str, poai_on: str) -> None:
    """The plan indicativo approved, the bank updated, the vigencia's POAI approved, the budget drafted and filed."""
    act(cast, "planeacion", "plan_indicativo", "pi", "prepare_pi", "2028-06-01")
    lines, _years = matrix_lines(db_session, cast.plan)
    save_matrix(db_session, cast.plan, [MatrixRow(ln.program, ln.project, "Indicador", ("1", "2", "3", "4"),
                                                  "Planeación") for ln in lines], cast.planeacion)
    act(cast, "planeacion", "plan_indicativo", "pi", "consolidate_pi", "2028-06-10")
    act(cast, "consejo", "plan_indicativo", "pi", "approve_pi", "2028-06-20")
    act(cast, "planeacion", "project_bank", "banco", "update_bank", "2028-06-25")
    act(cast, "planeacion", "poai", str(year), "draft_poai", poai_on)
    act(cast, "consejo", "poai", str(year), "approve_poai", poai_on)
    act(cast, "hacienda", "budget", str(year), "draft_budget", poai_on)
    act(cast, "ejecutivo", "budget", str(year), "file_budget", filed_on)


def proc(cast, machine, subject):
    cast.session.refresh(cast.plan)
    return next(p for p in cast.plan.procedures if p.machine == machine and p.subject == subject)


def test_the_decree_under_d111_art_59_is_dated_after_the_concejos_term_not_typed_after_it(genova, db_session):
    """QA: budget 2031 filed 5 November 2030, the Concejo's term until 10 December; at 12 December a decree dated
    the 10th was registered (D111 art. 59)."""
    db_session.add(BudgetStatute(entity_id=genova.plan.entity_id, act="Acuerdo 10 de 2020", copies_d111_art59=True))
    db_session.commit()
    budget_filed(genova, db_session, 2031, "2030-11-05", "2030-09-15")
    with pytest.raises(ActRefused) as refused:
        act(genova, "ejecutivo", "budget", "2031", "enact_budget_by_decree", "2030-12-10", today="2030-12-12")
    assert "solo desde el 11 de diciembre de 2030" in refused.value.message and refused.value.field == "act_on"
    act(genova, "ejecutivo", "budget", "2031", "enact_budget_by_decree", "2030-12-11", today="2030-12-12")
    assert proc(genova, "budget", "2031").state == "budget_adopted"
