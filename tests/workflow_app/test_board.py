"""The early-warning board: scope, risk first, filters and order, regions and departments, delay attribution."""
import random
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from state_machines import calendar as legal_calendar
from state_machines.approval.route import DUTIES
from state_machines.core.roles import Role
from tests.workflow_app.helpers import login
from tests.workflow_app.story import Cast, make_plan, make_user, walk_to
from workflow_app.models import Membership, Plan
from workflow_app.services.monitoring import board as board_service
from workflow_app.services.route.plans import period_facts

PASSWORD = "clave-de-prueba"
TODAY = "2028-04-25"

# walk_to's 2028 route, with CRQ's concept on 15 March (a CAR that answers keeps the board free of its alert).
ROUTE = (
    ("ejecutivo", "take_office", "2028-01-03", {}),
    ("planeacion", "start_drafting", "2028-01-10", {}),
    ("planeacion", "submit_to_consejo_de_gobierno", "2028-02-29", {}),
    ("planeacion", "consolidate", "2028-02-29", {}),
    ("ejecutivo", "submit_to_ctp", "2028-02-29", {}),
    ("CRQ", "receive_concept", "2028-03-15", {"machine": "car_review", "subject": "CRQ",
                                               "payload": {"concept": "favorable"}}),
    ("ctp", "record_ctp_concept", "2028-03-27", {"payload": {"scope": "total", "concept": "favorable"}}),
    ("planeacion", "consider_concepts", "2028-04-03", {}),
    ("ejecutivo", "file_with_corporacion", "2028-04-28", {}),
    ("corporacion", "assign_to_committee", "2028-05-02", {}),
)


def walk_with_car_concept(cast, stop):
    for who, trigger, on, kw in ROUTE:
        if cast.plan.state == stop and trigger != "receive_concept":  # the concept goes with its state
            return
        cast.act(who, trigger, on, **kw)
    assert cast.plan.state == stop


@pytest.fixture
def scenario(db_session, set_today):
    """Three plans on 25 April 2028: Quindío's gobernación still drafting (consolidation overdue), Génova adjusting
    (3 business days to file), Buenavista silent since the period began (its posesión is presumed on 1 January, so
    consolidation and presentation to the CTP are overdue: issue 18); Sucre outside the adviser's scope."""
    set_today(TODAY)
    genova = Cast(db_session, make_plan(db_session, "63302"))
    walk_with_car_concept(genova, "adjusting")
    quindio = Cast(db_session, make_plan(db_session, "63"))
    walk_to(quindio, "drafting")
    buenavista = make_plan(db_session, "63111")
    sucre = make_plan(db_session, "70")
    asesora = make_user(db_session, "asesora@dnp.co", Role.ASESOR, genova.plan.entity)
    for plan in (quindio.plan, buenavista):
        db_session.add(Membership(user_id=asesora.id, role="asesor", entity_id=plan.entity_id))
    db_session.commit()
    admin = make_user(db_session, "admin@prueba.co", Role.ADMIN)
    return {"genova": genova, "quindio": quindio, "buenavista": buenavista, "sucre": sucre, "asesora": asesora,
            "admin": admin}


def board_as(client, user, url="/tablero"):
    login(client, user.email, PASSWORD)
    response = client.get(url)
    return response, response.get_data(as_text=True)


def entity_order(html):
    return re.findall(r'<th scope="row" data-label="Entidad"><a [^>]+>([^<]+)</a>', html)


def test_adviser_sees_only_her_entities_with_those_at_risk_first(client, scenario):
    response, html = board_as(client, scenario["asesora"])
    assert response.status_code == 200
    # Issue 18: Buenavista recorded nothing, but the law's clock ran from 1 January: overdue like Quindío.
    assert entity_order(html) == ["Buenavista (Quindío)", "Gobernación del Quindío", "Génova (Quindío)"]
    assert "Sucre" not in html.split("<tbody>")[1]
    assert "Vencido: Consolidar el proyecto de plan en el Consejo de Gobierno" in html
    # Each row in its entity's words, as its plan page says them (not "acuerdo u ordenanza … concejo o asamblea").
    assert "Quedan 3 días hábiles para: Radicar el proyecto de acuerdo ante el Concejo de Génova" in html
    assert "Vencido: Presentar el proyecto consolidado al CTP, con copia a la Asamblea del Quindío" in html
    assert "concejo o asamblea" not in html.split("<tbody>")[1].split("</tbody>")[0]


