"""Browser checks of the pages issue 12 (and issue 13's document versions) added: the correction of an evidence
document (without JavaScript, at 1280 px and 360 px), the public page's current version, the integrity page
with its signed checkpoints, and the access log. Each is checked with axe-core; screenshots go to
E2E_SHOTS_DIR when it is set."""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from tests import pdf_samples
from tests.demo_copy import demo_data
from tests.e2e.conftest import assert_accessible, expect, first_load_bytes, sign_in
from workflow_app.models import Document, Entity, Plan
from workflow_app.services.cycle.demo import DEMO_ACCOUNTS

SHOTS_DIR = os.environ.get("E2E_SHOTS_DIR")
DEMO = {a.email.split("@")[0]: a for a in DEMO_ACCOUNTS}


def shot(page, name: str) -> None:
    if SHOTS_DIR:
        Path(SHOTS_DIR).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS_DIR) / f"{name}.png"), full_page=True)


def no_horizontal_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"], page.url


@pytest.fixture
def demo(live_server, db_session, set_today):
    set_today("2028-03-10")
    demo_data()
    entity = db_session.scalar(select(Entity).filter_by(dane_code="63302"))
    return db_session.scalar(select(Plan).filter_by(entity_id=entity.id))


def login_as(new_page, live_server, slug: str, **options):
    page = new_page(**options)
    sign_in(page, live_server, DEMO[slug].email, DEMO[slug].password)
    return page


