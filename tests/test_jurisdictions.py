"""Tests for the jurisdiction registry (cooprules.jurisdictions)."""

from __future__ import annotations

import re
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


# ---------------------------------------------------------------- names people type
HARRIS_TX = f"{US}/state:tx/county:harris"
CHICAGO_SCHOOLS = f"{US}/state:il/county:cook/school_district:city_of_chicago_sd_299"
NYC = f"{US}/state:ny/place:new_york"
MIAMI_DADE = f"{US}/state:fl/county:miami-dade"
FRESNO = {f"{CA}/county:fresno", f"{CA}/place:fresno"}

TYPED = [  # what a deputy or a principal types -> the OCD-ID that must come first
    ("LAUSD", LAUSD),
    ("lausd", LAUSD),
    ("CPS", CHICAGO_SCHOOLS),
    ("Chicago Public Schools", CHICAGO_SCHOOLS),
    ("NYC", NYC),
    ("NYPD", NYC),
    ("Harris County, TX", HARRIS_TX),
    ("Harris County Texas", HARRIS_TX),
    ("Miami Dade", MIAMI_DADE),
    ("miami-dade county sheriff's office", MIAMI_DADE),
    ("San Diego County Sheriff", SAN_DIEGO_COUNTY),
    ("San Diego County Sheriff's Department", SAN_DIEGO_COUNTY),
    ("Portland Police Department, OR", f"{US}/state:or/place:portland"),
    # The office belongs to the county, though a school district bears the office's name.
    ("Maricopa County Sheriff's Office", f"{US}/state:az/county:maricopa"),
    ("Miami-Dade schools", f"{MIAMI_DADE}/school_district:dade"),
    ("Ft Worth", f"{US}/state:tx/place:fort_worth"),
    ("Denver Public Schools", f"{US}/state:co/county:denver/school_district:school_district_no._1"),
]


@pytest.fixture(scope="module")
def cli_search():
    """Run ``cooprules jurisdictions --search TEXT [args]``: (exit code, OCD-IDs printed, stderr)."""
    from rich.console import Console
    from typer.testing import CliRunner

    import cooprules.cli as cli

    def run(text: str, *args: str) -> tuple[int, list[str], str]:
        old = cli.out
        cli.out = Console(width=400, soft_wrap=True)
        try:
            result = CliRunner().invoke(cli.app, ["jurisdictions", "--search", text, *args])
        finally:
            cli.out = old
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
        ids = [line.split()[0] for line in result.stdout.splitlines() if line.startswith("ocd-division/")]
        # the note and the count are lines of the listing (stdout); errors go to stderr
        return result.exit_code, ids, result.stdout + result.stderr
    return run


@pytest.mark.parametrize("text,expected", TYPED)
def test_cli_search_puts_the_right_id_first(cli_search, text, expected):
    code, ids, _ = cli_search(text, "--limit", "5")
    assert code == 0
    assert ids[0] == expected, ids


def test_cli_search_misspelt_name_offers_the_closest(cli_search):
    code, ids, err = cli_search("Fresnoo", "--limit", "5")
    assert code == 0
    assert ids[0] in FRESNO and FRESNO <= set(ids[:3]), ids
    assert "closest" in err


def test_cli_search_pages_with_a_total(cli_search, reg):
    total = reg.find("houston", governments=True).total
    assert total > 10
    code, first, err = cli_search("houston", "--limit", "4")
    assert code == 0 and len(first) == 4
    assert first[0] == f"{US}/state:tx/place:houston"  # encoded law first
    assert f"1-4 of {total} matches" in err and "--page 2" in err
    code, second, err = cli_search("houston", "--limit", "4", "--page", "2")
    assert code == 0 and len(second) == 4 and not set(first) & set(second)
    assert f"5-8 of {total} matches" in err
    code, _, err = cli_search("houston", "--limit", "4", "--page", "999")
    assert code == 1 and "past the last page" in err


def test_cli_search_note_first_count_last_each_on_its_own_line():
    """However stdout and stderr are captured or joined, the "closest names" note comes
    before the matches and the count is a line of its own after them."""
    from rich.console import Console
    from typer.testing import CliRunner

    import cooprules.cli as cli

    old = cli.out
    cli.out = Console(width=400, soft_wrap=True)
    try:
        result = CliRunner().invoke(cli.app, ["jurisdictions", "--search", "Los Angles", "--limit", "2"])
    finally:
        cli.out = old
    assert result.exit_code == 0 and result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0] == "no name matches 'Los Angles'; the closest names:"
    assert all(line.startswith("ocd-division/") for line in lines[1:-1]) and len(lines) == 4
    assert re.fullmatch(r"1-2 of [\d,]+ matches \(page 1 of \d+\)(; next page: --page 2)?", lines[-1]), lines[-1]
    # stdout first, then stderr (a common way to join them): the same order
    assert (result.stdout + result.stderr).splitlines() == lines


