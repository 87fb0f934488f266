"""Benchmark: walk every municipio's and district's plan (1,103) through the whole legal route on PostgreSQL.

Run from the repository root:  .venv/bin/python -m bench.transitions [--plans N]

Each act goes through ``apply_act`` (authorise, calendar, machine, sub-procedures, history, notices, one
commit), in a fresh session that first loads the acting user, as a web request does. The baseline, measured in the same run on the same database, is the bare SQL each act must do at
least: UPDATE of the plan row (with its version) plus INSERT of a history row, committed. Reports acts per
second for both and the ratio. Target: at most 3x the baseline.

Every act by a person carries its evidence PDF (written and fsync'ed), as the real forms do; the baseline
writes no file, so the ratio also contains that disk work.
"""
from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
import uuid
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg  # noqa: E402
from sqlalchemy import select, text  # noqa: E402

from workflow_app.services.cycle.demo import DEMO_PDF  # noqa: E402

ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
PDF = DEMO_PDF  # a real one-page PDF: uploads are opened and checked

# (who, trigger, act date, today) — the 2028 route of calendar-contract.md's second example.
# (who, trigger, act date, today, payload): the acts carry what their guards read (issue 13): the concept's
# sense, the committee's approval, the plenary three full days later (L136 art. 73), the vigencia clause.
ROUTE = (
    ("ejecutivo", "take_office", date(2028, 1, 3), date(2028, 1, 3), {}),
    ("planeacion", "start_drafting", date(2028, 1, 10), date(2028, 1, 10), {}),
    ("planeacion", "submit_to_consejo_de_gobierno", date(2028, 2, 29), date(2028, 2, 29), {}),
    ("planeacion", "consolidate", date(2028, 2, 29), date(2028, 2, 29), {}),
    ("ejecutivo", "submit_to_ctp", date(2028, 2, 29), date(2028, 2, 29), {}),
    ("ctp", "record_ctp_concept", date(2028, 3, 27), date(2028, 3, 27), {"concept": "favorable"}),
    ("planeacion", "consider_concepts", date(2028, 4, 3), date(2028, 4, 3), {}),
    ("ejecutivo", "file_with_corporacion", date(2028, 4, 28), date(2028, 4, 28), {}),
    ("corporacion", "assign_to_committee", date(2028, 5, 2), date(2028, 5, 2), {}),
    ("corporacion", "record_committee_debate", date(2028, 5, 18), date(2028, 5, 18), {"committee_outcome": "approved"}),
    ("corporacion", "record_plenary_debate", date(2028, 5, 25), date(2028, 5, 25), {}),
    ("corporacion", "approve_plan", date(2028, 5, 25), date(2028, 5, 25), {}),
    ("corporacion", "send_for_sanction", date(2028, 5, 26), date(2028, 5, 26), {"articles_sent": 18}),
    ("ejecutivo", "sanction", date(2028, 6, 1), date(2028, 6, 1), {}),
    # Publication on its day of force also records the entry into force, in the same transaction (issue 18).
    ("ejecutivo", "publish", date(2028, 6, 5), date(2028, 6, 5), {"vigencia": "on_publication"}),
)
ROLES = ("ejecutivo", "planeacion", "ctp", "corporacion")


def make_database() -> tuple[str, str]:
    name = f"pdt_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + f"/{name}"
    return name, url


def drop_database(name: str) -> None:
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def setup(app, n_plans: int):
    from state_machines.core.roles import Role
    from workflow_app.infra.extensions import db
    from workflow_app.models import Entity, Membership, Period, Plan, User
    from workflow_app.services.cycle.reference import load_reference
    from workflow_app.services.monitoring import board_summary
    from workflow_app.services.people.people import acting_user

    load_reference()
    period = db.session.scalar(select(Period).filter_by(start_on=date(2028, 1, 1)))
    # Municipios and districts: ROUTE is the acuerdo's route (an ordenanza's adds the ponencia's publication before
    # each debate, L2200 art. 102), and every contender of bench.peers walks the same steps.
    entities = db.session.scalars(select(Entity).where(Entity.kind != "departamento")
                                  .order_by(Entity.dane_code)).all()[:n_plans]
    probe = User(email="probe@bench.co", name="probe")
    probe.set_password("bench-password")  # one slow hash, copied: the benchmark is not about sign-in
    casts: dict = {}
    for entity in entities:
        # Category 6 (L136 art. 23): the Concejo sits in May, so ROUTE's debates fall in ordinary sessions and the
        # session guards (issue 20) check them as they would any plan's.
        entity.fiscal_category = "6"
        users = {}
        for role in ROLES:
            user = User(email=f"{role}.{entity.dane_code}@bench.co", name=role, password_hash=probe.password_hash)
            db.session.add(user)
            users[role] = user
        db.session.flush()
        for role, user in users.items():
            db.session.add(Membership(user_id=user.id, role=Role(role).value, entity_id=entity.id))
        plan = Plan(entity=entity, period=period, state="elected", posesion_on=period.start_on)
        db.session.add(plan)
        casts[entity.dane_code] = (plan, users)
    db.session.commit()
    out = [(plan.id, {role: user.id for role, user in users.items()}) for plan, users in casts.values()]
    # As opening the period does (services/cycle/cycle.py): each plan's board summary row exists before its first
    # act, which then updates it (otherwise the first act would build it from the database).
    board_summary.refresh(db.session, [plan_id for plan_id, _ in out])
    db.session.commit()
    for _plan_id, users in out:  # as signing in does: each users row keeps its copy of the memberships
        for user_id in users.values():
            acting_user(db.session, user_id)
    db.session.remove()
    return out


