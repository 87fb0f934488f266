"""Monitoreo 360 in a real browser (issue 21): the monthly survey answered by two entities from their notice, the
results page by aspect with the 3.5 threshold, an adviser filling the Lista de Chequeo, two SETA cuts compared,
an activity report filed and the ranking showing its inputs. Accessibility (axe-core) on each page.

Set E2E_SHOTS_DIR (e.g. /tmp/shots) to save each page at 1280 px and 360 px."""
from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from state_machines.core.roles import Role
from tests.e2e.conftest import assert_accessible, expect, sign_in
from tests.workflow_app.story import Cast, make_plan, make_user, walk_to
from workflow_app.models import Entity, Membership
from workflow_app.services.followup import cuts, survey

PASSWORD = "clave-de-prueba"
SHOTS_DIR = os.environ.get("E2E_SHOTS_DIR")


def shots(new_page, base: str, path: str, email: str, name: str) -> None:
    """The same page at 1280 and 360 px, signed in as ``email`` (only with E2E_SHOTS_DIR)."""
    if not SHOTS_DIR:
        return
    Path(SHOTS_DIR).mkdir(parents=True, exist_ok=True)
    for phone in (False, True):
        page = new_page(phone=phone)
        sign_in(page, base, email, PASSWORD)
        page.goto(base + path)
        page.screenshot(path=str(Path(SHOTS_DIR) / f"m360-{name}-{360 if phone else 1280}.png"), full_page=True)


def sign_out(page) -> None:
    page.get_by_role("button", name="Cerrar sesión").click()


def answer_survey(page, base, email, grades: dict[str, str], comment: str) -> None:
    sign_in(page, base, email, PASSWORD)
    page.get_by_role("link", name="Notificaciones (1)").click()
    page.get_by_role("link", name="Encuesta mensual de Gobierno al Plan (marzo de 2028)").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Encuesta mensual de marzo de 2028")
    assert_accessible(page)
    for aspect, label in grades.items():
        page.get_by_role("group", name=aspect).get_by_label(label).check()
    page.get_by_label("Comentario (opcional)").fill(comment)
    page.get_by_role("button", name="Enviar la encuesta").click()
    expect(page.locator("p.flash")).to_contain_text("Gracias. Quedó registrada la encuesta de marzo de 2028")
    sign_out(page)


