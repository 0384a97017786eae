"""Golden tests of the semantics, on small fixture corpora separate from the real law
(Catala's tests/exception/good and bad): a change to the engine shows exactly which
behaviours moved.

- ``semantics/good/<name>/``: a corpus (``rules/``) and cases (``cases.yaml``) whose
  outcomes, citations, duties, missing facts, contested lists and layer verdicts are
  fixed; its corpus must lint clean.
- ``semantics/bad/<name>/``: a corpus that lint must reject with the finding in
  ``expected.txt``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cooprules import Engine, load_corpus
from cooprules.corpus.lint import lint
from cooprules.errors import CorpusError
from cooprules.scenarios import load_scenarios, run

HERE = Path(__file__).parent / "semantics"
GOOD = sorted(p for p in (HERE / "good").iterdir() if p.is_dir())
BAD = sorted(p for p in (HERE / "bad").iterdir() if p.is_dir())


#: Fixtures whose expected answers the engine does not give yet (the expectation is the
#: law's; the reference model gives it): issue 9, "Missing facts are tried one value at
#: a time" - a rule counting two convictions gets a definite answer where it should not.
ENGINE_LACKS = {"two-items": "issue 9: the engine tries convictions and further papers as single-item lists only"}


@pytest.mark.parametrize("folder", [pytest.param(p, marks=pytest.mark.xfail(reason=ENGINE_LACKS[p.name], strict=True))
                                    if p.name in ENGINE_LACKS else p for p in GOOD], ids=[p.name for p in GOOD])
def test_good_fixture_lints_clean_and_answers_as_expected(engine, folder):
    assert lint(folder / "rules", registry=engine.registry) == []
    fixture_engine = Engine(corpus=load_corpus(folder / "rules"), registry=engine.registry)
    results = run(fixture_engine, load_scenarios(folder / "cases.yaml"))
    failures = [f"{r.case.name}: {'; '.join(r.problems)}" for r in results if not r.passed]
    assert not failures, "\n".join(failures)
    assert len(results) >= 10


@pytest.mark.parametrize("folder", GOOD, ids=[p.name for p in GOOD])
def test_reference_model_gives_every_golden_answer(engine, folder):
    """The reference model (src/cooprules/reference.py) answers every golden case as
    its expectation says: outcome, citations and the unless outcomes per fact."""
    from cooprules.reference import Reference

    corpus = load_corpus(folder / "rules")
    ref = Reference(corpus, engine.registry, engine.agreements)
    problems = []
    for case in load_scenarios(folder / "cases.yaml"):
        answer, exp = ref.answer(case.request), case.expect
        if answer.outcome != exp["outcome"]:
            problems.append(f"{case.name}: outcome {answer.outcome}, expected {exp['outcome']}")
        if answer.outcome != "conditional" and not set(exp.get("citations") or []) <= answer.citations:
            problems.append(f"{case.name}: citations {sorted(answer.citations)}, expected {exp['citations']}")
        for item in exp.get("unless") or []:
            if (item["fact"], item["outcome"]) not in answer.unless:
                problems.append(f"{case.name}: no unless {item['fact']} -> {item['outcome']}")
        if exp.get("unless") == [] and answer.unless:
            problems.append(f"{case.name}: unless {answer.unless}, expected none")
        for item in exp.get("depends_on") or []:
            fact = item if isinstance(item, str) else item["fact"]
            if fact not in answer.depends_on:
                problems.append(f"{case.name}: does not depend on {fact}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("folder", BAD, ids=[p.name for p in BAD])
def test_bad_fixture_is_rejected_with_a_precise_finding(engine, folder):
    expected = (folder / "expected.txt").read_text().strip()
    findings = lint(folder / "rules", registry=engine.registry)
    text = "\n".join(str(f) for f in findings)
    assert expected in text, text
    assert all(f.file.endswith(".yaml") for f in findings)


def test_load_refuses_a_broken_corpus_naming_file_and_id():
    with pytest.raises(CorpusError) as info:
        load_corpus(HERE / "bad" / "unknown-field" / "rules")
    assert "us/doc.yaml" in str(info.value) and "us-a" in str(info.value) and "when" in str(info.value)


def test_trace_names_who_defeated_whom(engine):
    fixture_engine = Engine(corpus=load_corpus(HERE / "good" / "stack" / "rules"), registry=engine.registry)
    decision = fixture_engine.evaluate({
        "responder": {"jurisdiction": "ocd-division/country:us/state:ca/county:fresno", "entity": "sheriff"},
        "requester": "ice_ero", "action": "release_notification", "instrument": "notification_request",
        "subject": {"minor": True, "convictions": [{"category": "violent_felony", "years_ago": 3}]},
        "context": {"date": "2021-06-01"}})
    state = next(t for t in decision.trace if t.layer == "state")
    reasons = {p.id: p.reason for p in state.provisions}
    assert "ca-notify-minor" in reasons["ca-notify-felony"]
    assert reasons["ca-notify-minor"] == "applies"
    federal = next(t for t in decision.trace if t.layer == "federal")
    assert federal.verdict == "permitted" and state.combination.startswith("restricts")


def test_a_conflict_cites_only_the_required_and_the_prohibited(engine):
    """DESIGN.md, Semantics 4: a permission beside the conflict yields to both sides and
    is not part of it (found by the reference model)."""
    fixture_engine = Engine(corpus=load_corpus(HERE / "good" / "steps" / "rules"), registry=engine.registry)
    decision = fixture_engine.evaluate({
        "responder": {"jurisdiction": "ocd-division/country:us/state:ca/county:fresno", "entity": "sheriff"},
        "requester": "ice_ero", "action": "interview_access", "instrument": "written_request",
        "subject": {"consent_given": True, "minor": True},
        "context": {"location": "school", "purpose": "criminal_investigation", "date": "2021-06-01"}})
    assert decision.outcome.value == "conflict"
    assert sorted(c.id for c in decision.citations) == ["ca-interview-consent", "ca-interview-minor"]
    assert sorted(decision.conflicts) == ["ca-interview-consent", "ca-interview-minor"]
    state = next(t for t in decision.trace if t.layer == "state")
    assert "yields" in next(p.reason for p in state.provisions if p.id == "ca-interview-counsel")
