"""cooprules: may we, must we, or must we not cooperate with this immigration request?

The public surface: :func:`evaluate`, :func:`load_corpus`, :class:`Engine`, and the
vocabulary models (:class:`Request`, :class:`Decision`).
"""

from __future__ import annotations

import datetime as dt
import functools
import gc
from typing import Any

from .corpus import Corpus, load_corpus
from .engine import Engine
from .errors import CorpusError, RequestError, parse_request
from .vocabulary import Decision, Outcome, Request

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
    engine = Engine()
    gc.freeze()
    return engine


def evaluate(request: Request | dict[str, Any] | str, as_of: dt.date | None = None,
             presume: bool | None = None) -> Decision:
    """Answer one request with the shipped corpus.

    Args: ``request`` a :class:`Request`, a dict or JSON text in the vocabulary;
    ``as_of`` the date whose law applies (default ``context.date``, else today);
    ``presume=False`` presumes nothing (counsel's full analysis; default: the
    request's own ``presume``, true unless it says otherwise).
    Returns: :class:`Decision`. Raises: :class:`RequestError` naming the bad field and
    the allowed values.
    """
    return default_engine().evaluate(request, as_of, presume)
