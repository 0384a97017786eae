"""Standard scenarios, diff, what-if, maps and evaluate-table (cooprules.analysis,
cooprules.maps), through the Python API and the CLI.

Assertions rest on stable facts of the corpus: California's Values Act (SB 54) took
effect 2018-01-01 and forbids a sheriff to share release dates (Gov. Code
§ 7284.6(a)(1)(C), ``ca-gov-7284.6-a1C``) or hold on a detainer (``ca-gov-7284.6-a1B``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from cooprules.analysis.dates import OptionError, parse_day
from cooprules.analysis.diff import diff
from cooprules.analysis.standard import ScenarioFileError, load_scenarios, select
from cooprules.analysis.table import COLUMNS, RESULT_COLUMNS, evaluate_table, flatten, row_to_request
from cooprules.analysis.whatif import DraftError, what_if
from cooprules.cli import app
from cooprules.errors import parse_request

FIXTURES = Path(__file__).parent / "fixtures"
SAN_DIEGO = "ocd-division/country:us/state:ca/county:san_diego"
runner = CliRunner()


@pytest.fixture(scope="module")
def scenarios():
    return load_scenarios()


# ---------------------------------------------------------------- standard scenarios

def test_standard_scenarios_are_many_unique_and_valid(scenarios):
    ids = [s.id for s in scenarios]
    assert len(ids) >= 100 and len(set(ids)) == len(ids)
    actions = {s.action for s in scenarios}
    assert {"detainer_hold", "release_notification", "custody_transfer", "information_sharing"} <= actions
    for s in scenarios:
        assert "jurisdiction" not in s.request.get("responder", {})
        parse_request(s.request_for(SAN_DIEGO))


def test_detainer_no_convictions_is_the_i247a_jail_case(scenarios):
    s = select(scenarios, ["detainer-no-convictions"])[0]
    req = s.request_for(SAN_DIEGO)
    assert (req["action"], req["instrument"], s.entity) == ("detainer_hold", "detainer_request", "sheriff")
    assert req["subject"]["convictions"] == [] and req["context"]["location"] == "jail"
    # as a user states it: no hidden defaults (the 287(g) agreement comes from ICE's list, else is presumed none)
    assert req["responder"] == {"jurisdiction": SAN_DIEGO, "entity": "sheriff"} and "attachments" not in req
    # the entity follows the jurisdiction's kind unless overridden
    assert s.request_for("ocd-division/country:us/state:ca/place:los_angeles", kind="place")["responder"]["entity"] == "police"
    assert s.request_for(SAN_DIEGO, entity="jail")["responder"]["entity"] == "jail"


def test_unknown_scenario_id_names_the_option_and_suggests(scenarios):
    with pytest.raises(ScenarioFileError, match=r"--scenario: unknown scenario id 'detainer-no-conviction'.*did you mean 'detainer-no-convictions'"):
        select(scenarios, ["detainer-no-conviction"])


def test_bad_scenario_file(tmp_path):
    bad = tmp_path / "s.yaml"
    bad.write_text("scenarios:\n  - id: x\n    entity: sherif\n    request: {action: detainer_hold, instrument: detainer_request, requester: ice_ero}\n")
    with pytest.raises(ScenarioFileError, match="did you mean 'sheriff'"):
        load_scenarios(bad)
    with pytest.raises(ScenarioFileError, match="cannot read"):
        load_scenarios(tmp_path / "missing.yaml")


def test_dates():
    assert parse_day("2018-06-01", "--to") == dt.date(2018, 6, 1)
    with pytest.raises(OptionError, match="--from: '2018-13-01' is not a date"):
        parse_day("2018-13-01", "--from")
    with pytest.raises(OptionError, match="before 2014-01-01"):
        parse_day("2013-12-31", "--as-of")


# ---------------------------------------------------------------- diff

def test_diff_san_diego_sheriff_shows_sb54(engine, scenarios):
    changes = {c.scenario: c for c in diff(engine, SAN_DIEGO, scenarios, dt.date(2017, 6, 1), dt.date(2018, 6, 1), "sheriff")}
    release = changes["release-date-no-convictions"]
    assert (release.before, release.after) == ("permitted", "prohibited")
    assert "ca-gov-7284.6-a1C" in release.cites_after
    assert any(pid == "ca-gov-7284.6-a1C" and fr == "2018-01-01" for pid, _, fr, _ in release.changed_by)
    hold = changes["detainer-no-convictions"]  # prohibited under the TRUST Act and SB 54: other grounds
    assert not hold.outcome_changed and "ca-gov-7284.6-a1B" in hold.cites_after
    assert "ca-gov-7284.6-a1B" not in hold.cites_before


def test_diff_same_date_is_empty(engine, scenarios):
    assert diff(engine, SAN_DIEGO, scenarios[:10], dt.date(2020, 1, 1), dt.date(2020, 1, 1)) == []


def test_cli_diff(engine):
    res = runner.invoke(app, ["diff", "-j", SAN_DIEGO, "-e", "sheriff", "--from", "2017-06-01", "--to", "2018-06-01"])
    assert res.exit_code == 0, res.output
    assert "release-date-no-convictions: permitted → prohibited" in res.output
    assert "§ 7284.6(a)(1)(C)" in res.output and "in force 2018-01-01" in res.output


@pytest.mark.parametrize("args, message", [
    (["--from", "2017-99-01", "--to", "2018-06-01"], "--from: '2017-99-01' is not a date"),
    (["--from", "2010-01-01", "--to", "2018-06-01"], "before 2014-01-01"),
    (["--from", "2017-06-01", "--to", "2018-06-01", "--scenario", "nope"], "--scenario: unknown scenario id 'nope'"),
])
def test_cli_diff_bad_input(args, message):
    res = runner.invoke(app, ["diff", "-j", SAN_DIEGO, *args])
    assert res.exit_code == 2
    assert message in res.output
    assert "Traceback" not in res.output


def test_cli_diff_unknown_jurisdiction():
    res = runner.invoke(app, ["diff", "-j", "ocd-division/country:us/state:ca/county:san_deigo", "--from", "2017-06-01",
                              "--to", "2018-06-01"])
    assert res.exit_code == 2 and "responder.jurisdiction" in res.output and "county:san_diego" in res.output


# ---------------------------------------------------------------- what-if

def test_whatif_city_draft_reports_changes(engine, scenarios):
    result = what_if(engine, scenarios, str(FIXTURES / "draft-san-diego-ordinance.yaml"), as_of=dt.date(2026, 6, 1))
    assert result.jurisdictions == ["ocd-division/country:us/state:ca/place:san_diego"]
    assert result.added == ["sdcity-draft-1", "sdcity-draft-2"]
    moved = result.changes.filter(pl.col("before") != pl.col("after"))
    assert moved.height >= 1
    assert set(moved["after"]) == {"prohibited"}
    assert all("sdcity-draft-1" in c for c in moved["citations_after"])
    assert all("sdcity-draft" in c for c in result.changes["citations_after"])  # nothing else moved
    assert sum(result.counts.values()) == result.changes.height
    assert not (Path(engine.corpus.root) / "us/ca/place-san_diego").exists()  # rules/ untouched


def test_whatif_invalid_draft_gets_lint_messages(engine, scenarios):
    with pytest.raises(DraftError) as info:
        what_if(engine, scenarios[:3], str(FIXTURES / "draft-invalid.yaml"))
    text = "\n".join(info.value.findings)
    assert "detainer_hld" in text and "did you mean 'detainer_hold'" in text


EXAMPLE_DRAFT = Path(__file__).parents[1] / "src" / "cooprules" / "examples" / "draft-ordinance.yaml"


def test_whatif_shipped_example_draft_runs_with_its_own_prefix(engine, scenarios):
    """The README's example: a city with no folder yet, whose draft sets id_prefix: sdcity."""
    chosen = select(scenarios, ["notification-serious-felony", "info-custody-status-no-convictions",
                                "detainer-no-convictions"])
    result = what_if(engine, chosen, str(EXAMPLE_DRAFT), as_of=dt.date(2026, 6, 1))
    assert result.added == ["sdcity-draft-1", "sdcity-draft-2", "sdcity-draft-3"]
    assert result.jurisdictions == ["ocd-division/country:us/state:ca/place:san_diego"]
    moved = {r["scenario"]: (r["before"], r["after"], r["citations_after"])
             for r in result.changes.iter_rows(named=True) if r["before"] != r["after"]}
    assert moved["notification-serious-felony"][:2] == ("permitted", "prohibited")
    assert "sdcity-draft-2" in moved["notification-serious-felony"][2]
    assert "detainer-no-convictions" not in moved  # already prohibited by state law


