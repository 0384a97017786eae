"""The agency's own opaque reference on a record, and an index for office-and-month
queries (reports, lists).

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
                    ["office_jurisdiction", "office_entity", "period"])


def downgrade() -> None:
    op.drop_index("ix_ledger_records_office_period", "ledger_records")
    with op.batch_alter_table("ledger_records") as batch:
        batch.drop_column("agency_ref")
