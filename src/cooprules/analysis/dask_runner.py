"""Run the distinct evaluations of a matrix or a request table on a Dask cluster.

Each worker builds its own engine once (over the shipped corpus, or over the rules
folder named by ``rules``) and answers a partition of requests with
``Engine.evaluate_many``. Every partition returns the worker's corpus version; a
worker with another corpus than the client is an error, not a silent mix.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable

_ENGINES: dict[str | None, Any] = {}


class ClusterError(RuntimeError):
    """The cluster could not be reached or runs another corpus."""


def _worker_engine(rules: str | None):
    engine = _ENGINES.get(rules)
    if engine is None:
        if rules is None:
            from .. import default_engine

            engine = default_engine()
        else:
            from .. import Engine, load_corpus

            engine = Engine(corpus=load_corpus(rules))
        _ENGINES[rules] = engine
    return engine


def evaluate_partition(requests: list[Any], as_of: dt.date | None, rules: str | None,
                       full: bool = False) -> tuple[str, list[tuple]]:
    """Worker task: ``(corpus version, [(outcome, ;-joined citation ids), ...])`` for
    ``requests`` (dicts, Requests or JSON text); an invalid request gives
    ``("invalid", message)``. With ``full``, each answer is instead every column of
    ``evaluate-table`` (:func:`cooprules.analysis.table.result_values`)."""
    from ..errors import RequestError

    engine = _worker_engine(rules)
    out: list[tuple] = []
    for d in engine.evaluate_many(requests, as_of=as_of):
        if isinstance(d, RequestError):
            out.append(("invalid", str(d)))
        elif full:
            from .table import result_values

            out.append(result_values(d))
        else:
            out.append((d.outcome.value, ";".join(c.id for c in d.citations)))
    return engine.corpus.version, out


def connect(scheduler: str | Any, timeout: str = "10s"):
    """A ``distributed.Client`` for a scheduler address (``tcp://host:port``) or a
    cluster object, waiting at most ``timeout``. Raises :class:`ClusterError` naming
    ``--scheduler``."""
    from distributed import Client

    try:
        return Client(scheduler, timeout=timeout)
    except Exception as exc:  # OSError, TimeoutError, ValueError from bad addresses
        raise ClusterError(f"--scheduler: cannot reach the Dask scheduler at {scheduler!r}: {exc}") from None


def evaluate_on_dask(client, requests: list[Any], as_of: dt.date | None, version: str, rules: str | None = None,
                     partitions: int | None = None, progress: Callable[[int], None] | None = None,
                     full: bool = False) -> list[tuple]:
    """Evaluate ``requests`` on the cluster behind ``client`` in ``partitions`` parts
    (default: twice the worker threads). ``version`` is the client's corpus version;
    returns one ``(outcome, citations)`` per request, in order (with ``full``: every
    column of ``evaluate-table``, see :func:`evaluate_partition`). Raises
    :class:`ClusterError` when a worker runs another corpus."""
    from distributed import as_completed

    if not requests:
        return []
    if partitions is None:
        threads = sum(client.nthreads().values()) or 1
        partitions = max(1, min(len(requests), 2 * threads))
    size = -(-len(requests) // partitions)
    parts = [requests[i:i + size] for i in range(0, len(requests), size)]
    futures = [client.submit(evaluate_partition, part, as_of, rules, full, pure=False) for part in parts]
    index = {f.key: i for i, f in enumerate(futures)}
    results: list[list[tuple] | None] = [None] * len(parts)
    for fut in as_completed(futures):
        worker_version, answers = fut.result()
        if worker_version != version:
            raise ClusterError(f"a Dask worker runs corpus {worker_version}, this machine {version}: "
                               "install the same cooprules and rules on every worker")
        results[index[fut.key]] = answers
        if progress:
            progress(len(answers))
    return [a for part in results for a in part]  # type: ignore[union-attr]


def dask_evaluator(client, version: str, rules: str | None = None) -> Callable:
    """An ``evaluate(units, as_of, progress)`` for :func:`cooprules.analysis.matrix.run_matrix`
    that runs on the cluster behind ``client``."""

    def evaluate(units, as_of, progress=None):
        return evaluate_on_dask(client, [u.request for u in units], as_of, version, rules, progress=progress)

    return evaluate
