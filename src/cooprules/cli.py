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

from .errors import FieldError, RequestError, parse_request
from .vocabulary import (
    Action, Agreement287g, Decision, Entity, InfoType, Instrument, Location, OffenceCategory, Outcome,
    Purpose, Requester, Role,
)

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="May we, must we, or must we not? Cooperation with federal immigration enforcement, as code.")
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

EXAMPLE = Path(__file__).parent / "examples" / "san_diego_sheriff_detainer.json"

_COLOURS = {"prohibited": "bold red", "required": "bold blue", "permitted": "bold green",
            "conditional": "bold yellow", "no_rule": "bold magenta", "conflict": "bold magenta"}


def _engine():
    from . import default_engine

    return default_engine()


def _parse_offence(text: str, flag: str) -> tuple[str, str]:
    head, _, tail = text.partition(":")
    allowed = [c.value for c in OffenceCategory]
    if head not in allowed:
        raise RequestError([FieldError(flag, f"'{head}' is not an offence category", head, allowed)])
    return head, tail


def build_request(**f: Any) -> dict[str, Any]:
    """Turn ``ask``'s flags into a request dict (unknown facts left out)."""
    req: dict[str, Any] = {
        "responder": {"jurisdiction": f["jurisdiction"], "entity": f["entity"]},
        "requester": f["requester"], "action": f["action"], "instrument": f["instrument"],
    }
    if f["agreement_287g"]:
        req["responder"]["agreement_287g"] = f["agreement_287g"]
    if f["info_type"]:
        req["info_type"] = f["info_type"]
    if f["attachment"]:
        req["attachments"] = list(f["attachment"])
    subject: dict[str, Any] = {}
    for name in ("role", "minor", "registered_sex_offender", "federal_felony_warrant", "final_removal_order",
                 "previously_removed", "consent_given"):
        if f[name] is not None:
            subject[name] = f[name]
    if f["no_convictions"] or f["conviction"]:
        convictions = []
        for text in f["conviction"] or []:
            cat, years = _parse_offence(text, "--conviction")
            try:
                convictions.append({"category": cat, "years_ago": float(years) if "." in years else int(years)})
            except ValueError:
                raise RequestError([FieldError("--conviction", "write CATEGORY:YEARS_AGO, e.g. violent_felony:4", text)]) from None
        subject["convictions"] = convictions
    if f["no_pending_charge"]:
        subject["pending_charge"] = "none"
    elif f["pending_charge"]:
        cat, pc = _parse_offence(f["pending_charge"], "--pending-charge")
        subject["pending_charge"] = {"category": cat, **({"probable_cause_determined": pc == "pc"} if pc else {})}
    context: dict[str, Any] = {}
    for name in ("location", "purpose", "info_publicly_available", "exigent_circumstances", "hours_held_past_release"):
        if f[name] is not None:
            context[name] = f[name]
    if f["date"]:
        context["date"] = f["date"]
    if subject:
        req["subject"] = subject
    if context:
        req["context"] = context
    return req


def _words(value: Any) -> Any:
    return value.value if hasattr(value, "value") else value


