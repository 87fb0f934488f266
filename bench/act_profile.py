"""Statements per act: what ``apply_act`` says to the database, statement by statement, on PostgreSQL.

Run from the repository root:  .venv/bin/python -m bench.act_profile [--plans N] [--profile]

Walks ``N`` plans (default 5) through the whole legal route of bench/transitions.py (every act by a person with
its evidence PDF, notices in the outbox), each act in a fresh session that first loads the acting user, as a
request does. Prints, per act of the route, the statements sent (SAVEPOINTs and the COMMIT included), the total
by kind (``SELECT plans``, ``INSERT plan_events`` …) and, with ``--profile``, cProfile's top functions.

Statement counts are deterministic (the same route, the same data): ``tests/test_act_statements.py`` holds
the figure; timings are printed nowhere here (bench/peers.py measures them side by side).
"""
from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import re
import sys
import threading
from collections import Counter
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

_KIND = re.compile(r"^\s*(?:WITH\s+\w+\s+AS\s*\(\s*)?(SELECT|INSERT\s+INTO|UPDATE|DELETE\s+FROM|SAVEPOINT|"
                   r"RELEASE\s+SAVEPOINT|ROLLBACK\s+TO\s+SAVEPOINT)\s*(\S*)", re.IGNORECASE)
_FROM = re.compile(r"\bFROM\s+([\w\"]+)", re.IGNORECASE)


def statement_kind(sql: str) -> str:
    """``SELECT plans``, ``INSERT notifications+deliveries``, ``SAVEPOINT``… (the first table named)."""
    text = " ".join(sql.split())
    if text.upper().startswith("WITH "):
        tables = re.findall(r"INSERT INTO ([\w\"]+)", text, re.IGNORECASE)
        return "WITH INSERT " + "+".join(t.strip('"') for t in tables)
    match = _KIND.match(text)
    if match is None:
        return text.split(" ", 1)[0].upper()
    verb = " ".join(match.group(1).upper().split())
    if verb.endswith("SAVEPOINT"):
        return verb
    if verb == "SELECT":
        while re.search(r"\([^()]*\)", text):  # the outer query's FROM, not a subquery's
            text = re.sub(r"\([^()]*\)", "", text)
        table = _FROM.search(text)
        return f"SELECT {table.group(1).strip(chr(34)) if table else '(no table)'}"
    return f"{verb.replace(' INTO', '').replace(' FROM', '')} {match.group(2).strip(chr(34))}"


class StatementCounter:
    """Counts what an engine sends (``before_cursor_execute``) and its COMMITs, by kind: from the thread that counts
    only (an e-mail the act sends at once, in the in-process job runner's thread, is not the act's work)."""

    def __init__(self, engine):
        from sqlalchemy import event

        self.engine, self.kinds, self._event = engine, Counter(), event
        self._thread: int | None = None

    def _on_statement(self, _conn, _cursor, statement, _params, _context, _many):
        if threading.get_ident() == self._thread:
            self.kinds[statement_kind(statement)] += 1

    def _on_commit(self, _conn):
        if threading.get_ident() == self._thread:
            self.kinds["COMMIT"] += 1

    @property
    def total(self) -> int:
        return sum(self.kinds.values())

    @contextmanager
    def counting(self) -> Iterator["StatementCounter"]:
        self._thread = threading.get_ident()
        self._event.listen(self.engine, "before_cursor_execute", self._on_statement)
        self._event.listen(self.engine, "commit", self._on_commit)
        try:
            yield self
        finally:
            self._event.remove(self.engine, "before_cursor_execute", self._on_statement)
            self._event.remove(self.engine, "commit", self._on_commit)


def act_once(session, plan_id: int, user_id: int | None, who: str, trigger: str, on, today, payload,
             pdf: bytes | None):
    """One act as a request does it: load the signed-in user (``people.acting_user``), then ``apply_act``."""
    from state_machines.core.roles import Role
    from workflow_app.services.people.people import acting_user
    from workflow_app.services.route.documents import Upload
    from workflow_app.services.route.plans import ActCommand, apply_act

    role = Role(who)
    evidence = Upload("acta.pdf", io.BytesIO(pdf)) if pdf is not None else None
    command = ActCommand(trigger=trigger, act_on=on, reference=f"B-{trigger}", evidence=evidence, payload=payload)
    actor = acting_user(session, user_id) if user_id is not None else None
    return apply_act(session, plan_id=plan_id, command=command, actor=actor, role=role, expected_version=None,
                     today=today)


