"""The store: records hold vocabulary words only, are append-only, and are read by the
right accounts; on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import sqlalchemy as sa

from cooprules.errors import RequestError
from cooprules.ledger import Ledger, LedgerError
from cooprules.ledger.models import events, records

from .sample import LA, LA_OFFICE, SD, SD_OFFICE, request


@pytest.fixture
def led(db_url):
    return Ledger(db_url)


def _count(led, table=records) -> int:
    with led.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar()


def test_record_keeps_answer_citations_presumed_and_duties(led, engine):
    clerk = led.by_token(led.add_account("ana", "clerk", SD_OFFICE, "pw-ana-long-enough"))
    req = request("detainer")
    req.pop("attachments")  # not given: the answer presumes none came with it
    rec = led.record(clerk, {"request": req, "agency_ref": "BK-2026-0001"}, engine)
    decision = engine.evaluate(req)
    assert rec["outcome"] == decision.outcome.value
    assert [c["id"] for c in rec["citations"]] == [c.id for c in decision.citations]
    assert [d["provision_id"] for d in rec["duties"]] == [d.provision_id for d in decision.duties]
    assert "ca-gov-7283.1-b" in [d["provision_id"] for d in rec["duties"]]
    assert rec["presumed"] == [p.model_dump(mode="json") for p in decision.presumed]
    assert rec["unless"] == [u.model_dump(mode="json") for u in decision.unless]
    assert rec["corpus_version"] == decision.corpus_version and rec["as_of"] == decision.as_of.isoformat()
    assert rec["office"] == {"jurisdiction": SD, "entity": "sheriff"} and rec["recorded_by"] == "ana"
    assert rec["agency_ref"] == "BK-2026-0001"
    again = led.get(clerk, rec["uid"])
    assert again["request"] == rec["request"] and again["duties"] == rec["duties"]


@pytest.mark.parametrize("bad", [
    {"subject": {"name": "Juan Pérez"}},
    {"subject": {"date_of_birth": "1990-01-01"}},
    {"a_number": "A123456789"},
    {"context": {"notes": "free text about the person"}},
])
def test_field_outside_the_vocabulary_is_refused_and_nothing_stored(led, engine, bad):
    clerk = led.by_token(led.add_account("ana", "clerk", SD_OFFICE, None))
    req = request("detainer")
    for k, v in bad.items():
        req[k] = {**req.get(k, {}), **v} if isinstance(v, dict) else v
    with pytest.raises(RequestError) as info:
        led.record(clerk, {"request": req}, engine)
    field = info.value.errors[0].field
    assert field.startswith("request.") and field.rsplit(".", 1)[-1] in ("name", "date_of_birth", "a_number", "notes")
    assert _count(led) == 0 and _count(led, events) == 0


def test_entry_fields_are_checked(led, engine):
    clerk = led.by_token(led.add_account("ana", "clerk", SD_OFFICE, None))
    with pytest.raises(RequestError, match="person_name"):
        led.record(clerk, {"request": request("detainer"), "person_name": "x"}, engine)
    with pytest.raises(RequestError, match="agency_ref"):
        led.record(clerk, {"request": request("detainer"), "agency_ref": "Juan Pérez, born 1990"}, engine)
    with pytest.raises(RequestError, match="disposition"):
        led.record(clerk, {"request": request("detainer"), "disposition": "maybe"}, engine)
    with pytest.raises(LedgerError, match="duties_done"):
        led.record(clerk, {"request": request("detainer"), "duties_done": ["us-8cfr-287.7-d"]}, engine)
    assert _count(led) == 0


def test_clerk_reads_own_office_only_and_auditor_reads_all(led, engine):
    sd = led.by_token(led.add_account("ana", "clerk", SD_OFFICE, None))
    la = led.by_token(led.add_account("luis", "clerk", LA_OFFICE, None))
    aud = led.by_token(led.add_account("audra", "auditor", "ocd-division/country:us/state:ca:state_agency", None))
    mine = led.record(sd, request("detainer"), engine)
    theirs = led.record(la, request("detainer", LA), engine)
    assert [r["uid"] for r in led.list(sd)[0]] == [mine["uid"]]
    assert [r["uid"] for r in led.list(la)[0]] == [theirs["uid"]]
    with pytest.raises(LedgerError) as info:
        led.get(sd, theirs["uid"])
    assert info.value.status == 404
    assert {r["uid"] for r in led.list(aud)[0]} == {mine["uid"], theirs["uid"]}
    with pytest.raises(LedgerError) as info:
        led.record(aud, request("detainer"), engine)
    assert info.value.status == 403
    with pytest.raises(LedgerError) as info:  # a clerk records for its own office only
        led.record(sd, request("detainer", LA), engine)
    assert info.value.status == 403 and info.value.field == "request.responder"
    with pytest.raises(LedgerError):
        led.add_event(sd, theirs["uid"], "disposition", "complied")
    with pytest.raises(LedgerError) as info:
        led.tally(sd, 2026)
    assert info.value.status == 403


def test_corrections_and_events_are_appended(led, engine):
    clerk = led.by_token(led.add_account("ana", "clerk", SD_OFFICE, None))
    sup = led.by_token(led.add_account("sam", "supervisor", SD_OFFICE, None))
    first = led.record(clerk, request("detainer"), engine)
    fixed = led.record(clerk, {"request": request("notification"), "corrects": first["uid"]}, engine)
    assert fixed["corrects"] == first["uid"]
    assert led.get(clerk, first["uid"])["superseded"] is True  # the old one is kept
    assert _count(led) == 2
    led.add_event(clerk, fixed["uid"], "disposition", "declined")
    led.add_event(clerk, fixed["uid"], "disposition", "complied")
    duty = fixed["duties"][0]["provision_id"]
    after = led.add_event(clerk, fixed["uid"], "duty_done", duty)
    assert after["disposition"]["value"] == "complied" and [d["provision_id"] for d in after["duties_done"]] == [duty]
    assert _count(led, events) == 3
    year = dt.datetime.now(dt.timezone.utc).year
    rows = led.tally(sup, year)
    assert sum(r["n"] for r in rows) == 1  # the corrected record no longer counts
    assert rows[0]["action"] == "release_notification" and rows[0]["disposition"] == "complied"
    with pytest.raises(LedgerError):
        led.add_event(clerk, fixed["uid"], "duty_done", "no-such-duty")


def test_accounts_tokens_and_passwords(led):
    token = led.add_account("ana", "clerk", SD_OFFICE, "correct horse")
    assert led.by_token(token).name == "ana"
    assert led.by_token(token + "x") is None and led.by_token("") is None
    assert led.by_password("ana", "correct horse").role == "clerk"
    assert led.by_password("ana", "wrong") is None
    with led.engine.connect() as conn:
        stored = conn.exec_driver_sql("SELECT password_hash FROM ledger_accounts").scalar()
        hashes = [r[0] for r in conn.exec_driver_sql("SELECT token_hash FROM ledger_tokens")]
    assert stored.startswith("$argon2id$") and "correct horse" not in stored
    assert token not in json.dumps(hashes)
    with pytest.raises(LedgerError) as info:
        led.add_account("ana", "clerk", SD_OFFICE, None)
    assert info.value.status == 409
    with pytest.raises(LedgerError, match="role"):
        led.add_account("bo", "admin", SD_OFFICE, None)
    with pytest.raises(LedgerError, match="entity"):
        led.add_account("bo", "clerk", f"{SD}:sherif", None)


def test_revoking_tokens_one_or_all(led):
    first = led.add_account("ana", "clerk", SD_OFFICE, None)
    second = led.new_token("ana")
    other = led.add_account("bo", "clerk", SD_OFFICE, None)
    assert led.by_token(first).name == "ana"  # now in the token cache: revoking must drop it
    assert led.revoke_tokens("ana", first) == 1
    assert led.by_token(first) is None and led.by_token(second).name == "ana"
    assert led.revoke_tokens("ana", first) == 0  # already revoked
    with pytest.raises(LedgerError, match="token"):
        led.revoke_tokens("ana", other)  # bo's token is not ana's to revoke
    assert led.by_token(other).name == "bo"
    assert led.revoke_tokens("ana") == 1
    assert led.by_token(second) is None
    with pytest.raises(LedgerError) as info:
        led.revoke_tokens("nobody")
    assert info.value.status == 404


def test_password_floor_is_enforced_where_passwords_are_set(led):
    from cooprules.ledger import auth

    for short in ("ab", "x" * 11, " " * 12, ""):
        with pytest.raises(LedgerError) as info:
            led.add_account("ana", "clerk", SD_OFFICE, short)
        assert info.value.status == 422 and info.value.field == "password" and "12 characters" in info.value.message
        with pytest.raises(ValueError, match="12 characters"):
            auth.hash_password(short)
    with pytest.raises(LedgerError, match="at most 1024"):
        led.add_account("ana", "clerk", SD_OFFICE, "x" * 1025)
    assert _count(led, sa.table("ledger_accounts")) == 0  # nothing kept from a refused password
    led.add_account("ana", "clerk", SD_OFFICE, "x" * 12)
    assert led.by_password("ana", "x" * 12).name == "ana" and led.by_password("ana", "x" * 11) is None
