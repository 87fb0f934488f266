"""DNP hitos: automatic from the plan's history, manual with an evidence note, weights edited by an admin,
roll-ups per department, region, adviser and country."""
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from state_machines.core.roles import Role
from tests.workflow_app.helpers import csrf_from, login
from tests.workflow_app.story import Cast, make_plan, make_user, walk_to
from workflow_app.models import Membership, Milestone, MilestoneCheck
from workflow_app.services.monitoring import board as board_service
from workflow_app.services.monitoring import milestones as ms

PASSWORD = "clave-de-prueba"
# hitos 1, 10, 11, 12, 18 (events up to filing) + 2 (active planeación account); hito 5 (the CTP renewal call)
# waits for its own act, not for the presentation to the Consejo de Gobierno
FILED_PROGRESS = 1 + 12 + 7.5 + 4 + 3.334 + 1


@pytest.fixture
def genova(db_session):
    cast = Cast(db_session, make_plan(db_session, "63302"))
    return cast


def done_numbers(session, plan):
    statuses, _ = ms.plan_milestones(session, plan)
    return {s.milestone.number for s in statuses if s.is_done}


def test_event_hitos_complete_themselves_from_the_walked_history(db_session, genova):
    walk_to(genova, "filed_with_corporacion")
    statuses, progress = ms.plan_milestones(db_session, genova.plan)
    assert {s.milestone.number for s in statuses if s.is_done} == {1, 2, 10, 11, 12, 18}
    assert progress == pytest.approx(FILED_PROGRESS)
    genova.act("planeacion", "open_convocation", "2028-03-01", today="2028-04-28", machine="ctp_formation",
               subject="ctp")
    statuses, progress = ms.plan_milestones(db_session, genova.plan)
    by_number = {s.milestone.number: s for s in statuses}
    assert by_number[5].is_done and by_number[5].event.trigger == "open_convocation"
    assert by_number[5].event.on.isoformat() == "2028-03-01" and progress == pytest.approx(FILED_PROGRESS + 3)
    assert by_number[18].event.trigger == "file_with_corporacion"
    assert by_number[18].event.on.isoformat() == "2028-04-28"
    assert by_number[18].event.actor_name == genova.ejecutivo.name
    assert by_number[3].is_manual and not by_number[3].is_done


def test_progress_is_zero_before_any_act_without_a_team_leader(db_session):
    plan = make_plan(db_session, "63111")
    assert ms.plan_milestones(db_session, plan)[1] == 0


def test_leader_hito_follows_the_active_planeacion_account(db_session, genova):
    assert 2 in done_numbers(db_session, genova.plan)
    genova.planeacion.is_active_account = False
    db_session.commit()
    assert 2 not in done_numbers(db_session, genova.plan)


def test_scheduled_hearing_completes_hito_13_and_held_hearing_hito_14(db_session, genova):
    walk_to(genova, "adjusting")
    genova.act("planeacion", "schedule_hearing", "2028-04-10", evidence=False,
               payload={"scheduled_on": "2028-04-20", "place": "Casa de la cultura", "zone": "Urbana"})
    assert {13} <= done_numbers(db_session, genova.plan) and 14 not in done_numbers(db_session, genova.plan)
    genova.act("planeacion", "hold", "2028-04-20", machine="hearing", subject="1")
    assert {13, 14} <= done_numbers(db_session, genova.plan)


def checker_page(client, plan):
    return client.get(f"/planes/{plan.id}/hitos")


def post_check(client, plan, number, note, is_done="1"):
    page = checker_page(client, plan).get_data(as_text=True)
    return client.post(f"/planes/{plan.id}/hitos/{number}",
                       data={"csrf_token": csrf_from(page), f"h{number}-is_done": is_done, f"h{number}-note": note})


def checks(session):
    return session.scalar(select(func.count()).select_from(MilestoneCheck))


def test_team_checks_a_manual_hito_with_its_note_and_progress_moves(client, db_session, genova):
    login(client, genova.planeacion.email, PASSWORD)
    before = ms.plan_milestones(db_session, genova.plan)[1]
    response = post_check(client, genova.plan, 3, "Acta del taller de estructura del 15 de enero, 23 asistentes")
    assert response.status_code == 302
    statuses, after = ms.plan_milestones(db_session, genova.plan)
    assert after == pytest.approx(before + 1)
    hito3 = next(s for s in statuses if s.milestone.number == 3)
    assert hito3.is_done and hito3.check.note.startswith("Acta del taller") and hito3.checked_by == "planeacion63302"
    page = checker_page(client, genova.plan).get_data(as_text=True)
    assert "Acta del taller de estructura" in page and "Desmarcar este hito" in page


