"""``cooprules ledger``: accounts, recording requests, listing, reports and export.

The CLI opens the database directly (``COOPRULES_DATABASE_URL`` or the SQLite file in
the user's data folder). Recording and reading act as the account of a bearer token
(``--token`` or ``COOPRULES_LEDGER_TOKEN``), with that account's role and office.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich import box
from rich.table import Table

ledger_app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                         help="The request ledger: record the requests your office receives, draw the yearly figures the law asks for.")
user_app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None, help="Staff accounts.")
ledger_app.add_typer(user_app, name="user")
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

TOKEN_HELP = "The account's bearer token (default: $COOPRULES_LEDGER_TOKEN)."
UID_HELP = ("The record's uid (as `ledger record` prints it), or its first 8 or more characters (as `ledger list` "
            "shows them) when no other record's uid starts with them.")
#: Most lines one ``ledger record`` reads.
MAX_LINES = 100_000


def _ledger():
    from sqlalchemy.exc import SQLAlchemyError

    from .ledger import Ledger

    try:
        return Ledger()
    except (SQLAlchemyError, OSError, ValueError) as exc:
        err.print(f"[red]The ledger database does not open: {escape(str(exc).splitlines()[0])}[/red]")
        raise typer.Exit(2)


def _account(led, token: Optional[str]):
    if not token:
        err.print("[red]--token: give the account's token (or set COOPRULES_LEDGER_TOKEN); "
                  "`cooprules ledger user add` prints one[/red]")
        raise typer.Exit(2)
    account = led.by_token(token.strip())
    if account is None:
        err.print("[red]--token: not a valid token[/red]")
        raise typer.Exit(2)
    return account


def _fail(exc: Exception) -> None:
    err.print(f"[red]{escape(str(exc))}[/red]")
    raise typer.Exit(2)


def _json_line(obj: dict) -> str:
    """``obj`` as one line of JSON and a newline, in UTF-8 as a reader sees it (``§``,
    not ``\\u00a7``); a value that is not valid Unicode (a lone surrogate sent as
    ``\\ud800``) makes that line ASCII-escaped instead of unwritable."""
    text = json.dumps(obj, ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(obj)
    return text + "\n"


def _day(text: Optional[str], flag: str) -> Optional[dt.date]:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        _fail(ValueError(f"{flag}: '{text}' is not a date; write YYYY-MM-DD"))
    return None


NO_PASSWORD_ON_STDIN = ("--password: standard input is not a terminal and gave no password; give the web "
                        "password as one line on standard input (e.g. `printf '%s\\n' \"$PW\" | cooprules ledger user "
                        "add ...`), or --no-password for a token-only account")


@user_app.command("add")
def user_add(name: str = typer.Argument(..., help="Account name (letters, digits, . _ -)."),
             role: str = typer.Option(..., "--role", help="clerk, supervisor or auditor."),
             office: str = typer.Option(..., "--office", help="OCD-ID:ENTITY, e.g. ocd-division/country:us/state:ca/county:san_diego:sheriff."),
             password: Optional[str] = typer.Option(None, "--password", help="Password for the web pages, at least 12 "
                                                    "characters (asked for at a terminal, else read as one line from standard input)."),
             no_password: bool = typer.Option(False, "--no-password", help="Token only: no web sign-in.")) -> None:
    """Create a staff account and print its bearer token (shown once; only a hash is
    kept). The web password (at least 12 characters) is asked for at a terminal, or read
    as one line from standard input; --no-password makes a token-only account. Exit 2,
    creating nothing, when no password is given or it is too short."""
    from .ledger import LedgerError, auth

    if password is not None and no_password:
        _fail(LedgerError(422, "--password", "give --password or --no-password, not both"))
    led = _ledger()
    if any(a["name"] == name for a in led.list_accounts()):  # before asking for a password
        _fail(_taken(name))
    if password is None and not no_password:
        if sys.stdin.isatty():
            password = typer.prompt(f"Password for the web pages (at least {auth.MIN_PASSWORD} characters)",
                                    hide_input=True, confirmation_prompt=True, err=True)
        else:
            line = sys.stdin.readline(auth.MAX_PASSWORD + 2)
            password = line.removesuffix("\n").removesuffix("\r")
            if not password:
                _fail(ValueError(NO_PASSWORD_ON_STDIN))
    if password is not None:
        problem = auth.password_problem(password)
        if problem:
            _fail(LedgerError(422, "password", problem))
    try:
        token = led.add_account(name, role, office, None if no_password else password)
    except LedgerError as exc:
        _fail(_taken(name) if exc.status == 409 else exc)
    err.print(f"Account [bold]{escape(name)}[/bold] ({role}) created. Its token, shown only now:")
    print(token)


def _taken(name: str) -> ValueError:
    return ValueError(f"name: an account named '{name}' exists; for a further token of it: "
                      f"cooprules ledger user token {name}  (or choose another name)")


@user_app.command("token")
def user_token(name: str = typer.Argument(..., help="Account name.")) -> None:
    """Print a further bearer token for an account (shown once)."""
    from .ledger import LedgerError

    try:
        print(_ledger().new_token(name))
    except LedgerError as exc:
        _fail(exc)


@user_app.command("revoke")
def user_revoke(name: str = typer.Argument(..., help="Account name."),
                token: Optional[str] = typer.Option(None, "--token", help="The token to revoke (read from standard "
                                                    "input with --token -)."),
                all_: bool = typer.Option(False, "--all", help="Revoke every token of the account.")) -> None:
    """Revoke a bearer token of an account (--token) or all of them (--all). A running
    server stops accepting it within a minute (its token cache)."""
    from .ledger import LedgerError

    if (token is None) == (not all_):
        _fail(LedgerError(422, "token", "give --token TOKEN or --all (one of them)"))
    if token == "-":
        token = sys.stdin.readline().strip()
    try:
        n = _ledger().revoke_tokens(name, None if all_ else token)
    except LedgerError as exc:
        _fail(exc)
    err.print(f"{n} token(s) of [bold]{escape(name)}[/bold] revoked.")


@user_app.command("list")
def user_list() -> None:
    """List the accounts (name, role, office)."""
    for a in _ledger().list_accounts():
        out.print(f"{escape(a['name'])}\t{a['role']}\t{escape(a['office'])}")


@ledger_app.command("record", help='Answer and record each line. Out: one JSON line per input line, {"line", '
                    '"uid", "outcome", "duties"} or {"line", "error", "errors"} as evaluate gives them (nothing is '
                    'stored for a bad line). Exit 1 if any line was refused.')
def record(file: str = typer.Argument(..., help="JSON Lines of requests (or entries), or - for standard input."),
           token: Optional[str] = typer.Option(None, "--token", envvar="COOPRULES_LEDGER_TOKEN", help=TOKEN_HELP)) -> None:
    """Answer and record each line. Out: one JSON line per input line, ``{"line",
    "uid", "outcome", "duties"}`` or ``{"line", "error", "errors"}`` as ``evaluate``
    gives them (nothing is stored for a bad line). Exit 1 if any line was refused."""
    from .errors import RequestError
    from .cli import _engine
    from .ledger import LedgerError

    led = _ledger()
    account = _account(led, token)
    engine = _engine()
    try:
        stream = sys.stdin if file == "-" else Path(file).open(encoding="utf-8")
    except OSError as exc:
        _fail(ValueError(f"cannot read {file}: {exc}"))
    bad = 0
    with stream:
        for n, line in enumerate(stream, 1):
            if n > MAX_LINES:
                err.print(f"[red]stopped after {MAX_LINES} lines[/red]")
                bad += 1
                break
            if not line.strip():
                continue
            try:
                rec = led.record(account, line, engine)
            except RequestError as exc:
                bad += 1
                sys.stdout.write(_json_line({"line": n, **exc.as_dict()}))
                continue
            except LedgerError as exc:
                bad += 1
                sys.stdout.write(_json_line({"line": n, **exc.as_dict()}))
                continue
            sys.stdout.write(_json_line({"line": n, "uid": rec["uid"], "outcome": rec["outcome"],
                                         "duties": [d["cite"] for d in rec["duties"]]}))
    raise typer.Exit(1 if bad else 0)


@ledger_app.command("list")
def list_records(from_: Optional[str] = typer.Option(None, "--from", help="First day (YYYY-MM-DD, UTC)."),
                 to: Optional[str] = typer.Option(None, "--to", help="Last day (YYYY-MM-DD, UTC)."),
                 limit: int = typer.Option(100, min=1, max=1000, help="Most records shown."),
                 as_json: bool = typer.Option(False, "--json", help="JSON Lines, one record a line."),
                 token: Optional[str] = typer.Option(None, "--token", envvar="COOPRULES_LEDGER_TOKEN", help=TOKEN_HELP)) -> None:
    """The records this account may read, newest first."""
    led = _ledger()
    account = _account(led, token)
    found, total = led.list(account, _day(from_, "--from"), _day(to, "--to"), limit=limit)
    if as_json:
        for r in found:
            sys.stdout.write(_json_line({k: v for k, v in r.items() if not k.startswith("_")}))
        return
    # fits 80 columns: two lines a record (day and time; action and paper; answer and
    # disposition; uid, shortened, and who recorded it: the whole uid with --json)
    table = Table(title=f"{len(found)} of {total} records", box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("received\n(UTC)", no_wrap=True)
    table.add_column("request\npaper", no_wrap=True)
    table.add_column("answer\ndisposition", no_wrap=True)
    table.add_column("duties\ndone", no_wrap=True, justify="right")
    table.add_column("uid\nby", overflow="fold")
    for r in found:
        day, _, clock = r["received_at"][:16].partition("T")
        table.add_row(f"{day}\n{clock}", f"{r['request']['action']}\n[dim]{r['request']['instrument']}[/dim]",
                      f"{r['outcome']}\n[dim]{r['disposition']['value'] if r['disposition'] else '-'}[/dim]",
                      f"{len(r['duties_done'])}/{len(r['duties'])}",
                      r["uid"][:8] + "…" + (" (corrected)" if r["superseded"] else "")
                      + f"\n[dim]{escape(r['recorded_by'])}[/dim]")
    out.print(table)
    if found:
        err.print("[dim]uid shortened: `ledger show`, `done` and `dispose` take those 8 characters; "
                  "--json gives each record whole[/dim]")


def _show(rec: dict) -> None:
    """Print one record: the request, the answer, its duties numbered (as ``ledger done``
    takes them) with their check-offs, and what the office did."""
    req = rec["request"]
    out.print(f"[bold]{rec['uid']}[/bold]  received {rec['received_at'][:16].replace('T', ' ')} UTC, "
              f"recorded by {escape(rec['recorded_by'])}" + ("  [yellow](corrected by a later record)[/yellow]" if rec["superseded"] else ""))
    out.print(f"request: {req['action']} by {req['requester']}, paper {req['instrument']}; answer: [bold]{rec['outcome']}[/bold]")
    done = {d["provision_id"]: d for d in rec["duties_done"]}
    if not rec["duties"]:
        out.print("duties: none")
    for i, duty in enumerate(rec["duties"], 1):
        mark = done.get(duty["provision_id"])
        tick = f"[green]done {mark['at'][:16].replace('T', ' ')} by {escape(mark['by'])}[/green]" if mark else "[red]not done[/red]"
        out.print(f"  {i}. {escape(duty['cite'])} ({duty['provision_id']}): {tick}\n     {escape(duty['text'])}")
    disp = rec["disposition"]
    out.print("what the office did: " + (f"[bold]{disp['value']}[/bold] ({disp['at'][:16].replace('T', ' ')} by "
                                         f"{escape(disp['by'])})" if disp else "not entered (counts as pending)"))


def _duty_ids(rec: dict, duties: list[str]) -> list[str]:
    """``ledger done``'s DUTY arguments (numbers from ``ledger show``, or provision ids)
    → provision ids; exit 2 naming the first that is neither, before anything is written."""
    ids = [d["provision_id"] for d in rec["duties"]]
    listed = ", ".join(f"{i} ({pid})" for i, pid in enumerate(ids, 1)) or "none: this answer carries no duty"
    found = []
    for text in duties:
        if text.isdigit() and 1 <= int(text) <= len(ids):
            found.append(ids[int(text) - 1])
        elif text in ids:
            found.append(text)
        else:
            _fail(ValueError(f"DUTY: '{text[:120]}' is not one of this record's duties; allowed: {listed}"))
    return list(dict.fromkeys(found))


@ledger_app.command("show")
def show(uid: str = typer.Argument(..., help=UID_HELP),
         as_json: bool = typer.Option(False, "--json", help="The whole record as one JSON object."),
         token: Optional[str] = typer.Option(None, "--token", envvar="COOPRULES_LEDGER_TOKEN", help=TOKEN_HELP)) -> None:
    """One record: the request, the answer, its duties numbered (the numbers `ledger
    done` takes) with when and by whom each was done, and what the office did."""
    from .ledger import LedgerError

    led = _ledger()
    account = _account(led, token)
    try:
        rec = led.get(account, led.resolve_uid(account, uid))
    except LedgerError as exc:
        _fail(exc)
    if as_json:
        sys.stdout.write(_json_line({k: v for k, v in rec.items() if not k.startswith("_")}))
    else:
        _show(rec)


@ledger_app.command("done")
def done(uid: str = typer.Argument(..., help=UID_HELP),
         duties: list[str] = typer.Argument(..., help="One or more duties: their numbers in `ledger show`, or their provision ids."),
         token: Optional[str] = typer.Option(None, "--token", envvar="COOPRULES_LEDGER_TOKEN", help=TOKEN_HELP)) -> None:
    """Check off duties of a record as done now (appended; the record itself never
    changes; a duty already checked off keeps its first check-off). A clerk or
    supervisor of the record's office. Exit 2, checking off nothing, if any DUTY is not
    one of the record's."""
    from .ledger import LedgerError

    led = _ledger()
    account = _account(led, token)
    try:
        uid = led.resolve_uid(account, uid)
        rec = led.get(account, uid)
        already = {d["provision_id"] for d in rec["duties_done"]}
        for pid in _duty_ids(rec, duties):
            if pid in already:
                err.print(f"{escape(pid)} was checked off already; its first check-off stands")
                continue
            rec = led.add_event(account, uid, "duty_done", pid)
    except LedgerError as exc:
        _fail(exc)
    _show(rec)