def test_admin_sees_the_whole_country(client, scenario):
    _, html = board_as(client, scenario["admin"])
    assert len(entity_order(html)) == 4 and "Gobernación de Sucre" in html


def test_user_without_plans_sees_an_empty_board_and_no_department(client, db_session, scenario):
    nobody = make_user(db_session, "ctp.suelto@prueba.co", Role.CTP, scenario["sucre"].entity)
    _, html = board_as(client, nobody)
    assert entity_order(html) == ["Gobernación de Sucre"]
    assert client.get("/tablero/departamentos/63").status_code == 403
    assert client.get("/tablero/departamentos/00").status_code == 404


def test_risk_levels_slack_and_overdue_steps(db_session, scenario):
    rows = {r.dane_code: r for r in board_service.load_rows(db_session, scenario["asesora"], date(2028, 4, 25))}
    quindio, genova, buenavista = rows["63"], rows["63302"], rows["63111"]
    assert quindio.risk == "vencido" and [p.deadline.key for p in quindio.overdue] == ["consolidation",
                                                                                       "ctp_presentation"]
    assert quindio.slack < 0
    assert genova.risk == "proximo" and genova.next_step.deadline.key == "filing" and genova.slack == 3
    assert genova.next_step.deadline.act_by == date(2028, 4, 28)
    # Issue 18: a silent plan is what it is, overdue, from the presumed posesión on the period's first day.
    assert buenavista.state == "elected" and buenavista.risk == "vencido"
    assert [p.deadline.key for p in buenavista.overdue] == ["consolidation", "ctp_presentation"]
    assert buenavista.next_step.deadline.key == "consolidation" and buenavista.slack < 0


def test_soft_deadline_close_is_not_a_risk(db_session, scenario, set_today):
    """Six business days before filing: not yet at risk (the threshold is 5)."""
    rows = {r.dane_code: r for r in board_service.load_rows(db_session, scenario["asesora"], date(2028, 4, 20))}
    assert rows["63302"].slack == 6 and rows["63302"].risk == "al_dia"


def test_filters_and_order(client, scenario):
    login(client, scenario["admin"].email, PASSWORD)
    html = client.get("/tablero?riesgo=vencido").get_data(as_text=True)
    # Issue 18: the silent plans (Buenavista, Sucre) are overdue too.
    assert entity_order(html) == ["Buenavista (Quindío)", "Gobernación del Quindío", "Gobernación de Sucre"]
    html = client.get("/tablero?estado=adjusting").get_data(as_text=True)
    assert entity_order(html) == ["Génova (Quindío)"]
    html = client.get("/tablero?departamento=70").get_data(as_text=True)
    assert entity_order(html) == ["Gobernación de Sucre"]
    html = client.get("/tablero?region=Caribe").get_data(as_text=True)
    assert entity_order(html) == ["Gobernación de Sucre"]
    html = client.get("/tablero?orden=entidad").get_data(as_text=True)
    assert entity_order(html) == ["Buenavista (Quindío)", "Génova (Quindío)", "Gobernación del Quindío",
                                  "Gobernación de Sucre"]
    assert 'aria-sort="ascending"><a href="/tablero?orden=-entidad"' in html
    html = client.get("/tablero?orden=-avance").get_data(as_text=True)
    assert entity_order(html)[0] == "Génova (Quindío)"
    html = client.get("/tablero?orden=nada&estado=inventado").get_data(as_text=True)
    assert len(entity_order(html)) == 4  # unknown values are ignored, not errors


