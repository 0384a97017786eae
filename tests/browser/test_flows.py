"""The guided flow, training and pocket card in Chromium, as a front-line user does
them, in English and Spanish; and an axe-core accessibility check of the main pages.

The case: a Los Angeles school office; an agent at the front desk with an
administrative warrant (Form I-200) wants to see a student.
"""

from __future__ import annotations

import io

import pytest
from axe_playwright_python.sync_playwright import Axe
from pypdf import PdfReader

LAUSD = "ocd-division/country:us/state:ca/county:los_angeles/school_district:los_angeles_unified"

TEXT = {
    "en": {"search": "Search", "next": "Next", "answer": "Get the answer", "verdict": "Must not",
           "now": "Do not give the agents access to the person.", "why": "Why: the law layer by layer",
           "start": "Start the quiz", "check": "Check my answer", "card": "Pocket card for this office (PDF)"},
    "es": {"search": "Buscar", "next": "Siguiente", "answer": "Ver la respuesta", "verdict": "No debe",
           "now": "No dé a los agentes acceso a la persona.", "why": "Por qué: la ley nivel por nivel",
           "start": "Empezar el cuestionario", "check": "Comprobar mi respuesta",
           "card": "Tarjeta de bolsillo para esta oficina (PDF)"},
}


def _guided_flow(page, base_url: str, lang: str) -> None:
    t = TEXT[lang]
    page.goto(f"{base_url}/?lang={lang}")
    page.fill("#q", "Los Angeles Unified")
    page.get_by_role("button", name=t["search"]).click()
    page.check(f'input[name="jurisdiction"][value="{LAUSD}"] >> nth=0')
    page.get_by_role("button", name=t["next"]).click()
    page.check('input[name="entity"][value="school_district"]')
    page.get_by_role("button", name=t["next"]).click()
    page.select_option("#requester", "ice_ero")
    page.check('input[name="action"][value="interview_access"]')
    page.get_by_role("button", name=t["next"]).click()
    page.check('input[name="instrument"][value="administrative_warrant_arrest"]')
    # the same step asks what else came with the paper: nothing
    page.check('input[name="attachments"][value="none"]')
    page.get_by_role("button", name=t["answer"]).click()


@pytest.mark.parametrize("lang", ["en", "es"])
def test_guided_flow_to_the_answer(page, base_url, artifacts, lang):
    t = TEXT[lang]
    _guided_flow(page, base_url, lang)
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator("#answer-h").inner_text().strip().lower() == t["verdict"].lower()
    assert t["now"] in page.locator("#now").inner_text()
    # what to do now, then the duties, then the explanation (collapsed until opened)
    why = page.locator("#why")
    assert why.get_attribute("open") is None
    page.get_by_text(t["why"]).click()
    assert why.get_attribute("open") is not None
    assert page.locator("#why a[href^='http']").count() > 0
    page.screenshot(path=str(artifacts / f"answer-{lang}-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1200, "height": 900})
    page.screenshot(path=str(artifacts / f"answer-{lang}-desktop.png"), full_page=True)


def test_switching_language_keeps_the_question(page, base_url):
    _guided_flow(page, base_url, "en")
    page.get_by_role("link", name="Español").click()
    assert TEXT["es"]["now"] in page.locator("#now").inner_text()


def test_search_as_you_type(page, base_url):
    page.goto(f"{base_url}/?lang=en")
    page.locator("#q").press_sequentially("San Diego Count", delay=20)
    page.wait_for_selector('#hits input[value="ocd-division/country:us/state:ca/county:san_diego"]')


def test_works_without_javascript(browser, base_url):
    context = browser.new_context(java_script_enabled=False)
    pg = context.new_page()
    pg.goto(f"{base_url}/ask?lang=en&jurisdiction={LAUSD}&entity=school_district&action=interview_access")
    pg.check('input[name="instrument"][value="administrative_warrant_arrest"]')
    pg.check('input[name="attachments"][value="none"]')
    pg.get_by_role("button", name="Get the answer").click()
    assert pg.locator("#answer-h").inner_text().strip().lower() == "must not"
    context.close()


def test_keyboard_only(page, base_url):
    page.goto(f"{base_url}/ask?lang=en&jurisdiction={LAUSD}&entity=school_district")
    page.keyboard.press("Tab")  # the skip link comes first
    assert page.evaluate("document.activeElement.className") == "skip"
    page.focus('input[name="action"][value="interview_access"]')
    page.keyboard.press("Space")
    page.keyboard.press("Enter")  # submits the form
    page.wait_for_selector('input[name="instrument"]')


def test_training_flow(page, base_url):
    page.goto(f"{base_url}/training?lang=es")
    page.check(f'input[name="office"][value="{LAUSD}|school_district"]')
    page.get_by_role("button", name=TEXT["es"]["start"]).click()
    for _ in range(5):
        page.check('input[name="choice"][value="prohibited"]')
        page.get_by_role("button", name=TEXT["es"]["check"]).click()
        feedback = page.locator("#feedback").inner_text()
        assert "Correcto." in feedback or "No exactamente" in feedback
        page.click("#next")
    assert "de 5 correctas" in page.locator("#score").inner_text()


@pytest.mark.parametrize("lang", ["en", "es"])
def test_card_download(page, base_url, artifacts, lang):
    page.goto(f"{base_url}/ask?lang={lang}&jurisdiction={LAUSD}&entity=school_district&action=interview_access"
              "&instrument=administrative_warrant_arrest&attachments=none")
    with page.expect_download() as info:
        page.get_by_role("link", name=TEXT[lang]["card"]).click()
    download = info.value
    path = artifacts / f"card-{lang}.pdf"
    download.save_as(str(path))
    pdf = PdfReader(io.BytesIO(path.read_bytes()))
    assert len(pdf.pages) == 1
    assert "LAUSD" in pdf.pages[0].extract_text()


MAIN_PAGES = [
    "/?lang=en", "/?lang=es&q=los+angeles",
    f"/ask?lang=en&jurisdiction={LAUSD}",
    f"/ask?lang=es&jurisdiction={LAUSD}&entity=school_district",
    f"/ask?lang=en&jurisdiction={LAUSD}&entity=school_district&action=interview_access",
    f"/ask?lang=es&jurisdiction={LAUSD}&entity=school_district&action=interview_access&instrument=administrative_warrant_arrest",
    f"/ask?lang=en&jurisdiction={LAUSD}&entity=school_district&requester=other_federal&action=facility_access&instrument=verbal_request",
    "/ask?lang=es&jurisdiction=ocd-division/country:us/state:ca/county:san_diego&entity=jail&action=detainer_hold"
    "&instrument=detainer_request",
    "/ask?lang=en&jurisdiction=ocd-division/country:us/state:ca/county:san_diego&entity=jail&action=detainer_hold"
    "&instrument=detainer_request&presume=false",
    "/training?lang=en",
    f"/training?lang=es&jurisdiction={LAUSD}&entity=school_district&seed=1&i=0&right=0",
    f"/training?lang=en&jurisdiction={LAUSD}&entity=school_district&seed=1&i=0&right=0&choice=required",
]


@pytest.mark.parametrize("path", MAIN_PAGES)
def test_accessibility(page, base_url, path):
    page.goto(base_url + path)
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    results = Axe().run(page)
    violations = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
                  for v in results.response["violations"]]
    assert not violations, violations
