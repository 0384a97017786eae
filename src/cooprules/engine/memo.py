"""Caches bounded in memory: least recently used entries go first, and the bound is
in bytes (estimated per entry), not in entries.

The engine keeps four caches (:class:`cooprules.engine.core.Engine`): plans (one per
jurisdiction x entity x action x period), the boundary days of each chain, decisions,
and resolutions (one per plan and set of truth values of its conditions). Their sizes
vary by two orders of magnitude, so a count bound says nothing about memory. Each entry
is charged an estimate of the bytes it holds (:func:`decision_bytes`,
:func:`resolved_bytes`, :func:`plan_bytes`: linear in its parts, fitted to
:func:`estimate`, which walks every object; objects shared with the corpus, such as
provisions and compiled conditions, are not charged). The estimates count objects
shared between entries once per entry, so the caches hold less than their budget;
``benchmarks/bench_memory.py`` prints the process's RSS beside them.

The total, :data:`DEFAULT_CACHE_MB` unless ``Engine(cache_mb=...)`` or the environment
variable ``COOPRULES_CACHE_MB`` says otherwise, is split by :data:`SHARES`.
"""

from __future__ import annotations

import enum
import os
import sys
import threading
from collections import OrderedDict
from typing import Any, Callable, Hashable

#: Default memory for all the engine's caches together, in MB (2**20 bytes).
DEFAULT_CACHE_MB = 256
#: How the total is split between the caches.
SHARES = {"decisions": 0.5, "resolutions": 0.3, "plans": 0.17, "boundaries": 0.03}


def cache_mb(given: float | None = None) -> float:
    """The total cache budget in MB: ``given``, else ``COOPRULES_CACHE_MB``, else
    :data:`DEFAULT_CACHE_MB`. Raises ValueError for a value that is not a number >= 0."""
    if given is None:
        text = os.environ.get("COOPRULES_CACHE_MB")
        if not text:
            return DEFAULT_CACHE_MB
        try:
            given = float(text)
        except ValueError:
            raise ValueError(f"COOPRULES_CACHE_MB={text!r} is not a number of megabytes") from None
    if not given >= 0:  # NaN too
        raise ValueError(f"cache size {given!r} MB: give a number >= 0")
    return float(given)


class SizedLRU:
    """A mapping bounded by the estimated bytes of its entries (least recently used
    evicted first). ``limit``: bytes (0 keeps nothing); ``size``: entry -> estimated
    bytes. Thread-safe (the HTTP server answers from worker threads)."""

    def __init__(self, limit: int, size: Callable[[Hashable, Any], int]):
        self.limit = int(limit)
        self.size = size
        self.bytes = 0
        self._data: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any:
        """The value for ``key`` (now the most recently used), or None."""
        with self._lock:
            found = self._data.get(key)
            if found is None:
                return None
            self._data.move_to_end(key)
            return found[0]

    def put(self, key: Hashable, value: Any) -> Any:
        """Keep ``value`` under ``key``, evicting the least recently used entries past
        the limit (an entry larger than the whole limit is not kept). Returns ``value``."""
        cost = self.size(key, value)
        with self._lock:
            old = self._data.pop(key, None)
            if old is not None:
                self.bytes -= old[1]
            if cost > self.limit:
                return value
            self._data[key] = (value, cost)
            self.bytes += cost
            while self.bytes > self.limit:
                _, (_, freed) = self._data.popitem(last=False)
                self.bytes -= freed
        return value

    def clear(self) -> None:
        """Drop every entry."""
        with self._lock:
            self._data.clear()
            self.bytes = 0

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._data


def estimate(value: Any, skip: Callable[[Any], bool] = lambda v: False, limit: int = 20_000) -> int:
    """Bytes held by ``value``: ``sys.getsizeof`` summed over it and what it refers to
    (lists, tuples, dicts, sets, pydantic models and dataclasses), each object once,
    skipping objects for which ``skip`` is true (shared with the corpus) and, past
    ``limit`` objects, extrapolating. Enums, ``None`` and booleans are not charged."""
    seen: set[int] = set()
    total = 0
    stack = [value]
    count = 0
    while stack:
        obj = stack.pop()
        if id(obj) in seen or obj is None or isinstance(obj, (bool, type)) or skip(obj):
            continue
        seen.add(id(obj))
        count += 1
        if count > limit:
            return int(total * 1.5)
        if isinstance(obj, enum.Enum):
            continue
        total += sys.getsizeof(obj)
        if isinstance(obj, dict):
            stack.extend(obj.keys())
            stack.extend(obj.values())
        elif isinstance(obj, (list, tuple, set, frozenset)):
            stack.extend(obj)
        elif hasattr(obj, "__dict__") and not isinstance(obj, type):
            d = obj.__dict__
            total += sys.getsizeof(d)
            stack.extend(d.values())
            extra = getattr(obj, "__pydantic_fields_set__", None)
            if extra is not None:
                stack.append(extra)
        elif hasattr(obj, "__slots__"):
            for name in getattr(obj, "__slots__", ()):
                stack.append(getattr(obj, name, None))
    return total


# Per-entry estimates: linear in the parts an entry holds, fitted (least squares) to
# :func:`estimate` over random decisions, resolutions and plans of the shipped corpus,
# then raised by the largest under-estimate seen (x1.3; plans x1.6) so that they err
# high. :func:`estimate` itself walks every object (60-90 us an entry); these take
# about a microsecond.
KEY_BYTES = 600


def decision_bytes(key: Any, d: Any) -> int:
    """Estimated bytes of a cached Decision and its key."""
    rows = sum(len(layer.provisions) for layer in d.trace)
    values = sum(len(m.values) for m in d.depends_on) + sum(len(u.values) for u in d.unless)
    small = len(d.depends_on) + len(d.unless) + len(d.alternatives) + len(d.presumed)
    return KEY_BYTES + int(1.3 * (3500 + 1400 * len(d.citations) + 800 * len(d.duties) + 1400 * len(d.trace)
                                  + 1550 * rows + 4900 * len(d.contested) + 900 * small + 300 * values
                                  + 150 * (len(d.supplied) + len(d.conflicts) + len(d.not_encoded))))


def resolved_bytes(key: Any, r: Any) -> int:
    """Estimated bytes of a cached resolution (engine/resolve.py ``Resolved``) and its key."""
    rows = sum(len(layer.provisions) for layer in r.trace)
    return KEY_BYTES + 8 * len(key[1]) + int(1.3 * (1400 + 1300 * len(r.citations) + 900 * len(r.duties)
                                                    + 1400 * len(r.trace) + 1550 * rows + 5500 * len(r.contested)))


def plan_bytes(key: Any, p: Any) -> int:
    """Estimated bytes of a cached plan (engine/layers.py ``Plan``; the provisions it
    lists belong to the corpus and are not charged) and its key."""
    listed = sum(len(layer.active) + len(layer.inactive) + len(layer.disputed) for layer in p.layers)
    return KEY_BYTES + int(1.6 * (300 + 750 * len(p.layers) + 160 * listed + 60 * len(p.facts)))