def test_board_has_charts_with_text_alternatives_and_no_inline_style(client, scenario):
    response, html = board_as(client, scenario["admin"])
    assert html.count('<svg class="chart') == 3
    assert 'role="img"' in html and "<title" in html and "<desc" in html
    assert "Avance promedio por región (%)" in html and "Planes por estado" in html
    assert " style=" not in html and "<script" not in html and "<style" not in html
    assert 'scope="col"' in html and "<caption>" in html
    css = client.get("/tablero/board.css")
    assert css.status_code == 200 and css.mimetype == "text/css"


def test_regions_and_department_views(client, scenario):
    login(client, scenario["asesora"].email, PASSWORD)
    html = client.get("/tablero/regiones").get_data(as_text=True)
    assert "Eje Cafetero y Antioquia" in html and "/tablero/departamentos/63" in html and "Caribe" not in html
    html = client.get("/tablero/departamentos/63").get_data(as_text=True)
    assert "Tablero de Quindío" in html and len(entity_order(html)) == 3
    assert client.get("/tablero/departamentos/70").status_code == 403


def test_a_department_in_a_period_without_its_plans_is_an_empty_board_not_a_refusal(client, scenario, app):
    """The board's period links reach every period with plans in the country; a departamento with none of them in
    an earlier period answered 403 «Su cuenta no sigue entidades de este departamento», even to the administrator."""
    login(client, scenario["asesora"].email, PASSWORD)
    response = client.get("/tablero/departamentos/63?periodo=2024")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and entity_order(html) == []
    assert "Tablero de Quindío · período 2024–2027" in html
    assert "Ningún plan que usted siga en Quindío en el período 2024–2027." in html
    assert "coincide con los filtros" not in html
    assert client.get("/tablero/departamentos/70?periodo=2024").status_code == 403  # still none of hers there
    admin = app.test_client()
    login(admin, scenario["admin"].email, PASSWORD)
    assert admin.get("/tablero/departamentos/70?periodo=2024").status_code == 200
    # With plans in scope, an empty table still blames the filters.
    html = client.get("/tablero/departamentos/63?estado=in_force").get_data(as_text=True)
    assert entity_order(html) == [] and "Ningún plan coincide con los filtros." in html


def test_advisers_rollup_is_for_admins(client, scenario, app):
    login(client, scenario["asesora"].email, PASSWORD)
    assert client.get("/tablero/asesores").status_code == 403
    admin = app.test_client()
    login(admin, scenario["admin"].email, PASSWORD)
    html = admin.get("/tablero/asesores").get_data(as_text=True)
    assert "asesora" in html and ">3<" in html


def test_nav_link_to_board_for_users_who_follow_plans(client, scenario):
    login(client, scenario["asesora"].email, PASSWORD)
    assert '<a href="/tablero">Tablero</a>' in client.get("/").get_data(as_text=True)


# --- Delay attribution -------------------------------------------------------------------------------------------

@pytest.fixture
def dated(db_session, set_today):
    """Génova's 2028 route, with CRQ's concept on 15 March, in debate on 10 May 2028."""
    set_today("2028-05-10")
    cast = Cast(db_session, make_plan(db_session, "63302"))
    walk_with_car_concept(cast, "in_debate")
    return cast


def test_delay_attribution_on_a_dated_scenario(db_session, dated):
    row = board_service.plan_row(db_session, dated.plan, date(2028, 5, 10))
    # Executive: posesión (1 Jan -> 3 Jan) 1, in office 3 -> 10 Jan 4 (Reyes moved to 10 Jan), drafting
    # 10 Jan -> 29 Feb 36, consolidation and CTP presentation the same day 0, CTP stage closed 27 Mar -> 3 Apr 5,
    # adjusting 3 Apr -> 28 Apr 17.
    assert row.waits["ejecutivo"] == 1 + 4 + 36 + 5 + 17
    assert row.waits["ctp"] == 18  # 29 Feb -> 27 Mar (San José moved to 20 Mar; Holy Thursday/Friday in April)
    assert row.waits["corporacion"] == 7  # 28 Apr -> 10 May (1 May holiday)
    assert row.waits["car"] == 11  # copy received 29 Feb -> concept 15 Mar
    assert [(w.code, w.is_answered, w.days) for w in row.car_waits] == [("CRQ", True, 11)]