def test_cli_search_leaves_out_subdivisions_unless_asked(cli_search):
    _, ids, _ = cli_search("Harris County, TX", "--limit", "50")
    assert ids and not any("council_district" in i for i in ids)
    _, ids, _ = cli_search("Harris County, TX", "--limit", "50", "--all")
    assert any("council_district" in i for i in ids)


def test_find_pages_add_up(reg):
    whole = reg.find("san diego", limit=None)
    assert whole.total == len(whole.hits) > 10
    pages = [reg.find("san diego", limit=7, offset=k) for k in range(0, whole.total, 7)]
    assert all(p.total == whole.total for p in pages)
    assert [j.ocd_id for p in pages for j in p.hits] == [j.ocd_id for j in whole.hits]
    assert reg.find("san diego", limit=7, offset=whole.total).hits == []
    with pytest.raises(ValueError):
        reg.find("san diego", offset=-1)


def test_find_prefers_given_ids_and_reads_state(reg):
    houston_tx = f"{US}/state:tx/place:houston"
    assert reg.search("houston", limit=1)[0].ocd_id != houston_tx  # counties before places
    assert reg.search("houston", limit=1, prefer={houston_tx})[0].ocd_id == houston_tx
    assert {j.state for j in reg.search("Houston, TX", limit=None)} == {"tx"}
    # A word that is also a state code is a state only when nothing else fits.
    assert reg.search("portland or", limit=1)[0].ocd_id == f"{US}/state:or/place:portland"
    assert reg.search("Lake of the Woods", limit=1)[0].name == "Lake of the Woods County"


def test_approximate_only_when_nothing_matches(reg):
    assert reg.find("fresno").approximate is False
    page = reg.find("Fresnoo")
    assert page.approximate is True and page.hits[0].ocd_id in FRESNO
    assert reg.find("qqqxxyyzz").total == 0


def test_school_district_display_names(reg):
    assert reg.get(CHICAGO_SCHOOLS).name == "city of chicago sd 299"  # the source's name
    assert reg.get(CHICAGO_SCHOOLS).display_name == "Chicago Public School District 299"  # NCES
    assert reg.get(LAUSD).display_name == "Los Angeles Unified School District"
    # Not in the NCES table: the source name capitalised, abbreviations kept upper case.
    other = reg.get(f"{US}/state:il/county:cook/school_district:chicago_heights_sd_170")
    assert other.display_name == "Chicago Heights SD 170"
    assert reg.get(SAN_DIEGO_COUNTY).display_name == "San Diego County"


def test_other_names_carry_their_source(reg):
    names = {o.name: o for o in reg.other_names(LAUSD)}
    assert names["LAUSD"].kind == "alias" and names["LAUSD"].source == "curated-2026-12"
    proper = [o for o in reg.other_names(CHICAGO_SCHOOLS) if o.kind == "proper"]
    assert [(o.source, o.note) for o in proper] == [("nces-ccd-2024-25", "NCES LEAID 1709930")]
    assert reg.other_names(f"{US}/state:tx/place:san_diego") == []


def test_every_other_name_is_of_a_known_division():
    import gzip

    import cooprules.jurisdictions as pkg

    data = Path(pkg.__file__).parent / "data"
    rows = [line.split("\t") for line in
            gzip.decompress((data / "names.tsv.gz").read_bytes()).decode().splitlines()]
    reg = load_registry()
    assert len(rows) > 500
    for ocd_id, name, kind, source, note in rows:
        assert ocd_id in reg._rows and name.strip() and note.strip()
        assert kind in ("proper", "alias") and source in ("nces-ccd-2024-25", "curated-2026-12")


def test_suggestions_are_cached_and_bounded(reg):
    from cooprules.jurisdictions.registry import SUGGEST_CACHE_SIZE

    unknown = f"{CA}/county:san_deigo"
    first = reg.suggest(unknown)
    assert reg.suggest(unknown) == first and first[0] == SAN_DIEGO_COUNTY
    info = reg._suggest_cached.cache_info()
    assert info.hits >= 1 and info.maxsize == SUGGEST_CACHE_SIZE
    # Long hostile text is cut, not read whole.
    assert reg.suggest("x" * 1_000_000) == reg.suggest("x" * 300)


def test_web_office_search_reads_names_people_type(engine):
    from cooprules.web.pages import search as office_search

    hits = office_search(engine, "Harris County, TX")
    assert hits[0]["ocd_id"] == HARRIS_TX and hits[0]["encoded_law"] and not hits[0]["approximate"]
    hits = office_search(engine, "Fresnoo")
    assert hits and hits[0]["ocd_id"] in FRESNO and all(h["approximate"] for h in hits)
    hits = office_search(engine, "chicago public schools")
    assert hits[0]["name"] == "Chicago Public School District 299"
    assert not any("council_district" in h["ocd_id"] for h in office_search(engine, "los angeles"))