@pytest.mark.parametrize("phone", [False, True], ids=["1280", "360"])
def test_the_planning_office_corrects_a_document_without_javascript(new_page, live_server, demo, db_session,
                                                                    tmp_path, phone):
    width = "360" if phone else "1280"
    corrected = tmp_path / "acta-corregida.pdf"
    corrected.write_bytes(pdf_samples.one_page("Acta corregida"))
    page = login_as(new_page, live_server, "planeacion.genova", phone=phone, java_script_enabled=False)
    checker = login_as(new_page, live_server, "planeacion.genova", phone=phone)  # axe needs JavaScript
    page.goto(f"/planes/{demo.id}#h-docs")
    page.get_by_role("link", name=re.compile(
        r"^Corregir este documento\W+Proyecto de plan consolidado por el Consejo de Gobierno, versión 1$")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Corregir «")
    checker.goto(page.url)
    assert_accessible(checker)
    no_horizontal_scroll(checker)
    page.get_by_role("button", name="Registrar la versión corregida").click()  # nothing filled in
    expect(page.locator(".field-error", has_text="Explique qué error formal corrige la nueva versión.")).to_be_visible()
    expect(page.locator("#errores")).to_be_in_viewport()  # the answer lands on the error summary
    shot(page, f"correccion-errores-{width}")
    page.get_by_label("Versión corregida (PDF, máximo 20 MB)").set_input_files(corrected)
    page.get_by_label("Qué error formal corrige").fill("El acta decía 28 de febrero de 2027; el año es 2028.")
    shot(page, f"correccion-formulario-{width}")
    page.get_by_role("button", name="Registrar la versión corregida").click()
    expect(page.get_by_text("Se registró la versión corregida")).to_be_visible()
    expect(page.get_by_text("Corrige la versión anterior: El acta decía 28 de febrero de 2027")).to_be_visible()
    expect(page.get_by_text("Reemplazada por una versión corregida.")).to_be_visible()
    shot(page, f"plan-documentos-versiones-{width}")
    checker.goto(f"/planes/{demo.id}")
    assert_accessible(checker)
    no_horizontal_scroll(checker)


@pytest.mark.parametrize("phone", [False, True], ids=["1280", "360"])
def test_a_correction_lost_to_a_concurrent_one_comes_back_with_what_was_typed(new_page, live_server, demo,
                                                                             db_session, tmp_path, monkeypatch, phone):
    """While the planning office's correction is saved, the mayor's correction of another document of the plan is
    committed first: the form comes back (409) with the reason typed and the PDF held; it answered 500."""
    import io
    from datetime import date

    from sqlalchemy.orm import Session as OrmSession

    from workflow_app.infra.extensions import db
    from workflow_app.models import User
    from workflow_app.services.route import document_versions
    from workflow_app.services.route.documents import Upload

    width = "360" if phone else "1280"
    corrected = tmp_path / "acta-corregida.pdf"
    corrected.write_bytes(pdf_samples.one_page("Acta corregida"))
    theirs = db_session.scalar(select(Document).where(Document.plan_id == demo.id, Document.kind == "submit_to_ctp"))
    plan_id, theirs_id, mayor_email = demo.id, theirs.id, DEMO["alcalde.genova"].email
    store_document = document_versions.store_document

    def the_mayor_commits_first(session, **kwargs):
        monkeypatch.setattr(document_versions, "store_document", store_document)
        with OrmSession(db.engine) as other:
            mayor = other.scalar(select(User).where(User.email == mayor_email))
            document_versions.correct_document(
                other, plan_id=plan_id, document_id=theirs_id, reason="El oficio decía 28 de febrero; es 29.",
                upload=Upload("c.pdf", io.BytesIO(pdf_samples.one_page("Oficio corregido"))), actor=mayor,
                today=date(2028, 3, 10))
        return store_document(session, **kwargs)

    page = login_as(new_page, live_server, "planeacion.genova", phone=phone)
    page.goto(f"/planes/{demo.id}#h-docs")
    page.get_by_role("link", name=re.compile(
        r"^Corregir este documento\W+Proyecto de plan consolidado por el Consejo de Gobierno, versión 1$")).click()
    page.get_by_label("Versión corregida (PDF, máximo 20 MB)").set_input_files(corrected)
    page.get_by_label("Qué error formal corrige").fill("El acta decía 28 de febrero de 2027; el año es 2028.")
    monkeypatch.setattr(document_versions, "store_document", the_mayor_commits_first)
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.get_by_role("button", name="Registrar la versión corregida").click()
    assert answer.value.status == 409
    expect(page.locator("#errores")).to_contain_text("otra persona registró un cambio en este plan")
    expect(page.get_by_label("Qué error formal corrige")).to_have_value(
        "El acta decía 28 de febrero de 2027; el año es 2028.")
    expect(page.get_by_text(re.compile("^Ya recibimos «acta-corregida.pdf»"))).to_be_visible()  # held for the next send
    assert_accessible(page)
    no_horizontal_scroll(page)
    shot(page, f"correccion-conflicto-{width}")
    page.get_by_role("button", name="Registrar la versión corregida").click()
    expect(page.get_by_text("Se registró la versión corregida")).to_be_visible()


def test_public_pages_show_current_documents_and_signed_checkpoints(new_page, live_server, demo, db_session, app,
                                                                    tmp_path):
    from workflow_app.services.integrity.checkpoints import create_key_file, publish_checkpoint

    key, _, fingerprint = create_key_file(tmp_path / "firma.pem")
    app.config["CHECKPOINT_KEY"] = str(key)
    try:
        publish_checkpoint(db_session)
        for phone in (False, True):
            page = new_page(phone=phone)
            page.goto("/publico/integridad")
            expect(page.get_by_role("heading", level=1)).to_have_text("Puntos de control firmados del historial")
            expect(page.get_by_text(fingerprint[:16])).to_be_visible()
            assert_accessible(page)
            no_horizontal_scroll(page)
            assert first_load_bytes(page, "/publico/integridad") < 100_000
            shot(page, f"publico-integridad-{'360' if phone else '1280'}")
            page.goto("/publico/63302")
            draft = db_session.scalar(select(Document).where(Document.kind == "public_draft"))
            expect(page.locator(f'a[href="/publico/63302/documentos/{draft.id}"]')).to_have_count(1)
    finally:
        app.config["CHECKPOINT_KEY"] = None


def test_the_mayor_reads_the_access_log(new_page, live_server, demo, db_session):
    ctp = login_as(new_page, live_server, "ctp.genova")
    ctp.goto(f"/planes/{demo.id}")
    with ctp.expect_download():
        ctp.get_by_role("link", name="Historial (CSV)").click()
    for phone in (False, True):
        page = login_as(new_page, live_server, "alcalde.genova", phone=phone)
        page.get_by_role("link", name="Registro de accesos").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Registro de accesos")
        expect(page.get_by_text("Exportación del historial")).to_be_visible()
        assert_accessible(page)
        no_horizontal_scroll(page)
        shot(page, f"registro-de-accesos-{'360' if phone else '1280'}")


@pytest.mark.parametrize("phone", [False, True], ids=["1280", "360"])
def test_a_file_is_weighed_before_it_is_sent_and_its_sending_is_shown(new_page, live_server, demo, db_session,
                                                                      tmp_path, phone):
    """static/upload.js, on a weak link: a PDF over 20 MB is refused beside its field before a byte leaves (the
    server would refuse it after minutes of upload); a file that fits goes with a progress bar and a status, the
    button disabled against a second send, and the answer replaces the page as a normal post does: the error
    summary with its focus, then the plan page with its message at its own address."""
    width = "360" if phone else "1280"
    too_large = tmp_path / "acta-escaneada.pdf"
    too_large.write_bytes(b"%PDF-1.4\n" + b"0" * (21 * 1024 * 1024))
    corrected = tmp_path / "acta-corregida.pdf"
    corrected.write_bytes(pdf_samples.one_page("Acta corregida"))
    page = login_as(new_page, live_server, "planeacion.genova", phone=phone)
    page.goto(f"/planes/{demo.id}#h-docs")
    page.get_by_role("link", name=re.compile(
        r"^Corregir este documento\W+Proyecto de plan consolidado por el Consejo de Gobierno, versión 1$")).click()
    page.wait_for_load_state()  # upload.js is deferred: a person does not choose a file before the page is read
    form_url = page.url
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    upload = page.get_by_label("Versión corregida (PDF, máximo 20 MB)")
    upload.set_input_files(too_large)
    refusal = page.locator(".field-error", has_text="«acta-escaneada.pdf» pesa 21,0 MB y el máximo es 20,0 MB")
    expect(refusal).to_be_visible()
    expect(upload).to_have_attribute("aria-invalid", "true")
    page.get_by_role("button", name="Registrar la versión corregida").click()
    expect(upload).to_be_focused()
    assert posts == []  # nothing was sent
    assert_accessible(page)
    no_horizontal_scroll(page)
    shot(page, f"subida-demasiado-grande-{width}")

    upload.set_input_files(corrected)
    expect(refusal).to_have_count(0)
    held: list = []
    page.route(re.compile(r".*/correccion.*"), lambda route: held.append(route) if route.request.method == "POST"
               else route.continue_())
    page.get_by_role("button", name="Registrar la versión corregida").click()  # no explanation yet
    status = page.locator(".upload-status[role=status]")
    expect(status).to_be_visible()
    expect(status.locator("progress")).to_be_attached()
    expect(page.get_by_role("button", name="Registrar la versión corregida")).to_be_disabled()
    while not held:
        page.wait_for_timeout(50)
    shot(page, f"subida-en-curso-{width}")
    held.pop().continue_()
    expect(page.locator(".field-error", has_text="Explique qué error formal corrige la nueva versión.")).to_be_visible()
    expect(page.locator("#errores")).to_be_focused()
    assert page.url.split("#")[0] == form_url.split("#")[0]
    page.unroute(re.compile(r".*/correccion.*"))
    page.get_by_label("Qué error formal corrige").fill("El acta decía 28 de febrero de 2027; el año es 2028.")
    expect(page.get_by_label(re.compile("No enviar «acta-corregida.pdf»"))).to_be_visible()  # held by the server
    page.get_by_role("button", name="Registrar la versión corregida").click()
    expect(page.get_by_text("Se registró la versión corregida")).to_be_visible()
    assert page.url.split("#")[0].endswith(f"/planes/{demo.id}")
    assert len(posts) == 2  # the file went once; the second post used the copy the server held


def test_other_forms_tie_their_errors_to_their_fields_and_focus_the_summary(new_page, live_server, demo):
    """QA (7 December 2026): Personas, the API tokens and the PPI import gave errors with no id, referenced by no
    field, and the focus stayed at the top of the page."""
    page = login_as(new_page, live_server, "planeacion.genova")
    page.goto("/personas")
    page.get_by_role("button", name="Enviar la invitación").click()
    email = page.locator("input#email")
    expect(email).to_have_attribute("aria-invalid", "true")
    described = email.get_attribute("aria-describedby")
    assert described and page.locator(f"#{described.split()[-1]}").inner_text().strip()
    page.goto("/cuenta/tokens")
    page.get_by_role("button", name="Crear token").click()
    expect(page.locator("#errores")).to_be_focused()
    expect(page.locator("input#label")).to_have_attribute("aria-describedby", "label-err")
    page.goto(f"/planes/{demo.id}/ppi/importar")
    page.get_by_role("button", name="Importar como versión nueva").click()
    expect(page.locator("#errores")).to_be_focused()
    expect(page.locator("input#sheet")).to_have_attribute("aria-describedby", "sheet-err")
    assert_accessible(page)
