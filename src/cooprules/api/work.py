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
* Under ``cooprules serve`` (``COOPRULES_SUGGEST_PROCESS=1``) the suggestions of HTTP
  answers are computed in a separate worker process (:class:`SuggestionProcess`) and
  waited for at most :data:`SUGGEST_DEADLINE` seconds: the fuzzy matching holds the
  interpreter lock for tens of milliseconds at a time, which in-process would delay
  every other request of the server.
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

#: Seconds an HTTP answer waits for a suggestion computed in the worker process.
SUGGEST_DEADLINE = 0.3

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


_worker_registry: Any = None


def _worker_init() -> None:
    """Load the registry, and end this worker when the server that started it is gone
    (however it ended: no orphaned worker is left behind)."""
    import os

    global _worker_registry
    from ..jurisdictions import load_registry

    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, daemon=True, name="cooprules-parent-watch").start()
    _worker_registry = load_registry()


def _worker_suggest(text: object, n: int) -> list[str]:
    return list(_worker_registry.suggest(text, n))


class SuggestionProcess:
    """The shipped registry's ``suggest`` in one spawned worker process, with a
    deadline. :meth:`suggest` returns ``[]`` when the worker is still busy with an
    earlier text, is starting, has failed, or misses :data:`SUGGEST_DEADLINE` (never
    raises); a failed worker is replaced on the next call."""

    def __init__(self, deadline: float = SUGGEST_DEADLINE):
        self.deadline = deadline
        self._pool: Any = None
        self._busy: Any = None
        self._lock = threading.Lock()

    def start(self) -> None:
        """Start the worker (it loads the registry) without waiting for it."""
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        with self._lock:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"),
                                                 initializer=_worker_init)
                self._busy = self._pool.submit(_worker_suggest, "", 1)  # warm: the registry loads

    def suggest(self, text: object, n: int = 5) -> list[str]:
        """Up to ``n`` suggestions for ``text``, or ``[]`` (class doc)."""
        self.start()
        with self._lock:
            if self._busy is not None and not self._busy.done():
                return []
            try:
                self._busy = future = self._pool.submit(_worker_suggest, text, n)
            except Exception:  # noqa: BLE001 - a broken pool: replaced next time
                self._pool = None
                return []
        try:
            return future.result(timeout=self.deadline)
        except Exception:  # noqa: BLE001 - late or failed: no suggestion this time
            if future.done() and future.exception() is not None:
                with self._lock:
                    self._pool = None
            return []


def install_suggestion_budget(registry: Any, share: float | None = None, burst: float = GLOBAL_BURST,
                              process: bool | None = None) -> None:
    """Wrap ``registry.suggest`` (once) with the budget above. ``share`` defaults to
    ``COOPRULES_SUGGEST_SHARE`` (seconds per second; 0: no suggestions in HTTP
    answers), else :data:`GLOBAL_SHARE`; ``process`` (default:
    ``COOPRULES_SUGGEST_PROCESS=1``) computes HTTP answers' suggestions in a
    :class:`SuggestionProcess` over the shipped registry. A registry without
    ``suggest`` is left as it is."""
    import os

    original = getattr(registry, "suggest", None)
    if original is None or getattr(original, "_budgeted", False):
        return
    if process is None:
        process = os.environ.get("COOPRULES_SUGGEST_PROCESS") == "1"
    remote = SuggestionProcess() if process else None
    if remote is not None:
        remote.start()
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
            if remote is not None:
                return remote.suggest(text, *args, **kwargs)
            return original(text, *args, **kwargs)
        finally:
            budget.spend(time.perf_counter() - started)

    suggest._budgeted = True  # type: ignore[attr-defined]
    registry.suggest = suggest
