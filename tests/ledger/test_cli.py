"""``cooprules ledger``: the README's three commands, per-line errors, list, report, export."""

from __future__ import annotations

import datetime as dt
import json

import polars as pl
from typer.testing import CliRunner

from cooprules.cli import EXAMPLE, app

from .sample import SD_OFFICE, request

runner = CliRunner()


def test_create_user_record_list_report_export(tmp_path, monkeypatch):
    monkeypatch.setenv("COOPRULES_DATABASE_URL", f"sqlite:///{tmp_path / 'l.sqlite3'}")
    added = runner.invoke(app, ["ledger", "user", "add", "ana", "--role", "clerk", "--office", SD_OFFICE],
                          input="a long password\n")
    assert added.exit_code == 0, added.output
    token = added.stdout.strip().splitlines()[-1]
    assert token.startswith("clr_")
    bad = dict(request("detainer"), subject={"role": "in_custody", "name": "Juan"})
    lines = EXAMPLE.read_text().strip() + "\n" + json.dumps(bad) + "\n" + json.dumps(
        {"request": request("transfer"), "disposition": "complied"}) + "\n"
    done = runner.invoke(app, ["ledger", "record", "-", "--token", token], input=lines)
    assert done.exit_code == 1  # one line refused
    out = [json.loads(x) for x in done.stdout.strip().splitlines()]
    assert [o["line"] for o in out] == [1, 2, 3]
    assert out[1]["errors"][0]["field"] == "request.subject.name" and "uid" not in out[1]
    listed = runner.invoke(app, ["ledger", "list", "--json", "--token", token])
    recs = [json.loads(x) for x in listed.stdout.strip().splitlines()]
    assert {r["uid"] for r in recs} == {out[0]["uid"], out[2]["uid"]}
    denied = runner.invoke(app, ["ledger", "report", "--year", "2026", "--token", token])
    assert denied.exit_code == 2 and "supervisor" in denied.output
    sup = runner.invoke(app, ["ledger", "user", "add", "sam", "--role", "supervisor", "--office", SD_OFFICE,
                              "--no-password"]).stdout.strip().splitlines()[-1]
    year = recs[0]["received_at"][:4]
    rep = runner.invoke(app, ["ledger", "report", "--year", year, "--statute", "truth-act", "--token", sup])
    counts = {c["id"]: c["total"] for c in json.loads(rep.stdout)["reports"][0]["counts"]}
    assert counts["ice_access_requests"] == 2 and counts["transferred"] == 1
    pdf = tmp_path / "r.pdf"
    assert runner.invoke(app, ["ledger", "report", "--year", year, "--format", "pdf", "--lang", "es", "--out", str(pdf),
                               "--token", sup]).exit_code == 0
    assert pdf.read_bytes().startswith(b"%PDF")
    for fmt in ("csv", "parquet"):
        path = tmp_path / f"x.{fmt}"
        assert runner.invoke(app, ["ledger", "export", "--format", fmt, "--out", str(path), "--token", token]).exit_code == 0
        frame = pl.read_csv(path) if fmt == "csv" else pl.read_parquet(path)
        assert frame.height == 2 and set(frame["action"]) == {"detainer_hold", "custody_transfer"}
    assert runner.invoke(app, ["ledger", "list", "--token", "clr_wrong"]).exit_code == 2


def test_user_revoke_one_token_or_all(tmp_path, monkeypatch):
    monkeypatch.setenv("COOPRULES_DATABASE_URL", f"sqlite:///{tmp_path / 'l.sqlite3'}")
    first = runner.invoke(app, ["ledger", "user", "add", "ana", "--role", "clerk", "--office", SD_OFFICE,
                                "--no-password"]).stdout.strip().splitlines()[-1]
    second = runner.invoke(app, ["ledger", "user", "token", "ana"]).stdout.strip()
    neither = runner.invoke(app, ["ledger", "user", "revoke", "ana"])
    assert neither.exit_code == 2 and "--token TOKEN or --all" in neither.output
    done = runner.invoke(app, ["ledger", "user", "revoke", "ana", "--token", "-"], input=first + "\n")
    assert done.exit_code == 0 and "1 token(s)" in done.output
    assert runner.invoke(app, ["ledger", "list", "--json", "--token", first]).exit_code == 2
    assert runner.invoke(app, ["ledger", "list", "--json", "--token", second]).exit_code == 0
    assert runner.invoke(app, ["ledger", "user", "revoke", "ana", "--all"]).exit_code == 0
    assert runner.invoke(app, ["ledger", "list", "--json", "--token", second]).exit_code == 2


