"""Engine work off the event loop, and a bound on "did you mean" work.

* :func:`run` runs engine calls in worker threads, at most :data:`THREADS` at once for
  single requests and :data:`BATCH_THREADS` for batches (separate limiters, so batches
  never take every thread from single requests), leaving the event loop free to read
  and answer other connections.
* "Did you mean" for an unknown jurisdiction is the costly part of an invalid request.
  :func:`install_suggestion_budget` wraps the registry's ``suggest`` so that, within an
  HTTP request, at most :data:`PER_REQUEST` suggestions are computed for one request
  and :data:`PER_BATCH` for a whole batch, never for text longer than
  :data:`MAX_SUGGEST_LENGTH`, and for no more than :data:`GLOBAL_SHARE` of a second of
  work per second across the process (a budget of time, not of calls, so it holds
  whatever one suggestion costs; bursts up to :data:`GLOBAL_BURST` seconds). Past the
  budget the answer is the same precise error without ``did_you_mean``. Outside HTTP
  requests (CLI, Python) nothing is capped.
"""

from __future__ import annotations

import contextvars
import functools
import threading
import time
from typing import Any, Callable, TypeVar

import anyio
import anyio.to_thread

#: Worker threads for single decisions.
THREADS = 8
#: Worker threads for batches.
BATCH_THREADS = 2
#: Suggestions computed for one request.
PER_REQUEST = 1
#: Suggestions computed for one batch (the other unknown ids get no "did you mean").
PER_BATCH = 3
#: Longest text a suggestion is computed for (characters); real OCD-IDs are shorter.
MAX_SUGGEST_LENGTH = 200
#: Seconds of suggestion work per second across the process, and the most saved up.
GLOBAL_SHARE, GLOBAL_BURST = 0.05, 0.5

T = TypeVar("T")

_allowance: contextvars.ContextVar[list[int] | None] = contextvars.ContextVar("cooprules_suggestions", default=None)
_limiters: dict[str, anyio.CapacityLimiter] = {}


def _limiter(kind: str) -> anyio.CapacityLimiter:
    found = _limiters.get(kind)
    if found is None:
        found = _limiters[kind] = anyio.CapacityLimiter(BATCH_THREADS if kind == "batch" else THREADS)
    return found


async def run(kind: str, fn: Callable[..., T], *args: Any) -> T:
    """``fn(*args)`` in a worker thread (``kind`` ``"single"`` or ``"batch"`` picks the
    limiter), with a suggestion allowance of :data:`PER_REQUEST` or :data:`PER_BATCH`
    for the call. Returns what ``fn`` returns; raises what it raises."""
    allow(PER_BATCH if kind == "batch" else PER_REQUEST)
    return await anyio.to_thread.run_sync(fn, *args, limiter=_limiter(kind))


def allow(count: int) -> None:
    """Let the current context (an HTTP request) compute ``count`` more suggestions."""
    _allowance.set([count])


class TimeBudget:
    """Seconds of work allowed: ``share`` seconds per second of wall time, at most
    ``burst`` saved up. Thread-safe. :meth:`open` says whether work may start;
    :meth:`spend` charges what it took (the balance may go below zero: later work
    then waits until it is paid back)."""

    def __init__(self, share: float, burst: float):
        self.share, self.burst = share, burst
        self._balance, self._at = burst, time.monotonic()
        self._lock = threading.Lock()

    def _refill(self, now: float) -> None:
        self._balance = min(self.burst, self._balance + (now - self._at) * self.share)
        self._at = now

    def open(self) -> bool:
        """Whether the balance is positive now."""
        with self._lock:
            self._refill(time.monotonic())
            return self._balance > 0

    def spend(self, seconds: float) -> None:
        """Charge ``seconds`` of work."""
        with self._lock:
            self._refill(time.monotonic())
            self._balance -= seconds


def install_suggestion_budget(registry: Any, share: float | None = None, burst: float = GLOBAL_BURST) -> None:
    """Wrap ``registry.suggest`` (once) with the budget above. ``share`` defaults to
    ``COOPRULES_SUGGEST_SHARE`` (seconds per second; 0: no suggestions in HTTP
    answers), else :data:`GLOBAL_SHARE`. A registry without ``suggest`` is left as it
    is."""
    import os

    original = getattr(registry, "suggest", None)
    if original is None or getattr(original, "_budgeted", False):
        return
    if share is None:
        try:
            share = max(0.0, float(os.environ.get("COOPRULES_SUGGEST_SHARE", GLOBAL_SHARE)))
        except ValueError:
            share = GLOBAL_SHARE
    budget = TimeBudget(share, burst if share else 0.0)

    @functools.wraps(original)
    def suggest(text: object, *args: Any, **kwargs: Any) -> list[str]:
        left = _allowance.get()
        if left is None:  # not in an HTTP request: no cap
            return original(text, *args, **kwargs)
        if left[0] <= 0 or (isinstance(text, str) and len(text) > MAX_SUGGEST_LENGTH) or not budget.open():
            return []
        left[0] -= 1
        started = time.perf_counter()
        try:
            return original(text, *args, **kwargs)
        finally:
            budget.spend(time.perf_counter() - started)

    suggest._budgeted = True  # type: ignore[attr-defined]
    registry.suggest = suggest
