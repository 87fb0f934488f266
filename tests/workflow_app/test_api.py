"""Read API: public data open, history and milestones behind personal tokens scoped to the user's plans,
and an OpenAPI document that validates, lists exactly the Flask routes and matches the real responses."""
import re

import pytest
from sqlalchemy import select

from state_machines.core.roles import Role
from tests.workflow_app.helpers import csrf_from, login
from tests.workflow_app.story import Cast, make_plan, make_user, walk_to
from workflow_app.models import ApiToken
from workflow_app.services.people.api_tokens import create_token, digest
from workflow_app.services.route.ppi import PpiLine, save_ppi_version
from workflow_app.web.api.openapi import build_spec


@pytest.fixture
def genova(db_session, set_today):
    set_today("2028-05-05")
    cast = Cast(db_session, make_plan(db_session, "63302"))
    walk_to(cast, "adjusting")
    save_ppi_version(db_session, cast.plan, [PpiLine("Agua", "Acueducto", 2028, "SGP", 1_000_000)],
                     source="form", actor=cast.planeacion)  # before the filing freezes it (L152 art. 40)
    walk_to(cast, "in_debate")
    cast.act("corporacion", "propose_amendment", "2028-05-03",
             payload={"authors": ["Concejal Ana Ríos"], "text": "Sumar un programa de vías"})
    cast.act("planeacion", "schedule_hearing", "2028-05-03",
             payload={"scheduled_on": "2028-05-20", "place": "Casa de la cultura", "zone": "Zona urbana"})
    return cast


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def token_for(session, user):
    return create_token(session, user, "pruebas")[1]


# --- open data -------------------------------------------------------------------------------------------------

def test_public_endpoints_answer_without_a_token(client, genova):
    plan_id = genova.plan.id
    entities = client.get("/api/v1/entities", query_string={"department": "63", "q": "génova"}).get_json()
    assert [e["dane_code"] for e in entities["items"]] == ["63302"] and entities["total"] == 1
    entity = client.get("/api/v1/entities/63302").get_json()
    assert entity["plans"][0]["id"] == plan_id and entity["plans"][0]["state"] == "in_debate"
    plans = client.get("/api/v1/plans", query_string={"state": "in_debate", "period": "2028"}).get_json()
    assert [p["id"] for p in plans["items"]] == [plan_id]
    plan = client.get(f"/api/v1/plans/{plan_id}").get_json()
    assert plan["state_label"] == "En debate en el concejo o asamblea"
    assert plan["amendments"][0]["authors"] == ["Concejal Ana Ríos"]
    assert plan["hearings"][0]["is_open_for_proposals"] is True
    calendar = client.get(f"/api/v1/plans/{plan_id}/calendar").get_json()
    decision = next(d for d in calendar["deadlines"] if d["key"] == "corporation_decision")
    assert decision["legal_basis"] == "L152 art. 40" and decision["status"] == "pendiente"
    ppi = client.get(f"/api/v1/plans/{plan_id}/ppi").get_json()
    assert ppi["totals"] == {"by_year": {"2028": 1_000_000}, "by_source": {"SGP": 1_000_000}, "total": 1_000_000}
    assert client.get(f"/api/v1/plans/{plan_id}/amendments").status_code == 200
    assert client.get(f"/api/v1/plans/{plan_id}/hearings").status_code == 200


def test_public_document_list_hides_private_documents_unless_the_token_sees_the_plan(client, genova, db_session):
    url = f"/api/v1/plans/{genova.plan.id}/documents"
    # issue 18: the CTP's concept is public by law (L1712 arts. 9, 11), and the answers to the concepts with the
    # adjusted project (L1909 art. 22); the other acts' evidence is not
    public = client.get(url).get_json()["documents"]
    assert public and all(d["is_public"] for d in public)
    assert {d["kind"] for d in public} == {"record_ctp_concept", "consider_concepts"}
    everything = client.get(url, headers=bearer(token_for(db_session, genova.ctp))).get_json()["documents"]
    private = [d for d in everything if not d["is_public"]]
    assert private and all(d["download_url"] is None for d in private)


def test_errors_are_spanish_json(client, genova):
    missing = client.get("/api/v1/plans/999999")
    assert missing.status_code == 404 and missing.get_json()["error"]["message"] == "No existe el plan 999999."
    assert client.get("/api/v1/entities/00000").get_json()["error"]["status"] == 404
    bad = client.get("/api/v1/plans", query_string={"state": "volando"})
    assert bad.status_code == 422 and bad.get_json()["error"]["field"] == "state"
    paging = client.get("/api/v1/entities", query_string={"per_page": "5000"})
    assert paging.status_code == 422 and "per_page" in paging.get_json()["error"]["message"]
    unknown = client.get("/api/v1/nada")
    assert unknown.status_code == 404 and "no existe" in unknown.get_json()["error"]["message"]


def test_a_control_character_in_a_query_value_is_a_documented_422_naming_the_parameter(client, genova):
    """Found by schemathesis: a NUL in ``department`` reached PostgreSQL, which refused it (an undocumented 400)."""
    for path in ("/api/v1/entities", "/api/v1/plans"):
        response = client.get(path, query_string={"department": "\x0063", "kind": "municipio"})
        assert response.status_code == 422
        assert response.get_json()["error"]["field"] == "department"


