"""Text rendering of a Decision for the terminal (Rich markup): what to do now, what
was presumed and what would change it (``unless``), the missing facts, duties,
citations, contested provisions and the trace. A front end: it words and groups what
the engine decided (plain words from :mod:`cooprules.engine.explain`); it decides
nothing."""

from __future__ import annotations

import re

from rich.console import Console
from rich.markup import escape

from .engine.explain import fact_noun, presumed_text, unless_text
from .vocabulary import Citation, Decision, FactValue, LitigationNote

COLOURS = {"prohibited": "bold red", "required": "bold blue", "permitted": "bold green",
           "conditional": "bold yellow", "no_rule": "bold magenta", "conflict": "bold magenta"}

#: The ``cooprules ask`` flag that gives each fact, for "it depends on" lines.
FACT_FLAGS = {
    "subject.convictions": "--conviction CATEGORY:YEARS / --no-convictions",
    "subject.pending_charge": "--pending-charge CATEGORY[:pc|:nopc] / --no-pending-charge",
    "subject.role": "--role", "subject.minor": "--minor / --adult",
    "subject.registered_sex_offender": "--registered-sex-offender / --not-registered-sex-offender",
    "subject.federal_felony_warrant": "--federal-felony-warrant / --no-federal-felony-warrant",
    "subject.final_removal_order": "--final-removal-order / --no-final-removal-order",
    "subject.previously_removed": "--previously-removed / --not-previously-removed",
    "subject.consent_given": "--consent / --no-consent",
    "subject.proof_of_status_shown": "--proof-of-status / --no-proof-of-status",
    "context.location": "--location", "context.purpose": "--purpose",
    "context.info_publicly_available": "--public / --not-public",
    "context.exigent_circumstances": "--exigent / --not-exigent",
    "context.hours_held_past_release": "--hours-held N",
    "responder.agreement_287g": "--agreement-287g",
    "attachments": "--attachment WORD / --no-attachments",
}

_CONVICTION = re.compile(r"^(?P<cat>[a-z_]+) (?P<years>[\d.]+) years? ago$")


def describe_values(values: list[FactValue]) -> list[tuple[str, str]]:
    """Group a missing fact's values by the outcomes they give: [(outcomes, values)].

    Convictions are summarised per category as ranges of years ("listed_felony
    1–15 years ago") rather than as the sample values the engine tried."""
    groups: dict[str, list[str]] = {}
    ranges: dict[tuple[str, str], list[float]] = {}
    for v in values:
        outcomes = " or ".join(o.value for o in v.outcomes)
        m = _CONVICTION.match(v.value)
        if m:
            ranges.setdefault((outcomes, m["cat"]), []).append(float(m["years"]))
        else:
            groups.setdefault(outcomes, []).append(v.value)
    spans: dict[str, dict[str, list[float]]] = {}
    for (outcomes, cat), years in ranges.items():
        spans.setdefault(cat, {})[outcomes] = years
    for cat, by_outcome in spans.items():
        every = sorted(y for ys in by_outcome.values() for y in ys)
        for outcomes, years in by_outcome.items():
            if len(by_outcome) == 1:
                label = f"{cat} (any time)"
            else:
                lo, hi = min(years), max(years)
                label = (f"{cat} {_n(lo)} or more years ago" if hi == every[-1] and lo > every[0]
                         else f"{cat} within {_n(hi)} years" if lo == every[0] else f"{cat} {_n(lo)}–{_n(hi)} years ago")
            groups.setdefault(outcomes, []).append(label)
    return [(outcomes, "; ".join(labels)) for outcomes, labels in groups.items()]


def _n(x: float) -> str:
    return str(int(x)) if x.is_integer() else str(x)


def _cite_of(corpus, provision_id: str) -> str:
    """The citation of a provision id, or the id itself without a corpus."""
    cp = corpus.provisions.get(provision_id) if corpus is not None else None
    return cp.provision.cite if cp is not None else provision_id


