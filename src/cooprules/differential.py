"""The differential run of issue 9: the engine (single and batch) against the reference
model (:mod:`cooprules.reference`) on seeded random requests
(:mod:`cooprules.reference_requests`), split over worker processes.

Used by ``tests/test_differential.py`` (20,000 requests in CI) and
``benchmarks/differential.py`` (a million). Each worker builds its own engine and
reference from the shipped corpus (``spawn``: nothing is shared with the caller, so a
cache in one cannot mask a bug in the other).
"""

from __future__ import annotations

import collections
import concurrent.futures
import itertools
import json
import multiprocessing
import os
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

#: kinds a disagreement can take that are known limits, not bugs: ``:two-items`` (only
#: lists of two convictions reach the answer; the engine tries single convictions) and
#: ``:bounded`` (the reference left lists of two out to stay within its WORK bound)
KNOWN_LIMITS = (":two-items", ":bounded")


@dataclass
class Tally:
    """What a run found: ``compared`` requests, ``invalid`` ones (refused by every path),
    ``kinds`` (disagreements per kind), ``first`` (kind → first example, detail and
    request as JSON), ``lines`` (one JSON line per disagreement)."""

    compared: int = 0
    invalid: int = 0
    kinds: collections.Counter = field(default_factory=collections.Counter)
    first: dict[str, str] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)

    def add(self, other: "Tally") -> None:
        """Fold ``other`` into this tally (first examples: the earlier run's win)."""
        self.compared += other.compared
        self.invalid += other.invalid
        self.kinds += other.kinds
        for k, v in other.first.items():
            self.first.setdefault(k, v)
        self.lines += other.lines[:max(0, MAX_LINES - len(self.lines))]

    def unexplained(self) -> dict[str, str]:
        """Kind → first example, for every kind that is not a known limit."""
        return {k: self.first[k] for k in self.kinds if not k.endswith(KNOWN_LIMITS)}


#: disagreements kept as JSON lines (beyond this only counted)
MAX_LINES = 100_000

_STATE: dict[str, Any] = {}


def _setup() -> None:
    from . import Engine
    from .reference import Reference
    engine = Engine()
    _STATE["engine"] = engine
    _STATE["reference"] = Reference(engine.corpus, engine.registry, engine.agreements)


def check(chunk: list[dict[str, Any]], engine=None, reference=None) -> Tally:
    """Compare engine single, engine batch and reference on ``chunk`` (request dicts).
    ``engine``/``reference``: the objects to use (default: this process's own, built on
    first use). Returns a :class:`Tally`; a batch answer that differs from the single
    answer counts as kind ``single!=batch``."""
    from .errors import RequestError
    from .reference import differences
    if engine is None:
        if not _STATE:
            _setup()
        engine, reference = _STATE["engine"], _STATE["reference"]
    out = Tally()
    for q, b in zip(chunk, engine.evaluate_many(chunk)):
        if isinstance(b, RequestError):
            out.invalid += 1
            continue
        single = engine.evaluate(q)
        if single.model_dump(mode="json") != b.model_dump(mode="json"):
            found = [("single!=batch", "")]
        else:
            found = differences(single, reference, q)
        out.compared += 1
        for kind, detail in found:
            out.kinds[kind] += 1
            out.first.setdefault(kind, f"{detail}\n    request: {json.dumps(q)}")
            out.lines.append(json.dumps({"kind": kind, "detail": detail, "request": q}))
    return out


def run(stream: Iterable[dict[str, Any]], workers: int | None = None, chunk: int = 500,
        on_chunk: Callable[[Tally, int], None] | None = None) -> Tally:
    """Check every request of ``stream`` in chunks of ``chunk`` over ``workers`` processes
    (default: ``COOPRULES_DIFFERENTIAL_WORKERS`` or the CPU count, at most 8; 1 runs
    in this process). ``on_chunk(tally so far, requests in the chunk just done)`` is
    called after each chunk (progress). Chunks are submitted a few at a time, so memory
    stays bounded for any length of stream. Returns the total :class:`Tally`."""
    if workers is None:
        workers = int(os.environ.get("COOPRULES_DIFFERENTIAL_WORKERS", "0")) or min(8, os.cpu_count() or 1)
    total = Tally()
    it = iter(stream)
    chunks = iter(lambda: list(itertools.islice(it, chunk)), [])

    def done(t: Tally, n: int) -> None:
        total.add(t)
        if on_chunk:
            on_chunk(total, n)

    if workers <= 1:
        for c in chunks:
            done(check(c), len(c))
        return total
    ctx = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(workers, mp_context=ctx, initializer=_setup) as pool:
        pending: collections.deque = collections.deque()
        for c in chunks:
            pending.append((pool.submit(check, c), len(c)))
            while len(pending) >= 2 * workers:
                f, n = pending.popleft()
                done(f.result(), n)
        while pending:
            f, n = pending.popleft()
            done(f.result(), n)
    return total
