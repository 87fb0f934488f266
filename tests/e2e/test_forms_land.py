"""Issue 14 part B in the browser: a citizen's proposal error and its confirmation are where the page lands on a
phone; a form sent again with Back says the act was already registered; an oversized PDF returns the filled form.

Set E2E_SHOTS_DIR to also save the screenshots (desktop and 360 px)."""
from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from notifications.sweep import run_sweep
from tests.e2e.conftest import assert_accessible, expect, sign_in
from tests.e2e.test_walks import PASSWORD, shot
from tests.workflow_app.story import PDF, Cast, make_plan, walk_to
from workflow_app.models import PlanEvent
from workflow_app.services.route.documents import MAX_BYTES

CHOOSE_AGAIN = "Vuelva a elegir el archivo PDF: por seguridad el navegador no lo conserva."


@pytest.fixture
def genova(db_session, set_today):
    """Génova adjusting its draft with a public hearing scheduled (open to citizens' proposals)."""
    cast = Cast(db_session, make_plan(db_session, "63302"))
    walk_to(cast, "adjusting")
    cast.act("planeacion", "schedule_hearing", "2028-04-05",
             payload={"scheduled_on": "2028-04-20", "place": "Casa de la cultura", "zone": "Zona urbana"})
    db_session.commit()
    set_today("2028-04-06")
    return cast


@pytest.mark.parametrize("phone", [True, False], ids=["360px", "desktop"])
def test_a_citizen_lands_on_the_proposal_error_and_then_on_the_confirmation(new_page, genova, phone):
    page = new_page(phone=phone)
    page.goto("/publico/63302")
    page.get_by_label(re.compile("^Su propuesta")).fill("Muy corta")
    page.get_by_label(re.compile("^Correo o teléfono")).fill("vecina@correo.co")
    page.get_by_role("button", name="Enviar propuesta").click()
    summary = page.locator("#errores")
    expect(summary).to_be_in_viewport()
    expect(summary).to_contain_text("No se envió la propuesta.")
    expect(summary.get_by_role("link")).to_contain_text(["Su propuesta"])
    expect(page.get_by_label(re.compile("^Su propuesta"))).to_have_value("Muy corta")
    expect(page.get_by_label(re.compile("^Correo o teléfono"))).to_have_value("vecina@correo.co")
    assert_accessible(page)
    shot(page, f"proposal-error-{'360' if phone else '1280'}")
    page.screenshot(path=f"/tmp/h14b-proposal-error-{'360' if phone else '1280'}.png")

    page.get_by_label(re.compile("^Su propuesta")).fill("Propongo iluminar el camino a la vereda El Cairo y "
                                                        "arreglar el puente peatonal.")
    page.get_by_role("button", name="Enviar propuesta").click()
    confirmation = page.locator("#propuesta-recibida")
    expect(confirmation).to_contain_text("Recibimos su propuesta.")
    expect(confirmation).to_be_in_viewport()
    assert_accessible(page)
    page.screenshot(path=f"/tmp/h14b-proposal-ok-{'360' if phone else '1280'}.png")


def _concept_form(page, plan_id: int):
    page.goto(f"/planes/{plan_id}/actos/pdt_approval/-/record_ctp_concept")
    page.get_by_label("Fecha del acto", exact=True).fill("2028-03-09")
    page.get_by_label("Número de radicado, acta, decreto o acuerdo").fill("Acta CTP 04")
    page.get_by_role("group", name="Sentido del concepto").get_by_label("Favorable", exact=True).check()


@pytest.fixture
def genova_at_ctp(db_session, set_today):
    cast = Cast(db_session, make_plan(db_session, "63302"))
    walk_to(cast, "submitted_to_ctp")
    db_session.commit()
    set_today("2028-03-10")
    return cast


def _says_already_registered(page, cast):
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text(re.compile(r"Este acto ya quedó registrado el 10 de marzo de 2028 a las .+ por "
                                             + re.escape(cast.ctp.name)))
    expect(page.get_by_text("no procede en el estado actual")).to_have_count(0)
    return alert


