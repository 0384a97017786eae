"""Tests for the jurisdiction registry (cooprules.jurisdictions)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cooprules.jurisdictions import (
    COUNTRY_ID,
    COUNTY_KINDS,
    Jurisdiction,
    Registry,
    UnknownJurisdiction,
    load_registry,
)

US = "ocd-division/country:us"
CA = f"{US}/state:ca"
SAN_DIEGO_COUNTY = f"{CA}/county:san_diego"
SAN_DIEGO_CITY = f"{CA}/place:san_diego"
LA_CITY = f"{CA}/place:los_angeles"
LA_COUNTY = f"{CA}/county:los_angeles"
LAUSD = f"{LA_COUNTY}/school_district:los_angeles_unified"


@pytest.fixture(scope="module")
def reg() -> Registry:
    return load_registry()


# ---------------------------------------------------------------- coverage
def test_load_registry_is_cached(reg):
    assert load_registry() is reg


def test_counts(reg):
    state_level = [i for i in reg if i.count("/") == 2]
    states_and_dc = [i for i in state_level if "/territory:" not in i]
    assert len(states_and_dc) == 51
    assert f"{US}/district:dc" in states_and_dc
    assert f"{US}/territory:pr" in reg
    counties = [i for i in reg.ids(COUNTY_KINDS) if "/territory:" not in i]
    assert len(counties) >= 3100
    assert sum(1 for _ in reg.ids("place")) > 20000
    assert sum(1 for _ in reg.ids("school_district")) > 17000
    assert len(reg) == sum(1 for _ in reg) > 70000


def test_country(reg):
    us = reg.get(COUNTRY_ID)
    assert (us.kind, us.state, us.parent, us.level) == ("country", None, None, "country")
    assert us.name == "United States"


def test_every_state_has_fips(reg):
    for i in reg.ids("state"):
        fips = reg.get(i).fips
        assert fips is not None and len(fips) == 2 and fips.isdigit(), i
    assert reg.get(CA).fips == "06"
    assert reg.get(f"{US}/district:dc").fips == "11"


def test_every_state_county_has_five_digit_fips(reg):
    for i in reg.ids(COUNTY_KINDS):
        if "/territory:" in i:
            continue  # e.g. territory:mp/county:saipan has no code in the source
        fips = reg.get(i).fips
        assert fips is not None and len(fips) == 5 and fips.isdigit(), i


# ---------------------------------------------------------------- records
def test_san_diego_county(reg):
    j = reg.get(SAN_DIEGO_COUNTY)
    assert isinstance(j, Jurisdiction)
    assert (j.ocd_id, j.name, j.kind, j.state, j.fips, j.parent) == (
        SAN_DIEGO_COUNTY, "San Diego County", "county", "ca", "06073", CA)
    assert j.level == "county"


def test_los_angeles_city(reg):
    j = reg.get(LA_CITY)
    assert (j.kind, j.state, j.fips, j.parent, j.level) == ("place", "ca", "0644000", CA, "local")
    assert j.name == "Los Angeles city"


def test_lausd_keeps_county_segment_and_kind(reg):
    j = reg.get(LAUSD)
    assert j.ocd_id == LAUSD
    assert j.kind == "school_district"
    assert j.state == "ca"
    assert j.fips == "0622710"
    assert j.parent == LA_COUNTY  # structural parent, from the id
    assert j.name == "los angeles unified"


def test_dc_and_independent_city(reg):
    dc = reg.get(f"{US}/district:dc")
    assert (dc.kind, dc.state, dc.parent, dc.level) == ("district", "dc", US, "state")
    richmond = reg.get(f"{US}/state:va/place:richmond")
    assert richmond.kind == "place" and richmond.parent == f"{US}/state:va"


def test_jurisdiction_is_frozen(reg):
    j = reg.get(SAN_DIEGO_COUNTY)
    with pytest.raises(Exception):
        j.name = "x"  # type: ignore[misc]


def test_input_normalised(reg):
    messy = "  OCD-Division/Country:US/State:CA/County:San_Diego/ "
    assert reg.get(messy).ocd_id == SAN_DIEGO_COUNTY


def test_non_ascii_id(reg):
    j = reg.get(f"{US}/state:nm/county:doña_ana")
    assert j.name == "Doña Ana County"


# ---------------------------------------------------------------- aliases
def test_alias_maps_to_canonical(reg):
    alias = f"{CA}/place:san_francisco"
    assert reg.canonical(alias) == f"{CA}/county:san_francisco"
    assert alias in reg
    assert reg.get(alias).ocd_id == f"{CA}/county:san_francisco"
    assert reg.get(alias).kind == "county"
    assert alias not in set(reg)  # aliases are not counted as divisions


def test_alias_examples(reg):
    assert reg.canonical(f"{US}/state:dc") == f"{US}/district:dc"
    assert reg.canonical(f"{US}/state:va/county:richmond_city") == f"{US}/state:va/place:richmond"
    assert reg.canonical(f"{US}/state:ny/borough:brooklyn") == f"{US}/state:ny/county:kings"
    assert reg.canonical(f"{US}/state:la/place:new_orleans") == f"{US}/state:la/parish:orleans"


def test_canonical_of_canonical_is_itself(reg):
    assert reg.canonical(LAUSD) == LAUSD


def test_every_alias_target_is_known(reg):
    for alias, target in reg._aliases.items():
        assert target in reg._rows, alias


# ---------------------------------------------------------------- unknown ids
def test_unknown_raises_with_suggestion(reg):
    with pytest.raises(UnknownJurisdiction) as info:
        reg.get(f"{CA}/county:san_deigo")
    err = info.value
    assert isinstance(err, ValueError)
    assert err.ocd_id == f"{CA}/county:san_deigo"
    assert err.suggestions[0] == SAN_DIEGO_COUNTY
    assert "responder.jurisdiction" in str(err)
    assert SAN_DIEGO_COUNTY in str(err)


def test_school_district_without_county_segment_suggests_full_id(reg):
    with pytest.raises(UnknownJurisdiction) as info:
        reg.get(f"{CA}/school_district:los_angeles_unified")
    assert info.value.suggestions[0] == LAUSD


def test_misspelt_state_segment(reg):
    with pytest.raises(UnknownJurisdiction) as info:
        reg.get(f"{US}/state:californa/county:san_diego")
    assert info.value.suggestions[0] == SAN_DIEGO_COUNTY


def test_missing_prefix(reg):
    with pytest.raises(UnknownJurisdiction) as info:
        reg.get("state:ca/county:san_diego")
    assert info.value.suggestions == [SAN_DIEGO_COUNTY]


def test_name_instead_of_id(reg):
    with pytest.raises(UnknownJurisdiction) as info:
        reg.get("San Diego County")
    assert info.value.suggestions[0] == SAN_DIEGO_COUNTY
    with pytest.raises(UnknownJurisdiction) as info:
        reg.get("Sna Diego Cuonty")
    assert SAN_DIEGO_COUNTY in info.value.suggestions


def test_unknown_field_name_and_non_string(reg):
    with pytest.raises(UnknownJurisdiction) as info:
        reg.get(f"{CA}/county:nowhere_at_all_xyz", field="jurisdiction")
    assert str(info.value).startswith("jurisdiction:")
    with pytest.raises(UnknownJurisdiction) as info:
        reg.get(None)  # type: ignore[arg-type]
    assert info.value.suggestions == []
    assert None not in reg
    assert "ocd-division/country:us/state:zz/county:x" not in reg


@pytest.mark.parametrize("method", ["canonical", "state_of", "local_government_of", "children"])
def test_other_methods_raise_on_unknown(reg, method):
    with pytest.raises(UnknownJurisdiction):
        getattr(reg, method)(f"{CA}/county:atlantis")


# ---------------------------------------------------------------- search
def test_search_san_diego(reg):
    ids = [j.ocd_id for j in reg.search("san diego")]
    assert ids[:2] == [SAN_DIEGO_COUNTY, SAN_DIEGO_CITY]
    assert f"{US}/state:tx/place:san_diego" in ids[:3]
    assert f"{CA}/county:san_diego/school_district:san_diego_unified" in ids


def test_search_case_insensitive_and_limit(reg):
    top2 = [j.ocd_id for j in reg.search("SAN DIEGO", limit=2)]
    assert top2 == [SAN_DIEGO_COUNTY, SAN_DIEGO_CITY]
    assert len(reg.search("county", limit=7)) == 7
    assert reg.search("   ") == []
    assert reg.search("qqqxxyyzz") == []


def test_search_exact_before_prefix_before_substring(reg):
    assert reg.search("los angeles unified")[0].ocd_id == LAUSD
    small = Registry(
        {US: ("United States", "", ""), CA: ("California", "06", ""),
         f"{CA}/place:big_foo": ("Big Foo city", "", ""),
         f"{CA}/place:foo_bar": ("Foo Bar city", "", ""),
         f"{CA}/place:foo": ("Foo", "", ""),
         f"{CA}/place:bigfoo": ("Bigfoo town", "", "")},
        {},
    )
    names = [j.name for j in small.search("foo")]
    assert names == ["Foo", "Foo Bar city", "Big Foo city", "Bigfoo town"]


def test_search_by_id_fragment_and_accents(reg):
    assert reg.search("county:san_diego")[0].ocd_id == SAN_DIEGO_COUNTY
    assert reg.search("dona ana")[0].ocd_id == f"{US}/state:nm/county:doña_ana"


# ---------------------------------------------------------------- layers
def test_state_of(reg):
    assert reg.state_of(SAN_DIEGO_COUNTY) == CA
    assert reg.state_of(LAUSD) == CA
    assert reg.state_of(CA) == CA
    assert reg.state_of(f"{US}/district:dc") == f"{US}/district:dc"
    assert reg.state_of(f"{US}/state:dc") == f"{US}/district:dc"  # alias
    assert reg.state_of(COUNTRY_ID) is None


def test_local_government_of(reg):
    assert reg.local_government_of(SAN_DIEGO_COUNTY) == SAN_DIEGO_COUNTY
    assert reg.local_government_of(LA_CITY) == LA_CITY
    # A school district is its own government, not its county's.
    assert reg.local_government_of(LAUSD) == LAUSD
    assert reg.local_government_of(COUNTRY_ID) is None
    assert reg.local_government_of(CA) is None
    assert reg.local_government_of(f"{US}/district:dc") is None
    # Aliases resolve first.
    assert reg.local_government_of(f"{CA}/place:san_francisco") == f"{CA}/county:san_francisco"


def test_local_government_of_subdivisions(reg):
    assert reg.local_government_of(f"{CA}/place:san_diego/council_district:1") == SAN_DIEGO_CITY
    water = f"{LA_COUNTY}/water:central_basin_municipal"
    assert reg.local_government_of(water) == water
    assert reg.local_government_of(f"{water}/region:1") == water
    assert reg.local_government_of(f"{US}/state:or/region:oregon_metro") == \
        f"{US}/state:or/region:oregon_metro"
    assert reg.local_government_of(f"{US}/district:dc/anc:1a") is None
    assert reg.local_government_of(f"{CA}/board_of_equalization:1") is None


def test_children(reg):
    kids = reg.children(CA)
    ids = {j.ocd_id for j in kids}
    assert SAN_DIEGO_COUNTY in ids and LA_CITY in ids
    assert LAUSD not in ids
    assert all(j.parent == CA for j in kids)
    la_kids = {j.ocd_id for j in reg.children(LA_COUNTY)}
    assert LAUSD in la_kids
    assert reg.children(LAUSD) == []
    assert len(reg.children(COUNTRY_ID)) == 56  # 50 states, DC, 5 territories


def test_registry_from_mappings():
    small = Registry(
        {US: ("United States", "", ""), CA: ("California", "06", ""),
         SAN_DIEGO_COUNTY: ("San Diego County", "06073", "")},
        {f"{US}/state:ca/county:sd": SAN_DIEGO_COUNTY},
    )
    assert len(small) == 3
    assert small.get(f"{US}/state:ca/county:sd").name == "San Diego County"
    assert small.get(SAN_DIEGO_COUNTY).parent == CA
    with pytest.raises(UnknownJurisdiction) as info:
        small.get(f"{CA}/county:san_deigo")
    assert info.value.suggestions[0] == SAN_DIEGO_COUNTY


def test_sampled_invariants(reg):
    """Every 97th division: get/canonical round-trip, state_of is a prefix, parent known."""
    for k, ocd_id in enumerate(sorted(reg)):
        if k % 97:
            continue
        j = reg.get(ocd_id)
        assert j.ocd_id == ocd_id == reg.canonical(ocd_id)
        assert j.kind == ocd_id.rsplit("/", 1)[-1].split(":", 1)[0]
        state = reg.state_of(ocd_id)
        if ocd_id != COUNTRY_ID:
            assert state is not None and ocd_id.startswith(state) and state in reg
            assert j.state == state.rsplit(":", 1)[-1]
            assert j.parent is not None and ocd_id.startswith(j.parent + "/")
        local = reg.local_government_of(ocd_id)
        assert local is None or (ocd_id + "/").startswith(local + "/")


def test_shipped_data_is_small():
    import cooprules.jurisdictions as pkg

    data = Path(pkg.__file__).parent / "data"
    total = sum(p.stat().st_size for p in data.iterdir())
    assert total < 3_000_000
    assert (data / "README.md").exists()
