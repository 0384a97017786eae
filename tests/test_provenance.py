"""Provenance as data (issue 11 items 1 and 6): lint of confidence/checked, the 287(g)
model templates, "none is a finding", and ``cooprules coverage``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cooprules.agreements import load_agreements
from cooprules.agreements.models import load_models, read_models
from cooprules.cli import app
from rulefiles import JURISDICTION_US as JURISDICTION, rules_tree, test_act

from cooprules.corpus.coverage import coverage_rows, none_found_index
from cooprules.corpus.lint import lint
from cooprules.corpus.loader import load_corpus, read_tree
from cooprules.corpus.schema import Confidence, Provision
from cooprules.vocabulary import Agreement287g, Request

US = "ocd-division/country:us"
def tree(tmp_path: Path, provenance: str) -> Path:
    return rules_tree(tmp_path / "rules", test_act(provenance=provenance))


def provenance_findings(root: Path) -> list[str]:
    return [str(f) for f in lint(root, national=False) if f.field in ("checked", "confidence", "checked.on")]


def test_default_confidence_is_unconfirmed(tmp_path):
    provisions, *_rest, errors = read_tree(tree(tmp_path, ""))
    assert not errors
    assert provisions[0].provision.confidence is Confidence.unconfirmed
    assert provenance_findings(tree(tmp_path / "b", "")) == []


@pytest.mark.parametrize("level", ["confirmed", "secondary"])
def test_confirmed_or_secondary_needs_checked(tmp_path, level):
    found = provenance_findings(tree(tmp_path, f"  confidence: {level}"))
    assert found == [f"us/test.yaml [us-test-1] checked: confidence '{level}' needs checked: "
                     "{url, on: YYYY-MM-DD, what: text|summary|report} (where and when the text was read); "
                     "otherwise say 'unconfirmed'"]


def test_checked_with_unquoted_on_key_satisfies_lint(tmp_path):
    root = tree(tmp_path, "  confidence: confirmed\n  checked:\n    url: https://example.org/t\n    on: 2026-11-29\n    what: text")
    assert provenance_findings(root) == []
    provisions, *_rest = read_tree(root)
    assert provisions[0].provision.checked.on == dt.date(2026, 11, 29)


def test_summary_supports_secondary_not_confirmed(tmp_path):
    block = "  checked: {url: 'https://example.org/t', on: 2026-11-29, what: summary}"
    found = provenance_findings(tree(tmp_path, "  confidence: confirmed\n" + block))
    assert len(found) == 1 and "[us-test-1] confidence" in found[0] and "'summary'" in found[0]
    assert provenance_findings(tree(tmp_path / "b", "  confidence: secondary\n" + block)) == []


def test_check_in_the_future_is_a_finding(tmp_path):
    later = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    found = provenance_findings(tree(tmp_path, f"  confidence: confirmed\n  checked: {{url: 'https://example.org/t', on: {later}, what: text}}"))
    assert len(found) == 1 and "checked.on" in found[0]


def test_bad_what_is_a_precise_error(tmp_path):
    root = tree(tmp_path, "  confidence: confirmed\n  checked: {url: 'https://example.org/t', on: 2026-11-29, what: skimmed}")
    errors = [str(f) for f in lint(root, national=False)]
    assert any("skimmed" in e and "text" in e and "summary" in e and "report" in e for e in errors), errors


# ------------------------------------------------------------------ shipped corpus
@pytest.fixture(scope="module")
def corpus():
    return load_corpus()


def test_shipped_corpus_has_provenance_everywhere_it_claims_it(corpus):
    for cp in corpus.provisions.values():
        p = cp.provision
        if p.confidence is not Confidence.unconfirmed:
            assert p.checked is not None, p.id
        if p.confidence is Confidence.confirmed:
            assert p.checked.what == "text", p.id


def test_each_model_is_encoded_once_and_generated_provisions_follow_it():
    models = load_models()
    ids = {m: models.get(m).id for m in Agreement287g if m is not Agreement287g.none}
    assert ids == {Agreement287g.jail_enforcement: "us-8usc-1357-g1-jem",
                   Agreement287g.task_force: "us-8usc-1357-g1-tfm",
                   Agreement287g.warrant_service_officer: "us-8usc-1357-g1-wso"}
    order = {"unconfirmed": 0, "secondary": 1, "confirmed": 2}
    by_model = {}
    for p in load_agreements().provisions():
        tpl = models.for_provision_id(p.id)
        assert order[p.confidence.value] <= order[tpl.confidence.value], p.id
        assert p.when == tpl.scope and list(p.actions) == list(tpl.actions), p.id
        assert p.checked == tpl.checked
        by_model.setdefault(tpl.model, p)
    assert len(by_model) == 3
    jem = by_model[Agreement287g.jail_enforcement]
    assert "responder.agreement_287g" not in jem.when and "context.location == 'jail'" in jem.when


def test_model_condition_must_name_its_model(tmp_path):
    root = tmp_path / "rules"
    (root / "us").mkdir(parents=True)
    src = (Path(load_models().get(Agreement287g.task_force).file))
    text = (Path(__file__).resolve().parents[1] / "rules" / src).read_text(encoding="utf-8")
    (root / "us" / "287g-model-task-force.yaml").write_text(
        text.replace("responder.agreement_287g == 'task_force' && ", ""), encoding="utf-8")
    with pytest.raises(ValueError, match="when: a model's condition must read"):
        read_models(root)


def test_missing_model_file_leaves_its_agreements_out(tmp_path):
    (tmp_path / "us").mkdir()
    assert read_models(tmp_path).get(Agreement287g.jail_enforcement) is None


# ------------------------------------------------------------------ none is a finding
def _hold(engine, place: str):
    return engine.evaluate(Request.model_validate({
        "responder": {"jurisdiction": place, "entity": "sheriff", "agreement_287g": "none"},
        "requester": "ice_ero", "action": "detainer_hold", "instrument": "detainer_request", "attachments": [],
        "subject": {"role": "in_custody"}, "context": {"date": "2026-06-01", "location": "jail"}}))


def test_checked_place_says_none_found_and_unchecked_keeps_the_caution(engine):
    fresno = _hold(engine, US + "/state:ca/county:fresno")
    kern = _hold(engine, US + "/state:ca/place:visalia")  # an unchecked city (all 58 counties were checked by 2026-12-06)
    assert fresno.outcome == kern.outcome
    assert fresno.not_encoded == [] and "Caution" not in fresno.summary
    assert "No local law found for Fresno County (checked 2026-12-05)." in fresno.summary
    assert fresno.trace[-1].combination == "no law of its own found (checked 2026-12-05)"
    assert kern.not_encoded == ["Visalia city"] and "Caution" in kern.summary
    assert kern.trace[-1].combination == "no law of this government is encoded"


def test_none_found_index_and_lint(corpus, tmp_path):
    idx = none_found_index(corpus)
    assert idx[US + "/state:il/county:dupage"].on == dt.date(2026, 12, 5)
    assert not set(idx) & set(corpus.folders)
    root = tree(tmp_path, "")
    (root / "us" / "_jurisdiction.yaml").write_text(
        JURISDICTION + "none_found:\n  - ocd_id: ocd-division/country:us/state:zz/county:nowhere\n"
        "    on: 2026-12-05\n    searched: county code and board minutes\n", encoding="utf-8")
    found = [str(f) for f in lint(root, national=False)]
    assert any("none_found[0].ocd_id" in f and "not in the jurisdiction registry" in f for f in found), found


# ------------------------------------------------------------------ coverage
def test_coverage_rows_count_every_provision(corpus):
    rows = coverage_rows(corpus)
    assert sum(r.total for r in rows) == len(corpus.provisions)
    gen = next(r for r in rows if r.folder.startswith("287(g)"))
    assert gen.levels["confirmed"] == 0 and gen.levels["secondary"] == gen.total


def test_coverage_cli_lists_levels_checks_and_none_found():
    result = CliRunner().invoke(app, ["coverage", "--checks"], env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    out = result.output
    assert "rules/us/tx" in out and "2026-12-05 text" in out
    assert "ocd-division/country:us/state:ca/county:fresno  checked 2026-12-05" in out
    assert "hand-written total" in out and "unconfirmed" in out
