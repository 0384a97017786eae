"""Partial evaluation: answers for requests that leave out facts the law turns on.

A condition that reads an absent fact is undetermined, not false (DESIGN.md,
Semantics 6). For the facts that undetermined conditions read, we try each value
that can make a difference (every vocabulary word; for numbers, each side of every
threshold the conditions name; for convictions, each category on each side of every
time window; for further papers, none, each paper the conditions name and each pair of
them), resolve each combination, and report what each value of each fact gives.
The answer is ``conditional`` only if the combinations disagree.

With presumptions (DESIGN.md, Semantics 6), the facts in :data:`PRESUMED` that are
missing first take their presumed value, and only the others are explored here;
:func:`value_ranges` turns the values tried into the ranges an ``unless`` names, and
:func:`example_value` / :func:`covers` read such a label back (tests, front ends).
The procedure step by step: :mod:`cooprules.engine.core`.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from typing import Any, Iterable

from ..corpus.conditions import Condition, ConditionError
from ..errors import CorpusError
from ..vocabulary import Agreement287g, Instrument, Location, OffenceCategory, Purpose, Role

#: The most value combinations tried within one group of conditions that share facts.
MAX_COMBINATIONS = 200_000

_ENUMS = {
    "subject.role": Role,
    "context.location": Location,
    "context.purpose": Purpose,
    "responder.agreement_287g": Agreement287g,
}
_BOOLS = {
    "subject.minor", "subject.registered_sex_offender", "subject.federal_felony_warrant",
    "subject.final_removal_order", "subject.previously_removed", "subject.consent_given",
    "subject.proof_of_status_shown", "context.info_publicly_available", "context.exigent_circumstances",
}
NO_PENDING_CHARGE = {"category": "none", "probable_cause_determined": False}

#: Presumed values (VOCABULARY.md, "Presumed values"; DESIGN.md, Semantics 6): the
#: ordinary case, in which no exception is triggered. fact -> (label, value as CEL
#: sees it). ``responder.agreement_287g`` is presumed ``none`` only where ICE's 287(g)
#: list shows no agreement for the office (the engine fills it from the list first).
#: Facts without a presumption: subject.minor, subject.role, context.location,
#: context.purpose, and the probable-cause finding of a pending charge given without it.
PRESUMED: dict[str, tuple[str, Any]] = {
    "attachments": ("none", []),
    "subject.convictions": ("none", []),
    "subject.pending_charge": ("none", NO_PENDING_CHARGE),
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


def _around(numbers: Iterable[float], floor: float = 0) -> list[float]:
    values = {floor}
    for n in numbers:
        for v in (n - 1, n, n + 1):
            if v >= floor:
                values.add(v)
    return sorted(values)


def _years(y: float) -> str:
    return "1 year ago" if y == 1 else f"{_num(y)} years ago"


def _num(v: float) -> int | float:
    return int(v) if float(v).is_integer() else v


def candidates(fact: str, conditions: list[Condition], given: Any = None) -> list[tuple[str, Any]]:
    """The values to try for a missing ``fact``, as (label, value in CEL form).

    ``given`` is a partly given value (a pending charge whose probable-cause finding
    is unknown): only its missing part is varied."""
    if fact == "subject.pending_charge" and isinstance(given, dict):
        cat = given["category"]
        return [(f"{cat}, probable cause found", {"category": cat, "probable_cause_determined": True}),
                (f"{cat}, probable cause not found", {"category": cat, "probable_cause_determined": False})]
    if fact in _BOOLS:
        return [("false", False), ("true", True)]
    readers = [c for c in conditions if fact in c.facts]
    if fact in _ENUMS:
        # the words the conditions name come first, so that examples use them
        named = {w for c in readers for w in c.strings}
        words = sorted(_ENUMS[fact], key=lambda w: w.value not in named)
        return [(w.value, w.value) for w in words]
    if fact == "attachments":
        named = sorted({w for c in readers for w in c.strings} & PAPERS)
        return [("none", [])] + [(w, [w]) for w in named] + paper_pairs(named)
    numbers = {n for c in readers for n in c.numbers}
    if fact == "context.hours_held_past_release":
        return [(f"{_num(h)} hours", _num(h)) for h in _around(numbers)]
    if fact == "subject.convictions":
        years = _around(numbers | {1}, floor=1)
        out: list[tuple[str, Any]] = [("none", [])]
        for cat in OffenceCategory:
            for y in years:
                out.append((f"{cat.value} {_years(y)}", [{"category": cat.value, "years_ago": _num(y)}]))
        if any(fact in c.counted for c in readers):
            out.extend(_pairs(out[1:], {w for c in readers for w in c.strings}))
        return out
    if fact == "subject.pending_charge":
        out = [("none", NO_PENDING_CHARGE)]
        for cat in OffenceCategory:
            for pc in (True, False):
                label = f"{cat.value}, probable cause {'found' if pc else 'not found'}"
                out.append((label, {"category": cat.value, "probable_cause_determined": pc}))
        return out
    raise ValueError(f"no candidate values for fact {fact}")  # pragma: no cover - facts are closed


#: How two convictions tried together are labelled: "<one> and also <other>".
PAIR = " and also "

#: How two further papers tried together are labelled: "<one> + <other>", in the
#: vocabulary's order of instruments (``judicial_warrant + detainer_request``).
PAPER_PAIR = " + "

#: The words a further paper can be (``none`` is no paper).
PAPERS = frozenset(i.value for i in Instrument if i is not Instrument.none)


def paper_pairs(named: Iterable[str]) -> list[tuple[str, Any]]:
    """Every unordered pair of the instrument words in ``named`` as a further-papers
    list, ``(label, [one, other])``, labelled ``"<one> + <other>"`` in the order of
    :class:`~cooprules.vocabulary.Instrument`. A rule may turn on two papers together
    (a detainer with the administrative warrant behind it: Fla. Stat. § 908.105(1),
    N.C. Gen. Stat. § 162-62), which no single paper reaches. Papers no condition
    names behave like none, so only the named ones are paired: ``n`` named words give
    ``n * (n - 1) / 2`` pairs (at most 55 for the 11 papers). Lists of three are not
    tried."""
    order = [i.value for i in Instrument if i.value in set(named) and i is not Instrument.none]
    return [(a + PAPER_PAIR + b, [a, b]) for a, b in itertools.combinations(order, 2)]


def alone_first(fact: str, labels: list[str]) -> list[str]:
    """``labels`` (the values of one ``unless`` of ``fact``) without the pairs of
    papers of which one paper alone is listed too: "a judicial warrant" already says
    that a judicial warrant with a detainer does it. Other facts: unchanged."""
    if fact != "attachments":
        return labels
    alone = {x for x in labels if PAPER_PAIR not in x}
    return [x for x in labels if PAPER_PAIR not in x or not any(part in alone for part in x.split(PAPER_PAIR))]


def _pairs(singles: list[tuple[str, Any]], named: set[str]) -> list[tuple[str, Any]]:
    """Lists of two convictions, for a condition whose answer on two items can differ
    from every single item's: one that counts them (``size``, ``filter``, ``map``,
    ``exists_one``, two macros over them in one condition, an item by position:
    :attr:`Condition.counted`). Categories the conditions never name behave alike (a
    condition only compares a category with words), so one of them stands for all;
    every named category is tried with every year sample, in every unordered pair.
    Several conditions that each look at items one at a time get their pairs from
    :func:`conviction_pairs`. Not covered: lists of three or more.
    """
    unnamed = [c.value for c in OffenceCategory if c.value not in named][:1]
    keep = [(label, value) for label, value in singles if value[0]["category"] in named or value[0]["category"] in unnamed]
    out = []
    for i, (la, va) in enumerate(keep):
        for lb, vb in keep[i:]:
            out.append((la + PAIR + lb, va + vb))
    return out


@dataclass
class Group:
    """Undetermined provisions that share missing facts, explored together.

    ``vectors``: each realisable tuple of truth values of ``ids`` -> an example
    assignment (fact -> value label) that gives it; ``by_value``: (fact, label) -> the
    truth tuples that value allows.
    """

    ids: list[str]
    facts: list[str]
    vectors: dict[tuple[bool, ...], dict[str, str]] = field(default_factory=dict)
    by_value: dict[tuple[str, str], set[tuple[bool, ...]]] = field(default_factory=dict)
    complete: bool = True


def explore(unknown: list, missing: list[str], activation: dict[str, Any]) -> list[Group]:
    """Split the undetermined provisions into groups linked by the missing facts they
    read, and within each group try every combination of candidate values, evaluating
    each condition once per combination of the facts *it* reads.

    ``unknown``: CompiledProvisions whose condition was undetermined; ``missing``: the
    optional facts the request lacks; ``activation``: the request as CEL sees it.
    Returns the groups; the answer depends only on the truth tuples they realise, so
    the groups' tuples are combined rather than every value of every fact.
    """
    reads = {cp.id: [f for f in missing if f in cp.condition.facts] for cp in unknown}
    by_id = {cp.id: cp for cp in unknown}
    parent = {cp.id: cp.id for cp in unknown}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    owner: dict[str, str] = {}
    for cp in unknown:
        for f in reads[cp.id]:
            if f in owner:
                parent[find(cp.id)] = find(owner[f])
            else:
                owner[f] = cp.id
    members: dict[str, list[str]] = {}
    for cp in unknown:
        members.setdefault(find(cp.id), []).append(cp.id)
    conditions = [cp.condition for cp in unknown]
    partly = {f: activation[f.split(".")[0]].get(f.split(".", 1)[1]) for f in missing
              if "." in f and f.split(".", 1)[1] in activation.get(f.split(".")[0], {})}
    groups = []
    truth: dict[tuple, bool] = {}
    for ids in members.values():
        facts = sorted({f for i in ids for f in reads[i]})
        group = Group(ids, facts)
        options = [candidates(f, conditions, partly.get(f)) for f in facts]
        undecided = False

        def truth_of(i: str, values: dict[str, tuple[str, Any]]) -> bool:
            nonlocal undecided
            own = reads[i]
            key = (i, tuple(values[f][0] for f in own))
            if key not in truth:
                filled = fill(activation, own, [values[f][1] for f in own])
                try:
                    value = by_id[i].condition.evaluate(filled)
                except ConditionError as exc:
                    raise condition_failed(by_id[i], exc) from None
                if value is None:  # still undecided: never guess; the answer stays open
                    undecided = True
                truth[key] = bool(value)
            return truth[key]

        same_as: dict[str, str] = {}
        if "subject.convictions" in facts:
            k = facts.index("subject.convictions")
            readers = [i for i in ids if "subject.convictions" in reads[i]]
            if needs_conviction_pairs(by_id[i].condition for i in readers):
                signature = _signature("subject.convictions", readers, reads, dict(zip(facts, options)), truth_of)
                if signature is not None:
                    options[k] = options[k] + conviction_pairs(options[k], signature)
        if "attachments" in facts:
            k = facts.index("attachments")
            all_papers = options[k]
            options[k], same_as = _distinct_pairs(options[k], ids, reads, dict(zip(facts, options)), truth_of)
        total = 1
        for o in options:
            total *= len(o)
        group.complete = total <= MAX_COMBINATIONS
        first: dict[str, str] | None = None
        for combo in itertools.islice(itertools.product(*options), MAX_COMBINATIONS):
            values = dict(zip(facts, combo))
            vec = tuple(truth_of(i, values) for i in ids)
            example = {f: values[f][0] for f in facts}
            if first is None:
                first = example
            # keep, for each truth tuple, the example that changes fewest facts from the first
            if vec not in group.vectors or _distance(example, first) < _distance(group.vectors[vec], first):
                group.vectors[vec] = example
            for f in facts:
                group.by_value.setdefault((f, values[f][0]), set()).add(vec)
        if undecided:
            group.complete = False
        if same_as:  # a pair left out gives what the value it matched gives, in the order tried
            ordered = {}
            for label, _ in all_papers:
                rep = ("attachments", same_as.get(label, label))
                if rep in group.by_value:
                    ordered[("attachments", label)] = set(group.by_value[rep])
            group.by_value = {**{k: v for k, v in group.by_value.items() if k[0] != "attachments"}, **ordered}
        groups.append(group)
    return groups


#: The most combinations of a condition's other facts over which a pair of papers is
#: compared with the single papers (:func:`_distinct_pairs`); past it, every pair is tried.
MAX_PAIR_CHECK = 2_000


def _signature(fact: str, readers: list[str], reads: dict[str, list[str]],
               options: dict[str, list[tuple[str, Any]]], truth_of):
    """A function giving, for one candidate value of ``fact``, the truth of every
    condition of ``readers`` over every combination of that condition's other facts
    (``options``); None when a condition has more than :data:`MAX_PAIR_CHECK` such
    combinations. ``truth_of(id, {fact: (label, value)})`` evaluates one condition
    (memoised)."""
    others = {i: [f for f in reads[i] if f != fact] for i in readers}
    for i in readers:
        n = 1
        for f in others[i]:
            n *= len(options[f])
        if n > MAX_PAIR_CHECK:
            return None

    def signature(value: tuple[str, Any]) -> tuple:
        out = []
        for i in readers:
            for combo in itertools.product(*(options[f] for f in others[i])):
                out.append(truth_of(i, {fact: value, **dict(zip(others[i], combo))}))
        return tuple(out)

    return signature


def _distinct_pairs(papers: list[tuple[str, Any]], ids: list[str], reads: dict[str, list[str]],
                    options: dict[str, list[tuple[str, Any]]], truth_of) -> tuple[list[tuple[str, Any]], dict[str, str]]:
    """The candidate further papers of a group (``papers``, as :func:`candidates`
    gives them) without the pairs that every condition of the group decides exactly as
    it decides an earlier candidate, over every combination of the condition's other
    facts: such a pair gives the same truth tuples, so trying it again is wasted work.
    Returns (the papers to try, {left-out pair label: the label it matches}).
    ``truth_of(id, {fact: (label, value)})`` evaluates one condition (memoised). A
    condition whose other facts have more than :data:`MAX_PAIR_CHECK` combinations:
    every pair is kept."""
    readers = [i for i in ids if "attachments" in reads[i]]
    signature = _signature("attachments", readers, reads, options, truth_of)
    if signature is None:
        return papers, {}
    kept, same_as, seen = [], {}, {}
    for paper in papers:
        sig = signature(paper)
        if PAPER_PAIR in paper[0] and sig in seen:
            same_as[paper[0]] = seen[sig]
            continue
        seen.setdefault(sig, paper[0])
        kept.append(paper)
    return kept, same_as


def conviction_pairs(singles: list[tuple[str, Any]], signature) -> list[tuple[str, Any]]:
    """Lists of two convictions for several conditions that each look at convictions
    one at a time (``exists`` or ``all``, not counting them: those get every pair from
    :func:`candidates`): each condition then decides a list of two from how it decides
    each item, so two items can make two conditions hold together (one on each item)
    where no single conviction does. One conviction stands for all those that every
    condition decides alike (``signature``, as :func:`_signature` gives); each pair of
    such representatives is tried. Returns ``(label "<one> and also <other>", value)``
    pairs; ``singles``: the single-conviction candidates (``none`` is skipped)."""
    reps: dict[tuple, tuple[str, Any]] = {}
    for label, value in singles:
        if len(value) == 1:
            reps.setdefault(signature((label, value)), (label, value))
    keep = list(reps.values())
    return [(la + PAIR + lb, va + vb) for i, (la, va) in enumerate(keep) for lb, vb in keep[i + 1:]]


def needs_conviction_pairs(conditions: Iterable) -> bool:
    """Whether ``conditions`` (those reading ``subject.convictions``) call for
    :func:`conviction_pairs`: two or more of them, none counting the items (which
    already get every pair)."""
    conditions = list(conditions)
    return len(conditions) >= 2 and not any("subject.convictions" in c.counted for c in conditions)


def condition_failed(cp, exc: Exception) -> CorpusError:
    """The :class:`~cooprules.errors.CorpusError` for a condition (of the
    CompiledProvision ``cp``) that failed at run time: it names the file, the
    provision and its ``when``."""
    return CorpusError(cp.file, f"condition failed for this request: {exc}", cp.id, "when")


def _distance(a: dict[str, str], b: dict[str, str]) -> int:
    return sum(a[k] != b[k] for k in a)


def fill(activation: dict[str, Any], facts: list[str], values: list[Any]) -> dict[str, Any]:
    """A copy of ``activation`` with each ``fact`` (``root.field``) set to its value."""
    out = dict(activation)
    for fact, value in zip(facts, values):
        if "." not in fact:  # a top-level fact (attachments)
            out[fact] = value
            continue
        root, name = fact.split(".", 1)
        out[root] = {**out.get(root, {}), name: value}
    return out


def value_ranges(fact: str, tried: list[tuple[str, Any, Any]]) -> list[tuple[str, Any]]:
    """The values tried for ``fact``, with what each gives, as the ranges a reader
    needs rather than the sample points tried.

    ``tried``: ``(label, CEL value, result)`` for every candidate of ``fact`` (as
    :func:`candidates` gives them), ``result`` any comparable value (an outcome).
    Returns ``[(label, result)]``: runs of neighbouring samples with the same result
    become one label. Convictions, per category (the samples lie on both sides of every
    time window the conditions name): ``"<category> at any time"``, ``"<category>
    within N years"`` (years_ago <= N), ``"<category> more than N years ago"``,
    ``"<category> more than N and within M years"``. Hours held past release: ``"less
    than N hours"``, ``"N hours or more"``, ``"from N to less than M hours"``. Every
    other fact: the labels as tried (``none`` stays ``none``).
    """
    if fact == "subject.convictions":
        out: list[tuple[str, Any]] = []
        by_cat: dict[str, list[tuple[float, Any]]] = {}
        for label, value, result in tried:
            if len(value) != 1:  # none, or two convictions together: as tried
                out.append((label, result))
                continue
            (item,) = value
            by_cat.setdefault(item["category"], []).append((float(item["years_ago"]), result))
        for cat, points in by_cat.items():
            points.sort(key=lambda p: p[0])
            for lo, hi, result in _runs(points):
                years = [p[0] for p in points]
                first, last = lo == 0, hi == len(points) - 1
                if first and last:
                    label = f"{cat} at any time"
                elif first:
                    label = f"{cat} within {_num(years[hi])} years"
                elif last:
                    label = f"{cat} more than {_num(years[lo - 1])} years ago"
                else:
                    label = f"{cat} more than {_num(years[lo - 1])} and within {_num(years[hi])} years"
                out.append((label, result))
        return out
    if fact == "context.hours_held_past_release":
        points = sorted((float(value), result) for _, value, result in tried)
        out = []
        for lo, hi, result in _runs(points):
            hours = [p[0] for p in points]
            first, last = lo == 0, hi == len(points) - 1
            if first and last:
                label = "any number of hours"
            elif first:
                label = f"less than {_num(hours[hi + 1])} hours"
            elif last:
                label = f"{_num(hours[lo])} hours or more"
            else:
                label = f"from {_num(hours[lo])} to less than {_num(hours[hi + 1])} hours"
            out.append((label, result))
        return out
    return [(label, result) for label, _, result in tried]


def _runs(points: list[tuple[float, Any]]) -> list[tuple[int, int, Any]]:
    """Maximal runs of neighbouring points with the same result: (first, last index, result)."""
    runs: list[tuple[int, int, Any]] = []
    for i, (_, result) in enumerate(points):
        if runs and runs[-1][2] == result:
            runs[-1] = (runs[-1][0], i, result)
        else:
            runs.append((i, i, result))
    return runs


#: How labels of convictions, hours and pending charges read (the engine writes them,
#: :mod:`.explain` words them, :func:`example_value` reads them back).
LABEL_YEARS = re.compile(r"^(?P<cat>[a-z_]+) (?:(?P<any>at any time)|within (?P<within>[\d.]+) years"
                          r"|more than (?P<more>[\d.]+) years ago|more than (?P<lo>[\d.]+) and within (?P<hi>[\d.]+) years"
                          r"|(?P<ago>[\d.]+) years? ago)$")
LABEL_HOURS = re.compile(r"^(?:less than (?P<less>[\d.]+) hours|(?P<more>[\d.]+) hours or more"
                          r"|from (?P<lo>[\d.]+) to less than (?P<hi>[\d.]+) hours|(?P<any>any number of hours)"
                          r"|(?P<exact>[\d.]+)(?: hours)?)$")
LABEL_CHARGE = re.compile(r"^(?P<cat>[a-z_]+), probable cause (?P<pc>found|not found)$")


def _number(text: str) -> int | float:
    return _num(float(text))


def example_value(fact: str, label: str) -> Any:
    """A value of ``fact`` in request form (JSON, as a user would give it) inside the
    value or range that ``label`` names (a label of ``unless``, ``depends_on`` or
    :func:`value_ranges`): ``("attachments", "judicial_warrant")`` ->
    ``["judicial_warrant"]``; ``("attachments", "judicial_warrant + detainer_request")`` ->
    ``["judicial_warrant", "detainer_request"]``; ``("subject.convictions", "listed_felony within 15
    years")`` -> ``[{"category": "listed_felony", "years_ago": 15}]``;
    ``("context.hours_held_past_release", "48 hours or more")`` -> ``48``. Raises
    ValueError for a label it cannot read."""
    if fact == "attachments":
        return [] if label == "none" else label.split(PAPER_PAIR)
    if fact == "subject.convictions":
        if label == "none":
            return []
        if PAIR in label:
            return [item for part in label.split(PAIR) for item in example_value(fact, part)]
        m = LABEL_YEARS.match(label)
        if not m:
            raise ValueError(f"not a conviction label: {label!r}")
        years = (1 if m["any"] else _number(m["within"]) if m["within"] else _number(m["more"]) + 1 if m["more"]
                 else _number(m["hi"]) if m["hi"] else _number(m["ago"]))
        return [{"category": m["cat"], "years_ago": years}]
    if fact == "subject.pending_charge":
        if label == "none":
            return "none"
        m = LABEL_CHARGE.match(label)
        if not m:
            raise ValueError(f"not a pending-charge label: {label!r}")
        return {"category": m["cat"], "probable_cause_determined": m["pc"] == "found"}
    if fact == "context.hours_held_past_release":
        m = LABEL_HOURS.match(label)
        if not m:
            raise ValueError(f"not an hours label: {label!r}")
        return (max(0, _number(m["less"]) - 1) if m["less"] else _number(m["more"]) if m["more"]
                else _number(m["lo"]) if m["lo"] else 0 if m["any"] else _number(m["exact"]))
    if fact in _BOOLS:
        if label not in ("true", "false"):
            raise ValueError(f"not a yes/no label: {label!r}")
        return label == "true"
    return label


def covers(fact: str, label: str, value: Any) -> bool:
    """Whether ``value`` (request form, as :func:`example_value` gives) lies in what
    ``label`` names: a conviction list of one item in a category's year range, a
    number of hours in a range, or the same word."""
    if fact == "subject.convictions" and isinstance(value, list) and len(value) == 1:
        m = LABEL_YEARS.match(label)
        if not m or m["cat"] != value[0]["category"]:
            return False
        y = value[0]["years_ago"]
        return bool(m["any"] or (m["within"] and y <= float(m["within"])) or (m["more"] and y > float(m["more"]))
                    or (m["lo"] and float(m["lo"]) < y <= float(m["hi"])) or (m["ago"] and y == float(m["ago"])))
    if fact == "context.hours_held_past_release" and isinstance(value, (int, float)):
        m = LABEL_HOURS.match(label)
        if not m:
            return False
        return bool((m["less"] and value < float(m["less"])) or (m["more"] and value >= float(m["more"]))
                    or (m["lo"] and float(m["lo"]) <= value < float(m["hi"])) or m["any"]
                    or (m["exact"] and value == float(m["exact"])))
    if fact == "attachments" and isinstance(value, list):
        return sorted(example_value(fact, label)) == sorted(value)
    return example_value(fact, label) == value


def with_fact(request: dict[str, Any], fact: str, value: Any) -> dict[str, Any]:
    """A copy of a request dict (request form) with ``fact`` (``attachments``,
    ``subject.convictions``, ``responder.agreement_287g``...) given as ``value``."""
    out = dict(request)
    if "." not in fact:
        out[fact] = value
        return out
    root, name = fact.split(".", 1)
    out[root] = {**(out.get(root) or {}), name: value}
    return out
