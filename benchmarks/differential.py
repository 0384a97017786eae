"""Differential run: the engine (single and batch) against the reference model
(src/cooprules/reference.py) on random requests; prints disagreements by kind.

    PYTHONPATH=src python benchmarks/differential.py --n 1000000 [--seed 1] [--batch 500]

Every disagreement is a bug in one of them (DESIGN.md decides which). Kinds ending in
``:two-items`` are answers only lists of two convictions or two further papers reach
(the engine tries single-item lists of convictions, and pairs of papers: issue 9);
``:bounded``, answers where the reference left lists of two out to stay within its
WORK bound and cannot judge the engine's pairs. Prints a progress bar (Rich), then the
figures: requests compared, invalid requests skipped, disagreements by kind with the
first example of each, how many answers the reference had to bound, time.
"""

from __future__ import annotations

import argparse
import collections
import json
import time

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from cooprules import Engine
from cooprules.errors import RequestError
from cooprules.reference import Reference, compare, differences
from cooprules.reference_requests import jurisdictions, requests


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000, help="random requests (default 10,000)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--batch", type=int, default=500, help="requests per evaluate_many call")
    ap.add_argument("--examples", default="", help="file to write one JSON line per disagreement")
    args = ap.parse_args()
    engine = Engine()
    ref = Reference(engine.corpus, engine.registry, engine.agreements)
    places = jurisdictions(engine.corpus)
    kinds: collections.Counter[str] = collections.Counter()
    first: dict[str, str] = {}
    compared = invalid = 0
    out = open(args.examples, "w", buffering=1) if args.examples else None  # line by line: readable during a run
    start = time.perf_counter()
    stream = requests(args.seed, args.n, places)
    with Progress(TextColumn("differential"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  TimeRemainingColumn(), TextColumn("{task.fields[bad]} disagreements")) as bar:
        task = bar.add_task("run", total=args.n, bad=0)
        while True:
            chunk = [q for _, q in zip(range(args.batch), stream)]
            if not chunk:
                break
            batch = engine.evaluate_many(chunk)
            for q, b in zip(chunk, batch):
                if isinstance(b, RequestError):
                    invalid += 1
                    continue
                single = engine.evaluate(q)
                if single.model_dump(mode="json") != b.model_dump(mode="json"):
                    found = [("single!=batch", "")]
                else:
                    found = differences(single, ref, q)
                compared += 1
                for kind, detail in found:
                    kinds[kind] += 1
                    first.setdefault(kind, f"{detail}\n    request: {json.dumps(q)}")
                    if out:
                        out.write(json.dumps({"kind": kind, "detail": detail, "request": q}) + "\n")
            bar.update(task, advance=len(chunk), bad=sum(kinds.values()))
            if not bar.console.is_terminal and compared // 10_000 != (compared - len(chunk)) // 10_000:
                # a log that can be read while a long run goes on (no terminal, no live bar)
                print(f"checkpoint: {compared:,} compared, {time.perf_counter() - start:,.0f} s, "
                      f"disagreements {dict(kinds)}", flush=True)
    elapsed = time.perf_counter() - start
    print(f"requests compared: {compared:,} (invalid, skipped by all: {invalid:,}); seed {args.seed}")
    print(f"time: {elapsed:,.1f} s ({elapsed / max(compared, 1) * 1000:.2f} ms per request, engine and reference)")
    print(f"disagreements: {sum(kinds.values()):,}")
    for kind, count in kinds.most_common():
        print(f"  {kind}: {count:,}\n    e.g. {first[kind]}")


if __name__ == "__main__":
    main()
