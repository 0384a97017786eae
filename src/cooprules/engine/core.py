"""The Engine: one request in, one :class:`~cooprules.vocabulary.Decision` out.

Per request, the engine (1) finds the plan for the responder's chain, entity, action
and the period of the date (cached: the provisions in force only change on the
corpus's boundary dates), (2) evaluates each condition once against one CEL context,
(3) resolves, or partially evaluates when facts are missing. Decisions are cached by
the facts that the plan's conditions read (the *relevant* facts): two requests that
agree on them get the same answer, so the cache is exact, and ``cache=False`` gives
the same decisions (the tests check this).
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
from typing import Any, Iterable

from ..corpus.celbinding import cel

from ..corpus.conditions import ConditionError
from ..corpus.loader import Corpus, load_corpus
from ..errors import FieldError, RequestError, parse_request
from ..vocabulary import Alternative, Decision, FactValue, MissingFact, Outcome, Request
from .explain import summarize
from .layers import Plan, build_plan, chain_provisions
from .partial import NO_PENDING_CHARGE, explore
from .resolve import NONE_FOUND, NOT_ENCODED, Resolved, resolve

#: Largest number of decisions kept in the cache before it is cleared.
CACHE_LIMIT = 200_000


def activation(req: Request, jurisdiction: str) -> dict[str, Any]:
    """The request as CEL sees it (docs/rule-format.md): facts not given are absent."""
    responder: dict[str, Any] = {"jurisdiction": jurisdiction, "entity": req.responder.entity.value}
    if req.responder.agreement_287g is not None:
        responder["agreement_287g"] = req.responder.agreement_287g.value
    out: dict[str, Any] = {
        "responder": responder,
        "requester": req.requester.value,
        "action": req.action.value,
        "instrument": req.instrument.value,
    }
    if req.attachments is not None:
        out["attachments"] = [a.value for a in req.attachments]
    # info_type is always present so that a condition on it is simply false for other
    # actions (it is not a fact that can be missing: the vocabulary requires it with
    # information_sharing and forbids it otherwise)
    out["info_type"] = req.info_type.value if req.info_type is not None else ""
    subject: dict[str, Any] = {}
    for name, value in req.subject:
        if value is None:
            continue
        if name == "convictions":
            value = [{"category": c.category.value, "years_ago": c.years_ago} for c in value]
        elif name == "pending_charge":
            if value == "none":
                value = dict(NO_PENDING_CHARGE)
            else:
                value = {"category": value.category.value, **({} if value.probable_cause_determined is None
                                                              else {"probable_cause_determined": value.probable_cause_determined})}
        elif hasattr(value, "value"):
            value = value.value
        subject[name] = value
    context = {name: (v.value if hasattr(v, "value") else v) for name, v in req.context
               if v is not None and name != "date"}
    out["subject"] = subject
    out["context"] = context
    return out


def _fact_key(req: Request, fact: str) -> Any:
    if fact == "attachments":
        return None if req.attachments is None else tuple(a.value for a in req.attachments)
    root, name = fact.split(".", 1)
    value = getattr(getattr(req, root), name)
    if value is None:
        return None
    if name == "convictions":
        return tuple((c.category.value, c.years_ago) for c in value)
    if name == "pending_charge":
        return value if value == "none" else (value.category.value, value.probable_cause_determined)
    return value.value if hasattr(value, "value") else value


def _context(act: dict[str, Any], roots: frozenset[str]) -> "cel.Context":
    """A CEL context holding only the top-level names the conditions read (converting
    the others to CEL values would be wasted work)."""
    ctx = cel.Context()
    for key in roots:
        if key in act:
            ctx.add_variable(key, act[key])
    return ctx


class Engine:
    """Evaluates requests against a loaded corpus and the jurisdiction registry.

    ``Engine(corpus=None, registry=None, cache=True, agreements=None)``: ``corpus``
    defaults to :func:`cooprules.load_corpus`, ``registry`` to the shipped registry of
    OCD-IDs, ``agreements`` to ICE's 287(g) list (:mod:`cooprules.agreements`), used to
    fill ``responder.agreement_287g`` when a request does not give it (VOCABULARY.md).
    """

    def __init__(self, corpus: Corpus | None = None, registry=None, cache: bool = True, agreements=None):
        from ..agreements import load_agreements
        from ..jurisdictions import load_registry

        self.corpus = corpus if corpus is not None else load_corpus()
        self.registry = registry if registry is not None else load_registry()
        self.agreements = agreements if agreements is not None else load_agreements()
        self.use_cache = cache
        self._plans: dict[tuple, Plan] = {}
        self._decisions: dict[tuple, Decision] = {}
        self._canonical: dict[str, str] = {}
        self._boundaries: dict[tuple, list[dt.date]] = {}

    # ------------------------------------------------------------------ helpers
    def canonical_jurisdiction(self, ocd_id: str) -> str:
        """The canonical OCD-ID for ``ocd_id`` (aliases mapped). Raises RequestError
        naming ``responder.jurisdiction``, with "did you mean" suggestions."""
        found = self._canonical.get(ocd_id)
        if found is not None:
            return found
        from ..jurisdictions import UnknownJurisdiction

        try:
            canon = self.registry.canonical(ocd_id)
            self.registry.get(canon)
        except UnknownJurisdiction as exc:
            suggestions = list(getattr(exc, "suggestions", []) or [])
            raise RequestError([FieldError("responder.jurisdiction", "unknown OCD-ID; list known ones with "
                                           "`cooprules jurisdictions --search NAME`", ocd_id, suggestions[:5],
                                           suggestions[0] if suggestions else None)]) from None
        if len(self._canonical) < 100_000:
            self._canonical[ocd_id] = canon
        return canon

    def period(self, jurisdiction: str, action, day: dt.date) -> int:
        """Which stretch of time ``day`` falls in for this responder and action: the
        provisions of its chain only change on their own boundary days, so two days of
        one period get the same plan and the same answers."""
        key = (jurisdiction, action)
        days = self._boundaries.get(key)
        if days is None:
            days = self._boundaries[key] = self.corpus.boundaries_of(
                chain_provisions(self.corpus, self.registry, jurisdiction, action))
        return bisect.bisect_right(days, day)

    def plan(self, jurisdiction: str, req: Request, day: dt.date) -> Plan:
        """The cached :class:`Plan` for a canonical jurisdiction, the request's entity and
        action, and the period of ``day``."""
        key = (jurisdiction, req.responder.entity, req.action, self.period(jurisdiction, req.action, day))
        plan = self._plans.get(key)
        if plan is None:
            plan = build_plan(self.corpus, self.registry, jurisdiction, req.responder.entity, req.action, day)
            self._plans[key] = plan
        return plan

    def _day(self, req: Request, as_of: dt.date | None) -> dt.date:
        return as_of or req.context.date or dt.date.today()

    def _prepare(self, request: Any, as_of: dt.date | None) -> tuple[Request, str, dt.date, str]:
        """Validate, date and place a request, and fill its 287(g) agreement from
        ICE's list when it does not say (VOCABULARY.md, responder.agreement_287g).
        Returns (request, canonical jurisdiction, day, note on supplied facts)."""
        req = parse_request(request)
        day = self._day(req, as_of)
        jurisdiction = self.canonical_jurisdiction(req.responder.jurisdiction)
        note = ""
        if req.responder.agreement_287g is None:
            found = self.agreements.lookup(jurisdiction, req.responder.entity, day)
            if found is not None:
                req = req.model_copy(update={"responder": req.responder.model_copy(
                    update={"agreement_287g": found.model})})
                note = (f"responder.agreement_287g = {found.model.value}: {found.agency}, signed {found.signed}, "
                        f"from ICE's 287(g) list (not given in the request)")
        return req, jurisdiction, day, note

    def _key(self, jurisdiction: str, req: Request, plan: Plan, day: dt.date, note: str) -> tuple:
        return (jurisdiction, req.responder.entity, req.action, self.period(jurisdiction, req.action, day), note,
                req.requester,
                req.instrument, req.info_type,
                tuple(_fact_key(req, f) for f in plan.facts))

    # ------------------------------------------------------------------ public
    def evaluate(self, request: Request | dict[str, Any] | str, as_of: dt.date | None = None) -> Decision:
        """Answer one request.

        Args: ``request`` a Request, a dict or JSON text in the vocabulary;
        ``as_of`` the date whose law applies (default: ``context.date``, else today).
        Returns: a :class:`Decision`.
        Raises: :class:`RequestError` for a request that does not fit the vocabulary or
        names an unknown jurisdiction.
        """
        req, jurisdiction, day, note = self._prepare(request, as_of)
        plan = self.plan(jurisdiction, req, day)
        if not self.use_cache:
            return self._decide(req, jurisdiction, plan, day, note)
        key = self._key(jurisdiction, req, plan, day, note)
        decision = self._decisions.get(key)
        if decision is None:
            decision = self._decide(req, jurisdiction, plan, day, note)
            if len(self._decisions) >= CACHE_LIMIT:
                self._decisions.clear()
            self._decisions[key] = decision
        if decision.as_of != day:
            decision = decision.model_copy(update={"as_of": day})
        return decision

    def evaluate_many(self, requests: Iterable[Request | dict[str, Any] | str],
                      as_of: dt.date | None = None) -> list[Decision | RequestError]:
        """The batch path: answer many requests, each distinct set of relevant facts
        once, independently of the single-request cache.

        Returns one item per request, in order: a Decision, or the RequestError for a
        request that was not valid (the others still run).
        """
        out: list[Decision | RequestError | None] = []
        when: dict[int, dt.date] = {}
        groups: dict[tuple, list[int]] = {}
        work: dict[tuple, tuple[Request, str, Plan, dt.date, str]] = {}
        for i, raw in enumerate(requests):
            try:
                req, jurisdiction, day, note = self._prepare(raw, as_of)
                plan = self.plan(jurisdiction, req, day)
            except RequestError as exc:
                out.append(exc)
                continue
            key = self._key(jurisdiction, req, plan, day, note)
            groups.setdefault(key, []).append(i)
            work.setdefault(key, (req, jurisdiction, plan, day, note))
            when[i] = day
            out.append(None)
        for key, (req, jurisdiction, plan, day, note) in work.items():
            decision = self._decide(req, jurisdiction, plan, day, note)
            for i in groups[key]:
                out[i] = decision if when[i] == decision.as_of else decision.model_copy(update={"as_of": when[i]})
        return out  # type: ignore[return-value]

    # ------------------------------------------------------------------ core
    @staticmethod
    def _resolve(plan: Plan, applies: dict[str, bool | None], entity: str, day: dt.date,
                 missing: frozenset[str] = frozenset()) -> Resolved:
        """:func:`resolve`, remembered per plan by the truth values of its conditions:
        requests that differ in facts but agree on which provisions apply share it.
        (A plan covers one period, within which ``day`` changes nothing resolve uses.)"""
        key = (tuple(applies.get(cp.id) for cp in plan.evaluated()), missing)
        found = plan.resolved.get(key)
        if found is None:
            if len(plan.resolved) > 4096:
                plan.resolved.clear()
            found = plan.resolved[key] = resolve(plan, applies, entity, day, missing)
        return found  # type: ignore[return-value]

    def _decide(self, req: Request, jurisdiction: str, plan: Plan, day: dt.date, note: str = "") -> Decision:
        act = activation(req, jurisdiction)
        evaluated = plan.evaluated()
        ctx = _context(act, frozenset().union(*(cp.condition.roots for cp in evaluated)))
        try:
            applies = {cp.id: cp.condition.evaluate(ctx) for cp in evaluated}
        except ConditionError as exc:  # a corpus defect: name it rather than crash
            raise RuntimeError(f"corpus condition failed for this request: {exc}") from exc
        entity = req.responder.entity.value
        unknown = [cp for cp in evaluated if applies[cp.id] is None]
        supplied = [note] if note else []
        if not unknown:
            res = self._resolve(plan, applies, entity, day)
            return self._decision(req, res, day, supplied=supplied)
        return self._partial(req, plan, act, applies, unknown, day, supplied)

    def _decision(self, req: Request, res: Resolved, day: dt.date, **extra: Any) -> Decision:
        depends = [m.fact for m in extra.get("depends_on", [])]
        missing_law = [t.name for t in res.trace if t.combination == NOT_ENCODED]
        none_found = [f"{t.name}{t.combination[len(NONE_FOUND):]}" for t in res.trace if t.combination.startswith(NONE_FOUND)]
        return Decision(outcome=res.outcome, summary=summarize(res.outcome, req.action, depends, missing_law, none_found),
                        action=req.action, not_encoded=missing_law,
                        citations=res.citations, duties=res.duties, trace=res.trace, contested=res.contested,
                        conflicts=res.conflicts, as_of=day, corpus_version=self.corpus.version, **extra)

    def _partial(self, req: Request, plan: Plan, act: dict[str, Any], applies: dict[str, bool | None],
                 unknown: list, day: dt.date, supplied: list[str]) -> Decision:
        given = {f"{root}.{k}" for root in ("subject", "context", "responder") for k in act.get(root, {})}
        if "attachments" in act:
            given.add("attachments")
        pending = act["subject"].get("pending_charge")
        if isinstance(pending, dict) and "probable_cause_determined" not in pending:
            given.discard("subject.pending_charge")  # given in part: its finding is still open
        missing = sorted({f for cp in unknown for f in cp.condition.facts if f not in given})
        groups = explore(unknown, missing, act)
        entity = req.responder.entity.value
        resolved: dict[tuple, Resolved] = {}

        def outcome_of(choice: tuple[tuple[bool, ...], ...]) -> Resolved:
            if choice not in resolved:
                local = dict(applies)
                for group, vector in zip(groups, choice):
                    local.update(zip(group.ids, vector))
                resolved[choice] = self._resolve(plan, local, entity, day)
            return resolved[choice]

        choices = list(itertools.product(*[list(g.vectors) for g in groups]))
        results = [outcome_of(c) for c in choices]
        outcomes = {r.outcome for r in results}
        incomplete = not all(g.complete for g in groups)
        # a copy: the resolution is shared with other requests of the plan
        trace = list(self._resolve(plan, applies, entity, day, frozenset(missing)).trace)
        for i, layer in enumerate(trace):  # a layer is undetermined only if the missing facts move it
            verdicts = {(r.trace[i].verdict, r.trace[i].combination) for r in results}
            if len(verdicts) == 1:
                verdict, how = verdicts.pop()
                trace[i] = layer.model_copy(update={"verdict": verdict, "combination": how})
        duties = _common([r.duties for r in results], key=lambda d: (d.text, d.cite))
        contested = [c if applies.get(c.id) is not None else
                     c.model_copy(update={"reason": "may apply, depending on facts not given; " + c.reason})
                     for c in _union([r.contested for r in results], key=lambda c: c.id)]
        if len(outcomes) == 1 and not incomplete:
            first = results[0]
            # The answer is the same whatever the missing facts. It rests on the provisions
            # that carry it in some case and whose own condition is decided by the facts
            # given (the state ban on release dates, which a missing fact might lift, and
            # the city ban that holds in every case); not on ones that apply only under
            # facts nobody gave.
            cites = [c for c in _union([r.citations for r in results], key=lambda c: c.id)
                     if applies.get(c.id) is True] or first.citations
            return self._decision(req, Resolved(first.outcome, cites, duties, trace, contested, first.conflicts), day,
                                  supplied=supplied)
        depends: list[MissingFact] = []
        for gi, group in enumerate(groups):
            others = [list(g.vectors) for j, g in enumerate(groups) if j != gi]
            for fact in group.facts:
                per_value: dict[str, set[Outcome]] = {}
                for (f, label), vectors in group.by_value.items():
                    if f != fact:
                        continue
                    found = per_value.setdefault(label, set())
                    for vec in vectors:
                        for rest in itertools.product(*others):
                            choice = list(rest)
                            choice.insert(gi, vec)
                            found.add(outcome_of(tuple(choice)).outcome)
                if len({frozenset(v) for v in per_value.values()}) > 1 or incomplete:
                    depends.append(MissingFact(fact=fact, values=[
                        FactValue(value=label, outcomes=sorted(v, key=_order)) for label, v in per_value.items()]))
        if not depends:  # the facts matter only jointly
            depends = [MissingFact(fact=f, values=[]) for g in groups for f in g.facts]
        alternatives, cites_all, seen = [], [], set()
        for outcome in sorted(outcomes, key=_order):
            # the example closest to the first combination: it changes as few facts as it can
            choice, res = min(((c, r) for c, r in zip(choices, results) if r.outcome is outcome),
                              key=lambda cr: sum(a != b for a, b in zip(cr[0], choices[0])))
            example: dict[str, str] = {}
            for group, vec in zip(groups, choice):
                example.update(group.vectors[vec])
            alternatives.append(Alternative(outcome=outcome, example=example, citations=[c.id for c in res.citations]))
            for c in res.citations:
                if c.id not in seen:
                    seen.add(c.id)
                    cites_all.append(c)
        res = Resolved(Outcome.conditional, cites_all, duties, trace, contested, [])
        return self._decision(req, res, day, depends_on=depends, alternatives=alternatives, supplied=supplied)


_ORDER = {o: i for i, o in enumerate([Outcome.prohibited, Outcome.required, Outcome.permitted,
                                      Outcome.conflict, Outcome.no_rule, Outcome.conditional])}


def _order(o: Outcome) -> int:
    return _ORDER[o]


def _common(lists: list[list[Any]], key) -> list[Any]:
    """Items present in every list (by key), in the order of the first."""
    if not lists:
        return []
    keys = [set(key(x) for x in lst) for lst in lists[1:]]
    return [x for x in lists[0] if all(key(x) in k for k in keys)]


def _union(lists: list[list[Any]], key) -> list[Any]:
    seen: set[Any] = set()
    out = []
    for lst in lists:
        for x in lst:
            if key(x) not in seen:
                seen.add(key(x))
                out.append(x)
    return out
