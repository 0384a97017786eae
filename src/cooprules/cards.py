"""The pocket card: the common requests for one office and, for each, the answer,
the facts it takes as presumed and what would change it, every duty and every
citation, with the date of the law applied and the corpus version. Two columns on
Letter paper, a second page when needed (fpdf2). The law's words come from the
catalog beside the corpus (:mod:`cooprules.wording.law`); citations stay in English.

    >>> from cooprules.cards import render_card
    >>> pdf = render_card("ocd-division/country:us/state:ca/county:los_angeles/school_district:los_angeles_unified",
    ...                   "school_district", "es")   # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from typing import Any

from fpdf import FPDF

from .jurisdictions.jail_operators import entity_for_jail_question
from .vocabulary import Decision
from .web import labels
from .web.i18n import N_, gettext_for

#: The common requests on every card: (label, action, instrument).
COMMON = [
    (N_("Detainer (Form I-247A): hold past release"), "detainer_hold", "detainer_request"),
    (N_("Request to be told of a release"), "release_notification", "notification_request"),
    (N_("Request to hand a person over"), "custody_transfer", "transfer_request"),
    (N_("Administrative warrant (I-200/I-205) at the door"), "facility_access", "administrative_warrant_arrest"),
    (N_("Judicial warrant at the door"), "facility_access", "judicial_warrant"),
    (N_("Records request (no warrant)"), "information_sharing", "written_request"),
    (N_("Request to interview a person (no warrant)"), "interview_access", "verbal_request"),
]

#: Requests about people held in custody, and the kinds of office that hold people.
CUSTODY_ACTIONS = {"detainer_hold", "release_notification", "custody_transfer"}
CUSTODIAL = {"sheriff", "jail", "police", "corrections", "probation", "courthouse", "state_agency"}

#: The record an office of each kind is most often asked for, and the role of the
#: person in its care.
RECORD = {"school_district": "student_record", "school_police": "student_record",
          "health_facility": "health_record"}
ROLE = {"school_district": "student", "school_police": "student", "health_facility": "patient",
        "sheriff": "in_custody", "jail": "in_custody", "corrections": "in_custody", "probation": "in_custody"}

_ASCII = {"\u2014": "-", "\u2013": "-", "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
          "\u2026": "...", "\u2192": "->", "\u2022": "-", "\u00a0": " ", "\u2265": ">=", "\u2264": "<="}


@dataclass
class Row:
    """One line of the card: the request's label, the request, and its decision."""

    label: str
    request: dict[str, Any]
    decision: Decision


def card_requests(jurisdiction: str, entity: str, as_of: dt.date | None = None) -> list[tuple[str, dict[str, Any]]]:
    """The card's requests for one office: ``[(label msgid, request dict)]``."""
    out = []
    for label, action, instrument in COMMON:
        if action in CUSTODY_ACTIONS and entity not in CUSTODIAL:
            continue  # a school or a clinic holds no one: its card leaves out the jail requests
        # attachments not given: the answer takes the ordinary case (nothing else came
        # with the paper) and its unless lines say what a judicial warrant would change
        req: dict[str, Any] = {"responder": {"jurisdiction": jurisdiction, "entity": entity},
                               "requester": "ice_ero", "action": action, "instrument": instrument}
        if action == "information_sharing":
            req["info_type"] = RECORD.get(entity, "personal_information")
        if entity in ROLE:
            req["subject"] = {"role": ROLE[entity]}
        if as_of is not None:
            req["context"] = {"date": as_of.isoformat()}
        # a jail question goes to whoever runs the jail (DESIGN.md, "The office asked")
        req["responder"]["entity"] = entity_for_jail_question(jurisdiction, entity, {"action": action})
        out.append((label, req))
    return out


def card_rows(jurisdiction: str, entity: str, engine=None, as_of: dt.date | None = None) -> list[Row]:
    """Evaluate the card's requests through the batch path. Raises
    :class:`cooprules.RequestError` for an unknown jurisdiction or entity."""
    from .errors import RequestError

    if engine is None:
        from . import default_engine

        engine = default_engine()
    pairs = card_requests(jurisdiction, entity, as_of)
    results = engine.evaluate_many([r for _, r in pairs], as_of)
    for item in results:
        if isinstance(item, RequestError):
            raise item
    return [Row(label, req, dec) for (label, req), dec in zip(pairs, results)]


def _latin(text: str) -> str:
    """Text the PDF core fonts can show (Latin-1: accents and ñ stay)."""
    text = "".join(_ASCII.get(c, c) for c in text)
    out = []
    for c in text:
        try:
            c.encode("latin-1")
            out.append(c)
        except UnicodeEncodeError:
            out.append(unicodedata.normalize("NFKD", c).encode("latin-1", "ignore").decode("latin-1") or "?")
    return "".join(out)


