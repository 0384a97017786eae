"""Alembic environment: runs on the connection :func:`cooprules.ledger.db.migrate` passes
in ``config.attributes["connection"]`` (no alembic.ini, no URL in a file)."""

from __future__ import annotations

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=None, version_table="ledger_alembic_version",
                  render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    if connection.dialect.name == "postgresql":  # one migrator at a time across processes
        connection.exec_driver_sql("SELECT pg_advisory_xact_lock(726837)")
    context.run_migrations()
