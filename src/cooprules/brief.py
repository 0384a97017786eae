"""``cooprules ask --brief``: the answer in a few lines for someone at a counter or a
booking desk: what to do now, the exceptions that would change it (``unless``) and the
citations, nothing else (no duties list, no trace: ``ask`` without ``--brief`` prints
those). A front end: it words what the engine decided."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape

from .engine.explain import fact_noun, unless_text
from .render import (COLOURS, WORDS, _cite_of, _outcome_word, confidence_mark, describe_values, in_language,
                     outcome_heading)
from .vocabulary import Decision


def print_brief(d: Decision, out: Console, corpus=None, lang: str = "en") -> None:
    """Print ``d`` briefly: the outcome and its plain-words summary; for a conditional
    answer, what each value of each open fact gives; each ``unless``
    (the engine's sentence, :func:`cooprules.engine.explain.unless_text`, with the
    outcome it would give and the citations carrying it; ``corpus``, a loaded Corpus,
    turns provision ids into citations); then one line
    per citation (citation, id, and "unconfirmed" where the provision could not be
    checked against its primary text). ``lang``: ``en`` or ``es`` (:data:`cooprules.render.LANGS`)."""
    d = in_language(d, lang)
    colour = COLOURS[d.outcome.value]
    out.print(f"[{colour}]{escape(outcome_heading(d.outcome.value, lang))}[/{colour}]  {escape(d.summary)}")
    for u in d.unless:
        cites = "; ".join(_cite_of(corpus, c) for c in u.citations)
        sentence = unless_text(u, lang, d.outcome)
        said = sentence in d.summary  # the summary already says it: only what it rests on
        out.print(("  " if said else f"  {escape(sentence)} ") + f"[dim]({WORDS[lang]['unless_arrow']} → {escape(_outcome_word(u.outcome.value, lang))}"
                  + (f"; {escape(cites)}" if cites else "") + ")[/dim]")
    for m in d.depends_on:  # a conditional answer: what each value of the open fact gives
        out.print(f"  {escape(fact_noun(m.fact, lang))}:")
        for outcomes, values in describe_values(m.values, lang):
            out.print(f"    → {escape(outcomes)}: {escape(values)}")
    for c in d.citations:
        mark = confidence_mark(c, lang)
        out.print(f"  • {escape(c.cite)}{mark} [dim]{escape(c.id)}[/dim]")
