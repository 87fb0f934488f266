"""Phase II pages on the real stack: the plan page says what comes next and whose, the planning office keeps the
plan indicativo's matrix, the Consejo de Gobierno approves it through the act form, bad input answers in Spanish."""
from __future__ import annotations

import io
import re

import pytest

from state_machines.core.roles import Role
from tests.pdf_samples import VALID as PDF
from tests.workflow_app.helpers import csrf_from, login
from tests.workflow_app.story import Cast, make_plan, make_user, walk_to
from workflow_app.services.route.ppi import PpiLine, save_ppi_version

PPI = (("Agua potable", "Acueductos veredales", "SGP", 100_000_000),
       ("Vías", "Placa huella", "Propios", 50_000_000))


@pytest.fixture
def genova(db_session, set_today):
    cast = Cast(db_session, make_plan(db_session, "63302"))
    cast.plan.entity.fiscal_category = "6"
    db_session.commit()
    walk_to(cast, "adjusting")
    save_ppi_version(db_session, cast.plan, [PpiLine(p, q, y, s, a) for p, q, s, a in PPI for y in range(2028, 2032)],
                     source="form", actor=None, note="PPI")
    walk_to(cast, "in_force")
    cast.consejo = make_user(db_session, "consejo63302@prueba.co", Role.CONSEJO_DE_GOBIERNO, cast.plan.entity)
    set_today("2028-06-01")
    return cast


def act_form(client, url, on, **fields):
    html = client.get(url).get_data(as_text=True)
    version = re.search(r'name="expected_version"[^>]*value="(\d+)"', html)
    data = {"csrf_token": csrf_from(html), "expected_version": version.group(1) if version else "", "act_on": on,
            "reference": "ACTA-1", "evidence": (io.BytesIO(PDF), "acta.pdf"), **fields}
    return client.post(url, data=data, content_type="multipart/form-data")


def matrix_data(html, **override):
    data = {"csrf_token": csrf_from(html)}
    for name, value in re.findall(r'name="(lines-\d+-(?:program|project))"[^>]*value="([^"]*)"', html):
        data[name] = value.replace("&amp;", "&")
    for i in range(len([k for k in data if k.endswith("-program")])):
        data.update({f"lines-{i}-indicator": "Cobertura", f"lines-{i}-responsible": "Planeación",
                     **{f"lines-{i}-target_{y}": str(y * 10) for y in range(1, 5)}})
    data.update(override)
    return data


def test_the_plan_page_says_what_comes_next_in_phase2_and_whose(client, genova, db_session):
    login(client, genova.planeacion.email, "clave-de-prueba")
    page = client.get(f"/planes/{genova.plan.id}").get_data(as_text=True)
    assert "Fase II: con el plan en vigor" in page and "A cargo de:" in page
    # QA 7 December 2026: «No hay acciones a su cargo» stood above «Ver la Fase II (1 acción a su cargo)».
    hacienda = make_user(genova.session, "hacienda@genova.gov.co",
                         Role.HACIENDA, genova.plan.entity)
    for who in (genova.planeacion, genova.ejecutivo, genova.corporacion, hacienda):
        other = client.application.test_client()
        login(other, who.email, "clave-de-prueba")
        mine = other.get(f"/planes/{genova.plan.id}").get_data(as_text=True)
        counted = re.search(r"Ver la Fase II \((\d+) acci", mine)
        assert ("No hay acciones a su cargo en este momento" in mine) is (counted is None), who.email
    phase2 = client.get(f"/planes/{genova.plan.id}/fase-2").get_data(as_text=True)
    assert "Lo que sigue" in phase2 and "Plan Indicativo" in phase2 and "Iniciar la preparación del Plan Indicativo" in phase2
    assert "Hitos de la Fase II" in phase2 and "Armonización presupuestal" in phase2
    assert 'action="/planes/%d/fase-2/hitos#errores"' % genova.plan.id in phase2  # a refusal opens on its box
    assert "Sin la categoría del municipio" not in phase2  # the fixture gives Génova its category
    genova.plan.entity.fiscal_category = None
    db_session.commit()
    without = " ".join(client.get(f"/planes/{genova.plan.id}/fase-2").get_data(as_text=True).split())
    assert "no se calculan los plazos del POAI, del presupuesto ni del informe anual" in without
    genova.plan.entity.fiscal_category = "6"
    db_session.commit()
    reloaded = client.get(f"/planes/{genova.plan.id}/fase-2/hitos")  # a refused form's address, reloaded
    assert reloaded.status_code == 302 and reloaded.headers["Location"].endswith("/fase-2#h-hitos2")
    # «de» + «el» contracts: the PAA is «a cargo del alcalde y la secretaría de planeación», never «de el».
    assert "a cargo del alcalde y la secretaría de planeación" in phase2 and "a cargo de el " not in phase2
    assert "a cargo de la secretaría de planeación" in phase2
    # Hitos the DNP's table does not let read: the proposed name, marked, not hitos-fase2.csv's internal note.
    assert "12. Proyecto de acto administrativo de adopción (nombre reconstruido)" in phase2
    assert "texto ilegible" not in phase2 and "propuesto:" not in phase2


