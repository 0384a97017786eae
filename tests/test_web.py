"""The guided page, training, pocket card and their CLI commands, through FastAPI's
TestClient and typer's CliRunner (the browser tests are under tests/browser/)."""

from __future__ import annotations

import io
from html.parser import HTMLParser
from urllib.parse import urlencode
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from typer.testing import CliRunner

from cooprules.api import create_app
from cooprules.cli import app as cli_app
from cooprules.web import forms
from cooprules.web.i18n import catalog_path, pick_lang
from cooprules.web.summaries import summary

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
def test_page_words_the_answer_as_the_engine_does(client, engine):
    """The page's headline and exceptions are the engine's words (engine/explain.py),
    in English and Spanish: the page adds no wording of its own for an answer."""
    from cooprules.api import validate
    from cooprules.engine.explain import summary_text, unless_text

    decision = validate.evaluate(engine, forms.to_request(CA_HOLD), None)
    for lang in ("en", "es"):
        page = visible_text(client.get("/ask", params={**CA_HOLD, "lang": lang}).text)
        for u in decision.unless:
            assert unless_text(u, lang) in page
        assert summary_text(decision, lang).split(". ")[0] in page
    assert summary(decision, "en") == decision.summary


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


# ------------------------------------------------------------------ issue 8: what users read
SAN_DIEGO = "ocd-division/country:us/state:ca/county:san_diego"
HARRIS = "ocd-division/country:us/state:tx/county:harris"
CA_HOLD = {"jurisdiction": SAN_DIEGO, "entity": "jail", "action": "detainer_hold", "instrument": "detainer_request"}
TX_HOLD = {"jurisdiction": HARRIS, "entity": "jail", "action": "detainer_hold", "instrument": "detainer_request",
           "attachments": "administrative_warrant_arrest"}
LAUSD_ENTRY = {"jurisdiction": LAUSD, "entity": "school_district", "requester": "other_federal",
               "action": "facility_access", "instrument": "verbal_request"}


