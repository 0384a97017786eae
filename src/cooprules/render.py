"""Text rendering of a Decision for the terminal (Rich markup): what to do now, what
was presumed and what would change it (``unless``), the missing facts, duties,
citations, contested provisions and the trace. A front end: it words and groups what
the engine decided (plain words from :mod:`cooprules.engine.explain`); it decides
nothing."""

from __future__ import annotations

import re

from rich.console import Console
from rich.markup import escape

from .engine.explain import fact_noun, presumed_text, supplied_text, unless_text
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

#: The terminal's own words (headings, notes), per language (``cooprules ask --lang``).
WORDS = {
    "en": {"presumed": "Presumed (not given):", "presumed_hint": "give a fact to change it; --no-presume presumes nothing",
           "unless": "Unless:", "give": "give it with", "depends": "It depends on:", "duties": "Duties:",
           "request_received": "on receiving the request", "if_go_ahead": "if you go ahead",
           "rests": "Rests on:", "if": "If", "resting": "resting on:", "contested": "Contested:",
           "unconfirmed": "{n} of these provisions could not be checked against their primary text: confirm with counsel.",
           "unconfirmed_one": "1 of these provisions could not be checked against its primary text: confirm with counsel.",
           "secondary": "{n} of these provisions were checked against an official summary or a report, not their text.",
           "secondary_one": "1 of these provisions was checked against an official summary or a report, not its text.",
           "unconfirmed_mark": "unconfirmed", "secondary_mark": "secondary: checked against a summary or report", "layers": "Layer by layer:", "law_as_of": "Law as of {day}; corpus {v}.",
           "note": "Note", "unless_arrow": "unless",
           "possible_duties": "Duties that depend on facts not given:", "if_given": "owed depending on"},
    "es": {"presumed": "Se da por hecho (no indicado):",
           "presumed_hint": "indique el dato para cambiarlo; --no-presume no da nada por hecho",
           "unless": "Salvo que:", "give": "indíquelo con", "depends": "Depende de:", "duties": "Obligaciones:",
           "request_received": "al recibir la solicitud", "if_go_ahead": "si se cumple la solicitud",
           "rests": "Se basa en:", "if": "Si", "resting": "con base en:", "contested": "Impugnado:",
           "unconfirmed": "{n} de estas disposiciones no se pudieron cotejar con su texto original: "
                          "consulte con su asesor jurídico.",
           "unconfirmed_one": "1 de estas disposiciones no se pudo cotejar con su texto original: "
                              "consulte con su asesor jurídico.",
           "secondary": "{n} de estas disposiciones se cotejaron con un resumen oficial o un informe, no con su texto.",
           "secondary_one": "1 de estas disposiciones se cotejó con un resumen oficial o un informe, no con su texto.",
           "unconfirmed_mark": "sin confirmar", "secondary_mark": "secundaria: cotejada con un resumen o informe", "layers": "Capa por capa:",
           "law_as_of": "Derecho vigente al {day}; corpus {v}.", "note": "Nota",
           "unless_arrow": "salvo",
           "possible_duties": "Obligaciones que dependen de datos no indicados:", "if_given": "se deben según"},
}

#: A provision's effect in the trace, for :func:`_trace_text` (the page's words).
EFFECTS = {"required": "requires it", "prohibited": "forbids it", "permitted": "allows it", "duties": "duties only"}

#: The languages ``cooprules ask --lang`` answers in.
LANGS = tuple(WORDS)


def outcome_heading(outcome: str, lang: str) -> str:
    """The outcome as the terminal heads it: the word itself in English
    (``REQUIRED``), the page's heading in other languages (``DEBE``, from the page's
    catalog, :data:`cooprules.web.labels.OUTCOMES`)."""
    if lang == "en":
        return outcome.upper()
    from .web.i18n import gettext_for
    from .web.labels import OUTCOMES

    return gettext_for(lang)(OUTCOMES[outcome]).upper()


