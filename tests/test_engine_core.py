"""The engine cannot quietly be wrong (issue 9 items 2, 3, 4, 5, 7):

- the facts a condition reads come from its syntax tree: ``subject['minor']`` is read
  as ``subject.minor`` (the cache keys on it), and access forms the reader cannot
  vouch for are refused at load, naming file, provision and field;
- a decision handed out cannot be changed, so it cannot change another answer;
- the caches are bounded in bytes; ``cache=False`` keeps nothing;
- a condition that fails at run time is a CorpusError naming the provision and its
  file, reported without a traceback by the engine, the batch path, JSON Lines, HTTP
  and the CLI.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import cooprules
from cooprules import Engine, load_corpus
from cooprules.api import create_app
from cooprules.engine.frozen import is_frozen
from cooprules.engine.memo import SizedLRU, cache_mb
from cooprules.errors import CorpusError
from cooprules.vocabulary import Outcome

US = "ocd-division/country:us"
HOLD = {"responder": {"jurisdiction": US, "entity": "jail", "agreement_287g": "none"}, "requester": "ice_ero",
        "action": "detainer_hold", "instrument": "detainer_request", "attachments": [],
        "context": {"date": "2026-11-29"}}


def _corpus(tmp_path: Path, exception_when: str) -> Path:
    """A two-provision fixture (not law): holds are permitted; an exception prohibits
    them when ``exception_when`` holds."""
    root = tmp_path / "rules" / "us"
    root.mkdir(parents=True)
    (root / "_jurisdiction.yaml").write_text("ocd_id: ocd-division/country:us\nname: United States\nid_prefix: us\n")
    (root / "fixture.yaml").write_text(f"""# A fixture, not law.
document:
  title: Fixture
  cite: Fixture
  source: https://example.org/fixture
  source_kind: statute
  effective_from: 2000-01-01
  binds: all
provisions:
  - id: us-hold
    cite: Fixture § 1
    title: Holds are permitted
    actions: [detainer_hold]
    effect: permitted
  - id: us-no-hold
    cite: Fixture § 2
    title: No hold in this case
    actions: [detainer_hold]
    effect: prohibited
    overrides: [us-hold]
    when: {json.dumps(exception_when)}
