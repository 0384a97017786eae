"""Property tests (Hypothesis): any valid request gets a decision in the vocabulary,
with citations where the law forbids or requires; the same request always gets the
same decision; cached, uncached and batch answers are identical; a presumed answer is
the answer with its presumed values given, and every ``unless`` value, given, gives
its outcome (DESIGN.md, Semantics 6)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cooprules import Engine, load_corpus
from cooprules.engine.frozen import is_frozen
from cooprules.engine.partial import PRESUMED, example_value, with_fact
from cooprules.vocabulary import (
    Action, Agreement287g, Entity, InfoType, Instrument, Location, OffenceCategory, Outcome, Purpose,
    Requester, Role,
)

JURISDICTIONS = [
    "ocd-division/country:us",
    "ocd-division/country:us/state:ca",
    "ocd-division/country:us/state:ca/county:san_diego",
    "ocd-division/country:us/state:ca/county:fresno",
    "ocd-division/country:us/state:ca/place:los_angeles",
    "ocd-division/country:us/state:ca/county:los_angeles/school_district:los_angeles_unified",
    "ocd-division/country:us/state:tx/county:harris",
]


def words(enum):
    return st.sampled_from([e.value for e in enum])


def maybe(strategy):
    return st.one_of(st.none(), strategy)


convictions = st.lists(st.fixed_dictionaries({"category": words(OffenceCategory),
                                              "years_ago": st.integers(0, 40)}), max_size=3)
pending = st.one_of(st.just("none"), st.fixed_dictionaries(
    {"category": words(OffenceCategory)}, optional={"probable_cause_determined": st.booleans()}))


@st.composite
def requests(draw):
    action = draw(words(Action))
    req = {
        "responder": {"jurisdiction": draw(st.sampled_from(JURISDICTIONS)), "entity": draw(words(Entity))},
        "requester": draw(words(Requester)),
        "action": action,
        "instrument": draw(words(Instrument)),
    }
    attachments = draw(maybe(st.lists(words(Instrument), max_size=2)))
    if attachments is not None:
        req["attachments"] = attachments
    if action == "information_sharing":
        req["info_type"] = draw(words(InfoType))
    agreement = draw(maybe(words(Agreement287g)))
    if agreement:
        req["responder"]["agreement_287g"] = agreement
    subject = {k: v for k, v in {
        "role": draw(maybe(words(Role))), "minor": draw(maybe(st.booleans())),
        "convictions": draw(maybe(convictions)), "pending_charge": draw(maybe(pending)),
        "registered_sex_offender": draw(maybe(st.booleans())), "federal_felony_warrant": draw(maybe(st.booleans())),
        "final_removal_order": draw(maybe(st.booleans())), "previously_removed": draw(maybe(st.booleans())),
        "consent_given": draw(maybe(st.booleans())), "proof_of_status_shown": draw(maybe(st.booleans())),
    }.items() if v is not None}
    context = {k: v for k, v in {
        "location": draw(maybe(words(Location))), "purpose": draw(maybe(words(Purpose))),
        "info_publicly_available": draw(maybe(st.booleans())), "exigent_circumstances": draw(maybe(st.booleans())),
        "hours_held_past_release": draw(maybe(st.integers(0, 200))),
        "date": draw(st.dates(dt.date(2012, 1, 1), dt.date(2027, 12, 31))).isoformat(),
    }.items() if v is not None}
    req["subject"], req["context"] = subject, context
    if draw(st.integers(0, 5)) == 0:
        req["presume"] = False
    return req


@pytest.fixture(scope="module")
def uncached(engine):
    """An engine with no cache at all, over a corpus loaded on its own (no object
    shared with the cached engine's corpus)."""
    return Engine(corpus=load_corpus(), registry=engine.registry, cache=False)


SETTINGS = settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(requests())
def test_every_valid_request_gets_a_decision_in_the_vocabulary(engine, request_dict):
    decision = engine.evaluate(request_dict)
    assert decision.outcome in set(Outcome)
    if decision.outcome in (Outcome.required, Outcome.prohibited):
        assert decision.citations, "a required or prohibited answer must cite what it rests on"
    if decision.outcome is Outcome.conditional:
        assert decision.depends_on and len(decision.alternatives) >= 2
        if request_dict.get("presume", True):  # only facts without a presumption make it conditional
            assert not {m.fact for m in decision.depends_on} & (set(PRESUMED) - {"subject.pending_charge"})
    if request_dict.get("presume") is False:
        assert not decision.presumed and not decision.unless
    assert decision.as_of.isoformat() == request_dict["context"]["date"]
    assert decision.summary
    assert {layer.layer for layer in decision.trace} >= {"federal"}


@SETTINGS
@given(requests())
def test_same_request_same_decision_cached_uncached_and_batch(engine, uncached, request_dict):
    first = engine.evaluate(request_dict)
    fresh = uncached.evaluate(request_dict)
    (batched,) = uncached.evaluate_many([request_dict])
    assert fresh is not first and batched is not first and batched is not fresh
    assert first.model_dump_json() == fresh.model_dump_json() == batched.model_dump_json()
    assert is_frozen(first) and is_frozen(fresh) and is_frozen(batched)
    # the uncached engine kept nothing: no plan, boundary, decision or resolution
    assert not (len(uncached._plans) or len(uncached._boundaries) or len(uncached._decisions)
                or len(uncached._resolved) or uncached._canonical)


@SETTINGS
@given(requests(), st.dates(dt.date(2014, 1, 1), dt.date(2027, 12, 31)))
def test_as_of_overrides_the_request_date(engine, uncached, request_dict, day):
    decision = engine.evaluate(request_dict, as_of=day)
    assert decision.as_of == day
    assert decision == uncached.evaluate(request_dict, as_of=day)


def _presumed_given(request_dict, decision):
    out = request_dict
    for p in decision.presumed:
        if p.fact == "attachments" and p.value == "nothing else":
            continue  # the list given already says what came
        out = with_fact(out, p.fact, example_value(p.fact, p.value) if p.fact != "subject.pending_charge" else "none")
    return out


@SETTINGS
@given(requests())
def test_presumed_answer_is_the_answer_with_the_presumed_values_given(engine, uncached, request_dict):
    decision = engine.evaluate(request_dict)
    if not decision.presumed:
        return
    explicit = uncached.evaluate(_presumed_given(request_dict, decision))
    assert explicit.outcome == decision.outcome
    assert [c.id for c in explicit.citations] == [c.id for c in decision.citations]
    assert {p.fact for p in explicit.presumed} <= {"attachments"}


@SETTINGS
@given(requests())
def test_every_unless_value_given_gives_its_outcome(engine, uncached, request_dict):
    decision = engine.evaluate(request_dict)
    base = _presumed_given(request_dict, decision)
    for u in decision.unless:
        for label in u.values:
            value = example_value(u.fact, label)
            if u.fact == "attachments":
                value = (request_dict.get("attachments") or []) + value
            other = uncached.evaluate(with_fact(base, u.fact, value))
            assert other.outcome == u.outcome, (u.fact, label, other.outcome)
