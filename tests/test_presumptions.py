"""Presumed values and ``unless`` over the real corpus, as users state requests
(DESIGN.md, Semantics 6; issue 8's "Done when"):

- every Texas, Florida and Georgia county jail asked to hold on an I-247A with an
  I-200 (nothing else said) must hold, with the 48-hour limit under ``unless``; every
  California county jail must not, with the judicial-warrant exception under ``unless``;
- the standard scenarios stated as a user would (no fact with a presumed value given)
  are ``conditional`` only on facts without a presumption, and each ``unless`` value,
  given, gives its outcome, while a value not listed gives the presumed answer;
- the plain words name no raw fact path or value label, in English or Spanish.
"""

from __future__ import annotations

import re

import pytest

from cooprules.analysis.standard import load_scenarios
from cooprules.engine.explain import presumed_text, summary_text, unless_text
from cooprules.engine.partial import PRESUMED, covers, example_value, with_fact
from cooprules.vocabulary import Outcome

DAY = "2026-11-29"
HOLD = {"requester": "ice_ero", "action": "detainer_hold", "instrument": "detainer_request",
        "attachments": ["administrative_warrant_arrest"], "context": {"date": DAY}}


def _counties(engine, state: str) -> list[str]:
    kids = engine.registry.children(f"ocd-division/country:us/state:{state}")
    ids = [k if isinstance(k, str) else k.ocd_id for k in kids]
    return [i for i in ids if "/county:" in i.rsplit("/", 1)[-1] or i.rsplit("/", 1)[-1].startswith("county:")]


@pytest.mark.parametrize("state,count", [("tx", 254), ("fl", 67), ("ga", 159)])
def test_every_county_jail_in_texas_florida_georgia_must_hold_for_no_more_than_48_hours(engine, state, count):
    counties = _counties(engine, state)
    assert len(counties) == count
    for county in counties:
        d = engine.evaluate({**HOLD, "responder": {"jurisdiction": county, "entity": "jail"}})
        assert d.outcome is Outcome.required, (county, d.summary)
        limit = [u for u in d.unless if u.fact == "context.hours_held_past_release"]
        assert [(u.values, u.outcome) for u in limit] == [(["48 hours or more"], Outcome.prohibited)], county
        assert "us-8cfr-287.7-d-limit" in limit[0].citations
        assert "for no more than 48 hours past release" in d.summary
        assert d.presumed and all(p.fact in PRESUMED for p in d.presumed)


def test_a_duty_that_lifts_is_not_worded_as_an_endorsement(engine):
    """Texas requires the hold (Tex. Code Crim. Proc. art. 2A.060(a)(1)) unless the
    person has shown proof of citizenship or lawful status (art. 2A.060(b)): then the
    state duty lifts and federal law only permits. The deputy reads that the law no
    longer requires it, not a bare "then you may" (EN and ES), on every front end."""
    from cooprules.engine.explain import summary_text

    d = engine.evaluate({**HOLD, "responder": {"jurisdiction": "ocd-division/country:us/state:tx/county:harris",
                                               "entity": "jail"}})
    assert d.outcome is Outcome.required
    (proof,) = [u for u in d.unless if u.fact == "subject.proof_of_status_shown"]
    assert proof.outcome is Outcome.permitted
    assert unless_text(proof, "en", d.outcome).endswith("then the law does not require it: you may, as your agency decides.")
    assert unless_text(proof, "es", d.outcome).endswith("entonces la ley no lo exige: puede hacerlo, según decida su agencia.")
    assert "then the law does not require it" in d.summary
    assert "entonces la ley no lo exige" in summary_text(d, "es")
    # after a prohibition a permission still reads "then you may"
    assert unless_text(proof, "en", Outcome.prohibited).endswith("then you may.")


def test_every_california_county_jail_must_not_hold_unless_a_judicial_warrant(engine):
    counties = _counties(engine, "ca")
    assert len(counties) == 58
    for county in counties:
        d = engine.evaluate({**HOLD, "responder": {"jurisdiction": county, "entity": "jail"}})
        assert d.outcome is Outcome.prohibited, (county, d.summary)
        warrant = [u for u in d.unless if u.fact == "attachments" and "judicial_warrant" in u.values]
        assert warrant and warrant[0].outcome is Outcome.permitted, county
        assert "Unless a judicial warrant came with it: then you may." in unless_text(
            warrant[0].model_copy(update={"values": ["judicial_warrant"]}))
        assert "judicial warrant" in d.summary


#: Jurisdictions the standard scenarios are checked over: states, cities, counties and
#: a school district, each with local law encoded.
PLACES = [
    "ocd-division/country:us/state:ca/county:san_diego",
    "ocd-division/country:us/state:ca/place:los_angeles",
    "ocd-division/country:us/state:ca/county:los_angeles/school_district:los_angeles_unified",
    "ocd-division/country:us/state:tx/county:harris",
    "ocd-division/country:us/state:fl/county:miami-dade",
    "ocd-division/country:us/state:ga/county:fulton",
    "ocd-division/country:us/state:il/county:cook",
    "ocd-division/country:us/state:ny/place:new_york",
    "ocd-division/country:us/state:wa/county:king",
    "ocd-division/country:us/state:nc/county:mecklenburg",
]

