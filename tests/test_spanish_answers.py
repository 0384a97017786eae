"""Spanish answers with no English left in them (issue 13, "Done when"): the API's
decision with ``?lang=es`` / ``Accept-Language: es`` and the pocket card, for a
California jail detainer, an LAUSD facility access and a Texas detainer. The rendered
text, with its citations and the office's proper name taken out, is checked against
the English catalogs (the law's words, rules/locale/law.pot, and the page's,
web/locale) and the English answer to the same request: no English message and no
English word may remain.
"""

from __future__ import annotations

import io
import re

import pytest
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient
from pypdf import PdfReader

from cooprules.api import create_app
from cooprules.cards import _latin, card_rows, render_card
from cooprules.vocabulary import Outcome
from cooprules.web.i18n import catalog_path
from cooprules.wording.law import locale_dir

SAN_DIEGO = "ocd-division/country:us/state:ca/county:san_diego"
LAUSD = "ocd-division/country:us/state:ca/county:los_angeles/school_district:los_angeles_unified"
HARRIS = "ocd-division/country:us/state:tx/county:harris"
DAY = "2026-12-01"

SITUATIONS = {
    "california_jail_detainer": ({"responder": {"jurisdiction": SAN_DIEGO, "entity": "sheriff"},
                                  "requester": "ice_ero", "action": "detainer_hold", "instrument": "detainer_request",
                                  "subject": {"role": "in_custody"}, "context": {"location": "jail", "date": DAY}},
                                 (SAN_DIEGO, "sheriff")),
    "lausd_facility_access": ({"responder": {"jurisdiction": LAUSD, "entity": "school_district"},
                               "requester": "ice_ero", "action": "facility_access",
                               "instrument": "administrative_warrant_arrest",
                               "subject": {"role": "student"}, "context": {"location": "school", "date": DAY}},
                              (LAUSD, "school_district")),
    "texas_detainer": ({"responder": {"jurisdiction": HARRIS, "entity": "sheriff"},
                        "requester": "ice_ero", "action": "detainer_hold", "instrument": "detainer_request",
                        "subject": {"role": "in_custody"}, "context": {"location": "jail", "date": DAY}},
                       (HARRIS, "sheriff")),
}

#: English words that have no place in a Spanish answer (none is also a Spanish word).
ENGLISH_WORDS = {"the", "and", "of", "to", "with", "must", "may", "not", "for", "from", "this", "that", "is",
                 "are", "be", "an", "or", "if", "on", "by", "who", "when", "without", "unless", "person",
                 "hold", "release", "request", "requests", "warrant", "law", "does", "do", "give", "tell",
                 "it", "you", "your", "then", "came", "any", "ask", "jail", "officer", "agents", "records"}


def _english_messages() -> set[str]:
    out = set()
    with (locale_dir() / "law.pot").open("rb") as fp:
        out |= {m.id for m in read_po(fp) if m.id}
    with catalog_path("es").open("rb") as fp:
        out |= {m.id for m in read_po(fp) if m.id and m.string and m.string != m.id}
    return {m for m in out if isinstance(m, str) and len(m.split()) >= 3}


ENGLISH = _english_messages()


def english_left(text: str, allowed: list[str], also: list[str] = ()) -> list[str]:
    """English found in ``text`` once the ``allowed`` fragments (citations, proper names)
    are taken out: whole English messages, sentences of ``also``, and English words."""
    norm = " ".join(text.split())
    for frag in sorted({" ".join(a.split()) for a in allowed if a}, key=len, reverse=True):
        norm = norm.replace(frag, " ")
    hits = [m for m in ENGLISH if m in norm]
    for sentence in also:
        for part in re.split(r"(?<=[.:;])\s+", sentence):
            if len(part.split()) >= 3 and part in norm:
                hits.append(part)
    hits += sorted({w for w in re.findall(r"[^\W\d_]+", norm) if w.lower() in ENGLISH_WORDS})
    return hits


@pytest.fixture(scope="module")
def client(engine):
    with TestClient(create_app(engine, web=False)) as c:
        yield c


def _texts(decision: dict) -> list[str]:
    return ([decision["summary"]] + [c["title"] for c in decision["citations"]]
            + [d["text"] for d in decision["duties"]] + [u["text"] for u in decision.get("unless", [])])


def _cites(decision: dict, engine) -> list[str]:
    out = [c["cite"] for c in decision["citations"]] + [d["cite"] for d in decision["duties"]]
    for u in decision.get("unless", []):
        out += [engine.corpus.get(pid).provision.cite for pid in u["citations"]]
    return out


