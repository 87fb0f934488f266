"""Benchmark of the deadline sweep over 11,350 open plans (ten times the country: 1,135 entities x 10 periods).

Run from the repository root:  .venv/bin/python -m bench.sweep  [--today 2028-03-21] [--seed 7]

Creates its own scratch PostgreSQL database (TEST_PG_ADMIN_URL, default postgresql://postgres@127.0.0.1/postgres),
fills it with plans in every step of the route (random legal dates, a CAR review each, five people per entity),
and reports, in the same run:

- baseline: a bare SELECT of the same open plans (the floor any sweep pays to read them): the plans not in a final
  state whose period has not ended, since nothing is owed after it (``pdt.duties_ended``; from 7 December 2026 the
  sweep reads only those: 5 of the 10 periods here, about half the plans the earlier figures swept);
- the first sweep of the day (it writes every reminder due today and every overdue notice not yet sent,
  and applies the due automatic effects through the plan service);
- the same sweep again (steady state every five minutes: everything already told, nothing to write) — target
  under 2 s — and its ratio to the baseline, with the worker's deadline cache warm and cold;
- the sweep of the next day (only the new milestones).
Jobs are counted, not delivered (bench/notifications.py measures delivery).
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PG_ADMIN_URL = os.environ.get("TEST_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
PERIOD_YEARS = (2008, 2012, 2016, 2020, 2024, 2028, 2032, 2036, 2040, 2044)
CAR_CODES = ("CRQ", "CVC", "CORANTIOQUIA", "CORPOBOYACA", "CORNARE", "CAR", "CORPONOR", "CAS")
EXEC_STATES = ("in_office", "drafting", "submitted_to_consejo_de_gobierno", "consolidated")


class CountingRunner:
    """Stands in for RQ: counts the delivery jobs a sweep would enqueue."""

    def __init__(self):
        self.submitted = 0

    def submit(self, func_path, args):
        self.submitted += 1


def random_plan(rng: random.Random, year: int, today: date) -> tuple[str, dict, list[tuple[str, str, dict]]]:
    """(state, event_dates, procedures) consistent with the route; 2028 plans sit around ``today``."""
    start = date(year, 1, 1)
    if year == today.year:  # the current period: dates spread so that some milestone falls on any day
        ctp = today - timedelta(days=rng.randint(0, 40))
    else:
        ctp = start + timedelta(days=rng.randint(30, 80))
    if year > today.year:
        return rng.choice(("elected",) + EXEC_STATES[:2]), {}, []
    roll = rng.random()
    car = [("car_review", rng.choice(CAR_CODES), "copy_sent" if rng.random() < 0.5 else "concept_received",
            {"received_on": ctp.isoformat()})]
    if roll < 0.2:
        return rng.choice(EXEC_STATES), {}, []
    if roll < 0.55:
        state = rng.choice(("submitted_to_ctp", "submitted_to_ctp", "ctp_stage_closed", "adjusting"))
        procs = car + ([("ctp_review", "ctp", "presented", {"started_on": ctp.isoformat()})]
                       if state == "submitted_to_ctp" else [])
        return state, {"ctp_presented": ctp.isoformat()}, procs
    filed = ctp + timedelta(days=rng.randint(30, 60))
    if year == today.year:
        filed = min(filed, today - timedelta(days=rng.randint(0, 35)))
        filed = max(filed, ctp)
    dates = {"ctp_presented": ctp.isoformat(), "filed_with_corporacion": filed.isoformat()}
    if roll < 0.85:
        return rng.choice(("filed_with_corporacion", "in_debate")), dates, car
    dates["adopted"] = (filed + timedelta(days=rng.randint(5, 25))).isoformat()
    return rng.choice(("approved_by_corporacion", "sanction_pending", "published")), dates, car


def populate(db, rng: random.Random, today: date) -> int:
    from sqlalchemy import insert, select
    from werkzeug.security import generate_password_hash

    from workflow_app.models import Entity, Membership, Period, Plan, Procedure, User, new_feed_token

    entities = db.session.execute(select(Entity.id, Entity.dane_code)).all()
    for year in PERIOD_YEARS:  # the reference data holds the recent periods only
        if db.session.scalar(select(Period.id).filter_by(start_on=date(year, 1, 1))) is None:
            db.session.add(Period(start_on=date(year, 1, 1), end_on=date(year + 3, 12, 31)))
    db.session.flush()
    periods = {p.start_on.year: p.id for p in db.session.scalars(select(Period))}
    password = generate_password_hash("bench", method="pbkdf2:sha256:1000")
    users, memberships = [], []
    uid = 0
    for entity_id, dane in entities:
        for role in ("ejecutivo", "planeacion", "ctp", "corporacion", "asesor"):
            uid += 1
            users.append({"id": uid, "email": f"{role}{dane}@bench.co", "name": f"{role} {dane}",
                          "password_hash": password, "is_active_account": True, "is_demo": False,
                          "wants_immediate_email": rng.random() < 0.3, "ical_token": new_feed_token()})
            memberships.append({"user_id": uid, "role": role, "entity_id": entity_id})
    for code in CAR_CODES:
        uid += 1
        users.append({"id": uid, "email": f"{code.lower()}@bench.co", "name": code, "password_hash": password,
                      "is_active_account": True, "is_demo": False, "wants_immediate_email": False,
                      "ical_token": new_feed_token()})
        memberships.append({"user_id": uid, "role": "car", "authority_code": code})
    db.session.execute(insert(User), users)
    db.session.execute(insert(Membership), memberships)
    plans, procs = [], []
    pid = 0
    for year in PERIOD_YEARS:
        for entity_id, _ in entities:
            pid += 1
            state, dates, plan_procs = random_plan(rng, year, today)
            plans.append({"id": pid, "entity_id": entity_id, "period_id": periods[year], "state": state,
                          "version": 1, "regime": "ordinary", "d683_articles": [], "flags": [],
                          "posesion_on": date(year, 1, 1), "event_dates": dates, "ical_token": new_feed_token()})
            procs += [{"plan_id": pid, "machine": m, "subject": s, "state": st, "data": data}
                      for m, s, st, data in plan_procs]
    db.session.execute(insert(Plan), plans)
    db.session.execute(insert(Procedure), procs)
    db.session.execute(db.text("SELECT setval('plans_id_seq', (SELECT max(id) FROM plans))"))
    db.session.execute(db.text("SELECT setval('users_id_seq', (SELECT max(id) FROM users))"))
    db.session.commit()
    return len(plans)


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--today", default="2028-03-21")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args()
    today = date.fromisoformat(args.today)

    import psycopg

    admin = psycopg.connect(PG_ADMIN_URL, autocommit=True)
    name = f"pdt_bench_sweep_{uuid.uuid4().hex[:8]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    url = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + f"/{name}"
    try:
        run(url, today, args.seed)
    finally:
        if not args.keep:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def run(url: str, today: date, seed: int) -> None:
    import logging

    from flask_migrate import upgrade
    from sqlalchemy import func, select

    from notifications.sweep import open_plans, run_sweep
    from state_machines.approval.pdt import PDT_MACHINE
    from workflow_app.app import create_app
    from workflow_app.infra.extensions import db
    from workflow_app.models import Notification, Period, Plan
    from workflow_app.services.cycle.reference import load_reference

    logging.getLogger("notifications.sweep").setLevel(logging.ERROR)
    app = create_app("test", SQLALCHEMY_DATABASE_URI=url, REDIS_URL=None, PDT_TODAY=None)
    jobs = CountingRunner()
    app.extensions["job_runner"] = jobs
    with app.app_context():
        upgrade()
        load_reference()
        t_fill, count = timed(lambda: populate(db, random.Random(seed), today))
        from workflow_app.services.monitoring import board_summary

        board_summary.refresh(db.session)  # the board's rows, which each act keeps in production (issue 15)
        db.session.commit()
        db.session.execute(db.text("ANALYZE"))
        db.session.commit()
        is_open = Plan.state.not_in(sorted(PDT_MACHINE.final_states))
        running = Plan.period_id.in_(select(Period.id).where(Period.end_on >= today))
        open_count = db.session.scalar(select(func.count(Plan.id)).where(is_open))
        swept = db.session.scalar(select(func.count(Plan.id)).where(is_open, running))
        print(f"plans: {count} ({open_count} open, {swept} of them in a period not ended), filled in {t_fill:.1f} s; "
              f"today {today}")

        def bare_select():
            rows = db.session.execute(select(Plan.id, Plan.state, Plan.version, Plan.event_dates, Plan.entity_id)
                                      .where(is_open, running)).all()
            db.session.rollback()
            return len(rows)

        def rows_load():
            return len(open_plans(db.session, today))

        bare = min(timed(bare_select)[0] for _ in range(3))
        loaded = min(timed(rows_load)[0] for _ in range(3))
        print(f"baseline bare SELECT of the open plans:           {bare * 1000:8.1f} ms")
        print(f"sweep's load (plans + entities + procedures rows): {loaded * 1000:8.1f} ms")

        from workflow_app.services.route.plans import clear_deadline_memo

        for label, day in (("first sweep of the day", today), ("same sweep again (steady)", today),
                           ("third run (steady)", today), ("steady, cold deadline cache", today),
                           ("next day", today + timedelta(days=1))):
            if "cold" in label:
                clear_deadline_memo()  # as in a freshly started worker
            db.session.expunge_all()
            before = jobs.submitted
            seconds, report = timed(lambda: run_sweep(day))
            db.session.remove()
            print(f"{label:28s} {seconds:7.2f} s  ratio to bare SELECT {seconds / bare:6.1f}x  | due plans "
                  f"{report.plans_due}, reminders {report.reminders}, escalations {report.escalations}, "
                  f"effects {report.effects} (+{report.effect_notices} notices), skipped {report.skipped}, "
                  f"jobs {jobs.submitted - before}")
            if label.startswith("first"):  # the workers deliver what the first sweep queued
                db.session.execute(db.text("UPDATE deliveries SET status = 'sent' WHERE status = 'pending'"))
                db.session.commit()
            if label.startswith("same"):
                steady = seconds
        total = db.session.scalar(select(func.count(Notification.id)))
        keys = db.session.scalar(select(func.count(func.distinct(Notification.dedupe_key))))
        print(f"notifications stored: {total}, distinct dedupe keys: {keys} (duplicates: {total - keys})")
        print(f"target steady sweep < 2 s: {'met' if steady < 2 else 'NOT met'}")
        db.session.remove()
        db.engine.dispose()


if __name__ == "__main__":
    main()
