"""Hostile input: fuzzed forms and API never produce a 500; uploads and script payloads are rendered harmless."""
from __future__ import annotations

import io
import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from tests.demo_copy import demo_data
from tests.workflow_app.helpers import csrf_from, login
from tests.workflow_app.story import PDF
from workflow_app.models import Document, Entity, Plan, PlanEvent


def fuzz(examples: int):
    return settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture], database=None,
                    max_examples=examples)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5),
    max_leaves=20)
FACT_KEYS = ["entity_kind", "period_start", "posesion", "nonworking_weekdays", "regime", "d683_articles", "events"]
date_like = st.one_of(st.dates().map(str), st.text(max_size=12), st.integers(), st.none())
facts_like = st.fixed_dictionaries({}, optional={
    "entity_kind": st.sampled_from(["municipio", "departamento", "distrito", ""]) | st.text(max_size=10),
    "period_start": date_like, "posesion": date_like,
    "nonworking_weekdays": st.lists(st.integers(-2, 9), max_size=8) | json_values,
    "regime": st.sampled_from(["ordinary", "d683_2020"]) | st.text(max_size=8),
    "d683_articles": st.lists(st.sampled_from(["art1", "art2", "art3"]), max_size=3) | json_values,
    "events": st.fixed_dictionaries({}, optional={
        "ctp_presented": date_like, "filed_with_corporacion": date_like, "adopted": date_like,
        "car_copies_received": st.dictionaries(st.text(max_size=6), date_like, max_size=3) | json_values,
    }) | json_values,
})


@fuzz(1800)
@given(body=json_values)
def test_calendar_api_never_fails_on_arbitrary_json(client, body):
    response = client.post("/api/v1/calendar", data=json.dumps(body), content_type="application/json")
    assert response.status_code in (200, 422), response.status_code
    if response.status_code == 422:
        assert set(response.get_json()["error"]) == {"field", "message"}


@fuzz(2300)
@given(facts=facts_like)
def test_calendar_api_never_fails_on_almost_valid_facts(client, facts):
    response = client.post("/api/v1/calendar", json=facts)
    assert response.status_code in (200, 422), (facts, response.status_code)


@fuzz(500)
@given(email=st.text(max_size=300), password=st.text(max_size=300), n=st.integers(0, 10**9))
def test_login_form_never_fails(client, email, password, n):
    token = csrf_from(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"email": email, "password": password, "csrf_token": token},
                           environ_base={"REMOTE_ADDR": f"10.{n % 250}.{n // 250 % 250}.1"})
    assert response.status_code in (302, 400, 401, 429), response.status_code


@pytest.fixture
def ctp_on_genova(client, db_session, set_today):
    set_today("2028-03-10")
    accounts = {a.email.split("@")[0]: a for a in demo_data()}
    login(client, accounts["ctp.genova"].email, accounts["ctp.genova"].password)
    genova = db_session.scalar(select(Plan).join(Entity).where(Entity.dane_code == "63302"))
    return client, genova


text_field = st.one_of(st.text(max_size=400), st.just("<script>alert(1)</script>"), st.just("'\"><img src=x>"),
                       st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=50))  # no lone surrogates: UTF-8 cannot carry them


@fuzz(400)
@given(act_on=st.one_of(st.dates().map(str), st.text(max_size=20)), reference=text_field, notes=text_field,
       concept=st.one_of(st.sampled_from(["favorable", "desfavorable", "x"]), st.text(max_size=20)),
       scope=st.one_of(st.sampled_from(["total", "parcial"]), st.text(max_size=10)),
       recommendations=text_field, version=st.one_of(st.integers(-5, 50).map(str), st.text(max_size=8)),
       upload=st.one_of(st.none(), st.binary(max_size=2000), st.just(PDF)),
       filename=st.one_of(st.just("concepto.pdf"), st.just("../../etc/passwd.pdf"), st.text(max_size=40)))
def test_act_form_never_fails(ctp_on_genova, act_on, reference, notes, concept, scope, recommendations, version,
                              upload, filename):
    client, genova = ctp_on_genova
    url = f"/planes/{genova.id}/actos/pdt_approval/-/record_ctp_concept"
    page = client.get(url)
    if page.status_code == 409:  # an earlier example already closed the CTP stage: the refusal is the answer
        return
    data = {"csrf_token": csrf_from(page.get_data(as_text=True)), "act_on": act_on, "reference": reference,
            "notes": notes, "concept": concept, "scope": scope, "recommendations": recommendations,
            "expected_version": version}
    if upload is not None:
        data["evidence"] = (io.BytesIO(upload), filename)
    response = client.post(url, data=data, content_type="multipart/form-data")
    assert response.status_code in (302, 400, 403, 409, 422), response.status_code


