"""The first ledger schema: accounts, tokens, settings, records, events.

Revision ID: 0001
Revises:
"""
from alembic import op
import sqlalchemy as sa

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "ledger_accounts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(64), nullable=False, unique=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("office_jurisdiction", sa.String(300), nullable=False),
        sa.Column("office_entity", sa.String(32), nullable=False),
        sa.Column("password_hash", sa.String(256), nullable=True),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_table(
        "ledger_tokens",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("account_id", sa.Integer, sa.ForeignKey("ledger_accounts.id"), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("revoked_at", TZ, nullable=True),
    )
    op.create_table(
        "ledger_settings",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.String(256), nullable=False),
    )
    op.create_table(
        "ledger_records",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("uid", sa.String(36), nullable=False, unique=True),
        sa.Column("corrects_id", sa.Integer, sa.ForeignKey("ledger_records.id"), nullable=True),
        sa.Column("received_at", TZ, nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
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
    )
    op.create_index("ix_ledger_records_corrects_id", "ledger_records", ["corrects_id"])
    op.create_table(
        "ledger_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("record_id", sa.Integer, sa.ForeignKey("ledger_records.id"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("value", sa.String(120), nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.Column("account_id", sa.Integer, sa.ForeignKey("ledger_accounts.id"), nullable=False),
    )
    op.create_index("ix_ledger_events_record_id", "ledger_events", ["record_id"])


def downgrade() -> None:
    for name in ("ledger_events", "ledger_records", "ledger_settings", "ledger_tokens", "ledger_accounts"):
        op.drop_table(name)