def test_back_and_resend_says_the_concept_was_already_registered(new_page, live_server, genova_at_ctp, tmp_path):
    cast = genova_at_ctp
    evidence = tmp_path / "concepto.pdf"
    evidence.write_bytes(PDF)
    first = new_page()
    sign_in(first, live_server, cast.ctp.email, PASSWORD)
    second = first.context.new_page()  # the same person, the form open twice
    for page in (first, second):
        _concept_form(page, cast.plan.id)
        page.get_by_label("Documento de soporte (PDF, máximo 20 MB)").set_input_files(evidence)
    second.get_by_role("button", name=re.compile("^Registrar:")).click()
    expect(second.locator("p.flash")).to_contain_text("Acto registrado:")

    with first.expect_response(lambda r: r.request.method == "POST") as answer:
        first.get_by_role("button", name=re.compile("^Registrar:")).click()
    assert answer.value.status == 409
    alert = _says_already_registered(first, cast)
    assert_accessible(first)
    first.screenshot(path="/tmp/h14b-already-1280.png")
    alert.get_by_role("link", name="Ver el registro en el historial del plan").click()
    expect(first.locator("tr:target")).to_contain_text("Acta CTP 04")

    second.go_back()  # Back onto the act's form: reloaded, it says the act is registered; restored, resent
    if second.get_by_role("button", name=re.compile("^Registrar:")).count():
        second.get_by_label("Documento de soporte (PDF, máximo 20 MB)").set_input_files(evidence)
        second.get_by_role("button", name=re.compile("^Registrar:")).click()
    _says_already_registered(second, cast)


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "360px"])
def test_an_oversized_pdf_returns_the_filled_form(new_page, live_server, genova_at_ctp, tmp_path, phone):
    cast = genova_at_ctp
    big = tmp_path / "concepto-escaneado.pdf"
    big.write_bytes(PDF + b"%" * (MAX_BYTES + 512 * 1024))
    page = new_page(phone=phone)
    sign_in(page, live_server, cast.ctp.email, PASSWORD)
    _concept_form(page, cast.plan.id)
    page.get_by_label("Observaciones").fill("Concepto aprobado en la sesión del 9 de marzo")
    file_input = page.get_by_label("Documento de soporte (PDF, máximo 20 MB)")
    expect(file_input).to_have_attribute("accept", "application/pdf,.pdf")
    file_input.set_input_files(big)
    # The server's own limit, as a browser without JavaScript meets it: static/upload.js would refuse the file
    # before sending it (tests/e2e/test_evidence_pages.py), so its limit is taken off here.
    file_input.evaluate("input => input.removeAttribute('data-max-bytes')")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.get_by_role("button", name=re.compile("^Registrar:")).click()
    assert answer.value.status == 422
    summary = page.locator("#errores")
    expect(summary).to_be_in_viewport()
    expect(summary).to_contain_text("supera 20 MB")
    expect(page.get_by_label("Número de radicado, acta, decreto o acuerdo")).to_have_value("Acta CTP 04")
    expect(page.get_by_label("Observaciones")).to_have_value("Concepto aprobado en la sesión del 9 de marzo")
    expect(page.get_by_label("Favorable", exact=True)).to_be_checked()
    expect(page.locator("#evidence-again")).to_have_text(CHOOSE_AGAIN)
    assert_accessible(page)
    page.screenshot(path=f"/tmp/h14b-act-errors-{'360' if phone else '1280'}.png", full_page=False)


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "360px"])
def test_a_form_with_an_error_keeps_its_pdf_for_the_next_send(new_page, live_server, genova_at_ctp, tmp_path,
                                                               phone):
    """The browser empties the file input when the form comes back; the PDF was held on the server, so the
    volunteer mends the date and sends again without choosing (or uploading) the file a second time."""
    cast = genova_at_ctp
    evidence = tmp_path / "concepto.pdf"
    evidence.write_bytes(PDF)
    page = new_page(phone=phone)
    sign_in(page, live_server, cast.ctp.email, PASSWORD)
    _concept_form(page, cast.plan.id)
    page.get_by_label("Fecha del acto", exact=True).fill("")
    page.get_by_label("Documento de soporte (PDF, máximo 20 MB)").set_input_files(evidence)
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.get_by_role("button", name=re.compile("^Registrar:")).click()
    assert answer.value.status == 422
    expect(page.locator("#errores")).to_be_in_viewport()
    expect(page.locator("#evidence-again")).to_have_text(
        "Ya recibimos «concepto.pdf» (0,6 KB): no tiene que elegirlo de nuevo. Si elige otro archivo, reemplaza a "
        "este.")
    expect(page.get_by_label("No enviar «concepto.pdf»")).not_to_be_checked()
    assert_accessible(page)
    shot(page, f"held-pdf-{'360' if phone else '1280'}")
    page.get_by_label("Fecha del acto", exact=True).fill("2028-03-09")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.get_by_role("button", name=re.compile("^Registrar:")).click()
    assert answer.value.request.post_data_buffer.count(b"%PDF") == 0  # the PDF did not travel a second time
    expect(page.locator("p.flash")).to_contain_text("Acto registrado:")


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "360px"])
def test_plan_duties_and_notifications_pages_are_accessible(new_page, live_server, db_session, set_today, phone):
    cast = Cast(db_session, make_plan(db_session, "63302"))
    walk_to(cast, "submitted_to_ctp")
    db_session.commit()
    run_sweep(date(2028, 3, 21))
    set_today("2028-06-30")
    page = new_page(phone=phone)
    sign_in(page, live_server, cast.ctp.email, PASSWORD)
    page.goto(f"/planes/{cast.plan.id}")
    expect(page.locator("#h-pend-mios")).to_be_visible()
    expect(page.locator(".duties-others")).to_contain_text("A cargo de:")
    assert_accessible(page)
    width = "360" if phone else "1280"
    page.locator("section", has=page.locator("#h-pend")).screenshot(path=f"/tmp/h14b-plan-duties-{width}.png")
    page.goto("/notificaciones")
    expect(page.locator(".badge").first).to_be_visible()
    assert_accessible(page)
    page.screenshot(path=f"/tmp/h14b-notifications-{width}.png", full_page=True)


