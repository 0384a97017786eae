"""CLI commands for time, what-if and the national picture (diff, whatif, matrix, map,
history detainers, evaluate-table), registered on the main app. Thin: they call
:mod:`cooprules.analysis`, :mod:`cooprules.maps` and :mod:`cooprules.history`, which
call the engine; errors name the option and the allowed values."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Iterator, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .vocabulary import Entity

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


def _engine():
    from . import default_engine

    return default_engine()


def _fail(message: str, code: int = 2) -> None:
    err.print(f"[red]{escape(message)}[/red]")
    raise typer.Exit(code)


@contextlib.contextmanager
def _errors() -> Iterator[None]:
    """Turn the analysis errors into a message naming the option, exit code 2."""
    from .analysis.dask_runner import ClusterError
    from .analysis.dates import OptionError
    from .analysis.standard import ScenarioFileError
    from .analysis.table import TableError
    from .analysis.whatif import DraftError
    from .errors import RequestError
    from .history.detainers import HistoryError

    try:
        yield
    except RequestError as exc:
        _fail("; ".join(str(e) for e in exc.errors))
    except (OptionError, ScenarioFileError, TableError, DraftError, HistoryError, ClusterError) as exc:
        _fail(str(exc))
    except ValueError as exc:  # write_table / draw: a bad --out or --level
        if str(exc).startswith("--"):
            _fail(str(exc))
        raise


@contextlib.contextmanager
def _could_not_run() -> Iterator[None]:
    """Any other failure (a file Arrow cannot decode, a full disk...): a message and
    exit code 2, never a traceback; the output's partial file is already removed."""
    try:
        yield
    except (typer.Exit, KeyboardInterrupt):
        raise
    except Exception as exc:  # noqa: BLE001 - reported, exit 2
        _fail(f"could not run: {type(exc).__name__}: {str(exc)[:500]}")