def _draft_for_los_angeles(tmp_path, prefix_line: str, pid: str) -> str:
    text = EXAMPLE_DRAFT.read_text().replace("ocd-division/country:us/state:ca/place:san_diego",
                                             "ocd-division/country:us/state:ca/place:los_angeles")
    text = text.replace("id_prefix: sdcity\n", prefix_line).replace("sdcity-draft-1", pid)
    text = text.replace("sdcity-draft-2", pid + "b").replace("sdcity-draft-3", pid + "c")
    path = tmp_path / "la-draft.yaml"
    path.write_text(text)
    return str(path)


def test_whatif_draft_for_a_lawmaker_with_a_folder_uses_its_prefix(engine, scenarios, tmp_path):
    """Los Angeles has a folder (id_prefix lacity): the draft's own id_prefix cannot replace it,
    and the error says which prefix is required and why; with it, the draft runs."""
    chosen = select(scenarios, ["info-custody-status-no-convictions"])
    with pytest.raises(DraftError) as exc:
        what_if(engine, chosen, _draft_for_los_angeles(tmp_path, "id_prefix: la\n", "la-draft-1"))
    msg = str(exc.value)
    assert "id_prefix: 'la' cannot be used" in msg and "whose id_prefix is 'lacity'" in msg
    assert "rules/us/ca/place-los_angeles" in msg and "'id_prefix: lacity'" in msg
    with pytest.raises(DraftError, match=r"provision id 'la-draft-1', 'la-draft-1b', 'la-draft-1c' must start with "
                                         r"'lacity-': the id_prefix of .*place:los_angeles's folder"):
        what_if(engine, chosen, _draft_for_los_angeles(tmp_path, "", "la-draft-1"))
    result = what_if(engine, chosen, _draft_for_los_angeles(tmp_path, "", "lacity-draft-1"), as_of=dt.date(2026, 6, 1))
    assert result.added == ["lacity-draft-1", "lacity-draft-1b", "lacity-draft-1c"]


