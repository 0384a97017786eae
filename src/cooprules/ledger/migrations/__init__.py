"""Alembic migrations of the ledger, run programmatically by :func:`cooprules.ledger.db.migrate`."""
