"""Migrations from an empty database and from the previous schema (0001, with data),
on SQLite and PostgreSQL; the tables the code uses match what the migrations make."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from cooprules.ledger import Ledger, db
from cooprules.ledger.models import metadata

from .sample import SD, SD_OFFICE, request


def _columns(engine) -> dict[str, set[str]]:
    insp = sa.inspect(engine)
    return {t: {c["name"] for c in insp.get_columns(t)} for t in insp.get_table_names() if t.startswith("ledger_")
            and t != "ledger_alembic_version"}


def test_from_empty_database_to_head_matches_the_models(db_url):
    engine = db.make_engine(db_url)
    assert db.current_revision(engine) is None
    db.migrate(engine)
    assert db.current_revision(engine) == "0002"
    assert _columns(engine) == {t.name: {c.name for c in t.columns} for t in metadata.sorted_tables}
    indexes = {i["name"] for i in sa.inspect(engine).get_indexes("ledger_records")}
    assert "ix_ledger_records_office_period" in indexes
    db.migrate(engine)  # again: nothing to do
    assert db.current_revision(engine) == "0002"


def test_from_the_previous_schema_keeps_records(db_url, engine):
    old = db.make_engine(db_url)
    db.migrate(old, "0001")
    assert "agency_ref" not in _columns(old)["ledger_records"]
    now = dt.datetime(2026, 3, 4, 5, 6, tzinfo=dt.timezone.utc)
    decision = engine.evaluate(request("detainer"))
    with old.begin() as conn:  # a record written by the first version
        conn.execute(sa.text(
            "INSERT INTO ledger_accounts (name, role, office_jurisdiction, office_entity, created_at) "
            "VALUES ('ana', 'clerk', :j, 'sheriff', :t)"), {"j": SD, "t": now})
        ana = conn.execute(sa.text("SELECT id FROM ledger_accounts WHERE name = 'ana'")).scalar()
        conn.execute(sa.text(
            "INSERT INTO ledger_records (uid, received_at, period, office_jurisdiction, office_entity, account_id, "
            "requester, action, instrument, outcome, as_of, corpus_version, request, citations, duties, presumed, \"unless\") "
            "VALUES ('6f1c2a7e-5a55-4a39-9d59-1b7e3c2f0a11', :t, '2026-03', :j, 'sheriff', :a, 'ice_ero', 'detainer_hold', "
            "'detainer_request', :o, :d, :v, '{}', '[]', '[]', '[]', '[]')"),
            {"t": now, "j": SD, "a": ana, "o": decision.outcome.value, "d": decision.as_of, "v": decision.corpus_version})
    old.dispose()
    led = Ledger(db_url)  # opening migrates to head
    assert db.current_revision(led.engine) == "0002"
    sup = led.by_token(led.add_account("sam", "supervisor", SD_OFFICE, None))
    kept = led.get(sup, "6f1c2a7e-5a55-4a39-9d59-1b7e3c2f0a11")
    assert kept["agency_ref"] is None and kept["received_at"].startswith("2026-03-04T05:06")
    rows = led.tally(sup, 2026)
    assert [(r["month"], r["action"], r["n"]) for r in rows] == [(3, "detainer_hold", 1)]
    clerk = led.by_token(led.new_token("ana"))
    new = led.record(clerk, {"request": request("detainer"), "agency_ref": "R-2"}, engine)
    assert new["agency_ref"] == "R-2"
