"""The request ledger: what an office was asked, what cooprules answered, what was done,
and the figures the law makes the agency publish (DESIGN.md, "The request ledger and
reports").

Storage is SQLAlchemy 2 with Alembic migrations shipped in ``migrations/``: SQLite in
the user's data folder by default (WAL, ``synchronous=FULL``), PostgreSQL when
``COOPRULES_DATABASE_URL`` is set. A record holds vocabulary words only (no name, no
identifier of a person); the only free field is the agency's own opaque reference,
pattern-checked and never shown in a report. Records are append-only: a correction is a
new record pointing at the one it corrects; duty check-offs and dispositions are events.

Modules: ``models`` (tables), ``db`` (engine, pragmas, migrations), ``auth`` (accounts,
passwords, tokens, sessions), ``store`` (record, list, events), ``reports`` (statutory
reports defined as data beside the statutes), ``charts`` (SVG and PDF), ``routes``
(HTTP API and web pages).
"""

from __future__ import annotations

from .store import Ledger, LedgerError

__all__ = ["Ledger", "LedgerError"]
