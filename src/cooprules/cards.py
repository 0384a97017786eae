"""The pocket card: one printed page with the common requests for one office and,
for each, the answer, the duties and the citations, with the date of the law applied
and the corpus version. Laid out with fpdf2.

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
from .web.summaries import summary

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
        req: dict[str, Any] = {"responder": {"jurisdiction": jurisdiction, "entity": entity},
                               "requester": "ice_ero", "action": action, "instrument": instrument,
                               "attachments": []}  # each row is one paper, with nothing else
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
    pass


def _layout(rows: list[Row], office: str, entity: str, lang: str, size: float, version: str, day: dt.date) -> FPDF:
    _ = gettext_for(lang)
    pdf = _Card(orientation="P", unit="mm", format="Letter")
    pdf.set_auto_page_break(True, margin=8)
    pdf.set_margins(9, 8, 9)
    pdf.add_page()
    pdf.set_title(_latin(_("Pocket card") + ": " + office))
    pdf.set_lang(lang)
    pdf.set_font("Helvetica", "B", size + 5)
    pdf.multi_cell(0, (size + 5) * 0.45, _latin(_("Immigration requests: what to do")), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", size + 1)
    pdf.multi_cell(0, (size + 1) * 0.45, _latin(f"{office} - {_(labels.ENTITIES.get(entity, entity))}"),
                   new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", size - 1)
    pdf.multi_cell(0, (size - 1) * 0.42, _latin(_("Law as of %(day)s; rules version %(version)s.") % {
        "day": day.isoformat(), "version": version[:12]} + " " + _("Not legal advice: when in doubt, call counsel.")),
        new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    line = size * 0.42
    for row in rows:
        d = row.decision
        pdf.set_draw_color(120, 120, 120)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
        pdf.ln(0.8)
        pdf.set_font("Helvetica", "B", size + 1)
        heading = f"{_(row.label)}: {_(labels.OUTCOMES[d.outcome.value]).upper()}"
        pdf.multi_cell(0, (size + 1) * 0.45, _latin(heading), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", size)
        pdf.multi_cell(0, line, _latin(summary(d, lang, _)), new_x="LMARGIN", new_y="NEXT")
        if d.depends_on:
            facts = "; ".join(
                f"{_(labels.FACT_QUESTIONS.get(m.fact, m.fact))} "
                + ", ".join(f"{_(labels.value_label(m.fact, v.value))} -> {'/'.join(_(labels.OUTCOMES[o.value]) for o in v.outcomes)}" for v in m.values[:4])
                for m in d.depends_on[:2])
            pdf.multi_cell(0, line, _latin(facts), new_x="LMARGIN", new_y="NEXT")
        if d.duties:
            pdf.set_font("Helvetica", "I", size - 1)
            duties = "; ".join(f"{x.text} ({x.cite})" for x in d.duties[:5])
            more = len(d.duties) - 5
            if more > 0:
                duties += " " + _("and %(n)s more.") % {"n": more}
            pdf.multi_cell(0, (size - 1) * 0.42, _latin(_("Also:") + " " + duties), new_x="LMARGIN", new_y="NEXT")
        if d.citations:
            pdf.set_font("Helvetica", "", size - 1.5)
            cites = "; ".join(c.cite + ("*" if c.confidence == "unconfirmed" else "") for c in d.citations[:6])
            pdf.multi_cell(0, (size - 1.5) * 0.42, _latin(_("Sources:") + " " + cites), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(0.6)
    if any(c.confidence == "unconfirmed" for row in rows for c in row.decision.citations):
        pdf.set_font("Helvetica", "I", size - 1.5)
        pdf.multi_cell(0, (size - 1.5) * 0.42, _latin(_(
            "* Not checked against the official text: confirm with your agency's counsel.")),
            new_x="LMARGIN", new_y="NEXT")
    return pdf


def render_card(jurisdiction: str, entity: str, lang: str = "en", engine=None,
                as_of: dt.date | None = None) -> bytes:
    """The pocket card as PDF bytes: exactly one Letter page (the type shrinks until
    the seven requests fit).

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
    name = engine.registry.get(canon).name
    office = name if any(c.isupper() for c in name) else name.title()
    size = 9.5
    while True:
        pdf = _layout(rows, office, entity, lang, size, engine.corpus.version, day)
        if pdf.page_no() == 1 or size <= 5:
            break
        size -= 0.5
    return bytes(pdf.output())
