"""Training quizzes drawn from the scenario files (``tests/scenarios/``) for the
trainee's office: the situation is shown, the trainee chooses an answer, the
explanation follows, and a score at the end. Used by ``/training`` and
``cooprules train``; both languages.

The right answer is the outcome the scenario's author expects; the explanation is the
engine's Decision for the same request (the scenario tests keep the two in step).
"""

from __future__ import annotations

import os
import random
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Callable

from .scenarios import Case, load_scenarios
from .wording.answer import in_language
from .vocabulary import Decision
from .web import labels
from .web.names import government_name

#: The answers a trainee chooses from.
CHOICES = ("prohibited", "required", "permitted", "conditional", "no_rule")
#: Questions in a quiz unless asked otherwise.
DEFAULT_COUNT = 5


def scenario_root() -> Path:
    """Where the scenario files are: ``$COOPRULES_SCENARIOS``, else ``tests/scenarios``
    of the source checkout, else the copy shipped inside the package."""
    env = os.environ.get("COOPRULES_SCENARIOS")
    if env:
        return Path(env)
    here = Path(__file__).resolve()
    checkout = here.parents[2] / "tests" / "scenarios"
    if checkout.is_dir():
        return checkout
    return here.parent / "_scenarios"


@cache
def all_cases() -> tuple[Case, ...]:
    """Every scenario case (loaded once)."""
    root = scenario_root()
    return tuple(load_scenarios(root)) if root.is_dir() else ()


def _office(case: Case) -> tuple[str, str]:
    r = case.request.get("responder") or {}
    return str(r.get("jurisdiction", "")), str(r.get("entity", ""))


def offices() -> list[tuple[str, str, int]]:
    """The offices the scenarios cover: ``[(jurisdiction, entity, number of cases)]``,
    most cases first."""
    counts: dict[tuple[str, str], int] = {}
    for case in all_cases():
        if case.expect.get("outcome") in CHOICES:
            key = _office(case)
            counts[key] = counts.get(key, 0) + 1
    return sorted(((j, e, n) for (j, e), n in counts.items()), key=lambda t: (-t[2], t[0], t[1]))


#: Words that say or hint at an answer; a heading that still has one after
#: :func:`heading` has cut the scenario name down is not shown at all.
_ANSWER_WORDS = re.compile(r"forbid|prohibit|permit|allow|requir|\bmust\b|\bmay\b|conditional|unless|presum|"
                           r"barred|\bvoid\b|\bno hold\b|preempt|\blawful only\b", re.IGNORECASE)


#: A heading that points at another case ("Same request in 2016", "The agents come
#: back with a judge's warrant") means nothing on its own in a shuffled quiz.
_OTHER_CASE = re.compile(r"\bsame\b|\bcomes? back\b", re.IGNORECASE)
#: "..., before the ordinance", "after SB25-276", "while the policy was in force":
#: a clause that places the case against a change in the law tells the trainee that
#: the law turns on it (the date is shown with the situation). Cut from it to the end.
_LAW_CHANGE = re.compile(
    r"(?:^|[,;]?\s+)(?i:right |just |shortly )?(?i:before|after|while|until|under)\s+"
    r"(?i:the\s+|any\s+(?:of\s+the\s+)?)?(?:\w+'s\s+)?(?:[A-Z\d§]|(?:s|ch)\.\s?\d|(?:ban|decision|signing|effective|memo|guide|text|version|ordinance|resolution|policy|order|orders|act|statute|law|chapter|directive|memorandum|"
    r"letter|statement|moratorium|revision|change|reaffirmation|deadline|board|rules?|program|programme)\b).*$")
#: What is left of a heading that says only when ("2016", "In March 2014", "On 2018-06-01").
_ONLY_WHEN = re.compile(r"^(?:in |on )?(?:(?:january|february|march|april|may|june|july|august|september|"
                        r"october|november|december|mid|early|late)[- ]?)?[\d\s-]*$", re.IGNORECASE)


