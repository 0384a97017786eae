"""An answer's plain words on the page, in the page's language.

The engine words every answer (``cooprules.engine.explain``: the headline, the hold's
time limit, each ``unless``, each presumed value, in English and Spanish); this module
only arranges those words for the page: the headline with the exceptions listed apart,
links that state an exception's fact and answer again, "what each answer gives" for a
conditional answer's follow-up question, and the trace's reasons without fact paths.
"""

from __future__ import annotations

import re
from typing import Callable

from ..engine import explain
from ..wording import answer as answer_words
from ..vocabulary import Decision
from .i18n import N_

#: The engine's fixed reasons in a trace (engine/resolve.py), worded for the page.
REASONS = {
    "condition not met": N_("its conditions are not met"),
    "applies": N_("applies"),
    "applies (duties only)": N_("applies (duties only)"),
    "applies, but overridden by a higher layer": N_("applies, but a higher layer overrides it"),
}
_UNDETERMINED = "undetermined: turns on facts not given ("
#: The engine's reasons for a contested provision (engine/resolve.py).
CONTESTED = {
    "applies to this request; courts have questioned or limited it": N_("applies to this request; courts have questioned or limited it"),
    "applies to this request but is overridden here; courts have questioned or limited it":
        N_("applies to this request but is overridden here; courts have questioned or limited it"),
    "courts have questioned or limited it": N_("courts have questioned or limited it"),
    "would apply to this request but is enjoined, so it is left out":
        N_("would apply to this request but is enjoined by a court, so it is left out"),
}
_DISPUTED = re.compile(r"^whether this binds (?P<entity>[a-z_]+) is disputed, so it is not applied"
                       r"(?: \(it would make this (?P<effect>[a-z_]+)\))?$")
_MAY_APPLY = "may apply, depending on facts not given; "
#: What a disputed provision would make the answer.
WOULD_MAKE = {"prohibited": N_("it would forbid it"), "required": N_("it would require it"),
              "permitted": N_("it would allow it")}
#: The most single values of one exception offered as "answer again" links.
MAX_LINKS = 3


def _lang(lang: str) -> str:
    return lang if lang in explain.LANGS else "en"


def summary(decision: Decision, lang: str, gettext: Callable[[str], str] | None = None) -> str:
    """What to do now, in ``lang``, exceptions included: the engine's
    :func:`cooprules.engine.explain.summary_text` (``gettext`` is accepted for the
    callers that pass it and not used)."""
    return explain.summary_text(decision, _lang(lang))


def headline(decision: Decision, lang: str) -> str:
    """What to do now without the exceptions that :func:`exceptions` lists apart: the
    engine's headline with a hold's time limit ("You must hold the person on the
    immigration hold, for no more than 48 hours past release."), what it says of local
    law found or not encoded (:func:`cooprules.wording.answer.headline`)."""
    return answer_words.headline(decision, _lang(lang))[0]


def exceptions(decision: Decision, lang: str) -> list:
    """The exceptions not said in :func:`headline`, each as the engine words it:
    ``[(sentence, unless)]`` ("Unless a judicial warrant came with it: then you may.")."""
    rest = answer_words.headline(decision, _lang(lang))[1]
    return [(explain.unless_text(u, _lang(lang), decision.outcome), u) for u in rest]


def presumed_lines(decision: Decision, lang: str, gettext: Callable[[str], str],
                   papers_named: bool = False) -> list[str]:
    """What the answer took for the facts not given, as the engine words it; where the
    user named the papers that came (``papers_named``) and the engine presumed
    "nothing else", the page says "no paper other than those you named"."""
    out = []
    for p in decision.presumed:
        if p.fact == "attachments" and papers_named and p.value != "none":
            out.append(gettext("no paper came with it other than those you named"))
        else:
            out.append(explain.presumed_text(p, _lang(lang)))
    return out


def clause(fact: str, value: str, lang: str) -> str:
    """One value of a fact as a clause, capitalised ("A judicial warrant came with
    it"), in the engine's words."""
    text = explain.unless_values_text(fact, [value], _lang(lang))
    return text[:1].upper() + text[1:]


def fact_noun(fact: str, lang: str) -> str:
    """A fact's plain name ("hours already held past release")."""
    return explain.fact_noun(fact, _lang(lang))