@contextlib.contextmanager
def _progress(label: str, total: int | None = None):
    """A Rich progress bar on standard error; yields ``advance(n)`` and ``set_total(n)``."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, transient=True) as bar:
        task = bar.add_task(label, total=total)

        class Handle:
            def advance(self, n: int) -> None:
                bar.advance(task, n)

            def set_total(self, n: int, _rows: int = 0) -> None:
                bar.update(task, total=n)

        yield Handle()


def _scenarios(path: Optional[Path], ids: list[str] | None = None, option: str = "--scenario"):
    from .analysis.standard import load_scenarios, select

    return select(load_scenarios(path), ids or [], option)


def _entity(value: Optional[Entity]) -> str | None:
    return value.value if value is not None else None


def diff_command(
    jurisdiction: str = typer.Option(..., "--jurisdiction", "-j", help="OCD-ID of the responder's government."),
    entity: Optional[Entity] = typer.Option(None, "--entity", "-e", help="Office asked (default: each scenario's)."),
    start: str = typer.Option(..., "--from", help="Earlier date, YYYY-MM-DD (2014-01-01 or later)."),
    end: str = typer.Option(..., "--to", help="Later date, YYYY-MM-DD."),
    scenarios: Optional[Path] = typer.Option(None, "--scenarios", help="Scenario file (default: the standard set)."),
    scenario: Optional[list[str]] = typer.Option(None, "--scenario", help="Only these scenario ids (repeatable)."),
    as_json: bool = typer.Option(False, "--json", help="Print the changes as JSON."),
) -> None:
    """List the standard scenarios whose answer changed between two dates for one
    office, before and after, with the provisions that changed it."""
    from .analysis.dates import parse_day
    from .analysis.diff import diff

    with _errors():
        d1, d2 = parse_day(start, "--from"), parse_day(end, "--to")
        chosen = _scenarios(scenarios, scenario)
        engine = _engine()
        changes = diff(engine, jurisdiction, chosen, d1, d2, _entity(entity))
    if as_json:
        out.print_json(json.dumps([{**c.__dict__, "outcome_changed": c.outcome_changed} for c in changes]))
        return
    moved = [c for c in changes if c.outcome_changed]
    out.print(f"[bold]{escape(jurisdiction)}[/bold]: {len(chosen)} scenarios, law of {d1} against law of {d2}")
    out.print(f"{len(moved)} changed answer; {len(changes) - len(moved)} kept the answer on other grounds.")
    for c in changes:
        style = "bold" if c.outcome_changed else "dim"
        out.print(f"[{style}]{escape(c.scenario)}[/{style}]: {c.before} → {c.after}"
                  + ("" if c.outcome_changed else " (same answer, other grounds)"))
        for pid, cite, fr, to in c.changed_by:
            span = f"in force {fr}" + (f" to {to}" if to else " on")
            out.print(f"    {escape(cite)} [dim]\\[{escape(pid)}] {span}[/dim]")


def whatif_command(
    add: Optional[Path] = typer.Option(None, "--add", help="Draft rule file with a top-level jurisdiction: OCD-ID."),
    remove: Optional[list[str]] = typer.Option(None, "--remove", help="Provision id to take out (repeatable)."),
    as_of: Optional[str] = typer.Option(None, "--as-of", help="Date, YYYY-MM-DD (default: today, or the draft's start)."),
    scenarios: Optional[Path] = typer.Option(None, "--scenarios", help="Scenario file (default: the standard set)."),
    save: Optional[str] = typer.Option(None, "--out", help="Also write the changes to FILE.parquet or FILE.csv."),
    limit: int = typer.Option(60, "--limit", min=1, help="Changes listed on screen."),
) -> None:
    """Evaluate the standard scenarios with and without a draft for every jurisdiction
    it binds, and report what changes (counts and the list)."""
    from .analysis.dates import parse_day
    from .analysis.matrix import write_table
    from .analysis.whatif import what_if

    with _errors():
        day = parse_day(as_of, "--as-of") if as_of else None
        chosen = _scenarios(scenarios)
        result = what_if(_engine(), chosen, str(add) if add else None, list(remove or []), day)
        if save:
            write_table(result.changes, save)
    ch = result.changes
    moved = ch.filter(ch["before"] != ch["after"])
    out.print(f"Draft: +{len(result.added)} provision(s) {', '.join(result.added)}"
              + (f"; -{len(result.removed)}: {', '.join(result.removed)}" if result.removed else ""))
    out.print(f"Law as of {result.as_of}; {len(result.jurisdictions)} jurisdiction(s) bound × {result.scenarios} scenarios "
              f"= {len(result.jurisdictions) * result.scenarios} answers; [bold]{moved.height} change outcome[/bold], "
              f"{ch.height - moved.height} keep the outcome on other grounds.")
    counts = Table("before", "after", "answers")
    for (b, a), n in sorted(result.counts.items(), key=lambda kv: -kv[1]):
        counts.add_row(b, a, str(n))
    out.print(counts)
    for row in moved.head(limit).iter_rows(named=True):
        out.print(f"{escape(row['name'])} · [bold]{row['scenario']}[/bold]: {row['before']} → {row['after']} "
                  f"[dim](now rests on {escape(row['citations_after'] or '-')})[/dim]")
    if moved.height > limit:
        out.print(f"... {moved.height - limit} more (use --out FILE.csv)")


def matrix_command(
    as_of: Optional[str] = typer.Option(None, "--as-of", help="Date, YYYY-MM-DD (default today)."),
    scenarios: Optional[Path] = typer.Option(None, "--scenarios", help="Scenario file (default: the standard set)."),
    save: Optional[str] = typer.Option(None, "--out", help="FILE.parquet or FILE.csv."),
    entity: Optional[Entity] = typer.Option(None, "--entity", "-e", help="Office asked (default: each scenario's)."),
    kinds: str = typer.Option("county,parish,borough,census_area,municipio", "--kinds",
                              help="Registry kinds to cover, comma-separated (governments with encoded law are always added)."),
    engine_name: str = typer.Option("local", "--engine", help="local or dask."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help="Dask scheduler address, with --engine dask."),
    list_scenarios: bool = typer.Option(False, "--list-scenarios", help="List the scenario ids (for matrix, map, diff, "
                                        "whatif), one line each with the paper(s) and the case, and stop."),
) -> None:
    """Evaluate every jurisdiction × the standard scenarios into a table (Parquet/CSV);
    each distinct combination of relevant law and facts is evaluated once."""
    from .analysis.dates import parse_day
    from .analysis.matrix import matrix_jurisdictions, run_matrix, write_table

    with _errors():
        chosen = _scenarios(scenarios)
        if list_scenarios:
            for s in chosen:  # one line each: id, then the paper(s) and the case in plain words
                out.print(f"{s.id}  [dim]{escape(s.paper_text())}; {escape(s.title)} (asked of the {s.entity})[/dim]")
            return
        if not save:
            _fail("--out: give FILE.parquet or FILE.csv")
        if engine_name not in ("local", "dask"):
            _fail(f"--engine: '{engine_name}' is not an engine; allowed: local, dask")
        if engine_name == "dask" and not scheduler:
            _fail("--scheduler: give the Dask scheduler address (tcp://HOST:PORT) with --engine dask")
        if not save.endswith((".parquet", ".csv")):
            _fail(f"--out: '{save}' must end in .parquet or .csv")
        day = parse_day(as_of, "--as-of")
        engine = _engine()
        wanted = [k.strip() for k in kinds.split(",") if k.strip()]
        jurisdictions = matrix_jurisdictions(engine, wanted)
        evaluate = None
        client = None
        if engine_name == "dask":
            from .analysis.dask_runner import connect, dask_evaluator
            from .corpus.loader import default_rules_path

            client = connect(scheduler)
            rules = None if Path(engine.corpus.root) == default_rules_path() else str(engine.corpus.root)
            evaluate = dask_evaluator(client, engine.corpus.version, rules)
        try:
            with _progress(f"matrix {day}") as bar:
                table = run_matrix(engine, chosen, day, jurisdictions, _entity(entity), evaluate=evaluate,
                                   progress=bar.advance, on_plan=bar.set_total)
        finally:
            if client is not None:
                client.close()
        write_table(table, save)
    counts = table.group_by("outcome").len().sort("len", descending=True)
    out.print(f"{table.height:,} answers ({len(jurisdictions):,} jurisdictions × {len(chosen)} scenarios), law as of {day}: "
              + ", ".join(f"{o} {n:,}" for o, n in counts.iter_rows()) + f" -> {escape(save)}")


def map_command(
    scenario: str = typer.Option(..., "--scenario", help="Standard scenario id, e.g. detainer-no-convictions "
                                 "(an I-247A alone) or detainer-i200-no-convictions (with an I-200); "
                                 "all ids: cooprules matrix --list-scenarios."),
    as_of: Optional[str] = typer.Option(None, "--as-of", help="Date, YYYY-MM-DD (default today)."),
    save: str = typer.Option(..., "--out", help="map.png or map.html."),
    level: str = typer.Option("county", "--level", help="county or state."),
    entity: Optional[Entity] = typer.Option(None, "--entity", "-e", help="Office asked (default: the scenario's)."),
    scenarios: Optional[Path] = typer.Option(None, "--scenarios", help="Scenario file (default: the standard set)."),
) -> None:
    """Draw a choropleth of one scenario's outcome by county (or state), offline."""
    from .analysis.dates import parse_day
    from .maps import build_map, draw

    with _errors():
        if level not in ("county", "state"):
            _fail(f"--level: '{level}' is not a map level; allowed: county, state")
        if not save.endswith((".png", ".html", ".htm")):
            _fail(f"--out: '{save}' must end in .png or .html")
        day = parse_day(as_of, "--as-of")
        chosen = _scenarios(scenarios, [scenario])[0]
        data = build_map(_engine(), chosen, day, level, _entity(entity))
        draw(data, save)
    out.print(f"{escape(data.title)} -> {escape(save)}")
    for line in (data.presumed, data.changes):
        if line:
            out.print(escape(line))
    out.print(f"[dim]{escape(data.note)}[/dim]")