def heading(case: Case) -> str:
    """The scenario's name as a question heading that does not give the answer away.

    Scenario names are written for lawyers reading the tests and often end with the
    answer: "Violent felony conviction, notification request (state permits, City
    forbids)", "I-247A with an I-200: no hold unless a judicial warrant", "... -
    prohibited", "..., presume false: conditional per value". The heading keeps the
    situation (the text before the first ": ", "; " or " - ", without parentheses
    that follow a space, without "presume false") and is "" when what is left still
    names an outcome ("Jail staff must try to establish ..."), points at another case
    ("Same request in 2016, before the ordinance": quizzes are shuffled), or says only
    when. A clause that places the case before or after a change in the law ("...,
    before the ordinance", "after SB25-276") is cut: it tells the trainee the change
    decides. Without a heading the situation (office, paper, facts, date) stands
    alone; the full name is shown with the answer. Returns English text, as scenario
    names are."""
    name = re.sub(r"\s+\([^()]*\)", "", case.name)  # "(state permits, City forbids)"; keeps "287(g)"
    name = re.split(r":\s|;\s|\s[-\u2013\u2014]\s", name, maxsplit=1)[0]
    name = re.sub(r",?\s*presume(?:d)? false\b", "", name, flags=re.IGNORECASE).strip(" ,;:.")
    if _OTHER_CASE.search(name):
        return ""
    name = _LAW_CHANGE.sub("", name).strip(" ,;:.")
    return "" if _ANSWER_WORDS.search(name) or _ONLY_WHEN.match(name) else name


@dataclass
class Question:
    """One quiz question: the case, its request, the right outcome and the engine's
    decision (the explanation)."""

    case: Case
    request: dict[str, Any]
    answer: str
    decision: Decision

    @property
    def heading(self) -> str:
        """The case's name without the answer in it (:func:`heading`; "" to show none)."""
        return heading(self.case)


def pick_cases(jurisdiction: str, entity: str, count: int = DEFAULT_COUNT, seed: int = 0) -> list[Case]:
    """Up to ``count`` cases for the office, shuffled by ``seed``: the office's own
    cases first, then the same kind of office in the same state, then anywhere."""
    state = "/".join(jurisdiction.split("/")[:3])
    usable = [c for c in all_cases() if c.expect.get("outcome") in CHOICES]
    tiers = [
        [c for c in usable if _office(c) == (jurisdiction, entity)],
        [c for c in usable if _office(c)[1] == entity and _office(c)[0].startswith(state) and _office(c)[0] != jurisdiction],
        [c for c in usable if _office(c)[1] == entity and not _office(c)[0].startswith(state)],
    ]
    rng = random.Random(seed)
    out: list[Case] = []
    for tier in tiers:
        tier = list(tier)
        rng.shuffle(tier)
        out.extend(tier[: count - len(out)])
        if len(out) >= count:
            break
    return out


def quiz(jurisdiction: str, entity: str, count: int = DEFAULT_COUNT, seed: int = 0, engine=None,
         lang: str = "en") -> list[Question]:
    """The quiz for one office: ``count`` questions (fewer if the scenarios have fewer).

    ``lang`` (``en``, ``es``): the language of each decision's text for people (summary,
    provision titles, duty texts, ``unless``), from the catalog beside the corpus.
    Returns: a list of :class:`Question`; empty when no scenario fits the office.
    """
    if engine is None:
        from . import default_engine

        engine = default_engine()
    cases = pick_cases(jurisdiction, entity, count, seed)
    decisions = engine.evaluate_many([c.request for c in cases])
    return [Question(c, c.request, str(c.expect["outcome"]), in_language(d, lang)) for c, d in zip(cases, decisions)
            if isinstance(d, Decision)]


def explanation(question: Question, lang: str, gettext: Callable[[str], str], engine=None) -> list[str]:
    """The lines under the right answer, in ``lang``: what to do now (with a hold's
    time limit), what the answer took as presumed, each other ``unless`` with its
    sources, the facts it depends on, then every duty with its citation
    (``"- Give the person a copy ... (Cal. Gov. Code § 7283.1(b))"``), and in a
    language whose law texts shown are machine-drafted translations, one line saying so
    (:data:`cooprules.wording.law.MACHINE_NOTE`)."""
    from .wording.answer import depends_lines, headline, presumed_line, unless_lines

    d = question.decision
    cite_of = (lambda pid: engine.corpus.get(pid).provision.cite) if engine is not None else None
    now, rest = headline(d, lang)
    lines = [now] + [x for x in [presumed_line(d, lang, gettext)] if x]
    lines += unless_lines(d, lang, gettext, cite_of, rest) + depends_lines(d, gettext, lang)
    lines += [f"- {x.text} ({x.cite})" for x in d.duties]
    from .wording.law import machine_note

    note = machine_note(d, lang, trace=False)  # titles and duty texts shown are machine-drafted
    return lines + ([note] if note else [])


