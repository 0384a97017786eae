"""Ledger fixtures: every test that takes ``db_url`` runs on SQLite (a file in a temp
folder) and on a real PostgreSQL server, a fresh database each time.

PostgreSQL comes from ``COOPRULES_TEST_POSTGRES_URL`` (``.ci/run`` starts a throwaway
cluster from Debian's packages and sets it). Without it the PostgreSQL variants are
skipped with the reason.
"""

from __future__ import annotations

import os
import uuid

import pytest

PG_ENV = "COOPRULES_TEST_POSTGRES_URL"
PG_SKIP = (f"PostgreSQL tests need a server: set {PG_ENV} (`.ci/run` installs Debian's postgresql "
           "and starts a throwaway cluster when run as root)")


def _pg_admin_url() -> str | None:
    return os.environ.get(PG_ENV) or None


def fresh_pg_database() -> str:
    """Create an empty database on the test server; return its SQLAlchemy URL."""
    import psycopg
    from cooprules.ledger.db import normalise_url

    admin = _pg_admin_url()
    name = "ledger_" + uuid.uuid4().hex[:12]
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = admin.rsplit("/", 1)[0]
    return normalise_url(f"{base}/{name}")


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """A URL of an empty ledger database (SQLite, then PostgreSQL)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'ledger.sqlite3'}"
    if not _pg_admin_url():
        pytest.skip(PG_SKIP)
    return fresh_pg_database()


@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / 'ledger.sqlite3'}"