history_app = typer.Typer(no_args_is_help=True, help="Law against practice on historical records.")


@history_app.command("detainers")
def history_detainers(
    file: Optional[str] = typer.Argument(None, help="ICE detainer records: a CSV (or .csv.gz) path or http(s) URL "
                                         "(default: the shipped 2,000-record FY2015 sample)."),
    save: str = typer.Option(..., "--out", help="report.html or records.parquet."),
) -> None:
    """Answer every ICE detainer record under the law of its date for the government
    that ran the facility, and compare with what the agency did."""
    from .history.detainers import DEFAULT_FILE, evaluate_records, read_records, write_report

    with _errors():
        if not save.endswith((".html", ".htm", ".parquet")):
            _fail(f"--out: '{save}' must end in .html or .parquet")
        path = file or DEFAULT_FILE
        records = read_records(path)
        engine = _engine()
        with _progress("detainer records") as bar:
            history = evaluate_records(engine, records, progress=bar.advance)
        write_report(history, save, path, engine)
    recs = history.records
    out.print(f"{recs.height:,} records; facility mapped for {history.match_rate:.1%} "
              f"({int(recs['ocd_id'].is_not_null().sum()):,}); report -> {escape(save)}")
    out.print("Legal answer per record (no = prohibited, must = required, may = permitted, dep = conditional on "
              "facts the records lack) beside what ICE recorded:")
    table = Table("state", "records", "mapped", "no", "must", "may", "dep", "declined", "booked", box=None)
    for r in history.by_state().head(12).iter_rows(named=True):
        state = r["state"].title()[:14] if r["state"] else "(no state)"  # as the HTML report says it
        table.add_row(state, str(r["records"]), str(r["mapped"]), str(r["law_prohibited"]),
                      str(r["law_required"]), str(r["law_permitted"]), str(r["law_conditional"]), str(r["declined"]),
                      str(r["booked"]))
    out.print(table)