class _Card(FPDF):
    """A Letter page in two columns; the footer names the page and the rules version."""

    footer_text = ""
    #: Share of the two columns of a page the rows take (set by the layout).
    fill = 1.0

    def footer(self) -> None:  # noqa: D401 - fpdf2 hook
        self.set_y(-7)
        self.set_font("Helvetica", "", 6.5)
        self.set_text_color(90, 90, 90)
        self.cell(0, 3, _latin(self.footer_text.replace("{page}", str(self.page_no()))), align="C")
        self.set_text_color(0, 0, 0)


@dataclass
class _Para:
    """One paragraph of a row: its text, style, size, left indent (mm), and whether it
    must stay in the same column as the paragraph after it."""

    text: str
    style: str = ""
    size: float = 7.5
    indent: float = 0.0
    keep_with_next: bool = False
    rule: bool = False


#: Paper and columns (mm).
MARGIN = 8.0
GUTTER = 5.0
COLUMNS = 2
#: Type size of the rows (pt); the line height is this times LEADING (mm per pt).
SIZE = 7.4
#: The largest body type a card that fits easily on one page is set in (pt).
MAX_SIZE = 9.5
LEADING = 0.40


def row_paragraphs(row: Row, lang: str, gettext, cite_of=None, size: float = SIZE) -> list[_Para]:
    """The paragraphs of one card row in ``lang``: heading (request and answer), what to
    do now, the facts taken as presumed, each ``unless``, the facts it depends on, every
    duty (never cut short) and every source. Citations stay as lawyers write them.
    ``cite_of`` gives the citation of a provision id (for an ``unless`` that rests on a
    provision the answer itself does not cite); ``size`` the body type size (pt)."""
    from .wording.answer import depends_lines, headline, presumed_line, unless_lines
    from .wording.law import law_text

    _ = gettext
    d = row.decision
    now, rest = headline(d, lang)
    paras = [_Para(f"{_(row.label)}: {_(labels.OUTCOMES[d.outcome.value]).upper()}", "B", size + 1,
                   keep_with_next=True, rule=True),
             _Para(now, "", size)]
    taken = presumed_line(d, lang, _)
    if taken:
        paras.append(_Para(taken, "I", size - 0.4))
    for line in unless_lines(d, lang, _, cite_of, rest):
        paras.append(_Para(line, "", size - 0.2, 2.5))
    for line in depends_lines(d, _, lang):
        paras.append(_Para(line, "", size - 0.2, 2.5))
    duties = []
    for x in d.duties:
        text = f"- {law_text(x.text, lang)} ({x.cite})"
        if text not in duties:
            duties.append(text)
    if duties:
        paras.append(_Para(_("Also:"), "B", size - 0.4, keep_with_next=True))
        paras += [_Para(t, "", size - 0.6, 2.5) for t in duties]
    if d.citations:
        cites = "; ".join(c.cite + {"unconfirmed": "*", "secondary": "°"}.get(c.confidence, "") for c in d.citations)
        paras.append(_Para(_("Sources:") + " " + cites, "", size - 1.2))
    return paras


class _Flow:
    """Places paragraphs in columns, top to bottom, left to right, page after page."""

    def __init__(self, pdf: FPDF, top: float):
        self.pdf = pdf
        self.width = (pdf.w - 2 * MARGIN - (COLUMNS - 1) * GUTTER) / COLUMNS
        self.top = top
        self.bottom = pdf.h - 10
        self.col = 0
        self.y = top
        self._heights: dict[tuple, float] = {}

    def height(self, p: _Para) -> float:
        """The height (mm) ``p`` takes in a column, measured once per paragraph."""
        key = (p.text, p.style, p.size, p.indent, p.rule)
        if key not in self._heights:
            self.pdf.set_font("Helvetica", p.style, p.size)
            lines = self.pdf.multi_cell(self.width - p.indent, p.size * LEADING, _latin(p.text),
                                        align="L", dry_run=True, output="LINES")
            self._heights[key] = len(lines) * p.size * LEADING + (1.2 if p.rule else 0.25)
        return self._heights[key]

    def _next_column(self) -> None:
        self.col += 1
        if self.col >= COLUMNS:
            self.pdf.add_page()
            self.col = 0
            self.top = MARGIN
        self.y = self.top

    def place_block(self, paras: list[_Para]) -> None:
        """Place one row: whole in this column if it fits, else whole in the next
        column; a row longer than a column flows on, never leaving a heading alone."""
        total = sum(self.height(p) for p in paras)
        room = self.bottom - self.y
        if total > room and self.y > self.top and total <= self.bottom - self.top:
            self._next_column()
        for i, p in enumerate(paras):
            need = self.height(p)
            if p.keep_with_next and i + 1 < len(paras):
                need += self.height(paras[i + 1])
            if self.y + need > self.bottom and self.y > self.top:
                self._next_column()
            self._draw(p)

    def _draw(self, p: _Para) -> None:
        pdf = self.pdf
        x = MARGIN + self.col * (self.width + GUTTER)
        if p.rule:
            self.y += 0.6
            pdf.set_draw_color(110, 110, 110)
            pdf.line(x, self.y, x + self.width, self.y)
            self.y += 0.6
        pdf.set_font("Helvetica", p.style, p.size)
        pdf.set_xy(x + p.indent, self.y)
        pdf.multi_cell(self.width - p.indent, p.size * LEADING, _latin(p.text), align="L", new_x="LMARGIN", new_y="NEXT")
        self.y += self.height(p) - (1.2 if p.rule else 0.0)