@pytest.mark.parametrize("name", sorted(SITUATIONS))
@pytest.mark.parametrize("how", ["query", "header"])
def test_api_decision_in_spanish_has_no_english(client, engine, name, how):
    request, _ = SITUATIONS[name]
    kwargs = {"params": {"lang": "es"}} if how == "query" else {"headers": {"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"}}
    es = client.post("/v1/decisions", json=request, **kwargs)
    en = client.post("/v1/decisions", json=request)
    assert es.status_code == en.status_code == 200
    assert es.headers["content-language"] == "es" and en.headers["content-language"] == "en"
    es, en = es.json(), en.json()
    # the same answer, the same ids and citations: only the words for people change
    for key in ("outcome", "action", "as_of", "corpus_version", "presumed", "depends_on"):
        assert es[key] == en[key]
    assert [c["cite"] for c in es["citations"]] == [c["cite"] for c in en["citations"]]
    assert es["summary"] != en["summary"]
    spanish = " ".join(_texts(es))
    left = english_left(spanish, _cites(es, engine), _texts(en))
    assert not left, left


def test_api_language_choice(client):
    request, _ = SITUATIONS["texas_detainer"]
    assert client.post("/v1/decisions", json=request, headers={"Accept-Language": "fr, de;q=0.8"}).headers[
        "content-language"] == "en"
    assert client.post("/v1/decisions", json=request, headers={"Accept-Language": "en;q=0.3, es;q=0.7"}).headers[
        "content-language"] == "es"
    bad = client.post("/v1/decisions", json=request, params={"lang": "fr"})
    assert bad.status_code == 422
    err = bad.json()["errors"][0] if "errors" in bad.json() else bad.json()
    assert "lang" in str(err) and "es" in str(err)
    batch = client.post("/v1/decisions/batch", json={"requests": [request]}, params={"lang": "es"})
    assert batch.status_code == 200 and batch.headers["content-language"] == "es"
    assert batch.json()["results"][0]["decision"]["summary"] == client.post(
        "/v1/decisions", json=request, params={"lang": "es"}).json()["summary"]


def _card_text(pdf: bytes) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(p.extract_text() for p in reader.pages), len(reader.pages)


@pytest.mark.parametrize("name", sorted(SITUATIONS))
def test_spanish_card_has_no_english_and_every_duty(engine, name):
    import datetime as dt

    _, (jurisdiction, entity) = SITUATIONS[name]
    day = dt.date.fromisoformat(DAY)
    text, pages = _card_text(render_card(jurisdiction, entity, "es", engine, day))
    english, _ = _card_text(render_card(jurisdiction, entity, "en", engine, day))
    assert "Solicitudes de inmigración: qué hacer" in text and pages <= 2
    rows = card_rows(jurisdiction, entity, engine, day)
    allowed = [engine.registry.get(engine.canonical_jurisdiction(jurisdiction)).name]
    for row in rows:
        allowed += [c.cite for c in row.decision.citations] + [d.cite for d in row.decision.duties]
        allowed += [engine.corpus.get(pid).provision.cite for u in row.decision.unless for pid in u.citations]
    flat = " ".join(text.split())
    assert "y 3 más" not in flat and "más." not in re.sub(r"\s+", " ", flat)[-5:]
    for row in rows:  # every duty, in full, in Spanish
        for duty in row.decision.duties:
            from cooprules.wording.law import law_text

            assert " ".join(_latin(law_text(duty.text, "es")).split()) in flat, duty.text
        # never "it depends" on a fact the engine presumes
        presumed = {p.fact for p in row.decision.presumed}
        assert row.decision.outcome is not Outcome.conditional or not {m.fact for m in row.decision.depends_on} & presumed
    allowed = [_latin(a) for a in allowed]
    english = " ".join(english.split())
    for frag in sorted({" ".join(a.split()) for a in allowed}, key=len, reverse=True):
        english = english.replace(frag, " ")
    left = english_left(text, allowed, [english])
    assert not left, left


def test_provision_in_spanish(client):
    es = client.get("/v1/provisions/ca-gov-7283.1-b", params={"lang": "es"})
    en = client.get("/v1/provisions/ca-gov-7283.1-b")
    assert es.status_code == en.status_code == 200 and es.headers["content-language"] == "es"
    es, en = es.json(), en.json()
    assert es["cite"] == en["cite"] and es["when"] == en["when"] and es["title"] != en["title"]
    assert es["duties"][0]["text"].startswith("Entregue a la persona una copia")
    assert client.get("/v1/provisions/ca-gov-7283.1-b", params={"lang": "xx"}).status_code == 422