def test_list_fits_80_columns_with_words_whole(tmp_path, monkeypatch):
    import io

    from rich.console import Console

    import cooprules.cli_ledger as cli_ledger

    monkeypatch.setenv("COOPRULES_DATABASE_URL", f"sqlite:///{tmp_path / 'l.sqlite3'}")
    token = runner.invoke(app, ["ledger", "user", "add", "ana", "--role", "clerk", "--office", SD_OFFICE,
                                "--no-password"]).stdout.strip().splitlines()[-1]
    lines = json.dumps({"request": request("transfer"), "disposition": "complied"}) + "\n"
    assert runner.invoke(app, ["ledger", "record", "-", "--token", token], input=lines).exit_code == 0
    screen = io.StringIO()
    monkeypatch.setattr(cli_ledger, "out", Console(file=screen, width=80))
    assert runner.invoke(app, ["ledger", "list", "--token", token]).exit_code == 0
    shown = screen.getvalue()
    assert max(len(x) for x in shown.splitlines()) <= 80, shown
    assert "custody_transfer" in shown and "complied" in shown and "transfer_request" in shown


def _accounts(tmp_path) -> list[str]:
    import sqlite3

    with sqlite3.connect(tmp_path / "l.sqlite3") as conn:
        try:
            return [r[0] for r in conn.execute("SELECT name FROM ledger_accounts")]
        except sqlite3.OperationalError:  # never opened: no tables
            return []


def test_user_add_with_nothing_on_stdin_fails_and_creates_nothing(tmp_path, monkeypatch):
    import os
    import subprocess
    import sys

    url = f"sqlite:///{tmp_path / 'l.sqlite3'}"
    monkeypatch.setenv("COOPRULES_DATABASE_URL", url)
    # the newcomer's command exactly: a real process whose standard input is /dev/null
    src = str(__import__("pathlib").Path(__import__("cooprules").__file__).parents[1])
    done = subprocess.run([sys.executable, "-m", "cooprules.cli", "ledger", "user", "add", "ana", "--role", "clerk",
                           "--office", SD_OFFICE], stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120, check=False,
                          env={**os.environ, "PYTHONPATH": src, "COOPRULES_DATABASE_URL": url, "COLUMNS": "300"})
    assert done.returncode == 2, done.stderr
    assert "--password" in done.stderr and "standard input" in done.stderr and "--no-password" in done.stderr
    assert done.stdout == "" and _accounts(tmp_path) == []
    for given in ("", "\n", "\r\n"):  # end of input, an empty line, an empty Windows line
        r = runner.invoke(app, ["ledger", "user", "add", "ana", "--role", "clerk", "--office", SD_OFFICE], input=given)
        assert r.exit_code == 2 and "--no-password" in r.output and "clr_" not in r.output, (given, r.output)
    assert _accounts(tmp_path) == []
    both = runner.invoke(app, ["ledger", "user", "add", "ana", "--role", "clerk", "--office", SD_OFFICE,
                               "--password", "a long password", "--no-password"])
    assert both.exit_code == 2 and "not both" in both.output and _accounts(tmp_path) == []


def test_user_add_refuses_a_short_password_and_says_the_floor(tmp_path, monkeypatch):
    from cooprules.ledger import Ledger

    url = f"sqlite:///{tmp_path / 'l.sqlite3'}"
    monkeypatch.setenv("COOPRULES_DATABASE_URL", url)
    for args, given in ((["--password", "ab"], None), ([], "ab\n"), ([], "eleven char\n")):
        r = runner.invoke(app, ["ledger", "user", "add", "ana", "--role", "clerk", "--office", SD_OFFICE, *args], input=given)
        assert r.exit_code == 2 and "at least 12 characters" in r.output and "clr_" not in r.output, (args, r.output)
    assert _accounts(tmp_path) == []
    assert "at least 12" in runner.invoke(app, ["ledger", "user", "add", "--help"]).output
    ok = runner.invoke(app, ["ledger", "user", "add", "ana", "--role", "clerk", "--office", SD_OFFICE],
                       input="twelve chars\n")
    assert ok.exit_code == 0, ok.output
    led = Ledger(url)
    assert led.by_password("ana", "twelve chars").name == "ana"
    assert led.by_token(ok.stdout.strip().splitlines()[-1]).name == "ana"
    token_only = runner.invoke(app, ["ledger", "user", "add", "bo", "--role", "clerk", "--office", SD_OFFICE,
                                     "--no-password"], input="")
    assert token_only.exit_code == 0 and led.by_password("bo", "") is None
    assert sorted(_accounts(tmp_path)) == ["ana", "bo"]


