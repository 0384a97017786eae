"""The maps ask the body that runs each jail, show the District of Columbia, and have
legend counts that add up to the shapes drawn, naming the shapes left blank."""

from __future__ import annotations

import datetime as dt
import re

from cooprules.analysis.standard import load_scenarios
from cooprules.maps import build_map, draw
from cooprules.maps.shapes import shapes

DAY = dt.date(2026, 11, 29)


def _hold():
    return next(s for s in load_scenarios() if s.id == "detainer-no-convictions")


def test_dc_on_both_maps_answers_as_ask_does(engine):
    s = _hold()
    direct = engine.evaluate(s.request_for("ocd-division/country:us/district:dc", "jail"), DAY).outcome.value
    assert direct == "prohibited"
    county = build_map(engine, s, DAY, "county")
    state = build_map(engine, s, DAY, "state")
    assert county.values["11001"] == direct
    assert state.values["11"] == direct
    assert county.values["53033"] == engine.evaluate(
        s.request_for("ocd-division/country:us/state:wa/county:king", "jail"), DAY).outcome.value


def test_legend_counts_add_up_and_blank_shapes_are_named(engine, tmp_path):
    data = build_map(engine, _hold(), DAY, "county")
    geo = shapes("county")
    counted = re.search(r"(\d+) of (\d+) county shapes coloured \(([^)]*)\)", data.note)
    assert counted, data.note
    coloured, total = int(counted.group(1)), int(counted.group(2))
    parts = [int(n) for n in re.findall(r"\b(\d+)\b", counted.group(3))]
    assert sum(parts) == coloured and total == len(geo)
    assert coloured + len(data.blank) == total
    assert len(data.undrawn) == sum(1 for f in data.values if f not in geo)
    draw(data, str(tmp_path / "m.html"))
    page = (tmp_path / "m.html").read_text()
    legend = re.findall(r"<li><span[^>]*></span>[^<:]*: (\d+)</li>", page)
    assert sum(int(n) for n in legend) == total
    if data.undrawn:
        assert "Answers with no shape" in page and data.undrawn[0] in page


def test_independent_cities_are_county_equivalents_on_the_map(engine):
    """Virginia's independent cities, Baltimore, St. Louis and Carson City are county
    equivalents with shapes of their own: each is coloured with its own answer, asked of
    its sheriff (who runs its jail) or its jail's operator (Baltimore: the State)."""
    s = _hold()
    data = build_map(engine, s, DAY, "county")
    assert data.blank == []
    alexandria = engine.evaluate(s.request_for("ocd-division/country:us/state:va/place:alexandria", "sheriff"), DAY)
    assert data.values["51510"] == alexandria.outcome.value
    baltimore = engine.evaluate(s.request_for("ocd-division/country:us/state:md/place:baltimore", "jail"), DAY)
    assert data.values["24510"] == baltimore.outcome.value

