"""The plan page's person-independent parts, rendered once and kept: the record (route, legal calendar, case file:
concepts, debates, last stretch, amendments, hearings) and the history, as HTML, with what the page needs of the
history for each person (who filed each document, for the "Corregir" links). In Redis when ``REDIS_URL`` is set
(every worker and host shares them), in a small in-process LRU otherwise (``infra.page_cache``).

Everything they show comes from the plan's row and procedures, its history, its frozen PPI versions and reference
rows, so the key carries:

- the plan's version: every act, correction of a document, change of the plan's settings and Phase II matrix moves
  it (the ORM's version counter, or the Core act's guarded ``UPDATE``), and a history row is never written without
  it (``history.seal`` moves the plan's chain head); the PPI's filed and adopted versions are frozen inside acts;
- the reference data's version (``reference_version``: entities, departments, periods, environmental authorities
  and jurisdictions; read with the plan in one statement): the authorities' names, the entity's working days;
- the history's head and the row's creation and change times (see ``record_key``);
- the exceptional regime's rules as the calendar reads them (``regime_stamp``: rows loaded with a decree, re-read
  by each process after a few minutes, as every page and act does);
- the Bogotá day (deadline statuses, "hoy" on the timeline, the route's wording that follows the date), the
  entity's wording, the release (templates) and the application root (the glossary links).

People's names in the history never change (no service renames an account).

The page's heading (title, state, warnings, links) shows only what the record's key names: it is kept by that key in
this process (``kept_part``). The part that depends on who reads (the acts they may take now and the pending terms
split into theirs and others') is a function of the same plan, reference data, regime and day and of the reader's
roles on the plan's entity and environmental authorities: outside Phase II (whose acts read the Phase II matrices)
it is kept by the record's key with those (``person_key``), in this process only; so are the documents as shown to
the reader, by their rows as read on each request and the reader's "Corregir" links (``documents_key``). The record
is also remembered in this process in front of Redis (``cached_record``): a key names one content, so a copy here is
as good as the shared one. The rest of the page (the checklist line, the frame) is built on each request.
"""
from __future__ import annotations

import json
from datetime import date
from typing import Callable, NamedTuple

from flask import current_app, request
from markupsafe import Markup

from workflow_app.infra.page_cache import LocalCache, RedisCache, app_cache, part_key, process_memo
from workflow_app.models import Plan
from workflow_app.services.route.plans import regime_stamp


class Filing(NamedTuple):
    """What ``correctable_documents`` reads of a history row."""

    trigger: str
    evidence_ids: list
    role: str
    machine: str
    subject: str | None


class PlanRecord(NamedTuple):
    record: Markup
    history: Markup
    filings: list[Filing]


def _cache() -> LocalCache | RedisCache:
    return app_cache("plan_record_cache", size=256)


def record_key(plan: Plan, reference_version: int | None, today: date) -> str:
    # The history's head (a hash over every row, their times included) and the row's times tie the key to this
    # database's plan: a plan with the same id and version in another database (a trial instance reset, a test)
    # is another key.
    return part_key("plan-record", plan.id, plan.version, plan.history_head, plan.created_at.isoformat(),
                    plan.updated_at.isoformat(), reference_version, regime_stamp(plan.regime), today.isoformat(),
                    plan.entity.wording)


def filings_of(history) -> list[Filing]:
    return [Filing(e.trigger, list(e.evidence_ids), e.role, e.machine, e.subject) for e in history if e.evidence_ids]


def cached_record(key: str, build: Callable[[], tuple[str, str, list[Filing]]]) -> PlanRecord:
    cache = _cache()
    memo = process_memo("plan_record_memo", size=128) if isinstance(cache, RedisCache) else None
    kept = memo.get((cache, key)) if memo is not None else None
    if kept is not None:
        return kept
    stored = cache.get(key)
    if stored is not None:
        data = json.loads(stored)
        kept = PlanRecord(Markup(data["record"]), Markup(data["history"]), [Filing(*f) for f in data["filings"]])
    else:
        record, history, filings = build()
        cache.set(key, json.dumps({"record": str(record), "history": str(history), "filings": filings}))
        kept = PlanRecord(Markup(record), Markup(history), filings)
    if memo is not None:
        memo.set((cache, key), kept)
    return kept


def person_key(record: str, roles, car_codes) -> tuple:
    """The reader's part's key: the record's (the plan, reference data, regime, day, wording, release, root) with
    the reader's roles on the entity and the environmental authorities they act for."""
    return record, tuple(sorted(r.value for r in roles)), tuple(sorted(car_codes))


def documents_key(plan: Plan, documents: list, correctable: set[int]) -> tuple:
    """The documents part's key: every row as shown, the reader's "Corregir" links, the plan (its links; in force,
    the Phase II expediente's too) and the entity's wording (the titles), the release (templates) and the
    application root (links)."""
    return (plan.id, plan.state == "in_force", plan.entity.wording, current_app.config.get("RELEASE", ""),
            request.script_root, tuple(documents), frozenset(correctable))