#: Spanish for the engine's words of a layer's verdict inside a trace sentence.
_VERDICT_ES = {"permitted": "lo permite", "required": "lo exige", "prohibited": "lo prohíbe", "conflict": "conflicto"}
#: The engine's fixed layer-combination sentences (engine/resolve.py) in Spanish.
_COMBINATIONS_ES = {
    "silent: no provision of this layer applies": "no dice nada: no se aplica ninguna disposición de este nivel",
    "conflict inside this layer: refer to counsel": "conflicto dentro de este nivel: consulte a la asesoría jurídica",
    "not combined: a higher layer is in conflict": "no se combina: un nivel superior está en conflicto",
    "permits what a higher layer requires (consistent; the requirement stands)":
        "permite lo que un nivel superior exige (es coherente; la exigencia se mantiene)",
    "restricts: a lower layer may forbid what a higher one only permits":
        "restringe: un nivel inferior puede prohibir lo que uno superior solo permite",
    "requires what the higher layer only permits": "exige lo que el nivel superior solo permite",
    "no law of this government is encoded": "la ley de este gobierno no está codificada",
    "some of its provisions turn on facts not given": "algunas de sus disposiciones dependen de datos que no se indicaron",
}
_COMBINATION_PATTERNS_ES = [
    (re.compile(r"^first layer to speak: (?P<a>[a-z]+)$"), "primer nivel que se pronuncia: {a}"),
    (re.compile(r"^agrees: also (?P<a>[a-z]+)$"), "coincide: también {a}"),
    (re.compile(r"^yields: the higher layer's (?P<a>[a-z]+) stands over this layer's (?P<b>[a-z]+)"
                r"(?P<pre> \(the lower rule is preempted\))?$"),
     "cede: prevalece el nivel superior ({a}) sobre este nivel ({b}){pre}"),
    (re.compile(r"^preempted: lower layers may not restrict what (?P<names>.+) permits$"),
     "desplazado: los niveles inferiores no pueden restringir lo que {names} permite"),
    (re.compile(r"^no law of its own found \(checked (?P<day>\d{4}-\d{2}-\d{2})\)$"),
     "no se halló ley propia (verificado el {day})"),
]
_IN_FORCE = re.compile(r"^not in force on this date \(in force (?P<start>\d{4}-\d{2}-\d{2})"
                       r"(?: to (?P<end>\d{4}-\d{2}-\d{2})| on)\)$")
_NOT_APPLIED = re.compile(r"^not applied: whether it binds (?P<entity>[a-z_]+) is disputed$")
_PRESUMED_SUFFIX = re.compile(r"^(?P<base>.+?) \(presumed: .+\)$")
#: The engine's reasons that name another provision or an effect (engine/resolve.py,
#: engine/layers.py), with their Spanish wording.
_REASON_PATTERNS_ES = [
    (re.compile(r"^defeated by the exception (?P<id>\S+) \((?P<cite>.+)\)$"),
     lambda m: f"no se aplica: la desplaza la excepción {m['id']} ({m['cite']})"),
    (re.compile(r"^applies; a permission yields to the (?P<v>prohibited|required) beside it$"),
     lambda m: f"se aplica; un permiso cede ante la disposición del mismo nivel que {_VERDICT_ES[m['v']]}"),
    (re.compile(r"^enjoined: left out of the answer$"),
     lambda m: "suspendida por un tribunal: no cuenta para la respuesta"),
]


def combination_text(how: str, lang: str) -> tuple[str, bool]:
    """How a layer was combined with those above it (the engine's trace sentence), in
    the page's language: ``(text, translated)``; a sentence without a wording comes
    back as given (English, ``translated`` False)."""
    if _lang(lang) == "en":
        return how, True
    if how in _COMBINATIONS_ES:
        return _COMBINATIONS_ES[how], True
    for pattern, template in _COMBINATION_PATTERNS_ES:
        m = pattern.match(how)
        if m:
            parts = {k: _VERDICT_ES.get(v, v) if v else "" for k, v in m.groupdict().items()}
            if "pre" in parts:
                parts["pre"] = " (la norma inferior queda desplazada)" if m["pre"] else ""
            return template.format(**parts), True
    return how, False


def reason_text(reason: str, lang: str, gettext: Callable[[str], str]) -> tuple[str, bool]:
    """A trace reason for the page: ``(text, translated)``. The engine's fixed reasons,
    the same with what was presumed ("condition not met (presumed: ...)": the page
    lists the presumed facts once, above), dates not in force, and "turns on facts not
    given (<fact paths>)" are worded in the page's language (fact paths as plain nouns);
    any other reason comes back as given (English, ``translated`` False, for the page to
    mark ``lang="en"``)."""
    _ = gettext
    if reason in REASONS:
        return _(REASONS[reason]), True
    presumed = _PRESUMED_SUFFIX.match(reason)
    if presumed and _lang(lang) != "en":
        base, done = reason_text(presumed["base"], lang, gettext)
        if done:
            return f"{base} (según lo que se da por hecho)", True
    disputed = _NOT_APPLIED.match(reason)
    if disputed and _lang(lang) != "en":
        from .labels import ENTITIES

        office = _(ENTITIES[disputed["entity"]]) if disputed["entity"] in ENTITIES else disputed["entity"]
        return f"no se aplica: se discute si obliga a este tipo de oficina ({office})", True
    dates = _IN_FORCE.match(reason)
    if dates and _lang(lang) != "en":
        span = f"de {dates['start']} a {dates['end']}" if dates["end"] else f"desde {dates['start']}"
        return f"no está en vigor en esta fecha (en vigor {span})", True
    if reason.startswith(_UNDETERMINED) and reason.endswith(")"):
        facts = [f.strip() for f in reason[len(_UNDETERMINED):-1].split(",") if f.strip()]
        return _("turns on facts not given: %(facts)s") % {"facts": ", ".join(fact_noun(f, lang) for f in facts)}, True
    if _lang(lang) != "en":
        for pattern, wording in _REASON_PATTERNS_ES:
            m = pattern.match(reason)
            if m:
                return wording(m), True
    return reason, False


