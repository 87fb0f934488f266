"""Issue 15: the plan page's route and calendar pictures are cached per (plan, version, day, wording), in Redis
or in the process; an act shows at once, and each person still gets their own act forms. Issue 22: the page's
person-independent parts (route, calendar, case file, history) are kept as HTML by the same key plus the reference
data's version: built once for everyone, built again after an act, a correction or a change of reference data."""
import io
import re

import pytest

import workflow_app.web.plans.views as plan_views
from tests.workflow_app.story import PDF
from tests.workflow_app.test_web_plans import _concept_form, demo, plan_of, sign_in  # noqa: F401 (fixtures)
from workflow_app.infra.page_cache import LocalCache, RedisCache

CTP_ACT = "/actos/pdt_approval/-/record_ctp_concept"


@pytest.fixture(params=["local", "redis"])
def figures_built(request, app, monkeypatch):
    """Which cache the app uses, and a count of the pictures actually drawn."""
    if request.param == "redis":
        cache = RedisCache(request.getfixturevalue("redis_url"))
    else:
        cache = LocalCache()
    monkeypatch.setitem(app.extensions, "plan_figures_cache", cache)
    monkeypatch.setitem(app.extensions, "plan_record_cache", cache)
    calls = []
    original = plan_views.plan_figures

    def counting(*args, **kwargs):
        calls.append(args[0])
        return original(*args, **kwargs)

    monkeypatch.setattr(plan_views, "plan_figures", counting)
    return calls


def test_two_people_share_the_pictures_and_each_sees_only_their_own_act_forms(app, demo, db_session,  # noqa: F811
                                                                              figures_built):
    genova = plan_of(db_session, "63302")
    ctp, alcalde = sign_in(app.test_client(), demo, "ctp.genova"), sign_in(app.test_client(), demo, "alcalde.genova")
    as_ctp = ctp.get(f"/planes/{genova.id}").get_data(as_text=True)
    as_alcalde = alcalde.get(f"/planes/{genova.id}").get_data(as_text=True)
    assert figures_built == ["submitted_to_ctp"]  # drawn once, for both
    assert as_ctp.count('id="evento-') == as_alcalde.count('id="evento-') >= 1  # the same history
    assert CTP_ACT in as_ctp and CTP_ACT not in as_alcalde
    assert as_ctp.count("<svg") == as_alcalde.count("<svg") >= 2  # the same pictures on both pages


def test_an_act_gives_the_plan_a_new_version_and_new_pictures(client, demo, db_session, figures_built):  # noqa: F811
    genova = plan_of(db_session, "63302")
    sign_in(client, demo, "ctp.genova")
    before = client.get(f"/planes/{genova.id}").get_data(as_text=True)
    url, token, version = _concept_form(client, genova)
    response = client.post(url, data={
        "csrf_token": token, "expected_version": version, "act_on": "2028-03-09", "reference": "Acta 04",
        "concept": "favorable", "scope": "total", "evidence": (io.BytesIO(PDF), "concepto.pdf"),
    }, content_type="multipart/form-data")
    assert response.status_code == 302
    after = client.get(f"/planes/{genova.id}").get_data(as_text=True)
    assert figures_built == ["submitted_to_ctp", "ctp_stage_closed"]
    assert "Etapa del CTP cerrada" in after and after != before


def test_a_new_day_draws_the_calendar_again(client, demo, db_session, set_today, figures_built):  # noqa: F811
    genova = plan_of(db_session, "63302")
    sign_in(client, demo, "ctp.genova")
    client.get(f"/planes/{genova.id}")
    client.get(f"/planes/{genova.id}")
    set_today("2028-03-11")
    client.get(f"/planes/{genova.id}")
    assert len(figures_built) == 2


def _without_csrf(html: str) -> str:
    return re.sub(r'name="csrf_token" value="[^"]*"', "", html)


@pytest.fixture
def records_built(monkeypatch):
    """How many times the plan page's history was read to build its person-independent parts."""
    calls = []
    original = plan_views.visible_history

    def counting(session, plan):
        calls.append(plan.version)
        return original(session, plan)

    monkeypatch.setattr(plan_views, "visible_history", counting)
    return calls