@ledger_app.command("dispose")
def dispose(uid: str = typer.Argument(..., help=UID_HELP),
            value: str = typer.Argument(..., help="What the office did: complied, declined or pending."),
            token: Optional[str] = typer.Option(None, "--token", envvar="COOPRULES_LEDGER_TOKEN", help=TOKEN_HELP)) -> None:
    """Enter what the office did with the request: complied, declined or pending. Later
    entries are appended and the latest counts; reports (the TRUTH Act's "complied" and
    "declined") count it. A clerk or supervisor of the record's office."""
    from .ledger import LedgerError
    from .ledger.store import DISPOSITIONS

    if value not in DISPOSITIONS:
        _fail(LedgerError(422, "VALUE", f"'{value[:40]}' is not a disposition", DISPOSITIONS))
    led = _ledger()
    account = _account(led, token)
    try:
        rec = led.add_event(account, led.resolve_uid(account, uid), "disposition", value)
    except LedgerError as exc:
        _fail(exc)
    _show(rec)


@ledger_app.command("report")
def report(year: int = typer.Option(..., "--year", min=2000, max=2100, help="Calendar year."),
           statute: Optional[str] = typer.Option(None, "--statute", help="One report: truth-act, sb54-task-force, illinois-trust-act, oregon-sanctuary-promise, nj-immigrant-trust (default: every report for the office)."),
           fmt: str = typer.Option("json", "--format", help="json, csv, html or pdf."),
           lang: str = typer.Option("en", "--lang", help="en or es."),
           office: Optional[str] = typer.Option(None, "--office", help="OCD-ID:ENTITY (auditors; default all offices)."),
           out_path: Optional[Path] = typer.Option(None, "--out", "-o", help="Write here (default: standard output; pdf needs --out)."),
           token: Optional[str] = typer.Option(None, "--token", envvar="COOPRULES_LEDGER_TOKEN", help=TOKEN_HELP)) -> None:
    """The figures the law asks for, for a year, with their citations."""
    from .ledger import LedgerError, auth, render, reports

    if fmt not in ("json", "csv", "html", "pdf"):
        _fail(ValueError(f"--format: '{fmt}' is not a format; allowed: json, csv, html, pdf"))
    if lang not in ("en", "es"):
        _fail(ValueError(f"--lang: '{lang}' is not a language; allowed: en, es"))
    if fmt == "pdf" and out_path is None:
        _fail(ValueError("--out: a PDF is written to a file; give --out report.pdf"))
    led = _ledger()
    account = _account(led, token)
    try:
        office_t = auth.parse_office(office) if office else None
        drawn, office_t = reports.draw(led, account, year, statute, office_t, lang)
    except (LedgerError, ValueError) as exc:
        _fail(exc)
    if fmt == "json":
        data: str | bytes = json.dumps({"year": year, "office": office_t and {"jurisdiction": office_t[0], "entity": office_t[1]},
                                        "reports": drawn}, ensure_ascii=False, indent=1) + "\n"
    elif fmt == "csv":
        data = reports.to_csv(drawn)
    elif fmt == "html":
        data = render.html(drawn, year, office_t, lang)
    else:
        data = render.pdf(drawn, year, office_t, lang)
    if out_path is None:
        sys.stdout.write(data if isinstance(data, str) else data.decode())
    else:
        out_path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        err.print(f"wrote {escape(str(out_path))}")