def test_a_version_or_id_too_large_for_the_database_is_a_spanish_answer_not_a_500(client, genova, db_session):
    """Found by posting every form with hostile values: a number past PostgreSQL's integer reached the database."""
    plan = genova.plan.id
    for asked in ("99999999999999999999", "-1", "uno", "1e3"):
        response = client.get(f"/api/v1/plans/{plan}/ppi", query_string={"version": asked})
        assert response.status_code == 422, asked
        assert response.get_json()["error"]["field"] == "version"
    assert client.get(f"/api/v1/plans/{plan}/ppi", query_string={"version": "999999999"}).status_code == 404
    assert client.get(f"/api/v1/plans/{plan}/ppi", query_string={"version": "1"}).status_code == 200
    assert login(client, genova.planeacion.email, "clave-de-prueba").status_code == 302
    create_token(db_session, genova.planeacion, "de planeación")
    page = client.get("/cuenta/tokens").get_data(as_text=True)
    refused = client.post("/cuenta/tokens/revocar", follow_redirects=True,
                          data={"csrf_token": csrf_from(page), "token_id": "99999999999999999999"})
    assert refused.status_code == 200 and "No se pudo revocar el token" in refused.get_data(as_text=True)
    assert db_session.scalar(select(ApiToken)).revoked_at is None


# --- tokens ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["history", "milestones"])
def test_protected_endpoints_are_401_without_a_token(client, genova, path):
    response = client.get(f"/api/v1/plans/{genova.plan.id}/{path}")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "token personal" in response.get_json()["error"]["message"]
    wrong = client.get(f"/api/v1/plans/{genova.plan.id}/{path}", headers=bearer("pdt_inventado"))
    assert wrong.status_code == 401 and "no es válido" in wrong.get_json()["error"]["message"]


def test_history_and_milestones_with_a_token_in_scope(client, genova, db_session):
    token = token_for(db_session, genova.ctp)
    history = client.get(f"/api/v1/plans/{genova.plan.id}/history", headers=bearer(token)).get_json()
    first = history["events"][0]
    assert first["trigger"] == "take_office" and first["actor"]["name"] == genova.ejecutivo.name
    assert history["history_head"] == history["events"][-1]["row_hash"]
    milestones = client.get(f"/api/v1/plans/{genova.plan.id}/milestones", headers=bearer(token)).get_json()
    assert len(milestones["milestones"]) == 22 and 0 < milestones["progress"] <= 100
    assert any(m["is_done"] and m["completed_on"] for m in milestones["milestones"])


def test_token_outside_the_users_scope_is_403_and_unknown_plan_404(client, genova, db_session):
    other = make_plan(db_session, "63111")
    stranger = make_user(db_session, "planeacion.buenavista@prueba.co", Role.PLANEACION, other.entity)
    token = token_for(db_session, stranger)
    denied = client.get(f"/api/v1/plans/{genova.plan.id}/history", headers=bearer(token))
    assert denied.status_code == 403 and "no da acceso" in denied.get_json()["error"]["message"]
    assert client.get(f"/api/v1/plans/{other.id}/history", headers=bearer(token)).status_code == 200
    assert client.get("/api/v1/plans/999999/milestones", headers=bearer(token)).status_code == 404
    # a CAR sees the plans of its jurisdiction (CRQ covers Génova)
    car = token_for(db_session, genova.cars["CRQ"])
    assert client.get(f"/api/v1/plans/{genova.plan.id}/history", headers=bearer(car)).status_code == 200


def test_the_administrators_token_reads_every_plan_as_its_pages_do(client, genova, db_session):
    """The DNP's administrator reads every plan's history on the pages; its token was refused them all, and each
    refusal was written to the entity's access log as a probe (QA, trust lens, December 2026)."""
    from workflow_app.models import AccessLogEntry

    admin = make_user(db_session, "admin.dnp@prueba.co", Role.ADMIN)
    token = token_for(db_session, admin)
    history = client.get(f"/api/v1/plans/{genova.plan.id}/history", headers=bearer(token))
    assert history.status_code == 200 and history.get_json()["events"][0]["trigger"] == "take_office"
    documents = client.get(f"/api/v1/plans/{genova.plan.id}/documents", headers=bearer(token)).get_json()
    assert any(not d["is_public"] for d in documents["documents"])  # as its pages, not only the public ones
    actions = db_session.scalars(select(AccessLogEntry.action).where(AccessLogEntry.user_id == admin.id)).all()
    assert "api_refused" not in actions and "api_read" in actions