def test_planning_keeps_the_matrix_and_the_consejo_de_gobierno_approves_it(client, genova, db_session, set_today):
    set_today("2028-06-25")
    login(client, genova.planeacion.email, "clave-de-prueba")
    pid = genova.plan.id
    r = act_form(client, f"/planes/{pid}/actos/plan_indicativo/pi/prepare_pi", "2028-06-01")
    assert r.status_code == 302, re.findall(r'(?:field-error|errors)[^>]*>([^<]+)', r.get_data(as_text=True))
    assert "/fase-2" in r.headers["Location"]
    html = client.get(f"/planes/{pid}/fase-2/plan-indicativo").get_data(as_text=True)
    assert "Acueductos veredales" in html and "Meta 2028" in html

    tampered = matrix_data(html, **{"lines-0-project": "Casa de la cultura"})  # not in the PPI
    r = client.post(f"/planes/{pid}/fase-2/plan-indicativo", data=tampered)
    body = r.get_data(as_text=True)
    assert r.status_code == 409 and "No se guardó nada" in body and "L152" in body
    too_long = matrix_data(html, **{"lines-0-responsible": "x" * 200})
    r = client.post(f"/planes/{pid}/fase-2/plan-indicativo", data=too_long)
    assert r.status_code == 422 and "Máximo 120 caracteres" in r.get_data(as_text=True)
    assert 'value="Cobertura"' in r.get_data(as_text=True)  # what was typed stays
    r = client.post(f"/planes/{pid}/fase-2/plan-indicativo", data=matrix_data(html))
    assert r.status_code == 302

    r = act_form(client, f"/planes/{pid}/actos/plan_indicativo/pi/consolidate_pi", "2028-06-10")
    assert r.status_code == 302
    client.post("/logout", data={"csrf_token": csrf_from(client.get(f"/planes/{pid}").get_data(as_text=True))})
    login(client, genova.consejo.email, "clave-de-prueba")
    phase2 = client.get(f"/planes/{pid}/fase-2").get_data(as_text=True)
    assert "Aprobar el Plan Indicativo en el Consejo de Gobierno" in phase2
    r = act_form(client, f"/planes/{pid}/actos/plan_indicativo/pi/approve_pi", "2028-06-20")
    assert r.status_code == 302
    db_session.refresh(genova.plan)
    assert next(p for p in genova.plan.procedures if p.machine == "plan_indicativo").state == "pi_approved"
    page = client.get(f"/planes/{pid}/fase-2").get_data(as_text=True)
    assert "Plan Indicativo aprobado por el Consejo de Gobierno" in page


def test_a_matrix_cell_in_error_is_linked_from_the_summary_by_its_line_and_column(client, genova, set_today):
    """Audit (WCAG 2.1 AA, 3.3.1): «No se guardó nada. Revise los campos marcados.» linked to no cell, and a cell's
    error was tied to nothing. The form posts to «#errores»; each cell in error is named by its line and column,
    linked, marked and described by its error; what was typed stays."""
    set_today("2028-06-25")
    login(client, genova.planeacion.email, "clave-de-prueba")
    pid = genova.plan.id
    assert act_form(client, f"/planes/{pid}/actos/plan_indicativo/pi/prepare_pi", "2028-06-01").status_code == 302
    html = client.get(f"/planes/{pid}/fase-2/plan-indicativo").get_data(as_text=True)
    assert f'action="/planes/{pid}/fase-2/plan-indicativo#errores"' in html
    r = client.post(f"/planes/{pid}/fase-2/plan-indicativo",
                    data=matrix_data(html, **{"lines-1-responsible": "x" * 200, "lines-0-target_2": "9" * 300}))
    body = r.get_data(as_text=True)
    assert r.status_code == 422
    summary = body.split('id="errores" tabindex="-1">')[1].split("</div>")[0]
    links = re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary)
    assert [anchor for anchor, _ in links] == ["lines-0-target_2", "lines-1-responsible"]
    assert links[0][1] == "Línea 1 (Agua potable), Meta 2029"
    assert links[1][1] == "Línea 2 (Vías), Dependencia responsable"
    for anchor, _ in links:
        cell = re.search(rf'<input[^>]*id="{anchor}"[^>]*>', body).group(0)
        assert 'aria-invalid="true"' in cell and f'aria-describedby="{anchor}-err"' in cell
        assert f'<span class="field-error" id="{anchor}-err">' in body
    assert 'value="Cobertura"' in body and "x" * 200 in body