def profile_route(app, casts, profile: cProfile.Profile | None = None) -> list[tuple[str, Counter]]:
    """Walk ``casts`` through bench.transitions.ROUTE; returns, for every act, (trigger, statements by kind)."""
    from bench.transitions import PDF, ROUTE
    from workflow_app.infra.extensions import db

    out = []
    counter = StatementCounter(db.engine)
    for who, trigger, on, today, payload in ROUTE:
        for plan_id, users in casts:
            counter.kinds = Counter()
            with counter.counting():
                if profile is not None:
                    profile.enable()
                act_once(db.session, plan_id, users.get(who), who, trigger, on, today, payload,
                         None if who == "sistema" else PDF)
                db.session.remove()
                if profile is not None:
                    profile.disable()
            out.append((trigger, counter.kinds))
    return out


def report(acts: list[tuple[str, Counter]]) -> str:
    lines = []
    total = Counter()
    per_trigger: dict[str, list[int]] = {}
    for trigger, kinds in acts:
        total.update(kinds)
        per_trigger.setdefault(trigger, []).append(sum(kinds.values()))
    n = len(acts)
    lines.append(f"actos: {n} · sentencias por acto: {sum(total.values()) / n:.2f} "
                 f"(máximo {max(sum(k.values()) for _, k in acts)})")
    lines.append("por acto de la ruta (sentencias):")
    for trigger, counts in per_trigger.items():
        lines.append(f"  {trigger:32} {min(counts)}–{max(counts)}" if min(counts) != max(counts)
                     else f"  {trigger:32} {counts[0]}")
    lines.append("por clase (media por acto):")
    for kind, count in total.most_common():
        lines.append(f"  {kind:40} {count / n:.2f}")
    return "\n".join(lines)


#: Parts of an act, by the function that does each (cumulative time under the profiler, which inflates every
#: part alike; read them as shares). A part may contain another (the flush contains the INSERTs).
PARTS = (
    ("todo el acto (apply_act)", "workflow_app/services/route/plans.py", "apply_act"),
    # The PDF's check (pypdf) and its file's write and fsync run in another thread, beside the rest of the act
    # (documents.PendingEvidence): the profiler sees what the act spends reading the upload and waiting for them.
    ("evidencia: leer, hash y enviar al hilo", "workflow_app/services/route/documents.py", "__init__"),
    ("evidencia: esperarla antes del COMMIT", "workflow_app/services/route/documents.py", "ready"),
    ("leer el plan (una consulta)", "workflow_app/services/cycle/reference_cache.py", "load_act_plan"),
    ("máquina y guardas", "state_machines/core/machine.py", "fire"),
    ("calendario legal", "workflow_app/services/route/plans.py", "deadlines_for"),
    ("sello HMAC del historial", "workflow_app/history.py", "seal"),
    ("escribir el acto (Core: act_writes)", "workflow_app/services/route/act_writes.py", "write_act"),
    ("avisos (act_recorded)", "blinker/base.py", "send"),
    ("flush del ORM (INSERT/UPDATE)", "sqlalchemy/orm/session.py", "flush"),
    ("COMMIT", "sqlalchemy/orm/session.py", "commit"),
)


def where_the_time_goes(stats: pstats.Stats, acts: int) -> str:
    lines = ["dónde va el tiempo de un acto (ms por acto, bajo el perfilador):"]
    for label, path, function in PARTS:
        total = sum(ct for (file, _line, name), (_cc, _nc, _tt, ct, _callers) in stats.stats.items()
                    if name == function and file.endswith(path))
        lines.append(f"  {label:<45} {total / max(acts, 1) * 1000:8.3f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--plans", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="cProfile's top 25 functions (cumulative)")
    args = parser.parse_args(argv)

    from flask_migrate import upgrade

    from bench.transitions import drop_database, make_database, setup
    from workflow_app.app import create_app
    from workflow_app.infra.extensions import db

    name, url = make_database()
    uploads = Path(f"/tmp/{name}-uploads")
    try:
        app = create_app("test", SQLALCHEMY_DATABASE_URI=url, REDIS_URL=None, UPLOAD_DIR=str(uploads))
        app.extensions["job_runner"].submit = lambda *a, **k: None  # notices stay in the outbox
        with app.app_context():
            upgrade()
            casts = setup(app, args.plans)
            profile = cProfile.Profile() if args.profile else None
            acts = profile_route(app, casts, profile)
            db.engine.dispose()
        print(report(acts))
        if profile is not None:
            out = io.StringIO()
            stats = pstats.Stats(profile, stream=out)
            print(where_the_time_goes(stats, len(acts)))
            stats.sort_stats("cumulative").print_stats(25)
            print(out.getvalue())
    finally:
        drop_database(name)
        import shutil

        shutil.rmtree(uploads, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
