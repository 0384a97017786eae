"""A newcomer's review of the guided page, in Chromium, English and Spanish: the
paper step's words for a judicial warrant and a court order, the "other papers" boxes
against "what each answer gives", place names in Spanish, a conditional answer's
sources grouped by the outcome each would carry (the counsel view), the office
search's closest names as you type, and the default request for a jail. Screenshots
go to ``artifacts/review-<what>-<lang>.png`` for a person to read.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

HOUSTON = "ocd-division/country:us/state:tx/place:houston"
HARRIS = "ocd-division/country:us/state:tx/county:harris"
HOUSTON_ASK = {"jurisdiction": HOUSTON, "entity": "police", "action": "status_inquiry",
               "instrument": "verbal_request"}
WORDS = {
    "en": {"city": "Houston city", "closest": "the closest names", "prohibited": "Must not", "permitted": "May",
           "warrant": "Judicial warrant", "order": "Court order", "counsel": "For counsel"},
    "es": {"city": "Ciudad de Houston", "closest": "los nombres más parecidos", "prohibited": "No debe",
           "permitted": "Puede", "warrant": "Orden judicial de arresto o de registro (firmada por un juez)",
           "order": "Orden de un tribunal (mandato dirigido a su oficina)", "counsel": "Para la asesoría jurídica"},
}


def _desktop(page):
    page.set_viewport_size({"width": 1200, "height": 900})
    return page


@pytest.mark.parametrize("lang", ["en", "es"])
def test_conditional_answer_for_counsel_groups_sources(page, base_url, artifacts, lang):
    w = WORDS[lang]
    _desktop(page).goto(f"{base_url}/ask?{urlencode({**HOUSTON_ASK, 'lang': lang})}")
    assert w["city"] in page.locator(".crumbs").first.inner_text()
    counsel = page.locator("#counsel-link")
    if counsel.count():  # the everyday answer presumed something: the counsel view is one click away
        counsel.click()
    else:
        page.goto(f"{base_url}/ask?{urlencode({**HOUSTON_ASK, 'presume': 'false', 'lang': lang})}")
    page.screenshot(path=str(artifacts / f"review-houston-counsel-{lang}.png"), full_page=True)
    for outcome in ("prohibited", "permitted"):
        group = page.locator(f"#sources-{outcome}")
        assert group.count() == 1
        assert w[outcome] in group.locator("h3").inner_text()
        assert group.locator("a[href^='http']").count() >= 1
    # Texas's victim-or-witness rule forbids; it is not among the sources that permit
    assert "2A.059" in page.locator("#sources-prohibited").inner_text()
    assert "2A.059" not in page.locator("#sources-permitted").inner_text()


@pytest.mark.parametrize("lang", ["en", "es"])
def test_paper_step_and_other_papers(page, base_url, artifacts, lang):
    w = WORDS[lang]
    _desktop(page).goto(f"{base_url}/ask?{urlencode({'jurisdiction': HARRIS, 'entity': 'jail', 'action': 'detainer_hold', 'lang': lang})}")
    assert page.get_by_label(w["warrant"], exact=False).count() >= 1
    assert page.locator('input[name="instrument"][value="court_order"]').count() == 1
    page.screenshot(path=str(artifacts / f"review-paper-step-{lang}.png"), full_page=True)
    # counsel's view of a letter asking a Harris County jail to hold: every paper named
    # under "what each answer gives" has a box
    page.goto(f"{base_url}/ask?{urlencode({'jurisdiction': HARRIS, 'entity': 'jail', 'action': 'detainer_hold', 'instrument': 'written_request', 'presume': 'false', 'lang': lang})}")
    page.screenshot(path=str(artifacts / f"review-other-papers-{lang}.png"), full_page=True)
    boxes = page.locator("#next-fact input[name=attachments]")
    labels = {page.locator(f'label[for="{boxes.nth(i).get_attribute("id")}"]').inner_text().split("\n")[0].strip()
              for i in range(boxes.count())}
    listed = page.locator("#possible .if")
    for i in range(listed.count()):
        for paper in listed.nth(i).inner_text().split("; "):
            assert paper.strip() in labels, (paper, labels)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_search_as_you_type_says_closest_names(page, base_url, artifacts, lang):
    w = WORDS[lang]
    _desktop(page).goto(f"{base_url}/?lang={lang}")
    page.locator("#q").press_sequentially("Houstn", delay=20)
    page.wait_for_selector(f'#hits input[value="{HOUSTON}"]')
    hits = page.locator("#hits").inner_text()
    assert w["closest"] in hits and w["city"] in hits
    page.screenshot(path=str(artifacts / f"review-search-closest-{lang}.png"), full_page=True)


def test_jail_defaults_to_the_detainer(page, base_url):
    _desktop(page).goto(f"{base_url}/ask?{urlencode({'jurisdiction': HARRIS, 'entity': 'jail', 'lang': 'en'})}")
    assert page.locator('input[name="action"][value="detainer_hold"]').is_checked()
    assert not page.locator('input[name="action"][value="interview_access"]').is_checked()