def test_unanswered_car_waits_until_the_executive_went_on(db_session, set_today):
    set_today("2028-05-10")
    cast = Cast(db_session, make_plan(db_session, "63302"))
    walk_to(cast, "in_debate")
    row = board_service.plan_row(db_session, cast.plan, date(2028, 5, 10))
    assert row.waits["car"] == 23  # 29 Feb -> consider_concepts on 3 Apr
    assert row.car_waits[0].until == date(2028, 4, 3) and not row.car_waits[0].is_answered


def test_delay_attribution_is_shown_on_the_board_and_the_hitos_page(client, db_session, dated):
    login(client, dated.planeacion.email, PASSWORD)
    html = client.get("/tablero").get_data(as_text=True)
    assert '<abbr title="Alcaldía o gobernación">Ejecutivo</abbr> 63' in html
    assert '<abbr title="Concejo o asamblea">Corporación</abbr> 7' in html
    page = client.get(f"/planes/{dated.plan.id}/hitos").get_data(as_text=True)
    assert "Atribución de demoras" in page and "concepto el 15 de marzo de 2028: 11 días hábiles" in page


def test_each_state_waits_on_a_party_that_owes_one_of_its_duties():
    """WAITING_ON (from the transition table) agrees with route.DUTIES: in every state with a pending duty, the
    party waited on owes one of those duties (submitted_to_ctp owes both the CTP's concept and the filing)."""
    party = {Role.EJECUTIVO: "ejecutivo", Role.PLANEACION: "ejecutivo", Role.CTP: "ctp",
             Role.CORPORACION: "corporacion"}
    owed: dict[str, set] = {}
    for duty in DUTIES:
        if duty.deadline_key in {"car_concept", "piscc", "governor_copy", "objections_convocation",
                                 "objected_publication"}:
            continue  # the CAR is counted from its procedure; the PISCC comes after the plan is adopted; the
            # copy to the governor (L136 art. 82) is an act beside the route, which does not move the plan, and so
            # are the convocation of a Concejo in recess to decide objections (L136 art. 78 inc. 3) and the
            # publication of the project an Asamblea in recess could not receive (L2200 art. 100 inc. 4): the
            # objected plan waits on the corporation's decision
        for state in duty.pending_states:
            owed.setdefault(state, set()).update(party[r] for r in duty.roles)
    for state, parties in owed.items():
        assert WAITING(state) in parties, (state, parties)
    assert WAITING("submitted_to_ctp") == "ctp" and WAITING("in_debate") == "corporacion"
    assert WAITING("published") is None and WAITING("in_force") is None


def WAITING(state):
    return board_service.WAITING_ON[state]


# --- Internals that keep the board fast but must not drift -----------------------------------------------------------

def test_board_facts_equal_the_plan_service_facts(db_session, dated):
    row = board_service.plan_row(db_session, dated.plan, date(2028, 5, 10))
    assert board_service.facts_of(row) == period_facts(dated.plan)


def test_day_counter_agrees_with_the_calendar():
    rng = random.Random(6)
    for weekdays in ((5, 6), (6,), (0, 5, 6)):
        counter = board_service.day_counter(weekdays, 2028)
        cal = legal_calendar.default_calendar(weekdays)
        for _ in range(300):
            a = date(2026, 6, 1) + timedelta(days=rng.randrange(0, 2500))
            b = a + timedelta(days=rng.randrange(-200, 200))
            assert counter.between(a, b) == cal.business_days_between(a, b), (weekdays, a, b)