def test_a_role_that_cannot_act_is_refused_with_the_norm(client, genova):
    login(client, genova.corporacion.email, "clave-de-prueba")
    r = client.get(f"/planes/{genova.plan.id}/actos/plan_indicativo/pi/prepare_pi")
    assert r.status_code == 403
    r = client.get(f"/planes/{genova.plan.id}/fase-2/estatuto")
    assert r.status_code == 403


def test_an_act_before_its_turn_says_what_comes_first_with_its_norm(client, genova):
    """QA: approving the Plan Indicativo before its consolidation, filing the budget before drafting it and
    publishing the planes de acción before their approval answered «Esta acción no procede en el estado actual del
    plan («…»)» with no reason or norm."""
    pid = genova.plan.id
    for who, url, said in (
            (genova.consejo, f"/planes/{pid}/actos/plan_indicativo/pi/approve_pi",
             "primero hay que consolidar la matriz del Plan Indicativo (P2; L152 arts. 29, 36; DNP-PI)"),
            (genova.ejecutivo, f"/planes/{pid}/actos/budget/2029/file_budget",
             "primero hay que elaborar el anteproyecto de presupuesto y el MFMP (P13, P15; L819 art. 5; D111 art. 52)"),
            (genova.planeacion, f"/planes/{pid}/actos/action_plans/2028/publish_action_plans",
             "primero hay que aprobar los planes de acción de las dependencias (P19; L152 art. 41)")):
        other = client.application.test_client()
        login(other, who.email, "clave-de-prueba")
        r = other.get(url)
        text = " ".join(r.get_data(as_text=True).split())
        assert r.status_code == 409 and said in text, (url, r.status_code)
        assert "no procede en el estado actual" not in text and "Norma: P" not in text  # cited once, inline


def test_the_executive_records_the_budget_statute_and_bad_numbers_are_refused_in_spanish(client, genova):
    login(client, genova.ejecutivo.email, "clave-de-prueba")
    url = f"/planes/{genova.plan.id}/fase-2/estatuto"
    html = client.get(url).get_data(as_text=True)
    bad = {"csrf_token": csrf_from(html), "act": "Acuerdo 10", "filing_business_days": "99",
           "decision_extension_days": "10", "pi_approval_months": "2"}
    r = client.post(url, data=bad)
    assert r.status_code == 422 and "Entre 1 y 60 días" in r.get_data(as_text=True)
    # The summary links each field, as every form's does; a blank extension is none, not «no es un valor entero».
    assert 'href="#filing_business_days"' in r.get_data(as_text=True)
    r = client.post(url, data={**bad, "filing_business_days": "5", "copies_d111_art59": "y",
                               "decision_extension_days": ""})
    assert r.status_code == 302
    html = client.get(url).get_data(as_text=True)
    assert 'value="5"' in html and "checked" in html



def test_the_demo_walks_filandia_through_phase2_to_a_published_plan_de_compras(client, db_session, set_today):
    from workflow_app.services.cycle.demo import ensure_demo_data

    set_today("2028-03-10")
    ensure_demo_data()
    ensure_demo_data()  # idempotent: nothing replayed
    page = " ".join(client.get("/publico/63272").get_data(as_text=True).split())
    assert "Con el plan en vigor: Fase II" in page
    assert "Aprobado por el Consejo de Gobierno el 9 de julio de 2024" in page
    assert "Viviendas rurales con agua potable. Metas por año: 2024: 80 · 2025: 170 · 2026: 260 · 2027: 350" in page
    assert "Segundo debate en plenaria: 9 de agosto de 2024" in page and "Publicación: 16 de agosto de 2024" in page
    assert "Vigencia 2025: publicado el 29 de enero de 2025" in page
    # Each year's document says its year (QA, 7 December 2026: the same name three times), named as a document,
    # not as the act's order («Publicar el Plan Anual…»).
    assert "Plan Anual de Adquisiciones publicado — Plan Anual de Adquisiciones (plan de compras) 2025" in page
    assert "Publicar el Plan Anual de Adquisiciones —" not in page
    assert "Plan Indicativo aprobado por el Consejo de Gobierno" in page
    from sqlalchemy import select

    from workflow_app.models import Entity, Plan
    plan = db_session.scalar(select(Plan).join(Entity).where(Entity.dane_code == "63272"))
    api = client.get(f"/api/v1/plans/{plan.id}/phase2").get_json()
    states = {(p["machine"], p["subject"]): p["state"] for p in api["procedures"]}
    assert states[("paa", "2025")] == "paa_published" and states[("harmonization", "armonizacion")] == "harm_published"
    assert states[("budget", "2025")] == "budget_published" and api["progress"] > 60  # published with its liquidation
    # Every step still owed cites a norm, its term's or its next act's (QA, 7 December 2026: null on the PAA 2024).
    assert all(p["legal_basis"] for p in api["procedures"] if p["next_step"])