@ledger_app.command("reports", help="List the statutory reports (rules/**/*.report.yaml) and check them against "
                    "the corpus: every provision they name must exist. Exit 1 on a problem.")
def list_reports() -> None:
    """List the statutory reports (``rules/**/*.report.yaml``) and check them against
    the corpus: every provision they name must exist. Exit 1 on a problem."""
    from .cli import _engine
    from .ledger import reports

    try:
        found = reports.load_reports()
    except ValueError as exc:
        _fail(exc)
    for rep in found.values():
        out.print(f"{rep.id}\t{escape(rep.cite)}\t{rep.confidence}\trules/{escape(rep.file)}")
    problems = reports.lint_reports(_engine().corpus, found)
    for problem in problems:
        err.print(f"[red]{escape(problem)}[/red]")
    raise typer.Exit(1 if problems else 0)


@ledger_app.command("export")
def export(fmt: str = typer.Option("csv", "--format", help="csv or parquet."),
           out_path: Path = typer.Option(..., "--out", "-o", help="File to write."),
           token: Optional[str] = typer.Option(None, "--token", envvar="COOPRULES_LEDGER_TOKEN", help=TOKEN_HELP)) -> None:
    """Every record this account may read, one row each: uid, corrects, received_at,
    office, recorded_by, requester, action, info_type, instrument, outcome, as_of,
    corpus_version, citations, duties, duties_done, disposition, agency_ref, request
    (JSON)."""
    import polars as pl

    from .ledger.export import SCHEMA, rows

    if fmt not in ("csv", "parquet"):
        _fail(ValueError(f"--format: '{fmt}' is not a format; allowed: csv, parquet"))
    led = _ledger()
    account = _account(led, token)
    frame = pl.DataFrame(rows(led, account), schema=SCHEMA(), orient="row")
    if fmt == "csv":
        frame.write_csv(out_path)
    else:
        frame.write_parquet(out_path)
    err.print(f"wrote {frame.height} records to {escape(str(out_path))}")


def register(app: typer.Typer) -> None:
    """Add ``cooprules ledger`` to the main app."""
    app.add_typer(ledger_app, name="ledger")