def test_board_queries_do_not_grow_with_the_number_of_plans(app, db_session, scenario):
    from sqlalchemy import event

    def queries() -> int:
        statements = []
        admin = db_session.get(type(scenario["admin"]), scenario["admin"].id)
        _ = admin.memberships

        def count(*_args, **_kw):
            statements.append(1)

        engine = db_session.get_bind()
        event.listen(engine, "before_cursor_execute", count)
        try:
            rows = board_service.load_rows(db_session, admin, date(2028, 4, 25))
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len(rows), len(statements)

    queries()  # plans created without an act (make_plan) get their summary rows on the first read
    plans, few = queries()
    for code in ("05001", "05002", "08001", "11001", "13001"):
        walk_to(Cast(db_session, make_plan(db_session, code), car_codes=()), "drafting")
    more_plans, more = queries()
    assert (plans, more_plans) == (4, 9) and more == few <= 9


def test_the_table_is_paged_while_summary_charts_and_downloads_cover_every_row(client, scenario, monkeypatch):
    monkeypatch.setattr(board_service, "PAGE_SIZE", 3)
    login(client, scenario["admin"].email, PASSWORD)
    everyone = ["Buenavista (Quindío)", "Génova (Quindío)", "Gobernación del Quindío", "Gobernación de Sucre"]
    html = client.get("/tablero?orden=entidad").get_data(as_text=True)
    assert entity_order(html) == everyone[:3]
    assert "Planes 1 a 3 de 4" in html and "<strong>4</strong> planes" in html
    assert 'href="/tablero?orden=entidad&amp;pagina=2" rel="next">Siguiente' in html
    assert 'aria-current="page">1</a>' in html
    html = client.get("/tablero?orden=entidad&pagina=2").get_data(as_text=True)
    assert entity_order(html) == everyone[3:] and "Planes 4 a 4 de 4" in html and 'rel="prev"' in html
    # A new order or filter starts again at page 1; the downloads carry no page.
    assert 'href="/tablero?orden=-entidad"' in html and "pagina" not in html.split("Descargar esta selección")[1][:300]
    csv = client.get("/tablero.csv?orden=entidad&pagina=2").get_data(as_text=True)
    assert all(name.split(" (")[0] in csv for name in ("Buenavista", "Génova", "Sucre"))
    # Out of range or nonsense: the nearest page, never an error.
    assert entity_order(client.get("/tablero?orden=entidad&pagina=99").get_data(as_text=True)) == everyone[3:]
    for bad in ("0", "-1", "abc", "9" * 40):
        response = client.get(f"/tablero?orden=entidad&pagina={bad}")
        assert response.status_code == 200 and entity_order(response.get_data(as_text=True)) == everyone[:3]


def test_page_numbers_keep_the_ends_and_the_neighbourhood():
    page = board_service.Page(number=6, count=12, first=501, last=600, total=1135)
    assert page.numbers == [1, None, 4, 5, 6, 7, 8, None, 12]
    assert board_service.Page(1, 1, 0, 0, 0).numbers == [1]
    rows, page = board_service.page_of(list(range(1135)), 12)
    assert (page.number, page.count, page.first, page.last, len(rows)) == (12, 12, 1101, 1135, 35)


# --- Summary rows (issue 15): the board reads one row per plan, and shows the same figures ---------------------

STOPS = ("in_office", "drafting", "consolidated", "submitted_to_ctp", "adjusting", "filed_with_corporacion",
         "in_debate", "sanction_pending", "in_force")