def evaluate_table_command(
    src: str = typer.Argument(..., metavar="IN", help="Requests, one per row: FILE.parquet or FILE.csv (docs/analysis.md)."),
    save: str = typer.Option(..., "--out", help="FILE.parquet or FILE.csv: the rows with outcome, citations, error."),
    as_of: Optional[str] = typer.Option(None, "--as-of", help="Apply this date's law to every row (default: context.date, else today)."),
    batch_rows: int = typer.Option(1_000_000, "--batch-rows", min=1000, help="Rows read at a time (memory bound)."),
    engine_name: str = typer.Option("local", "--engine", help="local or dask."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help="Dask scheduler address, with --engine dask."),
) -> None:
    """Evaluate a large table of requests: identical rows are evaluated once and the
    answers joined back onto every row. Exit 0: every row answered; 1: some rows
    invalid (their error column says why); 2: could not run (nothing written)."""
    from .analysis.dates import parse_day
    from .analysis.table import evaluate_table

    with _could_not_run(), _errors():
        day = parse_day(as_of, "--as-of") if as_of else None
        if engine_name not in ("local", "dask"):
            _fail(f"--engine: '{engine_name}' is not an engine; allowed: local, dask")
        if not save.endswith((".parquet", ".csv")):
            _fail(f"--out: '{save}' must end in .parquet or .csv")
        engine = _engine()
        evaluate, client = None, None
        if engine_name == "dask":
            from .analysis.dask_runner import connect, evaluate_on_dask

            if not scheduler:
                _fail("--scheduler: give the Dask scheduler address (tcp://HOST:PORT) with --engine dask")
            client = connect(scheduler)

            def evaluate(requests):
                return evaluate_on_dask(client, requests, day, engine.corpus.version, full=True)
        try:
            with _progress("rows") as bar:
                stats = evaluate_table(engine, src, save, day, batch_rows, evaluate, progress=bar.advance)
        finally:
            if client is not None:
                client.close()
    rate = stats.rows / stats.seconds if stats.seconds else 0
    out.print(f"{stats.rows:,} rows, {stats.distinct:,} distinct requests evaluated, {stats.invalid:,} invalid; "
              f"{stats.seconds:.1f} s ({rate:,.0f} rows/s) -> {escape(save)}")
    raise typer.Exit(1 if stats.invalid else 0)


def register(app: typer.Typer) -> None:
    """Add the analysis commands to ``app``: diff, whatif, matrix, map, history
    (with ``detainers``) and evaluate-table."""
    app.command("diff")(diff_command)
    app.command("whatif")(whatif_command)
    app.command("matrix")(matrix_command)
    app.command("map")(map_command)
    app.add_typer(history_app, name="history")
    app.command("evaluate-table")(evaluate_table_command)
