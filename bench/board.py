"""Benchmark: the early-warning board (/tablero) over every entity's plan (1,135) with realistic histories.

Run from the repository root:  .venv/bin/python -m bench.board [--runs 30] [--today 2028-04-21] [--seed 6]

Creates its own scratch PostgreSQL database (BENCH_PG_ADMIN_URL, default postgresql://postgres@127.0.0.1/postgres)
and drops it at the end. Each plan gets a history written in bulk (not through the service, to keep the setup
short) but shaped by the legal tables: the main route's acts in order with plausible dates up to ``--today``
(some entities on time, some late, a few done), the milestone events each act records (the ``event:*``
effects of ``PDT_MACHINE`` and the sub-machines), CAR reviews for every authority with jurisdiction (some
answered, some not), the CTP review and formation, hearings, manual hito checks, team leaders and advisers.

Measured in the same process and run: GET /tablero as an administrator (the whole country: every row computed,
the first 100 shown; also the last page), N
times, server time median and p95 through the Flask test client; the same for GET /ping (a trivial endpoint:
the framework's own floor) and the ratio. Reported twice: with the legal calendar memoised by facts (warm, as
in production between acts) and with that memo cleared before every request (cold: the calendar computed for
all 1,135 plans on each request). Target: p95 under 300 ms.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
import uuid
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg  # noqa: E402

ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")

# (trigger, who, days after the previous act: (min, max))
ROUTE = (
    ("take_office", "ejecutivo", (1, 2)),
    ("start_drafting", "planeacion", (3, 15)),
    ("submit_to_consejo_de_gobierno", "planeacion", (25, 60)),
    ("consolidate", "planeacion", (0, 12)),
    ("submit_to_ctp", "ejecutivo", (0, 10)),
    ("record_ctp_concept", "ctp", (18, 34)),
    ("consider_concepts", "planeacion", (3, 15)),
    ("file_with_corporacion", "ejecutivo", (5, 35)),
    ("assign_to_committee", "corporacion", (1, 5)),
    ("record_committee_debate", "corporacion", (4, 10)),
    ("record_plenary_debate", "corporacion", (3, 10)),
    ("approve_plan", "corporacion", (0, 4)),
    ("send_for_sanction", "corporacion", (1, 4)),
    ("sanction", "ejecutivo", (2, 8)),
    ("publish", "ejecutivo", (1, 6)),
    ("enter_into_force", "sistema", (0, 0)),
)
MANUAL_HITOS = (3, 4, 6, 7, 9, 15, 17)


def make_database() -> tuple[str, str]:
    name = f"pdt_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name, ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + f"/{name}"


def drop_database(name: str) -> None:
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _events_of(machine, state: str, trigger: str) -> tuple[str, list[str], list[str], str]:
    row = machine.row(state, trigger)
    dest = row.dest_from(state)
    from state_machines.core.machine import SAME

    dest = state if dest == SAME else dest
    effects = list(row.effects)
    return dest, [e.split(":", 1)[1] for e in effects if e.startswith("event:")], effects, row.legal_basis


def populate(db, rng: random.Random, today: date) -> dict:
    from sqlalchemy import insert, select
    from werkzeug.security import generate_password_hash

    from state_machines.approval.pdt import PDT_MACHINE
    from state_machines.approval.submachines import SUBMACHINES
    from workflow_app.models import (
        Entity,
        Jurisdiction,
        Membership,
        MilestoneCheck,
        Period,
        Plan,
        PlanEvent,
        Procedure,
        User,
        new_feed_token,
    )

    period = db.session.scalar(select(Period).filter_by(start_on=date(today.year, 1, 1)))
    entities = db.session.execute(select(Entity.id, Entity.dane_code, Entity.kind, Entity.department_code)
                                  .order_by(Entity.dane_code)).all()
    jur = {}
    dept_cars: dict[str, set] = {}
    for entity_id, code in db.session.execute(select(Jurisdiction.entity_id, Jurisdiction.authority_code)):
        jur.setdefault(entity_id, set()).add(code)
    for entity_id, _dane, kind, dept in entities:
        if kind != "departamento":
            dept_cars.setdefault(dept, set()).update(jur.get(entity_id, ()))

    password = generate_password_hash("bench", method="pbkdf2:sha256:1000")
    users, memberships, uid = [], [], 0

    def user(email, name, active=True):
        nonlocal uid
        uid += 1
        users.append({"id": uid, "email": email, "name": name, "password_hash": password,
                      "is_active_account": active, "is_demo": False, "wants_immediate_email": False,
                      "ical_token": new_feed_token()})
        return uid

    admin_id = user("admin@bench.co", "Administración DNP")
    memberships.append({"user_id": admin_id, "role": "admin"})
    people = {}
    for entity_id, dane, _kind, _dept in entities:
        for role in ("ejecutivo", "planeacion", "ctp", "corporacion"):
            active = role != "planeacion" or rng.random() < 0.85  # some leaders not yet enabled (hito 2)
            people[(entity_id, role)] = user(f"{role}{dane}@bench.co", f"{role} {dane}", active)
            memberships.append({"user_id": people[(entity_id, role)], "role": role, "entity_id": entity_id})
    advisers = [user(f"asesor{i}@bench.co", f"Asesor territorial {i}") for i in range(57)]
    for i, (entity_id, *_rest) in enumerate(entities):
        memberships.append({"user_id": advisers[i % len(advisers)], "role": "asesor", "entity_id": entity_id})
    db.session.execute(insert(User), users)
    db.session.execute(insert(Membership), memberships)

    plans, procs, events, checks = [], [], [], []
    start = period.start_on
    states = {}
    for pid, (entity_id, dane, kind, dept) in enumerate(entities, start=1):
        cars = sorted(dept_cars.get(dept, ()) if kind == "departamento" else jur.get(entity_id, ()))
        pace = rng.choice((0.6, 0.8, 1.0, 1.0, 1.2, 1.6))  # fast, on time, slow entities
        target = rng.choices(range(len(ROUTE) + 1), weights=[1, 2, 4, 4, 3, 4, 6, 6, 8, 5, 3, 3, 4, 3, 2, 2, 3])[0]
        state, on, dates, plan_procs, plan_events = "elected", start, {}, {}, []

        def add_event(machine, subject, src, dest, trigger, role, act_on, milestones, effects, basis):
            plan_events.append({"plan_id": pid, "machine": machine, "subject": subject, "from_state": src,
                                "to_state": dest, "trigger": trigger, "role": role,
                                "actor_id": people.get((entity_id, role)), "act_on": act_on,
                                "occurred_at": datetime.combine(act_on, datetime.min.time(), timezone.utc)
                                + timedelta(hours=15), "reference": f"RAD-{trigger}", "legal_basis": basis,
                                "evidence_ids": [], "payload": {"milestones": milestones, "effects": effects}})

        for trigger, who, (lo, hi) in ROUTE[:target]:
            nxt = on + timedelta(days=round(rng.randint(lo, hi) * pace))
            if nxt > today:
                break
            on = nxt
            dest, milestones, effects, basis = _events_of(PDT_MACHINE, state, trigger)
            if "start_ctp_formation" in effects:
                milestones.append("ctp_renewal_convened")
                plan_procs["ctp_formation"] = ("ctp", "convocation_open", {"started_on": on.isoformat()})
            if "start_ctp_review" in effects:
                plan_procs["ctp_review"] = ("ctp", "presented", {"started_on": on.isoformat()})
            add_event("pdt_approval", None, state, dest, trigger, who, on,
                      [m for m in milestones if m != "piscc_started"], effects, basis)
            if "start_car_reviews" in effects:
                for code in cars:
                    data = {"received_on": on.isoformat()}
                    answered = on + timedelta(days=rng.randint(8, 30))
                    if rng.random() < 0.8 and answered <= today:
                        data["receive_concept_on"] = answered.isoformat()
                        add_event("car_review", code, "copy_sent", "concept_received", "receive_concept", "car",
                                  answered, [], [], "D1865 art. 3 num. 3")
                    plan_procs[f"car_review:{code}"] = (code, "concept_received" if "receive_concept_on" in data
                                                 else "copy_sent", data)
            if trigger == "submit_to_ctp":
                dates["ctp_presented"] = on.isoformat()
                installed = on - timedelta(days=rng.randint(1, 20))
                if "ctp_formation" in plan_procs and rng.random() < 0.6:
                    plan_procs["ctp_formation"] = ("ctp", "ctp_installed", plan_procs["ctp_formation"][2])
                    add_event("ctp_formation", "ctp", "members_designated", "ctp_installed", "install_ctp",
                              "ejecutivo", installed, ["ctp_installed"], ["event:ctp_installed"], "L152 art. 34")
            if trigger == "record_ctp_concept":
                plan_procs["ctp_review"] = ("ctp", "concept_issued", plan_procs["ctp_review"][2])
            if trigger == "consider_concepts" and rng.random() < 0.7:
                held = on + timedelta(days=rng.randint(3, 15))
                plan_procs["hearing"] = ("1", "scheduled", {"scheduled_on": held.isoformat(), "place": "Casa de la cultura"})
                add_event("pdt_approval", None, "adjusting", "adjusting", "schedule_hearing", "planeacion", on,
                          [], ["start_hearing"], "L1909 art. 22")
                if held <= today:
                    plan_procs["hearing"] = ("1", "held", plan_procs["hearing"][2])
                    add_event("hearing", "1", "scheduled", "held", "hold", "planeacion", held, ["hearings_held"],
                              ["event:hearings_held"], "L1909 art. 22")
            if trigger == "file_with_corporacion":
                dates["filed_with_corporacion"] = on.isoformat()
            if trigger == "approve_plan":
                dates["adopted"] = on.isoformat()
            state = dest
        plan_events.sort(key=lambda e: (e["act_on"], e["machine"] != "pdt_approval"))
        events += plan_events
        states[state] = states.get(state, 0) + 1
        plans.append({"id": pid, "entity_id": entity_id, "period_id": period.id, "state": state, "version": 1,
                      "regime": "ordinary", "d683_articles": [], "flags": [], "posesion_on": start,
                      "event_dates": dates, "ical_token": new_feed_token()})
        for machine_key, (subject, pstate, data) in plan_procs.items():
            procs.append({"plan_id": pid, "machine": machine_key.split(":")[0], "subject": subject,
                          "state": pstate, "data": data})
        for number in MANUAL_HITOS:
            if rng.random() < 0.1 + 0.08 * len(plan_events):
                when = start + timedelta(days=rng.randint(5, max(6, (min(on, today) - start).days)))
                checks.append({"plan_id": pid, "milestone_number": number, "is_done": True,
                               "note": "Acta y listado de asistencia cargados en el kit",
                               "checked_by_id": people[(entity_id, "planeacion")],
                               "checked_at": datetime.combine(when, datetime.min.time(), timezone.utc)})
    assert all(p in SUBMACHINES for p in {p["machine"] for p in procs})
    db.session.execute(insert(Plan), plans)
    db.session.execute(insert(Procedure), procs)
    db.session.execute(insert(PlanEvent), events)
    db.session.execute(insert(MilestoneCheck), checks)
    for table in ("plans", "users", "procedures", "plan_events", "milestone_checks", "memberships"):
        db.session.execute(db.text(f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))"))
    db.session.commit()
    return {"admin_id": admin_id, "plans": len(plans), "events": len(events), "procedures": len(procs),
            "checks": len(checks), "states": states}


CPU_TIMES: dict[str, list[float]] = {}


def timed(client, url: str, runs: int, before=None, label: str = "") -> tuple[list[float], int, int]:
    """Wall time per request (and, under ``label``, this process's CPU time: on a shared machine the wall time
    also counts the time spent waiting for a CPU)."""
    times, cpu, size, status = [], [], 0, 0
    for _ in range(runs):
        if before:
            before()
        t0, c0 = time.perf_counter(), time.process_time()
        response = client.get(url)
        body = response.get_data()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        size, status = len(body), response.status_code
    if label:
        CPU_TIMES[label] = cpu
    return times, size, status


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def ms(value: float) -> str:
    return f"{value * 1000:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--today", default="2028-04-21")
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args()
    today = date.fromisoformat(args.today)

    from flask_migrate import upgrade

    from workflow_app.app import create_app

    name, url = make_database()
    try:
        app = create_app("test", SQLALCHEMY_DATABASE_URI=url, REDIS_URL=None, PDT_TODAY=args.today,
                         UPLOAD_DIR=f"/tmp/{name}-uploads")
        with app.app_context():
            from sqlalchemy import event

            from workflow_app.infra.extensions import db
            from workflow_app.services.cycle.reference import load_reference
            from workflow_app.services.monitoring import board as board_service
            from workflow_app.services.monitoring import board_summary

            upgrade()
            load_reference()
            facts = populate(db, random.Random(args.seed), today)
            board_summary.refresh(db.session)  # the summary rows each act keeps in production (issue 15)
            db.session.commit()
            db.session.remove()

            client = app.test_client()
            from workflow_app.infra.sessions import open_session

            with client.session_transaction() as session:  # a server-side session, as a sign-in opens one
                session["_user_id"] = str(facts["admin_id"])
                session["_fresh"] = True
                session["pdt_sid"] = open_session(facts["admin_id"])

            statements = []
            listener = lambda *a, **k: statements.append(1)  # noqa: E731
            event.listen(db.engine, "before_cursor_execute", listener)
            first = client.get("/tablero")
            event.remove(db.engine, "before_cursor_execute", listener)
            html = first.get_data(as_text=True)
            assert first.status_code == 200, first.status_code
            rows = html.count('<th scope="row" data-label="Entidad">')
            # The table is paged; the summary counts every plan of the country.
            assert rows == min(board_service.PAGE_SIZE, facts["plans"]), (rows, facts["plans"])
            assert f"<strong>{facts['plans']}</strong> planes" in html

            timed(client, "/ping", 5)
            ping, _, _ = timed(client, "/ping", args.runs, label="ping")
            warm, size, _ = timed(client, "/tablero", args.runs, label="warm")
            cold, _, _ = timed(client, "/tablero", args.runs, before=board_service.clear_calendar_cache,
                               label="cold")
            last_page = f"/tablero?pagina={-(-facts['plans'] // board_service.PAGE_SIZE)}"
            deep, _, _ = timed(client, last_page, args.runs, label="deep")
            csv_times, csv_size, _ = timed(client, "/tablero.csv", max(5, args.runs // 3))

            service = []
            admin = db.session.get(__import__("workflow_app.models").models.User, facts["admin_id"])
            for _ in range(max(5, args.runs // 3)):
                t0 = time.perf_counter()
                board_service.load_rows(db.session, admin, today)
                service.append(time.perf_counter() - t0)
            risks = board_service.summary(board_service.load_rows(db.session, admin, today))["risks"]
            db.session.remove()
            db.engine.dispose()

        print(f"planes: {facts['plans']} · actos en el historial: {facts['events']} · trámites: "
              f"{facts['procedures']} · hitos marcados a mano: {facts['checks']} · hoy: {today.isoformat()}")
        print("estados: " + ", ".join(f"{k} {v}" for k, v in sorted(facts["states"].items(), key=lambda kv: -kv[1])))
        print(f"riesgo: {risks}")
        print(f"consultas SQL por página del tablero: {len(statements)} · filas en la página: {rows} · tamaño: "
              f"{size / 1024:.0f} KB")
        base = statistics.median(ping)
        print(f"carga del equipo (load average 1/5/15 min, {os.cpu_count()} CPU): "
              + " / ".join(f"{x:.1f}" for x in os.getloadavg()))
        for key, label, values in (("warm", "tablero, calendario memorizado", warm),
                                   ("deep", f"tablero, última página ({last_page})", deep),
                                   ("cold", "tablero, calendario recalculado en cada solicitud", cold)):
            median, cpu = statistics.median(values), CPU_TIMES[key]
            print(f"{label}: mediana {ms(median)} · p95 {ms(p95(values))} · razón con /ping {median / base:,.0f}x "
                  f"(meta p95 < 300 ms: {'cumple' if p95(values) < 0.3 else 'NO cumple'}) · CPU del proceso: "
                  f"mediana {ms(statistics.median(cpu))}, p95 {ms(p95(cpu))}")
        print(f"/ping (línea base del mismo proceso): mediana {ms(base)} · p95 {ms(p95(ping))} · CPU mediana "
              f"{ms(statistics.median(CPU_TIMES['ping']))}")
        print(f"servicio load_rows solo (sin plantilla), calendario memorizado: mediana "
              f"{ms(statistics.median(service))}")
        print(f"/tablero.csv: mediana {ms(statistics.median(csv_times))} · {csv_size / 1024:.0f} KB")
    finally:
        drop_database(name)


if __name__ == "__main__":
    main()