def test_done_and_dispose_from_the_cli_count_in_the_truth_act_report(tmp_path, monkeypatch):
    from .sample import LA_OFFICE

    monkeypatch.setenv("COOPRULES_DATABASE_URL", f"sqlite:///{tmp_path / 'l.sqlite3'}")

    def add(name, role, office=SD_OFFICE):
        r = runner.invoke(app, ["ledger", "user", "add", name, "--role", role, "--office", office, "--no-password"])
        return r.stdout.strip().splitlines()[-1]

    clerk, sup, la = add("ana", "clerk"), add("sam", "supervisor"), add("luis", "clerk", LA_OFFICE)
    lines = json.dumps(request("detainer")) + "\n" + json.dumps(request("transfer")) + "\n"
    rec = [json.loads(x) for x in runner.invoke(app, ["ledger", "record", "-", "--token", clerk], input=lines).stdout.splitlines()]
    detainer, transfer = rec[0]["uid"], rec[1]["uid"]

    def truth(counts=("complied", "declined", "transferred")):
        out = runner.invoke(app, ["ledger", "report", "--year", dt.date.today().strftime("%Y"), "--statute",
                                  "truth-act", "--token", sup])
        got = {c["id"]: c["total"] for c in json.loads(out.stdout)["reports"][0]["counts"]}
        return {k: got[k] for k in counts}

    assert truth() == {"complied": 0, "declined": 0, "transferred": 0}

    shown = runner.invoke(app, ["ledger", "show", detainer, "--token", clerk])
    assert shown.exit_code == 0 and "1. Cal. Gov. Code § 7283.1(b)" in shown.output and "not done" in shown.output
    bad = runner.invoke(app, ["ledger", "done", detainer, "1", "9", "--token", clerk])
    assert bad.exit_code == 2 and "'9' is not one of this record's duties" in bad.output and "1 (ca-gov-7283.1-b)" in bad.output
    assert _record(clerk, detainer)["duties_done"] == []  # nothing checked off when one DUTY is wrong
    assert runner.invoke(app, ["ledger", "done", detainer, "1", "ca-gov-7283.1-c", "--token", clerk]).exit_code == 0
    assert [d["provision_id"] for d in _record(clerk, detainer)["duties_done"]] == ["ca-gov-7283.1-b", "ca-gov-7283.1-c"]
    again = runner.invoke(app, ["ledger", "done", detainer, "1", "--token", clerk])
    assert again.exit_code == 0 and "already" in again.output and len(_record(clerk, detainer)["duties_done"]) == 2

    wrong = runner.invoke(app, ["ledger", "dispose", detainer, "ignored", "--token", clerk])
    assert wrong.exit_code == 2 and "complied, declined, pending" in wrong.output
    assert runner.invoke(app, ["ledger", "dispose", detainer, "declined", "--token", la]).exit_code == 2  # another office
    assert runner.invoke(app, ["ledger", "dispose", detainer, "declined", "--token", sup]).exit_code == 0
    assert runner.invoke(app, ["ledger", "dispose", transfer, "pending", "--token", clerk]).exit_code == 0
    assert truth() == {"complied": 0, "declined": 1, "transferred": 0}
    assert runner.invoke(app, ["ledger", "dispose", transfer, "complied", "--token", clerk]).exit_code == 0  # the latest counts
    assert truth() == {"complied": 1, "declined": 1, "transferred": 1}
    assert _record(clerk, transfer)["disposition"]["value"] == "complied"
    assert "declined" in runner.invoke(app, ["ledger", "show", detainer, "--token", clerk]).output


