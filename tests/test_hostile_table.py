"""Issue 10's findings against ``cooprules evaluate-table``, each as the repro that
failed before the fix: an all-null optional column as Polars writes it, a column named
twice, a header-only CSV or empty Parquet that wrote nothing, and one exit code for a
crash and for "some rows invalid"."""

from __future__ import annotations

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from cooprules.analysis.table import RESULT_COLUMNS
from cooprules.cli import app

runner = CliRunner()
ROW = {"responder.jurisdiction": "ocd-division/country:us/state:ca/county:san_diego", "responder.entity": "sheriff",
       "requester": "ice_ero", "action": "detainer_hold", "instrument": "detainer_request"}


def _run(src, out):
    return runner.invoke(app, ["evaluate-table", str(src), "--out", str(out), "--as-of", "2026-01-01"])


@pytest.mark.parametrize("ext", ["parquet", "csv"])
def test_all_null_optional_column_as_polars_writes_it(tmp_path, ext):
    src = tmp_path / "in.parquet"
    frame = pl.DataFrame({**{k: [v] * 3 for k, v in ROW.items()}, "subject.minor": [None] * 3})
    assert frame.schema["subject.minor"] == pl.Null
    frame.write_parquet(src)
    out = tmp_path / f"out.{ext}"
    res = _run(src, out)
    assert res.exit_code == 0, res.output
    got = pl.read_parquet(out) if ext == "parquet" else pl.read_csv(out)
    assert got.height == 3 and got["error"].null_count() == 3
    assert got["outcome"].null_count() == 0 and "subject.minor" in got.columns


@pytest.mark.parametrize("ext", ["parquet", "csv"])
def test_column_named_twice_is_a_precise_error(tmp_path, ext):
    src = tmp_path / f"in.{ext}"
    names = list(ROW) + ["requester"]
    if ext == "parquet":
        pq.write_table(pa.table([pa.array([v]) for v in ROW.values()] + [pa.array(["ice_ero"])], names=names), src)
    else:
        src.write_text(",".join(names) + "\n" + ",".join(ROW.values()) + ",ice_ero\n")
    out = tmp_path / "out.parquet"
    res = _run(src, out)
    assert res.exit_code == 2, res.output
    assert "'requester' (2 times)" in res.output and "Traceback" not in res.output
    assert not out.exists() and not (tmp_path / "out.parquet.partial").exists()


@pytest.mark.parametrize("ext", ["parquet", "csv"])
@pytest.mark.parametrize("kind", ["header-only csv", "empty parquet"])
def test_no_rows_still_writes_the_output_with_its_schema(tmp_path, kind, ext):
    if kind == "header-only csv":
        src = tmp_path / "in.csv"
        src.write_text(",".join(ROW) + "\n")
    else:
        src = tmp_path / "in.parquet"
        pl.DataFrame({k: [v] for k, v in ROW.items()}).head(0).write_parquet(src)
    out = tmp_path / f"out.{ext}"
    res = _run(src, out)
    assert res.exit_code == 0, res.output
    assert out.exists()
    columns = pq.read_schema(out).names if ext == "parquet" else out.read_text().strip().split(",")
    assert columns == list(ROW) + RESULT_COLUMNS


def test_exit_codes_invalid_rows_1_could_not_run_2(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(",".join(ROW) + "\n" + ",".join(ROW.values()) + "\n" + ",".join(ROW.values()).replace("sheriff", "shériff") + "\n")
    res = _run(bad, tmp_path / "o.csv")
    assert res.exit_code == 1 and (tmp_path / "o.csv").exists()
    garbage = tmp_path / "garbage.parquet"
    garbage.write_bytes(b"PAR1" + b"\x00" * 100 + b"PAR1")
    res = _run(garbage, tmp_path / "o2.parquet")
    assert res.exit_code == 2 and "Traceback" not in res.output
    assert not (tmp_path / "o2.parquet").exists()
    nested = tmp_path / "nested.parquet"
    pq.write_table(pa.table({**{k: [v] for k, v in ROW.items()}, "subject.convictions": [[1, 2]]}), nested)
    res = _run(nested, tmp_path / "o3.parquet")
    assert res.exit_code == 2 and "subject.convictions" in res.output and "type" in res.output
