"""Issue 22: with Redis, the board's content is kept as HTML per (memberships, query, Bogotá day) while nothing the
app wrote since (the public pages' generation): a second visit builds nothing; an act moves the generation and the
next visit shows it; a person with other memberships never gets another's copy."""
import io
import re

import pytest

from tests.workflow_app.story import PDF
from tests.workflow_app.test_web_plans import _concept_form, demo, plan_of, sign_in  # noqa: F401 (fixtures)
from workflow_app.app import create_app
from workflow_app.services.monitoring import board as board_service


@pytest.fixture
def redis_app(app, redis_url):
    return create_app("test", SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"], REDIS_URL=redis_url,
                      PDT_TODAY="2028-03-10")


@pytest.fixture
def boards_built(monkeypatch):
    calls = []
    original = board_service.board

    def counting(*args, **kwargs):
        calls.append(args[1].id)
        return original(*args, **kwargs)

    monkeypatch.setattr(board_service, "board", counting)
    return calls


def _without_csrf(html: str) -> str:
    return re.sub(r'name="csrf_token" value="[^"]*"', "", html)


def _row_of(html: str, plan_id: int) -> str:
    start = html.index(f"/{plan_id}/hitos")
    return html[start:html.index("</tr>", start)]


def test_the_board_is_kept_until_an_act_is_written(redis_app, demo, db_session, boards_built):  # noqa: F811
    genova = plan_of(db_session, "63302")
    client = sign_in(redis_app.test_client(), demo, "ctp.genova")
    first = client.get("/tablero").get_data(as_text=True)
    again = client.get("/tablero").get_data(as_text=True)
    assert len(boards_built) == 1 and _without_csrf(again) == _without_csrf(first)
    url, token, version = _concept_form(client, genova)
    assert client.post(url, data={
        "csrf_token": token, "expected_version": version, "act_on": "2028-03-09", "reference": "Acta 04",
        "concept": "favorable", "scope": "total", "evidence": (io.BytesIO(PDF), "concepto.pdf"),
    }, content_type="multipart/form-data").status_code == 302
    after = client.get("/tablero").get_data(as_text=True)
    assert len(boards_built) == 2  # the act's commit moved the generation: built again
    assert _row_of(after, genova.id) != _row_of(first, genova.id)


def test_people_with_other_roles_never_share_a_copy(redis_app, demo, db_session, boards_built):  # noqa: F811
    ctp = sign_in(redis_app.test_client(), demo, "ctp.genova")
    mayor = sign_in(redis_app.test_client(), demo, "alcalde.genova")
    ctp.get("/tablero")
    mayor.get("/tablero")
    ctp.get("/tablero")
    assert len(boards_built) == 2