def test_card_flows_onto_a_second_page_without_cutting_duties(engine):
    """A card whose duties do not fit on one page goes on to a second one: every
    duty is printed in full, in both columns, never "and N more"."""
    import datetime as dt

    from cooprules.cards import Row, _layout
    from cooprules.vocabulary import Duty
    from cooprules.wording.law import law_text

    day = dt.date.fromisoformat(DAY)
    rows = card_rows(LAUSD, "school_district", engine, day)
    extra = [Duty(text=d.text, cite=f"{d.cite} [{n}]", provision_id=d.provision_id, trigger=d.trigger)
             for n in range(4) for d in rows[0].decision.duties]
    rows[0] = Row(rows[0].label, rows[0].request,
                  rows[0].decision.model_copy(update={"duties": rows[0].decision.duties + extra}))
    pdf = bytes(_layout(rows, "Los Angeles Unified", "school_district", "es", engine.corpus.version, day).output())
    text, pages = _card_text(pdf)
    assert pages == 2
    flat = " ".join(text.split())
    for d in rows[0].decision.duties:
        assert " ".join(_latin(f"{law_text(d.text, 'es')} ({d.cite})").split()) in flat
    assert "más." not in flat.split("Página")[0][-6:] and " y 3 " not in flat


def test_training_in_spanish(engine):
    from cooprules import training
    from cooprules.web.i18n import gettext_for

    _ = gettext_for("es")
    questions = training.quiz(SAN_DIEGO, "sheriff", count=3, seed=1, engine=engine, lang="es")
    english = training.quiz(SAN_DIEGO, "sheriff", count=3, seed=1, engine=engine)
    assert questions and len(questions) == len(english)
    for q, e in zip(questions, english):
        assert q.decision.outcome == e.decision.outcome and q.answer == e.answer
        lines = training.explanation(q, "es", _, engine)
        cites = [c.cite for c in q.decision.citations] + [d.cite for d in q.decision.duties]
        cites += [engine.corpus.get(pid).provision.cite for u in q.decision.unless for pid in u.citations]
        situation = " ".join(text for _h, text in training.situation(q, engine, _))
        left = english_left(" ".join(lines + [c.title for c in q.decision.citations]), cites,
                            training.explanation(e, "en", lambda s: s, engine))
        assert not left, left
        assert not re.search(r"\b(subject|context|responder)\.\w+", " ".join(lines) + situation)
        assert "_" not in " ".join(lines).replace("I-247A", "")


def test_counsels_full_analysis_lines_have_no_raw_values(engine):
    """With presume: false every fact not given is open: the lines under the answer
    word each value (conviction ranges, charges), in Spanish, never the engine's labels."""
    from cooprules.web.i18n import gettext_for
    from cooprules.wording.answer import depends_lines

    request = {"responder": {"jurisdiction": SAN_DIEGO, "entity": "sheriff"}, "requester": "ice_ero",
               "action": "release_notification", "instrument": "notification_request",
               "subject": {"role": "in_custody"}, "context": {"location": "jail", "date": DAY}, "presume": False}
    decision = engine.evaluate(request)
    assert decision.outcome is Outcome.conditional and decision.depends_on
    lines = depends_lines(decision, gettext_for("es"), "es")
    assert len(lines) == len(decision.depends_on)
    text = " ".join(lines)
    assert "_" not in text and not re.search(r"\b(years ago|at any time|within|probable cause)\b", text)
    assert not english_left(text, [])


ENGINE_TRACE_ENGLISH = ("first layer to speak", "condition not met", "applies (presumed", "not in force on this date",
                        "requires what the higher layer", "silent: no provision", "agrees: also", "yields: the higher",
                        "restricts: a lower layer", "no law of this government", "presumed:")


@pytest.mark.parametrize("name", sorted(SITUATIONS))
def test_spanish_answer_page_why_section_has_no_engine_english(engine, name):
    """The answer page's "why, layer by layer" in Spanish words the engine's trace
    sentences (layer combinations, provision reasons, dates not in force) in Spanish."""
    import html as html_lib

    request, (jurisdiction, entity) = SITUATIONS[name]
    params = {"jurisdiction": jurisdiction, "entity": entity, "requester": request["requester"],
              "action": request["action"], "instrument": request["instrument"],
              "role": request["subject"]["role"], "lang": "es"}
    with TestClient(create_app(engine)) as web:
        page = web.get("/ask", params=params)
    assert page.status_code == 200
    start = page.text.index("<details")
    text = html_lib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.text[start:])))
    assert "Por qué" in text
    left = [phrase for phrase in ENGINE_TRACE_ENGLISH if phrase in text]
    assert not left, left