def test_the_board_its_rollups_and_exports_show_phase2_progress_beside_phase1(client, genova, db_session, set_today):
    set_today("2028-06-25")
    asesor = make_user(db_session, "asesor63302@prueba.co", Role.ASESOR, genova.plan.entity)
    genova.act("planeacion", "prepare_pi", "2028-06-02", machine="plan_indicativo", subject="pi")  # hito 2: 3 %
    login(client, asesor.email, "clave-de-prueba")
    board = client.get("/tablero").get_data(as_text=True)
    assert "Avance Fase II" in board and "de avance promedio en los hitos de la Fase II" in board
    assert f'href="/planes/{genova.plan.id}/fase-2">3,0 %</a>' in board
    regions = client.get("/tablero/regiones").get_data(as_text=True)
    assert regions.count("<th scope=\"col\" class=\"num\">Avance Fase II</th>") == 2 and "3,0 %" in regions
    admin = make_user(db_session, "admin@prueba.co", Role.ADMIN)
    client.post("/logout", data={"csrf_token": csrf_from(board)})
    login(client, admin.email, "clave-de-prueba")
    advisers = client.get("/tablero/asesores").get_data(as_text=True)
    assert "asesor63302" in advisers and '<td data-label="Avance Fase II" class="num">3,0 %</td>' in advisers
    csv_text = client.get("/tablero-para-excel.csv").get_data(as_text=True)
    header, *rows = [line.split(";") for line in csv_text.lstrip("\ufeff").splitlines()]
    column = header.index("Avance en hitos de la Fase II (%)")
    assert header[column - 1] == "Avance en hitos (%)" and rows[0][column] == "3"
    history = client.get(f"/planes/{genova.plan.id}/historial-para-excel.csv").get_data(as_text=True)
    assert "Iniciar la preparación del Plan Indicativo" in history and "Plan Indicativo en preparación" in history


def test_my_pending_lists_phase2_acts_of_a_plan_in_force_with_their_terms(client, genova, set_today):
    set_today("2029-01-25")
    login(client, genova.ejecutivo.email, "clave-de-prueba")
    inbox = client.get("/").get_data(as_text=True)
    assert "Publicar el Plan Anual de Adquisiciones" in inbox
    assert "Plan Anual de Adquisiciones (plan de compras) 2029" in inbox
    assert f"/planes/{genova.plan.id}/actos/paa/2029/publish_paa" in inbox


def test_a_phase2_act_keeps_its_pdf_across_an_error_round(client, genova, db_session, set_today):
    """The act form's held PDF (services.route.held_evidence) for a Phase II act, whose sub-procedure has a
    subject ("pi"): the next send without the file records the act and lands on the Phase II page."""
    from sqlalchemy import select

    from workflow_app.models import Document, PlanEvent

    set_today("2028-06-25")
    login(client, genova.planeacion.email, "clave-de-prueba")
    url = f"/planes/{genova.plan.id}/actos/plan_indicativo/pi/prepare_pi"
    first = act_form(client, url, "2027-01-01")  # before the posesión
    html = first.get_data(as_text=True)
    assert first.status_code == 422 and "Ya recibimos «acta.pdf»" in html
    token = re.search(r'name="held_evidence" value="([^"]+)"', html).group(1)
    version = re.search(r'name="expected_version"[^>]*value="(\d+)"', html).group(1)
    second = client.post(url, data={"csrf_token": csrf_from(html), "expected_version": version,
                                    "act_on": "2028-06-01", "reference": "ACTA-1", "held_evidence": token},
                         content_type="multipart/form-data")
    assert second.status_code == 302 and "/fase-2" in second.headers["Location"]
    event = db_session.scalars(select(PlanEvent).filter_by(plan_id=genova.plan.id, trigger="prepare_pi")).one()
    assert db_session.get(Document, event.evidence_ids[0]).original_filename == "acta.pdf"