def test_check_without_note_is_refused_in_spanish_and_writes_nothing(client, db_session, genova):
    login(client, genova.planeacion.email, PASSWORD)
    response = post_check(client, genova.plan, 3, "  ")
    assert response.status_code == 422
    assert "Escriba la nota de evidencia." in response.get_data(as_text=True)
    short = post_check(client, genova.plan, 3, "ok")
    assert short.status_code == 422 and "entre 10 y 4.000 caracteres" in short.get_data(as_text=True)
    assert checks(db_session) == 0
    # The answer opens on its error box, which says why, beside the form; the refused form's address reloaded
    # goes back to the hito (QA, 7 December 2026: the box was 2,000 px down, empty of reasons, and a reload 405).
    html = " ".join(response.get_data(as_text=True).split())
    assert 'action="/planes/%d/hitos/3#errores"' % genova.plan.id in html
    box = html.split('id="errores" tabindex="-1">')[1].split("</div>")[0]
    assert "No se guardó nada." in box and "Escriba la nota de evidencia." in box
    again = client.get(f"/planes/{genova.plan.id}/hitos/3")
    assert again.status_code == 302 and again.headers["Location"].endswith(f"/planes/{genova.plan.id}/hitos#hito-3")


def test_each_hito_is_a_heading_and_its_form_says_which_hito_it_marks(client, db_session, genova):
    """Audit (WCAG 2.1 AA, 2.4.6 and 1.3.1): every manual hito had a summary and a button «Marcar como cumplido» and
    a label «Nota de evidencia», none naming its hito, and the hitos' names were bold text, not headings."""
    login(client, genova.planeacion.email, PASSWORD)
    html = checker_page(client, genova.plan).get_data(as_text=True)
    names = dict(re.findall(r'<h3 class="hito-name">(\d+)\. ([^<]+)</h3>', html))
    assert len(names) == db_session.scalar(select(func.count()).select_from(Milestone))
    assert html.index('<h2 id="fase-1">') < html.index('<h3 class="hito-name">1. ')

    def text(markup):
        return re.sub(r"<[^>]+>", "", markup).strip()

    summaries = [text(x) for x in re.findall(r"<summary>(.*?)</summary>", html)]
    buttons = [text(x) for x in re.findall(r'<button type="submit" class="primary">(.*?)</button>', html)]
    labels = [text(x) for x in re.findall(r'<label for="h\d+-note">(.*?)</label>', html)]
    assert len(summaries) == len(buttons) == len(labels) >= 5
    for said in (summaries, buttons, labels):
        assert len(set(said)) == len(said), said
    assert f"Marcar como cumplido: hito 3, {names['3']}" in summaries and \
        f"Marcar como cumplido: hito 3, {names['3']}" in buttons
    assert f"Nota de evidencia (qué documento o hecho lo demuestra), hito 3, {names['3']}" in labels


def test_check_without_csrf_is_refused(client, db_session, genova):
    login(client, genova.planeacion.email, PASSWORD)
    response = client.post(f"/planes/{genova.plan.id}/hitos/3", data={"h3-is_done": "1", "h3-note": "x" * 20})
    assert response.status_code in (400, 422) and checks(db_session) == 0


def test_unchecking_appends_a_row_and_the_latest_row_wins(client, db_session, genova):
    login(client, genova.planeacion.email, PASSWORD)
    assert post_check(client, genova.plan, 6, "Matriz de barrido diagnóstico cargada").status_code == 302
    assert post_check(client, genova.plan, 6, "Se cargó la matriz equivocada, se rehace", "0").status_code == 302
    assert 6 not in done_numbers(db_session, genova.plan)
    assert checks(db_session) == 2
    stale = post_check(client, genova.plan, 6, "Segundo intento de desmarcar el hito", "0")
    assert stale.status_code == 409 and checks(db_session) == 2


def test_event_hito_cannot_be_checked_by_hand(client, db_session, genova):
    login(client, genova.planeacion.email, PASSWORD)
    response = post_check(client, genova.plan, 10, "Ya tenemos el documento completo del plan")
    assert response.status_code == 409 and "se cumple automáticamente" in response.get_data(as_text=True)
    assert checks(db_session) == 0