def test_every_trace_sentence_of_every_scenario_has_spanish_words(engine):
    """Each sentence the engine writes into the trace (how a layer combined, why a
    provision stood or fell, why one is contested) for every scenario request, as a
    user states it and with ``presume: false``, has a Spanish wording: none is shown
    to a Spanish reader in English."""
    from pathlib import Path

    from cooprules.scenarios import load_scenarios
    from cooprules.web import summaries
    from cooprules.web.i18n import gettext_for

    _ = gettext_for("es")
    left: set[str] = set()
    cases = load_scenarios(Path(__file__).parent / "scenarios")
    assert len(cases) > 1000
    for case in cases:
        for presume in (True, False):
            decision = engine.evaluate({**case.request, "presume": presume})
            for layer in decision.trace:
                if not summaries.combination_text(layer.combination, "es")[1]:
                    left.add(layer.combination)
                for p in layer.provisions:
                    if not summaries.reason_text(p.reason, "es", _)[1]:
                        left.add(p.reason)
            for c in decision.contested:
                if not summaries.contested_text(c.reason, "es", _)[1]:
                    left.add(c.reason)
    assert not left, sorted(left)[:10]


def test_cli_answer_in_spanish_words_a_layer_that_depends(tmp_path):
    """``ask --lang es --no-presume``: the state layer that turns on facts not given
    says so in Spanish."""
    from typer.testing import CliRunner

    from cooprules.cli import app

    result = CliRunner().invoke(app, ["ask", "-j", "ocd-division/country:us/state:ca/place:los_angeles",
                                      "-e", "police", "-a", "release_notification", "-i", "notification_request",
                                      "--no-presume", "--lang", "es"])
    assert result.exit_code == 0, result.output
    assert "algunas de sus disposiciones dependen de datos que no se indicaron" in result.output
    assert "turn on facts not given" not in result.output
    assert "defeated by" not in result.output


def _ask(*extra: str) -> str:
    from typer.testing import CliRunner

    from cooprules.cli import app

    result = CliRunner().invoke(app, ["ask", "-j", SAN_DIEGO, "-e", "sheriff", "-a", "release_notification",
                                      "-i", "notification_request", "--no-presume", *extra], env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    return result.output


def test_counsels_depends_lines_in_both_languages():
    """The full analysis (``--no-presume``) of a California release-date request lists
    what each conviction gives. Gov. Code § 7282.5(a)(3): a listed felony within 15
    years lets the sheriff answer; older ones do not. English keeps the vocabulary's
    outcome words; Spanish words outcomes and spans of years in Spanish (the values
    stay the words the flags take)."""
    en = _ask()
    assert "→ prohibited or permitted (then turns on the other facts):" in en
    assert "listed_felony 16 or more years ago" in en
    assert "listed_felony within 15 years" in en
    es = _ask("--lang", "es")
    assert "→ lo prohíbe o lo permite (luego depende de los demás datos):" in es
    assert "listed_felony hace 16 años o más" in es
    assert "listed_felony en los últimos 15 años" in es
    assert "y además" in es and "con causa probable determinada" in es
    for english in ("then turns on", "or more years ago", " within ", "and also", "probable cause", "(any time)",
                    "→ permitted", "→ prohibited"):
        assert english not in es, english


# ------------------------------------------------------------------ newcomer's report (Dec 2026)
LA_COUNTY = "ocd-division/country:us/state:ca/county:los_angeles"
LA_HOLD = {"jurisdiction": LA_COUNTY, "entity": "sheriff", "requester": "ice_ero", "action": "detainer_hold",
           "instrument": "detainer_request"}


def _page_text(engine, params: dict) -> str:
    import html as html_lib

    with TestClient(create_app(engine)) as web:
        page = web.get("/ask", params=params)
    assert page.status_code == 200
    return html_lib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.text)))


