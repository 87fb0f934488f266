"""Phase II in a real browser (issue 21, "Done when"): the planning office records the plan indicativo and the
Consejo de Gobierno approves it; the budget harmonisation goes through the concejo (debates, sanction, publication);
the POAI, the budget and the plan de compras are recorded; the board shows the Phase II hitos moving. Every act is
taken from the plan's Phase II page with its date, number and PDF evidence.

Set E2E_SHOTS_DIR (e.g. /tmp/shots) to save the Phase II page, the matrix and the board at 1280 and 360 px.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from state_machines.core.roles import Role
from tests import pdf_samples
from tests.e2e.conftest import assert_accessible, expect, redirected, sign_in
from tests.workflow_app.story import Cast, make_plan, make_user, walk_to
from workflow_app.services.route.ppi import PpiLine, save_ppi_version

PASSWORD = "clave-de-prueba"
EVIDENCE_LABEL = "Documento de soporte (PDF, máximo 20 MB)"
SHOTS_DIR = os.environ.get("E2E_SHOTS_DIR")
PPI = (("Agua potable para el campo", "Acueductos veredales", "SGP Agua potable", 380_000_000),
       ("Vías del paisaje cafetero", "Mantenimiento de vías terciarias", "Recursos propios", 520_000_000))


def shot(page, name: str) -> None:
    if SHOTS_DIR:
        Path(SHOTS_DIR).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS_DIR) / f"{name}.png"), full_page=True)


def no_horizontal_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"], page.url


@pytest.fixture
def evidence_pdf(tmp_path) -> Path:
    path = tmp_path / "acta.pdf"
    path.write_bytes(pdf_samples.VALID)
    return path


@pytest.fixture
def genova(db_session):
    cast = Cast(db_session, make_plan(db_session, "63302"))
    cast.plan.entity.fiscal_category = "6"
    db_session.commit()
    walk_to(cast, "adjusting")
    save_ppi_version(db_session, cast.plan, [PpiLine(p, q, y, s, a) for p, q, s, a in PPI
                                             for y in range(2028, 2032)], source="form", actor=None, note="PPI")
    walk_to(cast, "in_force")
    e = cast.plan.entity
    cast.hacienda = make_user(db_session, "hacienda63302@prueba.co", Role.HACIENDA, e)
    cast.consejo = make_user(db_session, "consejo63302@prueba.co", Role.CONSEJO_DE_GOBIERNO, e)
    cast.asesor = make_user(db_session, "asesor63302@prueba.co", Role.ASESOR, e)
    return cast


class Phase2Walk:
    def __init__(self, new_page, base, set_today, pdf, cast):
        self.new_page, self.base, self.set_today, self.pdf, self.cast = new_page, base, set_today, pdf, cast
        self.pages = {}

    def page(self, who):
        if who not in self.pages:
            page = self.new_page()
            sign_in(page, self.base, getattr(self.cast, who).email, PASSWORD)
            self.pages[who] = page
        return self.pages[who]

    def act(self, who, label, on, *, title=None, fill=None):
        """Open the plan's Phase II page, click the act (in the procedure ``title``), fill it and send it."""
        self.set_today(on)
        page = self.page(who)
        page.goto(f"/planes/{self.cast.plan.id}/fase-2?todas=1")
        scope = page.locator("ul.phase2-list > li")
        if title:
            scope = scope.filter(has=page.get_by_role("heading", name=title, exact=True))
        link = scope.get_by_role("link", name=label)
        expect(link).to_have_count(1)
        link.click()
        page.get_by_label("Fecha del acto", exact=True).fill(on)
        page.get_by_label("Número de radicado, acta, decreto o acuerdo").fill(f"ACTA-{on}")
        page.get_by_label(EVIDENCE_LABEL).set_input_files(self.pdf)
        if fill:
            fill(page)
        with page.expect_response(lambda r: r.request.method == "POST") as answer:
            page.get_by_role("button", name=re.compile("^Registrar")).click()
        assert redirected(answer.value), f"{label}: HTTP {answer.value.status}\n{page.locator('main').inner_text()}"
        expect(page.locator("p.flash")).to_contain_text("Acto registrado:")
        return page


