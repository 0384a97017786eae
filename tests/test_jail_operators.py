"""One office, one answer (DESIGN.md, "The office asked"): who runs each jail is data,
`sheriff` and `jail` agree wherever the sheriff runs the jail, and a jail run by another
body answers as that body."""

from __future__ import annotations

import datetime as dt

import pytest

from cooprules.analysis.matrix import matrix_jurisdictions, run_matrix
from cooprules.analysis.standard import load_scenarios
from cooprules.jurisdictions.jail_operators import (
    JailDataError,
    jail_operator,
    load_jail_operators,
    office_words,
    parse_jail_operators,
    sheriff_runs_jail,
)
from cooprules.vocabulary import Entity

DAY = dt.date(2026, 1, 15)
KING = "ocd-division/country:us/state:wa/county:king"
MIAMI = "ocd-division/country:us/state:fl/county:miami-dade"
SAN_DIEGO = "ocd-division/country:us/state:ca/county:san_diego"
DC = "ocd-division/country:us/district:dc"


def test_data_rows_are_registry_ids_and_verified_rows_cite_a_source(engine):
    table = load_jail_operators()
    assert len(table) >= 40
    for ocd_id, row in table.items():
        assert ocd_id in engine.registry, ocd_id
        if row.verified:
            assert row.source.startswith("http") and row.checked_on is not None, ocd_id
    for required in (KING, MIAMI, DC, "ocd-division/country:us/state:ny/place:new_york"):
        assert required in table
    for state in ("ak", "ct", "de", "hi", "ri", "vt"):
        assert table[f"ocd-division/country:us/state:{state}"].operator_kind == "state_unified"


def test_bad_rows_are_refused_naming_line_and_column():
    header = "ocd_id,name,operator,operator_kind,words,verified,source,checked_on,notes\n"
    with pytest.raises(JailDataError, match="line 2: words: 'jailer'"):
        parse_jail_operators(header + "ocd-division/country:us/state:ky,K,j,elected_jailer,jailer,no,,,\n")
    with pytest.raises(JailDataError, match="line 2: a verified row needs a source"):
        parse_jail_operators(header + "ocd-division/country:us/state:ky,K,j,elected_jailer,,yes,,,\n")
    with pytest.raises(JailDataError, match="operator_kind 'sheriff'"):
        parse_jail_operators(header + "ocd-division/country:us/state:ky,K,j,sheriff,,no,,,\n")


def test_office_words():
    assert office_words(SAN_DIEGO, "sheriff") == office_words(SAN_DIEGO, "jail") == {Entity.sheriff, Entity.jail}
    assert office_words(KING, "jail") == {Entity.jail, Entity.county_department}
    assert office_words(KING, "sheriff") == {Entity.sheriff}
    assert office_words("ocd-division/country:us/state:hi/county:honolulu", "jail") == {
        Entity.jail, Entity.corrections, Entity.state_agency}
    # a county row overrides its state's row; a place inherits its state's row
    assert jail_operator("ocd-division/country:us/state:pa/county:philadelphia").operator_kind == "city_department"
    assert jail_operator("ocd-division/country:us/state:pa/county:allegheny").operator_kind == "county_prison_board"
    assert office_words("ocd-division/country:us/state:ca/place:los_angeles", "jail") == {Entity.jail}
    assert office_words(SAN_DIEGO, "corrections") == {Entity.corrections, Entity.state_agency}
    assert sheriff_runs_jail(SAN_DIEGO) and not sheriff_runs_jail(KING) and not sheriff_runs_jail(DC)


def _ask(engine, jurisdiction, entity, action, date, instrument="detainer_request"):
    d = engine.evaluate({"responder": {"jurisdiction": jurisdiction, "entity": entity}, "requester": "ice_ero",
                         "action": action, "instrument": instrument, "attachments": ["administrative_warrant_arrest"],
                         "subject": {"role": "in_custody", "convictions": []}, "context": {"date": date}})
    return d.outcome.value, sorted(c.id for c in d.citations)


def test_miami_dade_2016_one_answer_for_jail_and_sheriff(engine):
    """R-1008-13 (2013-2017) bound the county departments: Corrections, which ran the
    jail, and the Police Department, which held the sheriff's powers (no elected sheriff
    until 2025)."""
    jail = _ask(engine, MIAMI, "jail", "detainer_hold", "2016-06-01")
    assert jail[0] == "prohibited" and "miamidade-r1008-13-hold" in jail[1]
    assert _ask(engine, MIAMI, "sheriff", "detainer_hold", "2016-06-01") == jail
    assert _ask(engine, MIAMI, "county_department", "detainer_hold", "2016-06-01") == jail


def test_king_county_release_notification_answers_as_its_jail(engine):
    jail = _ask(engine, KING, "jail", "release_notification", "2025-06-01", "notification_request")
    assert jail[0] == "prohibited" and "kingcounty-2.15.020-a" in jail[1]
    assert _ask(engine, KING, "sheriff", "release_notification", "2025-06-01", "notification_request")[0] == "prohibited"


def test_dc_jail_is_its_department_of_corrections(engine):
    outcome, cites = _ask(engine, DC, "jail", "detainer_hold", "2025-06-01")
    assert outcome == "prohibited" and "dc-sva-hold" in cites


def test_sheriff_and_jail_agree_wherever_the_sheriff_runs_the_jail(engine):
    """Every county (and equivalent) whose jail the sheriff runs, every standard
    scenario asked of a sheriff: `sheriff` and `jail` get the same outcome and the same
    citations."""
    scenarios = [s for s in load_scenarios() if s.entity == "sheriff"]
    counties = [j for j in matrix_jurisdictions(engine, encoded=False) if sheriff_runs_jail(j)]
    assert len(counties) > 2800 and len(scenarios) > 50
    as_sheriff = run_matrix(engine, scenarios, DAY, counties, entity="sheriff")
    as_jail = run_matrix(engine, scenarios, DAY, counties, entity="jail")
    a = as_sheriff.select("jurisdiction", "scenario", "outcome", "citations").rows()
    b = as_jail.select("jurisdiction", "scenario", "outcome", "citations").rows()
    assert len(a) == len(counties) * len(scenarios)
    differ = [(x, y) for x, y in zip(a, b) if x != y]
    assert not differ, differ[:5]


def test_independent_cities_are_the_registrys_virginia_cities_and_three_others(engine):
    from cooprules.jurisdictions.jail_operators import INDEPENDENT_CITIES

    va = {j for j in engine.registry.ids("place") if j.count("/") == 3 and "/state:va/" in j
          and engine.registry.get(j).name.endswith(" city")}
    va.discard("ocd-division/country:us/state:va/place:bedford")  # a town again since 2013
    assert va == {j for j in INDEPENDENT_CITIES if "/state:va/" in j} and len(va) == 38
    assert all(j in engine.registry for j in INDEPENDENT_CITIES)
    assert sheriff_runs_jail("ocd-division/country:us/state:va/place:norfolk")
    assert not sheriff_runs_jail("ocd-division/country:us/state:md/place:baltimore")  # the State runs it
