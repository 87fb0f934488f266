"""Anonymous public pages answered in front of the app (web/public/front.py): no SQL, no session, no template
while nothing they show changed; any write that changes them is seen on the very next request."""
import io
from datetime import datetime, timezone

import pytest
import redis
from flask import template_rendered
from sqlalchemy import event, select

from tests.workflow_app import test_public
from tests.workflow_app.story import PDF
from workflow_app.infra.extensions import db
from workflow_app.infra.page_cache import GENERATION_KEY
from workflow_app.models import CitizenProposal, Procedure
from workflow_app.services.public.public import moderate_proposal, submit_proposal
from workflow_app.services.route.documents import Upload, store_document

genova = test_public.genova  # Génova in debate, with a hearing scheduled (the fixture of test_public.py)
PAGES = ("/publico/63302", "/publico", "/publico/departamentos/63")


@pytest.fixture
def with_redis(app, redis_url, monkeypatch):
    """The session app as with REDIS_URL: its commits move the generation, its front answers from Redis."""
    client = redis.Redis.from_url(redis_url)
    monkeypatch.setitem(app.extensions, "public_generation", client)
    return client


class Work:
    """What the app did during a request: SQL statements, templates rendered, sessions opened."""

    def __init__(self, app):
        self.app, self.statements, self.templates, self.sessions = app, [], [], 0

    def __enter__(self):
        event.listen(db.engine, "before_cursor_execute", self._statement)
        template_rendered.connect(self._template, self.app)
        interface = self.app.session_interface
        self._open = interface.open_session

        def counted(app, request):
            self.sessions += 1
            return self._open(app, request)

        interface.open_session = counted
        return self

    def __exit__(self, *exc):
        event.remove(db.engine, "before_cursor_execute", self._statement)
        template_rendered.disconnect(self._template, self.app)
        del self.app.session_interface.open_session
        return False

    def _statement(self, conn, cursor, statement, *args):
        self.statements.append(statement)

    def _template(self, sender, template, **extra):
        self.templates.append(template.name)


def test_a_revalidation_and_a_repeat_visit_run_no_sql_no_session_and_no_template(app, client, genova, with_redis):
    first = {path: client.get(path) for path in PAGES}  # built by the app, kept in front of it
    assert all(r.status_code == 200 and r.headers["ETag"] for r in first.values())
    with Work(app) as work:
        for path, page in first.items():
            again = client.get(path, headers={"If-None-Match": page.headers["ETag"]})
            assert again.status_code == 304 and again.get_data() == b"", path
            assert again.headers["ETag"] == page.headers["ETag"] and again.headers["Cache-Control"].startswith("public")
            by_date = client.get(path, headers={"If-Modified-Since": page.headers["Last-Modified"]})
            assert by_date.status_code == 304, path
            repeat = client.get(path)  # a new visitor, no validators: the kept copy
            assert repeat.status_code == 200 and repeat.get_data() == page.get_data(), path
            assert repeat.headers["ETag"] == page.headers["ETag"] and "Set-Cookie" not in repeat.headers
            assert repeat.headers["Content-Security-Policy"] == page.headers["Content-Security-Policy"]
    assert work.statements == [] and work.templates == [] and work.sessions == 0