@app.command()
def ask(
    jurisdiction: str = typer.Option(..., "--jurisdiction", "-j", help="OCD-ID of the responder's government."),
    entity: Entity = typer.Option(..., "--entity", "-e", help="Kind of office asked."),
    requester: Requester = typer.Option(Requester.ice_ero, help="Who asks."),
    action: Action = typer.Option(..., "--action", "-a", help="What is asked."),
    instrument: Instrument = typer.Option(..., "--instrument", "-i", help="On what paper."),
    info_type: Optional[InfoType] = typer.Option(None, help="With --action information_sharing."),
    attachment: Optional[list[Instrument]] = typer.Option(None, help="Further papers attached (repeatable)."),
    agreement_287g: Optional[Agreement287g] = typer.Option(None, "--agreement-287g", help="The responder's 287(g) agreement."),
    role: Optional[Role] = typer.Option(None, help="The person's role."),
    minor: Optional[bool] = typer.Option(None, "--minor/--adult"),
    conviction: Optional[list[str]] = typer.Option(None, help="CATEGORY:YEARS_AGO, repeatable (e.g. violent_felony:4)."),
    no_convictions: bool = typer.Option(False, "--no-convictions", help="The person has no convictions."),
    pending_charge: Optional[str] = typer.Option(None, help="CATEGORY[:pc|:nopc] (magistrate found probable cause or not)."),
    no_pending_charge: bool = typer.Option(False, "--no-pending-charge"),
    registered_sex_offender: Optional[bool] = typer.Option(None, "--registered-sex-offender/--not-registered-sex-offender"),
    federal_felony_warrant: Optional[bool] = typer.Option(None, "--federal-felony-warrant/--no-federal-felony-warrant"),
    final_removal_order: Optional[bool] = typer.Option(None, "--final-removal-order/--no-final-removal-order"),
    previously_removed: Optional[bool] = typer.Option(None, "--previously-removed/--not-previously-removed"),
    consent_given: Optional[bool] = typer.Option(None, "--consent/--no-consent"),
    location: Optional[Location] = typer.Option(None),
    purpose: Optional[Purpose] = typer.Option(None),
    info_publicly_available: Optional[bool] = typer.Option(None, "--public/--not-public", help="Is the information already public?"),
    exigent_circumstances: Optional[bool] = typer.Option(None, "--exigent/--not-exigent"),
    hours_held_past_release: Optional[float] = typer.Option(None, "--hours-held", help="Hours already held past release (business hours)."),
    date: Optional[str] = typer.Option(None, help="Date of the request, YYYY-MM-DD (default today)."),
    as_json: bool = typer.Option(False, "--json", help="Print the Decision as JSON."),
) -> None:
    """Answer one request: what to do now, the duties, then the law layer by layer."""
    flags = {k: _words(v) if not isinstance(v, list) else [_words(x) for x in v] for k, v in locals().items() if k != "as_json"}
    try:
        decision = _engine().evaluate(build_request(**flags))
    except RequestError as exc:
        _print_request_error(exc)
        raise typer.Exit(2)
    if as_json:
        out.print_json(decision.model_dump_json())
    else:
        print_decision(decision)


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


def _print_request_error(exc: RequestError) -> None:
    err.print("[bold red]Invalid request[/bold red]")
    for e in exc.errors:
        err.print(f"  - {e}")


def print_decision(d: Decision) -> None:
    """Plain words first, then duties, then the trace with citations."""
    colour = _COLOURS[d.outcome.value]
    out.print(f"[{colour}]{d.outcome.value.upper()}[/{colour}]  {d.summary}")
    if d.depends_on:
        out.print("\n[bold]It depends on:[/bold]")
        for m in d.depends_on:
            out.print(f"  {m.fact}:")
            groups: dict[str, list[str]] = {}
            for v in m.values:
                groups.setdefault(" or ".join(o.value for o in v.outcomes), []).append(v.value)
            for outcomes, values in groups.items():
                shown = ", ".join(values[:6]) + (f" and {len(values) - 6} more" if len(values) > 6 else "")
                out.print(f"    → {outcomes}: {shown}")
    if d.duties:
        out.print("\n[bold]Duties:[/bold]")
        for duty in d.duties:
            when = "on receiving the request" if duty.trigger == "request_received" else "if you go ahead"
            out.print(f"  • {escape(duty.text)} [dim]({escape(duty.cite)}; {when})[/dim]")
    if d.citations:
        out.print("\n[bold]Rests on:[/bold]")
        for c in d.citations:
            out.print(f"  • {escape(c.cite)} — {escape(c.title)} [dim]<{escape(c.source)}>[/dim]")
    if d.contested:
        out.print("\n[bold]Contested:[/bold]")
        for c in d.contested:
            cases = "; ".join(f"{n.case} ({n.court}, {n.date})" for n in c.litigation)
            out.print(f"  • {c.cite}: {c.reason}" + (f" [dim]{cases}[/dim]" if cases else ""))
    out.print("\n[bold]Layer by layer:[/bold]")
    for layer in d.trace:
        out.print(f"  [bold]{layer.layer}[/bold] {layer.name}: {layer.verdict} — {layer.combination}")
        for p in layer.provisions:
            mark = "✓" if p.stood else "·"
            effect = p.effect.value if p.effect else "duties"
            out.print(f"    {mark} {escape(p.cite)} {escape('[' + effect + ']')} {escape(p.reason)}")
    out.print(f"\n[dim]Law as of {d.as_of}; corpus {d.corpus_version}.[/dim]")


