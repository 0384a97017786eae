"""Reports as HTML (one printable page, charts inline as SVG) and PDF (fpdf2)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from . import charts
from .i18n import translator

CSS_PATH = Path(__file__).parent / "ledger.css"


def office_label(office: tuple[str, str] | None, lang: str) -> str:
    """``"San Diego County · Sheriff's office"`` for an office, or "All offices"."""
    from .i18n import word

    if office is None:
        return translator(lang)("All offices")
    try:
        from .. import default_engine

        from ..web.names import government_name

        reg = default_engine().registry
        rec = reg.get(reg.canonical(office[0]))
        name = government_name(rec.display_name or rec.name, rec.kind, lang)
        name = name if any(c.isupper() for c in name) else name.title()
    except Exception:
        name = office[0]
    return f"{name} · {word('entity', office[1], lang)}"


def html(reports: list[dict[str, Any]], year: int, office: tuple[str, str] | None, lang: str,
         links: dict[str, str] | None = None) -> str:
    """The report page. Without ``links`` (files written by the CLI) it is standalone:
    inline CSS and SVG, nothing fetched; with them (the web page) the CSS is
    ``/ledger/ledger.css`` and the page links the other formats and language."""
    from ..web.render import environment

    env = environment(lang)
    return env.get_template("ledger/report.html").render(
        lang=lang, t=translator(lang), reports=reports, year=year, office_label=office_label(office, lang),
        svg=charts.svg, links=links, inline_css=None if links else CSS_PATH.read_text(encoding="utf-8"), other_lang="es" if lang == "en" else "en",
        generated=dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))


def pdf(reports: list[dict[str, Any]], year: int, office: tuple[str, str] | None, lang: str) -> bytes:
    """The report as a PDF (A4 portrait), with the same figures, charts and citations."""
    from fpdf import FPDF

    from ..cards import _latin as latin

    t = translator(lang)
    doc = FPDF(orientation="P", unit="mm", format="A4")
    doc.set_auto_page_break(True, 14)
    doc.set_margins(14, 14, 14)
    doc.add_page()
    doc.set_font("Helvetica", "B", 15)
    doc.multi_cell(0, 7, latin(f"{t('Report')} {year}: {office_label(office, lang)}"), new_x="LMARGIN", new_y="NEXT")
    doc.set_font("Helvetica", "", 8)
    doc.multi_cell(0, 4, latin(f"{t('Drawn from the request ledger on')} "
                               f"{dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC. "
                               + t("Figures count requests received in the calendar year (UTC) that were not corrected by a later record. The ledger holds no names or identifiers.")),
                   new_x="LMARGIN", new_y="NEXT")
    if not reports:
        doc.set_font("Helvetica", "", 11)
        doc.cell(0, 8, latin(t("No report applies to this office.")))
    for n, rep in enumerate(reports):
        if n:
            doc.add_page()
        doc.ln(3)
        doc.set_font("Helvetica", "B", 13)
        doc.multi_cell(0, 6, latin(rep["title"]), new_x="LMARGIN", new_y="NEXT")
        doc.set_font("Helvetica", "", 9)
        doc.multi_cell(0, 4.5, latin(f"{rep['cite']} · {t('Confidence')}: {t(rep['confidence'])}"), new_x="LMARGIN", new_y="NEXT")
        if rep["confidence"] != "confirmed":
            doc.set_font("Helvetica", "B", 9)
            doc.multi_cell(0, 4.5, latin(t("Not verified against the official text: confirm with counsel before publishing.")),
                           new_x="LMARGIN", new_y="NEXT")
        doc.set_font("Helvetica", "", 9)
        doc.set_fill_color(243, 246, 249)
        doc.multi_cell(0, 4.5, latin(f"{t('What the law asks')}: {rep['due']}"), fill=True, new_x="LMARGIN", new_y="NEXT")
        for c in rep["counts"]:
            if doc.get_y() > doc.h - 50:
                doc.add_page()
            doc.ln(2)
            doc.set_font("Helvetica", "B", 10.5)
            doc.multi_cell(0, 5, latin(c["label"]), new_x="LMARGIN", new_y="NEXT")
            doc.set_font("Helvetica", "", 8)
            doc.multi_cell(0, 4, latin(c["cite"]), new_x="LMARGIN", new_y="NEXT")
            if c["not_recorded"]:
                doc.set_font("Helvetica", "I", 9)
                doc.multi_cell(0, 4.5, latin(f"{t('Not in the ledger')}: {c['not_recorded']}"), new_x="LMARGIN", new_y="NEXT")
                continue
            doc.set_font("Helvetica", "B", 12)
            doc.cell(0, 6, latin(f"{t('Total')}: {c['total']}"), new_x="LMARGIN", new_y="NEXT")
            charts.pdf_bars(doc, c, latin)
        doc.ln(2)
        doc.set_font("Helvetica", "", 7.5)
        doc.multi_cell(0, 3.6, latin(f"{t('Notes')}: {rep['notes']}"), new_x="LMARGIN", new_y="NEXT")
        doc.multi_cell(0, 3.6, latin(f"{t('Provisions')}: {', '.join(rep['provisions']) or '-'} · {rep['file']}"),
                       new_x="LMARGIN", new_y="NEXT")
    return bytes(doc.output())
