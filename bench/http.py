"""Load benchmark of the production stack on loopback: gunicorn (several workers), PostgreSQL, Redis, an RQ worker.

Run from the repository root:  .venv/bin/python -m bench.http [--seconds 8] [--clients 32] [--workers 4]

Builds a national data set in a scratch database (1,135 entity plans at mixed steps with their histories,
people and advisers: ``bench.board.populate``), starts gunicorn and an RQ worker against it, signs 32 clients in
(each a different mayor, or an adviser for the board) and loads, one endpoint at a time for ``--seconds``:
the trivial endpoint /ping (the same app and server: the floor), the inbox /, a plan page /planes/<id>, the
board /tablero (adviser's scope) and a public page /publico/<dane>. Reports requests/s, p50, p95, p99, errors,
and each endpoint's throughput as a share of /ping's. Each page first gets an unmeasured 2-second warm-up. Targets: 0 errors; plan page p95 < 150 ms
(issue 15); each page's throughput as a share of /ping's (issue 22, ``SHARE_TARGETS``: public page 40 %, its
revalidation 60 %, inbox 15 %, plan page 10 %, board 5 %), printed met or not, never asserted. The load generator
runs on the same 2 cores as the server.
"""
from __future__ import annotations

import argparse
import collections
import http.client
import multiprocessing
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.board import drop_database, make_database, populate  # noqa: E402

TODAY = "2028-04-21"

#: Issue 22's targets: each page's throughput, in the same run, as a percentage of /ping's.
SHARE_TARGETS = {"público /publico/<dane>": 40, "público revalidado (304)": 60, "Mis pendientes /": 15,
                 "plan /planes/<id>": 10, "tablero /tablero (asesor)": 5}
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
REVALIDATE = "revalidar:"
_READY = _GO = None  # set by ``load`` before it forks its processes  # a job path with this prefix sends If-None-Match (see _worker)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Client:
    """One keep-alive connection with its session cookie."""

    def __init__(self, port: int):
        self.port, self.cookie = port, ""
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def request(self, method: str, path: str, body: str | None = None, extra: dict | None = None) -> tuple[int, str]:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        headers.update(extra or {})
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        except (http.client.HTTPException, OSError):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        self.etag = None
        for name, value in response.getheaders():
            if name.lower() == "set-cookie" and value.startswith("session="):
                self.cookie = value.split(";", 1)[0]
            if name.lower() == "etag":
                self.etag = value
        return response.status, response.read().decode("utf-8", "replace")

    def sign_in(self, email: str, password: str) -> None:
        _status, html = self.request("GET", "/login")
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
        status, _ = self.request("POST", "/login", urlencode({"email": email, "password": password,
                                                               "csrf_token": token}))
        assert status == 302, f"sign-in failed for {email}: {status}"


