"""``cooprules ledger``: the README's three commands, per-line errors, list, report, export."""

from __future__ import annotations

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
