"""Issue 18 (second half): numbers where numbers are meant, "¿Qué pasa si…?" refuses what the route refuses,
and an act form reports its date with its other errors, in one round."""

import re
from datetime import date

from forms.acts import act_form_class
from state_machines.approval.route import route_order_problems
from tests.workflow_app.helpers import csrf_from
from tests.workflow_app.test_web_plans import demo, plan_of, sign_in  # noqa: F401 - fixtures


def test_the_route_order_is_checked_for_every_fact_at_once():
    problems = dict(route_order_problems({
        "posesion": date(2028, 1, 1), "ctp_presented": date(2028, 2, 20), "car_copy_received": date(2028, 2, 1),
        "filed_with_corporacion": date(2028, 2, 10), "published": date(2028, 2, 5)}))
    assert "La publicación no puede ser anterior" in problems["published"]
    assert "anterior a la presentación al CTP" in problems["filed_with_corporacion"]
    assert route_order_problems({"posesion": date(2028, 1, 1), "filed_with_corporacion": date(2028, 4, 30),
                                 "published": date(2028, 5, 20)}) == []


def test_attendance_in_words_is_refused(app):
    with app.test_request_context(method="POST", data={"act_on": "2028-03-01", "attendance": "ochenta"}):
        form = act_form_class("hold")(meta={"csrf": False})
        form.validate()
        assert form.attendance.errors == ["Escriba el número de asistentes en cifras, por ejemplo 80."]
    with app.test_request_context(method="POST", data={"act_on": "2028-03-01", "attendance": "80"}):
        form = act_form_class("hold")(meta={"csrf": False})
        form.validate()
        assert not form.attendance.errors


def test_what_if_refuses_publication_before_filing(client, demo, db_session):  # noqa: F811
    genova = plan_of(db_session, "63302")
    sign_in(client, demo, "planeacion.genova")
    response = client.get(f"/planes/{genova.id}/que-pasa-si?posesion=2028-01-01&filed_with_corporacion=2028-04-30"
                          "&published=2028-04-01&vigencia=on_publication")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "La publicación no puede ser anterior a la radicación ante el Concejo de Génova" in html
    assert "Calendario legal que resultaría" not in html


def test_an_act_form_reports_its_date_with_its_other_errors(client, demo, db_session):  # noqa: F811
    genova = plan_of(db_session, "63302")
    sign_in(client, demo, "ctp.genova")
    url = f"/planes/{genova.id}/actos/pdt_approval/-/record_ctp_concept"
    page = client.get(url).get_data(as_text=True)
    version = re.search(r'name="expected_version"[^>]*value="(\d+)"', page).group(1)
    response = client.post(url, data={"csrf_token": csrf_from(page), "expected_version": version,
                                      "act_on": "2027-06-01"})  # no concept, and a date before the posesión
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Elija el sentido del concepto." in html
    assert "La fecha del acto es anterior a la posesión" in html
