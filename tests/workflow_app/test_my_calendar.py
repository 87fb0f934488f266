"""'Mi calendario' (a person's month of deadlines and hearings) and the iCalendar feeds' hearings and links."""
from __future__ import annotations

import re

import pytest

from state_machines.core.roles import Role
from tests.workflow_app.helpers import login
from tests.workflow_app.story import Cast, make_plan, make_user, walk_to

PASSWORD = "clave-de-prueba"


@pytest.fixture
def genova(db_session, set_today):
    """Génova adjusting its plan on 10 April 2028: a hearing on 20 April, another on 25 April called off."""
    set_today("2028-04-10")
    cast = Cast(db_session, make_plan(db_session, "63302"))
    walk_to(cast, "adjusting")
    cast.act("planeacion", "schedule_hearing", "2028-04-05",
             payload={"scheduled_on": "2028-04-20", "place": "Casa de la cultura", "zone": "Zona urbana"})
    cast.act("planeacion", "schedule_hearing", "2028-04-06",
             payload={"scheduled_on": "2028-04-25", "scheduled_time": "17:30", "place": "Escuela La Topacia",
                      "zone": ""})
    cast.act("planeacion", "cancel", "2028-04-07", machine="hearing", subject="2")
    return cast


def cells(html: str) -> dict[int, str]:
    """Day of the month -> the text of its cell."""
    out = {}
    for cell in re.findall(r"<td class=\"[^\"]*\">(.*?)</td>", html, flags=re.S):
        day = re.search(r'<span class="wd">[^<]*</span>(\d+)', cell)
        if day:
            out[int(day.group(1))] = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cell))
    return out


def test_planning_office_sees_its_filing_deadline_and_both_hearings_in_april(client, genova):
    login(client, genova.planeacion.email, PASSWORD)
    page = client.get("/cuenta/calendario?mes=2028-04")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "<h1>Mi calendario · Abril de 2028</h1>" in html
    days = cells(html)
    assert len(days) == 30 and "(hoy)" in days[10]
    assert "Audiencia: Génova (Quindío): audiencia pública 1 del plan de inversiones" in days[20]
    assert "Casa de la cultura, Zona urbana" in days[20] and "L1909 art. 22" in days[20]
    assert "Audiencia pública cancelada" in days[25] and 'class="cal-entry cal-audiencia cancelled"' in html
    # Filing is due four months after taking office (3 January): actuar a más tardar 28 April (L152 art. 40).
    assert "Génova (Quindío): Radicar el proyecto de acuerdo ante el Concejo de Génova" in days[28]
    assert "L152 art. 40" in days[28]
    assert "<script" not in html and " style=" not in html
    may = client.get("/cuenta/calendario?mes=2028-05").get_data(as_text=True)
    assert "Radicar el proyecto" not in may and "Audiencia:" not in may and "No tiene plazos ni audiencias" in may


def test_each_person_sees_only_the_deadlines_they_owe(client, db_session, genova):
    login(client, genova.ctp.email, PASSWORD)
    april = cells(client.get("/cuenta/calendario?mes=2028-04").get_data(as_text=True))
    assert "Radicar" not in " ".join(april.values())  # the executive's duty, not the CTP's
    assert "audiencia pública 1" in april[20]  # hearings are for everyone following the plan
    car = client.application.test_client()
    login(car, genova.cars["CRQ"].email, PASSWORD)
    march = cells(car.get("/cuenta/calendario?mes=2028-03").get_data(as_text=True))
    # CRQ never answered: 15 business days from the copy received on 29 February.
    assert "Vencido: Génova (Quindío): Remitir el concepto técnico de la autoridad ambiental (CRQ)" in march[22]
    other = make_user(db_session, "cvc@prueba.co", Role.CAR, authority="CVC")
    cvc = client.application.test_client()
    login(cvc, other.email, PASSWORD)
    assert "Marzo de 2028: 0 anotaciones" in cvc.get("/cuenta/calendario?mes=2028-03").get_data(as_text=True)


@pytest.mark.parametrize("month", ["2028-13", "abril", "28-04", "2028-4-1"])
def test_a_malformed_month_is_a_clear_400(client, genova, month):
    login(client, genova.planeacion.email, PASSWORD)
    response = client.get("/cuenta/calendario", query_string={"mes": month})
    assert response.status_code == 400 and "AAAA-MM" in response.get_data(as_text=True)


@pytest.mark.parametrize("month", ["1999-12", "9999-12", "0001-01"])
def test_a_well_written_month_out_of_range_is_said_as_such(client, genova, month):
    """QA (7 December 2026): «9999-12» was told to be written as AAAA-MM, which it is."""
    login(client, genova.planeacion.email, PASSWORD)
    response = client.get("/cuenta/calendario", query_string={"mes": month})
    text = response.get_data(as_text=True)
    assert response.status_code == 400 and "años 2000 a 2100" in text and "AAAA-MM" not in text


def test_calendar_needs_a_signed_in_person(client, genova):
    assert client.get("/cuenta/calendario").status_code == 302


def unfolded(response) -> str:
    return response.get_data(as_text=True).replace("\r\n ", "")


