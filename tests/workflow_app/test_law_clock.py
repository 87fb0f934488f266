"""Issue 18: the law's clock runs for every plan, recorded or not (PostgreSQL, the whole country).

In training on 16 March 2028, after `pdt open-period 2028` with nothing recorded for most entities: the board's
"CSV para Excel" flags the silent plans as overdue, the board names its period and offers the other one, a silent
plan's public page claims no step as passed, and the expediente shows no time after the simulated day.
"""
import csv
import io
import re
from datetime import date

from sqlalchemy import func, select

from notifications.sweep import run_sweep
from state_machines.core.roles import Role
from tests.workflow_app.helpers import login
from tests.workflow_app.story import Cast, make_plan, make_user, walk_to
from workflow_app.models import Entity, Period, Plan, PlanEvent, PlanSummary
from workflow_app.services.monitoring import board_summary

PASSWORD = "clave-de-prueba"
MONTHS = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
          "noviembre", "diciembre")


def spanish_dates(text: str) -> list[date]:
    return [date(int(y), MONTHS.index(m) + 1, int(d))
            for d, m, y in re.findall(r"(\d{1,2}) de (" + "|".join(MONTHS) + r") de (\d{4})", text)]


def test_a_silent_country_is_overdue_on_16_march_2028(app, client, db_session, set_today):
    set_today("2028-03-16")
    earlier = make_plan(db_session, "63302", year=2024)  # Génova's 2024–2027 plan stays reachable
    genova = Cast(db_session, make_plan(db_session, "63302"))
    walk_to(genova, "drafting")  # one entity that recorded acts
    result = app.test_cli_runner().invoke(args=["pdt", "open-period", "2028"])
    assert result.exit_code == 0, result.output
    plans = db_session.scalar(select(func.count()).select_from(Plan).join(Period).where(
        Period.start_on == date(2028, 1, 1)))
    assert plans == db_session.scalar(select(func.count()).select_from(Entity)) == 1135
    admin = make_user(db_session, "admin@prueba.co", Role.ADMIN)
    login(client, admin.email, PASSWORD)

    # Computed from the presumed posesión (1 January) before any act: the board needs nothing written.
    response = client.get("/tablero-para-excel.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig")), delimiter=";"))
    header, data = rows[0], rows[1:]
    assert len(data) == 1135
    flagged = [r for r in data if r[header.index("Pasos vencidos")]]
    assert len(flagged) >= 1100, len(flagged)
    assert {r[header.index("Período")] for r in data} == {"2028–2031"}
    silent = next(r for r in data if r[header.index("Código DANE")] == "63111")
    assert "Consolidar el proyecto de plan" in silent[header.index("Pasos vencidos")]
    assert silent[header.index("Riesgo")] == "Pasos vencidos"

    html = client.get("/tablero").get_data(as_text=True)
    assert "período 2028–2031" in html
    assert re.search(r'<a href="/tablero\?periodo=2024">2024–2027</a>', html)
    older = client.get("/tablero?periodo=2024").get_data(as_text=True)
    assert "período 2024–2027" in older and "<strong>1</strong> plan<" in older

    # The sweep records each silent plan's posesión as the system, with its history row; the board's rows follow.
    report = run_sweep(date(2028, 3, 16))
    assert report.effects >= 1134 and report.skipped == 0 and not report.errors
    db_session.expire_all()
    silent_plan = db_session.scalar(select(Plan).join(Entity).join(Period).where(
        Entity.dane_code == "63111", Period.start_on == date(2028, 1, 1)))
    assert silent_plan.state == "in_office"
    event = db_session.scalar(select(PlanEvent).where(PlanEvent.plan_id == silent_plan.id))
    assert (event.trigger, event.role, event.act_on, event.actor_id) == ("presume_office", "sistema",
                                                                         date(2028, 1, 1), None)
    assert board_summary.stale_ids(db_session) == []
    summary = db_session.get(PlanSummary, silent_plan.id)
    assert summary.plan_version == silent_plan.version
    again = list(csv.reader(io.StringIO(client.get("/tablero-para-excel.csv").get_data().decode("utf-8-sig")),
                            delimiter=";"))
    assert sum(1 for r in again[1:] if r[header.index("Pasos vencidos")]) >= 1100
    assert run_sweep(date(2028, 3, 16)).effects == 0  # once only

    # The silent plan's public page claims no step as passed; the earlier plan stays reachable.
    public = client.get("/publico/63111").get_data(as_text=True)
    assert "Etapa superada" not in public and "Vencido" in public
    # The expediente: no recorded or generated time after the simulated day.
    dossier = client.get(f"/planes/{silent_plan.id}/expediente").get_data(as_text=True)
    generated = dossier[dossier.index("<dt>Generado</dt>"):][:200]
    assert spanish_dates(generated) == [date(2028, 3, 16)]
    recorded = re.findall(r"registrado ([^<]+)<", dossier)
    assert recorded and all(max(spanish_dates(r)) <= date(2028, 3, 16) for r in recorded), recorded
    assert earlier.period.label == "2024–2027"

    # Periods by name on the portal and the API; an entity's earlier plan stays reachable from its public page.
    anonymous = app.test_client()
    portal = anonymous.get("/publico").get_data(as_text=True)
    assert "período 2028–2031" in portal and '<a href="/publico?periodo=2024">2024–2027</a>' in portal
    assert "período 2024–2027" in anonymous.get("/publico?periodo=2024").get_data(as_text=True)
    entity = anonymous.get("/publico/63302").get_data(as_text=True)
    assert "Plan de desarrollo 2028–2031" in entity
    assert '<a href="/publico/63302?periodo=2024">2024–2027</a>' in entity
    assert "Plan de desarrollo 2024–2027" in anonymous.get("/publico/63302?periodo=2024").get_data(as_text=True)
    api = anonymous.get(f"/api/v1/plans/{silent_plan.id}").get_json()
    assert api["period"]["label"] == "2028–2031"


