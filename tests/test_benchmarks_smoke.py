"""The load benchmarks in a reduced size, as CI runs them: correctness only (no errors, nothing sent twice or
lost). Their timings are printed for whoever reads the log and never asserted; the full-size figures are in
docs/RELIABILITY.md."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _bench(name: str, *args: str, timeout: float = 600, env: dict | None = None) -> str:
    result = subprocess.run([sys.executable, "-m", f"bench.{name}", *args], cwd=ROOT, capture_output=True,
                            text=True, timeout=timeout, env={**os.environ, "PDT_TODAY": "", **(env or {})})
    # The bench's own report (stdout) first, then the end of its log without the migrations' lines.
    log = "\n".join(line for line in result.stderr.splitlines() if "alembic" not in line)
    output = result.stdout[-4000:] + "\n" + log[-2000:]
    print(output)  # shown by pytest on failure, and with -s
    assert result.returncode == 0, output
    return result.stdout


def test_http_stack_under_reduced_load_answers_every_request(database_url, redis_url):  # both services up
    """gunicorn (2 workers) + PostgreSQL + Redis + an RQ worker over the national data set, 8 clients, every page."""
    # The bench's sessions live in this process's own Redis database: its default (13) is another xdist
    # worker's, which that worker flushes between its tests (the signed-in clients were sent to /login).
    out = _bench("http", "--seconds", "1", "--warmup", "0.5", "--clients", "8", "--workers", "2",
                 "--processes", "2", env={"BENCH_REDIS_URL": redis_url})
    rows = re.findall(r"^(.+?)\s+[\d.]+ req/s .* errores (\d+)\s+\((\d+) solicitudes\)", out, re.M)
    assert len(rows) == 6, out  # /ping, inbox, plan page, board, public page, its revalidation
    assert all(errors == "0" and int(requests) > 0 for _, errors, requests in rows), rows
    revalidated = re.search(r"^público revalidado .*\((\d+) solicitudes\)  \[(\d+) respuestas 304\]$", out, re.M)
    assert revalidated and revalidated.group(1) == revalidated.group(2), out  # every revalidation got its 304
    # Issue 22's five page targets are each reported, met or not (never asserted: a reduced run says nothing).
    reported = re.findall(r"^meta \(issue 22\) (.+?)\s+≥\s+\d+ % de /ping → +[\d.]+ %  (?:cumplida|NO cumplida)$", out, re.M)
    assert sorted(reported) == sorted(label for label, *_ in rows if label != "trivial /ping"), out


def test_delivery_benchmark_in_reduced_size_sends_each_message_once(database_url, redis_url):
    out = _bench("notifications", "--count", "300")
    assert "delivered rows: 300/300; messages received by the sink: 300" in out
    assert "duplicates: 0; losses: 0" in out


def test_pages_benchmark_in_reduced_size_counts_each_page(database_url, redis_url):
    """bench.pages over the national data set: every page answers 200 for each person, with its statements."""
    out = _bench("pages", "--runs", "4", "--people", "2", "--profile", "--quiet", env={"BENCH_REDIS_URL": redis_url})
    pages = dict(re.findall(r"^== (\w+) \S+: (\d+) sentencias SQL", out, re.M))
    assert set(pages) == {"ping", "inbox", "plan", "board"} and pages["ping"] == "0", out
    assert out.count("llamadas de funciones Python por solicitud") == 4, out