def contested_text(reason: str, lang: str, gettext: Callable[[str], str]) -> tuple[str, bool]:
    """Why a provision is listed as under dispute, for the page: ``(text,
    translated)`` as :func:`reason_text`."""
    from .labels import ENTITIES

    _ = gettext
    if reason.startswith(_MAY_APPLY):
        rest, done = contested_text(reason[len(_MAY_APPLY):], lang, gettext)
        return (_("may apply, depending on facts not given; %(rest)s") % {"rest": rest}, True) if done else (reason, False)
    if reason in CONTESTED:
        return _(CONTESTED[reason]), True
    m = _DISPUTED.match(reason)
    if m and m["entity"] in ENTITIES and (m["effect"] is None or m["effect"] in WOULD_MAKE):
        text = _("whether it binds this kind of office (%(office)s) is disputed, so it is not applied") % {
            "office": _(ENTITIES[m["entity"]])}
        if m["effect"]:
            text += f" ({_(WOULD_MAKE[m['effect']])})"
        return text, True
    return reason, False


def by_outcome(missing, lang: str, gettext: Callable[[str], str], limit: int = 8,
               offered: list[str] | None = None) -> list[dict]:
    """The values of a missing fact grouped by the outcomes they give, for "what each
    answer gives": ``[{"values": [text, ...], "more": int, "outcomes": [word, ...]}]``
    (``missing`` a :class:`cooprules.vocabulary.MissingFact`). Yes/no and vocabulary
    words are listed by their labels; other values (convictions, charges, hours,
    papers) of one group are said in one clause of the engine's (the first ``limit``
    of them; ``more`` counts the rest). With ``offered`` (the values the page offers as
    choices), values not offered are left out, so the list names only choices shown."""
    from .labels import has_label, value_text

    groups: dict[tuple[str, ...], list[str]] = {}
    for v in missing.values:
        if offered is not None and v.value not in offered:
            continue
        groups.setdefault(tuple(o.value for o in v.outcomes), []).append(v.value)
    out = []
    for key, values in groups.items():
        short = [value_text(missing.fact, v, gettext, lang) for v in values if has_label(missing.fact, v)]
        rest = [v for v in values if not has_label(missing.fact, v)]
        texts = list(dict.fromkeys(short))
        if rest:
            text = explain.unless_values_text(missing.fact, rest[:limit], _lang(lang))
            texts.append(text[:1].upper() + text[1:])
        out.append({"values": texts, "more": max(0, len(rest) - limit), "outcomes": list(key)})
    return out


def sources_by_outcome(decision: Decision, lang: str, gettext: Callable[[str], str]) -> list[dict]:
    """The sources of a conditional answer grouped by the outcome each would carry, so
    that counsel can see which branch a provision belongs to: one group per
    ``Decision.alternatives`` entry, ``{"outcome": word, "example": [text, ...],
    "citations": [Citation, ...]}`` (``example`` the engine's example facts that give
    that outcome, each as "the purpose of the request: Civil immigration enforcement",
    the first capitalised),
    then ``{"outcome": None, "example": [], "citations": [...]}`` for the sources no
    branch names (none when every source belongs to a branch). An empty list when the
    answer has no alternatives (the page lists its sources as one list). A provision
    that carries more than one outcome is listed under each."""
    from .labels import value_text

    if not decision.alternatives:
        return []
    by_id = {c.id: c for c in decision.citations}
    groups, placed = [], set()
    for alt in decision.alternatives:
        cites = [by_id[i] for i in alt.citations if i in by_id]
        placed.update(c.id for c in cites)
        example = []
        for fact, value in alt.example.items():
            noun = fact_noun(fact, lang)
            noun = noun[:1].upper() + noun[1:] if not example else noun
            example.append(f"{noun}: {value_text(fact, str(value), gettext, lang)}")
        groups.append({"outcome": alt.outcome.value, "example": example, "citations": cites})
    rest = [c for c in decision.citations if c.id not in placed]
    if rest:
        groups.append({"outcome": None, "example": [], "citations": rest})
    return groups


__all__ = ["by_outcome", "sources_by_outcome", "clause", "combination_text", "contested_text", "exceptions", "fact_noun", "headline", "presumed_lines", "reason_text",
           "summary"]