def in_language(d: Decision, lang: str) -> Decision:
    """``d`` with its text for people in ``lang`` (:func:`cooprules.wording.answer.in_language`;
    English: ``d`` itself). Raises :class:`ImportError` naming the extra to install when
    the translations' library (Babel, extra ``web``) is missing."""
    if lang == "en":
        return d
    try:
        from .wording.answer import in_language as words
    except ImportError as exc:  # pragma: no cover - depends on the installed extras
        raise ImportError("answers in Spanish need the 'web' extra: pip install 'cooprules[web]'") from exc
    return words(d, lang)


def unless_flag(fact: str, values: list[str]) -> str:
    """The ``ask`` flag that gives an ``unless`` value: for a yes/no fact only the side
    that changes the answer (``--proof-of-status`` for ``true``); for further papers the
    first listed (``--attachment judicial_warrant``); else the fact's flags."""
    flags = FACT_FLAGS.get(fact, fact)
    if fact == "attachments" and values and values[0] != "none":  # e.g. --attachment judicial_warrant
        return " ".join(f"--attachment {w}" for w in values[0].split(" + ")) + (" (or another listed)" if len(values) > 1 else "")
    if " / " in flags and values in (["true"], ["false"]):
        yes, no = flags.split(" / ", 1)
        return yes if values == ["true"] else no
    return flags


_CONVICTION = re.compile(r"^(?P<cat>[a-z_]+) (?P<years>[\d.]+) years? ago$")
#: How :func:`describe_values` words outcomes and spans of years; the values
#: themselves stay vocabulary words, as the ``ask`` flags take them.
_VALUE_WORDS = {
    "en": {"or": " or ", "then": " (then turns on the other facts)", "any": "{cat} (any time)",
           "more": "{cat} {n} or more years ago", "within": "{cat} within {n} years", "span": "{cat} {lo}–{hi} years ago"},
    "es": {"or": " o ", "then": " (luego depende de los demás datos)", "any": "{cat} (en cualquier momento)",
           "more": "{cat} hace {n} años o más", "within": "{cat} en los últimos {n} años", "span": "{cat} hace {lo}–{hi} años"},
}
#: The engine's English inside a value label (engine/partial.py) -> Spanish.
_VALUE_ES = ((re.compile(r"\b(\d+(?:\.\d+)?) years? ago\b"), r"hace \1 año(s)"),
             (re.compile(r" and also "), " y además "),
             (re.compile(r", probable cause found\b"), ", con causa probable determinada"),
             (re.compile(r", probable cause not found\b"), ", sin causa probable determinada"))


def _value_label(value: str, lang: str) -> str:
    """A value the engine tried, as ``describe_values`` lists it in ``lang``."""
    if lang == "es":
        for pattern, spanish in _VALUE_ES:
            value = pattern.sub(spanish, value)
    return value


def _outcome_word(outcome: str, lang: str) -> str:
    """``permitted``/``required``/``prohibited`` as the counsel's lines word it in ``lang``
    (the vocabulary word in English, "lo permite" in Spanish)."""
    return outcome if lang == "en" else _trace_text("verdict", outcome, lang)


def describe_values(values: list[FactValue], lang: str = "en") -> list[tuple[str, str]]:
    """Group a missing fact's values by the outcomes they give: [(outcomes, values)],
    both strings worded in ``lang`` (``en`` or ``es``; values stay vocabulary words).

    Convictions are summarised per category as ranges of years ("listed_felony
    1–15 years ago") rather than as the sample values the engine tried."""
    w = _VALUE_WORDS[lang if lang in _VALUE_WORDS else "en"]
    groups: dict[str, list[str]] = {}
    ranges: dict[tuple[str, str], list[float]] = {}
    for v in values:
        outcomes = w["or"].join(_outcome_word(o.value, lang) for o in v.outcomes)
        m = _CONVICTION.match(v.value)
        if m:
            ranges.setdefault((outcomes, m["cat"]), []).append(float(m["years"]))
        else:
            groups.setdefault(outcomes, []).append(_value_label(v.value, lang))
    spans: dict[str, dict[str, list[float]]] = {}
    for (outcomes, cat), years in ranges.items():
        spans.setdefault(cat, {})[outcomes] = years
    for cat, by_outcome in spans.items():
        every = sorted(y for ys in by_outcome.values() for y in ys)
        for outcomes, years in by_outcome.items():
            if len(by_outcome) == 1:
                label = w["any"].format(cat=cat)
            else:
                lo, hi = min(years), max(years)
                label = (w["more"].format(cat=cat, n=_n(lo)) if hi == every[-1] and lo > every[0]
                         else w["within"].format(cat=cat, n=_n(hi)) if lo == every[0]
                         else w["span"].format(cat=cat, lo=_n(lo), hi=_n(hi)))
            groups.setdefault(outcomes, []).append(label)
    return [(outcomes + (w["then"] if w["or"] in outcomes else ""), "; ".join(labels))
            for outcomes, labels in groups.items()]


