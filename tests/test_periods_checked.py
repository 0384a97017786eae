"""Every encoded locality over time (issue 11 item 5): ``periods_checked`` in local
folders, its schema, its lint and what ``cooprules coverage --periods`` reports."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from cooprules.corpus.coverage import OVER_TIME_FROM, spans, years_unchecked
from cooprules.corpus.lint import check_periods_checked
from cooprules.corpus.schema import JurisdictionFolder

HARRIS = "ocd-division/country:us/state:tx/county:harris"


def _folder(periods):
    return JurisdictionFolder.model_validate({"ocd_id": HARRIS, "name": "Harris County", "id_prefix": "harris",
                                              "periods_checked": periods})


def _period(start, end=None, on="2026-12-06"):
    entry = {"from": start, "on": on, "searched": "commissioners court minutes, sheriff's policy manual",
             "found": "nothing in force beyond state law"}
    if end is not None:
        entry["to"] = end
    return entry


def test_years_left_unchecked_are_counted_from_2014():
    folder = _folder([_period(2014, 2016), _period(2019)])
    assert OVER_TIME_FROM == 2014
    assert years_unchecked(folder, dt.date(2026, 12, 6)) == [2017, 2018]
    assert years_unchecked(_folder([]), dt.date(2026, 12, 6)) == list(range(2014, 2027))
    assert years_unchecked(_folder([_period(2010)]), dt.date(2026, 12, 6)) == []


def test_spans_read_as_runs():
    assert spans([2019, 2014, 2015, 2016]) == "2014–2016, 2019"
    assert spans([]) == ""


def test_a_span_without_to_runs_to_the_year_of_its_check():
    period = _folder([_period(2024, on="2025-03-01")]).periods_checked[0]
    assert list(period.years()) == [2024, 2025]


def test_schema_names_the_field_of_a_bad_span():
    with pytest.raises(ValidationError, match="from 2020 is after to 2015"):
        _folder([_period(2020, 2015)])
    with pytest.raises(ValidationError, match="from"):
        _folder([{**_period(2014), "from": 1800}])
    with pytest.raises(ValidationError, match="extra"):
        _folder([{**_period(2014), "extra": 1}])


def test_lint_future_check_and_span_past_its_check():
    folders = {HARRIS: _folder([_period(2014, 2027, on="2026-12-06"), _period(2020, on="2027-01-02")])}
    found = check_periods_checked(folders, {HARRIS: "us/tx/county-harris"}, today=dt.date(2026, 12, 6))
    assert sorted(f.field for f in found) == ["periods_checked[0].to", "periods_checked[1].on"], found
    assert all(f.file == "us/tx/county-harris/_jurisdiction.yaml" for f in found)


def test_coverage_periods_lists_every_local_folder_and_what_is_unchecked():
    from cooprules.cli import app

    result = CliRunner().invoke(app, ["coverage", "--periods"], env={"COLUMNS": "300"})
    assert result.exit_code == 0, result.output
    part = result.output.split("Local policies over time")[1]
    assert "us/ca/place-los_angeles" in part
    assert "us/tx " not in part and "us/ca " not in part  # states are not local folders
    assert "local folders have every year since 2014 checked" in part
    assert "us/ca/place-los_angeles  every year checked" in part  # recorded 2012-2026 from its own sources


def test_an_answer_for_an_unchecked_year_says_so(engine, monkeypatch):
    """A year whose local policies nobody checked is visible in the answer, as a place
    nobody encoded is. Every local folder now records every year, so the gap is made
    here: Westchester County's record without the spans that cover 2020 gives a 2020
    answer the note, while 2016 (still covered) and Los Angeles city (every year
    covered) carry none."""
    from cooprules.engine.explain import supplied_text

    def ask(jurisdiction, entity, day):
        return engine.evaluate({"responder": {"jurisdiction": jurisdiction, "entity": entity}, "requester": "ice_ero",
                                "action": "detainer_hold", "instrument": "detainer_request",
                                "context": {"date": day}})

    ocd = "ocd-division/country:us/state:ny/county:westchester"
    folder = engine.corpus.folders[ocd]
    gap = folder.model_copy(update={"periods_checked": [p for p in folder.periods_checked if 2020 not in p.years()]})
    assert 2020 in years_unchecked(gap, dt.date(2026, 12, 6)) and 2016 not in years_unchecked(gap, dt.date(2026, 12, 6))
    monkeypatch.setitem(engine.corpus.folders, ocd, gap)

    note = "Westchester County: its own policies were not recorded as checked for 2020; a rule then in force may be missing."
    assert note in ask(ocd, "sheriff", "2020-06-01").supplied
    assert supplied_text(note, "es").startswith("Westchester County: no consta que se revisaran sus propias normas de 2020")
    assert not any("not recorded as checked" in n for n in ask(ocd, "sheriff", "2016-06-01").supplied)
    assert not any("not recorded as checked" in n for n in
                   ask("ocd-division/country:us/state:ca/place:los_angeles", "police", "2020-06-01").supplied)