@pytest.mark.usefixtures("live_server")
def test_monitoreo_360_walk(page, new_page, live_server, db_session, set_today):
    set_today("2028-03-10")
    genova = Cast(db_session, make_plan(db_session, "63302"))
    soledad = Cast(db_session, make_plan(db_session, "08758"))
    adviser = make_user(db_session, "asesora@dnp.gov.co", Role.ASESOR, genova.plan.entity)
    for code in ("08758", "63272"):
        db_session.add(Membership(user_id=adviser.id, role="asesor",
                                  entity_id=db_session.scalar(select(Entity.id).filter_by(dane_code=code))))
    coordinator = make_user(db_session, "coordinador@dnp.gov.co", Role.COORDINADOR,
                            db_session.scalar(select(Entity).filter_by(dane_code="63")))
    db_session.commit()
    assert survey.send_monthly_survey(db_session, date(2028, 3, 1)) == 2
    base = live_server

    # 1. Two entities answer the survey from the notice in their inbox.
    answer_survey(page, base, genova.planeacion.email,
                  {"1. Cumplimiento de objetivos": "4 · Buena", "2. Usabilidad": "5 · Excelente",
                   "3. Pertinencia": "4 · Buena", "4. Calidad": "4 · Buena", "5. Valor agregado": "4 · Buena"},
                  "La mesa técnica del diagnóstico fue muy útil.")
    answer_survey(page, base, soledad.planeacion.email,
                  {"1. Cumplimiento de objetivos": "2 · Deficiente", "2. Usabilidad": "3 · Aceptable",
                   "3. Pertinencia": "3 · Aceptable", "4. Calidad": "3 · Aceptable", "5. Valor agregado": "No aplica"},
                  "Necesitamos más visitas presenciales.")

    # 2. The adviser reads the results by aspect, with the threshold.
    sign_in(page, base, adviser.email, PASSWORD)
    page.goto(base + "/monitoreo-360/encuesta/resultados")
    expect(page.get_by_role("heading", level=1, name="Resultados de la encuesta mensual")).to_be_visible()
    months = page.get_by_role("table", name="Calificación por mes, variación e insatisfechos")
    expect(months).to_contain_text("marzo de 2028")
    expect(months).to_contain_text("50,0")  # Soledad (2,75) below 3,5: 50 per 100
    by_aspect = page.get_by_role("table", name="Calificación por aspecto, mes a mes")
    expect(by_aspect.get_by_role("row", name="Cumplimiento de objetivos")).to_contain_text("3,00")
    expect(by_aspect.get_by_role("row", name="Usabilidad")).to_contain_text("4,00")
    expect(page.get_by_role("img", name="Calificación promedio por mes")).to_be_visible()
    expect(page.locator("svg text.m360-threshold-label").first).to_have_text("umbral 3,5")
    expect(page.get_by_role("table", name="Entidades con atención prioritaria")).to_contain_text(
        "Soledad (Atlántico)")
    assert_accessible(page)

    # 3. The adviser fills the Lista de Chequeo of Génova's plan.
    page.goto(f"{base}/monitoreo-360/planes/{genova.plan.id}/lista-de-chequeo")
    for i in range(1, 17):
        group = page.get_by_role("group", name=f"Q{i}.", exact=False)
        label = {4: "Parcial", 13: "No aplica"}.get(i, "Cumple")
        group.get_by_label(label, exact=True).check()
    page.get_by_label("Nota Q4").fill("Dos indicadores de resultado sin línea base.")
    assert_accessible(page)
    page.get_by_role("button", name="Guardar la Lista de Chequeo").click()
    expect(page.get_by_role("heading", name="Calificación vigente: 96,7 de 100")).to_be_visible()
    expect(page.get_by_role("heading", name="Lo que falta (1 ítem)")).to_be_visible()
    sign_out(page)

    # 4. Two SETA cuts compared: the 29th of February and the 15th of March, Génova moved in between.
    cuts.take_cut(db_session, date(2028, 2, 29))
    walk_to(genova, "filed_with_corporacion")
    cuts.take_cut(db_session, date(2028, 3, 15))
    sign_in(page, base, adviser.email, PASSWORD)
    page.goto(base + "/monitoreo-360/cortes")
    page.get_by_label("Corte inicial").select_option(label="29 de febrero de 2028 · Quincenal")
    page.get_by_label("Corte final").select_option(label="15 de marzo de 2028 · Quincenal")
    page.get_by_role("button", name="Comparar").click()
    expect(page.get_by_role("heading", name="Del 29 de febrero de 2028 al 15 de marzo de 2028")).to_be_visible()
    entities = page.get_by_role("table", name="Entidades: avance en cada corte")
    expect(entities.get_by_role("row").nth(1)).to_contain_text("Génova (Quindío)")
    expect(page.get_by_role("img", name="Avance promedio por región")).to_be_visible()
    assert_accessible(page)

    # 5. The adviser files March's report; the coordinator rates it; the ranking shows every input.
    set_today("2028-04-06")
    page.goto(base + "/monitoreo-360/informes")
    expect(page.get_by_role("heading", level=1, name="Informe de actividades de marzo de 2028")).to_be_visible()
    first = page.get_by_role("group", name="Asesoría 1")
    first.get_by_label("Entidad").select_option(label="Génova (Quindío)")
    first.get_by_label("Fecha (AAAA-MM-DD)").fill("2028-03-08")
    first.get_by_label("Tema o hito").fill("Plan estratégico")
    first.get_by_label("Tiene planilla de asistencia").check()
    first.get_by_label("Cargada en SETA el").fill("2028-03-09")
    page.get_by_label("Capacitaciones dictadas").fill("1")
    assert_accessible(page)
    page.get_by_role("button", name="Enviar el informe").click()
    expect(page.locator("p.flash")).to_contain_text("Informe de marzo de 2028 guardado.")
    sign_out(page)
    sign_in(page, base, coordinator.email, PASSWORD)
    page.goto(base + "/monitoreo-360/ranking?mes=2028-03")
    page.get_by_label("Su calificación del mes de asesora").select_option("4")
    page.get_by_role("button", name="Calificar").click()
    card = page.locator(f"#persona-{adviser.id}")
    expect(card.get_by_role("heading")).to_contain_text("1.º nacional")
    components = card.get_by_role("table")
    expect(components).to_contain_text("Informe enviado el 6 de abril de 2028")
    expect(components).to_contain_text("1 de 1 asesoría con planilla de asistencia y registro en SETA.")
    expect(components).to_contain_text("Calificación del coordinador: 4 de 5.")
    # Two answers are too few to show: their mean would say what each entity answered (as the survey's results).
    expect(components).to_contain_text("Sus entidades dieron 2 respuestas en los últimos 3 meses: con menos de 3")
    assert_accessible(page)
    sign_out(page)

    plan = genova.plan.id
    for path, who, name in (("/monitoreo-360/encuesta/resultados", adviser.email, "resultados"),
                            (f"/monitoreo-360/planes/{plan}/lista-de-chequeo", adviser.email, "lista"),
                            ("/monitoreo-360/cortes", adviser.email, "cortes"),
                            ("/monitoreo-360/informes?mes=2028-03", adviser.email, "informe"),
                            ("/monitoreo-360/ranking?mes=2028-03", coordinator.email, "ranking"),
                            ("/monitoreo-360/encuesta?entidad=63302", genova.planeacion.email, "encuesta"),
                            (f"/planes/{plan}", genova.planeacion.email, "plan"),
                            ("/monitoreo-360", adviser.email, "inicio")):
        shots(new_page, base, path, who, name)

    # On a phone the month-by-month table scrolls sideways: its region must take the keyboard's focus (axe
    # scrollable-region-focusable, serious).
    phone = new_page(phone=True)
    sign_in(phone, base, adviser.email, PASSWORD)
    phone.goto(base + "/monitoreo-360/encuesta/resultados")
    region = phone.get_by_role("region", name=re.compile("^Calificación por aspecto, mes a mes"))
    expect(region).to_be_visible()
    # The period's figure and its count are in view without scrolling, beside the aspect (QA, 7 December 2026).
    heads = region.locator("thead th")
    expect(heads.nth(1)).to_have_text("Período")
    assert heads.nth(2).bounding_box()["x"] + heads.nth(2).bounding_box()["width"] <= 360
    assert_accessible(phone)
