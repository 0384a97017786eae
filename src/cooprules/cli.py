"""The ``cooprules`` command line (Typer + Rich). A thin front end: it builds requests,
calls the engine and formats; it decides no law."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any, Optional

import typer
from rich.console import Console
from rich.markup import escape

from . import render
from .errors import CorpusError, FieldError, RequestError, did_you_mean, iso_day
from .vocabulary import (
    Action, Agreement287g, Decision, Entity, InfoType, Instrument, Location, OffenceCategory, Outcome,
    Purpose, Requester, Role,
)

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                  help="May we, must we, or must we not? Cooperation with federal immigration enforcement, as code.")
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

EXAMPLE = Path(__file__).parent / "examples" / "san_diego_sheriff_detainer.json"



def _engine():
    from . import default_engine
    from .errors import CorpusError

    try:
        return default_engine()
    except CorpusError as exc:
        err.print(f"[red]The rule corpus does not load: {escape(str(exc))}[/red]\n"
                  "Run `cooprules lint` for every problem.")
        raise typer.Exit(2)


def _words_of(enum) -> str:
    return ", ".join(e.value for e in enum)


def _parse_offence(text: str, flag: str) -> tuple[str, str]:
    head, _, tail = text.partition(":")
    allowed = [c.value for c in OffenceCategory]
    if head not in allowed:
        raise RequestError([FieldError(flag, f"'{head}' is not an offence category", head, allowed,
                                       did_you_mean(head, allowed))])
    return head, tail


def _convictions(texts: list[str]) -> list[dict[str, Any]]:
    out = []
    for text in texts:
        cat, years = _parse_offence(text, "--conviction")
        try:
            value = float(years)
        except ValueError:
            raise RequestError([FieldError("--conviction", "write CATEGORY:YEARS_AGO, e.g. violent_felony:4", text)]) from None
        out.append({"category": cat, "years_ago": int(value) if value.is_integer() else value})
    return out


def _pending(text: str) -> dict[str, Any]:
    cat, finding = _parse_offence(text, "--pending-charge")
    if finding not in ("", "pc", "nopc"):
        raise RequestError([FieldError("--pending-charge", "after the category write :pc (a magistrate found "
                                       "probable cause) or :nopc (not found), or nothing if unknown",
                                       text, ["pc", "nopc"])])
    return {"category": cat, **({"probable_cause_determined": finding == "pc"} if finding else {})}


def build_request(**f: Any) -> dict[str, Any]:
    """Turn ``ask``'s flags into a request dict (facts not given are left out, so the
    engine treats them as unknown). Raises RequestError for malformed or conflicting
    flags; vocabulary words are checked by :func:`cooprules.parse_request`, which
    names the allowed words and the nearest one."""
    req: dict[str, Any] = {
        "responder": {"jurisdiction": f["jurisdiction"], "entity": f["entity"]},
        "requester": f["requester"], "action": f["action"], "instrument": f["instrument"],
    }
    if f["agreement_287g"]:
        req["responder"]["agreement_287g"] = f["agreement_287g"]
    if f["info_type"]:
        req["info_type"] = f["info_type"]
    if f["no_attachments"] and f["attachment"]:
        raise RequestError([FieldError("--no-attachments", "cannot be combined with --attachment")])
    if f["attachment"] or f["no_attachments"]:
        req["attachments"] = list(f["attachment"] or [])
    subject: dict[str, Any] = {name: f[name] for name in (
        "role", "minor", "registered_sex_offender", "federal_felony_warrant", "final_removal_order",
        "previously_removed", "consent_given", "proof_of_status_shown") if f[name] is not None}
    for none_flag, flag in (("no_convictions", "conviction"), ("no_pending_charge", "pending_charge")):
        if f[none_flag] and f[flag]:
            raise RequestError([FieldError("--" + none_flag.replace("_", "-"), f"cannot be combined with --{flag.replace('_', '-')}")])
    if f["no_convictions"] or f["conviction"]:
        subject["convictions"] = _convictions(f["conviction"] or [])
    if f["no_pending_charge"]:
        subject["pending_charge"] = "none"
    elif f["pending_charge"]:
        subject["pending_charge"] = _pending(f["pending_charge"])
    context: dict[str, Any] = {name: f[name] for name in (
        "location", "purpose", "info_publicly_available", "exigent_circumstances", "hours_held_past_release", "date")
        if f[name] is not None}
    if subject:
        req["subject"] = subject
    if context:
        req["context"] = context
    if f.get("no_presume"):
        req["presume"] = False
    return req


@app.command()
def ask(
    jurisdiction: str = typer.Option(..., "--jurisdiction", "-j", help="OCD-ID of the responder's government "
                                     "(find it with: cooprules jurisdictions --search NAME)."),
    entity: str = typer.Option(..., "--entity", "-e", help=f"Kind of office asked: {_words_of(Entity)}."),
    requester: str = typer.Option("ice_ero", help=f"Who asks: {_words_of(Requester)}."),
    action: str = typer.Option(..., "--action", "-a", help=f"What is asked: {_words_of(Action)}."),
    instrument: str = typer.Option(..., "--instrument", "-i", help=f"On what paper: {_words_of(Instrument)}."),
    info_type: Optional[str] = typer.Option(None, help=f"With --action information_sharing: {_words_of(InfoType)}."),
    attachment: Optional[list[str]] = typer.Option(None, help="A further paper that came with the main one (repeatable; "
                                                   "an I-247A usually comes with an I-200 or I-205); words as for --instrument."),
    no_attachments: bool = typer.Option(False, "--no-attachments", help="Nothing came with the main paper."),
    agreement_287g: Optional[str] = typer.Option(None, "--agreement-287g", help=f"The responder's 287(g) agreement: {_words_of(Agreement287g)}."),
    role: Optional[str] = typer.Option(None, help=f"The person's role: {_words_of(Role)}."),
    minor: Optional[bool] = typer.Option(None, "--minor/--adult"),
    conviction: Optional[list[str]] = typer.Option(None, help="CATEGORY:YEARS_AGO, repeatable (e.g. violent_felony:4); "
                                                   f"categories: {_words_of(OffenceCategory)}."),
    no_convictions: bool = typer.Option(False, "--no-convictions", help="The person has no convictions."),
    pending_charge: Optional[str] = typer.Option(None, help="CATEGORY, CATEGORY:pc (a magistrate found probable cause) "
                                                 "or CATEGORY:nopc."),
    no_pending_charge: bool = typer.Option(False, "--no-pending-charge", help="No charge is pending."),
    registered_sex_offender: Optional[bool] = typer.Option(None, "--registered-sex-offender/--not-registered-sex-offender"),
    federal_felony_warrant: Optional[bool] = typer.Option(None, "--federal-felony-warrant/--no-federal-felony-warrant"),
    final_removal_order: Optional[bool] = typer.Option(None, "--final-removal-order/--no-final-removal-order"),
    previously_removed: Optional[bool] = typer.Option(None, "--previously-removed/--not-previously-removed"),
    consent_given: Optional[bool] = typer.Option(None, "--consent/--no-consent", help="Written consent of the person (or a student's parent)."),
    proof_of_status_shown: Optional[bool] = typer.Option(None, "--proof-of-status/--no-proof-of-status",
                                                         help="The person has shown proof of U.S. citizenship or lawful status."),
    location: Optional[str] = typer.Option(None, help=f"Where: {_words_of(Location)}."),
    purpose: Optional[str] = typer.Option(None, help=f"Purpose of the request: {_words_of(Purpose)}."),
    info_publicly_available: Optional[bool] = typer.Option(None, "--public/--not-public", help="Is the information already public?"),
    exigent_circumstances: Optional[bool] = typer.Option(None, "--exigent/--not-exigent"),
    hours_held_past_release: Optional[float] = typer.Option(None, "--hours-held", help="Hours already held past release "
                                                            "(Saturdays, Sundays and holidays excluded)."),
    date: Optional[str] = typer.Option(None, help="Date of the request, YYYY-MM-DD (default today)."),
    no_presume: bool = typer.Option(False, "--no-presume", help="Presume nothing: every fact not given is unknown, "
                                    "and the answer is conditional on each that matters (counsel's full analysis)."),
    as_json: bool = typer.Option(False, "--json", help="Print the Decision as JSON."),
    brief: bool = typer.Option(False, "--brief", help="Print only what to do now, its exceptions (unless) and "
                               "the citations (with --json: those fields only)."),
    lang: str = typer.Option("en", "--lang", help="Language of the answer's words: en, es (Spanish: summary, "
                             "unless, duties, titles, headings; ids and citations stay as they are)."),
) -> None:
    """Answer one request: what to do now, what was presumed and what would change it,
    the duties, then the law layer by layer. A fact not given that has a presumed value
    (nothing else came with the paper, no convictions, no pending charge, no consent, no
    emergency, 0 hours held...) takes it; --no-presume asks for the full analysis.
    --brief: what to do now, its exceptions (unless) and the citations only."""
    flags = {k: v for k, v in locals().items() if k not in ("as_json", "brief", "lang")}
    from .render import LANGS, in_language

    if lang not in LANGS:
        _print_request_error(RequestError([FieldError("--lang", f"'{lang}' is not a language cooprules answers in",
                                                      allowed=list(LANGS))]))
        raise typer.Exit(2)
    try:
        decision = _engine().evaluate(build_request(**flags))
    except RequestError as exc:
        _print_request_error(exc)
        raise typer.Exit(2)
    except CorpusError as exc:
        _print_corpus_error(exc)
        raise typer.Exit(2)
    try:
        if as_json:
            fields = {"outcome", "summary", "unless", "citations"} if brief else None
            out.print_json(in_language(decision, lang).model_dump_json(include=fields))
        elif brief:
            from .brief import print_brief

            print_brief(decision, out, _engine().corpus, lang)
        else:
            render.print_decision(decision, out, _engine().corpus, lang)
    except ImportError as exc:  # --lang es without Babel (the 'web' extra): the line to install it, exit 2
        msg = str(exc)
        if "pip install" not in msg:
            msg = (f"--lang {lang} needs the 'web' extra (Babel), which is not installed (missing module "
                   f"'{getattr(exc, 'name', None) or 'babel'}'): pip install 'cooprules[web]'")
        err.print(msg, markup=False, highlight=False)
        raise typer.Exit(2)


@app.command()
def example(as_json: bool = typer.Option(False, "--json")) -> None:
    """Answer the shipped example: an I-247A detainer for a person with no convictions
    at the San Diego County Sheriff's jail."""
    request = json.loads(EXAMPLE.read_text())
    out.print("[dim]Request:[/dim] " + json.dumps(request))
    decision = _engine().evaluate(request)
    if as_json:
        out.print_json(decision.model_dump_json())
    else:
        print_decision(decision)