def test_feeds_carry_hearings_with_place_and_absolute_links(app, client, genova):
    text = unfolded(client.get(f"/ical/u/{genova.planeacion.ical_token}.ics"))
    plan = genova.plan.id
    assert f"UID:pdt-{plan}-audiencia-1@ruta-pdt\r\n" in text and f"UID:pdt-{plan}-audiencia-2@ruta-pdt" in text
    first = text[text.index(f"UID:pdt-{plan}-audiencia-1"):]
    first = first[:first.index("END:VEVENT")]
    assert "DTSTART;VALUE=DATE:20280420\r\n" in first and "LOCATION:Casa de la cultura\\, Zona urbana\r\n" in first
    assert "STATUS:CONFIRMED" in first and "SUMMARY:Génova (Quindío): audiencia pública 1 del plan de inversiones" \
        in first
    second = text[text.index(f"UID:pdt-{plan}-audiencia-2"):]
    assert "STATUS:CANCELLED" in second[:second.index("END:VEVENT")]
    # At its hour when one was given: 5:30 p. m. in Bogotá (UTC-5 all year) is 22:30 UTC, for two hours.
    assert "DTSTART:20280425T223000Z\r\nDTEND:20280426T003000Z\r\n" in second
    urls = re.findall(r"^URL:(.*)$", text, flags=re.M)
    assert urls and all(u.startswith("http://localhost/planes/") for u in urls), urls
    app.config["BASE_URL"] = "https://pdt.ejemplo.gov.co/"
    try:
        text = unfolded(client.get(f"/ical/p/{genova.plan.ical_token}.ics"))
    finally:
        app.config["BASE_URL"] = ""
    urls = re.findall(r"^URL:(.*)\r$", text, flags=re.M)
    assert urls and set(urls) == {f"https://pdt.ejemplo.gov.co/planes/{plan}"}
    assert text.count("BEGIN:VEVENT") == text.count("URL:https://")


def test_a_later_month_still_shows_what_is_overdue_and_an_empty_one_what_comes_next(client, genova):
    car = client.application.test_client()
    login(car, genova.cars["CRQ"].email, PASSWORD)
    april = car.get("/cuenta/calendario?mes=2028-04").get_data(as_text=True)
    overdue = april[april.index("Vencidos de meses anteriores"):april.index("</div>", april.index("Vencidos de"))]
    assert "Remitir el concepto técnico de la autoridad ambiental (CRQ)</a> — miércoles, 22 de marzo de 2028" in overdue
    login(client, genova.planeacion.email, PASSWORD)
    march = client.get("/cuenta/calendario?mes=2028-03").get_data(as_text=True)
    assert "Lo que sigue después de marzo de 2028" in march
    following = march[march.index("Lo que sigue después"):]
    assert following.index("audiencia pública 1") < following.index("Radicar el proyecto")  # 20 then 28 April
    assert "audiencia pública 2" not in following  # called off


def test_a_plan_in_force_shows_its_phase2_terms_as_the_inbox_does(client, db_session, set_today):
    """Issue 21's terms in "Mi calendario": once the plan is in force, each person sees on its "a más tardar" day
    every Phase II act with a term that "Mis pendientes" lists for them, and only theirs."""
    set_today("2028-06-01")
    cast = Cast(db_session, make_plan(db_session, "63302"))
    walk_to(cast, "in_force")
    for who, month, day, text in (("planeacion", "2028-07", 21, "Plan Indicativo"),
                                  ("alcalde", "2028-06", 30, "Rendición de cuentas semestral, primer semestre de 2028")):
        person = cast.planeacion if who == "planeacion" else cast.ejecutivo
        visitor = client.application.test_client()
        login(visitor, person.email, PASSWORD)
        inbox = visitor.get("/").get_data(as_text=True)
        duties = inbox[inbox.index("Pendientes con plazo"):inbox.index("Otras acciones posibles")]
        assert text in duties, (who, duties)
        days = cells(visitor.get(f"/cuenta/calendario?mes={month}").get_data(as_text=True))
        assert "Génova (Quindío):" in days[day] and text in days[day], (who, days[day])
        others = " ".join(v for d, v in days.items() if d != day)
        assert text not in others
    ctp = client.application.test_client()
    login(ctp, cast.ctp.email, PASSWORD)
    july = cells(ctp.get("/cuenta/calendario?mes=2028-07").get_data(as_text=True))
    assert "Plan Indicativo" not in " ".join(july.values())  # planeación's duty, not the CTP's
    # The plan's iCalendar feed carries them too, named as on the pages, on the same days.
    feed = unfolded(client.get(f"/ical/p/{cast.plan.ical_token}.ics"))
    events = feed.split("BEGIN:VEVENT")[1:]
    semester = next(e for e in events if "primer semestre de 2028" in e)
    assert "DTSTART;VALUE=DATE:20280630\r\n" in semester
    assert "SUMMARY:Génova (Quindío): " in semester and "Rendición de cuentas semestral" in semester
    plan_indicativo = [e for e in events if "DTSTART;VALUE=DATE:20280721" in e]
    assert plan_indicativo and all(":pi" not in e.split("SUMMARY:")[1].split("\r\n")[0] for e in events)
    assert len({e.split("UID:")[1].split("\r\n")[0] for e in events}) == len(events)  # one event per term


def test_an_adviser_follows_every_pending_deadline_of_her_plans(client, db_session, genova):
    """QA 7 December 2026: an adviser's «Mi calendario» said «No tiene plazos ni audiencias» every month while her
    iCalendar feed listed the same plans' deadlines: she owes none of them, she follows them all."""
    adviser = make_user(db_session, "asesora@dnp.gov.co", Role.ASESOR, genova.plan.entity)
    login(client, adviser.email, PASSWORD)
    april = " ".join(cells(client.get("/cuenta/calendario?mes=2028-04").get_data(as_text=True)).values())
    assert "Génova (Quindío): Radicar el proyecto de acuerdo ante el Concejo de Génova" in april
    assert "Audiencia: Génova (Quindío): audiencia pública 1 del plan de inversiones" in april
