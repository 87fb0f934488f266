"""Sessions as data in a real browser (issue 20), for a Concejo of category 1 in 2028 (the period's first year:
ordinary sessions 2 January-29 February, 1 June-31 July, 1 October-30 November, L136 art. 23): the committee
debate on 10 May, in recess, is refused with its norm; the mayor convokes extraordinary sessions for the plan from
the secretary's calendar page; the debate inside the convocation is recorded; the secretary records the ten-day
extension of the July period; the calendar shows all of it, with the norm of each span, at 1280 and 360 px.

Set E2E_SHOTS_DIR to save the calendar page and the convocation form."""
from __future__ import annotations

import re

import pytest

from tests import pdf_samples
from tests.e2e.conftest import expect, redirected, sign_in
from tests.e2e.test_last_stretch_walks import act, people
from tests.e2e.test_walks import Walk, no_horizontal_scroll, shot
from tests.workflow_app.story import Cast, make_plan, walk_to

CIRCASIA = "63190"


@pytest.fixture
def evidence_pdf(tmp_path):
    path = tmp_path / "soporte-del-acto.pdf"
    path.write_bytes(pdf_samples.VALID)
    return path


def from_calendar(walk: Walk, plan_id: int, who: str, label: str, on: str, fill) -> None:
    """One act opened from the calendar page's button, with its date, number, PDF and own fields."""
    walk.set_today(on)
    page = walk.page(who)
    page.goto(f"/planes/{plan_id}/sesiones?anio=2028")
    page.get_by_role("link", name=re.compile("^" + re.escape(label))).click()
    walk.fill_common(page, on, f"RAD-{on}-{who}")
    fill(page)
    shot(page, f"sesiones-form-{who}-1280")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.get_by_role("button", name=re.compile("^Registrar")).click()
    assert redirected(answer.value), page.locator("main").inner_text()
    expect(page.locator("p.flash")).to_contain_text("Acto registrado:")


def test_a_debate_in_recess_is_refused_then_accepted_inside_the_convocation_and_the_calendar_shows_it(
        new_page, live_server, set_today, evidence_pdf, db_session):
    cast = Cast(db_session, make_plan(db_session, CIRCASIA))
    cast.plan.entity.fiscal_category = "1"
    db_session.commit()
    walk_to(cast, "in_debate")  # filed 28 April, assigned to the committee 2 May 2028
    plan_id = cast.plan.id
    walk = Walk(new_page, live_server, set_today, evidence_pdf, people(cast))

    # The committee's debate dated 10 May, in recess: the form answers with the reason and its norm, nothing written.
    walk.set_today("2028-05-10")
    council = walk.page("corporacion")
    council.goto(f"/planes/{plan_id}")
    council.get_by_role("link", name=re.compile("^Registrar el primer debate")).first.click()
    walk.fill_common(council, "2028-05-10", "ACTA-01")
    council.get_by_label("La comisión aprobó el proyecto en primer debate").check()
    with council.expect_response(lambda r: r.request.method == "POST") as answer:
        council.get_by_role("button", name=re.compile("^Registrar")).click()
    assert answer.value.status == 422  # said beside the act's date (Verdict.field), nothing written
    expect(council.locator("#act_on-err")).to_contain_text("receso")
    expect(council.locator("main")).to_contain_text("L136 art. 23 par. 2")
    shot(council, "sesiones-debate-rechazado-1280")

    def convocation(p):
        p.get_by_label("Primer día de las sesiones extraordinarias").fill("2028-05-12")
        p.get_by_label("Último día de las sesiones extraordinarias").fill("2028-05-31")
        p.get_by_label(re.compile("^Objeto de la convocatoria")).fill("Proyecto de acuerdo del Plan de Desarrollo")
        p.get_by_label(re.compile("^El decreto somete")).check()
    from_calendar(walk, plan_id, "ejecutivo", "Convocar a sesiones", "2028-05-11", convocation)

    act(walk, plan_id, "corporacion", "Registrar el primer debate en la comisión", "2028-05-12",
        fill=lambda p: p.get_by_label("La comisión aprobó el proyecto en primer debate").check())
    from_calendar(walk, plan_id, "corporacion", "Registrar la prórroga", "2028-07-25",
                  lambda p: p.get_by_label(re.compile("^Días calendario de la prórroga")).fill("10"))

    walk.set_today("2028-08-05")
    page = walk.page("corporacion")
    page.goto("/")
    page.get_by_role("link", name="calendario de sesiones").first.click()
    table = page.locator("table.sessions")
    expect(table).to_contain_text("Sesiones extraordinarias convocadas")
    expect(table).to_contain_text("Proyecto de acuerdo del Plan de Desarrollo")
    expect(table).to_contain_text("Prórroga de sesiones ordinarias")
    expect(table.locator("tr.session-extended")).to_contain_text("jueves, 10 de agosto de 2028")
    expect(table.locator("tr.session-recess").first).to_contain_text("No")
    shot(page, "sesiones-1280")
    phone = new_page(phone=True)
    sign_in(phone, live_server, cast.corporacion.email, "clave-de-prueba")
    phone.goto(f"{live_server}/planes/{plan_id}/sesiones?anio=2028")
    no_horizontal_scroll(phone)
    shot(phone, "sesiones-360")
    import os
    if os.environ.get("E2E_SHOTS_DIR"):  # the phone's screen as a person sees it: the top, then the extension
        phone.screenshot(path=os.path.join(os.environ["E2E_SHOTS_DIR"], "sesiones-360-arriba.png"))
        phone.locator("tr.session-extended").scroll_into_view_if_needed()
        phone.screenshot(path=os.path.join(os.environ["E2E_SHOTS_DIR"], "sesiones-360-prorroga.png"))
    # The mayor's convocation form and the secretary's inbox link, on a phone.
    mayor = new_page(phone=True)
    sign_in(mayor, live_server, cast.ejecutivo.email, "clave-de-prueba")
    mayor.goto(f"{live_server}/planes/{plan_id}/actos/pdt_approval/-/convoke_sessions")
    expect(mayor.get_by_label("Primer día de las sesiones extraordinarias")).to_be_visible()
    no_horizontal_scroll(mayor)
    shot(mayor, "convocatoria-form-360")
    phone.goto(f"{live_server}/")
    expect(phone.get_by_role("link", name="calendario de sesiones").first).to_be_visible()
    no_horizontal_scroll(phone)
    shot(phone, "pendientes-360")
