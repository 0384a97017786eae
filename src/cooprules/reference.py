"""A deliberately naive second evaluator: the reference model (DESIGN.md, "Quality
bars": the engine's answers are checked against it on random requests).

Written from DESIGN.md, Semantics 1-7, and, where DESIGN.md is silent, the
presumption rules written in :mod:`cooprules.engine.core`'s docstring (a custody
action without a role is about someone in custody; a non-empty attachments list is all
that came, "nothing else" presumed; ``unless`` varies one presumed fact at a time).
It shares no code with ``cooprules.engine``: only the corpus loader (the provisions
and their compiled CEL programs), the CEL binding, the vocabulary's words, and the
registry / jail-operator / 287(g) data. It reads no fact list computed by the loader:
which facts a condition may read is found by a plain word search of its source text
(over-approximating is harmless here: every fact so found is tried over its domain).

Nothing is clever: for a request that leaves facts out, every combination of values of
the facts without a presumption is resolved from scratch (booleans, every vocabulary
word, each side of every number a condition names, lists of none, one and two
convictions over every category and year bucket, one or two further papers), and each
presumed fact is varied alone over the same domain for ``unless``; hours held past
release, when given, are tried at later hours too (they grow while the person is held).

Use: ``Reference(corpus, registry, agreements).answer(request) -> RefAnswer``. The
answer is compared with the engine's by :func:`compare` (``tests/test_differential.py``,
``benchmarks/differential.py``).
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import re
from dataclasses import dataclass, field
from typing import Any

from .corpus.schema import Status
from .errors import parse_request
from .vocabulary import Action, Agreement287g, Instrument, Location, OffenceCategory, Purpose, Role

# ---------------------------------------------------------------- facts and domains
#: VOCABULARY.md, "Presumed values": fact -> (label, value as a condition sees it).
NO_CHARGE = {"category": "none", "probable_cause_determined": False}
PRESUMED_VALUES: dict[str, tuple[str, Any]] = {
    "attachments": ("none", []),
    "subject.convictions": ("none", []),
    "subject.pending_charge": ("none", NO_CHARGE),
    "subject.registered_sex_offender": ("false", False),
    "subject.federal_felony_warrant": ("false", False),
    "subject.final_removal_order": ("false", False),
    "subject.previously_removed": ("false", False),
    "subject.consent_given": ("false", False),
    "subject.proof_of_status_shown": ("false", False),
    "context.info_publicly_available": ("false", False),
    "context.exigent_circumstances": ("false", False),
    "context.hours_held_past_release": ("0", 0),
    "responder.agreement_287g": ("none", "none"),
}
BOOLEAN = {"subject.minor", "subject.registered_sex_offender", "subject.federal_felony_warrant",
           "subject.final_removal_order", "subject.previously_removed", "subject.consent_given",
           "subject.proof_of_status_shown", "context.info_publicly_available", "context.exigent_circumstances"}
WORDS = {"subject.role": Role, "context.location": Location, "context.purpose": Purpose,
         "responder.agreement_287g": Agreement287g}
OPTIONAL = sorted(BOOLEAN | set(WORDS) | {"attachments", "subject.convictions", "subject.pending_charge",
                                          "context.hours_held_past_release"})
CUSTODY = {Action.detainer_hold, Action.release_notification, Action.custody_transfer}
RANK = {"prohibited": 0, "required": 1, "permitted": 2, "conflict": 3, "no_rule": 4, "conditional": 5}
_NUMBER = re.compile(r"(?<![\w.'\"])(\d+(?:\.\d+)?)")
_STRING = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")


@functools.lru_cache(maxsize=65_536)
def mentions(source: str, fact: str) -> bool:
    """Whether a condition's text may read ``fact``: its last name appears as a word
    (``subject['minor']`` and ``subject.minor`` alike)."""
    return re.search(r"\b" + re.escape(fact.rsplit(".", 1)[-1]) + r"\b", source) is not None


def numbers(source: str) -> set[float]:
    """Every number written in a condition (outside strings)."""
    return {float(n) for n in _NUMBER.findall(_STRING.sub("''", source))}


def _num(x: float) -> int | float:
    return int(x) if float(x).is_integer() else x


def around(ns: set[float], floor: float) -> list[int | float]:
    """Each side of every threshold: n-1, n, n+1 (not below ``floor``), and ``floor``."""
    return sorted({_num(v) for n in ns for v in (n - 1, n, n + 1) if v >= floor} | {_num(floor)})


def buckets(ns: set[float], floor: float) -> list[int | float]:
    """One value in every interval the thresholds cut (``floor``, n and n+1 for each
    threshold n: enough for <, <=, > and >= on whole numbers)."""
    return sorted({_num(v) for n in ns for v in (n, n + 1) if v >= floor} | {_num(floor)})


def domain(fact: str, sources: list[str], given: Any = None, pairs: bool = True) -> list[tuple[str, Any]]:
    """Every value of ``fact`` worth trying, as (label, value as CEL sees it): the whole
    finite domain, numbers on each side of every threshold a condition names, and lists
    of up to two convictions (papers: up to two; ``pairs=False``: up to one). ``given``:
    a pending charge given without its finding."""
    readers = [s for s in sources if mentions(s, fact)]
    if fact in BOOLEAN:
        return [("false", False), ("true", True)]
    if fact in WORDS:
        return [(w.value, w.value) for w in WORDS[fact]]
    if fact == "subject.pending_charge":
        if isinstance(given, dict):
            return [(f"{given['category']}, probable cause {'found' if pc else 'not found'}",
                     {"category": given["category"], "probable_cause_determined": pc}) for pc in (True, False)]
        return [("none", NO_CHARGE)] + [(f"{c.value}, probable cause {'found' if pc else 'not found'}",
                                         {"category": c.value, "probable_cause_determined": pc})
                                        for c in OffenceCategory for pc in (True, False)]
    if fact == "context.hours_held_past_release":
        return [(f"{h} hours", h) for h in around(set().union(*map(numbers, readers)) if readers else set(), 0)]
    if fact == "subject.convictions":
        years = buckets((set().union(*map(numbers, readers)) if readers else set()), 1)
        one = [{"category": c.value, "years_ago": y} for c in OffenceCategory for y in years]
        out: list[tuple[str, Any]] = [("none", [])]
        out += [(f"{c['category']} {c['years_ago']} years ago", [c]) for c in one]
        out += [(f"{a['category']} {a['years_ago']} years ago + {b['category']} {b['years_ago']} years ago", [a, b])
                for a, b in itertools.combinations_with_replacement(one, 2) if pairs]
        return out
    if fact == "attachments":
        papers = [i.value for i in Instrument if i is not Instrument.none]
        return [("none", [])] + [(p, [p]) for p in papers] + [(f"{a} + {b}", [a, b])
                                                              for a, b in itertools.combinations(papers, 2) if pairs]
    raise ValueError(fact)


# ---------------------------------------------------------------- the request as CEL sees it
def _activation(req, jurisdiction: str) -> tuple[dict[str, Any], set[str], dict[str, Any]]:
    """(activation, facts given, partly given facts) for a parsed request."""
    resp: dict[str, Any] = {"jurisdiction": jurisdiction, "entity": req.responder.entity.value}
    given: set[str] = set()
    partly: dict[str, Any] = {}
    if req.responder.agreement_287g is not None:
        resp["agreement_287g"] = req.responder.agreement_287g.value
        given.add("responder.agreement_287g")
    act: dict[str, Any] = {"responder": resp, "requester": req.requester.value, "action": req.action.value,
                           "instrument": req.instrument.value,
                           "info_type": req.info_type.value if req.info_type is not None else ""}
    if req.attachments is not None:
        act["attachments"] = [a.value for a in req.attachments]
        given.add("attachments")
    subject: dict[str, Any] = {}
    s = req.subject
    for name in ("role", "minor", "registered_sex_offender", "federal_felony_warrant", "final_removal_order",
                 "previously_removed", "consent_given", "proof_of_status_shown"):
        v = getattr(s, name)
        if v is not None:
            subject[name] = v.value if hasattr(v, "value") else v
            given.add(f"subject.{name}")
    if s.convictions is not None:
        subject["convictions"] = [{"category": c.category.value, "years_ago": c.years_ago} for c in s.convictions]
        given.add("subject.convictions")
    if s.pending_charge is not None:
        if s.pending_charge == "none":
            subject["pending_charge"] = dict(NO_CHARGE)
            given.add("subject.pending_charge")
        elif s.pending_charge.probable_cause_determined is None:
            partly["subject.pending_charge"] = {"category": s.pending_charge.category.value}
            subject["pending_charge"] = partly["subject.pending_charge"]
        else:
            subject["pending_charge"] = {"category": s.pending_charge.category.value,
                                         "probable_cause_determined": s.pending_charge.probable_cause_determined}
            given.add("subject.pending_charge")
    context: dict[str, Any] = {}
    for name in ("location", "purpose", "info_publicly_available", "exigent_circumstances",
                 "hours_held_past_release"):
        v = getattr(req.context, name)
        if v is not None:
            context[name] = v.value if hasattr(v, "value") else v
            given.add(f"context.{name}")
    act["subject"], act["context"] = subject, context
    return act, given, partly


#: Hours held past release: not presumed when given, but they grow while the person
#: is held, so a hold's answer lists the later hours that change it (the engine does
#: the same: engine/core.py ``_time_runs_on``).
HOURS = "context.hours_held_past_release"


def _set(act: dict[str, Any], fact: str, value: Any) -> dict[str, Any]:
    out = dict(act)
    if "." not in fact:
        out[fact] = value
    else:
        root, name = fact.split(".", 1)
        out[root] = {**out[root], name: value}
    return out


def run_condition(cp, act: dict[str, Any]) -> bool | None:
    """The provision's condition on ``act``: True, False, or None when it turns on a
    fact the activation lacks. Runs the compiled CEL program directly."""
    program = cp.condition.program
    if program is None:
        return True
    roots = _ROOTS.get(cp.condition.source)
    if roots is None:
        roots = _ROOTS[cp.condition.source] = tuple(sorted(program.variables()))
    act = {k: act[k] for k in roots if k in act}
    key = (cp.condition.source, repr(act))
    if key in _SEEN:
        return _SEEN[key]
    if len(_SEEN) > 400_000:
        _SEEN.clear()
    _SEEN[key] = value = _run(cp, program, act)
    return value


#: per provision id: the top-level names its program reads (CEL's own list)
_ROOTS: dict[str, tuple[str, ...]] = {}
#: a condition's value on the part of a request it reads (a pure function: remembered)
_SEEN: dict[tuple[str, str], bool | None] = {}


def _run(cp, program, act: dict[str, Any]) -> bool | None:
    try:
        result = program.execute(act)
    except Exception as exc:  # the binding's error for an absent key
        text = str(exc).lower()
        if isinstance(exc, KeyError) or "no such key" in text or "undeclared reference" in text \
                or "undefined variable" in text:
            return None
        raise
    if not isinstance(result, bool):
        raise TypeError(f"{cp.id}: condition gave {result!r}")
    return result


# ---------------------------------------------------------------- steps 1-5, 7 on decided facts
@dataclass
class Layer:
    active: list = field(default_factory=list)


@dataclass
class Result:
    """One fully decided resolution."""

    outcome: str
    citations: tuple[str, ...]
    duties: frozenset[tuple[str, str]]


def _verdict(effects: set[str]) -> str:
    if "required" in effects and "prohibited" in effects:
        return "conflict"
    for e in ("required", "prohibited", "permitted"):
        if e in effects:
            return e
    return "silent"


def resolve(layers: list[Layer], truth: dict[str, bool]) -> Result:
    """Steps 3, 4, 5 and 7 of Semantics for conditions all decided (``truth``)."""
    active = {cp.id: cp for layer in layers for cp in layer.active}

    def defeated(pid: str, seen: frozenset[str] = frozenset()) -> bool:
        # an applicable provision defeats every provision it overrides, unless it is
        # itself defeated (exceptions to exceptions)
        for q, cp in active.items():
            if pid in cp.provision.overrides and truth.get(q) and q not in seen:
                if not defeated(q, seen | {pid}):
                    return True
        return False

    standing = {pid for pid in active if truth.get(pid) and not defeated(pid)}
    effect: str | None = None
    support: list[str] = []
    preempting = False
    for layer in layers:
        here = [cp for cp in layer.active if cp.id in standing and cp.provision.effect is not None]
        verdict = _verdict({cp.provision.effect.value for cp in here})
        if verdict == "silent":
            continue
        if verdict == "conflict":  # both citations: the required and the prohibited ones
            winners = [cp.id for cp in here if cp.provision.effect.value in ("required", "prohibited")]
        else:
            winners = [cp.id for cp in here if cp.provision.effect.value == verdict]
        pre = any(active[w].provision.preempts_lower for w in winners)
        if effect is None:
            effect, support, preempting = verdict, winners, pre
        elif effect == "conflict":
            pass
        elif effect in ("required", "prohibited"):  # a higher required / prohibited stands
            if verdict == effect:
                support += winners
        elif verdict == "permitted":  # effect permitted
            support += winners
            preempting = preempting or pre
        elif verdict == "required":  # a lower required stands over a higher permitted
            effect, support, preempting = "required", winners, pre
        elif verdict == "prohibited":  # a lower layer may restrict what a higher one only permits ...
            if not preempting:  # ... unless the higher permission preempts it
                effect, support, preempting = "prohibited", winners, pre
        else:  # conflict below a permission
            effect, support = "conflict", winners
    outcome = effect or "no_rule"
    go = outcome in ("permitted", "required")
    duties = set()
    for pid in standing:
        for d in active[pid].provision.duties:
            if d.trigger == "request_received" or go:
                duties.add((d.text, d.cite))
    cites = tuple(dict.fromkeys(support)) if outcome != "no_rule" else ()
    return Result(outcome, cites, frozenset(duties))


# ---------------------------------------------------------------- the whole answer
@dataclass
class RefAnswer:
    """What the reference says: ``outcome``; ``citations`` (ids; for a definite answer
    over open facts, the ones whose condition the facts at hand decide, else
    ``citation_options``: the citations of any combination giving it); ``duties``
    ((text, cite) set); ``unless``: {(fact, outcome): [value labels]};
    ``depends_on``: {fact: {value label: outcomes}} (only the facts whose values
    differ); ``open``: the facts without presumption tried; ``bounded``: lists of two
    convictions or papers were left out somewhere to keep the work within :data:`WORK`
    combinations, or (outcome :data:`BEYOND`) the open facts had more than
    :data:`MAX_COMBINATIONS` combinations and nothing was enumerated."""

    outcome: str
    citations: set[str]
    citation_options: list[set[str]]
    duties: frozenset
    unless: dict[tuple[str, str], list[str]]
    depends_on: dict[str, dict[str, frozenset[str]]]
    open: list[str]
    bounded: bool = False


#: The most combinations a request's lists of two may add to the work (see ``bounded``).
WORK = 20_000

#: The most combinations of open facts the reference enumerates for one answer, lists of
#: two left out: past it (a request with nearly every fact open on a corpus rich in
#: conditions, about 1 in 10,000 random requests, up to 10 million combinations and
#: minutes of brute force) it gives no answer (outcome :data:`BEYOND`, ``bounded``).
MAX_COMBINATIONS = 250_000

#: The outcome of a request the reference did not enumerate (:data:`MAX_COMBINATIONS`).
BEYOND = "beyond the reference's bound"


def _product(options: dict[str, list]) -> int:
    n = 1
    for values in options.values():
        n *= len(values)
    return n


class Reference:
    """The naive evaluator over a corpus (``cooprules.load_corpus()``), a registry
    (``cooprules.jurisdictions.load_registry()``) and ICE's 287(g) list
    (``cooprules.agreements.load_agreements()``)."""

    def __init__(self, corpus, registry, agreements):
        self.corpus, self.registry, self.agreements = corpus, registry, agreements
        self._by_lawmaker: dict[str, list] = {}  # each lawmaker's provisions, in corpus order
        for cp in corpus.provisions.values():
            self._by_lawmaker.setdefault(cp.provision.jurisdiction, []).append(cp)

    # Semantics 1 and 2
    def layers(self, jurisdiction: str, entity, action, day: dt.date) -> tuple[list[Layer], list]:
        """The layers (highest first) with the provisions that count, and every
        provision whose condition is worth reading (active, disputed, enjoined)."""
        from .jurisdictions.jail_operators import office_words

        chain = ["ocd-division/country:us"]
        for up in (self.registry.state_of(jurisdiction), self.registry.local_government_of(jurisdiction)):
            if up and up not in chain:
                chain.append(up)
        words = office_words(jurisdiction, entity)
        layers, read = [], []
        for lawmaker in chain:
            mine = [cp for cp in self._by_lawmaker.get(lawmaker, ()) if action in cp.provision.actions]
            for agency in (False, True):
                layer = Layer()
                for cp in mine:
                    p = cp.provision
                    if cp.agency != agency:
                        continue
                    if not words.isdisjoint(p.binds_contested):
                        read.append(cp)  # disputed: not applied
                        continue
                    if not (p.binds == "all" or not words.isdisjoint(p.binds)) or not p.in_force_on(day):
                        continue
                    read.append(cp)
                    if p.status not in (Status.enjoined, Status.repealed):
                        layer.active.append(cp)
                layers.append(layer)
        return layers, read

    def answer(self, request: Any, presume: bool | None = None, pairs: bool = True) -> RefAnswer:
        """Answer one request (a dict, JSON or Request). ``pairs=False``: lists of at most
        one conviction and one further paper (what the engine tries; see :func:`differences`)."""
        req = parse_request(request)
        if presume is not None:
            req = req.model_copy(update={"presume": presume})
        day = req.context.date or dt.date.today()
        jurisdiction = self.registry.canonical(req.responder.jurisdiction)
        if req.responder.agreement_287g is None:
            found = self.agreements.lookup(jurisdiction, req.responder.entity, day)
            if found is not None:
                req = req.model_copy(update={"responder": req.responder.model_copy(
                    update={"agreement_287g": found.model})})
        if req.subject.role is None and req.action in CUSTODY:
            req = req.model_copy(update={"subject": req.subject.model_copy(update={"role": Role.in_custody})})
        layers, read = self.layers(jurisdiction, req.responder.entity, req.action, day)
        act, given, partly = _activation(req, jurisdiction)
        sources = [cp.condition.source for cp in read]
        missing = [f for f in OPTIONAL if f not in given and any(mentions(s, f) for s in sources)]
        presumed = [f for f in missing if req.presume and f in PRESUMED_VALUES and f not in partly]
        open_facts = [f for f in missing if f not in presumed]
        base = act
        for f in presumed:
            base = _set(base, f, PRESUMED_VALUES[f][1])
        options = {f: domain(f, sources, partly.get(f), pairs) for f in open_facts}
        # the bound: lists of two are tried while the combinations stay within WORK
        # (else only lists of none and one; ``bounded`` says so)
        bounded = False
        for f in sorted(options, key=lambda f: -len(options[f])):
            if _product(options) > WORK and any(" + " in label for label, _ in options[f]):
                options[f] = [(label, v) for label, v in options[f] if " + " not in label]
                bounded = True
        if _product(options) > MAX_COMBINATIONS:  # too many to enumerate naively: no answer
            return RefAnswer(BEYOND, set(), [], frozenset(), {}, {}, open_facts, True)
        papers = bool(req.presume and req.attachments and any(mentions(s, "attachments") for s in sources))
        memo: dict[tuple, Result] = {}  # the resolution of each vector of truth values
        ids = [cp.id for cp in read]
        varying = missing + (["attachments"] if papers and "attachments" not in missing else [])
        # hours held grow while the person is held: given ones are tried later too (below)
        hours_now = req.context.hours_held_past_release
        if hours_now is not None:
            varying = varying + [HOURS]
        reads = {cp.id: [f for f in varying if mentions(cp.condition.source, f)] for cp in read}
        truth_memo: dict[tuple, bool] = {}

        def truth_of(cp, full: dict[str, Any], labels: dict[str, str]) -> bool:
            # a condition's value depends only on the facts its text names (memoised on them)
            key = (cp.id, tuple(labels[f] for f in reads[cp.id]))
            if key not in truth_memo:
                truth_memo[key] = bool(run_condition(cp, full))
            return truth_memo[key]

        # which conditions read an open fact: only those change from one combination to the next
        moving = [i for i, cp in enumerate(read) if any(f in open_facts for f in reads[cp.id])]

        def settle(a: dict[str, Any], labels: dict[str, str]) -> list[tuple[tuple[str, ...], Result]]:
            out = []
            still = [truth_of(cp, a, labels) if i not in moving else False for i, cp in enumerate(read)]
            for combo in itertools.product(*(options[f] for f in open_facts)):
                full = a
                here = dict(labels)
                for f, (label, value) in zip(open_facts, combo):
                    full = _set(full, f, value)
                    here[f] = label
                for i in moving:
                    still[i] = truth_of(read[i], full, here)
                vector = tuple(still)
                if vector not in memo:
                    memo[vector] = resolve(layers, dict(zip(ids, vector)))
                out.append((tuple(label for label, _ in combo), memo[vector]))
            return out

        def outcome_of(results) -> str:
            outcomes = {r.outcome for _, r in results}
            return outcomes.pop() if len(outcomes) == 1 else "conditional"

        base_labels = {f: PRESUMED_VALUES[f][0] for f in presumed}
        if hours_now is not None:
            base_labels[HOURS] = f"given {hours_now}"
        if "attachments" in given:
            base_labels["attachments"] = "given"
        results = settle(base, base_labels)
        outcome = outcome_of(results)
        decided = {cp.id for cp in read if run_condition(cp, base)}
        cites_all = [set(r.citations) for _, r in results]
        cites = set().union(*cites_all) if outcome == "conditional" else \
            {c for r in cites_all for c in r if c in decided}
        duties = frozenset.intersection(*[r.duties for _, r in results])
        depends: dict[str, dict[str, frozenset[str]]] = {}
        if outcome == "conditional":
            for i, f in enumerate(open_facts):
                per: dict[str, set[str]] = {}
                for labels, r in results:
                    per.setdefault(labels[i], set()).add(r.outcome)
                if len({frozenset(v) for v in per.values()}) > 1:
                    depends[f] = {k: frozenset(v) for k, v in per.items()}
        unless: dict[tuple[str, str], list[str]] = {}
        varied = {f: domain(f, sources, None, pairs) for f in presumed}
        for f, values in varied.items():
            if len(values) * _product(options) > WORK:
                varied[f] = [(label, v) for label, v in values if " + " not in label]
                bounded = bounded or len(varied[f]) < len(values)
        if papers:
            have = [a.value for a in req.attachments]
            varied = {"attachments": [(p.value, have + [p.value]) for p in Instrument
                                      if p is not Instrument.none and p.value not in have], **varied}
        for f, values in varied.items():
            for label, value in values:
                if f != "attachments" or not papers:
                    if label == PRESUMED_VALUES[f][0]:
                        continue
                got = outcome_of(settle(_set(base, f, value), {**base_labels, f: label}))
                if got != outcome:
                    unless.setdefault((f, got), []).append(label)
        if hours_now is not None and outcome in ("required", "permitted"):
            for label, value in domain(HOURS, sources, None, pairs):
                if value > hours_now:
                    got = outcome_of(settle(_set(base, HOURS, value), {**base_labels, HOURS: label}))
                    if got != outcome:
                        unless.setdefault((HOURS, got), []).append(label)
        for key, labels in unless.items():  # a pair is listed only if neither item alone says it
            alone = {x for x in labels if " + " not in x}
            unless[key] = [x for x in labels if " + " not in x or not any(part in alone for part in x.split(" + "))]
        return RefAnswer(outcome, cites, cites_all, duties, unless, depends, open_facts, bounded)


# ---------------------------------------------------------------- comparison
SIMPLE = BOOLEAN | set(WORDS) | {"attachments", "subject.pending_charge"}


def compare(decision, ref: RefAnswer) -> list[tuple[str, str]]:
    """Disagreements between an engine :class:`~cooprules.vocabulary.Decision` (or its
    JSON dict) and a :class:`RefAnswer`, as (kind, detail); kinds: ``outcome``,
    ``citations``, ``duties``, ``unless``, ``depends_on``, and ``unless:two-items`` /
    ``depends_on:two-items`` when only values of two convictions or two further
    papers (which the engine does not try, issue 9) make the difference. An empty
    list: they agree.

    Labels are compared exactly for booleans, words, papers and pending charges; for
    convictions and hours (the engine writes ranges, the reference the points it
    tried) the outcomes listed are compared. A conviction or paper label of two items
    in the reference that gives an outcome the single items do not is a disagreement."""
    d = decision if isinstance(decision, dict) else decision.model_dump(mode="json")
    out: list[tuple[str, str]] = []
    if d["outcome"] != ref.outcome:
        return [("outcome", f"engine {d['outcome']}, reference {ref.outcome}")]
    cites = {c["id"] for c in d["citations"]}
    if ref.outcome == "conditional":
        if not cites <= ref.citations:
            out.append(("citations", f"engine {sorted(cites)} not within reference {sorted(ref.citations)}"))
    elif ref.citations:
        if cites != ref.citations:
            out.append(("citations", f"engine {sorted(cites)}, reference {sorted(ref.citations)}"))
    elif cites not in ref.citation_options:
        out.append(("citations", f"engine {sorted(cites)} is no combination's"))
    duties = frozenset((x["text"], x["cite"]) for x in d["duties"])
    if duties != ref.duties:
        out.append(("duties", f"engine {sorted(duties - ref.duties)[:2]}, reference {sorted(ref.duties - duties)[:2]}"))
    eng_unless = {(u["fact"], u["outcome"]): u["values"] for u in d.get("unless") or []}
    for key in set(eng_unless) | set(ref.unless):
        fact = key[0]
        if key not in eng_unless and ref.unless[key] and all(" + " in x for x in ref.unless[key]):
            out.append(("unless:two-items", f"{key}: only reference, for {ref.unless[key][:3]}"))
        elif key not in eng_unless or key not in ref.unless:
            out.append(("unless", f"{key}: engine {eng_unless.get(key)}, reference {ref.unless.get(key, [])[:4]}"))
        elif fact in SIMPLE and sorted(eng_unless[key]) != sorted(ref.unless[key]):
            singles = sorted(x for x in ref.unless[key] if " + " not in x)
            kind = "unless:two-items" if sorted(eng_unless[key]) == singles else "unless"
            out.append((kind, f"{key}: engine {eng_unless[key]}, reference {ref.unless[key][:6]}"))
    if d["outcome"] == "conditional":
        eng_dep = {m["fact"]: {v["value"]: frozenset(v["outcomes"]) for v in m["values"]}
                   for m in d.get("depends_on") or [] if m["values"]}
        for fact in set(eng_dep) | set(ref.depends_on):
            e, r = eng_dep.get(fact), ref.depends_on.get(fact)
            if e is None or r is None:
                out.append(("depends_on", f"{fact}: engine {e}, reference {r and dict(list(r.items())[:4])}"))
            elif fact in SIMPLE and fact != "attachments" and e != r:
                out.append(("depends_on", f"{fact}: engine {e}, reference {r}"))
            elif set(e.values()) != set(r.values()):
                singles = {v for k, v in r.items() if " + " not in k}
                kind = "depends_on:two-items" if set(e.values()) == singles else "depends_on"
                out.append((kind, f"{fact}: engine outcome sets {set(e.values())}, reference {set(r.values())}"
                                  + (f" ({[k for k, v in r.items() if v not in singles][:3]})" if singles != set(r.values()) else "")))
    return out


def differences(decision, reference: Reference, request: Any) -> list[tuple[str, str]]:
    """:func:`compare` of an engine decision with the reference's answer to ``request``;
    when they differ only because of lists of two convictions or papers (the reference
    without them agrees with the engine: issue 9's known limit of the engine), every
    kind is suffixed ``:two-items``; when the reference had to leave lists of two out
    to stay within :data:`WORK` (``bounded``) it cannot judge, and every kind is
    suffixed ``:bounded``."""
    answer = reference.answer(request)
    found = compare(decision, answer)
    if not found:
        return []
    if answer.bounded:  # the reference left lists of two out (WORK) where the engine tried pairs of papers
        return [(k if k.endswith(":bounded") else k + ":bounded", detail) for k, detail in found]
    alone = compare(decision, reference.answer(request, pairs=False))
    if alone:
        return alone
    return [(k if k.endswith(":two-items") else k + ":two-items", detail) for k, detail in found]