def _record(token: str, uid: str) -> dict:
    r = runner.invoke(app, ["ledger", "show", uid, "--json", "--token", token])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def test_a_uid_prefix_as_list_shows_it_works_and_an_ambiguous_one_is_refused(tmp_path, monkeypatch):
    import uuid as uuid_module

    from cooprules.ledger import store

    monkeypatch.setenv("COOPRULES_DATABASE_URL", f"sqlite:///{tmp_path / 'l.sqlite3'}")
    clerk = runner.invoke(app, ["ledger", "user", "add", "ana", "--role", "clerk", "--office", SD_OFFICE,
                                "--no-password"]).stdout.strip().splitlines()[-1]
    # three records: two whose uids share their first 8 characters, one apart
    uids = iter([uuid_module.UUID("aab28e59-0000-4000-8000-000000000001"),
                 uuid_module.UUID("aab28e59-1111-4000-8000-000000000002"),
                 uuid_module.UUID("0123abcd-2222-4000-8000-000000000003")])
    monkeypatch.setattr(store.uuid, "uuid4", lambda: next(uids))
    lines = "".join(json.dumps(request(k)) + "\n" for k in ("detainer", "transfer", "detainer"))
    recorded = runner.invoke(app, ["ledger", "record", "-", "--token", clerk], input=lines)
    assert recorded.exit_code == 0, recorded.output
    listed = runner.invoke(app, ["ledger", "list", "--token", clerk])
    assert "0123abcd…" in listed.stdout
    # the shortened uid, as `ledger list` shows it, with or without its ellipsis
    for given in ("0123abcd", "0123ABCD…", "0123abcd-2222"):
        shown = runner.invoke(app, ["ledger", "show", given, "--json", "--token", clerk])
        assert shown.exit_code == 0, shown.output
        assert json.loads(shown.stdout)["uid"] == "0123abcd-2222-4000-8000-000000000003"
    assert runner.invoke(app, ["ledger", "done", "0123abcd", "1", "--token", clerk]).exit_code == 0
    assert runner.invoke(app, ["ledger", "dispose", "0123abcd", "declined", "--token", clerk]).exit_code == 0
    whole = _record(clerk, "0123abcd-2222-4000-8000-000000000003")
    assert len(whole["duties_done"]) == 1 and whole["disposition"]["value"] == "declined"
    for command in (["show"], ["done", "1"], ["dispose", "declined"]):
        args = ["ledger", command[0], "aab28e59", *command[1:], "--token", clerk]
        ambiguous = runner.invoke(app, args)
        assert ambiguous.exit_code == 2 and "start of 2 records' uids" in ambiguous.output, ambiguous.output
    assert _record(clerk, "aab28e59-0000-4000-8000-000000000001")["disposition"] is None  # nothing written
    short = runner.invoke(app, ["ledger", "show", "aab28e5", "--token", clerk])
    assert short.exit_code == 2 and "first 8 or more characters" in short.output
    missing = runner.invoke(app, ["ledger", "show", "ffffffff", "--token", clerk])
    assert missing.exit_code == 2 and "no uid starts with 'ffffffff'" in missing.output
    wild = runner.invoke(app, ["ledger", "show", "aab28e5%", "--token", clerk])
    assert wild.exit_code == 2 and "no such record" in wild.output


def test_a_record_of_another_office_is_not_found_by_its_prefix(tmp_path, monkeypatch):
    from .sample import LA_OFFICE

    monkeypatch.setenv("COOPRULES_DATABASE_URL", f"sqlite:///{tmp_path / 'l.sqlite3'}")

    def add(name, office):
        return runner.invoke(app, ["ledger", "user", "add", name, "--role", "clerk", "--office", office,
                                   "--no-password"]).stdout.strip().splitlines()[-1]

    sd, la = add("ana", SD_OFFICE), add("luis", LA_OFFICE)
    uid = json.loads(runner.invoke(app, ["ledger", "record", "-", "--token", sd],
                                   input=json.dumps(request("detainer")) + "\n").stdout)["uid"]
    other = runner.invoke(app, ["ledger", "show", uid[:8], "--token", la])
    assert other.exit_code == 2 and "no uid starts with" in other.output


def test_record_prints_utf8_json(tmp_path, monkeypatch):
    monkeypatch.setenv("COOPRULES_DATABASE_URL", f"sqlite:///{tmp_path / 'l.sqlite3'}")
    clerk = runner.invoke(app, ["ledger", "user", "add", "ana", "--role", "clerk", "--office", SD_OFFICE,
                                "--no-password"]).stdout.strip().splitlines()[-1]
    done = runner.invoke(app, ["ledger", "record", "-", "--token", clerk], input=json.dumps(request("detainer")) + "\n")
    assert done.exit_code == 0
    assert "Cal. Gov. Code § 7283.1(b)" in done.stdout and "\\u00a7" not in done.stdout
    # a value that is not valid Unicode still gives its line (escaped), never a crash
    hostile = ('{"request": {"responder": {"jurisdiction": "\\ud800x", "entity": "sheriff"}, "requester": "ice_ero", '
               '"action": "detainer_hold", "instrument": "detainer_request"}}\n')
    bad = runner.invoke(app, ["ledger", "record", "-", "--token", clerk], input=hostile)
    assert bad.exit_code == 1 and json.loads(bad.stdout)["line"] == 1 and "\\ud800" in bad.stdout


def test_adding_an_existing_user_names_the_token_command_before_asking_a_password(tmp_path, monkeypatch):
    monkeypatch.setenv("COOPRULES_DATABASE_URL", f"sqlite:///{tmp_path / 'l.sqlite3'}")
    assert runner.invoke(app, ["ledger", "user", "add", "ana", "--role", "clerk", "--office", SD_OFFICE],
                         input="a long password\n").exit_code == 0
    again = runner.invoke(app, ["ledger", "user", "add", "ana", "--role", "clerk", "--office", SD_OFFICE], input="")
    assert again.exit_code == 2 and "cooprules ledger user token ana" in again.output
    assert "standard input" not in again.output  # refused before any password was asked for
    token = runner.invoke(app, ["ledger", "user", "token", "ana"])
    assert token.exit_code == 0 and token.stdout.strip().startswith("clr_")