def _print_corpus_error(exc: "CorpusError") -> None:
    err.print(f"[bold red]A rule of the corpus failed on this request[/bold red]: {escape(exc.message)}\n"
              f"  provision {escape(exc.provision_id or '?')}, field {escape(exc.field_name or '?')}, "
              f"file {escape(exc.file)}\n  (a defect of the rule file, not of the request; run `cooprules lint`)")


def _print_request_error(exc: RequestError) -> None:
    err.print("[bold red]Invalid request[/bold red]")
    for e in exc.errors:
        err.print(f"  - {e}")


def print_decision(d: Decision) -> None:
    """Print ``d`` for the terminal (see :func:`cooprules.render.print_decision`)."""
    render.print_decision(d, out, _engine().corpus)


@app.command()
def evaluate(
    file: str = typer.Argument(..., help="JSON Lines of requests, or - for standard input."),
    as_of: Optional[str] = typer.Option(None, help="Apply the law of this date (YYYY-MM-DD) to every line."),
    fields: Optional[str] = typer.Option(None, "--fields", help="Print only these fields of each decision, comma-"
                                         "separated (e.g. outcome,citations,unless); the line's id is always printed."),
    brief: bool = typer.Option(False, "--brief", help="Print only outcome, summary, citations, duties, presumed, "
                               "unless and depends_on (no layer-by-layer trace)."),
) -> None:
    """JSON Lines of requests in, JSON Lines of decisions out, same order, streamed as
    they are made. A line's "id" (or "ref": letters, digits and . _ : -, at most 64, or a
    whole number; a join key, never a person's identifier) is echoed first on its
    answer. A bad line gives an error object for that line ({"line": N, "id": ..., ...}).
    Exit 0: every line answered; 1: some lines invalid; 2: could not run (unreadable
    input, bad option); 130: interrupted (the answers written so far are whole lines)."""
    import signal

    from .batchids import parse_fields
    from .lines import answer, batches

    day = _parse_date(as_of, "--as-of")
    try:
        chosen = parse_fields(fields, brief)
    except RequestError as exc:
        err.print(escape(str(exc.errors[0])), highlight=False)
        raise typer.Exit(2)
    try:
        # unbuffered: the reading thread holds no lock that would stop the exit after Ctrl-C
        stdin = getattr(sys.stdin.buffer, "raw", sys.stdin.buffer)
        stream = stdin if file == "-" else open(file, "rb", buffering=0)  # noqa: SIM115 - closed below
    except OSError as exc:
        err.print(f"[red]cannot read {escape(file)}: {escape(exc.strerror or str(exc))}[/red]")
        raise typer.Exit(2)
    engine = _engine()
    stopped: list[int] = []
    previous = None
    try:  # Ctrl-C: finish the batch in hand, write it whole, stop
        previous = signal.signal(signal.SIGINT, lambda signum, frame: stopped.append(signum))
    except ValueError:  # not the main thread: Ctrl-C cannot reach us anyway
        pass
    bad = answered = 0
    code = 0
    try:
        for batch in batches(stream, stop=lambda: bool(stopped)):
            results = answer(engine, batch, day, chosen)
            bad += sum(not ok for ok, _ in results)
            answered += len(results)
            sys.stdout.write("".join(text + "\n" for _, text in results))
            sys.stdout.flush()
    except BrokenPipeError:  # the reader went away (`| head`): stop quietly
        _silence_stdout()
        code = 141
    except OSError as exc:
        err.print(f"[red]cannot read {escape(file)} after line {answered}: {escape(exc.strerror or str(exc))}[/red]")
        code = 2
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
        if file != "-":
            stream.close()
    if stopped and not code:
        err.print(f"interrupted: {answered} line(s) answered")
        code = 130
    raise typer.Exit(code or (1 if bad else 0))