def test_tokens_are_shown_once_stored_hashed_and_revocable_from_the_account_page(client, genova, db_session):
    assert login(client, genova.planeacion.email, "clave-de-prueba").status_code == 302
    page = client.get("/cuenta/tokens").get_data(as_text=True)
    created = client.post("/cuenta/tokens", data={"csrf_token": csrf_from(page), "label": "Tablero de la gobernación"})
    assert created.status_code == 201 and created.headers["Cache-Control"] == "private, no-store"
    plain = re.search(r'value="(pdt_[^"]+)"', created.get_data(as_text=True)).group(1)
    stored = db_session.scalar(select(ApiToken))
    assert stored.token_sha256 == digest(plain) and plain not in stored.token_sha256
    assert plain not in client.get("/cuenta/tokens").get_data(as_text=True)  # never shown again

    url = f"/api/v1/plans/{genova.plan.id}/history"
    assert client.get(url, headers=bearer(plain)).status_code == 200
    listing = client.get("/cuenta/tokens").get_data(as_text=True)
    assert "Tablero de la gobernación" in listing
    revoked = client.post("/cuenta/tokens/revocar", data={"csrf_token": csrf_from(listing), "token_id": stored.id})
    assert revoked.status_code == 302
    assert client.get(url, headers=bearer(plain)).status_code == 401
    assert "Revocado el" in client.get("/cuenta/tokens").get_data(as_text=True)


def test_a_user_cannot_revoke_someone_elses_token(client, genova, db_session):
    create_token(db_session, genova.ctp, "del CTP")
    theirs = db_session.scalar(select(ApiToken))
    login(client, genova.planeacion.email, "clave-de-prueba")
    page = client.get("/cuenta/tokens").get_data(as_text=True)
    response = client.post("/cuenta/tokens/revocar", data={"csrf_token": csrf_from(page), "token_id": theirs.id},
                           follow_redirects=True)
    assert "no es suyo" in response.get_data(as_text=True)
    db_session.refresh(theirs)
    assert theirs.revoked_at is None


def test_a_deactivated_accounts_token_stops_working(client, genova, db_session):
    token = token_for(db_session, genova.ctp)
    genova.ctp.is_active_account = False
    db_session.commit()
    assert client.get(f"/api/v1/plans/{genova.plan.id}/history", headers=bearer(token)).status_code == 401


# --- the OpenAPI document ----------------------------------------------------------------------------------------

def flask_api_routes(app) -> set[tuple[str, str]]:
    out = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1"):
            continue
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)
        out |= {(path, m.lower()) for m in rule.methods - {"HEAD", "OPTIONS"}}
    return out


def test_openapi_document_validates(client, db_session):
    from openapi_spec_validator import validate

    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    assert spec["openapi"].startswith("3.1")
    validate(spec)


def test_every_api_route_is_described_and_every_described_route_exists(app):
    described = {(path, method) for path, item in build_spec()["paths"].items() for method in item}
    assert described == flask_api_routes(app)
    assert ("/api/v1/calendar", "post") in described


def test_real_responses_match_the_documented_schemas(client, genova, db_session):
    from jsonschema import Draft202012Validator

    spec = build_spec()
    token = token_for(db_session, genova.ctp)
    plan = genova.plan.id
    calls = [("/api/v1/entities?department=63", "EntityPage"), ("/api/v1/entities/63302", "EntityDetail"),
             ("/api/v1/plans", "PlanPage"), (f"/api/v1/plans/{plan}", "Plan"),
             (f"/api/v1/plans/{plan}/calendar", "PlanCalendar"), (f"/api/v1/plans/{plan}/documents", "DocumentList"),
             (f"/api/v1/plans/{plan}/ppi", "Ppi"), (f"/api/v1/plans/{plan}/amendments", "AmendmentList"),
             (f"/api/v1/plans/{plan}/hearings", "HearingList"), (f"/api/v1/plans/{plan}/history", "History"),
             (f"/api/v1/plans/{plan}/milestones", "Milestones"), ("/api/v1/plans/999999", "Error")]
    for url, schema_name in calls:
        body = client.get(url, headers=bearer(token)).get_json()
        schema = {"$ref": f"#/components/schemas/{schema_name}", "components": spec["components"]}
        errors = list(Draft202012Validator(schema).iter_errors(body))
        assert not errors, (url, [e.message for e in errors[:3]])
    facts = {"entity_kind": "municipio", "period_start": "2028-01-01"}
    result = client.post("/api/v1/calendar", json=facts).get_json()
    schema = {"$ref": "#/components/schemas/CalendarResult", "components": spec["components"]}
    assert not list(Draft202012Validator(schema).iter_errors(result))


def test_an_address_sending_invalid_tokens_is_slowed_and_a_valid_token_is_not_counted(client, genova, db_session):
    """400 invalid tokens were answered in 1.1 s, none refused (QA, trust lens, December 2026)."""
    from workflow_app.web.api.views import BAD_TOKEN_LIMIT

    good = token_for(db_session, genova.ctp)
    path = f"/api/v1/plans/{genova.plan.id}/history"
    for _ in range(3):
        assert client.get(path, headers=bearer(good)).status_code == 200
    for n in range(BAD_TOKEN_LIMIT):
        assert client.get(path, headers=bearer(f"falso-{n}")).status_code == 401
    slowed = client.get(path, headers=bearer("falso-otro"))
    assert slowed.status_code == 429 and slowed.headers["Retry-After"] == "60"
    assert "espere un minuto" in slowed.get_json()["error"]["message"]