def test_adviser_may_check_but_the_corporation_may_not(app, db_session, genova):
    asesor = make_user(db_session, "asesora@dnp.co", Role.ASESOR, genova.plan.entity)
    client = app.test_client()
    login(client, asesor.email, PASSWORD)
    assert post_check(client, genova.plan, 7, "Diagnóstico revisado en la visita del 2 de febrero").status_code == 302
    other = app.test_client()
    login(other, genova.corporacion.email, PASSWORD)
    page = checker_page(other, genova.plan).get_data(as_text=True)
    assert "Marcar como cumplido" not in page
    response = other.post(f"/planes/{genova.plan.id}/hitos/9",
                          data={"csrf_token": csrf_from(page), "h9-is_done": "1", "h9-note": "x" * 20})
    assert response.status_code == 403 and checks(db_session) == 1


def test_foreign_plan_hitos_are_hidden(client, db_session, genova):
    other = make_plan(db_session, "70")
    login(client, genova.planeacion.email, PASSWORD)
    assert client.get(f"/planes/{other.id}/hitos").status_code == 404


# --- Weights ---------------------------------------------------------------------------------------------------

@pytest.fixture
def admin_client(app, db_session):
    admin = make_user(db_session, "admin@prueba.co", Role.ADMIN)
    client = app.test_client()
    login(client, admin.email, PASSWORD)
    return client


def weights_form(client, changes=None):
    page = client.get("/admin/hitos").get_data(as_text=True)
    data = {"csrf_token": csrf_from(page)}
    from workflow_app.infra.extensions import db

    for i, m in enumerate(db.session.scalars(select(Milestone).order_by(Milestone.phase, Milestone.number))):
        row = {"number": str(m.number), "name": m.name, "weight_in_phase": f"{m.weight_in_phase:g}".replace(".", ","),
               "weight_total": f"{m.weight_total:g}"}
        row.update((changes or {}).get(m.number, {}))
        data.update({f"rows-{i}-{k}": v for k, v in row.items()})
    return data


def test_admin_renames_hito_4_and_saves_weights_with_decimal_commas(admin_client, db_session):
    data = weights_form(admin_client, {4: {"name": "Definición de la metodología de formulación"}})
    response = admin_client.post("/admin/hitos", data=data)
    assert response.status_code == 302
    db_session.expire_all()
    assert db_session.get(Milestone, 4).name == "Definición de la metodología de formulación"
    assert db_session.get(Milestone, 16).weight_in_phase == pytest.approx(33.33)


def test_weights_that_do_not_sum_to_100_are_refused_and_nothing_is_saved(admin_client, db_session):
    data = weights_form(admin_client, {3: {"weight_in_phase": "10", "name": "Nombre nuevo que no debe quedar"}})
    response = admin_client.post("/admin/hitos", data=data)
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "fase 1 (Alistamiento) suman 105 y deben sumar 100" in text and "No se guardó nada" in text
    db_session.expire_all()
    assert db_session.get(Milestone, 3).weight_in_phase == 5
    assert db_session.get(Milestone, 3).name == "Taller de estructura del PDT"


def test_total_weights_must_sum_to_100(admin_client, db_session):
    data = weights_form(admin_client, {22: {"weight_total": "9"}})
    response = admin_client.post("/admin/hitos", data=data)
    assert response.status_code == 422
    assert "Los pesos sobre el total suman 101 y deben sumar 100." in response.get_data(as_text=True)
    db_session.expire_all()
    assert db_session.get(Milestone, 22).weight_total == 8


