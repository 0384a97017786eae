"""Batch answers that researchers can join: ids echoed by ``evaluate``, fields chosen
with --fields/--brief, ``evaluate-table`` keeping the id column and writing presumed,
unless, depends_on and duties as nested columns; ``ask --brief``."""

from __future__ import annotations

import datetime as dt
import json

import polars as pl
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from cooprules.analysis.table import NESTED_TYPES, RESULT_COLUMNS
from cooprules.cli import app

runner = CliRunner()
DAY = "2026-01-01"
SAN_DIEGO = "ocd-division/country:us/state:ca/county:san_diego"
HARRIS = "ocd-division/country:us/state:tx/county:harris"


def _req(jurisdiction: str, **extra) -> dict:
    return {"responder": {"jurisdiction": jurisdiction, "entity": "jail"}, "requester": "ice_ero",
            "action": "detainer_hold", "instrument": "detainer_request", **extra}


def _lines(*objs) -> str:
    return "".join(json.dumps(o) + "\n" for o in objs)


def test_evaluate_echoes_ids_and_answers_as_without_them(engine):
    text = _lines({"id": "row-1", **_req(SAN_DIEGO)}, {"ref": 17, **_req(HARRIS)}, _req(HARRIS))
    res = runner.invoke(app, ["evaluate", "-", "--as-of", DAY], input=text)
    assert res.exit_code == 0, res.output
    out = [json.loads(x) for x in res.stdout.splitlines()]
    assert [list(o)[0] for o in out] == ["id", "ref", "outcome"]
    assert out[0]["id"] == "row-1" and out[1]["ref"] == 17 and "id" not in out[2]
    plain = engine.evaluate(_req(SAN_DIEGO), dt.date(2026, 1, 1))
    assert out[0]["outcome"] == plain.outcome.value
    assert [c["id"] for c in out[0]["citations"]] == [c.id for c in plain.citations]


@pytest.mark.parametrize("bad, why", [
    ("Jane Doe", "never a person's name"), ("x" * 65, "at most 64"), (-1, "whole number from 0"),
    (True, "text or a whole number"), ({"a": 1}, "text or a whole number"),
])
def test_a_bad_id_is_an_error_on_its_line_only(bad, why):
    text = _lines({"id": bad, **_req(HARRIS)}, {"id": "ok-2", **_req(HARRIS)})
    res = runner.invoke(app, ["evaluate", "-", "--as-of", DAY], input=text)
    assert res.exit_code == 1
    first, second = (json.loads(x) for x in res.stdout.splitlines())
    assert first["line"] == 1 and first["error"] == "invalid_request" and first["errors"][0]["field"] == "id"
    assert why in first["errors"][0]["message"] and "id" not in first
    assert second["id"] == "ok-2" and "outcome" in second


def test_id_and_ref_together_and_invalid_requests_keep_their_id():
    res = runner.invoke(app, ["evaluate", "-"], input=_lines({"id": "a", "ref": "b", **_req(HARRIS)},
                                                              {"id": "c", **_req(HARRIS, action="detainer_hld")}))
    both, invalid = (json.loads(x) for x in res.stdout.splitlines())
    assert "not both" in both["errors"][0]["message"]
    assert invalid["id"] == "c" and invalid["line"] == 2 and invalid["errors"][0]["field"] == "action"


def test_fields_and_brief_choose_what_is_printed():
    text = _lines({"id": "r1", **_req(SAN_DIEGO)})
    res = runner.invoke(app, ["evaluate", "-", "--fields", "outcome,unless"], input=text)
    assert res.exit_code == 0, res.output
    assert list(json.loads(res.stdout)) == ["id", "outcome", "unless"]
    res = runner.invoke(app, ["evaluate", "-", "--brief"], input=text)
    brief = json.loads(res.stdout)
    assert set(brief) == {"id", "outcome", "summary", "citations", "duties", "presumed", "unless", "depends_on"}
    assert "trace" not in brief
    full = runner.invoke(app, ["evaluate", "-"], input=text).stdout
    assert len(res.stdout) < len(full) / 2  # the trace is most of a full answer
    res = runner.invoke(app, ["evaluate", "-", "--fields", "outcome,citatons"], input=text)
    assert res.exit_code == 2 and "did you mean 'citations'" in res.output
    res = runner.invoke(app, ["evaluate", "-", "--fields", "outcome", "--brief"], input=text)
    assert res.exit_code == 2 and "not both" in res.output


