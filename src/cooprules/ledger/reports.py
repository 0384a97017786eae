"""Statutory reports defined as data: ``*.report.yaml`` files beside the statutes in
``rules/`` (the corpus loader skips them). A new state's report is a file, not code.

File shape::

    report:
      id: truth-act                      # what --statute names
      title: {en: ..., es: ...}
      cite: Cal. Gov. Code § 7283.1(c)-(d)
      lawmaker: ocd-division/country:us/state:ca   # offices under it get this report
      entities: [sheriff, police, ...] | all
      provisions: [ca-gov-7283.1-c, ...]  # must exist in the corpus
      confidence: confirmed | secondary | unconfirmed
      due: {en: ..., es: ...}              # what the law asks, paraphrased
      notes: ...
      counts:
        - id: ...
          label: {en: ..., es: ...}
          cite: ...
          where: [{field: [word, ...], ...}, ...]   # any map matches; in a map all fields
          by: month | requester | action | info_type | instrument | outcome | disposition | none
        - id: ...                          # a figure the ledger does not hold
          label: ...
          cite: ...
          not_recorded: {en: ..., es: ...}

Fields of ``where``: requester, action, info_type, instrument, outcome (vocabulary
words), entity (``responder.entity``), disposition (complied, declined, pending).
"""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from .. import vocabulary as v

SUFFIX = ".report.yaml"
BY = ("month", "requester", "action", "info_type", "instrument", "outcome", "disposition", "entity", "none")
MAX_REPORT_FILE = 256 * 1024
MONTHS = {"en": ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                 "October", "November", "December"],
          "es": ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
                 "octubre", "noviembre", "diciembre"]}
_WORDS: dict[str, set[str]] = {
    "requester": {e.value for e in v.Requester}, "action": {e.value for e in v.Action},
    "info_type": {e.value for e in v.InfoType}, "instrument": {e.value for e in v.Instrument},
    "outcome": {e.value for e in v.Outcome}, "entity": {e.value for e in v.Entity},
    "disposition": {"complied", "declined", "pending"},
}


class Text(BaseModel):
    """A text in English and Spanish."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    en: str = Field(min_length=1, max_length=2000)
    es: str = Field(min_length=1, max_length=2000)

    def __call__(self, lang: str) -> str:
        return self.es if lang == "es" else self.en


class Count(BaseModel):
    """One figure the law asks for: which records it counts and how it is broken down."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^[a-z0-9_]{1,60}$")
    label: Text
    cite: str = Field(min_length=1, max_length=200)
    where: list[dict[str, list[str]]] = []
    by: Literal["month", "requester", "action", "info_type", "instrument", "outcome", "disposition", "entity", "none"] = "none"
    not_recorded: Text | None = None

    @model_validator(mode="after")
    def _words(self) -> "Count":
        if self.not_recorded is None and not self.where:
            raise ValueError("a count needs `where` (which records) or `not_recorded`")
        for clause in self.where:
            for name, words in clause.items():
                if name not in _WORDS:
                    raise ValueError(f"where: unknown field '{name}'; allowed: {', '.join(sorted(_WORDS))}")
                bad = [w for w in words if w not in _WORDS[name]]
                if bad:
                    raise ValueError(f"where.{name}: '{bad[0]}' is not a word; allowed: {', '.join(sorted(_WORDS[name]))}")
        return self

    def matches(self, row: dict[str, Any]) -> bool:
        """Whether a tally row (see :meth:`cooprules.ledger.Ledger.tally`) is counted."""
        for clause in self.where:
            if all(row.get("office_entity" if k == "entity" else k) in ws for k, ws in clause.items()):
                return True
        return False


class ReportDef(BaseModel):
    """A statute's report (see the module docstring)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^[a-z0-9-]{1,60}$")
    title: Text
    cite: str = Field(min_length=1, max_length=200)
    lawmaker: str = Field(pattern=r"^ocd-division/")
    entities: list[str] | Literal["all"] = "all"
    provisions: list[str] = []
    confidence: Literal["confirmed", "secondary", "unconfirmed"] = "unconfirmed"
    due: Text
    notes: str = ""
    counts: list[Count] = Field(min_length=1, max_length=40)
    file: str = ""

    def applies_to(self, jurisdiction: str, entity: str) -> bool:
        """Whether an office (OCD-ID, entity) falls under this report's lawmaker and entities."""
        under = jurisdiction == self.lawmaker or jurisdiction.startswith(self.lawmaker + "/")
        return under and (self.entities == "all" or entity in self.entities)


def load_reports(root: Path | None = None) -> dict[str, ReportDef]:
    """Every ``*.report.yaml`` under ``root`` (default: the corpus's rules folder).

    Returns: ``{id: ReportDef}``. Raises: ValueError naming the file and the field for
    a malformed file or a duplicate id.
    """
    from ..corpus import default_rules_path

    root = Path(root) if root is not None else default_rules_path()
    found: dict[str, ReportDef] = {}
    for path in sorted(root.rglob("*" + SUFFIX)):
        rel = path.relative_to(root).as_posix()
        if path.stat().st_size > MAX_REPORT_FILE:
            raise ValueError(f"{rel}: larger than {MAX_REPORT_FILE} bytes")
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise ValueError(f"{rel}: not valid YAML: {exc}") from None
        if not isinstance(raw, dict) or set(raw) != {"report"}:
            raise ValueError(f"{rel}: a report file holds one key, `report`")
        try:
            rep = ReportDef.model_validate({**raw["report"], "file": rel})
        except ValidationError as exc:
            first = exc.errors(include_url=False)[0]
            where = ".".join(str(p) for p in first["loc"]) or "report"
            raise ValueError(f"{rel}: {where}: {first['msg'].removeprefix('Value error, ')}") from None
        if rep.id in found:
            raise ValueError(f"{rel}: report id '{rep.id}' is also in {found[rep.id].file}")
        found[rep.id] = rep
    return found