#: Values a user might give for each fact with a presumed value (request form), tried
#: against the ``unless`` lists: one that changes the outcome must be listed.
PROBES = {
    "attachments": [["judicial_warrant"], ["court_order"], ["judicial_subpoena"], ["administrative_warrant_arrest"],
                    ["administrative_warrant_removal"], ["judicial_probable_cause_determination"]],
    "subject.convictions": [[{"category": c, "years_ago": y}] for c in
                            ("serious_felony", "violent_felony", "listed_felony", "other_felony", "misdemeanor")
                            for y in (1, 4, 12, 30)],
    "subject.pending_charge": [{"category": c, "probable_cause_determined": pc}
                               for c in ("violent_felony", "other_felony", "misdemeanor") for pc in (True, False)],
    "context.hours_held_past_release": [10, 47, 48, 100],
    "responder.agreement_287g": ["jail_enforcement", "task_force", "warrant_service_officer"],
}


def _as_a_user_states_it(request: dict) -> dict:
    """The request without any fact that has a presumed value (its role, minor, place
    and purpose stay)."""
    out = {k: v for k, v in request.items() if k != "attachments"}
    for root in ("subject", "context", "responder"):
        if root in out:
            out[root] = {k: v for k, v in out[root].items() if f"{root}.{k}" not in PRESUMED}
    return out


def _cases():
    scenarios = load_scenarios()
    return [(place, s) for place in PLACES for s in scenarios]


@pytest.fixture(scope="module")
def stated(engine):
    out = []
    for place, scenario in _cases():
        kind = place.rsplit("/", 1)[-1].split(":")[0]
        req = _as_a_user_states_it(scenario.request_for(place, kind=kind))
        req["context"] = {**req.get("context", {}), "date": DAY}
        out.append((req, engine.evaluate(req)))
    return out


def test_standard_scenarios_as_users_state_them_are_conditional_only_on_facts_without_presumption(stated):
    assert len(stated) >= 1000
    presumable = set(PRESUMED)
    conditional = [d for _, d in stated if d.outcome is Outcome.conditional]
    for d in conditional:
        assert not {m.fact for m in d.depends_on} & presumable, [m.fact for m in d.depends_on]
    with_presumptions = [d for _, d in stated if d.presumed]
    assert len(with_presumptions) > len(stated) // 2
    assert sum(bool(d.unless) for _, d in stated) > 200


def test_every_unless_value_given_gives_its_outcome_and_other_values_do_not_change_it(engine, stated):
    checked = 0
    for req, d in stated:
        if not d.presumed or d.outcome is Outcome.conditional:
            continue
        base = req
        for p in d.presumed:
            if p.value != "nothing else":
                base = with_fact(base, p.fact, example_value(p.fact, p.value))
        for u in d.unless:
            for label in u.values:
                value = example_value(u.fact, label)
                if u.fact == "attachments":
                    value = (req.get("attachments") or []) + value
                assert engine.evaluate(with_fact(base, u.fact, value)).outcome is u.outcome, (req, u.fact, label)
                checked += 1
        for p in d.presumed:
            for value in PROBES.get(p.fact, [True]):
                got = engine.evaluate(with_fact(base, p.fact, value)).outcome
                if got is d.outcome:
                    continue
                listed = [u for u in d.unless if u.fact == p.fact and u.outcome is got
                          and any(covers(p.fact, label, value) for label in u.values)]
                assert listed, (req["action"], req["responder"], p.fact, value, got, d.unless)
    assert checked > 500


_RAW = re.compile(r"\b(subject|context|responder)\.\w+|\b[a-z]+_[a-z_]+\b|\[|\]|\('|'\)|'[a-z_]+'")


@pytest.mark.parametrize("lang", ["en", "es"])
def test_plain_words_name_no_fact_path_or_value_label(stated, lang):
    for _, d in stated:
        texts = [summary_text(d, lang)] + [unless_text(u, lang) for u in d.unless] + \
                [presumed_text(p, lang) for p in d.presumed]
        for text in texts:
            assert not _RAW.search(text.replace("(g)", "")), text


