"""Decisions handed to callers cannot be changed: their lists and dicts refuse mutation.

The engine caches a :class:`~cooprules.vocabulary.Decision` and hands the same object
to every caller with the same relevant facts. ``frozen=True`` stops ``d.outcome = ...``
but not ``d.citations.clear()``, which would change every later answer. :func:`freeze`
replaces each list and dict inside a decision (at any depth) with a :class:`FrozenList`
or :class:`FrozenDict`: still a ``list``/``dict`` (equality, JSON, iteration, slicing,
``+`` giving a new plain list all work), but every in-place change raises TypeError.
It runs once per decision computed, so a cache hit costs nothing extra (figures:
``benchmarks/bench_engine.py``).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

_MESSAGE = "a Decision is shared and cannot be changed; copy the part first (list(...), dict(...))"


def _refuse(self, *args: Any, **kwargs: Any) -> None:
    raise TypeError(_MESSAGE)


class FrozenList(list):
    """A list that refuses every in-place change (TypeError)."""

    __slots__ = ()
    append = extend = insert = remove = pop = clear = sort = reverse = _refuse
    __setitem__ = __delitem__ = __iadd__ = __imul__ = _refuse

    def __reduce__(self):
        return (FrozenList, (list(self),))

    def __copy__(self) -> "FrozenList":
        return self

    def __deepcopy__(self, memo: dict) -> "FrozenList":
        return self


class FrozenDict(dict):
    """A dict that refuses every in-place change (TypeError)."""

    __slots__ = ()
    __setitem__ = __delitem__ = __ior__ = _refuse
    clear = pop = popitem = setdefault = update = _refuse

    def __reduce__(self):
        return (FrozenDict, (dict(self),))

    def __copy__(self) -> "FrozenDict":
        return self

    def __deepcopy__(self, memo: dict) -> "FrozenDict":
        return self


def freeze(value: Any) -> Any:
    """``value`` with every list and dict inside it (through pydantic models, at any
    depth) frozen in place; returns it. Models are changed through their ``__dict__``
    (they are frozen models, so nothing else can change them); their leaves (strings,
    enums, dates) are immutable already."""
    if isinstance(value, BaseModel):
        fields = value.__dict__
        for name, item in fields.items():
            if isinstance(item, (list, dict, BaseModel)) and not isinstance(item, (FrozenList, FrozenDict)):
                fields[name] = freeze(item)
        return value
    if isinstance(value, FrozenList) or isinstance(value, FrozenDict):
        return value
    if isinstance(value, list):
        return FrozenList(freeze(v) for v in value)
    if isinstance(value, dict):
        return FrozenDict((k, freeze(v)) for k, v in value.items())
    return value


def is_frozen(value: Any) -> bool:
    """Whether no list or dict inside ``value`` can be changed in place (tests)."""
    if isinstance(value, BaseModel):
        return all(is_frozen(v) for v in value.__dict__.values())
    if isinstance(value, list):
        return isinstance(value, FrozenList) and all(is_frozen(v) for v in value)
    if isinstance(value, dict):
        return isinstance(value, FrozenDict) and all(is_frozen(v) for v in value.values())
    return True