def test_a_notice_reads_attended_once_its_act_is_recorded(new_page, live_server, db_session, set_today):
    cast = Cast(db_session, make_plan(db_session, "63302"))
    walk_to(cast, "submitted_to_ctp")
    db_session.commit()
    run_sweep(date(2028, 3, 21))
    cast.act("ctp", "record_ctp_concept", "2028-03-21", payload={"concept": "favorable"})
    db_session.commit()
    set_today("2028-03-21")
    page = new_page(phone=True)
    sign_in(page, live_server, cast.ctp.email, PASSWORD)
    page.goto("/notificaciones")
    expect(page.locator(".badge-done")).to_have_count(2)
    # Only the receipt of the concept it filed is news (notifications.events._concept_receipt).
    expect(page.get_by_role("link", name=re.compile(r"^Notificaciones \(1\)$"))).to_be_visible()
    expect(page.get_by_text("quedó registrado el concepto del Consejo Territorial de Planeación")).to_be_visible()
    assert_accessible(page)
    page.screenshot(path="/tmp/h14b-notifications-attended-360.png", full_page=True)


@pytest.mark.parametrize("phone", [True, False], ids=["360", "1280"])
def test_a_notice_of_an_ended_period_reads_without_effect(new_page, live_server, db_session, set_today, phone):
    """Génova's 2024-2027 plan left in formulation: the overdue notices of the period's last day, read on
    2 January 2028, say «Sin efecto» with the norm, and the menu's figure leaves them out."""
    from tests.workflow_app.test_period_ended import _old_plan_stuck_in_drafting

    cast = _old_plan_stuck_in_drafting(db_session)
    db_session.commit()
    run_sweep(date(2027, 12, 31))
    set_today("2028-01-02")
    page = new_page(phone=phone)
    sign_in(page, live_server, cast.ejecutivo.email, PASSWORD)
    page.goto("/notificaciones")
    expect(page.locator(".badge", has_text="Sin efecto").first).to_be_visible()
    expect(page.locator(".badge", has_text="Nueva")).to_have_count(0)
    expect(page.get_by_text("El período del plan terminó").first).to_be_visible()
    expect(page.get_by_role("link", name=re.compile(r"^Notificaciones \(0\)$"))).to_be_visible()
    assert_accessible(page)
    shot(page, f"notices-period-ended-{'360' if phone else '1280'}")


def test_an_answer_lost_after_the_act_was_recorded_is_found_without_sending_the_file_again(
        app, new_page, live_server, genova_at_ctp, tmp_path, db_session):
    """QA (7 December 2026), a rural link: the server recorded the concept and the answer never arrived. The page
    asks the form's own address (no file) and shows «Este acto ya quedó registrado» instead of asking to send the
    PDF again to learn it."""
    cast = genova_at_ctp
    evidence = tmp_path / "concepto.pdf"
    evidence.write_bytes(PDF)
    page = new_page()
    sign_in(page, live_server, cast.ctp.email, PASSWORD)
    _concept_form(page, cast.plan.id)
    page.wait_for_load_state()
    page.get_by_label("Documento de soporte (PDF, máximo 20 MB)").set_input_files(evidence)

    plan_id, ctp_id = cast.plan.id, cast.ctp.id

    def lost(route):
        if route.request.method != "POST":
            return route.continue_()
        # The server records the act (as this request would have: Playwright hands a route no FormData file to
        # forward), and its answer never reaches the browser.
        with app.app_context():
            import io

            from state_machines.core.roles import Role
            from workflow_app.infra.extensions import db
            from workflow_app.models import User
            from workflow_app.services.route.documents import Upload
            from workflow_app.services.route.plans import ActCommand, apply_act

            command = ActCommand(trigger="record_ctp_concept", act_on=date(2028, 3, 9), reference="Acta CTP 04",
                                 evidence=Upload("concepto.pdf", io.BytesIO(PDF)), payload={"concept": "favorable"})
            apply_act(db.session, plan_id=plan_id, command=command, actor=db.session.get(User, ctp_id),
                      role=Role.CTP, expected_version=None, today=date(2028, 3, 10))
            db.session.remove()
        route.abort("connectionreset")

    page.route(re.compile(r".*/record_ctp_concept.*"), lost)
    page.get_by_role("button", name=re.compile("^Registrar:")).click()
    _says_already_registered(page, cast)
    assert db_session.scalar(select(func.count()).select_from(PlanEvent).where(
        PlanEvent.plan_id == cast.plan.id, PlanEvent.trigger == "record_ctp_concept")) == 1