def _layout(rows: list[Row], office: str, entity: str, lang: str, version: str, day: dt.date,
            cite_of=None, size: float = SIZE) -> FPDF:
    _ = gettext_for(lang)
    pdf = _Card(orientation="P", unit="mm", format="Letter")
    pdf.set_auto_page_break(False)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.footer_text = (_("Law as of %(day)s; rules version %(version)s.") % {"day": day.isoformat(), "version": version[:12]}
                       + " " + _("Not legal advice: when in doubt, call counsel.") + " " + _("Page %(page)s") % {"page": "{page}"})
    pdf.add_page()
    pdf.set_title(_latin(_("Pocket card") + ": " + office))
    pdf.set_lang(lang)
    pdf.set_font("Helvetica", "B", 13)
    pdf.multi_cell(0, 5.6, _latin(_("Immigration requests: what to do")), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    pdf.multi_cell(0, 4, _latin(f"{office} - {_(labels.ENTITIES.get(entity, entity))}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 7)
    note = _("Each answer takes the ordinary case for facts not given; the lines under it say what would change it.")
    if any(c.confidence == "unconfirmed" for row in rows for c in row.decision.citations):
        note += " " + _("* Not checked against the official text: confirm with your agency's counsel.")
    if any(c.confidence == "secondary" for row in rows for c in row.decision.citations):
        note += " " + _("° Checked against an official summary or a report, not the official text.")
    from .wording.law import MACHINE_NOTE, machine_drafted

    if lang in MACHINE_NOTE and machine_drafted([x.text for row in rows for x in row.decision.duties], lang):
        note += " " + MACHINE_NOTE[lang]  # the duties' texts on the card are machine-drafted translations
    pdf.multi_cell(0, 3, _latin(note), new_x="LMARGIN", new_y="NEXT")
    flow = _Flow(pdf, pdf.get_y() + 1)
    blocks = [row_paragraphs(row, lang, _, cite_of, size) for row in rows]
    brk = _balanced_break([sum(flow.height(p) for p in b) for b in blocks], flow.bottom - flow.top)
    heights = [sum(flow.height(p) for p in b) for b in blocks]
    for i, block in enumerate(blocks):
        if i == brk and flow.col == 0:
            flow._next_column()
        flow.place_block(block)
    pdf.fill = sum(heights) / (COLUMNS * (flow.bottom - flow.top))
    return pdf


def _balanced_break(heights: list[float], column: float) -> int | None:
    """Where to start the second column so that a card that fits on one page has
    columns of even length (the row index), or None when it does not fit on one page
    (the rows then simply flow on)."""
    best, best_k = None, None
    for k in range(1, len(heights)):
        left, right = sum(heights[:k]), sum(heights[k:])
        if left <= column and right <= column and (best is None or max(left, right) < best):
            best, best_k = max(left, right), k
    return best_k


def render_card(jurisdiction: str, entity: str, lang: str = "en", engine=None,
                as_of: dt.date | None = None) -> bytes:
    """The pocket card as PDF bytes: Letter pages in two columns, with every request's
    answer, what would change it, every duty and every source (a second page when
    they do not fit on one; nothing is cut short).

    Args: ``jurisdiction`` an OCD-ID; ``entity`` a kind of office (vocabulary word);
    ``lang`` ``en`` or ``es``; ``engine`` (default :func:`cooprules.default_engine`);
    ``as_of`` the date whose law applies (default today).
    Raises: :class:`cooprules.RequestError` for an unknown jurisdiction or entity.
    """
    if engine is None:
        from . import default_engine

        engine = default_engine()
    day = as_of or dt.date.today()
    rows = card_rows(jurisdiction, entity, engine, day)
    canon = engine.canonical_jurisdiction(jurisdiction)
    found = engine.registry.get(canon)
    from .web.names import government_name

    name = government_name(found.display_name or found.name, found.kind, lang)
    office = name if any(c.isupper() for c in name) else name.title()
    cite_of = lambda pid: engine.corpus.get(pid).provision.cite  # noqa: E731
    pdf = _layout(rows, office, entity, lang, engine.corpus.version, day, cite_of)
    if pdf.page_no() == 1 and pdf.fill < 0.8:
        # room to spare: larger type, as large as fits (area goes with the square of the size)
        bigger = min(MAX_SIZE, round(SIZE * (0.92 / max(pdf.fill, 0.2)) ** 0.5 * 4) / 4)
        while bigger > SIZE:
            trial = _layout(rows, office, entity, lang, engine.corpus.version, day, cite_of, bigger)
            if trial.page_no() == 1:
                pdf = trial
                break
            bigger -= 0.5
    return bytes(pdf.output())
