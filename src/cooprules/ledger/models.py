"""The ledger's tables (SQLAlchemy Core). The schema is made by the Alembic migrations
in ``migrations/versions``; these definitions must match the newest migration
(``tests/ledger/test_migrations.py`` checks it)."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

#: Staff accounts. ``role``: clerk, supervisor or auditor. The office is an OCD-ID and
#: an entity word (``responder.entity``). ``password_hash`` is an argon2 hash, or None
#: for a token-only account.
accounts = sa.Table(
    "ledger_accounts", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(64), nullable=False, unique=True),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("office_jurisdiction", sa.String(300), nullable=False),
    sa.Column("office_entity", sa.String(32), nullable=False),
    sa.Column("password_hash", sa.String(256), nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

#: Bearer tokens: only the SHA-256 of the token is kept (tokens are 256-bit random).
tokens = sa.Table(
    "ledger_tokens", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("account_id", sa.Integer, sa.ForeignKey("ledger_accounts.id"), nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
)

#: Settings of this ledger (the key that signs web sessions).
settings = sa.Table(
    "ledger_settings", metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.String(256), nullable=False),
)

#: One request received and the answer given. Never updated: a correction is a new row
#: whose ``corrects_id`` points at the row it replaces.
records = sa.Table(
    "ledger_records", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("uid", sa.String(36), nullable=False, unique=True),
    sa.Column("corrects_id", sa.Integer, sa.ForeignKey("ledger_records.id"), nullable=True, index=True),
    sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("period", sa.String(7), nullable=False),  # YYYY-MM of received_at (UTC)
    sa.Column("office_jurisdiction", sa.String(300), nullable=False),
    sa.Column("office_entity", sa.String(32), nullable=False),
    sa.Column("account_id", sa.Integer, sa.ForeignKey("ledger_accounts.id"), nullable=False),
    sa.Column("requester", sa.String(32), nullable=False),
    sa.Column("action", sa.String(48), nullable=False),
    sa.Column("info_type", sa.String(32), nullable=True),
    sa.Column("instrument", sa.String(48), nullable=False),
    sa.Column("outcome", sa.String(16), nullable=False),
    sa.Column("as_of", sa.Date, nullable=False),
    sa.Column("corpus_version", sa.String(80), nullable=False),
    sa.Column("request", sa.JSON, nullable=False),
    sa.Column("citations", sa.JSON, nullable=False),
    sa.Column("duties", sa.JSON, nullable=False),
    sa.Column("presumed", sa.JSON, nullable=False),
    sa.Column("unless", sa.JSON, nullable=False),
    # added by migration 0002
    sa.Column("agency_ref", sa.String(32), nullable=True),
    sa.Index("ix_ledger_records_office_period", "office_jurisdiction", "office_entity", "period", "requester", "action",
             "info_type", "instrument", "outcome", "id"),
)

#: Things done about a record, appended: ``kind`` is ``duty_done`` (``value`` the
#: duty's provision id) or ``disposition`` (``value`` complied, declined or pending;
#: the latest one counts).
events = sa.Table(
    "ledger_events", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("record_id", sa.Integer, sa.ForeignKey("ledger_records.id"), nullable=False, index=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("value", sa.String(120), nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("account_id", sa.Integer, sa.ForeignKey("ledger_accounts.id"), nullable=False),
    sa.Index("ix_ledger_events_disposition", "record_id", "kind", "id", "value"),
)