def test_the_board_from_summary_rows_equals_a_full_recomputation(app, client, db_session, set_today):
    """Demo data and random plans walked to random states, at several dates: the rows kept current by the acts
    give the same board (rows, summary, rendered page) as rows rebuilt from every plan's history."""
    from sqlalchemy import delete, select

    from tests.demo_copy import demo_data
    from workflow_app.models import Entity, Plan, PlanSummary
    from workflow_app.services.monitoring import board_summary

    set_today("2028-03-10")
    demo_data()
    taken = set(db_session.scalars(select(Plan.entity_id)))
    free = sorted(db_session.scalars(select(Entity.dane_code).where(Entity.id.not_in(taken))))
    rng = random.Random(15)
    for code in rng.sample(free, 8):
        walk_to(Cast(db_session, make_plan(db_session, code), car_codes=()), rng.choice(STOPS))
    admin = make_user(db_session, "admin@prueba.co", Role.ADMIN)
    db_session.commit()
    assert board_summary.stale_ids(db_session) == []  # every act kept its plan's row

    days = (date(2028, 3, 10), date(2028, 4, 25), date(2028, 6, 30), date(2029, 1, 15))

    def board_now(today):
        set_today(today.isoformat())
        rows = sorted(board_service.load_rows(db_session, admin, today), key=lambda r: r.plan_id)
        page = client.get("/tablero?orden=holgura").get_data(as_text=True)
        # The sign-out button's token is timestamped; the charts' element ids come from a process-wide counter.
        page = re.sub(r'name="csrf_token" value="[^"]*"|(mapa|grafico)-\d+', "", page)
        return rows, board_service.summary(rows), page

    login(client, admin.email, PASSWORD)
    kept = {day: board_now(day) for day in days}
    assert len(kept[days[0]][0]) >= 10 and len({r.risk for day in days for r in kept[day][0]}) >= 2
    db_session.execute(delete(PlanSummary))
    db_session.commit()
    for day in days:
        rows, summary, page = board_now(day)  # the first read rebuilds every row from the history
        assert rows == kept[day][0], day
        assert summary == kept[day][1] and page == kept[day][2], day


def test_an_act_updates_the_summary_row_in_one_statement_and_a_change_without_act_is_rebuilt(db_session,
                                                                                            set_today):
    from sqlalchemy import event

    from workflow_app.models import PlanSummary
    from workflow_app.services.monitoring import board_summary

    set_today(TODAY)
    cast = Cast(db_session, make_plan(db_session, "63302"))
    walk_to(cast, "in_office")  # the first act finds no row and builds it
    statements = []

    def record(_conn, _cursor, statement, *_args):
        if "plan_summaries" in statement:
            statements.append(statement)

    engine = db_session.get_bind()
    event.listen(engine, "before_cursor_execute", record)
    try:
        walk_to(cast, "drafting")
    finally:
        event.remove(engine, "before_cursor_execute", record)
    # One statement, the act's own write (issue 22: services/route/act_writes.py), updates the row in place.
    assert len(statements) == 1 and statements[0].startswith("WITH p AS")
    assert "UPDATE plan_summaries" in statements[0] and "INSERT INTO plan_summaries" not in statements[0]
    db_session.expire_all()
    summary = db_session.get(PlanSummary, cast.plan.id)
    assert summary.plan_version == cast.plan.version
    kept = board_summary.decode(summary.procedures, summary.events, summary.marks)
    assert [e[0] for e in kept.events] == ["take_office", "start_drafting"]
    assert kept == board_summary.build(db_session, [cast.plan.id])[cast.plan.id]
    cast.plan.posesion_on = date(2028, 1, 2)  # any write of the plan row outside an act moves its version
    db_session.commit()
    assert board_summary.stale_ids(db_session) == [cast.plan.id]
    row = board_service.plan_row(db_session, cast.plan, date(2028, 4, 25))
    assert row.state == "drafting" and board_summary.stale_ids(db_session) == []


def test_the_sweep_and_the_command_rebuild_missing_rows(app, db_session, set_today):
    from notifications.sweep import run_sweep
    from workflow_app.services.monitoring import board_summary

    set_today(TODAY)
    plans = [make_plan(db_session, code) for code in ("63302", "63111")]  # created without an act: no rows
    db_session.commit()
    assert board_summary.stale_ids(db_session) == sorted(p.id for p in plans)
    # Issue 18: the sweep records each plan's presumed posesión (an act): the act keeps its row current.
    report = run_sweep(date(2028, 4, 25))
    assert report.effects == 2 and report.summaries == 0 and board_summary.stale_ids(db_session) == []
    db_session.expire_all()
    assert {p.state for p in db_session.scalars(select(Plan))} == {"in_office"}
    make_plan(db_session, "70")  # another plan without an act and without its row: the sweep rebuilds it
    db_session.commit()
    report = run_sweep(date(2027, 12, 1))  # before its posesión: nothing to record, only the row to rebuild
    assert report.summaries == 1 and board_summary.stale_ids(db_session) == []
    assert "Resúmenes del tablero reconstruidos: 1" in report.as_text()
    result = app.test_cli_runner().invoke(args=["pdt", "refresh-summaries"])
    assert result.exit_code == 0 and "reconstruidos: 3 plan(es)" in result.output


