"""Law against practice on ICE's FY2015 detainer records (cooprules.history): facility
mapping, one request per record under the law of its date, the report."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from cooprules.cli import app
from cooprules.history.detainers import (
    HistoryError, action_of, agency_response, evaluate_records, read_records,
)
from cooprules.history.facilities import FacilityMatcher

SAMPLE = Path(__file__).parent / "fixtures" / "detainers-fy2015-sample.csv"
FULL = Path(__file__).parents[2] / "shared/data/detainers/ice_foia_15-87693_detainers_fy2015ytd.csv"
runner = CliRunner()


@pytest.fixture(scope="module")
def matcher(engine):
    return FacilityMatcher(engine.registry)


@pytest.mark.parametrize("facility, state, city, ocd_id, entity", [
    ("SAN DIEGO COUNTY JAIL", "CALIFORNIA", "SAN DIEGO", "ocd-division/country:us/state:ca/county:san_diego", "sheriff"),
    ("FT. BEND COUNTY JAIL", "TEXAS", "RICHMOND", "ocd-division/country:us/state:tx/county:fort_bend", "sheriff"),
    ("DAVIDSON CO. SHERIFF DEPT", "TENNESSEE", "NASHVILLE", "ocd-division/country:us/state:tn/county:davidson", "sheriff"),
    ("TRAVIS CTY JAIL", "TEXAS", "AUSTIN", "ocd-division/country:us/state:tx/county:travis", "sheriff"),
    ("LOS ANGELES CITY JAIL", "CALIFORNIA", "LOS ANGELES", "ocd-division/country:us/state:ca/place:los_angeles", "police"),
    ("SAN ANTONIO (CITY OF) MAGISTRATE", "TEXAS", "SAN ANTONIO", "ocd-division/country:us/state:tx/place:san_antonio", "police"),
    ("WASCO STATE PRISON", "CALIFORNIA", "WASCO", "ocd-division/country:us/state:ca", "corrections"),
    ("FL DEPT OF CORRECTIONS", "FLORIDA", "TALLAHASSEE", "ocd-division/country:us/state:fl", "corrections"),
    ("MOHAWK CORRECTIONAL", "NEW YORK", "ROME", "ocd-division/country:us/state:ny", "corrections"),
    ("QUEENS CENTRAL BOOKING", "NEW YORK", "QUEENS", "ocd-division/country:us/state:ny/place:new_york", "police"),
    ("INDIO JAIL - RIVERSIDE COUNTY", "CALIFORNIA", "INDIO", "ocd-division/country:us/state:ca/county:riverside", "sheriff"),
    ("QUEEN ANNE CO DET CENTER", "MARYLAND", "CENTREVILLE", "ocd-division/country:us/state:md/county:queen_anne~s", "sheriff"),
])
def test_facilities_map_to_the_government_that_runs_them(matcher, facility, state, city, ocd_id, entity):
    m = matcher.match(facility, state, city)
    assert (m.ocd_id, m.entity) == (ocd_id, entity), m


@pytest.mark.parametrize("facility, state, reason", [
    ("US MARSHALS  SDTX", "TEXAS", "federal or contract facility"),
    ("TAFT FED.CORR.INST.", "CALIFORNIA", "federal or contract facility"),
    ("BSCC FLIGHTLINE UNIT", "TEXAS", "federal or contract facility"),
    ("OTHER-OTHER FACILITY", None, "no state"),
    ("ZZZ UNHEARD OF PLACE", "OHIO", "not recognised"),
])
def test_unmapped_facilities_say_why(matcher, facility, state, reason):
    m = matcher.match(facility, state, None)
    assert m.ocd_id is None and m.method == reason


def test_forms_and_responses():
    assert action_of("I247N - Immigration Advisal - Request for Notification") == ("release_notification", "notification_request")
    assert action_of("I247D - Immigration Detainer - Request for Action")[0] == "detainer_hold"
    assert action_of("I247 - Immigration Detainer - Notice of Action (as of March 2013)")[0] == "detainer_hold"
    assert action_of("something else") is None
    assert [agency_response(r) for r in ("Detainer Declined by LEA", "Booked into Detention", None, "Lifted")] == \
        ["declined", "booked", "open", "other"]


@pytest.fixture(scope="module")
def history(engine):
    return evaluate_records(engine, read_records(str(SAMPLE)))


def test_every_record_is_kept_and_answered_under_the_law_of_its_date(history):
    recs = history.records
    assert recs.height == 300  # none dropped
    assert 0.5 < history.match_rate < 1.0
    mapped = recs.filter(pl.col("ocd_id").is_not_null() & pl.col("action").is_not_null())
    assert mapped["outcome"].null_count() == 0
    assert recs.filter(pl.col("ocd_id").is_null())["outcome"].null_count() == recs.filter(pl.col("ocd_id").is_null()).height
    # San Diego County jail, FY2015: the TRUST Act (2014) applies; the records lack convictions,
    # so a hold is conditional (prohibited without a qualifying conviction) or prohibited
    sd = mapped.filter(pl.col("ocd_id").str.ends_with("county:san_diego") & (pl.col("action") == "detainer_hold"))
    assert sd.height and set(sd["possible"]) <= {"permitted|prohibited", "prohibited"}
    assert all("ca-gov-7282.5" in c for c in sd["citations"])
    held = sd.filter(pl.col("outcome") == "conditional")
    # nothing is presumed about the person: the TRUST Act's conviction test stays open
    assert held.height and all("subject.convictions" in d for d in held["depends_on"])
    assert set(held["possible"]) == {"permitted|prohibited"}
    tx = mapped.filter(pl.col("state") == "TEXAS")
    assert tx.height and "prohibited" not in set(tx["outcome"])


def test_summaries_by_state_and_facility(history):
    states = history.by_state()
    ca = states.filter(pl.col("state") == "CALIFORNIA").row(0, named=True)
    assert ca["records"] >= 90 and ca["declined"] + ca["booked"] + ca["other_lift"] + ca["open"] == ca["records"]
    assert ca["legal_answers"]
    assert history.by_facility()["records"].sum() == 300


def test_records_without_convictions_are_not_presumed_to_have_none(history):
    """The records lack convictions: California's answers stay conditional on them rather
    than being counted as holds of people with no convictions."""
    ca = history.by_state().filter(pl.col("state") == "CALIFORNIA").row(0, named=True)
    assert ca["law_conditional"] > 0 and ca["law_prohibited"] < ca["law_conditional"]
    assert "permitted|prohibited" in ca["legal_answers"]


def test_cli_history_report(tmp_path):
    out = tmp_path / "report.html"
    res = runner.invoke(app, ["history", "detainers", str(SAMPLE), "--out", str(out)])
    assert res.exit_code == 0, res.output
    page = out.read_text()
    for text in ("CALIFORNIA", "TEXAS", "Facility mapping", "declined", "booked", "legal answers"):
        assert text in page
    # the method says what was done: nothing presumed, conditional answers and what they turn on
    assert "presume: false" in page and "answers are conditional" in page and "convictions" in page
    # the records file is named, never the folder it sits in on this machine
    assert SAMPLE.name in page and str(SAMPLE.parent) not in page
    # the CLI's table names the records without a state as the report does
    assert "(no state)" in res.output and "(none)" not in res.output and "(No State)" not in res.output
    res = runner.invoke(app, ["history", "detainers", str(SAMPLE), "--out", str(tmp_path / "r.parquet")])
    assert res.exit_code == 0 and pl.read_parquet(tmp_path / "r.parquet").height == 300


def test_report_names_the_shipped_sample_without_its_folder():
    from cooprules.history.detainers import DEFAULT_FILE
    from cooprules.history.report import source_label

    assert source_label(DEFAULT_FILE).startswith("the FY2015 sample shipped with cooprules")
    assert "/" not in source_label(DEFAULT_FILE) and source_label("/home/ana/data/full.csv.gz") == "full.csv.gz"
    assert source_label("https://example.org/d.csv") == "https://example.org/d.csv"


def test_bad_records_file(tmp_path):
    with pytest.raises(HistoryError, match="no such regular file"):
        read_records(str(tmp_path / "missing.csv"))
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    with pytest.raises(HistoryError, match="lacks column"):
        read_records(str(bad))
    res = runner.invoke(app, ["history", "detainers", str(bad), "--out", str(tmp_path / "r.html")])
    assert res.exit_code == 2 and "prepare_date" in res.output


@pytest.mark.skipif(not FULL.exists(), reason="the full FY2015 file is in ../shared/data/detainers/")
def test_full_fy2015_file(engine):
    history = evaluate_records(engine, read_records(str(FULL)))
    assert history.records.height == 79_053
    assert history.match_rate > 0.6
    states = {r["state"]: r for r in history.by_state().iter_rows(named=True)}
    assert states["CALIFORNIA"]["declined"] > 1000 and states["TEXAS"]["booked"] > 1000


def test_default_is_the_shipped_sample(tmp_path):
    """A fresh clone has no ../shared: with no FILE the command reads the sample shipped
    in the package (2,000 records) and writes its report."""
    res = runner.invoke(app, ["history", "detainers", "--out", str(tmp_path / "r.html")])
    assert res.exit_code == 0, res.output
    assert "2,000 records" in res.output
    assert (tmp_path / "r.html").stat().st_size > 1000


def test_records_from_a_url_and_gzip(tmp_path):
    """FILE may be an http(s) URL (served here on loopback) of a plain or gzipped CSV."""
    import gzip
    import http.server
    import threading

    (tmp_path / "r.csv.gz").write_bytes(gzip.compress(SAMPLE.read_bytes()))
    handler = lambda *a, **k: http.server.SimpleHTTPRequestHandler(*a, directory=str(tmp_path), **k)  # noqa: E731
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/r.csv.gz"
        assert read_records(url).height == read_records(str(SAMPLE)).height
        with pytest.raises(HistoryError, match="cannot fetch"):
            read_records(url.replace("r.csv.gz", "absent.csv"))
    finally:
        server.shutdown()
