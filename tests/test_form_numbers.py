"""ICE's form numbers are accepted wherever an instrument word is (issue 13 item 4):
in JSON requests, in attachments, and on the CLI's -i/--attachment."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

import cooprules
from cooprules.cli import app
from cooprules.vocabulary import Instrument, instrument_label

TRAVIS = "ocd-division/country:us/state:tx/county:travis"


def _request(instrument, attachments):
    return {"responder": {"jurisdiction": TRAVIS, "entity": "sheriff", "agreement_287g": "none"},
            "requester": "ice_ero", "action": "detainer_hold", "instrument": instrument,
            "attachments": attachments, "subject": {"role": "in_custody"},
            "context": {"date": "2026-01-01", "hours_held_past_release": 0}}


@pytest.mark.parametrize("form, word", [
    ("I-247A", "detainer_request"), ("i247a", "detainer_request"), ("Form I-247D", "detainer_request"),
    ("I-247N", "notification_request"), ("I-247X", "transfer_request"), ("I 200", "administrative_warrant_arrest"),
    ("I-205", "administrative_warrant_removal"), ("I-203", "administrative_warrant_arrest"),
])
def test_form_number_is_its_word(form, word):
    req = cooprules.parse_request(_request(form, [form]))
    assert req.instrument is Instrument(word) and req.attachments == [Instrument(word)]


def test_same_answer_under_form_number_and_word():
    by_form = cooprules.evaluate(_request("I-247A", ["I-200"]))
    by_word = cooprules.evaluate(_request("detainer_request", ["administrative_warrant_arrest"]))
    assert by_form.outcome == by_word.outcome
    assert [c.id for c in by_form.citations] == [c.id for c in by_word.citations]


def test_unknown_form_number_is_refused_with_the_words():
    with pytest.raises(cooprules.RequestError) as err:
        cooprules.parse_request(_request("I-999", []))
    assert err.value.errors[0].field == "instrument" and "detainer_request" in str(err.value)


def test_cli_accepts_form_numbers():
    res = CliRunner().invoke(app, ["ask", "-j", TRAVIS, "-e", "sheriff", "-a", "detainer_hold", "-i", "I-247A",
                                   "--attachment", "I-200", "--role", "in_custody", "--date", "2026-01-01",
                                   "--json"])
    assert res.exit_code == 0, res.output
    assert '"outcome"' in res.output


def test_label_names_the_form():
    assert instrument_label("detainer_request") == "detainer_request (I-247A)"
    assert instrument_label("judicial_warrant") == "judicial_warrant"