def test_phase2_walk_plan_indicativo_harmonisation_budget_and_plan_de_compras(
        new_page, live_server, set_today, evidence_pdf, genova, db_session):
    walk = Phase2Walk(new_page, live_server, set_today, evidence_pdf, genova)
    pid = genova.plan.id

    # The plan page says what comes next in Phase II and whose it is.
    set_today("2028-06-01")
    planeacion = walk.page("planeacion")
    planeacion.goto(f"/planes/{pid}")
    section = planeacion.locator("section", has=planeacion.get_by_role("heading", name="Fase II: con el plan en vigor"))
    expect(section).to_contain_text("A cargo de:")

    # Plan indicativo: prepared, matrix kept, consolidated by planeación, approved by the Consejo de Gobierno.
    walk.act("planeacion", "Iniciar la preparación del Plan Indicativo", "2028-06-01", title="Plan Indicativo")
    planeacion.goto(f"/planes/{pid}/fase-2/plan-indicativo")
    for i, group in enumerate(planeacion.locator("ol.matrix > li").all()):
        group.get_by_label("Indicador de producto").fill(f"Indicador {i + 1}")
        for year in range(2028, 2032):
            group.get_by_label(f"Meta {year}").fill(str((year - 2027) * 10))
        group.get_by_label("Dependencia responsable").fill("Secretaría de Infraestructura")
    assert_accessible(planeacion)
    shot(planeacion, "phase2-matrix-desktop")
    planeacion.get_by_role("button", name="Guardar la matriz").click()
    expect(planeacion.locator("p.flash")).to_have_text("Matriz del Plan Indicativo guardada.")
    walk.act("planeacion", "Consolidar la matriz del Plan Indicativo", "2028-06-10", title="Plan Indicativo")
    page = walk.act("consejo", "Aprobar el Plan Indicativo en el Consejo de Gobierno", "2028-06-20",
                    title="Plan Indicativo")
    expect(page.locator("#t-plan_indicativo-pi")).to_contain_text("Plan Indicativo aprobado por el Consejo de Gobierno")

    # Harmonisation through the concejo: filing, debates (three full days between), sanction, publication.
    harm = "Armonización presupuestal"
    walk.act("hacienda", "Iniciar la armonización del presupuesto con el nuevo plan", "2028-06-21", title=harm)
    walk.act("ejecutivo", re.compile("^Radicar el proyecto de acuerdo"), "2028-07-28", title=harm)
    walk.act("corporacion", "Repartir el proyecto de armonización a la comisión", "2028-08-01", title=harm)
    walk.act("corporacion", "Registrar el primer debate en la comisión", "2028-08-02", title=harm,
             fill=lambda p: p.get_by_label("La comisión aprobó el proyecto en primer debate").check())
    walk.act("corporacion", "Registrar el segundo debate en la plenaria", "2028-08-07", title=harm)
    walk.act("corporacion", "Aprobar la armonización en segundo debate", "2028-08-07", title=harm)
    walk.act("corporacion", "Remitir la armonización aprobada para sanción", "2028-08-08", title=harm)
    walk.act("ejecutivo", re.compile("^Sancionar el acuerdo"), "2028-08-10", title=harm)
    page = walk.act("ejecutivo", "Publicar la armonización presupuestal aprobada", "2028-08-14", title=harm)
    expect(page.locator("#t-harmonization-armonizacion")).to_contain_text("Armonización presupuestal publicada")

    # Bank, POAI, budget with the MFMP, and the plan de compras.
    walk.act("planeacion", "Registrar la actualización del banco de programas y proyectos", "2028-08-20")
    poai, budget = "Plan Operativo Anual de Inversiones (POAI) 2029", "Presupuesto y Marco Fiscal de Mediano Plazo 2029"
    walk.act("planeacion", "Elaborar el POAI desde el Plan Indicativo y el banco de proyectos", "2028-09-15",
             title=poai)
    walk.act("consejo", re.compile("^Aprobar el POAI"), "2028-09-20", title=poai)
    walk.act("hacienda", "Elaborar el anteproyecto de presupuesto y el MFMP", "2028-10-01", title=budget)
    walk.act("ejecutivo", "Radicar el proyecto de presupuesto con el Marco Fiscal de Mediano Plazo", "2028-11-02",
             title=budget)
    # The budget's acuerdo through the Concejo's two debates (phase-ii.md: P16 reuses legal-path T8-T10), approved in
    # the ten days the Concejo added to November's sessions, recorded from the budget (L136 art. 23 par. 1).
    walk.act("corporacion", "Repartir el proyecto de presupuesto a la comisión", "2028-11-03", title=budget)
    walk.act("corporacion", "Registrar el primer debate en la comisión", "2028-11-20", title=budget,
             fill=lambda p: p.get_by_label("La comisión aprobó el proyecto en primer debate").check())
    walk.act("corporacion", "Registrar el segundo debate en la plenaria", "2028-11-28", title=budget)
    walk.act("corporacion", "Registrar la prórroga del período de sesiones ordinarias", "2028-11-29", title=budget,
             fill=lambda p: p.get_by_label(re.compile("^Días calendario de la prórroga")).fill("10"))
    walk.act("corporacion", re.compile("^Aprobar el presupuesto"), "2028-12-05", title=budget)
    walk.act("ejecutivo", "Sancionar y liquidar el presupuesto", "2028-12-07", title=budget)
    # Adopted, the acuerdo is published within ten business days (L136 art. 81; P16 reuses legal-path T15).
    page = walk.act("ejecutivo", "Publicar el presupuesto adoptado", "2028-12-12", title=budget,
                    fill=lambda form: shot(form, "phase2-publish-budget-form"))
    expect(page.locator("#t-budget-2029")).to_contain_text("Presupuesto publicado")
    if SHOTS_DIR:
        page.locator("#t-budget-2029").screenshot(path=str(Path(SHOTS_DIR) / "phase2-budget-published.png"))
    page = walk.act("ejecutivo", "Publicar el Plan Anual de Adquisiciones", "2029-01-25",
                    title="Plan Anual de Adquisiciones (plan de compras) 2029")
    expect(page.locator("#t-paa-2029")).to_contain_text("Plan Anual de Adquisiciones publicado")
    shot(page, "phase2-page-desktop")

    # The board shows the Phase II hitos moving: 3 + 4.5 + 6 (PI) + 5 (bank) + 2.5 + 2 + 0.5 (harmonisation)
    # + 3.5 + 1.5 (POAI) + 7 + 3 (MFMP) + 6 + 4.5 + 4.5 (budget) + 10 (plan de compras) = 63,5 %.
    asesor = walk.page("asesor")
    asesor.goto("/tablero")
    expect(asesor.get_by_role("link", name="63,5 %")).to_be_visible()
    shot(asesor, "phase2-board-desktop")
    asesor.goto(f"/planes/{pid}/fase-2")
    expect(asesor.locator("#h-hitos2")).to_be_visible()

    # The same pages at 360 px, without horizontal scroll.
    phone = new_page(phone=True)
    sign_in(phone, live_server, genova.planeacion.email, PASSWORD)
    for url, name in ((f"/planes/{pid}/fase-2", "phase2-page-phone"),
                      (f"/planes/{pid}/fase-2/plan-indicativo", "phase2-matrix-phone"),
                      (f"/planes/{pid}", "plan-page-phone")):
        phone.goto(url)
        no_horizontal_scroll(phone)
        shot(phone, name)
    assert_accessible(phone)
    public = new_page(phone=True)
    public.goto("/publico/63302")
    expect(public.get_by_role("heading", name="Con el plan en vigor: Fase II")).to_be_visible()
    budget_item = public.locator("li", has_text="Vigencia 2029: Presupuesto publicado")
    expect(budget_item).to_contain_text("Publicado: 12 de diciembre de 2028")
    no_horizontal_scroll(public)
    shot(public, "phase2-public-phone")
    if SHOTS_DIR:
        budget_item.screenshot(path=str(Path(SHOTS_DIR) / "phase2-public-budget-phone.png"))