class _Visible(HTMLParser):
    """The text a reader sees: character data outside <script>/<style>, plus the
    values of labels a screen reader announces (aria-label, title, alt)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in ("aria-label", "title", "alt", "placeholder") and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    """The visible text of ``html`` (see :class:`_Visible`), whitespace collapsed."""
    parser = _Visible()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


RAW = [("('", "a Python tuple"), ("None", "Python None"), ("[", "a Python list"), ("{", "a dict or template"),
       ("subject.", "a fact path"), ("context.", "a fact path"), ("responder.", "a fact path"),
       (re.compile(r"\battachments\b"), "a fact name"), (re.compile(r"\b[a-z]+_[a-z_]+\b"), "a vocabulary word")]


def raw_values(text: str) -> list[str]:
    """What in ``text`` looks like a raw Python value, fact path or vocabulary word."""
    found = []
    for needle, what in RAW:
        hits = needle.findall(text) if isinstance(needle, re.Pattern) else ([needle] if needle in text else [])
        found += [f"{what}: {h!r}" for h in hits]
    return found


PAGES_TO_READ = [
    ("conditional with its follow-up", LAUSD_ENTRY),
    ("conditional, school", {**LAUSD_ENTRY, "context.location": "school"}),
    ("California I-247A", CA_HOLD),
    ("California I-247A, full analysis", {**CA_HOLD, "presume": "false"}),
    ("California release notification, full analysis",
     {**CA_HOLD, "action": "release_notification", "instrument": "notification_request", "presume": "false"}),
    ("Texas I-247A with an I-200", TX_HOLD),
    ("Texas I-247A, full analysis", {**TX_HOLD, "presume": "false"}),
    ("LAUSD front desk", FRONT_DESK),
    ("the steps", {"jurisdiction": LAUSD, "entity": "school_district", "action": "detainer_hold"}),
]


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("name,params", PAGES_TO_READ, ids=[n for n, _ in PAGES_TO_READ])
def test_pages_show_no_raw_values(client, name, params, lang):
    resp = client.get("/ask", params={**params, "lang": lang})
    assert resp.status_code == 200, resp.text[:500]
    text = visible_text(resp.text)
    # where the law's own words are quoted (English rule texts, citations), they are
    # marked lang="en" / class="cite"; the page's own words are checked
    own = visible_text(re.sub(r'<(span|a|p|h3)[^>]*(lang="en"|class="(cite|combination)")[^>]*>.*?</\1>', "",
                              resp.text, flags=re.S))
    assert not raw_values(own), (name, lang, raw_values(own), own[:3000])
    if lang == "es":
        assert "(attachments)" not in text and "Nothing else came with it" not in text


def test_follow_up_offers_the_papers_by_name(client):
    for lang, words in (("en", ["Form I-200", "Form I-205", "Judicial warrant", "Nothing else came with it"]),
                        ("es", ["Formulario I-200", "Formulario I-205", "Orden judicial de arresto o de registro (firmada por un juez)",
                                "No vino nada más"])):
        page = client.get("/ask", params={**CA_HOLD, "presume": "false", "lang": lang}).text
        form = page[page.index('id="next-fact"'):page.index("</form>", page.index('id="next-fact"'))]
        for value in ("administrative_warrant_arrest", "administrative_warrant_removal", "judicial_warrant", "none"):
            assert f'name="attachments" id="attachments-{value}" value="{value}"' in form
        text = visible_text(form)
        for word in words:
            assert word in text, (lang, word, text)
        assert "No request: our own initiative" not in text and "Sin solicitud" not in text
        assert ("What each answer gives:" if lang == "en" else "Qué da cada respuesta:") in text


def test_several_papers_ticked_reach_the_engine():
    state = forms.clean([("attachments", "administrative_warrant_arrest"), ("attachments", "judicial_warrant"),
                         ("attachments", "judicial_warrant")])
    assert state["attachments"] == "administrative_warrant_arrest,judicial_warrant"
    req = forms.to_request({**CA_HOLD, **state})
    assert req["attachments"] == ["administrative_warrant_arrest", "judicial_warrant"]
    assert forms.to_request({**CA_HOLD, "attachments": "none"})["attachments"] == []
    assert forms.to_request({**CA_HOLD, "presume": "false"})["presume"] is False


def test_value_words_read_as_plain_words():
    from cooprules.web.i18n import gettext_for
    from cooprules.web.labels import value_text

    es = gettext_for("es")
    assert value_text("attachments", "none", es, "es") == "No vino nada más"
    assert value_text("subject.minor", "true", es, "es") == "Sí"
    assert value_text("subject.role", "student", es, "es") == "Un estudiante"
    for fact, value in [("subject.convictions", "misdemeanor within 5 years"), ("attachments", "judicial_warrant"),
                        ("context.hours_held_past_release", "48 hours or more"),
                        ("subject.pending_charge", "other_felony, probable cause found")]:
        for lang, gettext in (("en", str), ("es", es)):
            text = value_text(fact, value, gettext, lang)
            assert text and not raw_values(text), (fact, value, lang, text)
    assert forms.param_for("subject.convictions", "misdemeanor within 5 years") == "misdemeanor:5"
    assert forms.param_for("subject.convictions", "serious_felony at any time") == "serious_felony:1"
    assert forms.param_for("subject.convictions", "listed_felony more than 15 years ago") == "listed_felony:16"
    assert forms.param_for("subject.pending_charge", "other_felony, probable cause not found") == "other_felony:nopc"
    assert forms.param_for("attachments", "judicial_warrant") == "judicial_warrant"
    assert forms.param_for("context.hours_held_past_release", "48 hours or more") == "48"
    assert forms.param_for("context.hours_held_past_release", "less than 48 hours") == "47"
    assert forms.param_for("attachments", "<script>") is None


# ------------------------------------------------------------------ issue 10: hostile input on the pages
SCRIPT = "<script>alert(document.domain)</script>"


@pytest.mark.parametrize("lang", ["en", "es"])
def test_reflected_script_is_refused_and_escaped(client, lang):
    resp = client.get("/ask", params={"jurisdiction": SAN_DIEGO, "entity": SCRIPT, "lang": lang})
    assert resp.status_code == 422
    assert "<script>alert" not in resp.text and "&lt;script&gt;" in resp.text  # shown as text, naming the field
    assert "entity" in resp.text and "sheriff" in resp.text  # the allowed words
    for key in ("requester", "action", "info_type", "instrument", "attachments", "presume"):
        resp = client.get("/ask", params={**CA_HOLD, key: SCRIPT, "lang": lang})
        assert resp.status_code == 422 and "<script>alert" not in resp.text, key
    for key in ("q", "jurisdiction", "subject.minor", "context.hours_held_past_release", "subject.convictions"):
        resp = client.get("/ask", params={**CA_HOLD, key: SCRIPT, "lang": lang})
        assert resp.status_code < 500 and "<script>alert" not in resp.text, key


@pytest.mark.parametrize("text", ["%d", "%", "%s%s", "%(x)s", "%(Jane Roe)s", "%(n)s", "{0}", "{{ 7*7 }}"])
def test_format_characters_in_input_are_words_not_formats(client, caplog, text):
    with caplog.at_level("DEBUG"):
        for key in ("entity", "instrument", "action"):
            resp = client.get("/ask", params={**CA_HOLD, key: text})
            assert resp.status_code == 422, (key, resp.status_code)
            assert text.replace("%", "") in resp.text.replace("%", "")  # echoed as given, as text
            assert "49" not in visible_text(resp.text).split("rules version")[0] or "7*7" not in text
    assert "Jane Roe" not in caplog.text


def test_card_file_name_is_safe_ascii(client):
    ny = "ocd-division/country:us/state:ny/place:new_yor\u212a"  # a Kelvin sign lower-cases to "k"
    resp = client.get("/card.pdf", params={"jurisdiction": ny, "entity": "police"})
    assert resp.status_code == 200
    disposition = resp.headers["content-disposition"]
    assert disposition.isascii() and "\u212a" not in disposition
    assert 'filename="cooprules-card-new_york-police-en.pdf"' in disposition
    assert "filename*=UTF-8''cooprules-card-new_york-police-en.pdf" in disposition
    dona_ana = client.get("/card.pdf", params={"jurisdiction": "ocd-division/country:us/state:nm/county:do\u00f1a_ana",
                                              "entity": "sheriff", "lang": "es"})
    assert dona_ana.status_code == 200
    assert 'filename="cooprules-card-dona_ana-sheriff-es.pdf"' in dona_ana.headers["content-disposition"]
    assert "do%C3%B1a_ana" in dona_ana.headers["content-disposition"]


@pytest.mark.parametrize("bad", ["\r\n", "\r\nSet-Cookie: x=1", "\x00", "\u202e", "\n"])
def test_control_characters_in_ids_are_422(client, bad):
    resp = client.get("/card.pdf", params={"jurisdiction": SAN_DIEGO + bad, "entity": "sheriff"})
    assert resp.status_code == 422 and "jurisdiction" in resp.text
    resp = client.get("/card.pdf", params={"jurisdiction": SAN_DIEGO, "entity": "sheriff" + bad})
    assert resp.status_code == 422
    resp = client.get("/ask", params={"jurisdiction": "ocd-division/country:us/" + bad + "state:ca", "entity": "jail"})
    assert resp.status_code == 422


def test_download_name_never_breaks_the_header():
    from cooprules.web.security import download_name

    for parts in [("a\"b;c\r\nd",), ("\u212a\u00f1\u202e",), ("",), ("x" * 500,)]:
        value = download_name(*parts, ext="pdf")
        assert value.isascii() and "\r" not in value and "\n" not in value
        assert value.count('"') == 2 and value.count(";") == 2


def test_security_headers_on_every_response(client):
    paths = ["/", "/?lang=es", "/ask?" + urlencode(CA_HOLD), "/ask?entity=x&jurisdiction=" + SAN_DIEGO,
             "/training", "/card.pdf?" + urlencode({"jurisdiction": LAUSD, "entity": "school_district"}),
             "/static/style.css", "/v1/health", "/nope", "/docs", "/redoc"]
    for path in paths:
        resp = client.get(path)
        h = resp.headers
        csp = h.get("content-security-policy", "")
        assert "frame-ancestors 'none'" in csp and "default-src 'none'" in csp, path
        script_src = re.search(r"script-src ([^;]*)", csp).group(1)
        assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src, path
        assert h.get("x-frame-options") == "DENY" and h.get("x-content-type-options") == "nosniff", path
        assert h.get("referrer-policy") == "no-referrer", path
        assert h.get_list("content-security-policy") == [csp], path  # one policy, not two
    page = client.get("/", params={"lang": "en"})
    assert "script-src 'self';" in page.headers["content-security-policy"]
    assert not re.search(r"<script(?![^>]*\bsrc=)", page.text)  # no inline script on our pages
    assert " style=" not in page.text and "<style" not in page.text
    from cooprules.api.docs import DOCS_CSP

    for path in ("/docs", "/redoc", "/docs/assets/swagger-ui-bundle.js"):  # packaged files, no inline script
        docs = client.get(path)
        assert docs.status_code == 200 and docs.headers["content-security-policy"] == DOCS_CSP, path
        assert "script-src 'self';" in DOCS_CSP and "http" not in DOCS_CSP


def test_templates_pass_only_literals_to_gettext():
    """``_()`` in a template marks its result safe and %-formats it: only literal
    strings may go through it; words from tables go through ``label()``."""
    for template in (WEB / "templates").glob("*.html"):
        for call in re.findall(r"\b_\(\s*([^\s])", template.read_text()):
            assert call in "\"'", f"{template.name}: _( with a non-literal argument"


# the page parameters, with hostile text in them
HOSTILE = st.sampled_from(['<x-fz>', '"><x-fz a="', "'><x-fz>", "%(x)s<x-fz>", "%<x-fz>", "</textarea><x-fz>",
                           "javascript:<x-fz>", "\u212a<x-fz>", "\r\n<x-fz>", "<x-fz>\x00"])
PARAM_NAMES = st.sampled_from(list(forms.KEYS) + ["q", "lang", "subject.convictions.years", "office", "choice",
                                                  "i", "right", "seed", "count"])


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(["/", "/ask", "/training", "/card.pdf"]),
       base=st.sampled_from([{}, {"jurisdiction": SAN_DIEGO}, dict(CA_HOLD), dict(FRONT_DESK), dict(LAUSD_ENTRY)]),
       extra=st.dictionaries(PARAM_NAMES, st.one_of(HOSTILE, st.text(max_size=40),
                                                     st.builds(lambda a, b: a + b, st.text(max_size=10), HOSTILE)),
                             max_size=3))
def test_fuzz_page_parameters(client, path, base, extra):
    resp = client.get(path, params={**base, **extra})
    assert resp.status_code < 500, (path, extra, resp.text[:300])
    if resp.headers.get("content-type", "").startswith("text/html"):
        assert "<x-fz" not in resp.text, (path, extra)


def test_form_numbers_are_taken_as_their_words():
    state = forms.clean([("instrument", "I-247A"), ("attachments", "Form I-200"), ("attachments", "i205")])
    assert state == {"instrument": "detainer_request",
                     "attachments": "administrative_warrant_arrest,administrative_warrant_removal"}


def test_presumed_facts_are_not_asked_but_listed_with_their_exceptions(client):
    page = client.get("/ask", params=CA_HOLD).text
    assert 'id="next-fact"' not in page and 'id="unless"' in page and 'id="presumed"' in page
    assert "outcome-prohibited" in page
    # each exception's paper can be stated with one click, and changes the answer
    link = re.search(r'<a href="(/ask\?[^"]*attachments=judicial_warrant[^"]*)"', page)
    assert link, "no 'answer again' link for a judicial warrant"
    again = client.get(link.group(1).replace("&amp;", "&")).text
    assert "outcome-permitted" in again and 'id="next-fact"' not in again
    # counsel's full analysis: nothing presumed, the paper asked
    counsel = client.get("/ask", params={**CA_HOLD, "presume": "false"}).text
    assert 'id="next-fact"' in counsel and 'name="attachments"' in counsel and 'id="unless"' not in counsel


def test_papers_named_are_not_contradicted(client):
    for lang, words in (("en", "no paper came with it other than those you named"),
                        ("es", "no venía ningún otro documento aparte de los indicados")):
        page = visible_text(client.get("/ask", params={**TX_HOLD, "lang": lang}).text)
        assert words in page and "nothing else came with the paper" not in page


def test_contested_reasons_are_worded_in_the_page_language():
    from cooprules.web.i18n import gettext_for
    from cooprules.web.summaries import contested_text

    es = gettext_for("es")
    text, done = contested_text("may apply, depending on facts not given; whether this binds jail is disputed, "
                                "so it is not applied (it would make this prohibited)", "es", es)
    assert done and text == ("puede aplicarse, según datos no indicados; se discute si obliga a este tipo de oficina "
                             "(Cárcel), así que no se aplica (la prohibiría)")
    assert contested_text("applies to this request; courts have questioned or limited it", "es", es) == (
        "se aplica a esta solicitud; los tribunales la han cuestionado o limitado", True)
    assert contested_text("a reason the page does not know", "es", es) == ("a reason the page does not know", False)


# ------------------------------------------------------------------ a newcomer's review of the page
HOUSTON = "ocd-division/country:us/state:tx/place:houston"
#: A Houston officer asked, in person, to ask someone about status: the answer turns on
#: the purpose and on who the person is (a victim or witness may not be asked).
HOUSTON_ASK = {"jurisdiction": HOUSTON, "entity": "police", "action": "status_inquiry",
               "instrument": "verbal_request"}


def _form(page: str) -> str:
    start = page.index('id="next-fact"')
    return page[start:page.index("</form>", start)]


def test_spanish_judicial_warrant_and_court_order_read_differently(client):
    from cooprules.web import labels
    from cooprules.web.i18n import gettext_for

    es = gettext_for("es")
    warrant, order = (es(labels.INSTRUMENTS[k][0]) for k in ("judicial_warrant", "court_order"))
    # not the same head word with a gloss: a deputy tells them apart by their first words
    assert warrant.split("(")[0].strip() != order.split("(")[0].strip()
    assert "arresto" in warrant and "juez" in warrant
    assert "tribunal" in order and "judicial" not in order and "arresto" not in es(labels.INSTRUMENTS["court_order"][1]).split(".")[0]
    # the paper step shows each once, with the same words as the "other papers" boxes
    page = client.get("/ask", params={"jurisdiction": LAUSD, "entity": "school_district",
                                      "action": "interview_access", "lang": "es"}).text
    text = visible_text(page)
    assert text.count(warrant) == 2 and text.count(order) == 2  # the paper shown, and the papers with it
    assert page.count('name="attachments"') == 6  # the step offers the papers that come with another
    assert "Orden judicial (mandato del tribunal)" not in text and "Orden judicial (firmada por un juez)" not in text


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("params", [
    {**CA_HOLD, "presume": "false"},
    {"jurisdiction": HARRIS, "entity": "jail", "action": "detainer_hold", "instrument": "written_request",
     "presume": "false"},
    {"jurisdiction": "ocd-division/country:us/state:ca/county:los_angeles", "entity": "jail",
     "action": "detainer_hold", "instrument": "written_request", "presume": "false"},
], ids=["san-diego-i247a", "harris-letter", "los-angeles-letter"])
def test_what_each_answer_gives_names_only_papers_offered(client, params, lang):
    page = client.get("/ask", params={**params, "lang": lang}).text
    form = _form(page)
    boxes = re.findall(r'<label for="attachments-[a-z_]+">(.*?)\n?\s*<span', form, flags=re.S)
    boxes = {" ".join(b.split()) for b in boxes}
    assert boxes
    listed = [" ".join(visible_text(g).split()) for g in re.findall(r'<span class="if">(.*?)</span>', form, flags=re.S)]
    assert listed, form[:2000]
    from html import unescape

    boxes = {unescape(b) for b in boxes}
    for group in listed:
        for paper in group.split("; "):
            assert paper in boxes, (lang, paper, sorted(boxes))


def test_government_names_in_spanish():
    from cooprules.web.names import government_name

    assert government_name("Houston city", "place", "es") == "Ciudad de Houston"
    assert government_name("Harris County", "county", "es") == "Condado de Harris"
    assert government_name("Acadia Parish", "parish", "es") == "Parroquia de Acadia"
    assert government_name("Addison town", "place", "es") == "Pueblo de Addison"
    assert government_name("Houston city", "place", "en") == "Houston city"
    # proper names and states stay as they are
    assert government_name("Los Angeles Unified School District", "school_district", "es") == \
        "Los Angeles Unified School District"
    assert government_name("Texas", "state", "es") == "Texas"
    assert government_name("city", "place", "es") == "city"


def test_place_names_in_spanish_on_the_page(client):
    es = visible_text(client.get("/ask", params={**HOUSTON_ASK, "lang": "es"}).text)
    assert "Ciudad de Houston" in es and "Houston city" not in es
    en = visible_text(client.get("/ask", params={**HOUSTON_ASK, "lang": "en"}).text)
    assert "Houston city" in en
    hits = visible_text(client.get("/ask", params={"q": "houston", "lang": "es"}).text)
    assert "Ciudad de Houston" in hits and "Houston city" not in hits
    found = client.get("/ask/offices", params={"q": "houston", "lang": "es"}).json()
    assert any(h["name"] == "Ciudad de Houston" and h["ocd_id"] == HOUSTON for h in found["hits"])


@pytest.mark.parametrize("lang", ["en", "es"])
def test_conditional_sources_are_grouped_by_outcome(client, engine, lang):
    from cooprules.api import validate

    state = {**HOUSTON_ASK, "presume": "false"}
    decision = validate.evaluate(engine, forms.to_request(state), None)
    assert decision.outcome.value == "conditional" and len(decision.alternatives) >= 2
    page = client.get("/ask", params={**state, "lang": lang}).text
    sources = page[page.index('id="sources-h"'):page.index("</section>", page.index('id="sources-h"'))]
    from markupsafe import escape

    cite_of = {c.id: str(escape(c.cite)) for c in decision.citations}
    outcomes = {a.outcome.value for a in decision.alternatives}
    assert {"prohibited", "permitted"} <= outcomes
    for alt in decision.alternatives:
        start = sources.index(f'id="sources-{alt.outcome.value}"')
        block = sources[start:sources.index("</div>", start)]
        for cid in alt.citations:
            assert f">{cite_of[cid]}</a>" in block
        # a provision of another branch only is not listed under this one
        others = {c for a in decision.alternatives if a.outcome != alt.outcome for c in a.citations} - set(alt.citations)
        for cid in others:
            assert f">{cite_of[cid]}</a>" not in block
        assert not raw_values(visible_text(block)), visible_text(block)
    # the counsel link of the everyday answer leads to this page
    everyday = client.get("/ask", params={**HOUSTON_ASK, "lang": lang}).text
    if 'id="counsel-link"' in everyday:
        assert "presume=false" in re.search(r'href="([^"]+)" id="counsel-link"', everyday)[1]


def test_definite_answer_keeps_one_source_list(client):
    page = client.get("/ask", params={**CA_HOLD, "lang": "en"}).text
    assert 'class="source-group"' not in page and 'id="sources-h"' in page


@pytest.mark.parametrize("lang", ["en", "es"])
def test_office_search_says_when_it_shows_the_closest_names(client, lang):
    closest = "the closest names" if lang == "en" else "los nombres más parecidos"
    page = client.get("/ask", params={"q": "Fresnoo", "lang": lang}).text
    assert 'id="closest"' in page and closest in visible_text(page)
    assert 'value="ocd-division/country:us/state:ca/county:fresno"' in page
    exact = client.get("/ask", params={"q": "Fresno", "lang": lang}).text
    assert 'id="closest"' not in exact
    nonsense = client.get("/ask", params={"q": "zzqqxx", "lang": lang}).text
    assert 'id="no-hits"' in nonsense and 'id="closest"' not in nonsense
    assert ("none is close" if lang == "en" else "ninguno se le parece") in visible_text(nonsense)
    found = client.get("/ask/offices", params={"q": "Fresnoo", "lang": lang}).json()
    assert found["approximate"] is True and found["hits"]
    assert client.get("/ask/offices", params={"q": "Fresno", "lang": lang}).json()["approximate"] is False
    assert client.get("/ask/offices", params={"q": "", "lang": lang}).json() == {"approximate": False, "hits": []}


@pytest.mark.parametrize("entity,action", [("jail", "detainer_hold"), ("sheriff", "detainer_hold"),
                                           ("school_district", "interview_access"),
                                           ("health_facility", "facility_access")])
def test_default_action_fits_the_office(client, entity, action):
    page = client.get("/ask", params={"jurisdiction": HARRIS, "entity": entity}).text
    checked = re.findall(r'name="action" id="action-([a-z_0-9]+)" value="[a-z_0-9]+" checked', page)
    assert checked == [action]


def test_training_page_question_does_not_give_the_answer_away(client, engine):
    """The question stage shows the situation without the scenario's full name (which
    says what the law does); the feedback stage may show it."""
    from cooprules.training import quiz

    params = {"jurisdiction": "ocd-division/country:us/state:ca/place:los_angeles", "entity": "police", "seed": 1,
              "count": 6}
    questions = quiz(params["jurisdiction"], params["entity"], 6, 1, engine)
    for i, q in enumerate(questions):
        page = client.get("/training", params={**params, "i": i, "right": 0}).text
        assert q.case.name not in page or q.case.name == q.heading, q.case.name
        for word in ("forbids", "permits", "requires"):
            assert word not in q.heading


def test_answer_page_lists_duties_that_turn_on_an_unasked_fact_and_asks_it(client):
    """A principal's 'must not' for HSI agents with an I-200 at a school: the page
    lists the model-policy duties (Gov. Code § 7284.8(a)) under "depending on what
    you have not said", and asks the purpose as the one more question; once it is
    answered they move into the duties owed, in both languages."""
    q = {"jurisdiction": "ocd-division/country:us/state:ca/county:los_angeles/school_district:los_angeles_unified",
         "entity": "school_district", "requester": "ice_hsi", "action": "facility_access",
         "instrument": "administrative_warrant_arrest"}
    en = client.get("/ask", params={**q, "lang": "en"}).text
    start = en.index('id="possible-duties"')
    assert "Cal. Gov. Code § 7284.8(a)" in en[start:en.index("</ul>", start)]
    assert "the purpose of the request" in en and 'name="context.purpose"' in en
    assert "this decides which further duties apply" in en
    es = client.get("/ask", params={**q, "lang": "es"}).text
    assert "puede que también deba" in es and "decide qué otras obligaciones se aplican" in es
    civil = client.get("/ask", params={**q, "lang": "en", "context.purpose": "civil_immigration_enforcement",
                                       "context.location": "school"}).text
    assert 'id="possible-duties"' not in civil or "7284.8(a)" not in civil[civil.index('id="possible-duties"'):]
    duties = civil[civil.index('id="duties-h"'):]
    assert "Cal. Gov. Code § 7284.8(a)" in duties