def _cli(*args: str) -> str:
    from typer.testing import CliRunner

    from cooprules.cli import app

    result = CliRunner().invoke(app, ["ask", "-j", LA_COUNTY, "-e", "sheriff", "-a", "detainer_hold",
                                      "-i", "detainer_request", *args], env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    return " ".join(result.output.split())


def test_machine_drafted_law_texts_are_said_once(engine, monkeypatch):
    """Where a title or duty text shown in Spanish is a translation the catalog marks
    ``# machine-drafted``, the CLI, the page, the card and training say so in one line
    (English governs); English output never does."""
    import datetime as dt

    from cooprules.training import Question, explanation
    from cooprules.web.i18n import gettext_for
    from cooprules.wording import law

    note = law.MACHINE_NOTE["es"]
    title = "No detaining anyone on the basis of an immigration hold request"
    assert law.machine_drafted([title], "es") and law.machine_drafted([law.law_text(title, "es")], "es")
    assert not law.machine_drafted([title], "en") and not law.machine_drafted(["Not a law text"], "es")
    es, en = _cli("--lang", "es"), _cli()
    assert es.count(note) == 1 and "Traducción automática" not in en
    page_es = _page_text(engine, {**LA_HOLD, "lang": "es"})
    assert page_es.count(note) == 1
    assert "Traducción automática" not in _page_text(engine, {**LA_HOLD, "lang": "en"})
    card, _ = _card_text(render_card(LA_COUNTY, "sheriff", "es", engine, dt.date.fromisoformat(DAY)))
    assert " ".join(_latin(note).split()) in " ".join(card.split())
    decision = engine.evaluate({"responder": {"jurisdiction": LA_COUNTY, "entity": "sheriff"}, "requester": "ice_ero",
                                "action": "detainer_hold", "instrument": "detainer_request"})
    from cooprules.wording.answer import in_language

    q = Question(case=None, request={}, answer="prohibited", decision=in_language(decision, "es"))  # type: ignore[arg-type]
    assert explanation(q, "es", gettext_for("es"))[-1] == note
    # a catalog whose translations are all reviewed: no note anywhere
    plain, suffixes, _m = law._translations("es", None)
    monkeypatch.setattr(law, "_translations", lambda lang, env: (plain, suffixes, frozenset()))
    assert note not in _cli("--lang", "es") and law.machine_note(decision, "es") == ""


def test_layer_names_in_spanish(engine):
    """The trace names the country, the states and the kinds of government in Spanish
    (CLI and page); proper names stay as written."""
    from cooprules.web.names import layer_title

    assert layer_title("United States", "ocd-division/country:us", "es") == "Estados Unidos"
    assert layer_title("United States", "ocd-division/country:us", "en") == "United States"
    assert layer_title("New York", "ocd-division/country:us/state:ny", "es") == "Nueva York"
    assert layer_title("State of Oregon", "ocd-division/country:us/state:or", "es") == "Estado de Oregón"
    assert layer_title("County of Los Angeles (agency policies and 287(g) agreements)", LA_COUNTY, "es") == \
        "Condado de Los Angeles (políticas de agencias y acuerdos 287(g))"
    assert layer_title("Harris County", HARRIS, "es") == "Condado de Harris"
    assert layer_title("Los Angeles Unified School District", LAUSD, "es") == "Los Angeles Unified School District"
    es = _cli("--lang", "es")
    assert "Ley federal · Estados Unidos:" in es and "Condado · Condado de Los Angeles:" in es
    assert "United States" not in es and "agency policies" not in es
    page = _page_text(engine, {**LA_HOLD, "lang": "es"})
    assert "Ley federal · Estados Unidos:" in page and "United States" not in page
    assert "Federal law · United States:" in _page_text(engine, {**LA_HOLD, "lang": "en"})


def test_one_of_several_provisions_is_singular(engine):
    """"1 de las 2 disposiciones ... se cotejó", "1 of the 2 provisions ... was checked"."""
    es = _page_text(engine, {**LA_HOLD, "lang": "es"})
    assert "1 de las 2 disposiciones en que se basa esta respuesta se cotejó" in es
    assert "se cotejaron" not in es
    en = _page_text(engine, {**LA_HOLD, "lang": "en"})
    assert "1 of the 2 provisions this answer rests on was checked" in en


def test_judicial_warrant_and_court_order_are_worded_apart():
    """Where the English names a judicial warrant and a court order together, the
    Spanish words the warrant as "orden judicial de arresto o registro" (a court
    order is "orden de un tribunal"): never "una orden judicial o una orden de un
    tribunal", which reads as one thing twice."""
    both = re.compile(r"\bjudicial (?:arrest )?warrants?\b.*\bcourt orders?\b|\bcourt orders?\b.*\bjudicial warrants?\b",
                      re.IGNORECASE)
    loose = []
    for m in _law_entries():
        if both.search(m.id) and re.search(r"orden(?:es)? judicial(?:es)?(?! de (?:arresto|registro))", m.string) \
                and re.search(r"orden(?:es)? de(?:l| un)? tribunal", m.string):
            loose.append((m.id, m.string))
    assert not loose, loose[:5]
    with catalog_path("es").open("rb") as fp:
        page = {m.id: m.string for m in read_po(fp) if m.id}
    assert "de arresto o registro" in page["A written request with no warrant or order attached."]


def _law_entries():
    with (locale_dir() / "es" / "LC_MESSAGES" / "law.po").open("rb") as fp:
        return [m for m in read_po(fp) if m.id and isinstance(m.id, str)]