def test_whatif_new_lawmaker_ids_must_carry_the_drafts_prefix(engine, scenarios, tmp_path):
    path = tmp_path / "d.yaml"
    path.write_text(EXAMPLE_DRAFT.read_text().replace("id: sdcity-draft-2", "id: sandiego-draft-2"))
    with pytest.raises(DraftError, match=r"provision id 'sandiego-draft-2' must start with 'sdcity-': the draft's "
                                         r"id_prefix \(ocd-division/country:us/state:ca/place:san_diego has no folder"):
        what_if(engine, scenarios[:1], str(path))


def test_whatif_remove_a_state_provision(engine, scenarios):
    chosen = select(scenarios, ["release-date-no-convictions", "detainer-no-convictions"])
    result = what_if(engine, chosen, remove=["ca-gov-7284.6-a1C"], as_of=dt.date(2026, 6, 1))
    assert SAN_DIEGO in result.jurisdictions and len(result.jurisdictions) >= 58  # every California county
    assert all(j.startswith("ocd-division/country:us/state:ca") for j in result.jurisdictions)
    changed = result.changes.filter(pl.col("jurisdiction") == SAN_DIEGO)
    assert changed["scenario"].to_list() == ["release-date-no-convictions"]
    assert "ca-gov-7284.6-a1C" not in changed["citations_after"][0]


def test_whatif_remove_unknown_id(engine, scenarios):
    with pytest.raises(DraftError, match="--remove: no provision 'ca-gov-7284.6-a1Z'"):
        what_if(engine, scenarios[:3], remove=["ca-gov-7284.6-a1Z"])