def _n(x: float) -> str:
    return str(int(x)) if x.is_integer() else str(x)


def _cite_of(corpus, provision_id: str) -> str:
    """The citation of a provision id, or the id itself without a corpus."""
    cp = corpus.provisions.get(provision_id) if corpus is not None else None
    return cp.provision.cite if cp is not None else provision_id


def confidence_mark(c: Citation, lang: str = "en") -> str:
    """How a citation's provenance is marked after it (Rich markup): "(unconfirmed)"
    in yellow, "(secondary: checked against a summary or report)" dim, nothing when
    confirmed."""
    if c.confidence == "unconfirmed":
        return f" [yellow]({WORDS[lang]['unconfirmed_mark']})[/yellow]"
    if c.confidence == "secondary":
        return f" [dim]({WORDS[lang]['secondary_mark']})[/dim]"
    return ""


def _cite(c: Citation, lang: str = "en") -> str:
    return f"{escape(c.cite)} — {escape(c.title)}{confidence_mark(c, lang)} [dim]{escape(c.id)} <{escape(c.source)}>[/dim]"


def _case(n: LitigationNote) -> str:
    parts = ", ".join(str(x) for x in (n.court, n.date) if x)
    return f"{n.case} ({parts})" if parts else n.case


def print_decision(d: Decision, out: Console, corpus=None, lang: str = "en") -> None:
    """Print a decision: plain words first, then what was presumed and each ``unless``
    (with the citations carrying it; ``corpus``, a loaded Corpus, turns their ids into
    citations), what it depends on, duties, the provisions it rests on (per possible
    outcome when conditional), contested provisions, and every layer of the trace with
    each provision's id. ``lang`` (:data:`LANGS`): the language of the headings, the
    summary, ``unless``, duty texts and titles; ids, words and citations stay as they are."""
    w = WORDS[lang]
    machine = ""
    if lang != "en":  # one line when a title or duty text shown is a machine-drafted translation
        from .wording.law import machine_note

        machine = machine_note(d, lang, trace=False)
    d = in_language(d, lang)
    colour = COLOURS[d.outcome.value]
    out.print(f"[{colour}]{escape(outcome_heading(d.outcome.value, lang))}[/{colour}]  {escape(d.summary)}")
    for note in d.supplied:
        out.print(f"[dim]{w['note']}: {escape(supplied_text(note, lang))}[/dim]")
    if d.presumed:
        out.print(f"\n[bold]{w['presumed']}[/bold] " + escape("; ".join(presumed_text(p, lang) for p in d.presumed))
                  + f" [dim]({w['presumed_hint']})[/dim]")
    if d.unless:
        out.print(f"\n[bold]{w['unless']}[/bold]")
        for u in d.unless:
            cites = "; ".join(_cite_of(corpus, c) for c in u.citations)
            out.print(f"  • {escape(unless_text(u, lang, d.outcome))}" + (f" [dim]({escape(cites)})[/dim]" if cites else "")
                      + f" [dim]{w['give']} {unless_flag(u.fact, u.values)}[/dim]")
    if d.depends_on:
        out.print(f"\n[bold]{w['depends']}[/bold]")
        for m in d.depends_on:
            out.print(f"  {escape(fact_noun(m.fact, lang))}  [dim]({w['give']} {FACT_FLAGS.get(m.fact, m.fact)})[/dim]")
            for outcomes, values in describe_values(m.values, lang):
                out.print(f"    → {escape(outcomes)}: {escape(values)}")
    if d.duties:
        out.print(f"\n[bold]{w['duties']}[/bold]")
        for duty in d.duties:
            when = w["request_received"] if duty.trigger == "request_received" else w["if_go_ahead"]
            out.print(f"  • {escape(duty.text)} [dim]({escape(duty.cite)}; {when})[/dim]")
    if d.possible_duties:
        out.print(f"\n[bold]{w['possible_duties']}[/bold]")
        for duty in d.possible_duties:
            facts = ", ".join(fact_noun(f, lang) for f in duty.depends_on)
            flags = " ".join(dict.fromkeys(FACT_FLAGS.get(f, f) for f in duty.depends_on))
            out.print(f"  • {escape(duty.text)} [dim]({escape(duty.cite)}; {w['if_given']}: {escape(facts)}; "
                      f"{w['give']} {escape(flags)})[/dim]")
    by_id = {c.id: c for c in d.citations}
    if d.alternatives:
        for alt in d.alternatives:
            example = "; ".join(f"{k if lang == 'en' else fact_noun(k, lang)} = {_value_label(str(v), lang)}"
                                for k, v in alt.example.items())
            out.print(f"\n[bold]{w['if']} {escape(example)} → {escape(_outcome_word(alt.outcome.value, lang))}, "
                      f"{w['resting']}[/bold]")
            for cid in alt.citations:
                out.print(f"  • {_cite(by_id[cid], lang)}")
    elif d.citations:
        out.print(f"\n[bold]{w['rests']}[/bold]")
        for c in d.citations:
            out.print(f"  • {_cite(c, lang)}")
    for level, colour in (("unconfirmed", "yellow"), ("secondary", "dim")):
        n = sum(c.confidence == level for c in d.citations)
        if n:
            out.print(f"[{colour}]  {w[level + '_one'] if n == 1 else w[level].format(n=n)}[/{colour}]")
    if d.contested:
        out.print(f"\n[bold]{w['contested']}[/bold]")
        for c in d.contested:
            cases = "; ".join(_case(n) for n in c.litigation)
            out.print(f"  • {escape(c.cite)}: {escape(_trace_text('contested', c.reason, lang))}"
                      + (f" [dim]({escape(cases)})[/dim]" if cases else ""))
    out.print(f"\n[bold]{w['layers']}[/bold]")
    for layer in d.trace:
        out.print(f"  [bold]{_trace_text('layer', layer.layer, lang)}[/bold] · {escape(_layer_title(layer, lang))}: "
                  f"{_trace_text('verdict', layer.verdict, lang)} — "
                  f"{escape(_trace_text('combination', layer.combination, lang))}")
        for p in layer.provisions:
            mark = "✓" if p.stood else "·"
            effect = _trace_text("effect", p.effect.value if p.effect else "duties", lang)
            out.print(f"    {mark} {escape(p.id)}  {escape(p.cite)} {escape('[' + effect + ']')} "
                      f"{escape(_trace_text('reason', p.reason, lang))}")
    if machine:
        out.print(f"\n[yellow]{escape(machine)}[/yellow]")
    out.print(f"\n[dim]{w['law_as_of'].format(day=d.as_of, v=d.corpus_version)}[/dim]")


def _layer_title(layer, lang: str) -> str:
    """A trace layer's name in ``lang`` (:func:`cooprules.web.names.layer_title`:
    "Estados Unidos", "Condado de Los Angeles"); English as the engine gives it."""
    if lang == "en":
        return layer.name
    from .web.names import layer_title

    return layer_title(layer.name, layer.jurisdiction, lang)


def _trace_text(kind: str, text: str, lang: str) -> str:
    """The engine's trace sentence (``kind``: ``combination``, ``reason`` or
    ``contested``) in ``lang``, worded as the page words it
    (:mod:`cooprules.web.summaries`); English, or a sentence without a wording, as given."""
    if lang == "en":
        return text
    from .web.i18n import gettext_for
    from .web import summaries

    if kind == "combination":
        return summaries.combination_text(text, lang)[0]
    if kind in ("layer", "verdict", "effect"):
        from .web import labels

        table = {"layer": labels.LAYERS, "verdict": labels.VERDICTS, "effect": EFFECTS}[kind]
        return gettext_for(lang)(table[text]) if text in table else text
    if kind == "reason":
        return summaries.reason_text(text, lang, gettext_for(lang))[0]
    return summaries.contested_text(text, lang, gettext_for(lang))[0]
