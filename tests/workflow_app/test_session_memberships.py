"""Issue 15: the signed-in person's memberships come with the users row (one query per request, none for the
memberships), and a change of memberships takes effect on the next request."""
import re
import threading

from sqlalchemy import event, select

from state_machines.core.roles import Role
from tests.workflow_app.helpers import login
from tests.workflow_app.story import make_plan, make_user
from workflow_app.models import Membership, User

PASSWORD = "clave-de-prueba"


def statements_during(db_session, action) -> list[str]:
    """The statements this thread sends while ``action`` runs: a job the request started in the in-process runner
    (an e-mail sent at once) is not the request's work."""
    seen: list[str] = []
    me = threading.get_ident()

    def record(_conn, _cursor, statement, *_args):
        if threading.get_ident() == me:
            seen.append(statement)

    engine = db_session.get_bind()
    event.listen(engine, "before_cursor_execute", record)
    try:
        action()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return seen


def test_the_loader_reads_memberships_from_the_users_row_after_the_first_request(client, db_session, set_today):
    set_today("2028-03-10")
    plan = make_plan(db_session, "63302")
    person = make_user(db_session, "planeacion@genova.co", Role.PLANEACION, plan.entity)
    db_session.add(Membership(user_id=person.id, role=Role.EQUIPO.value, entity_id=plan.entity_id))
    db_session.commit()
    assert login(client, person.email, PASSWORD).status_code == 302
    assert client.get("/ayuda").status_code == 200  # first request: memberships read once, the copy stored
    db_session.expire_all()
    assert db_session.scalar(select(User.memberships_cache).where(User.id == person.id)) is not None
    plan_id = plan.id
    db_session.expunge_all()  # the tests share the app's session: start as a fresh request does, from nothing
    sql = statements_during(db_session, lambda: client.get(f"/planes/{plan_id}"))
    assert [s for s in sql if "FROM users" in s]  # the loader ran
    reads = [s for s in sql if re.search(r"(FROM|JOIN) memberships\b", s)]
    assert not reads, reads
    page = client.get(f"/planes/{plan_id}")
    assert page.status_code == 200 and "Génova" in page.get_data(as_text=True)


def test_a_removed_membership_takes_effect_on_the_next_request(client, db_session, set_today):
    set_today("2028-03-10")
    plan = make_plan(db_session, "63302")
    person = make_user(db_session, "planeacion@genova.co", Role.PLANEACION, plan.entity)
    assert login(client, person.email, PASSWORD).status_code == 302
    assert client.get(f"/planes/{plan.id}").status_code == 200
    assert client.get(f"/planes/{plan.id}").status_code == 200  # served from the copy
    membership = db_session.scalar(select(Membership).filter_by(user_id=person.id))
    db_session.delete(membership)  # e.g. the delegated administrator takes the role away
    db_session.commit()
    assert client.get(f"/planes/{plan.id}").status_code in (403, 404)
    admin_role = Membership(user_id=person.id, role=Role.ADMIN.value)
    db_session.add(admin_role)  # and a role given is there on the next request too
    db_session.commit()
    page = client.get("/ayuda").get_data(as_text=True)
    assert "Administración" in page