def _silence_stdout() -> None:
    """After a broken pipe: point standard output at /dev/null so that the flush at
    exit does not fail again."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def _parse_date(text: str | None, flag: str) -> dt.date | None:
    if text is None:
        return None
    try:
        return iso_day(text)
    except ValueError:
        err.print(f"[red]{flag}: '{text}' is not a date; write YYYY-MM-DD[/red]")
        raise typer.Exit(2)


@app.command()
def provision(provision_id: str = typer.Argument(..., help="A provision id, e.g. ca-gov-7284.6-a1B.")) -> None:
    """Show one provision: its citation, source, condition, exceptions and duties."""
    corpus = _engine().corpus
    try:
        cp = corpus.get(provision_id)
    except KeyError as exc:
        wanted = " ".join(provision_id.split()).lower()
        same = [c.id for c in corpus.provisions.values() if " ".join(c.provision.cite.split()).lower() == wanted]
        if same:
            out.print(f"'{escape(provision_id)}' is the citation of: " + ", ".join(same))
            raise typer.Exit(0)
        err.print(f"[red]{escape(exc.args[0])}[/red]")
        raise typer.Exit(1)
    p = cp.provision
    out.print(f"[bold]{p.id}[/bold]  {p.cite}\n{p.title}")
    rows = [("source", str(p.source)), ("source kind", p.source_kind.value), ("jurisdiction", p.jurisdiction),
            ("layer", cp.layer), ("file", f"rules/{cp.file}"), ("binds", "all" if p.binds == "all" else ", ".join(e.value for e in p.binds)),
            ("actions", ", ".join(a.value for a in p.actions)), ("effect", p.effect.value if p.effect else "(duties only)"),
            ("when", p.when), ("overrides", ", ".join(p.overrides) or "-"), ("preempts lower", str(p.preempts_lower)),
            ("in force", f"{p.effective_from} to {p.effective_to or '(open)'}"), ("status", p.status.value),
            ("confidence", p.confidence.value)]
    if p.binds_classes:
        rows.append(("binds (classes)", ", ".join(p.binds_classes)))
    if p.binds_note:
        rows.append(("binds: why", p.binds_note))
    if p.binds_contested:
        rows.append(("binding disputed for", ", ".join(e.value for e in p.binds_contested)))
    for k, v in rows:
        out.print(f"  [dim]{k:>20}[/dim]  {escape(v)}")
    for d in p.duties:
        out.print(f"  duty: {escape(d.text)} ({escape(d.cite)}; {d.trigger})")
    for n in p.litigation:
        out.print(f"  litigation: {escape(render._case(n))}: {escape(n.note or '')}")
    if p.notes:
        out.print(f"[dim]{escape(p.notes)}[/dim]")


@app.command(help="List the governments whose law is encoded (OCD-ID, name, number of provisions), or, with "
                  "--search, search the registry of OCD-IDs by name (governments with encoded law first; a misspelt "
                  "name gets the closest names). A search prints, in this order on standard output: the note that no "
                  "name matched exactly (when the closest names are shown), the matches (OCD-ID  name (kind)) and the "
                  "count (1-20 of 57 matches (page 1 of 3); next page: --page 2). --page and --limit page the list "
                  "or the search; without them the list is printed whole. No match, or a page past the last: "
                  "an error on standard error, exit 1.")
def jurisdictions(search: Optional[str] = typer.Option(None, "--search", "-s", help="Find jurisdictions by name, abbreviation (LAUSD, NYC) or id; \"Harris County, TX\" narrows to a state."),
                  limit: Optional[int] = typer.Option(None, min=1, max=500, help="Matches per page (default 20; "
                                                      "without --search: the whole list unless --page or --limit is given)."),
                  page: Optional[int] = typer.Option(None, min=1, max=100_000, help="Page to show (1 is the first)."),
                  all_kinds: bool = typer.Option(False, "--all", help="With --search: include subdivisions (council "
                                                 "districts, wards, ...)."),
                  ) -> None:
    """List the jurisdictions whose law is encoded, or search the registry of OCD-IDs
    (governments with encoded law first; misspelt names get the closest names).

    A search prints, on standard output and in this order, each on its own line: the
    note that no name matched exactly (when the closest names are shown), the matches
    (``OCD-ID  name (kind)``), and the count (``1-20 of 57 matches (page 1 of 3); next
    page: --page 2``), one stream so that the order holds however the output is
    captured. ``--page``/``--limit`` page the list of encoded governments too (whole
    when neither is given). A search with no match, or a page past the last, is an
    error on standard error, exit 1."""
    engine = _engine()
    paged = page is not None or limit is not None
    page, limit = page or 1, limit or 20
    if search:
        folders = engine.corpus.folders
        found = engine.registry.find(search, limit=limit, offset=(page - 1) * limit,
                                     prefer=frozenset(folders), governments=not all_kinds)
        if not found.total:
            err.print(f"no jurisdiction matches '{escape(search)}'")
            raise typer.Exit(1)
        first, last = found.offset + 1, found.offset + len(found.hits)
        pages = -(-found.total // limit)
        if not found.hits:
            err.print(f"page {page} is past the last page ({pages}) of {found.total:,} matches")
            raise typer.Exit(1)
        if found.approximate:
            out.print(f"no name matches '{escape(search)}'; the closest names:", soft_wrap=True)
        for j in found.hits:
            law = "  [green]encoded law[/green]" if j.ocd_id in folders else ""
            out.print(f"{j.ocd_id}  {escape(j.display_name)} [dim]({j.kind})[/dim]{law}", soft_wrap=True)
        more = f"; next page: --page {page + 1}" if last < found.total else ""
        out.print(f"[dim]{first:,}-{last:,} of {found.total:,} matches (page {page} of {pages}){more}[/dim]", soft_wrap=True)
        return
    if all_kinds:
        err.print("--all: only with --search (the list holds governments with encoded law); ignored", markup=False)
    counts: dict[str, int] = {}
    for cp in engine.corpus.provisions.values():
        counts[cp.provision.jurisdiction] = counts.get(cp.provision.jurisdiction, 0) + 1
    listed = sorted(engine.corpus.folders.items())
    total = len(listed)
    if paged:
        pages = max(1, -(-total // limit))
        if page > pages:
            err.print(f"page {page} is past the last page ({pages}) of {total:,} governments with encoded law")
            raise typer.Exit(1)
        listed = listed[(page - 1) * limit:page * limit]
    for ocd_id, folder in listed:
        n = counts.get(ocd_id, 0)
        out.print(f"{ocd_id}  {escape(folder.name)} [dim]({n} provision{'' if n == 1 else 's'})[/dim]", soft_wrap=True)
    if paged:
        first = (page - 1) * limit + 1
        more = f"; next page: --page {page + 1}" if page < pages else ""
        out.print(f"[dim]{first:,}-{first + len(listed) - 1:,} of {total:,} governments with encoded law "
                  f"(page {page} of {pages}){more}[/dim]", soft_wrap=True)


@app.command(help="Per lawmaker: provisions by confidence (confirmed, secondary, unconfirmed) and the date of the "
                  "latest check; the governments checked and found to have no law of their own; totals for the "
                  "hand-written corpus. --checks lists each check (date, text/summary/report, URL, number of "
                  "provisions resting on it); --sessions each state's legislative sessions checked (year, day "
                  "checked, what was found); --periods each local government's years of policy checked since 2014, "
                  "and the years no check covers; --unconfirmed the unconfirmed provisions' ids.")
def coverage(unconfirmed: bool = typer.Option(False, "--unconfirmed", help="List the unconfirmed provisions' ids."),
             checks: bool = typer.Option(False, "--checks", help="List what was checked when (date, what, URL) per lawmaker."),
             sessions: bool = typer.Option(False, "--sessions", help="List each state's legislative sessions checked (year, date, what was found)."),
             periods: bool = typer.Option(False, "--periods", help="List each local government's years of policy checked "
                                          "since 2014 (span, date, what was in force) and the years not checked.")) -> None:
    """Per lawmaker: provisions by confidence (confirmed, secondary, unconfirmed) and
    the date of the latest check; the governments checked and found to have no law of
    their own; totals for the hand-written corpus. ``--checks`` lists each check
    (date, text/summary/report, URL, number of provisions resting on it);
    ``--sessions`` lists each state's ``sessions_checked`` (year, day checked, what was
    found); ``--periods`` lists each local folder's ``periods_checked`` (the years of
    its own policies checked since 2014) and the years no check covers."""
    from .corpus.coverage import (GENERATED, OVER_TIME_FROM, coverage_rows, latest_check, none_found_index, spans,
                                  years_unchecked)
    from .corpus.lint import STATES_AND_DC

    engine = _engine()
    rows = coverage_rows(engine.corpus)
    levels = ("confirmed", "secondary", "unconfirmed")
    out.print(f"{'lawmaker (folder)':<58} {'total':>5} {'conf':>5} {'sec':>5} {'unconf':>6}  last checked")
    hand = {lv: 0 for lv in levels}
    for row in rows:
        last = latest_check(row)
        out.print(f"{escape(row.folder):<58} {row.total:>5} " + " ".join(f"{row.levels[lv]:>5}" for lv in levels[:2])
                  + f" {row.levels['unconfirmed']:>6}  {last or '-'}")
        if row.folder != GENERATED:
            for lv in levels:
                hand[lv] += row.levels[lv]
        if checks:
            for (on, what, url), n in sorted(row.checked.items(), key=lambda kv: (kv[0][0], kv[0][2]), reverse=True):
                out.print(f"    {on} {what:<7} {n:>3} provision(s)  {escape(url)}", soft_wrap=True)
        if unconfirmed and row.unconfirmed_ids:
            out.print("    unconfirmed: " + ", ".join(row.unconfirmed_ids), soft_wrap=True)
    if sessions:
        out.print("[bold]Legislative sessions checked[/bold]")
        for ocd_id, folder in sorted(engine.corpus.folders.items()):
            for sc in sorted(folder.sessions_checked, key=lambda x: x.session):
                out.print(f"    {ocd_id}  {sc.session}: checked {sc.on}; found: {escape(sc.found)}", soft_wrap=True)
    if periods:
        out.print(f"[bold]Local policies over time (each year since {OVER_TIME_FROM})[/bold]")
        local = [(o, f) for o, f in sorted(engine.corpus.folders.items())
                 if o != "ocd-division/country:us" and not STATES_AND_DC.match(o)]
        complete = 0
        for ocd_id, folder in local:
            missing = years_unchecked(folder)
            complete += not missing
            state = "every year checked" if not missing else f"years not checked: {spans(missing)}"
            out.print(f"  rules/{escape(engine.corpus.folder_paths.get(ocd_id, ocd_id))}  {state}", soft_wrap=True)
            for pc in sorted(folder.periods_checked, key=lambda x: x.start):
                out.print(f"    {spans(list(pc.years()))}: checked {pc.on}; found: {escape(pc.found)}", soft_wrap=True)
        out.print(f"  {_folders_checked(complete, len(local))} every year since {OVER_TIME_FROM} checked")
    none_found = none_found_index(engine.corpus)
    if none_found:
        out.print("[bold]Checked, no law of its own found[/bold]")
        for ocd_id, nf in sorted(none_found.items()):
            out.print(f"    {ocd_id}  checked {nf.on}: {escape(nf.searched)}", soft_wrap=True)
    total = sum(hand.values())
    if total:
        out.print(f"{'hand-written total':<58} {total:>5} " + " ".join(f"{hand[lv]:>5}" for lv in levels[:2])
                  + f" {hand['unconfirmed']:>6}  (" + ", ".join(f"{lv} {hand[lv] / total:.0%}" for lv in levels) + ")")


def _folders_checked(complete: int, total: int) -> str:
    """``"1 of 105 local folders has"``, ``"3 of 105 local folders have"``, ``"1 of 1
    local folder has"``: the count of ``coverage --periods`` with its noun and verb."""
    noun = "folder" if total == 1 else "folders"
    return f"{complete} of {total} local {noun} {'has' if complete == 1 else 'have'}"