def test_script_payloads_are_rendered_inert(ctp_on_genova, db_session):
    client, genova = ctp_on_genova
    url = f"/planes/{genova.id}/actos/pdt_approval/-/record_ctp_concept"
    html = client.get(url).get_data(as_text=True)
    version = re.search(r'name="expected_version"[^>]*value="(\d+)"', html).group(1)
    payload = "<script>alert('x')</script><img src=x onerror=alert(1)>"
    response = client.post(url, data={
        "csrf_token": csrf_from(html), "expected_version": version, "act_on": "2028-03-09", "concept": "favorable",
        "scope": "total", "reference": payload, "notes": payload, "recommendations": payload,
        "evidence": (io.BytesIO(PDF), f"{payload}.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 302
    page = client.get(f"/planes/{genova.id}").get_data(as_text=True)
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page


def test_odd_upload_names_are_cleaned_and_stored_under_a_random_name(ctp_on_genova, db_session, app):
    client, genova = ctp_on_genova
    url = f"/planes/{genova.id}/actos/pdt_approval/-/record_ctp_concept"
    html = client.get(url).get_data(as_text=True)
    version = re.search(r'name="expected_version"[^>]*value="(\d+)"', html).group(1)
    name = "../../etc/pass\x07wd\t\x1b[31m.pdf"  # traversal, a bell, a tab and a terminal escape
    response = client.post(url, data={"csrf_token": csrf_from(html), "expected_version": version, "act_on": "2028-03-09",
                           "concept": "favorable", "scope": "total", "evidence": (io.BytesIO(PDF), name)},
                content_type="multipart/form-data")
    assert response.status_code == 302
    doc = db_session.scalars(select(Document).where(Document.kind == "record_ctp_concept",
                                                    Document.plan_id == genova.id)).one()
    assert "/" not in doc.original_filename and not any(ord(c) < 32 for c in doc.original_filename)
    assert re.fullmatch(r"[0-9a-f]{48}\.pdf", doc.storage_name)
    response = client.get(f"/planes/{genova.id}/documentos/{doc.id}")
    disposition = response.headers["Content-Disposition"]
    assert "\n" not in disposition and "\r" not in disposition and "/" not in disposition.split("filename*")[0]


def test_oversized_upload_returns_the_filled_form_in_spanish_and_changes_nothing(ctp_on_genova, db_session):
    client, genova = ctp_on_genova
    url = f"/planes/{genova.id}/actos/pdt_approval/-/record_ctp_concept"
    html = client.get(url).get_data(as_text=True)
    # Said before the file is chosen: a weak link takes minutes and the size is checked once it has arrived.
    assert "máximo 20 MB" in html and "En una conexión lenta un archivo de varios MB puede tardar minutos" in html
    big = PDF[:-6] + b"0" * (21 * 1024 * 1024) + b"%%EOF\n"
    response = client.post(url, data={"csrf_token": csrf_from(html), "act_on": "2028-03-09", "concept": "favorable",
                                      "scope": "total", "evidence": (io.BytesIO(big), "grande.pdf")},
                           content_type="multipart/form-data")
    html = response.get_data(as_text=True)  # the act's own form again, not a dead end (issue 14)
    assert response.status_code == 422 and "supera 20 MB" in html
    assert re.search(r'<input checked id="concept-0"[^>]*value="favorable"', html)
    db_session.refresh(genova)
    assert genova.state == "submitted_to_ctp"
    assert not db_session.scalars(select(PlanEvent).where(PlanEvent.trigger == "record_ctp_concept",
                                                          PlanEvent.plan_id == genova.id)).all()


def test_deeply_nested_or_huge_json_is_answered_4xx_in_spanish(client):
    """Issue 19: 100,000 nested brackets answered 500 (Python's parser recursed until RecursionError)."""
    for body in ("[" * 100_000 + "]" * 100_000, '{"a":' * 40 + "1" + "}" * 40):
        response = client.post("/api/v1/calendar", data=body, content_type="application/json")
        assert response.status_code == 400
        assert "anida más de 32 niveles" in response.get_json()["error"]["message"]
    response = client.post("/api/v1/calendar", data='{"x": "' + "a" * 300_000 + '"}', content_type="application/json")
    assert response.status_code == 413 and "supera 256 KB" in response.get_json()["error"]["message"]
    # Brackets inside strings are text, not depth.
    response = client.post("/api/v1/calendar", json={"nota": "[" * 1000})
    assert response.status_code == 422


def test_forms_reach_the_views_without_control_characters(app):
    """infra.clean_input, below any database (the SQLite trial stored what PostgreSQL refused): urlencoded and
    multipart alike; tab and line breaks stay, a pasted vertical tab or form feed is a line break, files untouched."""
    import io

    from flask import request

    sent = {"a": "x\x00y\x1bz", "b": "uno\x0bdos\x0ctres", "c": "col1\tcol2\r\nfin", "d": "sin nada",
            "e": "Ana\u202eoloc.exe\u2066Ñ\u2069"}  # bidirectional overrides and isolates go too
    with app.test_request_context("/", method="POST", data=sent):
        assert request.form.to_dict() == {"a": "xyz", "b": "uno\ndos\ntres", "c": "col1\tcol2\r\nfin", "d": "sin nada",
                                          "e": "Anaoloc.exeÑ"}
        assert request.values["a"] == "xyz"
    with app.test_request_context("/", method="POST", data={**sent, "f": (io.BytesIO(b"%PDF\x00\x1b"), "a.pdf")},
                                  content_type="multipart/form-data"):
        assert request.form["a"] == "xyz" and request.files["f"].read() == b"%PDF\x00\x1b"
    with app.test_request_context("/?q=a\x00b", method="GET"):
        assert request.args["q"] == "a\x00b"  # query strings are the pages' and the API's to judge


def test_a_text_form_over_the_services_limit_is_not_called_a_file(client, app):
    """A 22 MB body sent to a form without a file (the sign-in) was answered «El archivo supera el tamaño máximo»
    (QA, trust lens, December 2026): it says what was too large, and where each form's own limit is said."""
    response = client.post("/login", data={"email": "x@y.co", "password": "a" * (22 * 1024 * 1024)})
    html = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "Lo enviado supera el tamaño máximo que el servicio recibe en un envío (20 MB)" in html
    assert "El archivo supera" not in html


def test_a_single_line_field_keeps_one_line_and_a_text_area_its_lines():
    """A crafted request put CR/LF in a hearing's «Lugar» (QA, trust lens, December 2026): every text input that
    is not a text area stores one line; a password is taken as typed."""
    from werkzeug.datastructures import MultiDict
    from wtforms import Form, PasswordField, StringField, TextAreaField

    import forms  # noqa: F401  (its Meta keeps single-line fields on one line)

    class Sample(Form):
        place = StringField()
        notes = TextAreaField()
        secret = PasswordField()

    form = Sample(MultiDict({"place": "Coliseo\r\n\r\n  Vereda La Palma", "notes": "uno\r\ndos", "secret": "a\nb"}))
    assert (form.place.data, form.notes.data, form.secret.data) == ("Coliseo Vereda La Palma", "uno\r\ndos", "a\nb")


def test_an_integer_too_large_for_a_float_is_refused_in_the_fields_own_words(client, app):
    """Fuzzing every form (December 2026): «9» × 400 in the period's year reached WTForms' ``NumberRange``, which
    asks ``math.isnan`` of it: OverflowError, a 500. Every integer field is checked first, with its range's words."""
    from werkzeug.datastructures import MultiDict
    from wtforms import Form, IntegerField
    from wtforms.validators import NumberRange

    import forms  # noqa: F401  (its Meta checks every integer first)

    class Sample(Form):
        year = IntegerField(validators=[NumberRange(2004, 2096, "Escriba un año entre 2004 y 2096.")])
        count = IntegerField(validators=[NumberRange(min=0)])

    form = Sample(MultiDict({"year": "9" * 400, "count": "-" + "9" * 30}))
    assert not form.validate()
    assert form.year.errors == ["Escriba un año entre 2004 y 2096."]
    assert form.count.errors == ["Escriba un número más pequeño."]
    assert Sample(MultiDict({"year": "2028", "count": "3"})).validate()
    # Through the administrator's page that answered 500.
    from tests.demo_copy import demo_data

    admin = {a.email.split("@")[0]: a for a in demo_data()}["admin"]
    login(client, admin.email, admin.password)
    page = client.get("/admin/periodos").get_data(as_text=True)
    answer = client.post("/admin/periodos", data={"csrf_token": csrf_from(page), "year": "9" * 400})
    assert answer.status_code == 422 and "Escriba un año entre 2004 y 2096." in answer.get_data(as_text=True)
