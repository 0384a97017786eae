"""Reports defined as data: the shipped files load and point at real provisions; the
figures equal what the records say; a new report is a file."""

from __future__ import annotations

from collections import Counter

import pytest

from cooprules.ledger import Ledger, reports
from cooprules.ledger.render import html, pdf

from .sample import SD_OFFICE, year_of_entries


def test_shipped_report_files_load_and_cite_real_provisions(engine):
    found = reports.load_reports()
    assert {"truth-act", "sb54-task-force", "illinois-trust-act", "oregon-sanctuary-promise", "nj-immigrant-trust"} <= set(found)
    assert reports.lint_reports(engine.corpus, found) == []
    assert found["truth-act"].file == "us/ca/gov-code-7283-truth-act.report.yaml"
    assert found["nj-immigrant-trust"].confidence == "unconfirmed"  # not verified against the Directive's text
    # the corpus loader skips report files (they sit beside the statutes)
    assert all(not cp.file.endswith(".report.yaml") for cp in engine.corpus.provisions.values())


def test_a_bad_report_file_is_named(tmp_path):
    (tmp_path / "x.report.yaml").write_text("report:\n  id: x\n  title: {en: a, es: b}\n  cite: c\n"
                                            "  lawmaker: ocd-division/country:us\n  due: {en: a, es: b}\n"
                                            "  counts:\n    - {id: a, label: {en: a, es: b}, cite: c, where: [{action: [detainer]}]}\n")
    with pytest.raises(ValueError, match=r"x.report.yaml.*detainer.*not a word"):
        reports.load_reports(tmp_path)


@pytest.fixture(scope="module")
def year_ledger(tmp_path_factory, engine):
    url = f"sqlite:///{tmp_path_factory.mktemp('rep') / 'l.sqlite3'}"
    led = Ledger(url)
    clerk = led.by_token(led.add_account("ana", "clerk", SD_OFFICE, None))
    sup = led.by_token(led.add_account("sam", "supervisor", SD_OFFICE, None))
    kept = []
    for at, entry in year_of_entries(2025, 300):
        rec = led.record(clerk, entry, engine, received_at=at)
        # the office follows the answer: declines what it must not do, complies otherwise
        value = "declined" if rec["outcome"] == "prohibited" else "complied"
        led.add_event(clerk, rec["uid"], "disposition", value)
        kept.append((at, rec, value))
    return led, sup, kept


def test_truth_act_figures_equal_the_records(year_ledger):
    led, sup, kept = year_ledger
    drawn, office = reports.draw(led, sup, 2025, "truth-act")
    counts = {c["id"]: c for c in drawn[0]["counts"]}
    ice_access = [(at, rec, v) for at, rec, v in kept]  # every sample request is ICE access
    by_month = Counter(at.month for at, _, _ in ice_access)
    assert counts["ice_access_requests"]["total"] == len(kept) == 300
    assert [b["n"] for b in counts["ice_access_requests"]["breakdown"]] == [by_month.get(m, 0) for m in range(1, 13)]
    assert {b["key"]: b["n"] for b in counts["by_outcome"]["breakdown"]} == dict(Counter(r["outcome"] for _, r, _ in kept))
    assert {b["key"]: b["n"] for b in counts["by_kind"]["breakdown"]} == dict(Counter(r["request"]["action"] for _, r, _ in kept))
    transferred = sum(1 for _, r, v in kept if r["request"]["action"] == "custody_transfer" and v == "complied")
    interviewed = sum(1 for _, r, v in kept if r["request"]["action"] == "interview_access" and v == "complied")
    assert counts["transferred"]["total"] == transferred and counts["interviewed"]["total"] == interviewed
    assert counts["complied"]["total"] + counts["declined"]["total"] == 300
    assert reports.draw(led, sup, 2024, "truth-act")[0][0]["counts"][0]["total"] == 0
    # the HTML and PDF carry the figures and citations, in both languages
    page = html(drawn, 2025, office, "en")
    assert "Cal. Gov. Code § 7283.1(c)-(d)" in page and "<svg" in page and f"Total: {len(kept)}" in page
    es = reports.draw(led, sup, 2025, "truth-act", lang="es")[0]
    page_es = html(es, 2025, office, "es")
    assert "Solicitudes de acceso de ICE recibidas, por mes" in page_es and "enero" in page_es
    assert pdf(drawn, 2025, office, "en").startswith(b"%PDF")


def test_a_new_report_is_a_file(tmp_path, year_ledger, monkeypatch):
    led, sup, kept = year_ledger
    (tmp_path / "us").mkdir()
    (tmp_path / "us" / "new.report.yaml").write_text(
        "report:\n  id: new-state\n  title: {en: New, es: Nuevo}\n  cite: New Code § 1\n"
        "  lawmaker: ocd-division/country:us\n  due: {en: count, es: contar}\n"
        "  counts:\n    - {id: holds, label: {en: Holds, es: Retenciones}, cite: New Code § 1(a), "
        "where: [{action: [detainer_hold], disposition: [declined]}], by: outcome}\n")
    monkeypatch.setattr(reports, "shipped_reports", lambda: reports.load_reports(tmp_path))
    drawn, _ = reports.draw(led, sup, 2025)
    assert [r["id"] for r in drawn] == ["new-state"]
    want = sum(1 for _, r, v in kept if r["request"]["action"] == "detainer_hold" and v == "declined")
    assert drawn[0]["counts"][0]["total"] == want > 0


def test_spanish_report_has_no_english_cite_note_and_whole_labels(year_ledger):
    """``ledger report --lang es``: the figure cooprules adds (by answer) says so in
    Spanish, and no label is cut mid-word in the chart (HTML or PDF)."""
    import io
    import re

    from pypdf import PdfReader

    from cooprules.ledger.charts import wrap_label

    led, sup, _ = year_ledger
    drawn, office = reports.draw(led, sup, 2025, "truth-act", lang="es")
    page = html(drawn, 2025, office, "es")
    assert "The answer under" not in page and "not a figure" not in page
    assert "no es una cifra que pida la ley" in page
    labels = [b["label"] for c in drawn[0]["counts"] if c["id"] == "by_paper" for b in c["breakdown"]]
    detainer = next(lab for lab in labels if "I-247A" in lab)
    assert len(detainer) > 60  # long enough that it was cut before
    # every label's lines, joined, give the label back: nothing cut, no word split
    shown = [" ".join(re.findall(r"<tspan[^>]*>([^<]*)</tspan>", t))
             for t in re.findall(r'<text font-size="12" text-anchor="end">(.*?)</text>', page)]
    from markupsafe import escape
    assert str(escape(detainer)) in shown
    assert all(" ".join(wrap_label(lab)) == lab for lab in labels)
    text = " ".join(PdfReader(io.BytesIO(pdf(drawn, 2025, office, "es"))).pages[0].extract_text().split())
    assert "Immigration Detainer - Notice of Action" in text and "(solicitud de detención)" in text