def office_label(engine, jurisdiction: str, entity: str, gettext: Callable[[str], str],
                 lang: str = "en") -> str:
    """The office as a trainee reads it: ``"Los Angeles city · City police"`` in English,
    ``"Ciudad de Los Angeles · Policía municipal"`` in Spanish. ``jurisdiction`` is an
    OCD-ID (an unknown one is shown as given), ``entity`` a vocabulary entity,
    ``gettext`` the translation function of ``lang`` ("en" or "es"); the government's
    name is worded by :func:`cooprules.web.names.government_name`."""
    try:
        record = engine.registry.get(engine.registry.canonical(jurisdiction))
        name = government_name(record.display_name or record.name, record.kind, lang)
    except Exception:
        name = jurisdiction
    name = name if any(ch.isupper() for ch in name) else name.title()
    return f"{name} · {gettext(labels.ENTITIES.get(entity, entity))}"


def situation(question: Question, engine, gettext: Callable[[str], str],
              lang: str = "en") -> list[tuple[str, str]]:
    """The situation in the trainee's language ``lang`` (with ``gettext`` its
    translation function), as (heading, text) pairs built from the request's words
    (the scenario's own title is English only)."""
    _ = gettext
    r = question.request
    j, e = _office(question.case)
    rows = [(_("Office"), office_label(engine, j, e, _, lang)),
            (_("Who asks"), _(labels.REQUESTERS.get(r.get("requester", ""), r.get("requester", ""))))]
    action = r.get("action", "")
    asked = _(labels.ACTIONS[action][0]) if action in labels.ACTIONS else action
    if r.get("info_type") in labels.INFO_TYPES:
        asked += f" ({_(labels.INFO_TYPES[r['info_type']])})"
    rows.append((_("Asked to"), asked))
    inst = r.get("instrument", "")
    paper = _(labels.INSTRUMENTS[inst][0]) if inst in labels.INSTRUMENTS else inst
    for extra in r.get("attachments") or []:
        if extra in labels.INSTRUMENTS:
            paper += " + " + _(labels.INSTRUMENTS[extra][0])
    rows.append((_("Paper"), paper))
    facts = []
    for root in ("subject", "context"):
        for name, value in (r.get(root) or {}).items():
            if name == "date":
                continue
            facts.append(_fact_text(f"{root}.{name}", value, _))
    if r.get("presume") is False:  # the trainee must know nothing is presumed: the answer turns on it
        facts.append(_("For counsel: the full analysis, assuming nothing that was not said"))
    if facts:
        rows.append((_("Facts"), "; ".join(facts)))
    if (r.get("context") or {}).get("date"):
        rows.append((_("Date"), str(r["context"]["date"])))
    return rows


def _fact_text(fact: str, value: Any, _: Callable[[str], str]) -> str:
    """``"Does the person have criminal convictions? Serious felony, 4 years ago"``; a
    fact without a question on the page is named by the engine's wording, never by
    its path."""
    if fact in labels.FACT_QUESTIONS:
        question = _(labels.FACT_QUESTIONS[fact])
    else:
        from .engine.explain import fact_noun

        noun = fact_noun(fact, "en" if _("Yes") == "Yes" else "es")  # the language gettext speaks
        question = noun[:1].upper() + noun[1:] + ":"
    if isinstance(value, bool):
        shown = _(labels.YES_NO["true" if value else "false"])
    elif fact == "subject.convictions":
        shown = _("none") if not value else ", ".join(
            (_("%(what)s, 1 year ago") if c["years_ago"] == 1 else _("%(what)s, %(n)s years ago"))
            % {"what": _(labels.OFFENCES.get(c["category"], c["category"])), "n": c["years_ago"]}
            for c in value)
    elif fact == "subject.pending_charge":
        if value == "none" or not isinstance(value, dict):
            shown = _("none")
        else:
            shown = _(labels.OFFENCES.get(value.get("category", ""), _("Other felony")))
            if value.get("probable_cause_determined") is not None:
                shown += ", " + (_("probable cause found") if value["probable_cause_determined"]
                                 else _("probable cause not found"))
    else:
        shown = _(labels.value_label(fact, str(value)))
    return f"{question} {shown}"


def score_line(right: int, total: int, gettext: Callable[[str], str]) -> str:
    """``"4 of 5 right"`` in the language of ``gettext``."""
    return gettext("%(right)s of %(total)s right") % {"right": right, "total": total}