def test_an_act_is_seen_on_the_next_request(app, client, genova, with_redis, set_today):
    before = client.get("/publico/63302")
    assert client.get("/publico/63302", headers={"If-None-Match": before.headers["ETag"]}).status_code == 304
    generation = int(with_redis.get(GENERATION_KEY) or 0)
    genova.act("corporacion", "record_committee_debate", "2028-05-10", payload={"committee_outcome": "approved"})
    assert int(with_redis.get(GENERATION_KEY)) > generation  # moved by the act's commit
    after = client.get("/publico/63302", headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and after.headers["ETag"] != before.headers["ETag"]
    assert after.get_data() != before.get_data()
    index = client.get("/publico", headers={"If-None-Match": before.headers["ETag"]})
    assert index.status_code == 200  # the index follows every plan too


def test_a_published_proposal_and_a_public_document_are_seen_on_the_next_request(app, client, genova, with_redis,
                                                                                 db_session):
    page = client.get("/publico/63302")
    hearing = db_session.scalar(select(Procedure).where(Procedure.plan_id == genova.plan.id,
                                                        Procedure.machine == "hearing", Procedure.state == "scheduled"))
    today = app.extensions["clock"].today()
    proposal = submit_proposal(db_session, genova.plan, hearing_id=hearing.id, today=today, contact=None,
                               text="Propongo iluminar el camino a la vereda El Cairo, por favor.").proposal
    pending = client.get("/publico/63302")  # a pending proposal is not shown, but the copy was built again
    assert pending.status_code == 200 and "iluminar el camino" not in pending.get_data(as_text=True)
    moderate_proposal(db_session, genova.plan, proposal.id, "publish", genova.planeacion,
                      now=datetime.now(timezone.utc))
    assert db_session.get(CitizenProposal, proposal.id).status == "published"
    shown = client.get("/publico/63302", headers={"If-None-Match": page.headers["ETag"]})
    assert shown.status_code == 200 and "iluminar el camino" in shown.get_data(as_text=True)
    assert client.get("/publico/63302", headers={"If-None-Match": shown.headers["ETag"]}).status_code == 304
    db_session.rollback()
    store_document(db_session, plan_id=genova.plan.id, kind="public_draft", title="Memoria de la audiencia",
                   upload=Upload("memoria.pdf", io.BytesIO(PDF)), uploaded_by_id=genova.planeacion.id, is_public=True)
    db_session.commit()
    changed = client.get("/publico/63302", headers={"If-None-Match": shown.headers["ETag"]})
    assert changed.status_code == 200 and changed.headers["ETag"] != shown.headers["ETag"]


def test_a_write_in_raw_sql_also_moves_the_generation(app, client, genova, with_redis, db_session):
    page = client.get("/publico/63302")
    generation = int(with_redis.get(GENERATION_KEY) or 0)
    db_session.execute(db.text("UPDATE entities SET executive_title = 'alcaldesa' WHERE dane_code = '63302'"))
    db_session.commit()
    assert int(with_redis.get(GENERATION_KEY)) > generation
    with Work(app) as work:  # the kept copy is no longer answered: the app checks its own stamp again
        client.get("/publico/63302", headers={"If-None-Match": page.headers["ETag"]})
    assert work.statements


def test_signed_in_visitors_and_query_strings_always_reach_the_app(app, client, genova, with_redis):
    client.get("/publico/63302")
    client.set_cookie(app.config["SESSION_COOKIE_NAME"], "cualquiera")
    with Work(app) as work:
        assert client.get("/publico/63302").status_code == 200
    assert work.statements  # the app answered, with its own checks
    client.delete_cookie(app.config["SESSION_COOKIE_NAME"])
    with Work(app) as work:
        assert client.get("/publico?q=genova").status_code == 200
    assert work.statements and work.templates


def test_without_redis_the_app_answers_as_before(app, client, genova):
    page = client.get("/publico/63302")
    with Work(app) as work:
        assert client.get("/publico/63302", headers={"If-None-Match": page.headers["ETag"]}).status_code == 304
    assert work.statements  # the stamp's one query, as without the front


GZIP = {"Accept-Encoding": "gzip, deflate, br"}  # what a browser sends


def test_a_browser_that_accepts_gzip_gets_the_kept_copy_compressed_and_revalidates_it(app, client, genova,
                                                                                      with_redis):
    import gzip

    built = client.get("/publico/63302", headers=GZIP)  # built by the app, kept, and answered compressed
    plain = client.get("/publico/63302")
    assert plain.status_code == 200 and "Content-Encoding" not in plain.headers
    with Work(app) as work:
        for zipped in (built, client.get("/publico/63302", headers=GZIP)):
            assert zipped.status_code == 200 and zipped.headers["Content-Encoding"] == "gzip"
            assert gzip.decompress(zipped.get_data()) == plain.get_data()
            assert int(zipped.headers["Content-Length"]) == len(zipped.get_data()) < len(plain.get_data()) / 3
            assert zipped.headers["ETag"] == f"W/{plain.headers['ETag']}"  # the same page, another encoding
            for answer in (zipped, plain):
                assert {"Accept-Encoding", "Cookie"} <= {v.strip() for v in answer.headers["Vary"].split(",")}
        # Either form of the ETag revalidates, compressed or not: no body, no SQL
        for etag in (built.headers["ETag"], plain.headers["ETag"]):
            again = client.get("/publico/63302", headers={**GZIP, "If-None-Match": etag})
            assert again.status_code == 304 and again.get_data() == b"" and "Content-Encoding" not in again.headers
        head = client.head("/publico/63302", headers=GZIP)
        assert head.headers["Content-Encoding"] == "gzip" and head.get_data() == b""
        assert head.headers["Content-Length"] == built.headers["Content-Length"]
        # gzip refused (q=0) or not named: the page as it is
        for refused in ("gzip;q=0, identity", "identity", "br"):
            answer = client.get("/publico/63302", headers={"Accept-Encoding": refused})
            assert "Content-Encoding" not in answer.headers and answer.get_data() == plain.get_data(), refused
    assert work.statements == [] and work.templates == []


def test_a_head_before_any_get_answers_the_headers_of_the_get(app, client, genova, with_redis):
    """HEAD stands for the GET: the first visit may be a HEAD (a link checker, a proxy), and its headers must be the
    compressed GET's, not the page built for a HEAD; the copy it builds serves the GET that follows."""
    head = client.head("/publico/63302", headers=GZIP)
    assert head.status_code == 200 and head.get_data() == b"" and head.headers["Content-Encoding"] == "gzip"
    with Work(app) as work:
        got = client.get("/publico/63302", headers=GZIP)
    assert work.statements == [] and work.templates == []  # kept by the HEAD
    for name in ("Content-Encoding", "Content-Length", "ETag", "Vary", "Cache-Control"):
        assert head.headers[name] == got.headers[name], name
    assert client.head("/publico/no-existe").status_code == 404


def test_the_app_revalidates_the_weak_etag_of_a_compressed_copy(app, client, genova):
    """Without the front (no Redis) or once its copy is gone, the app itself compares ``If-None-Match`` weakly."""
    page = client.get("/publico/63302")
    assert client.get("/publico/63302", headers={"If-None-Match": f"W/{page.headers['ETag']}"}).status_code == 304
    assert client.get("/publico/63302", headers={"If-None-Match": 'W/"otra"'}).status_code == 200


def test_a_compressed_body_gone_or_kept_for_another_copy_is_never_sent(app, client, genova, with_redis):
    from workflow_app.web.public.front import FRONT_PREFIX, GZIP_SUFFIX

    plain = client.get("/publico/63302").get_data()
    key = FRONT_PREFIX + "/publico/63302" + GZIP_SUFFIX
    etag = with_redis.get(key).partition(b"\n")[0]
    with_redis.set(key, b'"otra"\n' + with_redis.get(key).partition(b"\n")[2])  # another copy's body
    answer = client.get("/publico/63302", headers=GZIP)
    assert "Content-Encoding" not in answer.headers and answer.get_data() == plain
    assert answer.headers["ETag"] == f'"{etag.decode()}"'  # the strong ETag of the page as it is
    with_redis.delete(key)  # expired apart from its copy
    answer = client.get("/publico/63302", headers={**GZIP, "If-None-Match": '"vieja"'})
    assert answer.status_code == 200 and "Content-Encoding" not in answer.headers and answer.get_data() == plain
