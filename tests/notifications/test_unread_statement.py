"""The menu's unread figure is read with the person on every signed-in page (``accounts.signed_in_user_with``): its
join to a Phase II notice's procedure must say the same on PostgreSQL and SQLite, and the statement must stay one
that psycopg converts once (it re-parsed a statement over 4 KB on every request: 7 % of the inbox's CPU)."""
from __future__ import annotations

import pytest
from sqlalchemy import create_engine, literal, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.sql import visitors

from notifications.centre import _NOTICES, _PHASE2, _PHASE2_OF_NOTICE, UNREAD_BY_KEY
from state_machines.phase2 import PHASE2_DUTIES

SUBJECTS = ("2029", "2029-1", "pi", "")
OTHER_KEYS = ("ctp_concept", "car_concept:CRQ", "filing", "budget_filing", "paa_publication:")


def _cases() -> list[tuple[str, str, str, bool]]:
    """(machine, subject, step_key, whether the notice names the procedure), by the terms' own definition."""
    keys = {pd.duty.deadline_key for pd in PHASE2_DUTIES}
    step_keys = sorted({*keys, *(f"{k}:{s}" for k in keys for s in SUBJECTS if s), *OTHER_KEYS})
    machines = sorted({pd.machine for pd in PHASE2_DUTIES} | {"car_review"})
    out = []
    for machine in machines:
        for subject in SUBJECTS:
            for step_key in step_keys:
                names = any(pd.machine == machine and step_key == (f"{pd.duty.deadline_key}:{subject}"
                                                                   if pd.is_yearly else pd.duty.deadline_key)
                            for pd in PHASE2_DUTIES)
                out.append((machine, subject, step_key, names))
    return out


def _with_values(machine: str, subject: str, step_key: str):
    """The join's condition with the procedure's and the notice's columns replaced by these values."""
    values = {_PHASE2.c.machine: machine, _PHASE2.c.subject: subject, _NOTICES.c.step_key: step_key,
              _PHASE2.c.plan_id: 1, _NOTICES.c.plan_id: 1}

    def swap(element, **_kw):
        for column, value in values.items():
            if element is column:
                return literal(value)
        return None
    return visitors.replacement_traverse(_PHASE2_OF_NOTICE, {}, swap)


def _answers(connection) -> list[tuple[str, str, str, bool]]:
    cases = _cases()
    found = [bool(connection.scalar(select(_with_values(m, s, k)))) for m, s, k, _ in cases]
    return [(m, s, k, got) for (m, s, k, _), got in zip(cases, found)]


def test_a_phase2_notice_names_its_procedure_on_sqlite():
    engine = create_engine("sqlite://")
    with engine.connect() as connection:
        wrong = [(m, s, k, got) for (m, s, k, got), (*_, want) in zip(_answers(connection), _cases()) if got != want]
    assert wrong == []
    assert sum(want for *_, want in _cases()) > len(PHASE2_DUTIES)  # the cases reach every term, yearly or not


def test_a_phase2_notice_names_its_procedure_on_postgresql(db_session):
    wrong = [(m, s, k, got) for (m, s, k, got), (*_, want) in zip(_answers(db_session.connection()), _cases())
             if got != want]
    assert wrong == []


def test_the_sign_in_statement_is_one_psycopg_converts_once():
    from psycopg import _queries

    from workflow_app.services.people.accounts import _person_with

    compiled = _person_with(UNREAD_BY_KEY).compile(dialect=postgresql.psycopg.dialect())
    assert len(str(compiled).encode()) <= _queries.MAX_CACHED_STATEMENT_LENGTH
    assert len(compiled.params) <= _queries.MAX_CACHED_STATEMENT_PARAMS


@pytest.mark.parametrize("term", [pd.duty.deadline_key for pd in PHASE2_DUTIES])
def test_every_phase2_term_is_in_the_join(term):
    assert term in str(_PHASE2_OF_NOTICE.compile(compile_kwargs={"literal_binds": True}))
