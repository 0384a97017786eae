"""Differential run: the engine (single and batch) against the reference model
(src/cooprules/reference.py) on random requests; prints disagreements by kind.

    PYTHONPATH=src python benchmarks/differential.py --n 1000000 [--seed 1] [--batch 500] [--workers 2]

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
import time

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from cooprules.differential import Tally, run
from cooprules.reference_requests import jurisdictions, requests


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000, help="random requests (default 10,000)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--batch", type=int, default=500, help="requests per evaluate_many call")
    ap.add_argument("--workers", type=int, default=None, help="processes (default: CPU count)")
    ap.add_argument("--examples", default="", help="file to write one JSON line per disagreement")
    args = ap.parse_args()
    from cooprules import Engine
    places = jurisdictions(Engine().corpus)
    out = open(args.examples, "w", buffering=1) if args.examples else None  # line by line: readable during a run
    start = time.perf_counter()
    with Progress(TextColumn("differential"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  TimeRemainingColumn(), TextColumn("{task.fields[bad]} disagreements")) as bar:
        task = bar.add_task("run", total=args.n, bad=0)
        written = 0

        def progress(tally: Tally, n: int) -> None:
            nonlocal written
            before = tally.compared + tally.invalid - n
            bar.update(task, advance=n, bad=sum(tally.kinds.values()))
            if out:
                out.writelines(line + "\n" for line in tally.lines[written:])
                written = len(tally.lines)
            if not bar.console.is_terminal and (before + n) // 10_000 != before // 10_000:
                # a log that can be read while a long run goes on (no terminal, no live bar)
                print(f"checkpoint: {before + n:,} done, {time.perf_counter() - start:,.0f} s, "
                      f"disagreements {dict(tally.kinds)}", flush=True)

        total = run(requests(args.seed, args.n, places), workers=args.workers, chunk=args.batch,
                    on_chunk=progress)
    elapsed = time.perf_counter() - start
    print(f"requests compared: {total.compared:,} (invalid, skipped by all: {total.invalid:,}); seed {args.seed}")
    print(f"time: {elapsed:,.1f} s ({elapsed / max(total.compared, 1) * 1000:.2f} ms per request, engine and "
          f"reference, wall clock over all workers)")
    print(f"disagreements: {sum(total.kinds.values()):,}")
    for kind, count in total.kinds.most_common():
        print(f"  {kind}: {count:,}\n    e.g. {total.first[kind]}")


if __name__ == "__main__":
    main()