def walk(app, casts) -> tuple[float, int, list[float]]:
    from state_machines.core.roles import Role
    from workflow_app.infra.extensions import db
    from workflow_app.services.people.people import acting_user
    from workflow_app.services.route.documents import Upload
    from workflow_app.services.route.plans import ActCommand, apply_act

    per_act: list[float] = []
    started = time.perf_counter()
    for who, trigger, on, today, payload in ROUTE:
        role = Role(who)
        for plan_id, users in casts:
            evidence = None if role is Role.SISTEMA else Upload("acta.pdf", io.BytesIO(PDF))
            command = ActCommand(trigger=trigger, act_on=on, reference=f"B-{trigger}", evidence=evidence,
                                 payload=payload)
            # As a request does: a fresh session that loads the signed-in user, then the act.
            t0 = time.perf_counter()
            actor = acting_user(db.session, users[who]) if who in users else None
            apply_act(db.session, plan_id=plan_id, command=command, actor=actor, role=role,
                      expected_version=None, today=today)
            db.session.remove()
            per_act.append(time.perf_counter() - t0)
    return time.perf_counter() - started, len(per_act), per_act


def baseline(database_url: str, casts, acts: int) -> float:
    """UPDATE the plan row with its version + INSERT a history row, committed, ``acts`` times."""
    with psycopg.connect(database_url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        plan_ids = [plan_id for plan_id, _ in casts]
        started = time.perf_counter()
        done = 0
        while done < acts:
            for plan_id in plan_ids:
                if done >= acts:
                    break
                version = conn.execute("SELECT version FROM plans WHERE id = %s", (plan_id,)).fetchone()[0]
                conn.execute("UPDATE plans SET version = version + 1, updated_at = now() "
                             "WHERE id = %s AND version = %s", (plan_id, version))
                conn.execute(
                    "INSERT INTO plan_events (plan_id, machine, from_state, to_state, trigger, role, occurred_at,"
                    " legal_basis, evidence_ids, payload) VALUES (%s, 'pdt_approval', 'in_force', 'in_force',"
                    " 'bench', 'sistema', now(), 'L152 art. 40', '[]', '{}')", (plan_id,))
                conn.commit()
                done += 1
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--plans", type=int, default=1135)
    args = parser.parse_args()

    from flask_migrate import upgrade

    from workflow_app.app import create_app

    name, url = make_database()
    uploads = Path(f"/tmp/{name}-uploads")
    try:
        app = create_app("test", SQLALCHEMY_DATABASE_URI=url, REDIS_URL=None, UPLOAD_DIR=str(uploads))
        app.extensions["job_runner"].submit = lambda *a, **k: None  # no SMTP here: notices stay in the outbox
        with app.app_context():
            upgrade()
            casts = setup(app, args.plans)
            elapsed, acts, per_act = walk(app, casts)
            from workflow_app.infra.extensions import db

            in_force = db.session.scalar(text("SELECT count(*) FROM plans WHERE state = 'in_force'"))
            db.engine.dispose()
        base = baseline(url, casts, acts)
        per_act.sort()
        rate, base_rate = acts / elapsed, acts / base
        print(f"planes: {args.plans} · actos: {acts} · planes vigentes al final: {in_force}")
        print(f"apply_act: {rate:,.0f} actos/s · mediana {statistics.median(per_act) * 1000:.2f} ms · "
              f"p99 {per_act[int(len(per_act) * 0.99)] * 1000:.2f} ms · total {elapsed:.1f} s")
        print(f"línea base SQL (UPDATE + INSERT + COMMIT): {base_rate:,.0f} actos/s · total {base:.1f} s")
        print(f"razón servicio / línea base: {base_rate / rate:.2f}x (meta: <= 3x)")
        assert in_force == args.plans, "not every plan reached in_force"
    finally:
        drop_database(name)


if __name__ == "__main__":
    main()