@pytest.mark.parametrize("ext", ["parquet", "csv"])
def test_evaluate_table_keeps_ids_and_writes_the_new_columns(engine, tmp_path, ext):
    rows = [{"id": f"r{i}", "responder.jurisdiction": j, "responder.entity": "jail", "requester": "ice_ero",
             "action": "detainer_hold", "instrument": "detainer_request",
             "attachments": att} for i, (j, att) in enumerate(
                 [(SAN_DIEGO, None), (HARRIS, "administrative_warrant_arrest"), (SAN_DIEGO, None), (HARRIS, None)])]
    rows.append(dict(rows[0], id="Jane Doe"))
    src = tmp_path / "in.parquet"
    pl.DataFrame(rows, schema={k: pl.String for k in rows[0]}).write_parquet(src)
    out = tmp_path / f"out.{ext}"
    res = runner.invoke(app, ["evaluate-table", str(src), "--out", str(out), "--as-of", DAY])
    assert res.exit_code == 1, res.output  # the row with a person's name as id
    got = pl.read_parquet(out) if ext == "parquet" else pl.read_csv(out, infer_schema=False)
    assert got.columns == list(rows[0]) + RESULT_COLUMNS
    assert got["id"].to_list() == ["r0", "r1", "r2", "r3", "Jane Doe"]
    assert got["outcome"][4] is None and "never a person's name" in got["error"][4]
    for i, row in enumerate(rows[:4]):
        req = {"responder": {"jurisdiction": row["responder.jurisdiction"], "entity": "jail"}, "requester": "ice_ero",
               "action": "detainer_hold", "instrument": "detainer_request",
               **({"attachments": [row["attachments"]]} if row["attachments"] else {})}
        d = engine.evaluate(req, dt.date(2026, 1, 1))
        assert got["outcome"][i] == d.outcome.value and got["error"][i] is None
        nested = {"presumed": [p.model_dump(mode="json") for p in d.presumed],
                  "unless": [u.model_dump(mode="json") for u in d.unless],
                  "depends_on": [m.model_dump(mode="json") for m in d.depends_on],
                  "duties": [x.model_dump(mode="json") for x in d.duties]}
        for name, want in nested.items():
            value = got[name][i]
            value = json.loads(value) if ext == "csv" else (value.to_list() if value is not None else None)
            assert value == want, name
    assert got["duties"][0] is not None
    if ext == "parquet":
        import pyarrow as pa

        unless = pq.read_schema(out).field("unless").type
        assert pa.types.is_large_list(unless) and pa.types.is_struct(unless.value_type)
        assert [f.name for f in unless.value_type] == ["fact", "values", "text", "outcome", "citations"]
        assert got.schema["depends_on"] == NESTED_TYPES["depends_on"]


def test_evaluate_table_refuses_id_and_ref_together(tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("id,ref,responder.jurisdiction,responder.entity,requester,action,instrument\n"
                   f"a,b,{HARRIS},jail,ice_ero,detainer_hold,detainer_request\n")
    res = runner.invoke(app, ["evaluate-table", str(src), "--out", str(tmp_path / "o.csv")])
    assert res.exit_code == 2 and "'id' and 'ref' both" in res.output


def test_ask_brief_prints_what_to_do_its_exceptions_and_citations(engine):
    args = ["ask", "-j", SAN_DIEGO, "-e", "jail", "-a", "detainer_hold", "-i", "detainer_request", "--date", DAY]
    full = runner.invoke(app, args)
    res = runner.invoke(app, args + ["--brief"])
    assert res.exit_code == 0, res.output
    d = engine.evaluate({**_req(SAN_DIEGO), "context": {"date": DAY}})
    assert res.stdout.splitlines()[0].startswith(d.outcome.value.upper())
    for c in d.citations:
        assert c.id in res.stdout
    from cooprules.engine.explain import unless_text

    assert d.unless  # San Diego, nothing else said: unless a judicial warrant came
    for u in d.unless:
        assert res.stdout.count(unless_text(u)) == 1 and f"unless → {u.outcome.value}" in res.stdout
    assert "Layer by layer" in full.stdout and "Layer by layer" not in res.stdout and "Duties" not in res.stdout
    res = runner.invoke(app, args + ["--brief", "--json"])
    assert set(json.loads(res.stdout)) == {"outcome", "summary", "unless", "citations"}
