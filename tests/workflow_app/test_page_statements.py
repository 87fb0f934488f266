"""Issue 22: the signed-in pages are built from a fixed number of statements, whatever the number of plans, acts,
documents and notices behind them: no query per plan, per procedure or per row, and no template that loads a
relationship on its own. Each figure below is what the page sends today (bench/pages.py prints the same
statements on the national data set); a page that starts to send one per row fails here."""
import io
import re
from datetime import date

from sqlalchemy import select

from state_machines.core.roles import Role
from tests.workflow_app.helpers import csrf_from, login
from tests.workflow_app.story import PDF, Cast, make_plan, make_user, walk_to
from tests.workflow_app.test_session_memberships import statements_during
from workflow_app.models import Membership, Notification, Plan, PlanEvent, Procedure

PASSWORD = "clave-de-prueba"
INBOX_STATEMENTS = 2  # the person (with the unread notices), the plans in scope's stamp (their lists kept as
#                      HTML: web/account/worklist_cache) with whether each entity answered the month's survey
INBOX_BUILDING_STATEMENTS = 3  # the first visit after a change also loads the plans with their procedures
PLAN_STATEMENTS = 3  # the person (with the unread notices), the plan's graph (with the reference data's version and
#                     the latest checklist review), documents; the record (route, calendar, case file, history)
#                     kept per plan version
PLAN_BUILDING_STATEMENTS = 5  # the first visit after an act also reads the history and the PPI versions
BOARD_STATEMENTS = 10  # the person (with the unread notices), periods, plan ids, rows, hitos and checks (both
#                        phases), leaders, checklist


def _page_statements(client, db_session, path: str) -> list[str]:
    assert client.get(path).status_code == 200  # warm: the memberships' copy on the users row, compiled templates
    db_session.expunge_all()  # the tests share the app's session: start from nothing, as a new request does
    sql = statements_during(db_session, lambda: client.get(path))
    assert client.get(path).status_code == 200
    # The tests keep sessions in the database (no REDIS_URL); in production the record is read from Redis.
    sql = [s for s in sql if "user_sessions" not in s]
    assert [s[:90] for s in sql if not _converted_once(s)] == []
    return sql


def _converted_once(statement: str) -> bool:
    """Whether psycopg keeps this statement's conversion (its ``%(name)s`` placeholders parsed into PostgreSQL's)
    rather than parsing it again on every request: at most 4 KB and 50 parameters (psycopg/_queries.py). The
    sign-in statement grew past 4 KB with the Phase II join and was re-parsed on every page (7 % of the inbox's CPU)."""
    from psycopg import _queries

    return (len(statement.encode()) <= _queries.MAX_CACHED_STATEMENT_LENGTH
            and len(set(re.findall(r"%\((\w+)\)s", statement))) <= _queries.MAX_CACHED_STATEMENT_PARAMS)


def _one_plan_and_person(client, db_session, email: str, role: Role):
    """Génova's plan and a person of ``role`` on it, signed in on ``client``."""
    first = make_plan(db_session, "63302")
    person = make_user(db_session, email, role, first.entity)
    assert login(client, person.email, PASSWORD).status_code == 302
    return first, person


def _notices(db_session, user, plans) -> None:
    """Unread notices about duties of every plan (the figure in the menu decides each one from its plan)."""
    for plan in plans:
        for key in ("ctp_concept", "car_concept:CRQ", None):
            db_session.add(Notification(user_id=user.id, plan_id=plan.id, kind="reminder", step_key=key,
                                        dedupe_key=f"t-{user.id}-{plan.id}-{key}", subject="Aviso", body="Aviso"))
    db_session.commit()


