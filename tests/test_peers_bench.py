"""bench/peers.py at the smallest size, as CI runs it: every contender runs, ends every plan in the final state
and exits 0. Its timings are printed for whoever reads the log and never asserted."""
from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOT_INSTALLED = 'the "bench" extra is not installed: pip install -e ".[dev,bench]"'
CONTENDERS = ("bare SQL", "SpiffWorkflow", "Spiff + evidence", "django-viewflow", "apply_act", "apply_act's SQL",
              "SQL + evidence", "SQL in 2 trips", "2 trips + evidence")


@pytest.mark.parametrize("store", ["local", "postgres"])
def test_peers_benchmark_runs_every_contender_to_the_end(database_url, store):  # PostgreSQL up (fails in CI if not)
    pytest.importorskip("SpiffWorkflow", reason=NOT_INSTALLED)
    pytest.importorskip("django", reason=NOT_INSTALLED)
    if importlib.util.find_spec("viewflow") is None:  # importing it needs configured Django settings
        pytest.skip(NOT_INSTALLED)
    result = subprocess.run([sys.executable, "-m", "bench.peers", "--plans", "3", "--rounds", "1",
                             "--evidence-store", store], cwd=ROOT,
                            capture_output=True, text=True, timeout=600, env={**os.environ, "PDT_TODAY": ""})
    output = result.stdout + result.stderr
    print(output[-4000:])  # shown by pytest on failure, and with -s
    assert result.returncode == 0, output[-4000:]
    assert f"evidence store: {store}" in result.stdout.split("contender", 1)[0], result.stdout[:2000]
    table = result.stdout.split("contender", 1)[1]
    for name in CONTENDERS:
        line = next((row for row in table.splitlines() if row.startswith(name)), None)
        assert line is not None and "FAILED" not in line and "MISSING" not in line, \
            (name, table)
    # Act by act: every act of the route, one figure per contender (which acts carry the gap).
    from bench.peers import STEPS

    steps = result.stdout.split("act by act", 1)[1].splitlines()
    for step in STEPS:
        row = next((line for line in steps if line.startswith(step.trigger[:30] + " ")), None)
        assert row is not None and len(row.split()) == 1 + len(CONTENDERS), (step.trigger, steps)
