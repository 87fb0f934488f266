"""Concurrency on real PostgreSQL: each client is a thread with its own app context and session."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date

from sqlalchemy import func, select

from state_machines.core.roles import Role
from tests.workflow_app.story import make_plan, make_user, pdf
from workflow_app.models import Entity, Membership, Period, Plan, PlanEvent, User
from workflow_app.services.route.plans import ActCommand, PlanConflict, apply_act


def test_fifty_conflicting_acts_on_one_plan_exactly_one_wins(app, db_session):
    plan = make_plan(db_session, "63302")
    mayor = make_user(db_session, "alcalde@prueba.co", Role.EJECUTIVO, plan.entity)
    plan_id, user_id, version = plan.id, mayor.id, plan.version
    barrier = threading.Barrier(50)

    def client(_):
        from workflow_app.infra.extensions import db

        with app.app_context():
            actor = db.session.get(User, user_id)
            db.session.rollback()  # give the pooled connection back while waiting for the others
            barrier.wait(timeout=60)
            try:
                apply_act(db.session, plan_id=plan_id, command=ActCommand(trigger="take_office", evidence=pdf()),
                          actor=actor, role=Role.EJECUTIVO, expected_version=version, today=date(2028, 1, 2))
                return "ok"
            except PlanConflict:
                return "conflict"
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=50) as pool:
        results = list(pool.map(client, range(50)))
    assert results.count("ok") == 1 and results.count("conflict") == 49
    db_session.expire_all()
    events = db_session.scalars(select(PlanEvent).filter_by(plan_id=plan_id)).all()
    assert [(e.from_state, e.to_state) for e in events] == [("elected", "in_office")]
    assert db_session.get(Plan, plan_id).version == version + 1


def test_a_thousand_acts_on_different_plans_at_once_all_succeed(app, db_session):
    entities = db_session.scalars(select(Entity).where(Entity.kind != "departamento")
                                  .order_by(Entity.dane_code).limit(1000)).all()
    period = db_session.scalar(select(Period).filter_by(start_on=date(2028, 1, 1)))
    probe = User(email="probe@prueba.co", name="probe")
    probe.set_password("clave-de-prueba")
    jobs = []
    for entity in entities:
        user = User(email=f"alcalde{entity.dane_code}@prueba.co", name="alcalde", password_hash=probe.password_hash)
        plan = Plan(entity=entity, period=period, state="elected", posesion_on=period.start_on)
        db_session.add_all([user, plan])
        db_session.flush()
        db_session.add(Membership(user_id=user.id, role="ejecutivo", entity_id=entity.id))
        jobs.append((plan.id, user.id))
    db_session.commit()

    def client(job):
        from workflow_app.infra.extensions import db

        plan_id, user_id = job
        with app.app_context():
            try:
                apply_act(db.session, plan_id=plan_id, command=ActCommand(trigger="take_office", evidence=pdf()),
                          actor=db.session.get(User, user_id), role=Role.EJECUTIVO, expected_version=None,
                          today=date(2028, 1, 2))
                return "ok"
            finally:
                db.session.remove()

    # As many clients as the connection pool can serve at once (5 + 10 overflow), less the embedded job
    # runner's connection and this test's own session: more threads than connections would only measure how
    # long an unlucky thread waits in the pool's queue (CI once saw one wait past the 30 s pool timeout).
    from workflow_app.infra.extensions import db

    pool_capacity = db.engine.pool.size() + db.engine.pool._max_overflow
    with ThreadPoolExecutor(max_workers=pool_capacity - 3) as pool:
        results = list(pool.map(client, jobs))
    assert results == ["ok"] * 1000
    in_office = db_session.scalar(select(func.count()).select_from(Plan).where(Plan.state == "in_office"))
    assert in_office == 1000
    assert db_session.scalar(select(func.count()).select_from(PlanEvent)) == 1000