def test_the_board_can_be_sorted_without_the_column_headers(client, scenario):
    """QA 7 December 2026: on a phone the table's headers (which carry the sort links) are hidden; «Ordenar por»
    above the table sorts it as they do."""
    _, html = board_as(client, scenario["asesora"])
    nav = re.search(r'<nav class="board-sort no-print" aria-label="Ordenar los planes">(.*?)</nav>', html, re.S)
    assert nav is not None
    links = dict((label, href) for href, label in re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', nav.group(1)))
    assert list(links) == ["entidad", "estado", "avance", "próximo plazo", "holgura", "pasos vencidos", "riesgo"]
    by_name = client.get(links["entidad"].replace("&amp;", "&")).get_data(as_text=True)
    from workflow_app.reference_data.names import sort_key

    assert entity_order(by_name) == sorted(entity_order(by_name), key=sort_key)  # Spanish order: Génova, Gobernación


def test_phase2_averages_count_only_the_plans_in_phase2():
    """A plan not yet in force has no Phase II progress, not 0 %: 75 % of one plan read «18,8 %» over four (QA,
    7 December 2026); a group with no plan in Phase II shows «—»."""
    from types import SimpleNamespace

    from workflow_app.services.monitoring.board import summary
    from workflow_app.services.monitoring.milestones import rollup

    rows = [SimpleNamespace(progress=p, phase2_progress=p2, risk="ok") for p, p2 in
            ((100.0, 75.0), (40.0, None), (20.0, None), (10.0, None))]
    assert summary(rows)["average2"] == 75.0 and summary(rows)["average"] == 42.5
    lines = rollup([("63", "Quindío", 100.0, False, 75.0), ("63", "Quindío", 40.0, False, None),
                    ("70", "Sucre", 10.0, True, None)])
    assert [(r.label, r.average2) for r in lines] == [("Quindío", 75.0), ("Sucre", None)]


def test_before_its_first_day_an_opened_period_is_what_the_board_and_the_portal_show(client, db_session, set_today,
                                                                                      app):
    """QA, 7 December 2026: the operator opened 2028 in December 2027; until 1 January the board, the portal and
    the regions and advisers' views showed the running period, with no plans, and the 2028 board's links (map
    tiles, regions) lost the period asked for."""
    set_today("2027-12-07")
    genova = make_plan(db_session, "63302")
    asesora = make_user(db_session, "asesora@dnp.co", Role.ASESOR, genova.entity)
    admin = make_user(db_session, "admin@prueba.co", Role.ADMIN)
    db_session.commit()
    _, html = board_as(client, asesora)
    assert "período 2028–2031" in html and entity_order(html) == ["Génova (Quindío)"]
    assert "período 2028–2031" in app.test_client().get("/publico").get_data(as_text=True)
    html = client.get("/tablero/regiones").get_data(as_text=True)
    assert "período 2028–2031" in html and "Eje Cafetero y Antioquia" in html
    # The period asked for is kept by the board's links and read by its other views.
    html = client.get("/tablero?periodo=2028").get_data(as_text=True)
    assert "/tablero/departamentos/63?periodo=2028" in html and "/tablero/regiones?periodo=2028" in html
    earlier = client.get("/tablero/regiones?periodo=2024").get_data(as_text=True)
    assert "período 2024–2027" in earlier and "<p>0 planes que usted sigue" in earlier
    chief = app.test_client()
    login(chief, admin.email, PASSWORD)
    html = chief.get("/tablero/asesores?periodo=2028").get_data(as_text=True)
    assert "período 2028–2031" in html and "asesora" in html
