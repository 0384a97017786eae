"""The guided page, training, pocket card and their CLI commands, through FastAPI's
TestClient and typer's CliRunner (the browser tests are under tests/browser/)."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient
from pypdf import PdfReader
from typer.testing import CliRunner

from cooprules.api import create_app
from cooprules.cli import app as cli_app
from cooprules.engine.explain import summarize
from cooprules.vocabulary import Action, Outcome
from cooprules.web import forms
from cooprules.web.i18n import catalog_path, pick_lang
from cooprules.web.summaries import compose

LAUSD = "ocd-division/country:us/state:ca/county:los_angeles/school_district:los_angeles_unified"
FRONT_DESK = {"jurisdiction": LAUSD, "entity": "school_district", "action": "interview_access",
              "instrument": "administrative_warrant_arrest", "attachments": "none"}
WEB = Path(__file__).parents[1] / "src" / "cooprules" / "web"


@pytest.fixture(scope="module")
def webapp(engine):
    return create_app(engine)


@pytest.fixture
def client(webapp):
    """A fresh client (no language cookie from an earlier test)."""
    with TestClient(webapp, raise_server_exceptions=False) as c:
        yield c


# ------------------------------------------------------------------ the guided flow
def test_front_page_in_both_languages(client):
    en = client.get("/", params={"lang": "en"})
    assert en.status_code == 200 and '<html lang="en">' in en.text
    assert "Immigration authorities are asking your office for something." in en.text
    es = client.get("/", params={"lang": "es"})
    assert '<html lang="es">' in es.text and "Las autoridades de inmigración le piden algo a su oficina." in es.text
    assert 'hreflang="en"' in es.text  # the switch back


def test_language_from_accept_language_and_cookie(client, engine):
    with TestClient(create_app(engine)) as fresh:
        assert '<html lang="es">' in fresh.get("/", headers={"accept-language": "es-MX,es;q=0.9"}).text
        fresh.get("/", params={"lang": "es"})
        assert '<html lang="es">' in fresh.get("/training").text  # the cookie carries it
    assert pick_lang(None, None, "fr, en;q=0.5") == "en"
    assert pick_lang("xx", "es", None) == "es"


def test_office_search_lists_governments_not_subdivisions(client):
    page = client.get("/", params={"q": "los angeles unified"}).text
    assert f'value="{LAUSD}"' in page
    page = client.get("/", params={"q": "los angeles"}).text
    assert "council_district" not in page


def test_steps_follow_each_other(client):
    page = client.get("/ask", params={"jurisdiction": LAUSD}).text
    assert 'name="entity"' in page and "Los Angeles Unified" in page
    page = client.get("/ask", params={"jurisdiction": LAUSD, "entity": "school_district"}).text
    assert 'name="action"' in page and 'name="requester"' in page
    page = client.get("/ask", params={"jurisdiction": LAUSD, "entity": "school_district",
                                      "action": "information_sharing"}).text
    assert 'name="info_type"' in page
    page = client.get("/ask", params={"jurisdiction": LAUSD, "entity": "school_district", "action": "interview_access"}).text
    assert 'name="instrument"' in page and "I-200" in page and "I-247A" in page
    assert "Only a judge or court signs a judicial warrant" in page


def test_answer_reads_what_to_do_then_duties_then_explanation(client):
    page = client.get("/ask", params=FRONT_DESK).text
    assert "Do not give the agents access to the person." in page
    now, duties, why = page.index('id="now"'), page.index('id="duties-h"'), page.index('id="why"')
    assert now < duties < why
    assert "Cal. Educ. Code" in page or "LAUSD" in page
    assert 'href="http' in page  # citations link to their sources
    assert "/card.pdf?" in page


def test_answer_in_spanish(client):
    page = client.get("/ask", params={**FRONT_DESK, "lang": "es"}).text
    assert "No dé a los agentes acceso a la persona. Aquí la ley lo prohíbe." in page
    assert "No debe" in page and "Qué más debe hacer" in page
    assert '<span lang="en">' in page  # rule texts are marked as English


def test_conditional_answer_asks_one_question_then_answers(client):
    base = {"jurisdiction": LAUSD, "entity": "school_district", "requester": "other_federal",
            "action": "facility_access", "instrument": "verbal_request", "context.location": "school",
            "attachments": "none"}
    page = client.get("/ask", params=base).text
    assert 'id="next-fact"' in page
    assert page.count("<fieldset>") == 1 and 'name="context.purpose"' in page
    answered = client.get("/ask", params={**base, "context.purpose": "civil_immigration_enforcement"}).text
    assert 'id="next-fact"' not in answered and "outcome-prohibited" in answered


def test_bad_parameters_are_explained_not_crashed(client):
    resp = client.get("/ask", params={**FRONT_DESK, "instrument": "warrant"})
    assert resp.status_code == 422 and "judicial_warrant" in resp.text
    resp = client.get("/ask", params={**FRONT_DESK, "jurisdiction": "ocd-division/country:us/state:zz"})
    assert resp.status_code == 422
    resp = client.get("/ask", params={**FRONT_DESK, "context.hours_held_past_release": "many"})
    assert resp.status_code == 422


def test_form_state_to_request():
    state = forms.clean([("jurisdiction", LAUSD), ("entity", "sheriff"), ("subject.minor", "true"),
                         ("subject.convictions", "violent_felony"), ("subject.convictions.years", "4"),
                         ("subject.pending_charge", "misdemeanor:pc"), ("context.hours_held_past_release", "12"),
                         ("junk", "x")])
    assert "junk" not in state and state["subject.convictions"] == "violent_felony:4"
    req = forms.to_request({**state, "action": "detainer_hold", "instrument": "detainer_request"})
    assert req["subject"] == {"minor": True, "convictions": [{"category": "violent_felony", "years_ago": 4}],
                              "pending_charge": {"category": "misdemeanor", "probable_cause_determined": True}}
    assert req["context"] == {"hours_held_past_release": 12}
    assert forms.next_step({"jurisdiction": LAUSD}) == "entity"
    assert forms.without({"jurisdiction": LAUSD, "entity": "x", "action": "y", "subject.minor": "true"},
                         "action") == {"jurisdiction": LAUSD, "entity": "x"}


# ------------------------------------------------------------------ Spanish summaries and catalogs
@pytest.mark.parametrize("outcome", [o for o in Outcome if o is not Outcome.conditional])
def test_english_templates_match_the_engine(outcome):
    for action in Action:
        assert compose(outcome.value, action.value, [], lambda s: s) == summarize(outcome, action, [])


def test_spanish_summary_for_every_outcome_and_action():
    from cooprules.web.i18n import gettext_for

    es = gettext_for("es")
    for outcome in Outcome:
        for action in Action:
            text = compose(outcome.value, action.value, ["subject.consent_given"], es)
            assert text and "%(" not in text
            assert text != compose(outcome.value, action.value, ["subject.consent_given"], lambda s: s)


def test_catalog_is_complete_and_current(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", str(WEB / "babel.cfg"),
                    "-k", "N_", "--no-location", "-o", str(pot), str(WEB.parent)], check=True,
                   capture_output=True)
    wanted = {m.id for m in read_po(pot.open("rb")) if m.id}
    with catalog_path("es").open("rb") as fp:
        es = read_po(fp)
    have = {m.id: m.string for m in es if m.id}
    missing = sorted(w for w in wanted if not have.get(w))
    assert not missing, f"untranslated (run pybabel update, see docs/web.md): {missing[:10]}"
    for msgid, text in have.items():
        assert set(re.findall(r"%\(\w+\)s", msgid)) == set(re.findall(r"%\(\w+\)s", text)), msgid


# ------------------------------------------------------------------ pocket card
@pytest.mark.parametrize("lang,heading", [("en", "Immigration requests: what to do"),
                                          ("es", "Solicitudes de inmigración: qué hacer")])
def test_card_pdf_is_one_page(client, lang, heading):
    resp = client.get("/card.pdf", params={"jurisdiction": LAUSD, "entity": "school_district", "lang": lang})
    assert resp.status_code == 200 and resp.headers["content-type"] == "application/pdf"
    assert "attachment" in resp.headers["content-disposition"]
    pdf = PdfReader(io.BytesIO(resp.content))
    assert len(pdf.pages) == 1
    text = pdf.pages[0].extract_text()
    assert heading in text and "LAUSD" in text


def test_card_pdf_bad_office_is_422(client):
    assert client.get("/card.pdf", params={"jurisdiction": LAUSD, "entity": "school"}).status_code == 422
    assert client.get("/card.pdf").status_code == 422


def test_card_command(tmp_path):
    out = tmp_path / "card.pdf"
    result = CliRunner().invoke(cli_app, ["card", "--jurisdiction", LAUSD, "--entity", "school_district",
                                          "--lang", "es", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert len(PdfReader(str(out)).pages) == 1
    bad = CliRunner().invoke(cli_app, ["card", "-j", LAUSD, "-e", "school_district", "--lang", "fr", "-o", str(out)])
    assert bad.exit_code == 2


# ------------------------------------------------------------------ training
def test_training_flow(client):
    start = client.get("/training", params={"lang": "es"})
    assert "Elija su oficina" in start.text and f"{LAUSD}|school_district" in start.text
    params = {"jurisdiction": LAUSD, "entity": "school_district", "seed": 3, "count": 2, "lang": "es"}
    question = client.get("/training", params={**params, "i": 0, "right": 0}).text
    assert 'name="choice"' in question and "La situación" in question
    feedback = client.get("/training", params={**params, "i": 0, "right": 0, "choice": "permitted"}).text
    assert ("Correcto." in feedback) or ("No exactamente" in feedback)
    assert 'id="next"' in feedback
    done = client.get("/training", params={**params, "i": 2, "right": 1}).text
    assert "1 de 2 correctas" in done


def test_train_command():
    result = CliRunner().invoke(cli_app, ["train", "-j", LAUSD, "-e", "school_district", "--count", "2",
                                          "--lang", "es"], input="1\n1\n")
    assert result.exit_code == 0, result.output
    assert "de 2 correctas" in result.output
    listing = CliRunner().invoke(cli_app, ["train"])
    assert LAUSD in listing.output


def test_serve_command_is_registered():
    result = CliRunner().invoke(cli_app, ["serve", "--help"])
    assert result.exit_code == 0 and "--log-requests" in result.output