def test_a_pair_of_papers_reads_in_english_and_spanish_and_back_as_a_request():
    """Issue 9: the engine tries two further papers together; their label
    ("judicial_warrant + detainer_request") is worded, and read back, as both papers."""
    from cooprules.engine.explain import unless_values_text
    from cooprules.engine.partial import covers, example_value

    label = "judicial_warrant + detainer_request"
    assert unless_values_text("attachments", [label], "en") == \
        "a judicial warrant and a detainer request (Form I-247A) came with it"
    assert unless_values_text("attachments", [label], "es") == \
        "con la solicitud venían una orden judicial de arresto o registro y una solicitud de detención (formulario I-247A)"
    shared = unless_values_text("attachments", [label, "administrative_warrant_arrest + detainer_request"], "en")
    assert shared.startswith("a detainer request (Form I-247A) together with a judicial warrant or an administrative arrest")
    assert example_value("attachments", label) == ["judicial_warrant", "detainer_request"]
    assert covers("attachments", label, ["detainer_request", "judicial_warrant"])
    assert not covers("attachments", label, ["judicial_warrant"])


HARRIS_JAIL = {"jurisdiction": "ocd-division/country:us/state:tx/county:harris", "entity": "jail"}


@pytest.mark.parametrize("hours", [0, 10, 47.5])
def test_a_hold_keeps_its_time_limit_when_the_hours_are_given(engine, hours):
    """Hours held grow while the person is held: given hours still leave the 48-hour
    limit of 8 C.F.R. 287.7(d) in the answer (headline and ``unless``), not only when
    they are presumed (newcomer finding: --hours-held 47.5 dropped the limit)."""
    d = engine.evaluate({**HOLD, "responder": HARRIS_JAIL, "context": {"date": DAY, "hours_held_past_release": hours}})
    assert d.outcome is Outcome.required
    assert "for no more than 48 hours past release" in d.summary
    limit = [u for u in d.unless if u.fact == "context.hours_held_past_release"]
    assert [(u.values, u.outcome) for u in limit] == [(["48 hours or more"], Outcome.prohibited)]
    assert "us-8cfr-287.7-d-limit" in limit[0].citations
    assert "context.hours_held_past_release" not in [p.fact for p in d.presumed]


def test_a_hold_already_past_the_limit_says_release_now(engine):
    """Held 50 hours past release, past 8 C.F.R. 287.7(d)'s 48: the answer forbids the
    hold and says to release now, not "as scheduled", in both languages."""
    d = engine.evaluate({**HOLD, "responder": HARRIS_JAIL, "context": {"date": DAY, "hours_held_past_release": 50}})
    assert d.outcome is Outcome.prohibited
    assert d.summary.startswith("Do not hold any longer. Release the person now.")
    assert "Already held 50 hours past release: release the person now." in d.supplied
    assert summary_text(d, "es").startswith("No la retenga más. Déjela salir ahora.")
    fresh = engine.evaluate({**HOLD, "responder": HARRIS_JAIL, "context": {"date": DAY, "hours_held_past_release": 0}})
    assert not any("Already held" in n for n in fresh.supplied)


def test_california_hold_of_a_person_already_held_says_release_now(engine):
    """California forbids the hold outright (Gov. Code § 7284.6(a)(1)(B)): a person
    already kept 3 hours past release is to be released now."""
    d = engine.evaluate({**HOLD, "responder": {"jurisdiction": "ocd-division/country:us/state:ca/county:fresno",
                                                "entity": "sheriff"},
                         "context": {"date": DAY, "hours_held_past_release": 3}})
    assert d.outcome is Outcome.prohibited and d.summary.startswith("Do not hold any longer.")


LAUSD_DOOR = {"responder": {"jurisdiction": "ocd-division/country:us/state:ca/county:los_angeles/school_district:"
                                            "los_angeles_unified", "entity": "school_district"},
              "requester": "ice_hsi", "action": "facility_access", "instrument": "administrative_warrant_arrest",
              "context": {"location": "school", "date": DAY}}


def test_duties_that_turn_on_an_unasked_fact_are_listed_with_it(engine):
    """A principal asked by HSI agents with an I-200 to come in: the answer is a
    definite 'must not', but the Attorney General's model policy (Gov. Code
    § 7284.8(a)) and SB 98's notice apply only to immigration enforcement, so they
    are listed as possible duties naming the purpose (newcomer finding: they were
    dropped); once the purpose is given they are owed outright."""
    d = engine.evaluate(LAUSD_DOOR)
    assert d.outcome is Outcome.prohibited and not d.depends_on
    possible = {p.cite: p.depends_on for p in d.possible_duties}
    assert "Cal. Gov. Code § 7284.8(a)" in possible
    assert all("context.purpose" in facts for facts in possible.values())
    owed = {x.cite for x in d.duties}
    assert not owed & set(possible)
    civil = engine.evaluate({**LAUSD_DOOR, "context": {**LAUSD_DOOR["context"], "purpose": "civil_immigration_enforcement"}})
    assert "Cal. Gov. Code § 7284.8(a)" in {x.cite for x in civil.duties}
    assert not civil.possible_duties
    criminal = engine.evaluate({**LAUSD_DOOR, "context": {**LAUSD_DOOR["context"], "purpose": "criminal_investigation"}})
    assert "Cal. Gov. Code § 7284.8(a)" not in {x.cite for x in criminal.duties}
