"""The engine's use of its own data: ICE's 287(g) list fills an unknown agreement
(VOCABULARY.md, responder.agreement_287g), governments whose law is not encoded are
named, and a partly given fact is still asked for."""

from __future__ import annotations

from cooprules.vocabulary import Outcome

DUVAL = "ocd-division/country:us/state:fl/county:duval"


def request(**over):
    base = {"responder": {"jurisdiction": DUVAL, "entity": "sheriff"}, "requester": "ice_ero",
            "action": "immigration_officer_functions", "instrument": "detainer_request",
            "context": {"location": "jail", "date": "2025-07-01"}}
    base.update(over)
    return base


def test_agreement_is_taken_from_the_287g_list_when_not_given(engine):
    decision = engine.evaluate(request())
    assert decision.supplied and "jail_enforcement" in decision.supplied[0]
    assert "Jacksonville Sheriff's Office" in decision.supplied[0]
    ids = {p.id for layer in decision.trace for p in layer.provisions if p.stood}
    assert "us-8usc-1357-g1-jem" in ids
    assert "g287-fl-jacksonville-sheriffs-office-jem" in ids
    assert decision.outcome in (Outcome.permitted, Outcome.required)


def test_an_agreement_given_in_the_request_is_not_replaced(engine):
    decision = engine.evaluate(request(responder={"jurisdiction": DUVAL, "entity": "sheriff", "agreement_287g": "none"}))
    assert decision.supplied == []
    ids = {p.id for layer in decision.trace for p in layer.provisions if p.stood}
    assert "us-8usc-1357-g1-jem" not in ids


def test_no_agreement_before_it_was_signed(engine):
    decision = engine.evaluate(request(context={"location": "jail", "date": "2019-01-01"}))
    # not on the list for that date: presumed none, and the answer says so with the list's date
    assert ("responder.agreement_287g", "none") in [(p.fact, p.value) for p in decision.presumed]
    # a 2025 list cannot show an agreement of 2019 that had ended before it: the note says so
    assert decision.supplied == ["No 287(g) agreement presumed: ICE's 287(g) list of 2025-07-18, the earliest "
                                 "encoded, shows none for this office in force on this date; it does not show "
                                 "agreements that had ended before it."]
    assert "responder.agreement_287g" in [u.fact for u in decision.unless]
    assert all(not p.id.startswith("g287-") or not p.stood for layer in decision.trace for p in layer.provisions)


def test_governments_without_encoded_law_are_named_in_the_answer(engine):
    decision = engine.evaluate(request())
    assert "Duval County" in decision.not_encoded
    assert "not encoded" in decision.summary


def test_pending_charge_without_the_probable_cause_finding_is_asked_for(engine):
    decision = engine.evaluate({
        "responder": {"jurisdiction": "ocd-division/country:us/state:ca/county:fresno", "entity": "sheriff"},
        "requester": "ice_ero", "action": "release_notification", "instrument": "detainer_request",
        "subject": {"role": "in_custody", "convictions": [], "registered_sex_offender": False,
                    "federal_felony_warrant": False, "pending_charge": {"category": "violent_felony"}},
        "context": {"info_publicly_available": False, "date": "2025-06-01"}})
    assert decision.outcome is Outcome.conditional
    (fact,) = decision.depends_on
    assert fact.fact == "subject.pending_charge"
    by_value = {v.value: v.outcomes for v in fact.values}
    assert by_value["violent_felony, probable cause found"] == [Outcome.permitted]
    assert by_value["violent_felony, probable cause not found"] == [Outcome.prohibited]
