"""The matrix (every jurisdiction × scenarios): exact against direct evaluation, and the
same on a local Dask cluster (loopback, in-process workers) as on one machine."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from cooprules.analysis.matrix import COLUMNS, law_key, matrix_jurisdictions, run_matrix
from cooprules.analysis.standard import load_scenarios
from cooprules.cli import app

FIXTURES = Path(__file__).parent / "fixtures"
DAY = dt.date(2026, 1, 15)
runner = CliRunner()


@pytest.fixture(scope="module")
def scenarios():
    return load_scenarios()


@pytest.fixture(scope="module")
def matrix(engine, scenarios):
    return run_matrix(engine, scenarios, DAY)


def test_matrix_covers_every_county_and_encoded_government(engine, scenarios, matrix):
    jurisdictions = matrix_jurisdictions(engine)
    counties = set(engine.registry.ids(["county", "parish", "borough", "census_area", "municipio"]))
    assert counties <= set(jurisdictions)
    assert {j for j in engine.corpus.folders if j.count("/") >= 3} <= set(jurisdictions)
    assert matrix.columns == COLUMNS
    assert matrix.height == len(jurisdictions) * len(scenarios)
    assert matrix.select("jurisdiction", "scenario").n_unique() == matrix.height
    assert matrix["outcome"].null_count() == 0 and "invalid" not in set(matrix["outcome"])


def test_matrix_equals_direct_evaluation(engine, scenarios, matrix):
    by_id = {s.id: s for s in scenarios}
    rows = matrix.to_dicts()
    rng = random.Random(5)
    sample = rng.sample(rows, 300) + [r for r in rows if r["jurisdiction"].endswith(("county:san_diego", "place:los_angeles"))]
    for r in sample:
        d = engine.evaluate(by_id[r["scenario"]].request_for(r["jurisdiction"], r["entity"]), DAY)
        assert (r["outcome"], r["citations"]) == (d.outcome.value, ";".join(c.id for c in d.citations)), r


def test_matrix_asks_the_body_that_runs_the_jail_and_includes_dc(engine, scenarios, matrix):
    """Jail questions go to the jail's operator (King County's Department of Adult and
    Juvenile Detention, DC's Department of Corrections), elsewhere to the sheriff, who
    runs the jail; DC is a row of the matrix."""
    hold = next(s for s in scenarios if s.action == "detainer_hold" and s.entity == "sheriff")
    rows = {r["jurisdiction"]: r for r in matrix.filter(pl.col("scenario") == hold.id).to_dicts()}
    assert rows["ocd-division/country:us/district:dc"]["entity"] == "jail"
    assert rows["ocd-division/country:us/district:dc"]["outcome"] == "prohibited"
    assert rows["ocd-division/country:us/state:wa/county:king"]["entity"] == "jail"
    assert rows["ocd-division/country:us/state:fl/county:miami-dade"]["entity"] == "jail"
    assert rows["ocd-division/country:us/state:ca/county:san_diego"]["entity"] == "sheriff"
    assert rows["ocd-division/country:us/state:hi/county:honolulu"]["entity"] == "jail"


def test_law_key_groups_counties_without_their_own_law(engine):
    with_law = {cp.provision.jurisdiction for cp in engine.corpus.provisions.values()}
    bare = sorted(j for j in engine.registry.ids("county") if j.startswith("ocd-division/country:us/state:ks/")
                  and j not in with_law)
    assert law_key(engine, bare[0]) == law_key(engine, bare[1])
    assert law_key(engine, "ocd-division/country:us/state:ca/county:san_diego") != law_key(engine, bare[0])


def test_matrix_on_a_local_dask_cluster_matches(engine, scenarios):
    distributed = pytest.importorskip("distributed")
    from cooprules.analysis.dask_runner import dask_evaluator

    jurisdictions = sorted(engine.registry.ids("county"))[::7] + ["ocd-division/country:us/state:ca/county:san_diego"]
    chosen = scenarios[::3]
    local = run_matrix(engine, chosen, DAY, jurisdictions)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, protocol="tcp", host="127.0.0.1",
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        remote = run_matrix(engine, chosen, DAY, jurisdictions, evaluate=dask_evaluator(client, engine.corpus.version))
    assert remote.equals(local)


def test_cli_matrix_writes_parquet_and_rejects_bad_options(tmp_path):
    out = tmp_path / "m.parquet"
    res = runner.invoke(app, ["matrix", "--as-of", "2018-06-01", "--scenarios", str(FIXTURES / "scenarios-small.yaml"),
                              "--out", str(out)])
    assert res.exit_code == 0, res.output
    table = pl.read_parquet(out)
    assert table.columns == COLUMNS and table.height > 3 * 3000
    sd = table.filter(pl.col("jurisdiction").str.ends_with("county:san_diego"))
    assert dict(sd.select("scenario", "outcome").iter_rows())["notification-no-convictions"] == "prohibited"
    for args, message in [(["--engine", "spark"], "--engine: 'spark'"), (["--engine", "dask"], "--scheduler"),
                          (["--as-of", "2012-01-01"], "before 2014-01-01")]:
        res = runner.invoke(app, ["matrix", "--out", str(out), *args])
        assert res.exit_code == 2 and message in res.output, res.output
    res = runner.invoke(app, ["matrix", "--list-scenarios"])
    assert res.exit_code == 0 and "detainer-no-convictions" in res.output


def test_unreachable_scheduler_names_the_option():
    from cooprules.analysis.dask_runner import ClusterError, connect

    with pytest.raises(ClusterError, match="--scheduler: cannot reach the Dask scheduler at 'tcp://127.0.0.1:1'"):
        connect("tcp://127.0.0.1:1", timeout="1s")
