"""Engine benchmark: prints figures with their method; asserts nothing.

    .venv/bin/python benchmarks/bench_engine.py [--requests 100000]

Measures, on this machine:
1. corpus load + validate + CEL compile (fresh load, median of 5) and registry load;
2. single-decision latency through ``Engine.evaluate``: *cold* = the first request of
   its shape (a set of relevant facts the engine has not answered before, plans
   already built), *warm* = the same request again (decision cache hit), with full
   trace; median and p99 over many requests;
3. uncached latency (``cache=False``: no cache at all), to show what the caches save;
   the cost of making a decision immutable (:func:`cooprules.engine.frozen.freeze`,
   paid once per decision computed; a cache hit pays nothing);
4. decisions per second over a file of N mixed requests (JSON Lines): through
   ``Engine.evaluate_many`` (parse + validate + dedupe + decide) and the same
   including JSON output, as ``cooprules evaluate`` does.
Targets from the issue: load <= 1 s; warm <= 50 us median; cold <= 500 us.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from cooprules import Engine, load_corpus
from cooprules.jurisdictions import load_registry
from cooprules.vocabulary import (
    Action, Entity, InfoType, Instrument, Location, OffenceCategory, Purpose, Requester, Role,
)

JURISDICTIONS = [
    "ocd-division/country:us/state:ca/county:san_diego",
    "ocd-division/country:us/state:ca/place:los_angeles",
    "ocd-division/country:us/state:ca/county:los_angeles/school_district:los_angeles_unified",
    "ocd-division/country:us/state:ca/county:fresno",
    "ocd-division/country:us/state:ca",
    "ocd-division/country:us",
]


def random_request(rng: random.Random, complete: bool = True) -> dict:
    """A valid request; with ``complete`` every fact the law may read is given."""
    action = rng.choice(list(Action)).value
    req = {
        "responder": {"jurisdiction": rng.choice(JURISDICTIONS), "entity": rng.choice(list(Entity)).value,
                      "agreement_287g": rng.choice(["none", "jail_enforcement", "task_force"])},
        "requester": rng.choice(list(Requester)).value,
        "action": action,
        "instrument": rng.choice(list(Instrument)).value,
        "attachments": rng.choice([[], [], ["administrative_warrant_arrest"], ["administrative_warrant_removal"]]),
        "subject": {"role": rng.choice(list(Role)).value, "minor": rng.random() < 0.2,
                    "convictions": [{"category": rng.choice(list(OffenceCategory)).value, "years_ago": rng.randint(0, 30)}
                                    for _ in range(rng.choice([0, 0, 1, 2]))],
                    "pending_charge": "none", "registered_sex_offender": False, "federal_felony_warrant": False,
                    "final_removal_order": rng.random() < 0.2, "previously_removed": rng.random() < 0.2,
                    "consent_given": rng.random() < 0.3},
        "context": {"location": rng.choice(list(Location)).value, "purpose": rng.choice(list(Purpose)).value,
                    "info_publicly_available": rng.random() < 0.3, "exigent_circumstances": rng.random() < 0.1,
                    "hours_held_past_release": rng.choice([0, 24, 47, 49]),
                    "date": (dt.date(2013, 1, 1) + dt.timedelta(days=rng.randint(0, 5000))).isoformat()},
    }
    if action == "information_sharing":
        req["info_type"] = rng.choice(list(InfoType)).value
    if not complete:
        for key in rng.sample(list(req["subject"]), 2):
            del req["subject"][key]
        if rng.random() < 0.5:
            del req["attachments"]
    return req


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def timed(fn, *args) -> float:
    t = time.perf_counter()
    fn(*args)
    return time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--latency-samples", type=int, default=3000)
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}; figures in microseconds unless stated")

    loads = [timed(load_corpus) for _ in range(5)]
    corpus = load_corpus()
    print(f"corpus load+validate+compile: median {statistics.median(loads) * 1000:.0f} ms "
          f"(min {min(loads) * 1000:.0f} ms) for {len(corpus.provisions)} provisions")
    load_registry.cache_clear()
    t = time.perf_counter()
    registry = load_registry()
    print(f"registry load: {(time.perf_counter() - t) * 1000:.0f} ms for {len(registry)} jurisdictions")

    rng = random.Random(42)
    engine = Engine(corpus=corpus, registry=registry)
    gc.freeze()  # as cooprules.default_engine does: the corpus and registry are long-lived
    uncached = Engine(corpus=corpus, registry=registry, cache=False)
    from cooprules import parse_request

    reqs = [parse_request(random_request(rng)) for _ in range(args.latency_samples)]
    for r in reqs:  # build plans (jurisdiction x entity x action x period) first
        engine.plan(engine.canonical_jurisdiction(r.responder.jurisdiction), r, r.context.date)
    engine._decisions.clear()
    cold = []
    for r in reqs:
        t = time.perf_counter()
        engine.evaluate(r)
        cold.append((time.perf_counter() - t) * 1e6)
    warm = []
    for _ in range(3):
        for r in reqs:
            t = time.perf_counter()
            engine.evaluate(r)
            warm.append((time.perf_counter() - t) * 1e6)
    raw = []
    for r in reqs[:1000]:
        t = time.perf_counter()
        uncached.evaluate(r)
        raw.append((time.perf_counter() - t) * 1e6)
    print(f"cold (first of its shape): median {statistics.median(cold):.0f}, p99 {percentile(cold, 99):.0f}  "
          f"[{len(cold)} requests, complete facts]")
    print(f"warm (decision cache hit): median {statistics.median(warm):.1f}, p99 {percentile(warm, 99):.1f}")
    print(f"uncached:                  median {statistics.median(raw):.0f}, p99 {percentile(raw, 99):.0f}")
    from cooprules.engine.frozen import freeze
    from cooprules.vocabulary import Decision

    thawed = [Decision.model_validate(engine.evaluate(r).model_dump()) for r in reqs[:1000]]
    costs = []
    for d in thawed:
        t = time.perf_counter()
        freeze(d)
        costs.append((time.perf_counter() - t) * 1e6)
    print(f"immutability (freeze, once per decision computed): median {statistics.median(costs):.1f}, "
          f"p99 {percentile(costs, 99):.1f}; per cache hit: 0")

    partial = [parse_request(random_request(rng, complete=False)) for _ in range(300)]
    times = []
    for r in partial:
        t = time.perf_counter()
        uncached.evaluate(r)
        times.append((time.perf_counter() - t) * 1e6)
    print(f"uncached, two facts missing (partial evaluation): median {statistics.median(times):.0f}, "
          f"p99 {percentile(times, 99):.0f}")

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "requests.jsonl"
        with path.open("w") as f:
            for _ in range(args.requests):
                f.write(json.dumps(random_request(rng, complete=rng.random() < 0.8)) + "\n")
        lines = path.read_text().splitlines()
        batch_engine = Engine(corpus=corpus, registry=registry)
        t = time.perf_counter()
        decisions = batch_engine.evaluate_many(lines)
        elapsed = time.perf_counter() - t
        t = time.perf_counter()
        for d in decisions:
            d.model_dump_json()
        dumped = time.perf_counter() - t
    n = len(lines)
    print(f"evaluate_many over {n:,} mixed JSON Lines requests: {n / elapsed:,.0f} decisions/s "
          f"({elapsed:.1f} s); with JSON output {n / (elapsed + dumped):,.0f} decisions/s")


if __name__ == "__main__":
    main()
