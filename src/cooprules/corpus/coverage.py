"""What the corpus covers and how far it was checked: the "none found" records of the
folders (a government checked and found to have no law of its own) and the
provenance report behind ``cooprules coverage``.

    >>> from cooprules.corpus.loader import load_corpus
    >>> idx = none_found_index(load_corpus(agreements=False))
    >>> all(nf.on for nf in idx.values())
    True
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from .loader import Corpus
from .schema import JurisdictionFolder, NoneFound

__all__ = ["CoverageRow", "OVER_TIME_FROM", "coverage_rows", "none_found_index", "spans", "years_unchecked"]

#: The first year whose local policies every encoded locality records as checked
#: (issue 11 item 5: "the policies in force in each year since 2014").
OVER_TIME_FROM = 2014

GENERATED = "287(g) agreements (ICE list)"


def none_found_index(corpus: Corpus) -> dict[str, NoneFound]:
    """OCD-ID -> its :class:`~cooprules.corpus.schema.NoneFound` record, gathered from
    every folder's ``_jurisdiction.yaml`` (``none_found:``). Computed once per corpus
    and kept on it. A government with a folder of its own is never in the index (lint
    reports such an entry)."""
    cached = corpus.__dict__.get("_none_found_index")
    if cached is not None:
        return cached
    out: dict[str, NoneFound] = {}
    for folder in corpus.folders.values():
        for nf in folder.none_found:
            if nf.ocd_id not in corpus.folders:
                out.setdefault(nf.ocd_id, nf)
    corpus.__dict__["_none_found_index"] = out
    return out


@dataclass
class CoverageRow:
    """One lawmaker's folder (or the generated 287(g) agreements): provisions by
    confidence level and the checks recorded (``checked``: (date, what, url) -> number
    of provisions)."""

    folder: str
    jurisdiction: str
    levels: Counter = field(default_factory=Counter)
    checked: Counter = field(default_factory=Counter)
    unconfirmed_ids: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        """Number of provisions."""
        return sum(self.levels.values())


def coverage_rows(corpus: Corpus) -> list[CoverageRow]:
    """Per folder of ``rules/`` (and one row for the provisions generated from ICE's
    287(g) list): how many provisions are ``confirmed``, ``secondary`` and
    ``unconfirmed``, and which checks (``checked.on``, ``what``, ``url``) they rest
    on. Sorted by folder path. Governments recorded as checked with no law of their
    own are not rows (see :func:`none_found_index`)."""
    rows: dict[str, CoverageRow] = {}
    for cp in corpus.provisions.values():
        p = cp.provision
        if cp.file.startswith("(287(g) list)"):
            key = GENERATED
        else:
            key = "rules/" + corpus.folder_paths.get(p.jurisdiction, p.jurisdiction)
        row = rows.setdefault(key, CoverageRow(key, "(many)" if key == GENERATED else p.jurisdiction))
        row.levels[p.confidence.value] += 1
        if p.checked is not None:
            row.checked[(p.checked.on, p.checked.what, str(p.checked.url))] += 1
        if p.confidence.value == "unconfirmed":
            row.unconfirmed_ids.append(p.id)
    return [rows[k] for k in sorted(rows)]


def latest_check(row: CoverageRow) -> dt.date | None:
    """The most recent ``checked.on`` among a row's provisions, or None."""
    return max((on for on, _w, _u in row.checked), default=None)


def years_unchecked(folder: JurisdictionFolder, today: dt.date | None = None) -> list[int]:
    """The calendar years from :data:`OVER_TIME_FROM` to ``today``'s year (default:
    the day it runs) that no ``periods_checked`` span of ``folder`` covers, ascending;
    every year when the folder records none."""
    today = today or dt.date.today()
    covered = {y for period in folder.periods_checked for y in period.years()}
    return [y for y in range(OVER_TIME_FROM, today.year + 1) if y not in covered]


def spans(years: list[int]) -> str:
    """Years as runs, for a reader: ``[2014, 2015, 2016, 2019]`` -> ``"2014–2016, 2019"``;
    ``""`` for none."""
    runs: list[list[int]] = []
    for y in sorted(set(years)):
        if runs and y == runs[-1][1] + 1:
            runs[-1][1] = y
        else:
            runs.append([y, y])
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in runs)
