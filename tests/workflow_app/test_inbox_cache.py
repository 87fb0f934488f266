"""Issue 22: the inbox's lists (duties, other acts, plans followed) are kept as HTML per (memberships, plans in
scope with their versions, reference data's version, Bogotá day): built once, built again on the next visit after
an act, a change of roles, a change of reference data or a new day; never kept while a plan in force is in scope."""
import importlib
import io

import pytest
from sqlalchemy import select

from tests.workflow_app.story import PDF
from tests.workflow_app.test_web_plans import _concept_form, demo, plan_of, sign_in  # noqa: F401 (fixtures)
from workflow_app.infra.page_cache import LocalCache, RedisCache
from workflow_app.models import Membership, Plan, User

account_views = importlib.import_module("workflow_app.web.account.views")  # ``web.account`` names a module too
CTP_DUTY = "/actos/pdt_approval/-/record_ctp_concept"


@pytest.fixture(params=["local", "redis"])
def lists_built(request, app, monkeypatch):
    """Which cache the app uses, and how many times the lists were computed."""
    cache = RedisCache(request.getfixturevalue("redis_url")) if request.param == "redis" else LocalCache()
    monkeypatch.setitem(app.extensions, "worklist_cache", cache)
    calls = []
    original = account_views.pending_for

    def counting(session, user, today, plans=None):
        calls.append(today)
        return original(session, user, today, plans)

    monkeypatch.setattr(account_views, "pending_for", counting)
    return calls


def test_the_lists_are_built_once_and_again_after_an_act(client, demo, db_session, lists_built):  # noqa: F811
    genova = plan_of(db_session, "63302")
    sign_in(client, demo, "ctp.genova")
    first = client.get("/").get_data(as_text=True)
    assert client.get("/").get_data(as_text=True).count(CTP_DUTY) == first.count(CTP_DUTY) == 1
    assert len(lists_built) == 1
    url, token, version = _concept_form(client, genova)
    assert client.post(url, data={
        "csrf_token": token, "expected_version": version, "act_on": "2028-03-09", "reference": "Acta 04",
        "concept": "favorable", "scope": "total", "evidence": (io.BytesIO(PDF), "concepto.pdf"),
    }, content_type="multipart/form-data").status_code == 302
    after = client.get("/").get_data(as_text=True)
    assert len(lists_built) == 2 and CTP_DUTY not in after  # the act moved the plan's version: built again


def test_a_new_role_shows_its_plan_on_the_next_visit(client, demo, db_session, lists_built):  # noqa: F811
    genova = plan_of(db_session, "63302")
    other = db_session.scalar(select(Plan).where(Plan.id != genova.id, Plan.state != "in_force").order_by(Plan.id))
    sign_in(client, demo, "ctp.genova")
    assert f'href="/planes/{other.id}"' not in client.get("/").get_data(as_text=True)
    person = db_session.scalar(select(User).filter_by(email=demo["ctp.genova"].email))
    db_session.add(Membership(user_id=person.id, role="ctp", entity_id=other.entity_id))
    db_session.commit()
    assert f'href="/planes/{other.id}"' in client.get("/").get_data(as_text=True)
    assert len(lists_built) == 2


def test_a_new_day_and_a_reference_change_build_the_lists_again(client, demo, db_session, set_today,  # noqa: F811
                                                                  lists_built):
    from workflow_app.services.cycle.reference_cache import bump_reference_version

    sign_in(client, demo, "ctp.genova")
    client.get("/")
    client.get("/")
    set_today("2028-03-11")
    client.get("/")
    bump_reference_version(db_session)
    db_session.commit()
    client.get("/")
    assert len(lists_built) == 3


def test_a_plan_in_force_in_scope_is_never_kept(client, demo, db_session, lists_built):  # noqa: F811
    genova = plan_of(db_session, "63302")
    db_session.get(Plan, genova.id).state = "in_force"
    db_session.commit()
    sign_in(client, demo, "ctp.genova")
    client.get("/")
    client.get("/")
    assert len(lists_built) == 2
