"""Benchmark of the legal deadline engine: the full calendar of 1,135 plans with random valid events.

Run from the repository root:  .venv/bin/python -m bench.calendar  [--rounds N] [--seed S]

Reports, per plan, the median and p99 time of ``calendar_json`` (parse + validate + compute + JSON) on warm
caches, the cold first call (holiday tables not yet loaded), and the ratio against two trivial baselines
measured in the same run: parsing the facts only, and the same month arithmetic without any holiday lookup.
Target: median under 0.5 ms per plan.
"""
import sys
from pathlib import Path

if __package__ in (None, ""):
    # Run as a script, this file would shadow the standard library's ``calendar`` module.
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from datetime import date, timedelta  # noqa: E402

from state_machines import calendar as engine  # noqa: E402

ENTITIES = 1135  # 1,102 municipios and distritos + San Andrés + 32 departamentos
CAR_CODES = ("CAR", "CRQ", "CVC", "CORANTIOQUIA", "CORPOBOYACA", "CORNARE", "CORPONOR", "CAS")


def random_facts(rng: random.Random) -> dict:
    year = rng.choice((2020, 2024, 2028))
    period_start = date(year, 1, 1)
    posesion = period_start + timedelta(days=rng.choice((0, 0, 0, 0, rng.randint(1, 120))))
    kind = "departamento" if rng.random() < 32 / ENTITIES else "municipio"
    data = {
        "entity_kind": kind,
        "period_start": period_start.isoformat(),
        "posesion": posesion.isoformat(),
        "nonworking_weekdays": [5, 6] if rng.random() < 0.9 else [6],
        "events": {},
    }
    if year == 2020 and rng.random() < 0.28:
        data["regime"] = "d683_2020"
        data["d683_articles"] = rng.choice((["art1"], ["art2"], ["art1", "art2"]))
    events = data["events"]
    ctp = posesion + timedelta(days=rng.randint(20, 80))
    cars = rng.sample(CAR_CODES, 3 if kind == "departamento" else 1)
    events["car_copies_received"] = {
        c: max(ctp + timedelta(days=rng.randint(-3, 3)), posesion).isoformat() for c in cars
    }
    if rng.random() < 0.85:
        events["ctp_presented"] = ctp.isoformat()
        if rng.random() < 0.8:
            filed = ctp + timedelta(days=rng.randint(30, 90))
            events["filed_with_corporacion"] = filed.isoformat()
            if rng.random() < 0.7:
                events["adopted"] = (filed + timedelta(days=rng.randint(5, 40))).isoformat()
    return data


def trivial_arithmetic(facts: engine.Facts) -> list[date]:
    """The same month/day arithmetic with no holiday or weekday lookup: the floor of what the engine does."""
    out = [engine.add_months(facts.posesion, 2) - timedelta(days=1), engine.add_months(facts.posesion, 2)]
    for received in facts.car_copies_received.values():
        out.append(received + timedelta(days=21))
    if facts.ctp_presented:
        out.append(engine.add_months(facts.ctp_presented, 1))
    out.append(engine.add_months(facts.period_start, 4))
    if facts.filed_with_corporacion:
        out.append(engine.add_months(facts.filed_with_corporacion, 1))
    if facts.adopted:
        out.append(engine.add_months(facts.adopted, 1))
    return out


def timed(fn, items, rounds: int) -> list[float]:
    samples = []
    clock = time.perf_counter_ns
    for _ in range(rounds):
        for item in items:
            t0 = clock()
            fn(item)
            samples.append((clock() - t0) / 1e6)
    return samples


def p99(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=100)[98]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()

    rng = random.Random(args.seed)
    plans = [random_facts(rng) for _ in range(ENTITIES)]

    t0 = time.perf_counter_ns()
    engine.calendar_json(plans[0])
    cold_ms = (time.perf_counter_ns() - t0) / 1e6
    for plan in plans:  # warm every holiday year and default calendar once
        engine.calendar_json(plan)

    parsed = [engine.parse_facts(p) for p in plans]
    deadlines = sum(len(engine.compute_deadlines(f)) for f in parsed)

    full = timed(engine.calendar_json, plans, args.rounds)
    compute_only = timed(engine.compute_deadlines, parsed, args.rounds)
    parse_only = timed(engine.parse_facts, plans, args.rounds)
    arithmetic = timed(trivial_arithmetic, parsed, args.rounds)

    med_full = statistics.median(full)
    print(f"plans: {ENTITIES} x {args.rounds} rounds, {deadlines / ENTITIES:.1f} deadlines per plan, seed {args.seed}")
    print(f"cold first plan (holiday tables loaded): {cold_ms:.3f} ms")
    for label, samples in (
        ("calendar_json (full)", full),
        ("compute_deadlines only", compute_only),
        ("baseline: parse_facts only", parse_only),
        ("baseline: arithmetic, no holidays", arithmetic),
    ):
        print(f"{label:36s} median {statistics.median(samples):.4f} ms   p99 {p99(samples):.4f} ms")
    print(f"ratio full / parse_facts baseline:  {med_full / statistics.median(parse_only):.1f}x")
    print(f"ratio full / arithmetic baseline:   {med_full / statistics.median(arithmetic):.1f}x")
    print(f"target median < 0.5 ms: {'met' if med_full < 0.5 else 'NOT met'}")


if __name__ == "__main__":
    main()
