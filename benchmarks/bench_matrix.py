"""Matrix and table benchmark: prints figures with their method; asserts nothing.

    .venv/bin/python benchmarks/bench_matrix.py [--rows 10000000] [--distinct 20000]

Measures, on this machine, each part in its own child process (so that peak memory is
that part's alone, read with ``resource.getrusage(RUSAGE_SELF).ru_maxrss``):

1. ``matrix``: every county and county equivalent plus every government with encoded
   law × the standard scenarios, law of today, as ``cooprules matrix`` does (engine and
   registry loaded before the clock starts). *cold* = first run in the process (plans
   built), *warm* = a second run (plan cache filled). Target: <= 5 s.
2. ``table``: a request file of N rows (default 10 million) drawn with repeats from a
   pool of distinct random requests (2,000 and 20,000 by default: a request log repeats
   itself; the engine's time grows with the distinct requests, the rest with the rows) (``cooprules.analysis.sampling``), written as
   Parquet first (not timed), then ``evaluate_table`` end to end: read, dedupe, engine,
   join back, write Parquet. Reported as rows per second of wall time, with the time
   outside the engine. Targets: >= 1 million decisions/s; peak RSS <= 2 GB.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def part_matrix() -> dict:
    from cooprules import default_engine
    from cooprules.analysis.matrix import matrix_jurisdictions, run_matrix
    from cooprules.analysis.standard import load_scenarios

    engine = default_engine()
    scenarios = load_scenarios()
    jurisdictions = matrix_jurisdictions(engine)
    day = dt.date.today()
    t0 = time.perf_counter()
    table = run_matrix(engine, scenarios, day, jurisdictions)
    cold = time.perf_counter() - t0
    t0 = time.perf_counter()
    run_matrix(engine, scenarios, day, jurisdictions)
    warm = time.perf_counter() - t0
    return {"jurisdictions": len(jurisdictions), "scenarios": len(scenarios), "answers": table.height,
            "cold_s": cold, "warm_s": warm, "peak_mb": _peak_mb()}


def part_write(path: str, rows: int, distinct: int) -> dict:
    import numpy as np
    import polars as pl

    from cooprules import default_engine
    from cooprules.analysis.sampling import random_requests
    from cooprules.analysis.table import COLUMNS, flatten

    engine = default_engine()
    pool = pl.DataFrame([flatten(r) for r in random_requests(engine, distinct, seed=1)],
                        schema={c: pl.String for c in COLUMNS})
    idx = np.random.default_rng(2).integers(0, distinct, rows)
    pool[idx].write_parquet(path, row_group_size=1_000_000)
    return {"rows": rows, "distinct_pool": distinct, "bytes": Path(path).stat().st_size}


def part_table(path: str, out: str) -> dict:
    from cooprules import default_engine
    from cooprules.analysis import table as tbl

    engine = default_engine()
    spent = {"engine": 0.0}
    answer = tbl._answer

    def timed(*args, **kwargs):
        t = time.perf_counter()
        answer(*args, **kwargs)
        spent["engine"] += time.perf_counter() - t

    tbl._answer = timed
    stats = tbl.evaluate_table(engine, path, out, as_of=dt.date.today())
    return {"rows": stats.rows, "distinct": stats.distinct, "seconds": stats.seconds,
            "rows_per_s": stats.rows / stats.seconds, "engine_s": spent["engine"], "peak_mb": _peak_mb()}


def _child(*args: str) -> dict:
    res = subprocess.run([sys.executable, __file__, "--part", *args], capture_output=True, text=True, check=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--distinct", type=int, nargs="+", default=[2_000, 20_000],
                    help="Sizes of the pool of distinct requests the rows are drawn from (one run each).")
    ap.add_argument("--part", nargs="*", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.part:
        name, *rest = args.part
        result = {"matrix": part_matrix, "write": lambda: part_write(rest[0], int(rest[1]), int(rest[2])),
                  "table": lambda: part_table(rest[0], rest[1])}[name]()
        print(json.dumps(result))
        return
    m = _child("matrix")
    print(f"matrix: {m['jurisdictions']:,} jurisdictions × {m['scenarios']} scenarios = {m['answers']:,} answers; "
          f"cold {m['cold_s']:.2f} s, warm {m['warm_s']:.2f} s (target <= 5 s); peak RSS {m['peak_mb']:.0f} MB")
    for distinct in args.distinct:
        _table(args.rows, distinct)


def _table(rows: int, distinct: int) -> None:
    with tempfile.TemporaryDirectory(prefix="cooprules-bench-") as tmp:
        src, out = f"{tmp}/requests.parquet", f"{tmp}/answers.parquet"
        w = _child("write", src, str(rows), str(distinct))
        print(f"table input: {w['rows']:,} rows from {w['distinct_pool']:,} distinct requests, {w['bytes'] / 1e6:.0f} MB Parquet")
        t = _child("table", src, out)
        print(f"evaluate-table: {t['rows']:,} rows in {t['seconds']:.2f} s = {t['rows_per_s']:,.0f} decisions/s "
              f"(target >= 1,000,000); {t['distinct']:,} distinct evaluated by the engine in {t['engine_s']:.2f} s, "
              f"{t['seconds'] - t['engine_s']:.2f} s reading, deduping, joining and writing; "
              f"peak RSS {t['peak_mb']:.0f} MB (target <= 2,048 MB)")


if __name__ == "__main__":
    main()
