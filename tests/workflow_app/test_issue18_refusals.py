"""Issue 18 (second half): refuse the impossible, in one round — posesión inside the period's first year;
categories and titles by entity kind; every error of a form at once."""

import re
from datetime import date

from sqlalchemy import select

from state_machines.calendar import posesion_refusal
from state_machines.core.wording import titles_for
from state_machines.corporation.sessions import categories_for
from tests.workflow_app.story import make_plan
from tests.workflow_app.test_admin import admin_client, post  # noqa: F401 - fixtures
from workflow_app.models import Entity, PlanEvent


def test_posesion_must_fall_in_the_periods_first_year():
    start = date(2028, 1, 1)
    assert posesion_refusal(date(2028, 1, 1), start) is None
    assert posesion_refusal(date(2028, 12, 31), start) is None
    assert "primer año del período" in posesion_refusal(date(2031, 12, 31), start)
    assert posesion_refusal(date(2027, 12, 31), start)


def test_categories_and_titles_follow_the_entity_kind():
    assert categories_for("departamento") == ("especial", "1", "2", "3", "4")
    assert categories_for("municipio")[-1] == "6"
    assert titles_for("departamento") == ("gobernador", "gobernadora")
    assert titles_for("municipio") == ("alcalde", "alcaldesa")


def test_a_posesion_in_2031_is_refused_and_nothing_changes(admin_client, db_session):  # noqa: F811
    plan = make_plan(db_session, "63302")
    url = f"/planes/{plan.id}/configuracion"
    prefix = f"plan{plan.id}-"
    response = post(admin_client, url, {prefix + "posesion_on": "2031-12-31", prefix + "regime": "ordinary",
                                        prefix + "expected_version": str(plan.version)},
                    page="/entidades/63302/configuracion")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "primer año del período" in html
    assert db_session.scalar(select(PlanEvent).filter_by(plan_id=plan.id, trigger="update_settings")) is None
    assert "Hoy:" not in html and ("Fecha registrada:" in html or "se presume el primer día del período" in html)


def test_a_departments_form_offers_its_own_categories_titles_and_law(admin_client, db_session):  # noqa: F811
    make_plan(db_session, "63")
    html = admin_client.get("/entidades/63/configuracion").get_data(as_text=True)
    select_html = html[html.index('id="fiscal_category"'):html.index("</select>", html.index('id="fiscal_category"'))]
    assert 'value="5"' not in select_html and 'value="6"' not in select_html and 'value="4"' in select_html
    assert "Gobernadora" in html and "Alcaldesa" not in html
    assert "Ley 2200 de 2022" in html and "Ley 136" not in html
    assert "Fecha de posesión del gobernador" in html


def test_entity_settings_report_every_error_at_once(admin_client, db_session):  # noqa: F811
    make_plan(db_session, "63")
    response = post(admin_client, "/entidades/63/configuracion", {
        "fiscal_category": "6", "executive_title": "alcaldesa", "nonworking_weekdays": [str(d) for d in range(7)]})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Un departamento es de categoría" in html and "Ley 2200 de 2022" in html
    assert "Para esta entidad el cargo es gobernador o gobernadora" in html
    assert "al menos un día de la semana" in html
    quindio = db_session.scalar(select(Entity).filter_by(dane_code="63"))
    assert quindio.fiscal_category != "6"


def summary_links(html: str) -> list[tuple[str, str]]:
    summary = html.split('id="errores" tabindex="-1">')[1].split("</div>")[0]
    return re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary)


def test_the_entity_form_opens_on_a_summary_linking_each_field_in_error(admin_client, db_session):  # noqa: F811
    """Audit (WCAG 2.1 AA, 3.3.1): «Revise los campos marcados.» with no link to the fields, a category error tied
    to nothing and the weekdays' error outside their group. Each error is linked, tied to its field; values kept."""
    make_plan(db_session, "63")
    page = admin_client.get("/entidades/63/configuracion").get_data(as_text=True)
    assert 'action="/entidades/63/configuracion#errores"' in page
    response = post(admin_client, "/entidades/63/configuracion", {
        "fiscal_category": "6", "executive_title": "alcaldesa", "nonworking_weekdays": [str(d) for d in range(7)]})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert [anchor for anchor, _ in summary_links(html)] == ["fiscal_category", "executive_title",
                                                             "nonworking_weekdays-0"]
    for name in ("fiscal_category", "executive_title"):
        control = re.search(rf'<select[^>]*id="{name}"[^>]*>', html).group(0)
        assert 'aria-invalid="true"' in control and f"{name}-err" in control
    assert '<fieldset aria-describedby="nonworking_weekdays-err">' in html
    boxes = re.findall(r'<input[^>]*name="nonworking_weekdays"[^>]*>', html)
    assert len(boxes) == 7 and all("checked" in box and 'aria-invalid="true"' in box for box in boxes)  # kept


def test_the_plan_form_opens_on_a_summary_linking_the_posesion(admin_client, db_session):  # noqa: F811
    plan = make_plan(db_session, "63")
    prefix = f"plan{plan.id}-"
    page = admin_client.get("/entidades/63/configuracion").get_data(as_text=True)
    assert f'action="/planes/{plan.id}/configuracion#errores"' in page
    assert f'<label for="{prefix}posesion_on">Fecha de posesión del gobernador</label>' in page
    response = post(admin_client, f"/planes/{plan.id}/configuracion",
                    {prefix + "posesion_on": "2031-12-31", prefix + "regime": plan.regime,
                     prefix + "expected_version": str(plan.version)}, page="/entidades/63/configuracion")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert summary_links(html) == [(f"{prefix}posesion_on", "Fecha de posesión del gobernador")]
    control = re.search(rf'<input[^>]*id="{prefix}posesion_on"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in control and f"{prefix}posesion_on-err" in control and 'value="2031-12-31"' in control
    assert html.count('id="errores"') == 1  # the entity's form, not sent, has none
