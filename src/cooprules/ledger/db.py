"""The ledger's database: where it is, how it is opened, and its migrations.

Default: SQLite at ``<user data folder>/cooprules/ledger.sqlite3`` (platformdirs), in
WAL mode with ``synchronous=FULL`` so that a committed record survives a crash or a
power cut, and ``BEGIN IMMEDIATE`` so that concurrent writers queue instead of failing.
``COOPRULES_DATABASE_URL`` (or the ``url`` argument) selects another database, e.g.
``postgresql+psycopg://user@host/db`` (psycopg 3).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import sqlalchemy as sa

ENV_URL = "COOPRULES_DATABASE_URL"
#: Seconds a writer waits for SQLite's write lock before giving up.
SQLITE_BUSY_SECONDS = 30
_MIGRATIONS = Path(__file__).parent / "migrations"
_migrated: set[str] = set()
_lock = threading.Lock()


def default_url() -> str:
    """``COOPRULES_DATABASE_URL`` if set, else the SQLite file in the user's data
    folder (created if missing)."""
    url = os.environ.get(ENV_URL, "").strip()
    if url:
        return normalise_url(url)
    import platformdirs

    folder = Path(platformdirs.user_data_dir("cooprules", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'ledger.sqlite3'}"


def normalise_url(url: str) -> str:
    """``postgresql://`` and ``postgres://`` URLs use psycopg 3."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def reader_engine(engine: sa.Engine) -> sa.Engine:
    """An engine for reads over the same database: on SQLite its transactions begin
    deferred (they never wait for the write lock; WAL readers see the last commit);
    elsewhere ``engine`` itself."""
    if engine.dialect.name != "sqlite":
        return engine
    return make_engine(str(engine.url.render_as_string(hide_password=False)), immediate=False)


def make_engine(url: str | None = None, immediate: bool = True) -> sa.Engine:
    """An engine for ``url`` (default :func:`default_url`), with SQLite's durability
    and locking set on every connection. Raises ``sqlalchemy.exc.ArgumentError`` for a
    malformed URL."""
    url = normalise_url(url) if url else default_url()
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": SQLITE_BUSY_SECONDS, "check_same_thread": False},
                                  pool_size=8, max_overflow=8)

        @sa.event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):  # pragma: no cover - exercised by every test
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_SECONDS * 1000}")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        @sa.event.listens_for(engine, "begin")
        def _begin(conn):  # writers take the write lock up front: no deadlock between readers turned writers
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine
    return sa.create_engine(url, pool_size=10, max_overflow=10, pool_pre_ping=True)


def migrate(engine: sa.Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` with the shipped Alembic migrations (from an
    empty database or any earlier revision). Safe to call from several processes."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def current_revision(engine: sa.Engine) -> str | None:
    """The schema's Alembic revision, or None for an empty database."""
    with engine.connect() as conn:
        if not sa.inspect(conn).has_table("ledger_alembic_version"):
            return None
        return conn.exec_driver_sql("SELECT version_num FROM ledger_alembic_version").scalar()


def open_engine(url: str | None = None) -> sa.Engine:
    """An engine with the schema migrated to the newest revision (once per URL per
    process)."""
    engine = make_engine(url)
    key = str(engine.url)
    with _lock:
        if key not in _migrated:
            migrate(engine)
            _migrated.add(key)
    return engine
