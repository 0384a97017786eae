"""Partial evaluation: answers for requests that leave out facts the law turns on.

A condition that reads an absent fact is undetermined, not false (DESIGN.md,
Semantics 6). For the facts that undetermined conditions read, we try each value
that can make a difference (every vocabulary word; for numbers, each side of every
threshold the conditions name; for convictions, each category on each side of every
time window), resolve each combination, and report what each value of each fact gives.
The answer is ``conditional`` only if the combinations disagree.
"""

from __future__ import annotations

import itertools
from typing import Any, Iterable

from ..corpus.conditions import Condition
from ..vocabulary import Agreement287g, Location, OffenceCategory, Purpose, Role

#: The most combinations tried for one request; past this the first ones are used.
MAX_COMBINATIONS = 4096

_ENUMS = {
    "subject.role": Role,
    "context.location": Location,
    "context.purpose": Purpose,
    "responder.agreement_287g": Agreement287g,
}
_BOOLS = {
    "subject.minor", "subject.registered_sex_offender", "subject.federal_felony_warrant",
    "subject.final_removal_order", "subject.previously_removed", "subject.consent_given",
    "context.info_publicly_available", "context.exigent_circumstances",
}
NO_PENDING_CHARGE = {"category": "none", "probable_cause_determined": False}


def _around(numbers: Iterable[float], floor: float = 0) -> list[float]:
    values = {floor}
    for n in numbers:
        for v in (n - 1, n, n + 1):
            if v >= floor:
                values.add(v)
    return sorted(values)


def _num(v: float) -> int | float:
    return int(v) if float(v).is_integer() else v


def candidates(fact: str, conditions: list[Condition]) -> list[tuple[str, Any]]:
    """The values to try for a missing ``fact``, as (label, value in CEL form)."""
    if fact in _BOOLS:
        return [("true", True), ("false", False)]
    if fact in _ENUMS:
        return [(w.value, w.value) for w in _ENUMS[fact]]
    readers = [c for c in conditions if fact in c.facts]
    numbers = {n for c in readers for n in c.numbers}
    if fact == "context.hours_held_past_release":
        return [(f"{_num(h)} hours", _num(h)) for h in _around(numbers)]
    if fact == "subject.convictions":
        years = _around(numbers | {1}, floor=1)
        out: list[tuple[str, Any]] = [("none", [])]
        for cat in OffenceCategory:
            for y in years:
                out.append((f"{cat.value}, {_num(y)} years ago", [{"category": cat.value, "years_ago": _num(y)}]))
        return out
    if fact == "subject.pending_charge":
        out = [("none", NO_PENDING_CHARGE)]
        for cat in OffenceCategory:
            for pc in (True, False):
                label = f"{cat.value}, probable cause {'found' if pc else 'not found'}"
                out.append((label, {"category": cat.value, "probable_cause_determined": pc}))
        return out
    raise ValueError(f"no candidate values for fact {fact}")  # pragma: no cover - facts are closed


def combinations(facts: list[str], conditions: list[Condition]) -> tuple[list[list[tuple[str, Any]]], bool]:
    """Every combination of candidate values for ``facts`` (at most MAX_COMBINATIONS).
    Returns (combinations, complete) where each combination lists (label, value) in
    the order of ``facts``."""
    options = [candidates(f, conditions) for f in facts]
    total = 1
    for o in options:
        total *= len(o)
    combos = list(itertools.islice(itertools.product(*options), MAX_COMBINATIONS))
    return [list(c) for c in combos], total <= MAX_COMBINATIONS


def fill(activation: dict[str, Any], facts: list[str], values: list[Any]) -> dict[str, Any]:
    """A copy of ``activation`` with each ``fact`` (``root.field``) set to its value."""
    out = dict(activation)
    for fact, value in zip(facts, values):
        root, name = fact.split(".", 1)
        out[root] = {**out.get(root, {}), name: value}
    return out