def test_an_act_form_of_an_ended_plan_starts_on_the_periods_last_day(client, db_session, set_today):
    """QA 7 December 2026: Filandia's 2024–2027 plan, read in March 2028, offered «Fecha del acto» 10/03/2028, a
    date its acts always refuse (they are dated inside the period)."""
    from tests.demo_copy import demo_data

    set_today("2028-03-10")
    accounts = {a.email.split("@")[0]: a for a in demo_data()}
    login(client, accounts["planeacion.filandia"].email, accounts["planeacion.filandia"].password)
    inbox = client.get("/").get_data(as_text=True)
    plan_id = re.search(r'href="/planes/(\d+)"[^>]*>Filandia', inbox).group(1)
    html = client.get(f"/planes/{plan_id}/actos/paa/2024/publish_paa").get_data(as_text=True)
    assert re.search(r'id="act_on"[^>]*value="2027-12-31"', html), html[html.find("<main"):][:3000]


def test_a_target_that_is_not_a_number_is_refused_in_its_cell_and_a_missing_year_blocks_consolidation(
        client, genova, db_session, set_today):
    """QA: «muchas» as a 2028 target and a line with only its 2031 target were saved, consolidated and approved;
    the portal said «Metas por año: muchas, , , ». Targets are numbers (DNP-PI), one per year of the period."""
    set_today("2028-06-25")
    login(client, genova.planeacion.email, "clave-de-prueba")
    pid = genova.plan.id
    assert act_form(client, f"/planes/{pid}/actos/plan_indicativo/pi/prepare_pi", "2028-06-01").status_code == 302
    url = f"/planes/{pid}/fase-2/plan-indicativo"
    html = client.get(url).get_data(as_text=True)
    assert f'action="{url}#errores"' in html
    r = client.post(url, data=matrix_data(html, **{"lines-0-target_1": "muchas", "lines-1-target_2": "1.5"}))
    body = r.get_data(as_text=True)
    assert r.status_code == 422 and "«muchas» no es una meta: escriba la cantidad de 2028 como número" in body
    # Each cell linked from the summary by its line and year (the house's summary, «Línea 1 (…), Meta 2028»).
    assert re.search(r'href="#lines-0-target_1">Línea 1 \(Agua potable\), Meta 2028</a>', body)
    assert re.search(r'href="#lines-1-target_2">Línea 2 \(Vías\), Meta 2029</a>', body) and "con coma («1,5»)" in body
    assert 'value="muchas"' in body and 'aria-describedby="lines-0-target_1-err"' in body  # kept, tied to its cell
    proc = next(p for p in genova.plan.procedures if p.machine == "plan_indicativo")
    db_session.refresh(proc)
    assert "matrix" not in (proc.data or {})  # nothing saved

    only_2031 = {f"lines-1-target_{y}": "" for y in (1, 2, 3)}
    r = client.post(url, data=matrix_data(html, **{"lines-0-target_1": "1.250", "lines-0-target_4": "80 %",
                                                   **only_2031}))
    assert r.status_code == 302  # a blank year may wait for the next save
    page = " ".join(client.get(url).get_data(as_text=True).split())
    assert "Antes de consolidar la matriz" in page and "Vías · Placa huella: las metas de 2028, 2029 y 2030" in page
    r = act_form(client, f"/planes/{pid}/actos/plan_indicativo/pi/consolidate_pi", "2028-06-10")
    text = " ".join(r.get_data(as_text=True).split())
    assert r.status_code == 409, r.status_code
    assert "Falta en Vías / Placa huella: las metas de 2028, 2029 y 2030" in text and "DNP-PI" in text
    r = client.post(url, data=matrix_data(html, **{"lines-0-target_1": "1.250", "lines-1-target_1": "0"}))
    assert r.status_code == 302 and "Antes de consolidar" not in client.get(url).get_data(as_text=True)
    assert act_form(client, f"/planes/{pid}/actos/plan_indicativo/pi/consolidate_pi", "2028-06-10").status_code == 302
    public = " ".join(client.get("/publico/63302").get_data(as_text=True).split())
    assert "Metas por año: 2028: 1.250 · 2029: 20 · 2030: 30 · 2031: 40." in public
