"""Training quizzes (cooprules.training, ``cooprules train``): the question must not
give its answer away; the answer and the scenario's full name come after the choice."""

from __future__ import annotations

import re

from typer.testing import CliRunner

from cooprules import training
from cooprules.cli import app

runner = CliRunner()
LA = "ocd-division/country:us/state:ca/place:los_angeles"
#: Words that would tell a trainee the answer before they choose.
TELLS = re.compile(r"forbid|prohibit|permit|allow|requir|\bmust\b|\bmay\b|conditional|unless|presum|\bvoid\b",
                   re.IGNORECASE)


def _case(name: str):
    return next(c for c in training.all_cases() if c.name == name)


def test_heading_cuts_the_answer_out_of_scenario_names():
    cases = {
        "Violent felony conviction, notification request (state permits, City forbids)":
            "Violent felony conviction, notification request",
        "LAPD jail, I-247X transfer request, serious felony conviction (state permits, City forbids)":
            "LAPD jail, I-247X transfer request, serious felony conviction",
        "LAPD civil arrest on an I-205: prohibited, unless a judicial warrant came with it (DESIGN.md: complying with a "
        "judicial warrant is never prohibited by a state or local layer)": "LAPD civil arrest on an I-205",
        "ICE interview, inmate declines - prohibited": "ICE interview, inmate declines",
        "Sheriff's jail, I-247A with an I-200: no hold unless a judicial warrant": "Sheriff's jail, I-247A with an I-200",
        "LAPD, previously removed person, presume false: conditional on convictions, per value":
            "LAPD, previously removed person",
    }
    for name, expected in cases.items():
        assert training.heading(_case(name)) == expected, name
    # a name whose situation itself states the answer gets no heading at all
    assert training.heading(_case("Jail staff must try to establish a new inmate's nationality and status - required (42-4-14)")) == ""


def test_headings_stand_alone():
    """A shuffled quiz shows no heading that points at a case not shown ("Same ...",
    "The agents come back ...") nor one that places the case against a change in the
    law ("..., before the ordinance"): both hint that the change decides."""
    cases = {
        "Same perimeter request after Executive Directive 17 (body camera duties)": "",
        "Same release-date request before the ordinance, date not public (state law alone)": "",
        "Violent felony conviction, notification request, before the ordinance (2024-06-01)":
            "Violent felony conviction, notification request",
        "Police officer asks a person stopped about immigration status, after SB25-276":
            "Police officer asks a person stopped about immigration status",
        "Before the policy - no local rule": "",
        "2016, before the ordinance - no city rule (and no state statute yet)": "",
        # "before" that is part of the situation stays
        "ICE asks the parks department for a city parking lot to stage vehicles before an operation":
            "ICE asks the parks department for a city parking lot to stage vehicles before an operation",
    }
    for name, expected in cases.items():
        assert training.heading(_case(name)) == expected, name
    usable = [c for c in training.all_cases() if c.expect.get("outcome") in training.CHOICES]
    refers = re.compile(r"\bsame\b|\bcomes? back\b|\b(?:before|after|while) the (?:ordinance|resolution|policy|order)\b",
                        re.IGNORECASE)
    assert [training.heading(c) for c in usable if refers.search(training.heading(c))] == []


def test_no_heading_of_any_quiz_case_names_an_outcome():
    usable = [c for c in training.all_cases() if c.expect.get("outcome") in training.CHOICES]
    assert len(usable) > 1000
    leaks = [(c.name, training.heading(c)) for c in usable if TELLS.search(training.heading(c))]
    assert leaks == []
    kept = [c for c in usable if training.heading(c)]
    # most questions keep a heading (those that point at another case or say only when lose it)
    assert len(kept) > 0.8 * len(usable)
    assert any("287(g)" in training.heading(c) for c in usable)  # "(g)" is not a parenthesis to cut


def test_cli_train_question_hides_the_answer_until_chosen():
    res = runner.invoke(app, ["train", "-j", LA, "-e", "police", "--count", "20"], input="3\n" * 20)
    assert res.exit_code == 0, res.output
    blocks = res.output.split("Question ")[1:]
    assert len(blocks) == 20
    shown_full_name = 0
    for block in blocks:
        asked, _, after = block.partition("What is the answer?")
        situation = asked.split("\n  1. ")[0]
        assert not TELLS.search(situation.split("\n  Facts:")[0]), situation
        assert "(state permits, City forbids)" not in asked
        shown_full_name += "(state permits, City forbids)" in after
    assert shown_full_name >= 1  # the full name, answer and all, follows the answer


def test_presume_false_case_says_nothing_is_presumed():
    case = _case("LAPD, previously removed person, presume false: conditional on convictions, per value")
    from cooprules import default_engine
    from cooprules.web.i18n import gettext_for

    engine = default_engine()
    q = training.Question(case, case.request, str(case.expect["outcome"]), engine.evaluate(case.request))
    facts = dict(training.situation(q, engine, gettext_for("en")))["Facts"]
    assert "assuming nothing that was not said" in facts
    es = dict(training.situation(q, engine, gettext_for("es")))
    assert "sin suponer nada" in "".join(es.values())


def test_office_is_named_in_the_trainees_language():
    """The office line words the government as the page's language does: a Census
    place name ("Los Angeles city") reads "Ciudad de Los Angeles" in Spanish."""
    case = _case("LAPD, previously removed person, presume false: conditional on convictions, per value")
    from cooprules import default_engine
    from cooprules.web.i18n import gettext_for

    engine = default_engine()
    q = training.Question(case, case.request, str(case.expect["outcome"]), engine.evaluate(case.request))
    en = dict(training.situation(q, engine, gettext_for("en"), "en"))["Office"]
    es = dict(training.situation(q, engine, gettext_for("es"), "es"))["Oficina"]
    assert en.startswith("Los Angeles city · ")
    assert es.startswith("Ciudad de Los Angeles · ")
    assert "city" not in es
