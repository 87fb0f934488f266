"""Story helpers: walk a stored plan through the route with injected dates, as its people would."""
from __future__ import annotations

import io
from datetime import date

from sqlalchemy import select

from state_machines.approval.pdt import PDT_MACHINE
from state_machines.core.roles import Role
from tests.pdf_samples import VALID as VALID_PDF
from workflow_app.models import Entity, Membership, Period, Plan, User
from workflow_app.services.route.documents import Upload
from workflow_app.services.route.plans import ActCommand, apply_act

PDF = VALID_PDF  # a real one-page PDF: uploads are opened and checked (workflow_app/infra/files/pdf_check.py)


def pdf(name: str = "acta.pdf") -> Upload:
    return Upload(filename=name, stream=io.BytesIO(PDF))


def make_user(session, email: str, role: Role, entity: Entity | None = None, authority: str | None = None) -> User:
    user = User(email=email, name=email.split("@")[0])
    user.set_password("clave-de-prueba")
    session.add(user)
    session.flush()
    session.add(Membership(user_id=user.id, role=role.value, entity_id=entity.id if entity else None,
                           authority_code=authority))
    session.commit()
    return user


def make_plan(session, dane_code: str, year: int = 2028, **kw) -> Plan:
    entity = session.scalar(select(Entity).filter_by(dane_code=dane_code))
    period = session.scalar(select(Period).filter_by(start_on=date(year, 1, 1)))
    plan = Plan(entity=entity, period=period, state="elected", posesion_on=period.start_on, **kw)
    session.add(plan)
    session.commit()
    return plan


class Cast:
    """The people of one entity's plan."""

    def __init__(self, session, plan: Plan, car_codes=("CRQ",)):
        e = plan.entity
        slug = e.dane_code
        self.session, self.plan = session, plan
        self.ejecutivo = make_user(session, f"alcalde{slug}@prueba.co", Role.EJECUTIVO, e)
        self.planeacion = make_user(session, f"planeacion{slug}@prueba.co", Role.PLANEACION, e)
        self.ctp = make_user(session, f"ctp{slug}@prueba.co", Role.CTP, e)
        self.corporacion = make_user(session, f"concejo{slug}@prueba.co", Role.CORPORACION, e)
        self.cars = {code: make_user(session, f"{code.lower()}{slug}@prueba.co", Role.CAR, authority=code)
                     for code in car_codes}

    def act(self, who: str, trigger: str, on: str, today: str | None = None, role: Role | None = None,
            evidence: bool = True, **kw):
        user = None if who == "sistema" else (self.cars[who] if who in self.cars else getattr(self, who))
        role = role or (Role.SISTEMA if who == "sistema" else Role.CAR if who in self.cars else Role(who))
        self.session.refresh(self.plan)
        command = ActCommand(trigger=trigger, act_on=date.fromisoformat(on), evidence=pdf() if evidence else None,
                             reference=kw.pop("reference", f"RAD-{trigger}"), **kw)
        return apply_act(self.session, plan_id=self.plan.id, command=command, actor=user, role=role,
                         expected_version=None, today=date.fromisoformat(today or on))


def walk_to(cast: Cast, stop: str) -> None:
    """The ordinary 2028 route with the dates of calendar-contract.md's second example. The first walk from a given
    start to ``stop`` in a test process runs the acts; the next ones get its rows back (tests/walk_copy.py)."""
    from tests.walk_copy import walked

    walked(cast, stop, lambda: _walk(cast, stop))
    cast.session.refresh(cast.plan)
    assert cast.plan.state == stop, cast.plan.state


def _walk(cast: Cast, stop: str) -> None:
    steps = [
        ("ejecutivo", "take_office", "2028-01-03", {}),
        ("planeacion", "start_drafting", "2028-01-10", {}),
        ("planeacion", "submit_to_consejo_de_gobierno", "2028-02-29", {}),
        ("planeacion", "consolidate", "2028-02-29", {}),
        ("ejecutivo", "submit_to_ctp", "2028-02-29", {}),
        ("ctp", "record_ctp_concept", "2028-03-27", {"payload": {"scope": "total", "concept": "favorable"}}),
        ("planeacion", "consider_concepts", "2028-04-03", {}),
        ("ejecutivo", "file_with_corporacion", "2028-04-28", {}),
        # L2200 art. 23 (issue 20): an Asamblea is in recess in May of a year that is not the period's first; the
        # governor convokes extraordinary sessions for the plan (a Concejo without category asserts nothing).
        ("ejecutivo", "convoke_sessions", "2028-04-28", {"payload": {
            "starts_on": "2028-05-01", "ends_on": "2028-05-31", "purpose": "Proyecto de ordenanza del plan de desarrollo",
            "covers_plan": True}}),
        ("corporacion", "assign_to_committee", "2028-05-02", {}),
        # L136 art. 73: committee on Wednesday 10 May, plenary from Sunday 14 May (three full days between).
        # L2200 art. 102 (ordenanzas only): the ponencia published before each debate.
        ("corporacion", "publish_ponencia", "2028-05-08", {"payload": {"ponencia_debate": "committee"}}),
        ("corporacion", "record_committee_debate", "2028-05-10", {"payload": {"committee_outcome": "approved"}}),
        ("corporacion", "publish_ponencia", "2028-05-12", {"payload": {"ponencia_debate": "plenary"}}),
        ("corporacion", "record_plenary_debate", "2028-05-15", {}),
        ("corporacion", "approve_plan", "2028-05-15", {}),
        ("corporacion", "send_for_sanction", "2028-05-17", {"payload": {"articles_sent": 18}}),  # L136 art. 78: 5 days
        ("ejecutivo", "sanction", "2028-05-19", {}),
        ("ejecutivo", "publish", "2028-05-22", {"payload": {"vigencia": "on_publication"}}),
        ("sistema", "enter_into_force", "2028-05-22", {}),
    ]
    debated = set()
    for who, trigger, on, kw in steps:
        if cast.plan.state == stop:
            return
        if PDT_MACHINE.row(cast.plan.state, trigger) is None or trigger in debated:
            continue  # done before: a walk may resume where an earlier one stopped
        if trigger == "convoke_sessions" and (cast.plan.entity.calendar_kind != "departamento"
                                              or (cast.plan.event_dates or {}).get("sessions_convoked")):
            continue
        if trigger == "publish_ponencia":
            debates = (cast.plan.event_dates or {}).get("debates") or {}
            if cast.plan.entity.calendar_kind != "departamento" or \
                    f"ponencia_{kw['payload']['ponencia_debate']}" in debates:
                continue
        if trigger.startswith("record_") and trigger.endswith("_debate"):
            debates = (cast.plan.event_dates or {}).get("debates") or {}
            if ("committee" if "committee" in trigger else "plenary") in debates:
                continue
            debated.add(trigger)
        cast.act(who, trigger, on, evidence=who != "sistema", **kw)
    assert cast.plan.state == stop, cast.plan.state