def test_cli_whatif(tmp_path):
    out = tmp_path / "changes.csv"
    res = runner.invoke(app, ["whatif", "--add", str(FIXTURES / "draft-san-diego-ordinance.yaml"), "--as-of", "2026-06-01",
                              "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "change outcome" in res.output and "permitted → prohibited" in res.output
    assert pl.read_csv(out).height >= 1
    res = runner.invoke(app, ["whatif", "--add", str(FIXTURES / "draft-invalid.yaml")])
    assert res.exit_code == 2 and "does not pass lint" in res.output


# ---------------------------------------------------------------- maps

def test_map_differs_where_the_law_changed(engine, scenarios, tmp_path):
    from cooprules.maps import build_map, draw

    s = select(scenarios, ["detainer-no-convictions"])[0]
    now = build_map(engine, s, dt.date(2026, 11, 29))
    then = build_map(engine, s, dt.date(2016, 6, 1))
    changed = {f for f in now.values if now.values[f] != then.values.get(f)}
    assert changed and len(now.values) > 3000
    assert then.values["06073"] == "prohibited"  # San Diego: TRUST Act in 2016 already
    draw(now, str(tmp_path / "m.png"))
    draw(now, str(tmp_path / "m.html"))
    assert (tmp_path / "m.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    page = (tmp_path / "m.html").read_text()
    assert "<svg" in page and "detainer-no-convictions" in page and "San Diego" in page and "<script" not in page


def test_map_says_the_paper_and_what_was_presumed(engine, scenarios, tmp_path):
    """An I-247A alone is a different question from an I-247A with an I-200: the map
    says which it drew, what it presumed, and what another paper would change."""
    from cooprules.maps import build_map, draw

    day = dt.date(2026, 11, 29)
    alone = build_map(engine, select(scenarios, ["detainer-no-convictions"])[0], day)
    i200 = build_map(engine, select(scenarios, ["detainer-i200-no-convictions"])[0], day)
    assert "Form I-247A) alone, nothing attached (presumed)" in alone.title
    assert alone.paper in alone.title and "presumed" not in i200.paper
    assert i200.paper == "a detainer request (Form I-247A) with an administrative arrest warrant (Form I-200)"
    assert "nothing else came with the paper" in alone.presumed
    # Polk County, Florida and Polk County, Iowa: permitted on the I-247A alone, required with an I-200,
    # and the map of the I-247A alone says so
    for fips in ("12105", "19153"):
        assert (alone.values[fips], i200.values[fips]) == ("permitted", "required"), fips
    assert "administrative arrest warrant (Form I-200)" in alone.changes and ": required in " in alone.changes
    draw(alone, str(tmp_path / "m.html"))
    page = (tmp_path / "m.html").read_text()
    assert "Outcome on a detainer request (Form I-247A) alone, nothing attached (presumed)" in page
    assert "nothing else came with the paper" in page


def test_list_scenarios_says_each_paper(scenarios):
    res = runner.invoke(app, ["matrix", "--list-scenarios"])
    assert res.exit_code == 0
    lines = res.output.splitlines()
    assert len(lines) == len(scenarios) and [ln.split()[0] for ln in lines] == [s.id for s in scenarios]
    by_id = {ln.split()[0]: ln for ln in lines}
    assert "Form I-247A) alone, nothing attached (presumed)" in by_id["detainer-no-convictions"]
    assert "with an administrative arrest warrant (Form I-200)" in by_id["detainer-i200-no-convictions"]


def test_cli_map_state_level_and_bad_options(tmp_path):
    res = runner.invoke(app, ["map", "--scenario", "detainer-no-convictions", "--level", "state", "--as-of", "2018-06-01",
                              "--out", str(tmp_path / "s.png")])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "s.png").stat().st_size > 10_000
    res = runner.invoke(app, ["map", "--scenario", "detainer-no-convictions", "--level", "city", "--out", str(tmp_path / "x.png")])
    assert res.exit_code == 2 and "--level: 'city'" in res.output
    res = runner.invoke(app, ["map", "--scenario", "detainer-no-convictions", "--out", str(tmp_path / "x.pdf")])
    assert res.exit_code == 2 and "--out" in res.output


# ---------------------------------------------------------------- evaluate-table

def test_flat_rows_round_trip(engine):
    from cooprules.analysis.sampling import random_requests

    for req in random_requests(engine, 200, seed=3):
        assert parse_request(row_to_request(flatten(req))) == parse_request(req)


def test_evaluate_table_csv_with_a_bad_row(engine, tmp_path):
    s = load_scenarios(FIXTURES / "scenarios-small.yaml")
    rows = [flatten(x.request_for(SAN_DIEGO)) for x in s] * 3
    bad = dict(rows[0], action="detainer_hld")
    src = tmp_path / "in.csv"
    pl.DataFrame(rows + [bad], schema={c: pl.String for c in COLUMNS}).write_csv(src)
    res = runner.invoke(app, ["evaluate-table", str(src), "--out", str(tmp_path / "out.parquet"), "--as-of", "2025-06-01"])
    assert res.exit_code == 1, res.output  # one invalid row
    out = pl.read_parquet(tmp_path / "out.parquet")
    assert out.height == 10 and out.columns[-7:] == RESULT_COLUMNS
    direct = [engine.evaluate(x.request_for(SAN_DIEGO), dt.date(2025, 6, 1)) for x in s]
    assert out["outcome"].to_list()[:9] == [d.outcome.value for d in direct] * 3
    assert out["citations"].to_list()[:3] == [";".join(c.id for c in d.citations) for d in direct]
    assert out["outcome"][0] == "prohibited" and "ca-gov-7284.6-a1B" in out["citations"][0]
    assert out["unless"].to_list()[:3] == [[u.model_dump(mode="json") for u in d.unless] for d in direct]
    assert any("judicial_warrant" in u["values"] and "judicial warrant" in u["text"] for u in out["unless"].to_list()[0])
    assert "did you mean 'detainer_hold'" in out["error"][9] and out["outcome"][9] is None


def test_evaluate_table_bad_columns(engine, tmp_path):
    from cooprules.analysis.table import TableError

    src = tmp_path / "in.csv"
    pl.DataFrame({"responder.jurisdicton": ["x"]}).write_csv(src)
    with pytest.raises(TableError, match="did you mean 'responder.jurisdiction'"):
        evaluate_table(engine, str(src), None)
    res = runner.invoke(app, ["evaluate-table", str(tmp_path / "none.parquet"), "--out", str(tmp_path / "o.csv")])
    assert res.exit_code == 2 and "IN: cannot read" in res.output


def test_evaluate_table_takes_every_subject_and_context_fact_of_the_vocabulary():
    from cooprules.vocabulary import Context, Subject

    facts = {f"subject.{n}" for n in Subject.model_fields} | {f"context.{n}" for n in Context.model_fields}
    assert facts <= set(COLUMNS)
    doc = (Path(__file__).parents[1] / "docs" / "analysis.md").read_text()
    table = doc[doc.index("## `cooprules evaluate-table`"):doc.index("The output is the input rows")]
    assert all(f"`{c}`" in table for c in facts), sorted(c for c in facts if f"`{c}`" not in table)


def test_evaluate_table_proof_of_status_column_turns_the_texas_answer(engine, tmp_path):
    # Tex. Code Crim. Proc. art. 2.251(b): the detainer duty does not apply to a person who
    # shows proof of lawful status; the same rows through JSON evaluate give the same answers
    base = {"responder": {"jurisdiction": "ocd-division/country:us/state:tx/county:lubbock", "entity": "jail"},
            "requester": "ice_ero", "action": "detainer_hold", "instrument": "detainer_request",
            "context": {"date": "2024-06-01", "hours_held_past_release": 0}}
    requests = [{**base, "subject": {"role": "in_custody", "proof_of_status_shown": shown}} for shown in (True, False)]
    src = tmp_path / "in.csv"
    pl.DataFrame([flatten(r) for r in requests], schema={c: pl.String for c in COLUMNS}).write_csv(src)
    assert "subject.proof_of_status_shown" in src.read_text().splitlines()[0]
    res = runner.invoke(app, ["evaluate-table", str(src), "--out", str(tmp_path / "out.csv")])
    assert res.exit_code == 0, res.output
    out = pl.read_csv(tmp_path / "out.csv")
    direct = [engine.evaluate(r) for r in requests]
    assert out["outcome"].to_list() == [d.outcome.value for d in direct]
    assert out["outcome"][0] == "permitted" and "tx-ccp-2.251-b" in out["citations"][0]
    assert out["outcome"][1] != "permitted"
