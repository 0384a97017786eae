"""Single-request, batch, table (Polars) and Dask evaluation give identical decisions on
100,000 random requests; and ``as_of`` before a law's start gives the old answer.

The 100,000 rows are drawn (with repeats) from a pool of 2,500 distinct random requests,
so that the test stays within seconds on two cores: every path must still answer all
100,000 rows, and the dedupe each path does is what is being checked.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import random

import polars as pl
import pytest

from cooprules import Engine
from cooprules.analysis.sampling import random_requests
from cooprules.analysis.standard import load_scenarios, select
from cooprules.analysis.table import COLUMNS, evaluate_table, flatten
from cooprules.vocabulary import Decision

ROWS, POOL = 100_000, 2_500
DAY = dt.date(2026, 3, 1)
SAN_DIEGO = "ocd-division/country:us/state:ca/county:san_diego"
LOS_ANGELES = "ocd-division/country:us/state:ca/place:los_angeles"


@pytest.fixture(scope="module")
def rows(engine):
    pool = random_requests(engine, POOL, seed=11)
    rng = random.Random(12)
    return pool, [rng.randrange(POOL) for _ in range(ROWS)]


@pytest.fixture(scope="module")
def single(engine, rows):
    """The single-request path, with a fresh engine (its own cache)."""
    pool, index = rows
    fresh = Engine(corpus=engine.corpus, registry=engine.registry, agreements=engine.agreements)
    with _no_gc():
        return [fresh.evaluate(pool[i], DAY) for i in index]


@contextlib.contextmanager
def _no_gc():
    """Hundreds of thousands of live models make each full collection slow; the paths
    under test create no cycles worth collecting."""
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _summary(d: Decision) -> tuple[str, str]:
    return d.outcome.value, ";".join(c.id for c in d.citations)


def test_batch_equals_single(engine, rows, single):
    pool, index = rows
    with _no_gc():
        batch = engine.evaluate_many([pool[i] for i in index], as_of=DAY)
    assert len(batch) == ROWS
    assert all(isinstance(d, Decision) for d in batch)
    assert batch == single  # whole decisions: outcome, citations, duties, trace, missing facts
    assert len({d.outcome for d in batch}) >= 3


def test_table_and_dask_equal_single(engine, rows, single, tmp_path):
    distributed = pytest.importorskip("distributed")
    from cooprules.analysis.dask_runner import evaluate_on_dask

    pool, index = rows
    flat = pl.DataFrame([flatten(r) for r in pool], schema={c: pl.String for c in COLUMNS})
    src = tmp_path / "requests.parquet"
    flat[index].write_parquet(src)
    expected = [_summary(d) for d in single]

    out = tmp_path / "local.parquet"
    stats = evaluate_table(engine, str(src), str(out), as_of=DAY, batch_rows=40_000)
    assert (stats.rows, stats.invalid) == (ROWS, 0) and stats.distinct <= POOL
    local = pl.read_parquet(out)
    assert list(zip(local["outcome"], local["citations"])) == expected

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, protocol="tcp", host="127.0.0.1",
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        out = tmp_path / "dask.parquet"
        evaluate_table(engine, str(src), str(out), as_of=DAY,
                       evaluate=lambda reqs: evaluate_on_dask(client, reqs, DAY, engine.corpus.version))
    remote = pl.read_parquet(out)
    assert list(zip(remote["outcome"], remote["citations"])) == expected

    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False, protocol="tcp", host="127.0.0.1",
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        out = tmp_path / "dask-full.parquet"
        evaluate_table(engine, str(src), str(out), as_of=DAY,
                       evaluate=lambda reqs: evaluate_on_dask(client, reqs, DAY, engine.corpus.version, full=True))
    assert pl.read_parquet(out).drop("presumed", "unless", "depends_on", "duties").equals(
        local.drop("presumed", "unless", "depends_on", "duties"))
    assert pl.read_parquet(out).select("presumed", "unless", "depends_on", "duties").equals(
        local.select("presumed", "unless", "depends_on", "duties"))


@pytest.mark.parametrize("jurisdiction, scenario, law, start, old, new", [
    # SB 54 (Values Act), 2018-01-01: release dates no longer shared for people without a listed conviction
    (SAN_DIEGO, "release-date-no-convictions", "ca-gov-7284.6-a1C", dt.date(2018, 1, 1), "permitted", "prohibited"),
    # SB 54: no transfers to ICE without a listed conviction or a judicial warrant
    (SAN_DIEGO, "transfer-no-convictions", "ca-gov-7284.6-a4", dt.date(2018, 1, 1), "permitted", "prohibited"),
])
def test_as_of_before_a_law_starts_gives_the_old_answer(engine, jurisdiction, scenario, law, start, old, new):
    s = select(load_scenarios(), [scenario])[0]
    before = engine.evaluate(s.request_for(jurisdiction), start - dt.timedelta(days=1))
    after = engine.evaluate(s.request_for(jurisdiction), start)
    assert (before.outcome.value, after.outcome.value) == (old, new)
    assert law in {c.id for c in after.citations} and law not in {c.id for c in before.citations}
    assert before.as_of == start - dt.timedelta(days=1)


def test_trust_act_2014_and_truth_act_2017(engine):
    s = select(load_scenarios(), ["detainer-no-convictions"])[0]
    d2014 = engine.evaluate(s.request_for(SAN_DIEGO), dt.date(2014, 1, 1))
    assert d2014.outcome.value == "prohibited" and any(c.id.startswith("ca-gov-7282.5") for c in d2014.citations)
    duties_2016 = {d.provision_id for d in engine.evaluate(s.request_for(SAN_DIEGO), dt.date(2016, 12, 31)).duties}
    duties_2017 = {d.provision_id for d in engine.evaluate(s.request_for(SAN_DIEGO), dt.date(2017, 1, 1)).duties}
    assert not any(p.startswith("ca-gov-7283.1") for p in duties_2016)
    assert any(p.startswith("ca-gov-7283.1") for p in duties_2017)  # TRUTH Act notice from 2017-01-01


def test_los_angeles_ordinance_of_late_2024(engine):
    start = min(cp.provision.effective_from for cp in engine.corpus.provisions.values()
                if cp.id.startswith("lacity-ord188441"))
    assert dt.date(2024, 9, 1) <= start <= dt.date(2024, 12, 31)
    from cooprules.analysis.diff import diff

    changes = diff(engine, LOS_ANGELES, load_scenarios(), start - dt.timedelta(days=1), start)
    assert changes and all(any(p.startswith("lacity-ord188441") for p, *_ in c.changed_by) for c in changes)