def test_the_inbox_sends_the_same_few_statements_for_one_plan_or_many(client, db_session, set_today):
    set_today("2028-03-10")
    first, person = _one_plan_and_person(client, db_session, "planeacion@quindio.co", Role.PLANEACION)
    one = _page_statements(client, db_session, "/")
    assert len(one) <= INBOX_STATEMENTS, one

    plans = [db_session.merge(first)] + [make_plan(db_session, code) for code in ("63001", "63130", "63190", "63470")]
    for plan in plans:
        db_session.add(Membership(user_id=person.id, role=Role.PLANEACION.value, entity_id=plan.entity_id))
        db_session.add(Procedure(plan_id=plan.id, machine="car_review", subject="CRQ", state="copy_sent", data={}))
    db_session.commit()
    _notices(db_session, person, plans)
    assert client.get("/ayuda").status_code == 200  # the frame's own first visit (the memberships' copy)
    db_session.expunge_all()
    building = [s for s in statements_during(db_session, lambda: client.get("/")) if "user_sessions" not in s]
    assert len(building) <= INBOX_BUILDING_STATEMENTS, [s[:90] for s in building]
    many = _page_statements(client, db_session, "/")
    assert len(many) == len(one), many
    page = client.get("/").get_data(as_text=True)
    assert all(name in page for name in ("Génova", "Armenia", "Calarcá", "Circasia", "Montenegro"))


def test_the_plan_page_sends_the_same_statements_however_long_its_history(client, db_session, set_today):
    set_today("2028-05-03")
    cast = Cast(db_session, make_plan(db_session, "63302"))
    walk_to(cast, "drafting")
    assert login(client, cast.ejecutivo.email, PASSWORD).status_code == 302
    plan_id = cast.plan.id
    early = _page_statements(client, db_session, f"/planes/{plan_id}")
    assert len(early) <= PLAN_STATEMENTS, early

    cast.plan = db_session.get(Plan, plan_id)  # the cast's rows again, after the page's fresh start
    for who in ("ejecutivo", "planeacion", "ctp", "corporacion"):
        setattr(cast, who, db_session.merge(getattr(cast, who)))
    cast.cars = {code: db_session.merge(user) for code, user in cast.cars.items()}
    walk_to(cast, "in_debate")  # seven more acts, each with its document
    _notices(db_session, cast.ejecutivo, [cast.plan])
    assert client.get("/ayuda").status_code == 200  # the frame's own first visit (the memberships' copy)
    db_session.expunge_all()
    building = [s for s in statements_during(db_session, lambda: client.get(f"/planes/{plan_id}"))
                if "user_sessions" not in s]
    assert len(building) <= PLAN_BUILDING_STATEMENTS, [s[:90] for s in building]
    later = _page_statements(client, db_session, f"/planes/{plan_id}")
    assert len(later) == len(early), later
    assert not [s for s in later if re.search(r"FROM (procedures|entities|users)\b", s) and "WHERE users.id" not in s]


def test_the_plan_page_of_an_environmental_authority_reads_its_jurisdictions_once(client, db_session, set_today):
    """A CAR person's roles on a plan come from the entity's jurisdictions: read once for the page (its acts,
    duties and corrections ask the roles worked out when the plan was loaded), not once per question."""
    set_today("2028-05-03")
    cast = Cast(db_session, make_plan(db_session, "63302"))
    walk_to(cast, "submitted_to_ctp")
    person = make_user(db_session, "car@crq.co", Role.CAR, authority="CRQ")
    assert login(client, person.email, PASSWORD).status_code == 302
    sql = _page_statements(client, db_session, f"/planes/{cast.plan.id}")
    # At most once: the plan is read as an act reads it, its entity's authorities from the process's reference
    # cache (``services.cycle.reference_cache``), so a warm page reads none.
    assert len([s for s in sql if "FROM jurisdictions" in s]) <= 1, sql
    page = client.get(f"/planes/{cast.plan.id}").get_data(as_text=True)
    assert f"/planes/{cast.plan.id}/actos/car_review/CRQ/receive_concept" in page  # its roles still seen: its act
    assert len(sql) <= PLAN_STATEMENTS + 1, [s[:90] for s in sql]


