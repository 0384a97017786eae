"""cooprules: may we, must we, or must we not cooperate with this immigration request?

The public surface: :func:`evaluate`, :func:`load_corpus`, :class:`Engine`, and the
vocabulary models (:class:`Request`, :class:`Decision`).
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .corpus import Corpus, load_corpus
    from .engine import Engine
    from .errors import CorpusError, RequestError, parse_request
    from .vocabulary import Decision, Outcome, Request

#: The public names, loaded on first use (``import cooprules`` alone stays cheap: a
#: command imports only what it uses; pydantic, CEL and the corpus schema come with
#: the first of these).
_LAZY = {"Corpus": ".corpus", "load_corpus": ".corpus", "Engine": ".engine", "CorpusError": ".errors",
         "RequestError": ".errors", "parse_request": ".errors", "Decision": ".vocabulary",
         "Outcome": ".vocabulary", "Request": ".vocabulary"}


def __getattr__(name: str) -> Any:
    """Load a public name of :data:`_LAZY` on first use (PEP 562). Raises
    ``AttributeError`` for any other name."""
    if name not in _LAZY:
        raise AttributeError(f"module 'cooprules' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(_LAZY[name], __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = ["Corpus", "CorpusError", "Decision", "Engine", "Outcome", "Request", "RequestError",
           "default_engine", "evaluate", "load_corpus", "parse_request"]


@functools.cache
def default_engine() -> Engine:
    """The engine over the shipped corpus and registry, built once per process.

    The corpus and registry live as long as the process, so they are moved out of the
    garbage collector's way (``gc.freeze``): full collections then stop rescanning
    tens of thousands of jurisdictions, which removed multi-millisecond pauses from
    the p99 latency (benchmarks/bench_engine.py).
    """
    import gc

    from .engine import Engine

    engine = Engine()
    gc.freeze()
    return engine


def evaluate(request: "Request | dict[str, Any] | str", as_of: dt.date | None = None,
             presume: bool | None = None) -> "Decision":
    """Answer one request with the shipped corpus.

    Args: ``request`` a :class:`Request`, a dict or JSON text in the vocabulary;
    ``as_of`` the date whose law applies (default ``context.date``, else today);
    ``presume=False`` presumes nothing (counsel's full analysis; default: the
    request's own ``presume``, true unless it says otherwise).
    Returns: :class:`Decision`. Raises: :class:`RequestError` naming the bad field and
    the allowed values.
    """
    return default_engine().evaluate(request, as_of, presume)