def test_the_record_is_built_once_for_everyone_and_again_after_an_act(client, demo, db_session, figures_built,  # noqa: F811
                                                                       records_built):
    genova = plan_of(db_session, "63302")
    other = sign_in(client.application.test_client(), demo, "alcalde.genova")
    sign_in(client, demo, "ctp.genova")
    before = client.get(f"/planes/{genova.id}").get_data(as_text=True)
    assert other.get(f"/planes/{genova.id}").status_code == 200
    again = client.get(f"/planes/{genova.id}").get_data(as_text=True)
    assert _without_csrf(again) == _without_csrf(before)
    assert len(records_built) == 1
    assert "N.º Acta 04" not in before
    url, token, version = _concept_form(client, genova)
    assert client.post(url, data={
        "csrf_token": token, "expected_version": version, "act_on": "2028-03-09", "reference": "Acta 04",
        "concept": "favorable", "scope": "total", "evidence": (io.BytesIO(PDF), "concepto.pdf"),
    }, content_type="multipart/form-data").status_code == 302
    after = client.get(f"/planes/{genova.id}").get_data(as_text=True)
    assert len(records_built) == 2  # the act moved the plan's version: the next request builds it again
    history = after[after.index('id="h-hist"'):]
    assert "N.º Acta 04" in history and history.count('id="evento-') == before[before.index('id="h-hist"'):].count(
        'id="evento-') + 1
    assert "Concepto del Consejo Territorial de Planeación" in after  # the new document, listed for this person


def test_a_change_of_reference_data_builds_the_record_again(client, demo, db_session, figures_built,  # noqa: F811
                                                             records_built):
    from workflow_app.services.cycle.reference_cache import bump_reference_version

    genova = plan_of(db_session, "63302")
    sign_in(client, demo, "ctp.genova")
    client.get(f"/planes/{genova.id}")
    client.get(f"/planes/{genova.id}")
    assert len(records_built) == 1
    bump_reference_version(db_session)  # what an entity's, authority's or period's change does in its commit
    db_session.commit()
    client.get(f"/planes/{genova.id}")
    assert len(records_built) == 2


def test_a_document_stored_without_an_act_is_listed_on_the_next_visit(client, demo, db_session,  # noqa: F811
                                                                      figures_built, records_built):
    """The documents part is kept by the rows read on each visit, not by the plan's version: a document stored
    outside an act (the demonstration's public draft) shows at once, and the record is not built again."""
    from workflow_app.services.route.documents import Upload, store_document

    genova = plan_of(db_session, "63302")
    sign_in(client, demo, "alcalde.genova")
    before = client.get(f"/planes/{genova.id}").get_data(as_text=True)
    assert client.get(f"/planes/{genova.id}").get_data(as_text=True).count("Anexo sin acto") == 0
    store_document(db_session, plan_id=genova.id, kind="annex", title="Anexo sin acto",
                   upload=Upload("anexo.pdf", io.BytesIO(PDF)), uploaded_by_id=None)
    db_session.commit()
    after = client.get(f"/planes/{genova.id}").get_data(as_text=True)
    assert "Anexo sin acto" in after and "Anexo sin acto" not in before
    assert len(records_built) == 1  # the plan's version did not move: the record is the kept one


def test_each_reader_gets_the_acts_and_duties_of_their_own_roles_from_the_kept_parts(app, demo, db_session,  # noqa: F811
                                                                                     figures_built):
    """The reader's part is kept per roles: a second visit by each person gives each the same page as their first,
    and never another role's acts."""
    genova = plan_of(db_session, "63302")
    pages = {}
    for slug in ("ctp.genova", "alcalde.genova"):
        person = sign_in(app.test_client(), demo, slug)
        first = person.get(f"/planes/{genova.id}").get_data(as_text=True)
        pages[slug] = (first, person.get(f"/planes/{genova.id}").get_data(as_text=True))
    for first, second in pages.values():
        assert _without_csrf(first) == _without_csrf(second)
    assert CTP_ACT in pages["ctp.genova"][1] and CTP_ACT not in pages["alcalde.genova"][1]
    assert 'id="h-pend-mios"' in pages["ctp.genova"][1]  # the CTP's concept is its own pending term
