"""Every state, every session (issue 11 item 3): ``sessions_checked`` in state folders,
its schema and its lint."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from cooprules.corpus.lint import REQUIRED_SESSIONS, STATES_AND_DC, check_sessions_checked
from cooprules.corpus.loader import default_rules_path, read_tree
from cooprules.corpus.schema import JurisdictionFolder

TX = "ocd-division/country:us/state:tx"


def _folder(sessions):
    return JurisdictionFolder.model_validate({"ocd_id": TX, "name": "Texas", "id_prefix": "tx",
                                              "sessions_checked": sessions})


def _entry(year, on="2026-12-05"):
    return {"session": year, "on": on, "searched": "legislature bill search, stored reports", "found": "none found"}


def test_shipped_state_folders_list_2024_to_2026_with_what_was_searched():
    _provs, folders, _paths, _docs, _v, errors = read_tree(default_rules_path())
    assert not errors
    states = {k: f for k, f in folders.items() if STATES_AND_DC.match(k)}
    assert len(states) == 51
    for ocd_id, folder in states.items():
        listed = {s.session for s in folder.sessions_checked}
        assert set(REQUIRED_SESSIONS) <= listed, ocd_id
        for s in folder.sessions_checked:
            assert len(s.searched) >= 10 and s.found, (ocd_id, s.session)


def test_lint_names_the_missing_sessions():
    folders = {TX: _folder([_entry(2024)])}
    found = check_sessions_checked(folders, {TX: "us/tx"})
    assert len(found) == 1 and found[0].field == "sessions_checked"
    assert "2025, 2026" in found[0].message and found[0].file == "us/tx/_jurisdiction.yaml"


def test_lint_duplicate_and_future_checks():
    folders = {TX: _folder([_entry(2024), _entry(2024), _entry(2025), _entry(2026, on="2027-01-02")])}
    found = check_sessions_checked(folders, {TX: "us/tx"}, today=dt.date(2026, 12, 5))
    fields = sorted(f.field for f in found)
    assert fields == ["sessions_checked[1].session", "sessions_checked[3].on"], found


def test_local_folders_need_no_sessions():
    county = TX + "/county:harris"
    folders = {county: JurisdictionFolder.model_validate({"ocd_id": county, "name": "Harris County", "id_prefix": "harris"})}
    assert check_sessions_checked(folders, {county: "us/tx/county-harris"}) == []


@pytest.mark.parametrize("bad", [{"session": 1800}, {"searched": "x"}, {"found": ""}, {"extra": 1}])
def test_schema_rejects_bad_entries(bad):
    with pytest.raises(ValidationError):
        _folder([{**_entry(2025), **bad}])


def test_coverage_cli_lists_sessions():
    from typer.testing import CliRunner

    from cooprules.cli import app

    result = CliRunner().invoke(app, ["coverage", "--sessions"], env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    assert "Legislative sessions checked" in result.output
    line = next(l for l in result.output.splitlines() if "state:tx  2025:" in l)
    assert "checked 2026-12-05" in line and "SB 8" in line