@functools.cache
def shipped_reports() -> dict[str, ReportDef]:
    """:func:`load_reports` of the shipped corpus, read once."""
    return load_reports()


def lint_reports(corpus: Any, reports: dict[str, ReportDef] | None = None) -> list[str]:
    """Problems of the report files against ``corpus``: provisions that do not exist,
    lawmakers without a folder. Returns messages naming the file (empty: all good)."""
    reports = shipped_reports() if reports is None else reports
    problems = []
    for rep in reports.values():
        for pid in rep.provisions:
            if pid not in corpus.provisions:
                problems.append(f"{rep.file}: provisions: no provision '{pid}' in the corpus")
        if rep.lawmaker not in corpus.folders:
            problems.append(f"{rep.file}: lawmaker: no rules folder for {rep.lawmaker}")
        if not rep.provisions and rep.confidence != "unconfirmed":
            problems.append(f"{rep.file}: a report resting on no encoded provision is confidence: unconfirmed")
    return problems


def reports_for(jurisdiction: str, entity: str) -> list[ReportDef]:
    """The shipped reports that apply to an office."""
    return [r for r in shipped_reports().values() if r.applies_to(jurisdiction, entity)]


def _key_label(by: str, key: Any, lang: str) -> str:
    if by == "month":
        return MONTHS.get(lang, MONTHS["en"])[int(key) - 1]
    from .i18n import word

    return word(by, key, lang)


def compute(rep: ReportDef, rows: list[dict[str, Any]], year: int, lang: str = "en") -> dict[str, Any]:
    """The figures of ``rep`` over tally ``rows`` (:meth:`Ledger.tally`).

    Returns ``{"id", "title", "cite", "year", "confidence", "due", "notes", "provisions",
    "counts": [{"id", "label", "cite", "by", "total", "breakdown": [{"key", "label", "n"}],
    "not_recorded"}]}``; month breakdowns list all twelve months.
    """
    counts = []
    for c in rep.counts:
        item: dict[str, Any] = {"id": c.id, "label": c.label(lang), "cite": c.cite, "by": c.by,
                                "total": None, "breakdown": [],
                                "not_recorded": c.not_recorded(lang) if c.not_recorded else None}
        if c.not_recorded is None:
            parts: dict[Any, int] = {}
            total = 0
            for row in rows:
                if c.matches(row):
                    total += row["n"]
                    if c.by != "none":
                        key = row["office_entity" if c.by == "entity" else c.by]
                        parts[key] = parts.get(key, 0) + row["n"]
            if c.by == "month":
                parts = {m: parts.get(m, 0) for m in range(1, 13)}
                keys = list(range(1, 13))
            else:
                keys = sorted(parts, key=lambda k: (-parts[k], str(k)))
            item["total"] = total
            item["breakdown"] = [{"key": k, "label": _key_label(c.by, k, lang), "n": parts[k]} for k in keys]
        counts.append(item)
    return {"id": rep.id, "title": rep.title(lang), "cite": rep.cite, "year": year, "confidence": rep.confidence,
            "due": rep.due(lang), "notes": rep.notes.strip(), "provisions": list(rep.provisions), "counts": counts,
            "file": f"rules/{rep.file}", "generated_at": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()}


def to_csv(reports: list[dict[str, Any]]) -> str:
    """The figures as CSV: ``report,count,cite,key,label,n`` (one line per
    breakdown item, plus one ``total`` line per count)."""
    import csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["report", "year", "count", "cite", "key", "label", "n"])
    for rep in reports:
        for c in rep["counts"]:
            w.writerow([rep["id"], rep["year"], c["id"], c["cite"], "total", c["label"],
                        "" if c["total"] is None else c["total"]])
            for b in c["breakdown"]:
                w.writerow([rep["id"], rep["year"], c["id"], c["cite"], b["key"], b["label"], b["n"]])
    return buf.getvalue()


def draw(ledger: Any, account: Any, year: int, statute: str | None = None,
         office: tuple[str, str] | None = None, lang: str = "en") -> tuple[list[dict[str, Any]], tuple[str, str] | None]:
    """The reports of ``year`` for the account's office (an auditor: ``office``, or
    every office when None).

    Args: ``statute`` one report id (default: every report that applies to the office).
    Returns: ``(computed reports, office)``. Raises: LedgerError 422 for an unknown
    statute or a year outside 2000-2100, 403 for a clerk.
    """
    from .store import LedgerError

    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise LedgerError(422, "year", "a year from 2000 to 2100")
    if not account.all_offices:
        office = (account.office_jurisdiction, account.office_entity)
    defs = shipped_reports()
    if statute is not None and statute not in defs:
        raise LedgerError(422, "statute", f"no report '{statute[:60]}'", sorted(defs))
    if statute is not None:
        chosen = [defs[statute]]
    elif office is not None:
        chosen = [r for r in defs.values() if r.applies_to(*office)]
    else:
        chosen = list(defs.values())
    rows = ledger.tally(account, year, office)
    return [compute(r, rows, year, lang) for r in chosen], office