def _worker(args) -> list[tuple[float, int]]:
    """One process: ``threads`` clients, each signed in, hitting its path until the deadline."""
    port, jobs, seconds = args
    results: list[tuple[float, int]] = []
    lock = threading.Lock()
    clients = []
    for email, path in jobs:
        client = Client(port)
        if email:
            client.sign_in(email, "bench")
        extra = {}
        if path.startswith(REVALIDATE):  # a first visit gives the ETag; the measured requests revalidate it
            path = path[len(REVALIDATE):]
            client.request("GET", path)
            extra = {"If-None-Match": client.etag or '"none"'}
        clients.append((client, path, extra))
    with _READY.get_lock():  # signed in: the parent notes the server's CPU, then every process starts at once
        _READY.value += 1
    _GO.wait()
    start_at = time.monotonic()
    deadline = start_at + seconds
    cpu_at_start = time.process_time()

    def run(client: Client, path: str, extra: dict) -> None:
        local = []
        while time.monotonic() < deadline:
            t0 = time.perf_counter()
            try:
                status, _ = client.request("GET", path, extra=extra)
            except Exception:  # noqa: BLE001 - any failure counts as an error
                status = 0
            local.append((time.perf_counter() - t0, status))
        with lock:
            results.extend(local)

    threads = [threading.Thread(target=run, args=cj) for cj in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, time.process_time() - cpu_at_start


def _cpu_seconds(groups: dict[str, callable]) -> dict[str, float]:
    """CPU (user + system) used so far by the machine's processes, summed per group: ``groups`` maps a name to
    a test of (pid, parent pid, command line). Processes that ended in between are missed (none here)."""
    tick = os.sysconf("SC_CLK_TCK")
    totals = dict.fromkeys(groups, 0.0)
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                cmdline = f.read().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        for name, test in groups.items():
            if test(int(entry), int(stat[1]), cmdline):
                totals[name] += (int(stat[11]) + int(stat[12])) / tick
                break
    return totals


def load(port: int, jobs: list[tuple[str | None, str]], seconds: float, processes: int,
         groups: dict[str, callable] | None = None) -> dict:
    """``groups``: the server's processes by kind (see ``_cpu_seconds``), whose CPU per request is reported."""
    global _READY, _GO
    chunks = [chunk for chunk in (jobs[i::processes] for i in range(processes)) if chunk]
    context = multiprocessing.get_context("fork")
    _READY, _GO = context.Value("i", 0), context.Event()  # inherited by the forked processes
    with context.Pool(processes) as pool:
        pending = pool.map_async(_worker, [(port, chunk, seconds) for chunk in chunks])
        while _READY.value < len(chunks) and not pending.ready():
            time.sleep(0.01)
        before = _cpu_seconds(groups or {})
        _GO.set()
        parts = pending.get()
    after = _cpu_seconds(groups or {})
    results = [r for part, _cpu in parts for r in part]
    cpu = {name: after[name] - before[name] for name in before} | {"clientes": sum(c for _part, c in parts)}
    latencies = sorted(r[0] for r in results)
    wrong = collections.Counter(status for _, status in results if status not in (200, 304))

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(len(latencies) * p))] * 1000

    return {"requests": len(results), "rps": len(results) / seconds, "p50": pct(0.50), "p95": pct(0.95),
            "p99": pct(0.99), "errors": sum(wrong.values()), "mean": statistics.mean(latencies) * 1000,
            "not_modified": sum(1 for _, status in results if status == 304),
            "cpu_ms": {name: seconds_used / max(1, len(results)) * 1000 for name, seconds_used in cpu.items()},
            "wrong": ", ".join(f"{count}× {status or 'sin respuesta'}" for status, count in sorted(wrong.items()))}


