"""The catalog of the law's words beside the corpus (rules/locale): lookup, the 287(g)
title templates, extraction, and the lint that fails on a missing, fuzzy or unmarked
translation."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from cooprules.corpus.lint import lint
from cooprules.corpus.loader import default_rules_path, read_tree
from cooprules.wording.law import AGREEMENT_CONTEXT, agreement_titles, catalog_file, extract, law_text, lint_findings

ES = catalog_file("es")


def _entries():
    with ES.open("rb") as fp:
        return [m for m in read_po(fp, locale="es") if m.id]


def test_shipped_catalog_covers_every_title_and_duty():
    provisions, *_ = read_tree(default_rules_path())
    findings = lint_findings(default_rules_path(), provisions, national=True)
    assert findings == [], [str(f) for f in findings[:5]]
    texts = {cp.provision.title for cp in provisions} | {d.text for cp in provisions for d in cp.provision.duties or []}
    assert len(texts) > 500
    assert all(law_text(t, "es") != t for t in texts)


def test_every_translation_is_marked_and_keeps_citations_and_form_numbers():
    for m in _entries():
        assert any(c.startswith(("machine-drafted", "reviewed")) for c in m.user_comments), m.id
        # what a reader checks against the paper stays as written: sections, U.S.C. cites, form numbers
        for token in re.findall(r"§+ ?[\d.]+[\w().-]*|\d+ U\.S\.C\. ?§*[\w() .-]*?\d[\w()]*|I-\d{3}[A-Z]?|287\(g\)|RCW [\d.()a-z]+", m.id):
            assert token.strip(" .") in m.string, (token, m.id, m.string)


def test_spanish_uses_the_agreed_legal_terms():
    for m in _entries():
        if re.search(r"\bdetainer\b", m.id, re.I):
            assert "solicitud de detención" in m.string or "solicitudes de detención" in m.string, m.string
        if re.search(r"\bjudicial warrant\b", m.id, re.I):
            assert "orden judicial" in m.string or "órdenes judiciales" in m.string, m.string
        assert "orden de retención" not in m.string  # a detainer is a request, not an order


def test_law_text_by_language():
    title = "No detaining anyone on the basis of an immigration hold request"
    assert law_text(title, "es") == "No se detiene a nadie por una solicitud de detención migratoria (I-247A)"
    assert law_text(title, "en") == title
    assert law_text(title, "fr") == title  # no catalog: English
    assert law_text("Not a title in the corpus", "es") == "Not a title in the corpus"
    assert law_text("", "es") == ""


def test_287g_titles_keep_the_agency_name_and_translate_the_rest():
    agency, prov = next((a, p) for a, p in agreement_titles() if p.id.endswith("-tfm"))
    spanish = law_text(prov.title, "es")
    assert spanish.startswith(agency + " puede hacer que agentes designados")
    assert "in the field" not in spanish and spanish.endswith("en la calle")


RULE = textwrap.dedent("""\
    document:
      title: Test act
      cite: Test Code § 1
      source: https://example.org/act
      source_kind: statute
      effective_from: 2020-01-01
      binds: all
    provisions:
      - id: us-test-1
        cite: Test Code § 1(a)
        title: {title}
        actions: [detainer_hold]
        effect: prohibited
        duties:
          - text: Tell the person in writing.
            cite: Test Code § 1(b)
            trigger: request_received
""")


def _corpus(tmp_path: Path, title: str = "No holds on a detainer") -> Path:
    root = tmp_path / "rules"
    (root / "us").mkdir(parents=True)
    (root / "us" / "_jurisdiction.yaml").write_text("ocd_id: ocd-division/country:us\nname: United States\nid_prefix: us\n")
    (root / "us" / "test-act.yaml").write_text(RULE.format(title=title))
    return root


def _findings(root: Path) -> list[str]:
    provisions, *_ = read_tree(root)
    return [str(f) for f in lint_findings(root, provisions, national=False)]


def test_extract_then_lint_missing_unmarked_fuzzy(tmp_path):
    root = _corpus(tmp_path)
    assert _findings(root) == []  # no locale folder: a private corpus is not checked
    assert extract(root) == {"es": (2, 2)}
    po = catalog_file("es", root)
    assert (root / "locale" / "law.pot").is_file()
    found = _findings(root)
    assert len(found) == 2 and all("no es translation" in f for f in found)
    assert any("[us-test-1] title" in f for f in found) and any("duties[0].text" in f for f in found)

    text = po.read_text(encoding="utf-8")
    text = text.replace('msgid "No holds on a detainer"\nmsgstr ""',
                        'msgid "No holds on a detainer"\nmsgstr "No se retiene por una solicitud de detención (I-247A)"')
    text = text.replace('msgid "Tell the person in writing."\nmsgstr ""',
                        '# machine-drafted\nmsgid "Tell the person in writing."\nmsgstr "Avise a la persona por escrito."')
    po.write_text(text, encoding="utf-8")
    found = _findings(root)
    assert len(found) == 1 and "marked neither" in found[0] and "title" in found[0]

    po.write_text(po.read_text(encoding="utf-8").replace('msgid "No holds on a detainer"',
                                                         '# reviewed: counsel, 2026-12-01\nmsgid "No holds on a detainer"'),
                  encoding="utf-8")
    assert _findings(root) == []

    # the English changes: the old translation is kept as a fuzzy guess, and lint says so
    (root / "us" / "test-act.yaml").write_text(RULE.format(title="No holds on a detainer request"))
    assert extract(root) == {"es": (2, 1)}
    found = _findings(root)
    assert len(found) == 1 and "fuzzy" in found[0]
    assert "No holds on a detainer\"" not in po.read_text(encoding="utf-8")  # the old text is dropped


def test_lint_reports_a_broken_catalog_without_crashing(tmp_path):
    root = _corpus(tmp_path)
    extract(root)
    catalog_file("es", root).write_bytes(b'msgid "x\nmsgstr \xff\xfe')
    found = _findings(root)
    assert found and ("unreadable" in found[0] or "no es translation" in found[0])


def test_lint_command_runs_the_translation_check(tmp_path):
    root = _corpus(tmp_path)
    extract(root)
    findings = lint(root, national=False)
    assert any("no es translation" in str(f) for f in findings)


@pytest.mark.parametrize("context", [AGREEMENT_CONTEXT])
def test_287g_templates_are_in_the_catalog(context):
    suffixes = [m for m in _entries() if m.context == context]
    assert len(suffixes) >= 3 and all(m.string.startswith("puede ") for m in suffixes)