@app.command()
def evaluate(
    file: str = typer.Argument(..., help="JSON Lines of requests, or - for standard input."),
    as_of: Optional[str] = typer.Option(None, help="Apply the law of this date (YYYY-MM-DD) to every line."),
) -> None:
    """JSON Lines of requests in, JSON Lines of decisions out, same order. A bad line
    gives an error object for that line; exit 1 if any line was invalid."""
    day = _parse_date(as_of, "--as-of")
    try:
        text = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        err.print(f"[red]cannot read {escape(file)}: {escape(str(exc))}[/red]")
        raise typer.Exit(2)
    lines = text.splitlines()
    items = [line if line.strip() else "{}" for line in lines]
    results = _engine().evaluate_many(items, as_of=day)
    bad = 0
    write = sys.stdout.write
    for n, item in enumerate(results, 1):
        if isinstance(item, RequestError):
            bad += 1
            write(json.dumps({"line": n, **item.as_dict()}) + "\n")
        else:
            write(item.model_dump_json() + "\n")
    raise typer.Exit(1 if bad else 0)


def _parse_date(text: str | None, flag: str) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
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
        err.print(f"[red]{exc.args[0]}[/red]")
        raise typer.Exit(1)
    p = cp.provision
    out.print(f"[bold]{p.id}[/bold]  {p.cite}\n{p.title}")
    rows = [("source", str(p.source)), ("source kind", p.source_kind.value), ("jurisdiction", p.jurisdiction),
            ("layer", cp.layer), ("file", f"rules/{cp.file}"), ("binds", "all" if p.binds == "all" else ", ".join(e.value for e in p.binds)),
            ("actions", ", ".join(a.value for a in p.actions)), ("effect", p.effect.value if p.effect else "(duties only)"),
            ("when", p.when), ("overrides", ", ".join(p.overrides) or "-"), ("preempts lower", str(p.preempts_lower)),
            ("in force", f"{p.effective_from} to {p.effective_to or '(open)'}"), ("status", p.status.value),
            ("confidence", p.confidence.value)]
    if p.binds_contested:
        rows.append(("binding disputed for", ", ".join(e.value for e in p.binds_contested)))
    for k, v in rows:
        out.print(f"  [dim]{k:>20}[/dim]  {escape(v)}")
    for d in p.duties:
        out.print(f"  duty: {d.text} ({d.cite}; {d.trigger})")
    for n in p.litigation:
        out.print(f"  litigation: {n.case}, {n.court}, {n.date}: {n.note or ''}")
    if p.notes:
        out.print(f"[dim]{p.notes}[/dim]")


@app.command()
def jurisdictions(search: Optional[str] = typer.Option(None, "--search", "-s", help="Find jurisdictions by name or id."),
                  limit: int = typer.Option(20, min=1, max=500)) -> None:
    """List the jurisdictions whose law is encoded, or search the registry of OCD-IDs."""
    engine = _engine()
    if search:
        found = engine.registry.search(search, limit=limit)
        if not found:
            err.print(f"no jurisdiction matches '{escape(search)}'")
            raise typer.Exit(1)
        for j in found:
            law = "  [green]encoded law[/green]" if j.ocd_id in engine.corpus.folders else ""
            out.print(f"{j.ocd_id}  {escape(j.name)} [dim]({j.kind})[/dim]{law}")
        return
    counts: dict[str, int] = {}
    for cp in engine.corpus.provisions.values():
        counts[cp.provision.jurisdiction] = counts.get(cp.provision.jurisdiction, 0) + 1
    for ocd_id, folder in sorted(engine.corpus.folders.items()):
        out.print(f"{ocd_id}  {escape(folder.name)} [dim]({counts.get(ocd_id, 0)} provisions)[/dim]")


@app.command()
def lint(path: Optional[Path] = typer.Argument(None, help="Rules folder (default: the shipped corpus).")) -> None:
    """Check the corpus (DESIGN.md's checks). Exit 1 on any finding."""
    from .corpus.lint import lint as run_lint

    findings = run_lint(path)
    for f in findings:
        out.print(f"[red]✗[/red] {escape(str(f))}")
    if findings:
        out.print(f"[bold red]{len(findings)} finding(s)[/bold red]")
        raise typer.Exit(1)
    out.print("[green]lint: clean[/green]")


@app.command("test")
def test_scenarios(path: Path = typer.Argument(Path("tests/scenarios"), help="A scenario file or folder.")) -> None:
    """Run scenario files (like `opa test`): each case's outcome, citations, duties and
    missing facts, through both the single-request and the batch path."""
    from .scenarios import ScenarioError, load_scenarios, run

    try:
        cases = load_scenarios(path)
    except ScenarioError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2)
    results = run(_engine(), cases)
    failed = [r for r in results if not r.passed]
    for r in failed:
        out.print(f"[red]FAIL[/red] {r.case.label}")
        for p in r.problems:
            out.print(f"     {p}")
    out.print(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    raise typer.Exit(1 if failed else 0)


from .cli_frontends import register as _register_frontends  # noqa: E402

_register_frontends(app)


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