def _cite(c: Citation) -> str:
    mark = " [yellow](unconfirmed)[/yellow]" if c.confidence == "unconfirmed" else ""
    return f"{escape(c.cite)} — {escape(c.title)}{mark} [dim]{escape(c.id)} <{escape(c.source)}>[/dim]"


def _case(n: LitigationNote) -> str:
    parts = ", ".join(str(x) for x in (n.court, n.date) if x)
    return f"{n.case} ({parts})" if parts else n.case


def print_decision(d: Decision, out: Console, corpus=None) -> None:
    """Print a decision: plain words first, then what was presumed and each ``unless``
    (with the citations carrying it; ``corpus``, a loaded Corpus, turns their ids into
    citations), what it depends on, duties, the provisions it rests on (per possible
    outcome when conditional), contested provisions, and every layer of the trace with
    each provision's id."""
    colour = COLOURS[d.outcome.value]
    out.print(f"[{colour}]{d.outcome.value.upper()}[/{colour}]  {escape(d.summary)}")
    for note in d.supplied:
        out.print(f"[dim]Note: {escape(note)}[/dim]")
    if d.presumed:
        out.print("\n[bold]Presumed (not given):[/bold] " + escape("; ".join(presumed_text(p) for p in d.presumed))
                  + " [dim](give a fact to change it; --no-presume presumes nothing)[/dim]")
    if d.unless:
        out.print("\n[bold]Unless:[/bold]")
        for u in d.unless:
            cites = ", ".join(_cite_of(corpus, c) for c in u.citations)
            out.print(f"  • {escape(unless_text(u))}" + (f" [dim]({escape(cites)})[/dim]" if cites else "")
                      + f" [dim]give it with {FACT_FLAGS.get(u.fact, u.fact)}[/dim]")
    if d.depends_on:
        out.print("\n[bold]It depends on:[/bold]")
        for m in d.depends_on:
            out.print(f"  {escape(fact_noun(m.fact))}  [dim](give it with {FACT_FLAGS.get(m.fact, m.fact)})[/dim]")
            for outcomes, values in describe_values(m.values):
                out.print(f"    → {outcomes}: {escape(values)}")
    if d.duties:
        out.print("\n[bold]Duties:[/bold]")
        for duty in d.duties:
            when = "on receiving the request" if duty.trigger == "request_received" else "if you go ahead"
            out.print(f"  • {escape(duty.text)} [dim]({escape(duty.cite)}; {when})[/dim]")
    by_id = {c.id: c for c in d.citations}
    if d.alternatives:
        for alt in d.alternatives:
            example = "; ".join(f"{k} = {v}" for k, v in alt.example.items())
            out.print(f"\n[bold]If {escape(example)} → {alt.outcome.value}, resting on:[/bold]")
            for cid in alt.citations:
                out.print(f"  • {_cite(by_id[cid])}")
    elif d.citations:
        out.print("\n[bold]Rests on:[/bold]")
        for c in d.citations:
            out.print(f"  • {_cite(c)}")
    unconfirmed = [c for c in d.citations if c.confidence == "unconfirmed"]
    if unconfirmed:
        out.print(f"[yellow]  {len(unconfirmed)} of these provisions could not be checked against their primary "
                  "text: confirm with counsel.[/yellow]")
    if d.contested:
        out.print("\n[bold]Contested:[/bold]")
        for c in d.contested:
            cases = "; ".join(_case(n) for n in c.litigation)
            out.print(f"  • {escape(c.cite)}: {escape(c.reason)}" + (f" [dim]{escape(cases)}[/dim]" if cases else ""))
    out.print("\n[bold]Layer by layer:[/bold]")
    for layer in d.trace:
        out.print(f"  [bold]{layer.layer}[/bold] {escape(layer.name)}: {layer.verdict} — {escape(layer.combination)}")
        for p in layer.provisions:
            mark = "✓" if p.stood else "·"
            effect = p.effect.value if p.effect else "duties"
            out.print(f"    {mark} {escape(p.id)}  {escape(p.cite)} {escape('[' + effect + ']')} {escape(p.reason)}")
    out.print(f"\n[dim]Law as of {d.as_of}; corpus {d.corpus_version}.[/dim]")