""")
    return tmp_path / "rules"


def _engine(engine, rules: Path, **kw) -> Engine:
    return Engine(corpus=load_corpus(rules), registry=engine.registry, **kw)


def _with(subject: dict | None = None, context: dict | None = None) -> dict:
    return {**HOLD, "subject": subject or {}, "context": {**HOLD["context"], **(context or {})}}


# ------------------------------------------------------------------ item 2
def test_a_fact_read_by_index_is_read_and_keys_the_cache(engine, tmp_path):
    cached = _engine(engine, _corpus(tmp_path, "subject['minor']"))
    uncached = Engine(corpus=load_corpus(tmp_path / "rules"), registry=engine.registry, cache=False)
    assert cached.corpus.get("us-no-hold").condition.facts == {"subject.minor"}
    assert cached.evaluate(_with({"minor": True})).outcome is Outcome.prohibited
    assert cached.evaluate(_with({"minor": False})).outcome is Outcome.permitted  # not the cached answer
    assert uncached.evaluate(_with({"minor": False})).outcome is Outcome.permitted
    left_out = cached.evaluate(_with({}))  # minor has no presumption: it splits the answer
    assert left_out.outcome is Outcome.conditional and [m.fact for m in left_out.depends_on] == ["subject.minor"]


@pytest.mark.parametrize("when,words", [
    ("subject[action] == true", "computed key"),
    ("subject == {'minor': true}", "read as a whole"),
    ("{'m': subject}['m'].minor", "read as a whole"),
    ("[true].exists(subject, subject)", "macro variable"),
])
def test_access_forms_the_reader_cannot_vouch_for_are_refused_at_load(tmp_path, when, words):
    with pytest.raises(CorpusError) as caught:
        load_corpus(_corpus(tmp_path, when))
    text = str(caught.value)
    assert "fixture.yaml" in text and "us-no-hold" in text and "when" in text and words in text


def test_the_reader_finds_what_the_text_hides(engine, tmp_path):
    rules = _corpus(tmp_path, "(subject).minor || has(subject.registered_sex_offender) || attachments.size() > 1 "
                              "|| size(subject.convictions.filter(c, c.category == 'violent_felony')) >= 2")
    cond = load_corpus(rules).get("us-no-hold").condition
    assert cond.facts == {"subject.minor", "subject.registered_sex_offender", "subject.convictions", "attachments"}
    assert cond.counted == {"subject.convictions", "attachments"}
    assert 2 in cond.numbers and "violent_felony" in cond.strings


# ------------------------------------------------------------------ item 3
def test_mutating_a_returned_decision_cannot_change_another_answer(engine):
    request = {**HOLD, "responder": {"jurisdiction": "ocd-division/country:us/state:ca/county:san_diego",
                                     "entity": "sheriff"}}
    first = engine.evaluate(request)
    before = first.model_dump_json()
    assert first.citations and is_frozen(first)
    for attempt in (lambda: first.citations.clear(), lambda: first.trace[0].provisions.append(None),
                    lambda: first.unless.pop(), lambda: first.supplied.extend(["x"]),
                    lambda: first.citations.__setitem__(0, None), lambda: first.duties.sort()):
        with pytest.raises(TypeError):
            attempt()
    with pytest.raises(Exception):
        first.outcome = Outcome.permitted  # the model itself is frozen
    second = engine.evaluate(request)
    other_day = engine.evaluate({**request, "context": {"date": "2026-11-30"}})
    assert second.model_dump_json() == before
    assert other_day.citations == first.citations and other_day.citations
    # a copy is the caller's to change
    mine = list(second.citations)
    mine.clear()
    assert engine.evaluate(request).citations


# ------------------------------------------------------------------ items 4 and 5
def test_cache_false_keeps_nothing_and_the_caches_are_bounded_in_bytes(engine):
    none = Engine(corpus=engine.corpus, registry=engine.registry, cache=False)
    none.evaluate(HOLD)
    assert (len(none._plans), len(none._boundaries), len(none._decisions), len(none._resolved)) == (0, 0, 0, 0)
    small = Engine(corpus=engine.corpus, registry=engine.registry, cache_mb=0.05)
    for entity in ("jail", "sheriff", "police", "probation", "library"):
        for day in ("2026-11-29", "2019-01-01", "2014-06-01"):
            small.evaluate({**HOLD, "responder": {"jurisdiction": "ocd-division/country:us/state:ca/county:fresno",
                                                  "entity": entity}, "context": {"date": day}})
    for cache in (small._plans, small._decisions, small._resolved, small._boundaries):
        assert cache.bytes <= cache.limit
    assert small._decisions.limit == int(0.05 * 2 ** 20 * 0.5)


def test_sized_lru_evicts_least_recently_used_first():
    lru = SizedLRU(100, lambda k, v: v)
    lru.put("a", 40)
    lru.put("b", 40)
    assert lru.get("a") == 40  # now b is the least recently used
    lru.put("c", 40)
    assert "b" not in lru and "a" in lru and "c" in lru and lru.bytes == 80
    lru.put("huge", 500)  # larger than the whole limit: not kept
    assert "huge" not in lru and lru.bytes == 80


def test_cache_size_from_the_environment(monkeypatch):
    monkeypatch.setenv("COOPRULES_CACHE_MB", "64")
    assert cache_mb() == 64
    monkeypatch.setenv("COOPRULES_CACHE_MB", "lots")
    with pytest.raises(ValueError, match="COOPRULES_CACHE_MB"):
        cache_mb()
    with pytest.raises(ValueError):
        cache_mb(float("nan"))


# ------------------------------------------------------------------ item 7
BROKEN = "context.hours_held_past_release + 'x' == 'y'"


@pytest.fixture()
def broken(engine, tmp_path) -> Engine:
    return _engine(engine, _corpus(tmp_path, BROKEN))


def _check(entry: dict) -> None:
    assert entry["provision"] == "us-no-hold" and entry["field"] == "when"
    assert entry["file"].endswith("fixture.yaml") and "failed" in entry["message"]
    assert "Traceback" not in json.dumps(entry)


def test_a_failing_condition_is_a_corpus_error_naming_provision_and_file(broken):
    with pytest.raises(CorpusError) as caught:
        broken.evaluate(_with(context={"hours_held_past_release": 3}))
    assert caught.value.provision_id == "us-no-hold" and caught.value.file.endswith("fixture.yaml")
    assert not isinstance(caught.value, RuntimeError)
    # the fact left out: undetermined, presumed 0 hours, and 0 hours fails the same way
    with pytest.raises(CorpusError):
        broken.evaluate(_with())
    with pytest.raises(CorpusError):
        broken.evaluate_many([_with(context={"hours_held_past_release": 3})])


def test_json_lines_report_a_failing_condition_on_its_line(broken):
    from cooprules.lines import Line, answer

    batch = [Line(1, json.dumps(_with(context={"hours_held_past_release": 3})), None)]
    ((ok, text),) = answer(broken, batch)
    body = json.loads(text)
    assert not ok and body["line"] == 1 and body["error"] == "corpus_error"
    _check(body["errors"][0])


def test_http_reports_a_failing_condition_as_a_clear_500(broken):
    with TestClient(create_app(broken, web=False), raise_server_exceptions=False) as client:
        one = client.post("/v1/decisions", json=_with(context={"hours_held_past_release": 3}))
        many = client.post("/v1/decisions/batch", json={"requests": [_with(context={"hours_held_past_release": 3})]})
    assert one.status_code == 500 and one.json()["error"] == "corpus_error"
    _check(one.json()["errors"][0])
    if many.status_code == 200:
        item = many.json()["results"][0]["error"]
        assert item["error"] == "corpus_error"
        _check(item["errors"][0])


def test_the_cli_reports_a_failing_condition_without_a_traceback(broken, monkeypatch):
    from typer.testing import CliRunner

    from cooprules.cli import app

    monkeypatch.setattr(cooprules, "default_engine", lambda: broken)
    result = CliRunner().invoke(app, ["ask", "-j", US, "-e", "jail", "--requester", "ice_ero", "-a", "detainer_hold",
                                      "-i", "detainer_request", "--no-attachments", "--hours-held", "3",
                                      "--date", "2026-11-29"])
    assert result.exit_code == 2, result.output
    assert "us-no-hold" in result.output and "fixture.yaml" in result.output
    assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)


# ------------------------------------------------------------------ two convictions (issue 9, item 6)
TWO = "size(subject.convictions.filter(c, c.category == 'violent_felony')) >= 2"


def test_a_rule_counting_two_convictions_is_not_answered_as_if_one_were_all(engine, tmp_path):
    from cooprules.engine.partial import example_value

    fixture = _engine(engine, _corpus(tmp_path, TWO))
    assert fixture.corpus.get("us-no-hold").condition.counted == {"subject.convictions"}
    # counsel's full analysis: convictions unknown, so the answer depends on them
    full = fixture.evaluate({**_with(), "presume": False})
    assert full.outcome is Outcome.conditional, full.summary
    assert {a.outcome for a in full.alternatives} == {Outcome.permitted, Outcome.prohibited}
    # presumed none: permitted, unless two violent felonies
    presumed = fixture.evaluate(_with())
    assert presumed.outcome is Outcome.permitted
    (unless,) = [u for u in presumed.unless if u.fact == "subject.convictions"]
    assert unless.outcome is Outcome.prohibited and unless.citations == ["us-no-hold"]
    for label in unless.values:
        given = example_value("subject.convictions", label)
        assert len(given) == 2
        assert fixture.evaluate(_with({"convictions": given})).outcome is Outcome.prohibited
    one = [{"category": "violent_felony", "years_ago": 3}]
    assert fixture.evaluate(_with({"convictions": one})).outcome is Outcome.permitted
