"""ICE's 287(g) list as data: cooprules.agreements."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import subprocess
import sys
import time
from importlib import resources
from pathlib import Path

import pytest

from cooprules.agreements import (
    ICE_287G_PAGE,
    Agreement,
    Agreements,
    load_agreements,
)
from cooprules.agreements.loader import DATA_FILE
from cooprules.corpus.conditions import compile_condition
from cooprules.corpus.schema import Confidence, Provision, SourceKind
from cooprules.vocabulary import Action, Agreement287g, Effect, Entity

D = dt.date
US = "ocd-division/country:us/state:"
ROOT = Path(__file__).resolve().parents[1]
SHARED = Path("/work/shared/data/287g")


def _raw_rows() -> list[dict[str, str]]:
    text = (resources.files("cooprules.agreements") / "data" / DATA_FILE).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


@pytest.fixture(scope="module")
def ags() -> Agreements:
    return load_agreements()


# ---------------------------------------------------------------------- the file
def test_row_count_and_match_rate(ags):
    raw = _raw_rows()
    assert len(ags) == len(raw) == 832  # ICE's list of 2025-07-18 pm
    assert ags.as_of == D(2025, 7, 18)
    assert ags.match_rate >= 0.9
    mapped = [a for a in ags if a.mapped]
    assert ags.match_rate == pytest.approx(len(mapped) / len(ags))
    # models as ICE counts them on that list
    counts = {m: sum(1 for a in ags if a.model is m) for m in Agreement287g if m is not Agreement287g.none}
    assert counts == {Agreement287g.task_force: 415, Agreement287g.warrant_service_officer: 300,
                      Agreement287g.jail_enforcement: 117}


def test_unmapped_rows_are_counted_not_dropped(ags):
    raw_unmapped = [r for r in _raw_rows() if not r["ocd_id"]]
    assert len(ags.unmapped) == len(raw_unmapped) == 18
    assert len(ags.unmapped) + sum(1 for a in ags if a.mapped) == len(ags)
    for a in ags.unmapped:
        assert a.ocd_id is None and a.entity is None
        assert a.notes.startswith("unmapped:")
    names = {a.agency for a in ags.unmapped}
    assert "Albemarle District Jail" in names
    assert "Derry Township Constable's Office" in names
    # unmapped agreements are never answered by lookup and produce no provision
    assert all(p.id.split("-")[1] != "" for p in ags.provisions())
    assert len(ags.provisions()) == len(ags) - len(ags.unmapped)


def test_rows_are_one_per_agreement(ags):
    keys = [(a.state, a.agency, a.model) for a in ags]
    assert len(keys) == len(set(keys))
    for a in ags:
        assert re.fullmatch(r"[a-z]{2}", a.state)
        assert a.signed is not None  # the two malformed dates are repaired
        assert a.first_list_date is not None and a.first_list_date <= a.list_date
        assert not a.moa_url or a.moa_url.startswith("https://www.ice.gov/")
        assert "safelinks" not in a.moa_url and "safelinks" not in a.addendum_url
        if a.mapped:
            assert a.ocd_id.startswith("ocd-division/country:us/state:" + a.state)
            assert isinstance(a.entity, Entity)


def test_repaired_dates(ags):
    tooele = [a for a in ags if a.agency == "Tooele County Sheriff's Office"
              and a.model is Agreement287g.warrant_service_officer]
    assert [a.signed for a in tooele] == [D(2025, 7, 7)]
    assert "repaired" in tooele[0].notes
    campbell = [a for a in ags if a.agency == "Campbell County Sheriff's Office" and a.state == "va"]
    assert [a.signed for a in campbell] == [D(2025, 5, 8)]


def test_registry_knows_every_mapped_id(ags):
    from cooprules.jurisdictions import load_registry

    reg = load_registry()
    for ocd_id in {a.ocd_id for a in ags if a.mapped}:
        assert reg.canonical(ocd_id) == ocd_id


def test_mapping_examples(ags):
    def one(state, agency, model):
        found = [a for a in ags if a.state == state and a.agency == agency and a.model is model]
        assert len(found) == 1, (state, agency, model)
        return found[0]

    jso = one("fl", "Jacksonville Sheriff's Office", Agreement287g.jail_enforcement)
    assert (jso.ocd_id, jso.entity) == (US + "fl/county:duval", Entity.sheriff)
    berrien = one("mi", "Berrian County Sheriff's Office", Agreement287g.warrant_service_officer)
    assert berrien.ocd_id == US + "mi/county:berrien"
    lafourche = one("la", "Lafourche Parish Sheriff's Office", Agreement287g.warrant_service_officer)
    assert lafourche.ocd_id == US + "la/parish:lafourche"
    mesa = one("az", "Mesa Police Department", Agreement287g.jail_enforcement)
    assert (mesa.ocd_id, mesa.entity) == (US + "az/place:mesa", Entity.police)
    fdc = one("fl", "Florida Department of Corrections", Agreement287g.jail_enforcement)
    assert (fdc.ocd_id, fdc.entity) == (US + "fl", Entity.corrections)
    fhp = one("fl", "Florida Department of Highway Safety and Motor Vehicles, Division of Highway Patrol",
              Agreement287g.task_force)
    assert (fhp.ocd_id, fhp.entity) == (US + "fl", Entity.police)
    orange = one("fl", "Orange County Corrections Department", Agreement287g.warrant_service_officer)
    assert (orange.ocd_id, orange.entity) == (US + "fl/county:orange", Entity.jail)
    # ICE's county column says Macon County; the agency name is followed
    madison = one("tn", "Madison County Sheriff's Office", Agreement287g.warrant_service_officer)
    assert madison.ocd_id == US + "tn/county:madison"


# ---------------------------------------------------------------------- lookup
def test_lookup_known_sheriff_from_signed_date_not_before(ags):
    ellis = US + "tx/county:ellis"  # Ellis County TX Sheriff: JEM signed 2025-04-16
    assert ags.lookup(ellis, Entity.sheriff, D(2025, 4, 15)) is None
    a = ags.lookup(ellis, Entity.sheriff, D(2025, 4, 16))
    assert isinstance(a, Agreement)
    assert a.model is Agreement287g.jail_enforcement
    assert a.agency == "Ellis County Sheriff's Office"
    assert a.signed == D(2025, 4, 16)
    assert a.moa_url == "https://www.ice.gov/doclib/287gMOA/EllisCoTX_JEM_MOA_04.16.2025.pdf"
    assert ags.lookup(ellis, "sheriff", D(2026, 1, 1)) == a
    assert ags.lookup(ellis, Entity.police, D(2026, 1, 1)) is None


def test_lookup_prefers_jem_then_wso_then_tfm(ags):
    lee = US + "fl/county:lee"  # TFM 2025-02-24, WSO 2025-02-26, JEM 2025-03-03
    assert ags.lookup(lee, Entity.sheriff, D(2025, 2, 23)) is None
    assert ags.lookup(lee, Entity.sheriff, D(2025, 2, 24)).model is Agreement287g.task_force
    assert ags.lookup(lee, Entity.sheriff, D(2025, 2, 26)).model is Agreement287g.warrant_service_officer
    assert ags.lookup(lee, Entity.sheriff, D(2025, 3, 3)).model is Agreement287g.jail_enforcement
    # Lee County Port Authority Police (TFM signed 2025-07-02) is the county's police entity
    assert ags.lookup(lee, Entity.police, D(2025, 7, 1)) is None
    assert ags.lookup(lee, Entity.police, D(2025, 7, 2)).agency == "Lee County Port Authority Police"


def test_sheriff_and_jail_are_one_office_only_where_the_sheriff_runs_the_jail(ags):
    """Where the sheriff runs the jail, the sheriff's agreement is the jail's and the
    reverse; where another body runs it (a Kentucky jailer, a Florida county corrections
    department: jail_operators.csv), each office has its own agreements."""
    ellis = US + "tx/county:ellis"  # the Sheriff's jail enforcement agreement
    assert ags.lookup(ellis, Entity.jail, D(2025, 5, 1)) == ags.lookup(ellis, Entity.sheriff, D(2025, 5, 1))
    assert ags.lookup(ellis, Entity.jail, D(2025, 5, 1)).model is Agreement287g.jail_enforcement
    bullitt = US + "ky/county:bullitt"  # only the Bullitt County Detention Center (JEM), run by the jailer
    a = ags.lookup(bullitt, Entity.jail, D(2025, 7, 1))
    assert a.agency == "Bullitt County Detention Center" and a.model is Agreement287g.jail_enforcement
    assert ags.lookup(bullitt, Entity.sheriff, D(2025, 7, 1)) is None
    osceola = US + "fl/county:osceola"  # jail (county Corrections) WSO 2019-10-15, sheriff TFM 2025-02-26
    assert ags.lookup(osceola, Entity.sheriff, D(2024, 1, 1)) is None
    assert ags.lookup(osceola, Entity.sheriff, D(2025, 7, 1)).model is Agreement287g.task_force
    assert ags.lookup(osceola, Entity.jail, D(2025, 7, 1)).model is Agreement287g.warrant_service_officer


def test_lookup_normalises_and_rejects(ags):
    a = ags.lookup(" OCD-DIVISION/country:us/state:tx/county:ellis/ ", "sheriff",
                   dt.datetime(2025, 5, 1, 12, 0))
    assert a is not None and a.model is Agreement287g.jail_enforcement
    assert ags.lookup(US + "ca/county:san_diego", Entity.sheriff, D(2025, 7, 1)) is None
    with pytest.raises(ValueError):
        ags.lookup(US + "tx/county:ellis", "constable", D(2025, 7, 1))
    with pytest.raises(TypeError):
        ags.lookup(US + "tx/county:ellis", Entity.sheriff, "2025-07-01")


def test_for_jurisdiction(ags):
    lee = ags.for_jurisdiction(US + "fl/county:lee")
    assert [(a.entity, a.model) for a in lee] == [
        (Entity.police, Agreement287g.task_force),
        (Entity.sheriff, Agreement287g.jail_enforcement),
        (Entity.sheriff, Agreement287g.warrant_service_officer),
        (Entity.sheriff, Agreement287g.task_force),
    ]
    florida = ags.for_jurisdiction(US + "fl")
    assert len(florida) > 20 and all(a.ocd_id == US + "fl" for a in florida)
    assert ags.for_jurisdiction(US + "ca") == []


# ---------------------------------------------------------------------- provisions
def test_provisions_validate(ags):
    provisions = ags.provisions()
    assert len(provisions) == sum(1 for a in ags if a.mapped)
    ids = [p.id for p in provisions]
    assert len(ids) == len(set(ids))
    by_id = {}
    for p in provisions:
        assert isinstance(p, Provision)
        assert Provision.model_validate(p.model_dump()) == p
        assert re.fullmatch(r"g287-[a-z]{2}-[a-z0-9.-]+-(jem|tfm|wso)(-\d+)?", p.id), p.id
        assert str(p.source).startswith("https://www.ice.gov/")
        assert p.source_kind is SourceKind.agreement
        assert p.effect is Effect.permitted
        assert p.confidence is Confidence.secondary  # the model templates (rules/us/287g-model-*.yaml)
        assert p.checked is not None and p.checked.on <= D.today()
        assert p.cite.startswith("287(g) MOA, ")
        assert "2025-07-18" in p.notes
        compile_condition(p.when)  # CEL compiles and reads only vocabulary names
        by_id[p.id] = p
    jem = by_id["g287-tx-ellis-county-sheriffs-office-jem"]
    assert jem.jurisdiction == US + "tx/county:ellis"
    assert jem.binds == [Entity.sheriff, Entity.jail]
    assert jem.effective_from == D(2025, 4, 16)
    assert jem.cite == "287(g) MOA, Ellis County Sheriff's Office, Jail Enforcement Model (signed 2025-04-16)"
    assert str(jem.source) == "https://www.ice.gov/doclib/287gMOA/EllisCoTX_JEM_MOA_04.16.2025.pdf"
    assert Action.immigration_officer_functions in jem.actions and Action.detainer_hold in jem.actions
    assert "context.location == 'jail'" in jem.when
    tfm = by_id["g287-fl-lee-county-sheriffs-office-tfm"]
    assert set(tfm.actions) == {Action.immigration_officer_functions, Action.civil_immigration_arrest}
    assert tfm.when == "context.location != 'jail'"
    wso = by_id["g287-fl-orange-county-corrections-department-wso"]
    assert wso.binds == [Entity.jail]  # Orange County Corrections runs the jail, not the Sheriff (jail_operators.csv)
    assert "administrative_warrant_arrest" in wso.when and "context.location == 'jail'" in wso.when


def test_pending_moa_cites_ice_page(ags):
    pending = [a for a in ags if a.mapped and not a.moa_url]
    assert pending
    by_id = {p.id: p for p in ags.provisions()}
    st_johns = by_id["g287-fl-st-johns-county-sheriffs-office-jem"]
    assert str(st_johns.source) == ICE_287G_PAGE
    assert "link pending" in st_johns.notes


def test_provision_conditions_evaluate():
    """The JEM condition holds in the jail, not outside; a WSO needs an I-200/I-205."""
    from cooprules.corpus.celbinding import cel

    ags = load_agreements()
    by_id = {p.id: p for p in ags.provisions()}

    def holds(pid, **request):
        cond = compile_condition(by_id[pid].when)
        ctx = cel.Context()
        base = {"action": "immigration_officer_functions", "instrument": "none", "attachments": [],
                "context": {"location": "jail"}}
        base.update(request)
        for k, v in base.items():
            ctx.add_variable(k, v)
        return cond.evaluate(ctx)

    jem = "g287-tx-ellis-county-sheriffs-office-jem"
    assert holds(jem) is True
    assert holds(jem, context={"location": "public_place"}) is False
    assert holds(jem, action="civil_immigration_arrest") is False
    assert holds(jem, action="civil_immigration_arrest", instrument="administrative_warrant_arrest") is True
    wso = "g287-fl-orange-county-corrections-department-wso"
    assert holds(wso, action="civil_immigration_arrest", instrument="detainer_request") is False
    assert holds(wso, action="civil_immigration_arrest", instrument="detainer_request",
                 attachments=["administrative_warrant_removal"]) is True
    tfm = "g287-fl-lee-county-sheriffs-office-tfm"
    assert holds(tfm, context={"location": "public_place"}) is True
    assert holds(tfm) is False


# ---------------------------------------------------------------------- loading
def test_load_is_cached_and_fast():
    load_agreements.cache_clear()
    start = time.perf_counter()
    first = load_agreements()
    elapsed = time.perf_counter() - start
    assert elapsed < 0.3, elapsed
    assert load_agreements() is first


def test_from_csv_reports_bad_rows():
    header = ("state,agency,agency_type,county,model,signed,moa_url,addendum_url,"
              "first_list_date,last_list_date,ocd_id,entity,notes\n")
    good = "tx,X Sheriff,County,X County,task_force,2025-01-02,,,2025-05-16,2025-07-18,,,unmapped: test\n"
    assert len(Agreements.from_csv(io.StringIO(header + good))) == 1
    bad_model = good.replace("task_force", "street_patrol")
    with pytest.raises(ValueError, match="line 2"):
        Agreements.from_csv(io.StringIO(header + bad_model))
    half_mapped = good.replace(",,,unmapped", ",ocd-division/country:us/state:tx,,unmapped")
    with pytest.raises(ValueError, match="both"):
        Agreements.from_csv(io.StringIO(header + half_mapped))


@pytest.mark.skipif(not (SHARED / "ice_287g_participating_2025-05_to_2025-07.csv").exists(),
                    reason="research data folder not present (it is not shipped)")
def test_build_script_reproduces_shipped_file():
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_agreements.py"), str(SHARED),
         str(resources.files("cooprules.agreements") / "data" / DATA_FILE), "--check"],
        capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": "0"},
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