# --- One clock, exactly once -----------------------------------------------------------------------------------

TIME_FIELD = re.compile(r"\{\{[^}]*\b(\w+_at)\b[^}]*\}\}")


def test_one_clock_every_template_prints_stored_times_through_the_one_helper():
    """Every template that prints a stored time (``*_at``) formats it with ``datetime_es``, ``when_es`` or
    ``date_es`` (infra/templating.py over ``Clock.shown``): no page formats a time its own way."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    templates = [p for base in ("workflow_app", "notifications") for p in (root / base).rglob("*.html")]
    printed = 0
    for path in templates:
        for match in TIME_FIELD.finditer(path.read_text(encoding="utf-8")):
            printed += 1
            assert re.search(r"\|\s*(datetime_es|when_es|date_es)\b", match.group(0)), (path.name, match.group(0))
    assert printed >= 15


def test_one_clock_times_are_on_the_simulated_calendar_once_and_stay_after_a_restart(
        app, client, db_session, set_today):
    """In training, an act's "registrado", the expediente's "Generado", a hito marked and a citizen's proposal
    read the simulated day (the offset applied once), and keep it when PDT_TODAY moves."""
    from workflow_app.services.monitoring.milestones import CheckCommand, all_milestones, check_milestone, event_name

    set_today("2028-03-15")
    genova = Cast(db_session, make_plan(db_session, "63302"))
    walk_to(genova, "drafting")
    run_sweep(date(2028, 3, 15))  # the overdue notices of consolidation and presentation to the CTP
    milestone = next(m for m in all_milestones(db_session) if event_name(m) is None)
    check_milestone(db_session, genova.plan, genova.planeacion,
                    CheckCommand(milestone.number, True, "Acta de conformación del equipo, folio 3."),
                    app.extensions["clock"].now())
    login(client, genova.planeacion.email, PASSWORD)

    def days_on(url: str, pattern: str) -> list[date]:
        html = client.get(url).get_data(as_text=True)
        found = [d for text in re.findall(pattern, html) for d in spanish_dates(text)]
        assert found, (url, pattern)
        return found

    plan_id = genova.plan.id
    pages = {
        "registrado": (f"/planes/{plan_id}", r"registrado ([^<]+)<"),
        "generado": (f"/planes/{plan_id}/expediente", r"<dt>Generado</dt><dd>([^<]+)<"),
        "hito": (f"/planes/{plan_id}/hitos", r"marcado por [^<]*? el ([^·<]+)"),
        "aviso": ("/notificaciones", r"Recibida el ([^\n<]+)"),
    }
    before = {name: days_on(*where) for name, where in pages.items()}
    assert all(set(days) == {date(2028, 3, 15)} for days in before.values()), before
    # A restart with another PDT_TODAY: what was stored reads as it did; only "Generado" is of the new day.
    set_today("2028-04-20")
    after = {name: days_on(*where) for name, where in pages.items()}
    assert after["registrado"] == before["registrado"] and after["hito"] == before["hito"]
    assert after["aviso"] == before["aviso"]
    assert set(after["generado"]) == {date(2028, 4, 20)}


# --- The act's date decides ----------------------------------------------------------------------------------


def test_a_concept_dated_on_time_and_recorded_late_clears_the_warning(app, client, db_session, set_today):
    """CRQ's 15 business days from 29 February 2028 end on 22 March; the sweep marks the concept overdue on 23
    March. The concept, dated 22 March, is recorded on 24 March: the warning goes, the history notes the late
    recording, and the history, the expediente and the export list it by its date, before the sweep's mark."""
    from workflow_app.services.route.plans import deadlines_for

    set_today("2028-03-24")
    genova = Cast(db_session, make_plan(db_session, "63302"))
    walk_to(genova, "submitted_to_ctp")
    car = next(d for d in deadlines_for(genova.plan) if d.key == "car_concept")
    assert (car.act_by, car.overdue_from) == (date(2028, 3, 22), date(2028, 3, 23))
    run_sweep(date(2028, 3, 23))
    db_session.refresh(genova.plan)
    assert "car_overdue" in genova.plan.flags
    genova.act("CRQ", "receive_concept", "2028-03-22", today="2028-03-24", machine="car_review", subject="CRQ",
               payload={"concept": "favorable"})
    db_session.refresh(genova.plan)
    assert "car_overdue" not in (genova.plan.flags or [])
    concept = db_session.scalar(select(PlanEvent).filter_by(trigger="receive_concept"))
    assert concept.payload["recorded_late"] == {"car_concept:CRQ": "2028-03-22"}

    admin = make_user(db_session, "admin@prueba.co", Role.ADMIN)
    login(client, admin.email, PASSWORD)
    page = client.get(f"/planes/{genova.plan.id}/expediente").get_data(as_text=True)
    assert "Concepto ambiental vencido" not in page.split("<h2")[1]  # no warning at the top
    assert "Registrado después del último día del plazo, pero el acto está fechado dentro de él" in page
    assert page.index("Remitir el concepto técnico") < page.index("Marcar vencido el plazo de la autoridad")
    rows = list(csv.reader(io.StringIO(client.get(f"/planes/{genova.plan.id}/historial.csv")
                                       .get_data().decode("utf-8-sig"))))
    dates = [r[1] for r in rows[1:]]
    assert dates == sorted(dates)  # by the act's date, the recording time beside it
    late = next(r for r in rows[1:] if r[-2] == "receive_concept")
    assert late[1] == "2028-03-22" and late[2].startswith("2028-03-24")
    assert "se cumplió a tiempo" in " ".join(late)
