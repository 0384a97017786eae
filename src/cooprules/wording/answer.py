"""Lines that go under an answer on the pocket card and in training: the facts taken
as presumed, each ``unless`` with its sources, and the facts a conditional answer
depends on. :func:`in_language` gives a whole decision in one language (the API and training).
The words for presumed values and ``unless`` clauses come from the
engine's wording (:mod:`cooprules.engine.explain`), the fact questions and value
labels from the page's catalog (:mod:`cooprules.web.labels`); nothing here decides
law, and no raw fact path or raw value reaches the output.
"""

from __future__ import annotations

from typing import Callable

from ..vocabulary import Decision
from ..web import labels

__all__ = ["depends_lines", "headline", "in_language", "presumed_line", "unless_lines"]


def headline(decision: Decision, lang: str) -> tuple[str, list]:
    """What to do now, in ``lang``, without the exceptions: the engine's headline with a
    hold's time limit ("You must hold the person on the immigration hold, for no more
    than 48 hours past release.") and what it says of local law found or not encoded; and the
    ``unless`` items left to list one by one (those the headline did not take in)."""
    from ..engine.explain import _time_limit, summary_text

    hours, rest = _time_limit(decision.outcome, list(decision.unless))
    taken = [u for u in decision.unless if u not in rest] if hours else []
    return summary_text(decision.model_copy(update={"unless": taken}), lang), rest


def in_language(decision: Decision, lang: str) -> Decision:
    """A copy of ``decision`` with its text for people in ``lang`` (``en``, ``es``;
    English returns it as is): the engine's summary and ``unless`` clauses
    (:mod:`cooprules.engine.explain`), the law's titles and duty texts from the
    catalog beside the corpus (:func:`cooprules.wording.law.localize`). Ids, words,
    citations and outcomes never change."""
    if lang == "en":
        return decision
    from ..engine.explain import summary_text, unless_values_text
    from .law import localize

    out = localize(decision, lang, summary=summary_text(decision, lang))
    if not out.unless:
        return out
    return out.model_copy(update={"unless": [u.model_copy(update={"text": unless_values_text(u.fact, u.values, lang)})
                                             for u in out.unless]})


def presumed_line(decision: Decision, lang: str, gettext: Callable[[str], str]) -> str:
    """``"Taken as (not given): no convictions; nothing else came with the paper."``
    in ``lang``; ``""`` when nothing was presumed."""
    if not decision.presumed:
        return ""
    from ..engine.explain import presumed_text

    parts = [presumed_text(p, lang) for p in decision.presumed]
    return gettext("Taken as (not given):") + " " + "; ".join(dict.fromkeys(parts)) + "."


def unless_lines(decision: Decision, lang: str, gettext: Callable[[str], str],
                 cite_of: Callable[[str], str] | None = None, items: list | None = None) -> list[str]:
    """One line per ``unless``: ``"Unless a judicial warrant came with it: then you may.
    (Cal. Gov. Code § 7284.6(a)(1)(B))"``. ``cite_of`` turns a provision id into its
    citation (default: the decision's own citations; ids it lacks are left out);
    ``items`` the ``unless`` to word (default: all of the decision's)."""
    items = list(decision.unless) if items is None else items
    if not items:
        return []
    from ..engine.explain import unless_text

    known = {c.id: c.cite for c in decision.citations}
    out = []
    for u in items:
        cites = []
        for pid in u.citations:
            cite = known.get(pid)
            if cite is None and cite_of is not None:
                try:
                    cite = cite_of(pid)
                except KeyError:
                    cite = None
            if cite and cite not in cites:
                cites.append(cite)
        out.append(unless_text(u, lang, decision.outcome) + (f" ({'; '.join(cites)})" if cites else ""))
    return out


def depends_lines(decision: Decision, gettext: Callable[[str], str], lang: str = "en") -> list[str]:
    """One line per missing fact of a conditional answer: the question, then each
    answer grouped under the outcome it gives (``"Where is this happening? May: A jail.
    Must not: A school; A hospital or clinic."``), every value shown. A value without a
    label of its own (conviction and charge ranges, hours) is worded by the engine in
    ``lang``."""
    from ..engine.explain import unless_values_text

    _ = gettext
    out = []
    for m in decision.depends_on:
        groups: dict[str, list[str]] = {}
        for v in m.values:
            outcome = "/".join(_(labels.OUTCOMES[o.value]) for o in v.outcomes)
            label = labels.value_label(m.fact, v.value)
            shown = _(label) if label != v.value else unless_values_text(m.fact, [v.value], lang)
            groups.setdefault(outcome, []).append(shown)
        question = _(labels.FACT_QUESTIONS[m.fact]) if m.fact in labels.FACT_QUESTIONS else _(
            "A fact not given changes the answer:")
        out.append(question + " " + " ".join(f"{outcome}: {'; '.join(vals)}." for outcome, vals in groups.items()))
    return out