def test_a_hito_cell_in_error_is_linked_from_the_summary_by_its_hito_and_column(admin_client, db_session):
    """Audit (WCAG 2.1 AA, 3.3.1): «Revise los campos marcados.» linked to no cell, and a weight's error was tied to
    nothing. The form posts to «#errores»; each cell in error is named by its hito and column, linked, marked and
    described by its error (a name of an unreadable hito keeps its note too); what was typed stays."""
    hito_4 = db_session.scalar(select(Milestone).filter_by(number=4))
    hito_4.name = "Hito 4 (texto ilegible en la fuente; nombre a confirmar)"  # as hitos.csv has it; another
    db_session.commit()  # test of this file may have named it, and the reference tables outlive a test
    page = admin_client.get("/admin/hitos").get_data(as_text=True)
    assert 'action="/admin/hitos#errores"' in page
    data = weights_form(admin_client, {4: {"name": ""}, 6: {"weight_total": "mucho"}})
    response = admin_client.post("/admin/hitos", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    summary = html.split('id="errores" tabindex="-1">')[1].split("</div>")[0]
    links = re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary)
    names = {anchor: said for anchor, said in links}
    name_id = next(anchor for anchor in names if anchor.endswith("-name"))
    total_id = next(anchor for anchor in names if anchor.endswith("-weight_total"))
    assert names[name_id] == "Hito 4, Nombre" and names[total_id] == "Hito 6, Peso sobre el total (%)"
    name = re.search(rf'<textarea[^>]*id="{name_id}"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in name and f'aria-describedby="{name_id}-note {name_id}-err"' in name
    total = re.search(rf'<input[^>]*id="{total_id}"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in total and f'aria-describedby="{total_id}-err"' in total
    assert 'value="mucho"' in total and f'<span class="field-error" id="{total_id}-err">' in html


def test_only_admins_edit_hitos(client, db_session, genova):
    login(client, genova.planeacion.email, PASSWORD)
    assert client.get("/admin/hitos").status_code == 403


# --- Roll-ups ---------------------------------------------------------------------------------------------------

def test_rollups_per_department_region_adviser_and_country(db_session, genova, set_today):
    set_today("2028-05-10")
    walk_to(genova, "filed_with_corporacion")
    sucre = make_plan(db_session, "70")  # no acts, no leader: 0 %
    buenavista = make_plan(db_session, "63111")
    make_user(db_session, "planeacion.buenavista@prueba.co", Role.PLANEACION, buenavista.entity)  # 1 %
    asesora = make_user(db_session, "asesora@dnp.co", Role.ASESOR, genova.plan.entity)
    db_session.add(Membership(user_id=asesora.id, role="asesor", entity_id=sucre.entity_id))
    db_session.commit()

    admin = make_user(db_session, "admin@prueba.co", Role.ADMIN)
    rows = board_service.load_rows(db_session, admin, date(2028, 5, 10))
    assert {r.dane_code: r.progress for r in rows} == pytest.approx({"63302": FILED_PROGRESS, "70": 0, "63111": 1})
    roll = board_service.rollups(rows)
    depts = {r.key: (r.plans, r.average) for r in roll["departments"]}
    assert depts == {"63": (2, pytest.approx(round((FILED_PROGRESS + 1) / 2, 1))), "70": (1, 0)}
    regions = {r.key: r.average for r in roll["regions"]}
    assert regions == {"Eje Cafetero y Antioquia": pytest.approx(round((FILED_PROGRESS + 1) / 2, 1)), "Caribe": 0}
    assert roll["country"][0].average == pytest.approx(round((FILED_PROGRESS + 1) / 3, 1))
    advisers = board_service.adviser_rollup(db_session, rows)
    assert [(a.label, a.plans, a.average) for a in advisers] == [
        ("asesora", 2, pytest.approx(round(FILED_PROGRESS / 2, 1)))]


def test_weights_change_progress_everywhere(db_session, genova):
    walk_to(genova, "consolidated")
    before = ms.plan_milestones(db_session, genova.plan)[1]
    edits = [ms.MilestoneEdit(m.number, m.name, m.weight_in_phase, m.weight_total)
             for m in ms.all_milestones(db_session)]
    swap = {1: 2, 4: 1}  # hito 1 (done) and hito 4 (manual, pending) swap their weights
    edits = [ms.MilestoneEdit(e.number, e.name, {1: 10, 4: 5}.get(e.number, e.weight_in_phase),
                              swap.get(e.number, e.weight_total)) for e in edits]
    ms.update_milestones(db_session, edits)
    assert ms.plan_milestones(db_session, genova.plan)[1] == pytest.approx(before + 1)


# --- The catalogue against hitos.csv ------------------------------------------------------------------------------

# Which act completes each automatic hito, read from hitos.csv's names (the DNP's 2020 table).
EXPECTED_ACTS = {
    1: {"start_drafting"},  # Conformación del equipo
    5: {"open_convocation"},  # Convocatoria del proceso de renovación del CTP (not the Consejo de Gobierno)
    8: {"install_ctp"},  # CTP renovado según la normatividad
    10: {"consolidate"},  # Proyecto de PDT completo
    11: {"submit_to_ctp"},  # Proyecto de PDT entregado al CTP y a la autoridad ambiental
    12: {"consider_concepts"},  # La entidad revisa la pertinencia de los conceptos
    13: {"schedule_hearing"},  # Definir el cronograma de audiencias públicas del PPI
    14: {"hold"},  # Realizar las audiencias públicas del PPI
    16: {"convoke_sessions"},  # Citar a sesiones ordinarias o extraordinarias
    18: {"file_with_corporacion"},  # Entrega del PDT a la corporación pública
    19: {"record_committee_debate"},  # Discusión en la comisión del plan
    20: {"record_plenary_debate", "record_third_debate"},  # Discusión en plenaria (D1222 art. 75: also the third debate)
    21: {"publish", "publish_by_president"},  # Publicar el PDT aprobado (also by the president who sanctioned it)
    22: {"approve_plan", "adopt_by_decree"},  # Aprobación del PDT
}


def test_every_automatic_hito_is_completed_by_the_act_its_name_says(db_session):
    from state_machines.approval.pdt import PDT_MACHINE
    from state_machines.approval.submachines import SUBMACHINES

    catalogue = {m.number: m for m in ms.all_milestones(db_session)}
    assert len(catalogue) == 22 and catalogue[5].name == "Convocatoria del proceso de renovación del CTP"
    label_to_trigger = {t.label: t.trigger for m in (PDT_MACHINE, *SUBMACHINES.values()) for t in m.transitions}
    automatic = {n for n, m in catalogue.items() if ms.event_name(m) not in (None, ms.LEADER_EVENT)}
    assert automatic == set(EXPECTED_ACTS)
    for number in automatic:
        acts = ms.ACTS_OF_EVENT[ms.event_name(catalogue[number])]
        assert {label_to_trigger[label] for label, _ in acts} == EXPECTED_ACTS[number], number
    emitted = {e.split(":", 1)[1] for m in (PDT_MACHINE, *SUBMACHINES.values()) for t in m.transitions
               for e in t.effects if e.startswith("event:")}
    assert emitted <= {ms.event_name(m) for m in catalogue.values()}  # no act marks a hito that does not exist
    assert "presentar el proyecto al consejo de gobierno" not in ms.source_text(catalogue[5]).lower()


def test_admin_sees_how_each_hito_completes_in_words_and_hito_4_says_its_name_is_unknown(client, db_session):
    from workflow_app.services.cycle.reference import _rows

    hito4 = db_session.get(Milestone, 4)
    hito4.name = next(r["name"] for r in _rows("hitos.csv") if r["hito"] == "4")  # as loaded (other tests rename it)
    db_session.commit()
    assert ms.is_name_unconfirmed(hito4)
    admin = make_user(db_session, "admin@prueba.co", Role.ADMIN)
    login(client, admin.email, PASSWORD)
    html = client.get("/admin/hitos").get_data(as_text=True)
    assert "Automático (" not in html and "team_formed" not in html and "ctp_renewal_convened" not in html
    assert "Automático: al registrar «Expedir la convocatoria para conformar o renovar el CTP»" in html
    assert "Automático: mientras la entidad tenga activa una cuenta de la secretaría de planeación" in html
    assert html.count("Manual: lo marca el equipo o su asesor") == 7  # hitos 3, 4, 6, 7, 9, 15, 17
    assert "<strong>Nombre desconocido:</strong> en la tabla de hitos del DNP este texto no se puede leer" in html
    assert re.search(r'<textarea class="name" rows="2" id="rows-3-name" name="rows-3-name"[^>]*'
                     r'aria-describedby="rows-3-name-note">Hito 4', html)


def test_the_planning_office_records_the_ctp_renewal_call_from_the_plan_page(client, db_session, genova):
    walk_to(genova, "consolidated")
    login(client, genova.planeacion.email, PASSWORD)
    page = client.get(f"/planes/{genova.plan.id}").get_data(as_text=True)
    url = f"/planes/{genova.plan.id}/actos/ctp_formation/ctp/open_convocation"
    assert f'href="{url}">Expedir la convocatoria para conformar o renovar el CTP</a>' in page
    form = client.get(url)
    assert form.status_code == 200 and "L152 arts. 34 y 39 num. 4" in form.get_data(as_text=True)
    assert 5 not in done_numbers(db_session, genova.plan)