@app.command()
def lint(path: Optional[Path] = typer.Argument(None, help="Rules folder (default: the shipped corpus).")) -> None:
    """Check the corpus (DESIGN.md's checks). Exit 1 on any finding. Without Babel (the
    'web' extra) the check of the Spanish catalogs is left out, and said so."""
    import importlib.util

    from .corpus.lint import lint as run_lint

    translations = importlib.util.find_spec("babel") is not None
    if not translations:
        err.print("lint: the translation check (rules/locale/) needs Babel, which is not installed; "
                  "left out (pip install 'cooprules[web]' to run it)", markup=False, highlight=False)
    findings = run_lint(path, translations=translations)
    for f in findings:
        out.print(f"[red]✗[/red] {escape(str(f))}")
    if findings:
        out.print(f"[bold red]{len(findings)} finding(s)[/bold red]")
        raise typer.Exit(1)
    out.print("[green]lint: clean[/green]")


@app.command("test")
def test_scenarios(paths: Optional[list[Path]] = typer.Argument(None, help="Scenario files or folders "
                                                                  "(default tests/scenarios).")) -> None:
    """Run scenario files (like `opa test`): each case's outcome, citations, duties and
    missing facts, through both the single-request and the batch path."""
    from .scenarios import ScenarioError, load_scenarios, run

    cases = []
    for path in paths or [Path("tests/scenarios")]:
        if not path.exists():
            err.print(f"[red]{escape(str(path))}: no such scenario file or folder[/red]")
            raise typer.Exit(2)
        try:
            found = load_scenarios(path)
        except ScenarioError as exc:
            err.print(f"[red]{escape(str(exc))}[/red]")
            raise typer.Exit(2)
        if not found:
            err.print(f"[red]{escape(str(path))}: no scenario cases found[/red]")
            raise typer.Exit(2)
        cases.extend(found)
    results = run(_engine(), cases)
    failed = [r for r in results if not r.passed]
    for r in failed:
        out.print(f"[red]FAIL[/red] {r.case.label}")
        for p in r.problems:
            out.print(f"     {p}")
    out.print(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    raise typer.Exit(1 if failed else 0)


from .cli_analysis import register as _register_analysis  # noqa: E402
from .cli_frontends import register as _register_frontends  # noqa: E402

_register_frontends(app)
from .cli_ledger import ledger_app as _ledger_app; app.add_typer(_ledger_app, name="ledger")  # noqa: E402,E702
_register_analysis(app)


def main() -> None:
    """The ``cooprules`` command. A command whose optional dependencies are not
    installed stops with the extra to install (exit 2), not a traceback."""
    from .errors import CorpusError
    from .extras import missing_extra_message

    try:
        app()
    except CorpusError as exc:  # a rule failed on this input: name it, no traceback
        err.print(f"[red]A rule of the corpus failed: {escape(str(exc))}[/red]\n"
                  "This is a defect of the rule file, not of your request; run `cooprules lint`.")
        raise SystemExit(2) from None
    except ModuleNotFoundError as exc:
        name = next((a for a in sys.argv[1:] if not a.startswith("-")), "")
        message = missing_extra_message(exc, f"`{('cooprules ' + name).strip()}`", name)
        if message is None:
            raise
        err.print(message, markup=False, highlight=False)
        raise SystemExit(2) from None


if __name__ == "__main__":  # pragma: no cover
    main()