def test_the_board_sends_the_same_statements_for_one_plan_or_many(client, db_session, set_today):
    set_today("2028-04-25")
    _, adviser = _one_plan_and_person(client, db_session, "asesora@dnp.co", Role.ASESOR)
    one = _page_statements(client, db_session, "/tablero")
    assert len(one) <= BOARD_STATEMENTS, one

    for code in ("63001", "63130", "63190", "63470", "63"):
        plan = make_plan(db_session, code)
        db_session.add(Membership(user_id=adviser.id, role="asesor", entity_id=plan.entity_id))
    db_session.commit()
    many = _page_statements(client, db_session, "/tablero")
    assert len(many) == len(one), many
    assert "<strong>6</strong> planes" in client.get("/tablero").get_data(as_text=True)


def test_the_unread_figure_counts_a_car_notice_until_that_authority_answers(client, db_session, set_today):
    """The menu's figure in one statement: a notice about one authority's concept counts while that authority's
    review waits, not when another authority of the same plan has answered, and stops counting once it answers."""
    set_today("2028-03-10")
    plan = make_plan(db_session, "63302")
    person = make_user(db_session, "crq@crq.co", Role.CAR, authority="CRQ")
    for subject, state in (("CRQ", "copy_sent"), ("CORTOLIMA", "concept_received")):
        db_session.add(Procedure(plan_id=plan.id, machine="car_review", subject=subject, state=state, data={}))
    db_session.add(Notification(user_id=person.id, plan_id=plan.id, kind="reminder", step_key="car_concept:CRQ",
                                dedupe_key="t-crq", subject="Concepto", body="Concepto", due_on=date(2028, 3, 20)))
    db_session.commit()
    assert login(client, person.email, PASSWORD).status_code == 302
    assert "Notificaciones (1)" in client.get("/ayuda").get_data(as_text=True)
    review = db_session.scalar(select(Procedure).filter_by(plan_id=plan.id, subject="CRQ"))
    review.state = "concept_received"
    db_session.commit()
    assert "Notificaciones (0)" in client.get("/ayuda").get_data(as_text=True)


def test_an_act_sent_from_its_page_reads_its_plan_once_and_nothing_after_its_commit(client, db_session, set_today):
    """The act's page reads its plan as the act does (``reference_cache.load_plan_for_act``: the plan and its
    procedures, the entity, department and period from the process's cache) and the act uses that copy; the
    redirect after the COMMIT names the plan by the address's id. Before, the page read the plan joined to its
    entity, department and period, and read it again after the COMMIT to build the redirect."""
    set_today("2028-03-27")
    cast = Cast(db_session, make_plan(db_session, "63302"))
    walk_to(cast, "submitted_to_ctp")
    assert login(client, cast.ctp.email, PASSWORD).status_code == 302
    url = f"/planes/{cast.plan.id}/actos/pdt_approval/-/record_ctp_concept"
    token = csrf_from(client.get(url).get_data(as_text=True))
    db_session.expunge_all()

    def post():
        response = client.post(url, content_type="multipart/form-data", data={
            "csrf_token": token, "act_on": "2028-03-27", "reference": "R-1", "concept": "favorable", "scope": "total",
            "evidence": (io.BytesIO(PDF), "acta.pdf"), "evidence_is_public": "y"})
        assert response.status_code == 302, response.status_code

    sql = [" ".join(s.split()) for s in statements_during(db_session, post) if "user_sessions" not in s]
    plan_reads = [s for s in sql if s.startswith("SELECT plans.")]
    assert len(plan_reads) == 1, sql
    assert not re.search(r"\b(entities|departments|periods)\b", plan_reads[0]), plan_reads
    # The person, the plan, the evidence's id, the act, its procedure; and the notice that the concept arrived
    # (notifications.events.notify_concept): the executive side's people, their notices.
    assert len(sql) <= 7, [s[:90] for s in sql]
    assert db_session.scalar(select(PlanEvent.act_on).filter_by(plan_id=cast.plan.id, trigger="record_ctp_concept")) \
        == date(2028, 3, 27)  # recorded