def wait_for(port: int, path: str = "/ping", timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if Client(port).request("GET", path)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--processes", type=int, default=4, help="load-generator processes")
    parser.add_argument("--warmup", type=float, default=2, help="unmeasured seconds per page before measuring")
    args = parser.parse_args()

    from flask_migrate import upgrade
    from sqlalchemy import select

    from workflow_app.app import create_app

    name, url = make_database()
    procs: list[subprocess.Popen] = []
    try:
        app = create_app("test", SQLALCHEMY_DATABASE_URI=url, REDIS_URL=None, PDT_TODAY=TODAY)
        with app.app_context():
            from workflow_app.infra.extensions import db
            from workflow_app.models import Entity, Plan
            from workflow_app.services.cycle.reference import load_reference
            from workflow_app.services.monitoring import board_summary

            upgrade()
            load_reference()
            facts = populate(db, random.Random(7), date.fromisoformat(TODAY))
            board_summary.refresh(db.session)  # in production each act keeps its plan's row
            db.session.commit()
            rows = db.session.execute(select(Plan.id, Entity.dane_code, Entity.kind).join(Entity)
                                      .order_by(Entity.dane_code)).all()
            db.engine.dispose()
        municipios = [(pid, dane) for pid, dane, kind in rows if kind != "departamento"]
        port = free_port()
        env = {**os.environ, "DATABASE_URL": url.replace("postgresql+psycopg://", "postgresql://"),
               "REDIS_URL": REDIS_URL, "SECRET_KEY": "bench-secret", "PDT_TODAY": TODAY,
               "UPLOAD_DIR": f"/tmp/{name}-uploads", "PDT_ENV": "development"}
        procs.append(subprocess.Popen(
            [str(ROOT / ".venv/bin/gunicorn"), "-w", str(args.workers), "-k", "gthread", "--threads", "4",
             "-b", f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"], cwd=ROOT, env=env))
        procs.append(subprocess.Popen([str(ROOT / ".venv/bin/rq"), "worker", "pdt", "--url", REDIS_URL, "-q"],
                                      cwd=ROOT, env=env))
        wait_for(port, timeout=180)  # a busy machine takes a while to import the app in 4 workers
        rng = random.Random(1)
        picks = rng.sample(municipios, args.clients)
        scenarios = [
            ("trivial /ping", [(None, "/ping")] * args.clients),
            ("Mis pendientes /", [(f"ejecutivo{dane}@bench.co", "/") for _pid, dane in picks]),
            ("plan /planes/<id>", [(f"ejecutivo{dane}@bench.co", f"/planes/{pid}") for pid, dane in picks]),
            ("tablero /tablero (asesor)", [(f"asesor{i % 57}@bench.co", "/tablero") for i in range(args.clients)]),
            ("público /publico/<dane>", [(None, f"/publico/{dane}") for _pid, dane in picks]),
            ("público revalidado (304)", [(None, f"{REVALIDATE}/publico/{dane}") for _pid, dane in picks]),
        ]
        print(f"datos: {facts['plans']} planes, {facts['events']} actos en el historial · gunicorn {args.workers} "
              f"workers gthread×4 · {args.clients} clientes · {args.seconds:.0f} s por página · fecha {TODAY} · carga "
              f"(1/5/15 min, {os.cpu_count()} CPU): " + " / ".join(f"{x:.2f}" for x in os.getloadavg()))
        server, worker = procs[0].pid, procs[1].pid
        groups = {  # where a request's CPU goes, on this machine's processes
            "gunicorn": lambda pid, parent, _cmd: server in (pid, parent),
            "PostgreSQL": lambda _pid, _parent, cmd: cmd.startswith("postgres: ") and f" {name} " in cmd,
            "Redis": lambda _pid, _parent, cmd: cmd.startswith("redis-server"),
            "RQ": lambda pid, parent, _cmd: worker in (pid, parent),
        }
        results = {}
        for label, jobs in scenarios:
            load(port, jobs, args.warmup, args.processes)  # not measured: imports, holiday tables, pools
            results[label] = r = load(port, jobs, args.seconds, args.processes, groups)
            print(f"{label:<28} {r['rps']:8.1f} req/s  p50 {r['p50']:7.1f} ms  p95 {r['p95']:7.1f} ms  "
                  f"p99 {r['p99']:7.1f} ms  errores {r['errors']}  ({r['requests']} solicitudes)"
                  + (f"  [{r['not_modified']} respuestas 304]" if REVALIDATE in jobs[0][1] else "")
                  + (f"  [estados: {r['wrong']}]" if r["wrong"] else ""))
        print("CPU por solicitud (ms; gunicorn, PostgreSQL de esta base, Redis y RQ leídos en /proc; clientes: "
              "los procesos de carga):")
        for label, r in results.items():
            print(f"  {label:<28} " + " · ".join(f"{k} {v:.2f}" for k, v in r["cpu_ms"].items())
                  + f" · total {sum(r['cpu_ms'].values()):.2f}")
        floor = results["trivial /ping"]["rps"]
        for label, r in results.items():
            print(f"razón de rendimiento {label:<28} {r['rps'] / floor * 100:6.1f} % de /ping")
        plan = results["plan /planes/<id>"]
        errors = sum(r['errors'] for r in results.values())
        print(f"metas: 0 errores → {errors}; plan p95 < 150 ms (issue 15) → {plan['p95']:.1f} ms")
        for label, share in SHARE_TARGETS.items():
            got = results[label]["rps"] / floor * 100
            print(f"meta (issue 22) {label:<28} ≥ {share:3d} % de /ping → {got:5.1f} %  "
                  f"{'cumplida' if got >= share else 'NO cumplida'}")
        if errors:  # timings are reported, never asserted; an error is a failure (exit 1)
            raise SystemExit(1)
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
        drop_database(name)


if __name__ == "__main__":
    main()
