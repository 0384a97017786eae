"""Benchmark: "did you mean" for unknown OCD-IDs and name search in the jurisdiction registry.

    PYTHONPATH=src python benchmarks/bench_jurisdictions.py [--compare OLD_SRC] [--ids N]

Measures, in one process, with the registry of the ``cooprules`` on the path:

* load: reading the shipped data files;
* first suggestion: the first "did you mean" (builds the per-state index);
* suggestions for N distinct unknown but well-formed ids (a real county or place id
  with two letters of its last value swapped: the kind a batch of typos holds), each
  computed afresh (no cache hit possible), then the same ids again (cached);
* name searches: the first search (builds the name index), then ``q="a"`` (the
  costliest query), ``"san diego"``, ``"LAUSD"``, ``"Fresnoo"``, each first and repeated.

``--compare OLD_SRC`` runs the same measurements on another source tree (e.g. the
integration tree before this change, ``/work/main/src``) in a subprocess and prints
both side by side. Figures are milliseconds of wall clock, and of this process's CPU
time where the row says ``cpu`` (steadier when the machine is shared: the development
machine has 2 cores shared by several people).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def _unknown_ids(reg, count: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    pool = sorted(i for i in reg if i.count("/") == 3 and (":county:" in i or "/place:" in i
                                                            or "/county:" in i))
    out: list[str] = []
    seen: set[str] = set()
    while len(out) < count:
        ocd_id = rng.choice(pool)
        head, value = ocd_id.rsplit(":", 1)
        if len(value) < 5:
            continue
        k = rng.randrange(1, len(value) - 2)
        typo = value[:k] + value[k + 1] + value[k] + value[k + 2:]
        bad = f"{head}:{typo}"
        if bad != ocd_id and bad not in reg and bad not in seen:
            seen.add(bad)
            out.append(bad)
    return out


def measure(count: int) -> dict:
    """Run every measurement; returns a dict of figures (milliseconds, counts)."""
    t = time.perf_counter()
    from cooprules.jurisdictions import load_registry

    reg = load_registry()
    len(reg)
    res: dict = {"load_ms": _ms(time.perf_counter() - t)}
    ids = _unknown_ids(reg, count + 1)
    t = time.perf_counter()
    reg.suggest(ids[0])
    res["first_suggestion_ms"] = _ms(time.perf_counter() - t)
    times, cpu, right = [], [], 0
    for bad in ids[1:]:
        c = time.process_time()
        t = time.perf_counter()
        got = reg.suggest(bad)
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
        head, typo = bad.rsplit(":", 1)
        right += any(g.rsplit(":", 1)[0] == head and sorted(g.rsplit(":", 1)[1]) == sorted(typo)
                     for g in got[:1])
    times.sort()
    res["suggest_mean_ms"] = _ms(statistics.fmean(times))
    res["suggest_p50_ms"] = _ms(times[len(times) // 2])
    res["suggest_p99_ms"] = _ms(times[min(len(times) - 1, int(len(times) * 0.99))])
    res["suggest_max_ms"] = _ms(times[-1])
    cpu.sort()
    res["suggest_cpu_p50_ms"] = _ms(cpu[len(cpu) // 2])
    res["suggest_cpu_p99_ms"] = _ms(cpu[min(len(cpu) - 1, int(len(cpu) * 0.99))])
    res["suggest_right_first"] = f"{right}/{len(times)}"
    t = time.perf_counter()
    for bad in ids[1:]:
        reg.suggest(bad)
    res["suggest_repeat_mean_ms"] = _ms((time.perf_counter() - t) / len(times))
    c = time.process_time()
    t = time.perf_counter()
    reg.search("zzqy", limit=20)
    res["first_search_ms"] = _ms(time.perf_counter() - t)
    res["first_search_cpu_ms"] = _ms(time.process_time() - c)
    for q in ("a", "san diego", "LAUSD", "Fresnoo"):
        t = time.perf_counter()
        found = reg.search(q, limit=20)
        first = time.perf_counter() - t
        t = time.perf_counter()
        reg.search(q, limit=20)
        again = time.perf_counter() - t
        res[f"search {q!r}"] = {"first_ms": _ms(first), "repeat_ms": _ms(again),
                                "top": found[0].ocd_id.split("country:us/")[-1] if found else None}
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--compare", metavar="OLD_SRC", help="another src/ tree to measure the same way")
    ap.add_argument("--ids", type=int, default=200, help="distinct unknown ids to suggest for")
    ap.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.json:
        print(json.dumps(measure(args.ids)))
        return
    runs = {}
    trees = [("before", args.compare)] if args.compare else []
    trees.append(("now", None))
    for label, src in trees:
        env = dict(os.environ)
        if src:
            env["PYTHONPATH"] = src
        out = subprocess.run([sys.executable, __file__, "--json", "--ids", str(args.ids)],
                             env=env, capture_output=True, text=True, check=True).stdout
        runs[label] = json.loads(out)
    labels = list(runs)
    keys = list(runs[labels[-1]])
    print(f"jurisdiction registry: {args.ids} distinct unknown ids; milliseconds (wall clock; cpu rows: CPU time)")
    print(f"{'measure':<34}" + "".join(f"{lab:>30}" for lab in labels))
    for key in keys:
        cells = []
        for lab in labels:
            v = runs[lab].get(key, "-")
            if isinstance(v, dict):
                v = f"{v['first_ms']} / {v['repeat_ms']} ({v['top']})"
                v = v if len(v) <= 29 else v[:28] + "…"
            cells.append(f"{v!s:>30}")
        print(f"{key:<34}" + "".join(cells))
    print("search rows: first call / repeated call (top hit)")


if __name__ == "__main__":
    main()
