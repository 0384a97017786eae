"""DESIGN.md, Conventions: complying with a judicial warrant is never prohibited by a
state or local layer. The loader applies it once (cooprules.corpus.conventions)."""

from __future__ import annotations

from cooprules.corpus.conventions import ON_JUDICIAL_WARRANT, with_conventions
from cooprules.corpus.schema import Provision
from cooprules.vocabulary import Outcome


def _prov(actions, effect="prohibited", jurisdiction="ocd-division/country:us/state:md/place:rockville", when="true"):
    return Provision.model_validate({"id": "x-1", "cite": "Test Code § 1", "title": "A bar", "actions": actions,
                                     "effect": effect, "when": when, "jurisdiction": jurisdiction,
                                     "source": "https://example.org/", "source_kind": "ordinance",
                                     "binds": "all", "effective_from": "2017-01-01"})


def test_a_local_bar_on_arrests_does_not_reach_a_judicial_warrant():
    assert with_conventions(_prov(["civil_immigration_arrest", "detainer_hold"])).when == f"(true) && !{ON_JUDICIAL_WARRANT}"


def test_only_the_actions_a_warrant_commands_are_spared():
    when = with_conventions(_prov(["status_inquiry", "civil_immigration_arrest"])).when
    assert when == f"(true) && !(action in ['civil_immigration_arrest'] && {ON_JUDICIAL_WARRANT})"


def test_left_alone_federal_permissions_sharing_and_rules_that_name_the_warrant():
    for p in (_prov(["detainer_hold"], jurisdiction="ocd-division/country:us"),
              _prov(["detainer_hold"], effect="permitted"),
              _prov(["information_sharing", "status_inquiry"]),
              _prov(["detainer_hold"], when="instrument != 'judicial_warrant'")):
        assert with_conventions(p) == p


def test_answers_follow_the_convention(engine):
    """Rockville's 2017 ordinance bars civil immigration arrests; an arrest on a federal
    judge's warrant is permitted (8 U.S.C. 1357(g)(10)(B)), one on an I-200 alone is not.
    A Los Angeles officer's status question stays forbidden whatever paper came."""
    def ask(jurisdiction, entity, action, instrument, **extra):
        return engine.evaluate({"responder": {"jurisdiction": jurisdiction, "entity": entity}, "requester": "ice_ero",
                                "action": action, "instrument": instrument,
                                "subject": {"role": "member_of_public"},
                                "context": {"date": "2018-06-01", "location": "public_place"}, **extra})

    rockville = "ocd-division/country:us/state:md/place:rockville"
    assert ask(rockville, "police", "civil_immigration_arrest", "judicial_warrant").outcome is Outcome.permitted
    assert ask(rockville, "police", "civil_immigration_arrest", "administrative_warrant_arrest").outcome is Outcome.prohibited
    lapd = ask("ocd-division/country:us/state:ca/place:los_angeles", "police", "status_inquiry", "verbal_request",
               attachments=["judicial_warrant"])
    assert lapd.outcome is Outcome.prohibited
