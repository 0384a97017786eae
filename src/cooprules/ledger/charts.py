"""Charts of report figures: inline SVG for the HTML page (drawn here, no script, no
CDN) and bars drawn with fpdf2 for the PDF. Both escape every label."""

from __future__ import annotations

import textwrap
from typing import Any

from markupsafe import Markup, escape

BAR = "#1f5f8b"
MAX_BARS = 24


def svg(count: dict[str, Any], width: int = 640) -> Markup:
    """An SVG chart of one count's breakdown (columns by month, else horizontal bars,
    at most 24 of them). Returns empty markup when there is nothing to draw."""
    items = count.get("breakdown") or []
    if not items:
        return Markup("")
    items = items[:MAX_BARS]
    top = max(b["n"] for b in items) or 1
    title = escape(count["label"])
    if count["by"] == "month":
        height, base, colw = 190, 160, (width - 40) / 12
        parts = [f'<svg class="chart" role="img" aria-label="{title}" viewBox="0 0 {width} {height}" width="100%" '
                 f'xmlns="http://www.w3.org/2000/svg"><title>{title}</title>',
                 f'<line x1="30" y1="{base}" x2="{width - 5}" y2="{base}" stroke="#555"/>']
        for i, b in enumerate(items):
            h = 130 * b["n"] / top
            x = 34 + i * colw
            parts.append(f'<rect x="{x:.1f}" y="{base - h:.1f}" width="{colw * 0.7:.1f}" height="{h:.1f}" fill="{BAR}">'
                         f'<title>{escape(b["label"])}: {b["n"]}</title></rect>')
            parts.append(f'<text x="{x + colw * 0.35:.1f}" y="{base - h - 4:.1f}" font-size="11" text-anchor="middle">{b["n"]}</text>')
            parts.append(f'<text x="{x + colw * 0.35:.1f}" y="{base + 15}" font-size="11" text-anchor="middle">'
                         f'{escape(str(b["label"])[:3])}</text>')
        parts.append("</svg>")
        return Markup("".join(parts))
    row, line_h, label_w = 24, 14, 300
    wrapped = [wrap_label(str(b["label"])) for b in items]
    heights = [max(row, line_h * len(lines) + 10) for lines in wrapped]
    height = sum(heights) + 10
    parts = [f'<svg class="chart" role="img" aria-label="{title}" viewBox="0 0 {width} {height}" width="100%" '
             f'xmlns="http://www.w3.org/2000/svg"><title>{title}</title>']
    y = 5
    for b, lines, h_row in zip(items, wrapped, heights):
        w = (width - label_w - 60) * b["n"] / top
        first = y + (h_row - line_h * len(lines)) / 2 + 11
        spans = "".join(f'<tspan x="{label_w - 8}" y="{first + k * line_h:.1f}">{escape(line)}</tspan>'
                        for k, line in enumerate(lines))
        parts.append(f'<text font-size="12" text-anchor="end">{spans}</text>')
        mid = y + h_row / 2
        parts.append(f'<rect x="{label_w}" y="{mid - (row - 8) / 2:.1f}" width="{w:.1f}" height="{row - 8}" fill="{BAR}"><title>'
                     f'{escape(str(b["label"]))}: {b["n"]}</title></rect>')
        parts.append(f'<text x="{label_w + w + 6:.1f}" y="{mid + 4:.1f}" font-size="12">{b["n"]}</text>')
        y += h_row
    parts.append("</svg>")
    return Markup("".join(parts))


#: Characters per line of a bar's label in the SVG chart (about 290 px at 12 px).
LABEL_CHARS = 42


def wrap_label(label: str, width: int = LABEL_CHARS) -> list[str]:
    """``label`` broken into lines of at most ``width`` characters at spaces, never
    inside a word (a single longer word is its own line): a label is shown whole,
    never cut ("Formulario I-247A, «Immigration Detainer - Notice of Action»
    (solicitud de detención)" takes three lines)."""
    return textwrap.wrap(label, width, break_long_words=False, break_on_hyphens=False) or [""]


def pdf_bars(pdf: Any, count: dict[str, Any], latin) -> None:
    """Draw one count's breakdown on an fpdf2 page at the current position
    (``latin`` makes text Latin-1 safe for the core fonts)."""
    items = (count.get("breakdown") or [])[:MAX_BARS]
    if not items:
        return
    top = max(b["n"] for b in items) or 1
    left = pdf.l_margin
    usable = pdf.w - pdf.l_margin - pdf.r_margin
    pdf.set_font("Helvetica", "", 8)
    if count["by"] == "month":
        h_max, colw = 30.0, usable / 12
        if pdf.get_y() + h_max + 12 > pdf.h - pdf.b_margin:
            pdf.add_page()
        base = pdf.get_y() + h_max + 4
        for i, b in enumerate(items):
            h = h_max * b["n"] / top
            x = left + i * colw
            pdf.set_fill_color(31, 95, 139)
            if h > 0:
                pdf.rect(x + 1, base - h, colw * 0.7, h, style="F")
            pdf.set_xy(x, base - h - 4)
            pdf.cell(colw * 0.7 + 2, 4, str(b["n"]), align="C")
            pdf.set_xy(x, base + 0.5)
            pdf.cell(colw * 0.7 + 2, 4, latin(str(b["label"])[:3]), align="C")
        pdf.set_xy(left, base + 6)
        return
    label_w, row, line_h = 70.0, 5.5, 3.8
    for b in items:
        lines = _pdf_lines(pdf, latin(str(b["label"])), label_w - 2)
        h_row = max(row, line_h * len(lines) + 1.7)
        if pdf.get_y() + h_row > pdf.h - pdf.b_margin:
            pdf.add_page()
        y = pdf.get_y()
        top_line = y + (h_row - line_h * len(lines)) / 2
        for k, line in enumerate(lines):
            pdf.set_xy(left, top_line + k * line_h)
            pdf.cell(label_w - 2, line_h, line, align="R")
        mid = y + h_row / 2
        w = (usable - label_w - 15) * b["n"] / top
        pdf.set_fill_color(31, 95, 139)
        if w > 0:
            pdf.rect(left + label_w, mid - (row - 2) / 2, w, row - 2, style="F")
        pdf.set_xy(left + label_w + w + 1, mid - row / 2)
        pdf.cell(14, row, str(b["n"]))
        pdf.set_xy(left, y + h_row)


def _pdf_lines(pdf: Any, label: str, width: float) -> list[str]:
    """``label`` broken at spaces into lines no wider than ``width`` mm in the PDF's
    current font (a single wider word is its own line: words are never cut)."""
    lines: list[str] = []
    for word in label.split():
        if lines and pdf.get_string_width(lines[-1] + " " + word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]
