"""Signed-in pages in-process: what each one says to the database and where its CPU goes.

Run from the repository root:  .venv/bin/python -m bench.pages [--runs 40] [--profile] [--keep | --database URL]

Builds the national data set of ``bench.http`` (``bench.board.populate``: 1,135 plans at mixed steps, the same
seed and day, the board's summary rows), signs in through a server-side session as ``bench.http``'s clients do
(a mayor for the inbox and the plan page, an adviser for the board) and, through the Flask test client, for each
of /ping, the inbox /, a plan page /planes/<id> and the adviser's board /tablero: the SQL statements one request
sends (by kind: ``SELECT plans`` …), the median and p95 wall time and process CPU over ``--runs`` requests
(spread over several people, as the load is), and with ``--profile`` cProfile's top functions. Sessions live in
Redis (``BENCH_REDIS_URL``, default database 13) as in production.

``--keep`` leaves the scratch database for the next run (its URL is printed); ``--database URL`` reuses one.
Statement counts are deterministic; ``tests/workflow_app/test_page_statements.py`` holds them per page.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import random
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.act_profile import StatementCounter  # noqa: E402
from bench.board import drop_database, make_database, populate  # noqa: E402

TODAY = "2028-04-21"
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")


def _signed_in(app, user_id: int):
    from workflow_app.infra.sessions import open_session

    client = app.test_client()
    with app.app_context(), client.session_transaction() as session:
        session["_user_id"] = str(user_id)
        session["_fresh"] = True
        session["pdt_sid"] = open_session(user_id)
    return client


def _measure(jobs: list, runs: int, profile: bool, stats_path: str | None = None) -> dict:
    """``jobs``: (client, path) pairs, used in turn. Wall and CPU per request, and the profile of all of them."""
    for client, path in jobs:  # warm-up: imports, template compilation, holiday tables, memos
        assert client.get(path).status_code == 200, path
    walls, cpus = [], []
    for i in range(runs):  # timed without the profiler, which would more than double them
        client, path = jobs[i % len(jobs)]
        c0, t0 = time.process_time(), time.perf_counter()
        response = client.get(path)
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
        assert response.status_code == 200, (path, response.status_code)
    out = {"wall": walls, "cpu": cpus}
    if profile:  # then the same requests again, under the profiler
        profiler = cProfile.Profile(time.process_time)  # CPU, not waits
        for i in range(runs):
            client, path = jobs[i % len(jobs)]
            profiler.enable()
            response = client.get(path)
            profiler.disable()
            assert response.status_code == 200, (path, response.status_code)
        if stats_path:
            profiler.dump_stats(stats_path)
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(28)
        text.write("\n--- código del proyecto, acumulado ---\n")
        pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(r"/(workflow_app|state_machines|forms)/", 30)
        text.write("\n--- por tiempo propio ---\n")
        pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(18)
        out["profile"] = text.getvalue()
        out["calls"] = pstats.Stats(profiler).total_calls / runs  # deterministic: a proxy for CPU on a busy machine
    return out


def _ms(values: list[float], q: float = 0.5) -> str:
    ordered = sorted(values)
    return f"{ordered[min(len(ordered) - 1, int(len(ordered) * q))] * 1000:7.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--people", type=int, default=8, help="different people per page")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--quiet", action="store_true", help="with --profile, only the calls per request")
    parser.add_argument("--only", default="", help="comma-separated page labels (ping,inbox,plan,board)")
    parser.add_argument("--stats", metavar="PREFIX", help="with --profile, cProfile's stats of each page to "
                        "PREFIX-<page>.prof (for pstats or a viewer)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument("--database", help="a database left by --keep (skips building the data set)")
    args = parser.parse_args()

    from flask_migrate import upgrade
    from sqlalchemy import select

    from workflow_app.app import create_app

    name, url = (None, args.database) if args.database else make_database()
    try:
        app = create_app("test", SQLALCHEMY_DATABASE_URI=url, REDIS_URL=REDIS_URL, PDT_TODAY=TODAY,
                         UPLOAD_DIR="/tmp/pdt-bench-pages-uploads")
        with app.app_context():
            from workflow_app.infra.extensions import db
            from workflow_app.models import Entity, Plan, User

            if not args.database:
                from workflow_app.services.cycle.reference import load_reference
                from workflow_app.services.monitoring import board_summary

                upgrade()
                load_reference()
                populate(db, random.Random(7), date.fromisoformat(TODAY))
                board_summary.refresh(db.session)
                db.session.commit()
            rows = db.session.execute(select(Plan.id, Entity.dane_code, Entity.kind).join(Entity)
                                      .order_by(Entity.dane_code)).all()
            municipios = [(pid, dane) for pid, dane, kind in rows if kind != "departamento"]
            picks = random.Random(1).sample(municipios, args.people)  # bench.http's first picks
            ids = dict(db.session.execute(select(User.email, User.id)).all())
            plans_total = len(rows)
            db.session.remove()
        counter = StatementCounter(None)
        mayors = [(_signed_in(app, ids[f"ejecutivo{dane}@bench.co"]), pid) for pid, dane in picks]
        advisers = [_signed_in(app, ids[f"asesor{i}@bench.co"]) for i in range(args.people)]
        pages = {
            "ping": [(mayors[0][0], "/ping")],
            "inbox": [(client, "/") for client, _pid in mayors],
            "plan": [(client, f"/planes/{pid}") for client, pid in mayors],
            "board": [(client, "/tablero") for client in advisers],
        }
        only = [p for p in args.only.split(",") if p] or list(pages)
        print(f"{plans_total} planes · hoy {TODAY} · {args.runs} solicitudes por página entre {args.people} "
              f"personas · carga (1/5/15 min, {os.cpu_count()} CPU): "
              + " / ".join(f"{x:.2f}" for x in os.getloadavg()))
        with app.app_context():
            from workflow_app.infra.extensions import db

            counter.engine = db.engine
        for label in only:
            jobs = pages[label]
            jobs[0][0].get(jobs[0][1])  # the first request of a process compiles templates: not counted
            with app.app_context():
                with counter.counting():
                    jobs[0][0].get(jobs[0][1])
            kinds, counter.kinds = dict(counter.kinds), type(counter.kinds)()
            result = _measure(jobs, args.runs, args.profile,
                              f"{args.stats}-{label}.prof" if args.stats else None)
            print(f"\n== {label} {jobs[0][1]}: {sum(kinds.values())} sentencias SQL · pared mediana "
                  f"{_ms(result['wall'])} p95 {_ms(result['wall'], 0.95)} · CPU mediana {_ms(result['cpu'])}")
            print("   " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items(), key=lambda kv: -kv[1])))
            if args.profile:
                print(f"   llamadas de funciones Python por solicitud: {result['calls']:,.0f}")
                if not args.quiet:
                    print(result["profile"])
        with app.app_context():
            from workflow_app.infra.extensions import db

            db.engine.dispose()
        if args.keep and name:
            print(f"\nbase conservada: --database {url}")
    finally:
        if name and not args.keep:
            drop_database(name)


if __name__ == "__main__":
    main()
