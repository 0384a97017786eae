"""The agency's own opaque reference on a record, and covering indexes for the
reports: a report reads the office's records of a year and the latest disposition of
each from the indexes alone, never the rows with their JSON (100,000 records in well
under 2 s; benchmarks/bench_ledger.py).

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ledger_records") as batch:
        batch.add_column(sa.Column("agency_ref", sa.String(32), nullable=True))
    op.create_index("ix_ledger_records_office_period", "ledger_records",
                    ["office_jurisdiction", "office_entity", "period", "requester", "action", "info_type",
                     "instrument", "outcome", "id"])
    op.create_index("ix_ledger_events_disposition", "ledger_events", ["record_id", "kind", "id", "value"])


def downgrade() -> None:
    op.drop_index("ix_ledger_events_disposition", "ledger_events")
    op.drop_index("ix_ledger_records_office_period", "ledger_records")
    with op.batch_alter_table("ledger_records") as batch:
        batch.drop_column("agency_ref")
