"""The Engine: one request in, one :class:`~cooprules.vocabulary.Decision` out.

Per request, the engine (1) finds the plan for the responder's chain, entity, action
and the period of the date (cached: the provisions in force only change on the
corpus's boundary dates), (2) evaluates each condition once against one CEL context,
(3) resolves, or partially evaluates when facts are missing. Decisions are cached by
the facts that the plan's conditions read (the *relevant* facts, taken from each
condition's syntax tree at load: :mod:`cooprules.corpus.celtree`) and ``presume``: two
requests that agree on them get the same answer, so the cache is exact, and
``cache=False`` (no cache at all: no plan, boundary, decision or resolution is kept)
gives the same decisions (the property tests check this on separately loaded corpora).
Every cache is least-recently-used and bounded in bytes (:mod:`.memo`; ``cache_mb``,
default 256 MB). A decision is frozen before it is handed out (:mod:`.frozen`): its
lists and dicts refuse in-place change, so a caller cannot change a later answer. A
condition that fails at run time raises :class:`~cooprules.errors.CorpusError` naming
the provision and its file.

Missing facts, presumptions and ``unless`` (DESIGN.md, Semantics 6), exactly:

1. Every condition is evaluated on the facts given; one that reads an absent fact
   may be *undetermined* (CEL's ``&&``/``||`` still decide it when the other side
   does). None undetermined: the answer is resolved as it stands; nothing presumed.
2. ``missing``: the facts not given that undetermined conditions read. With
   ``presume`` (the default), ``presumed`` = the missing facts that have a presumed
   value (:data:`.partial.PRESUMED`, VOCABULARY.md "Presumed values"; a pending
   charge given without its probable-cause finding is not presumed); ``open`` = the
   rest (minor, role, location, purpose...). With ``presume: false``, every missing
   fact is open and nothing is presumed.
3. The *base* request is the one given plus the presumed values. Its answer is
   resolved for every combination of candidate values of the open facts
   (:func:`.partial.candidates`: every vocabulary word, both booleans, each side of
   every threshold a condition names, one conviction per category per side of every
   time window, and two convictions together where a condition counts them or where
   two conditions each look at convictions one at a time (one per truth signature:
   :func:`.partial.conviction_pairs`); no further paper, each paper a condition names,
   and each pair of them; lists of three are not tried). All combinations agree: that outcome, resting on the provisions that
   carry it in some combination and whose own condition the base decides. Else
   ``conditional``, with ``depends_on`` (per open fact and value, the outcomes over
   the other open facts) and ``alternatives``.
4. ``unless``: for each presumed fact, in the table's order, each of its other
   candidate values, the others kept presumed: the request with that value is answered
   as in 3 (an outcome, or ``conditional`` when the open facts still split it). Values
   whose outcome differs from the base outcome are listed, one ``Unless`` per fact and
   outcome (outcomes in the order prohibited, required, permitted, conflict, no_rule,
   conditional), conviction years and hours written as ranges
   (:func:`.partial.value_ranges`); a pair of further papers is listed only when
   neither paper alone is (:func:`.partial.alone_first`), a pair of convictions only when
   it gives what neither conviction gives alone. Its ``citations``: of each listed value's answer,
   the provisions whose condition reads the fact (the exception it triggers), else
   all of them. One fact varies at a time: an exception that needs two presumed facts
   at once is not listed (the trace shows its provision as not met on presumed facts).
5. ``presumed`` lists the presumed facts with their values. ``responder.agreement_287g``
   is first taken from ICE's 287(g) list (``supplied`` says so); an office the list
   does not show is presumed ``none``, and ``supplied`` names the list's date.
6. A non-empty ``attachments`` list says what came; that nothing else came is presumed
   (value ``nothing else``): ``unless`` tries the list plus each further instrument a
   condition names, and the facts the conditions on attachments read are presumed too.
   ``attachments: []`` says nothing came: nothing is presumed about it.
7. Before all this, a request for ``detainer_hold``, ``release_notification`` or
   ``custody_transfer`` that does not give ``subject.role`` is about a person in custody
   (``in_custody``: the action's own definition, VOCABULARY.md), said in ``supplied``
   when a condition reads the role. This holds with ``presume: false`` too.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
from dataclasses import dataclass
from typing import Any, Iterable

from ..corpus.celbinding import cel

from ..corpus.conditions import ConditionError
from ..corpus.loader import CompiledProvision
from ..corpus.loader import Corpus, load_corpus
from ..errors import FieldError, RequestError, parse_request
from ..vocabulary import (
    Action, Alternative, Decision, Duty, FactValue, Instrument, MissingFact, Outcome, PossibleDuty, PresumedFact, Request,
    Role, Unless,
)
from .explain import LIST_BEFORE, OVERDUE, UNCHECKED_YEAR, presumed_value_text, summarize, unless_values_text
from .frozen import freeze
from .memo import SHARES, SizedLRU, cache_mb, decision_bytes, plan_bytes, resolved_bytes
from .layers import Plan, build_plan, chain_provisions
from .partial import (
    NO_PENDING_CHARGE, PAIR, PAPER_PAIR, PRESUMED, alone_first, candidates, condition_failed, conviction_pairs, explore, fill,
    needs_conviction_pairs, value_ranges,
)
from .resolve import NONE_FOUND, NOT_ENCODED, WOULD_MAKE, Resolved, resolve

#: Most aliases remembered (each an OCD-ID string a user sent, at most 300 characters).
ALIASES_LIMIT = 100_000


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


#: The presumed value of a list of attachments that was given: nothing else came.
OTHER_PAPERS = "nothing else"

#: Actions whose own definition (VOCABULARY.md) is about a person in custody: a request
#: that does not give the person's role is about someone in custody.
CUSTODY_ACTIONS = {Action.detainer_hold: "a detainer hold", Action.release_notification: "a release notification",
                   Action.custody_transfer: "a custody transfer"}


def _unapplied(reason: str) -> str:
    """A contested provision's reason without "applies to this request", for one that
    only may apply ("may apply, depending on facts not given; courts have questioned or
    limited it")."""
    for said in ("applies to this request but is overridden here; ", "applies to this request; "):
        if reason.startswith(said):
            return reason[len(said):]
    return reason


def _budget(given: float | None) -> float:
    return cache_mb(given)


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

    ``Engine(corpus=None, registry=None, cache=True, agreements=None, cache_mb=None)``:
    ``corpus`` defaults to :func:`cooprules.load_corpus`, ``registry`` to the shipped
    registry of OCD-IDs, ``agreements`` to ICE's 287(g) list (:mod:`cooprules.agreements`),
    used to fill ``responder.agreement_287g`` when a request does not give it
    (VOCABULARY.md). ``cache=False``: nothing is remembered between requests.
    ``cache_mb``: memory for all caches together, in MB (default ``COOPRULES_CACHE_MB``,
    else 256; :mod:`.memo`); ValueError for a value that is not a number >= 0.
    """

    def __init__(self, corpus: Corpus | None = None, registry=None, cache: bool = True, agreements=None,
                 cache_mb: float | None = None):
        from ..agreements import load_agreements
        from ..jurisdictions import load_registry

        self.corpus = corpus if corpus is not None else load_corpus()
        self.registry = registry if registry is not None else load_registry()
        self.agreements = agreements if agreements is not None else load_agreements()
        self.use_cache = cache
        self.cache_mb = _budget(cache_mb) if cache else 0.0
        limit = int(self.cache_mb * 2 ** 20)
        #: plans by (jurisdiction, entity, action, period); boundary days by (jurisdiction,
        #: action); decisions by relevant facts; resolutions by (plan key, truth values,
        #: missing facts): each bounded by its share of ``cache_mb`` (engine/memo.py)
        self._plans = SizedLRU(int(limit * SHARES["plans"]), plan_bytes)
        self._boundaries = SizedLRU(int(limit * SHARES["boundaries"]), lambda k, v: 120 + 40 * len(v))
        self._decisions = SizedLRU(int(limit * SHARES["decisions"]), decision_bytes)
        self._resolved = SizedLRU(int(limit * SHARES["resolutions"]), resolved_bytes)
        self._canonical: dict[str, str] = {}

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
        if self.use_cache and len(self._canonical) < ALIASES_LIMIT:
            self._canonical[ocd_id] = canon
        return canon

    def period(self, jurisdiction: str, action, day: dt.date) -> int:
        """Which stretch of time ``day`` falls in for this responder and action: the
        provisions of its chain only change on their own boundary days, so two days of
        one period get the same plan and the same answers."""
        key = (jurisdiction, action)
        days = self._boundaries.get(key)
        if days is None:
            days = tuple(self.corpus.boundaries_of(chain_provisions(self.corpus, self.registry, jurisdiction, action)))
            self._boundaries.put(key, days)
        return bisect.bisect_right(days, day)

    def plan(self, jurisdiction: str, req: Request, day: dt.date) -> Plan:
        """The cached :class:`Plan` for a canonical jurisdiction, the request's entity and
        action, and the period of ``day``."""
        key = (jurisdiction, req.responder.entity, req.action, self.period(jurisdiction, req.action, day))
        plan = self._plans.get(key)
        if plan is None:
            plan = build_plan(self.corpus, self.registry, jurisdiction, req.responder.entity, req.action, day)
            plan.key = key
            self._plans.put(key, plan)
        return plan

    def _day(self, req: Request, as_of: dt.date | None) -> dt.date:
        return as_of or req.context.date or dt.date.today()

    def _prepare(self, request: Any, as_of: dt.date | None,
                 presume: bool | None = None) -> tuple[Request, str, dt.date, tuple[tuple[str, str], ...]]:
        """Validate, date and place a request; fill its 287(g) agreement from ICE's
        list when it does not say (VOCABULARY.md, responder.agreement_287g), and the
        person's role as ``in_custody`` when the action itself is about a person in
        custody (:data:`CUSTODY_ACTIONS`: a hold, a release notification, a transfer).
        ``presume`` (when not None) replaces the request's own ``presume``.
        Returns (request, canonical jurisdiction, day, notes on supplied facts)."""
        req = parse_request(request)
        if presume is not None and presume != req.presume:
            req = req.model_copy(update={"presume": presume})
        day = self._day(req, as_of)
        jurisdiction = self.canonical_jurisdiction(req.responder.jurisdiction)
        notes: list[tuple[str, str]] = []  # (the fact a note is about, if only shown when read; the note)
        if req.responder.agreement_287g is None:
            found = self.agreements.lookup(jurisdiction, req.responder.entity, day)
            if found is not None:
                req = req.model_copy(update={"responder": req.responder.model_copy(
                    update={"agreement_287g": found.model})})
                notes.append(("", f"responder.agreement_287g = {found.model.value}: {found.agency}, signed "
                                  f"{found.signed}, from ICE's 287(g) list (not given in the request)"))
        for name in self._years_unchecked(jurisdiction, day):
            notes.append(("", UNCHECKED_YEAR.format(name=name, year=day.year)))
        if req.subject.role is None and req.action in CUSTODY_ACTIONS:
            req = req.model_copy(update={"subject": req.subject.model_copy(update={"role": Role.in_custody})})
            notes.append(("subject.role", f"The person is taken to be in custody: {CUSTODY_ACTIONS[req.action]} "
                                          "is about a person in custody."))
        return req, jurisdiction, day, tuple(notes)

    def _years_unchecked(self, jurisdiction: str, day: dt.date) -> list[str]:
        """The names of the local governments with encoded law over ``jurisdiction``
        (itself and the local folders above it) whose own policies no
        ``periods_checked`` span covers for ``day``'s year (issue 11 item 5): a rule of
        that year may be missing from the answer."""
        out = []
        here = jurisdiction
        while here.count("/") >= 3:  # below a state: a county, city, school district...
            folder = self.corpus.folders.get(here)
            if folder is not None and not any(p.start <= day.year <= p.last_year for p in folder.periods_checked):
                out.append(folder.name)
            here = here.rsplit("/", 1)[0]
        return out

    def _key(self, jurisdiction: str, req: Request, plan: Plan, day: dt.date, note: tuple[tuple[str, str], ...]) -> tuple:
        return (jurisdiction, req.responder.entity, req.action, self.period(jurisdiction, req.action, day), note,
                req.presume, req.requester,
                req.instrument, req.info_type,
                req.context.hours_held_past_release,  # the overdue note reads it (_overdue) whatever the plan reads
                bool(self.agreements.as_of and day < self.agreements.as_of),  # the 287(g) note's wording
                tuple(_fact_key(req, f) for f in plan.facts))

    # ------------------------------------------------------------------ public
    def evaluate(self, request: Request | dict[str, Any] | str, as_of: dt.date | None = None,
                 presume: bool | None = None) -> Decision:
        """Answer one request.

        Args: ``request`` a Request, a dict or JSON text in the vocabulary;
        ``as_of`` the date whose law applies (default: ``context.date``, else today);
        ``presume`` overrides the request's ``presume`` when given (``False``:
        counsel's full analysis, no presumed values).
        Returns: a :class:`Decision`, frozen (shared with later callers: copy a part
        before changing it).
        Raises: :class:`RequestError` for a request that does not fit the vocabulary or
        names an unknown jurisdiction; :class:`~cooprules.errors.CorpusError` when a
        provision's condition fails on it (naming the provision and its file).
        """
        req, jurisdiction, day, note = self._prepare(request, as_of, presume)
        plan = self.plan(jurisdiction, req, day)
        if not self.use_cache:
            return self._decide(req, jurisdiction, plan, day, note)
        key = self._key(jurisdiction, req, plan, day, note)
        decision = self._decisions.get(key)
        if decision is None:
            decision = self._decisions.put(key, self._decide(req, jurisdiction, plan, day, note))
        if decision.as_of != day:
            decision = decision.model_copy(update={"as_of": day})
        return decision

    def evaluate_many(self, requests: Iterable[Request | dict[str, Any] | str],
                      as_of: dt.date | None = None, presume: bool | None = None) -> list[Decision | RequestError]:
        """The batch path: answer many requests, each distinct set of relevant facts
        once, independently of the single-request cache.

        ``presume`` (when not None) overrides every request's ``presume``.
        Returns one item per request, in order: a Decision, or the RequestError for a
        request that was not valid (the others still run). Raises
        :class:`~cooprules.errors.CorpusError` when a provision's condition fails on one
        of them (the JSON Lines and HTTP batch paths then answer one by one and report
        it on its item).
        """
        out: list[Decision | RequestError | None] = []
        when: dict[int, dt.date] = {}
        groups: dict[tuple, list[int]] = {}
        work: dict[tuple, tuple[Request, str, Plan, dt.date, tuple[tuple[str, str], ...]]] = {}
        for i, raw in enumerate(requests):
            try:
                req, jurisdiction, day, note = self._prepare(raw, as_of, presume)
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
    def _resolve(self, plan: Plan, applies: dict[str, bool | None], entity: str, day: dt.date,
                 missing: frozenset[str] = frozenset()) -> Resolved:
        """:func:`resolve`, remembered by plan and the truth values of its conditions:
        requests that differ in facts but agree on which provisions apply share it.
        (A plan covers one period, within which ``day`` changes nothing resolve uses.)
        Not remembered at all with ``cache=False``."""
        if not self.use_cache:
            return resolve(plan, applies, entity, day, missing)
        key = (plan.key, tuple(applies.get(cp.id) for cp in plan.evaluated()), missing)
        found = self._resolved.get(key)
        if found is None:
            found = self._resolved.put(key, resolve(plan, applies, entity, day, missing))
        return found  # type: ignore[return-value]

    def _decide(self, req: Request, jurisdiction: str, plan: Plan, day: dt.date,
                note: tuple[tuple[str, str], ...] = ()) -> Decision:
        act = activation(req, jurisdiction)
        evaluated = plan.evaluated()
        ctx = _context(act, frozenset().union(*(cp.condition.roots for cp in evaluated)))
        applies = {cp.id: self._condition(cp, ctx) for cp in evaluated}
        entity = req.responder.entity.value
        unknown = [cp for cp in evaluated if applies[cp.id] is None]
        supplied = [text for fact, text in note if not fact or fact in plan.facts]
        # a list of attachments says what came; that nothing else came is presumed
        more_papers = bool(req.presume and req.attachments and "attachments" in plan.facts)
        if not unknown and not more_papers:
            res = self._resolve(plan, applies, entity, day)
            later = self._time_runs_on(plan, act, applies, [], entity, day, res.outcome)
            return self._decision(req, res, day, supplied=supplied, **({"unless": later} if later else {}))
        given = {f"{root}.{k}" for root in ("subject", "context", "responder") for k in act.get(root, {})}
        if "attachments" in act:
            given.add("attachments")
        pending = act["subject"].get("pending_charge")
        partly = isinstance(pending, dict) and "probable_cause_determined" not in pending
        if partly:
            given.discard("subject.pending_charge")  # given in part: its finding is still open
        missing = sorted({f for cp in unknown for f in cp.condition.facts if f not in given})
        if more_papers:  # a further paper may make conditions read facts the given ones did not need
            missing = sorted(set(missing) | {f for cp in evaluated if "attachments" in cp.condition.facts
                                             for f in cp.condition.facts if f not in given})
        presumed = [f for f in PRESUMED if req.presume and f in missing
                    and not (partly and f == "subject.pending_charge")]
        open_facts = [f for f in missing if f not in presumed]
        if not presumed and not more_papers:
            found = self._settle(plan, act, applies, unknown, open_facts, entity, day)
            later = self._time_runs_on(plan, act, applies, open_facts, entity, day, found.outcome)
            return self._answer(req, plan, found, applies, open_facts, day, supplied,
                                **({"unless": later} if later else {}))
        # DESIGN.md, Semantics 6: the facts with a presumed value take it ...
        base_act = fill(act, presumed, [PRESUMED[f][1] for f in presumed])
        base_applies = dict(applies)
        for cp in unknown:
            base_applies[cp.id] = self._condition(cp, base_act)
        base_unknown = [cp for cp in unknown if base_applies[cp.id] is None]
        base = self._settle(plan, base_act, base_applies, base_unknown, open_facts, entity, day)
        # ... and each of their other values, one fact at a time, says what it would change
        conditions = [cp.condition for cp in evaluated]
        options = {f: [(label, value) for label, value in candidates(f, conditions)] for f in presumed}
        labels = {f: PRESUMED[f][0] for f in presumed}
        if more_papers:
            have = [a.value for a in req.attachments or []]
            named = sorted({w for c in conditions if "attachments" in c.facts for w in c.strings}
                           & {i.value for i in Instrument} - set(have))
            options = {"attachments": [(OTHER_PAPERS, have)] + [(w, have + [w]) for w in named], **options}
            labels = {"attachments": OTHER_PAPERS, **labels}
        unless = self._unless(plan, base, base_act, base_applies, options, labels, open_facts, entity, day)
        if "context.hours_held_past_release" in given:  # given, not presumed: time still runs on
            unless += self._time_runs_on(plan, base_act, base_applies, open_facts, entity, day, base.outcome)
        if "responder.agreement_287g" in presumed:
            when = self.agreements.as_of
            if when and day < when:  # a list says nothing of agreements that had ended before it
                supplied = supplied + [LIST_BEFORE.format(day=when.isoformat())]
            else:
                supplied = supplied + [f"No 287(g) agreement presumed: ICE's 287(g) list"
                                       + (f" of {when.isoformat()}" if when else "") + " shows none for this office on this date."]
        marked = {cp.id: sorted(cp.condition.facts & set(presumed)) for cp in unknown
                  if base_applies[cp.id] is not None}
        return self._answer(req, plan, base, base_applies, open_facts, day, supplied, marked,
                            presumed=[PresumedFact(fact=f, value=labels[f]) for f in labels], unless=unless)

    def _time_runs_on(self, plan: Plan, act: dict[str, Any], applies: dict[str, bool | None], open_facts: list[str],
                      entity: str, day: dt.date, outcome: Outcome) -> list[Unless]:
        """Hours held past release grow while the person is held: when the request
        gives them (``act``'s ``context.hours_held_past_release``, in hours, weekends
        and holidays not counted) and the answer is ``required`` or ``permitted``, the
        later hours that change the answer, as :meth:`_unless` words them ("48 hours or
        more" -> prohibited: 8 C.F.R. 287.7(d)), so that the time limit is stated
        however many hours have passed. ``[]`` when the hours are not given, the answer
        forbids or is conditional, or no later hour changes it."""
        fact = "context.hours_held_past_release"
        now = act.get("context", {}).get("hours_held_past_release")
        if now is None or outcome not in (Outcome.required, Outcome.permitted):
            return []
        conditions = [cp.condition for cp in plan.evaluated()]
        later = [(label, value) for label, value in candidates(fact, conditions) if value > now]
        if not later:
            return []
        still = [cp for cp in plan.evaluated() if applies[cp.id] is None]
        base = self._settle(plan, act, applies, still, open_facts, entity, day)
        label = f"{now} hours"
        return self._unless(plan, base, act, applies, {fact: [(label, now)] + later}, {fact: label},
                            open_facts, entity, day)

    def _possible_duties(self, results: list[Resolved], owed: list[Duty], open_facts: list[str]) -> list[PossibleDuty]:
        """The duties some answers over the open facts carry and others do not (``owed``:
        those all carry), each with the open facts its provision's condition reads (all
        the open facts when it reads none of them: the duty then follows from how the
        layers combine). In the order first found."""
        key = lambda d: (d.text, d.cite)  # noqa: E731
        have = {key(d) for d in owed}
        out: list[PossibleDuty] = []
        for d in _union([r.duties for r in results], key=key):
            if key(d) in have:
                continue
            cp = self.corpus.provisions.get(d.provision_id)
            reads = sorted(cp.condition.facts & set(open_facts)) if cp is not None else []
            out.append(PossibleDuty(**d.model_dump(), depends_on=reads or list(open_facts)))
        return out

    @staticmethod
    def _condition(cp, act: Any) -> bool | None:
        """``cp``'s condition on ``act`` (an activation or a CEL context). Raises
        :class:`CorpusError` naming the provision and its file when the condition
        fails (a corpus defect lint should have caught), never a bare error."""
        try:
            return cp.condition.evaluate(act)
        except ConditionError as exc:
            raise condition_failed(cp, exc) from None

    def _settle(self, plan: Plan, act: dict[str, Any], applies: dict[str, bool | None], unknown: list,
                open_facts: list[str], entity: str, day: dt.date) -> "_Settled":
        """Every answer the request can get over the values of the facts still open
        (``open_facts``, read by the ``unknown`` conditions): one per combination of the
        truth values those conditions can take (:func:`explore`)."""
        groups = explore(unknown, open_facts, act) if unknown else []
        cache: dict[tuple, Resolved] = {}

        def outcome_of(choice: tuple[tuple[bool, ...], ...]) -> Resolved:
            if choice not in cache:
                local = dict(applies)
                for group, vector in zip(groups, choice):
                    local.update(zip(group.ids, vector))
                cache[choice] = self._resolve(plan, local, entity, day)
            return cache[choice]

        choices = list(itertools.product(*[list(g.vectors) for g in groups]))
        results = [outcome_of(c) for c in choices]
        return _Settled(groups, choices, results, not all(g.complete for g in groups), outcome_of)

    def _unless(self, plan: Plan, base: "_Settled", act: dict[str, Any], applies: dict[str, bool | None],
                options: dict[str, list[tuple[str, Any]]], presumed: dict[str, str], open_facts: list[str],
                entity: str, day: dt.date) -> list[Unless]:
        """DESIGN.md, Semantics 6: for each presumed fact, every other value it can take
        (``options``: fact -> (label, CEL value) including the presumed one, whose label
        is ``presumed[fact]``), the others kept at their presumed values and the open
        facts still open, whose outcome differs from the presumed answer's, grouped by
        outcome."""
        out: list[Unless] = []
        evaluated = plan.evaluated()
        for fact, values in options.items():
            readers = [cp for cp in evaluated if fact in cp.condition.facts]
            if fact == "subject.convictions" and needs_conviction_pairs(cp.condition for cp in readers):
                # two convictions, each making a different condition hold (partial.conviction_pairs)
                def signature(v: tuple[str, Any], readers=readers) -> tuple:
                    act_v = fill(act, [fact], [v[1]])
                    return tuple(self._condition(cp, act_v) for cp in readers)

                values = values + conviction_pairs(values, signature)
            tried: list[tuple[str, Any, Outcome]] = []
            cited: dict[Outcome, list[str]] = {}
            cited_by: dict[str, list[str]] = {}
            # values that decide every condition reading the fact alike get the same
            # answer (the other conditions do not see the fact): settled once per truth
            # tuple, the presumed value's being the base answer (pairs of papers mostly
            # repeat one of their papers)
            same: dict[tuple, tuple[Outcome, list[str]]] = {}
            base_key = tuple(applies[cp.id] for cp in readers)
            if None not in base_key:
                same[base_key] = (base.outcome, [])
            for label, value in values:
                if label == presumed[fact]:
                    tried.append((label, value, base.outcome))
                    continue
                act_v = fill(act, [fact], [value])
                local = dict(applies)
                for cp in readers:
                    local[cp.id] = self._condition(cp, act_v)
                key = tuple(local[cp.id] for cp in readers)
                if key not in same or None in key:
                    still = [cp for cp in evaluated if local[cp.id] is None]
                    found = self._settle(plan, act_v, local, still, open_facts, entity, day)
                    # the provisions carrying it: those of its answer whose condition reads
                    # the fact (the exception it triggers), else all of them
                    cites = found.citations(local)
                    carrying = [c for c in cites if fact in self.corpus.provisions[c.id].condition.facts] or cites
                    same[key] = (found.outcome, [c.id for c in carrying])
                outcome, carrying_ids = same[key]
                tried.append((label, value, outcome))
                ids = cited.setdefault(outcome, [])
                ids.extend(c for c in carrying_ids if c not in ids)
                cited_by[label] = carrying_ids
            if fact == "subject.convictions":  # a pair that gives what one of its convictions gives alone says nothing more
                alone = {label: outcome for label, _, outcome in tried}
                tried = [t for t in tried if PAIR not in t[0] or all(alone.get(x) != t[2] for x in t[0].split(PAIR))]
            by_outcome: dict[Outcome, tuple[list[str], list[str]]] = {}
            for label, outcome in value_ranges(fact, tried):
                if outcome is not base.outcome:
                    by_outcome.setdefault(outcome, ([], cited[outcome]))[0].append(label)
            for outcome in sorted(by_outcome, key=_order):
                labels, ids = by_outcome[outcome]
                kept = alone_first(fact, labels)  # a pair of papers whose one paper alone is listed says nothing more
                if kept != labels:
                    labels = kept
                    ids = [i for i in ids if i in {c for lb in kept for c in cited_by[lb]}] or ids
                out.append(Unless(fact=fact, values=labels, text=unless_values_text(fact, labels, "en"),
                                  outcome=outcome, citations=ids))
        return out

    def _decision(self, req: Request, res: Resolved, day: dt.date, **extra: Any) -> Decision:
        depends = [m.fact for m in extra.get("depends_on", [])]
        missing_law = [t.name for t in res.trace if t.combination == NOT_ENCODED]
        none_found = [f"{t.name}{t.combination[len(NONE_FOUND):]}" for t in res.trace
                      if t.combination.startswith(NONE_FOUND)]
        overdue = _overdue(req, res.outcome)
        if overdue:
            extra = {**extra, "supplied": [*extra.get("supplied", []), *overdue]}
        text = summarize(res.outcome, req.action, depends, missing_law, none_found, unless=extra.get("unless"),
                         overdue=bool(overdue))
        # a disputed provision that would give the answer already given changes nothing: say only that it is disputed
        same = WOULD_MAKE.format(res.outcome.value)
        contested = [c.model_copy(update={"reason": c.reason.replace(same, "")}) if c.reason.endswith(same) else c
                     for c in res.contested]
        return freeze(Decision(outcome=res.outcome, summary=text,
                               action=req.action, not_encoded=missing_law,
                               citations=res.citations, duties=res.duties, trace=res.trace, contested=contested,
                               conflicts=res.conflicts, as_of=day, corpus_version=self.corpus.version, **extra))

    def _answer(self, req: Request, plan: Plan, found: "_Settled", applies: dict[str, bool | None],
                open_facts: list[str], day: dt.date, supplied: list[str], marked: dict[str, list[str]] | None = None,
                **extra: Any) -> Decision:
        """The decision from the answers over the open facts: definite when they all
        agree, else ``conditional`` with what each open fact's values give. ``marked``:
        provision id -> the presumed facts that decided its condition (the trace says so)."""
        entity = req.responder.entity.value
        results, groups, choices = found.results, found.groups, found.choices
        # a copy: the resolution is shared with other requests of the plan
        trace = list(self._resolve(plan, applies, entity, day, frozenset(open_facts)).trace)
        for i, layer in enumerate(trace):  # a layer is undetermined only if the missing facts move it
            verdicts = {(r.trace[i].verdict, r.trace[i].combination) for r in results}
            if len(verdicts) == 1:
                verdict, how = verdicts.pop()
                trace[i] = layer.model_copy(update={"verdict": verdict, "combination": how})
        if marked:
            trace = _mark_presumed(trace, marked)
        duties = _common([r.duties for r in results], key=lambda d: (d.text, d.cite))
        possible = self._possible_duties(results, duties, open_facts)
        if possible:
            extra = {**extra, "possible_duties": possible}
        contested = [c if applies.get(c.id) is not None else
                     c.model_copy(update={"reason": "may apply, depending on facts not given; " + _unapplied(c.reason)})
                     for c in _union([r.contested for r in results], key=lambda c: c.id)]
        if found.outcome is not Outcome.conditional:
            first = results[0]
            return self._decision(req, Resolved(first.outcome, found.citations(applies), duties, trace, contested,
                                                first.conflicts), day, supplied=supplied, **extra)
        outcomes = {r.outcome for r in results}
        depends: list[MissingFact] = []
        for gi, group in enumerate(groups):
            others = [list(g.vectors) for j, g in enumerate(groups) if j != gi]
            for fact in group.facts:
                per_value: dict[str, set[Outcome]] = {}
                for (f, label), vectors in group.by_value.items():
                    if f != fact:
                        continue
                    seen_outcomes = per_value.setdefault(label, set())
                    for vec in vectors:
                        for rest in itertools.product(*others):
                            choice = list(rest)
                            choice.insert(gi, vec)
                            seen_outcomes.add(found.outcome_of(tuple(choice)).outcome)
                if fact == "attachments":  # a pair of papers that gives what one of them gives alone says nothing more
                    per_value = {label: v for label, v in per_value.items() if PAPER_PAIR not in label
                                 or all(per_value.get(part) != v for part in label.split(PAPER_PAIR))}
                if len({frozenset(v) for v in per_value.values()}) > 1 or found.incomplete:
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
        return self._decision(req, res, day, depends_on=depends, alternatives=alternatives, supplied=supplied, **extra)


@dataclass
class _Settled:
    """The answers a request can get over its open facts: ``results[i]`` for the
    truth values ``choices[i]`` of the ``groups`` of undetermined conditions;
    ``incomplete`` when a group had too many combinations to try them all."""

    groups: list
    choices: list[tuple]
    results: list[Resolved]
    incomplete: bool
    outcome_of: Any

    @property
    def outcome(self) -> Outcome:
        """The one outcome every combination gives, else ``conditional``."""
        outcomes = {r.outcome for r in self.results}
        return outcomes.pop() if len(outcomes) == 1 and not self.incomplete else Outcome.conditional

    def citations(self, applies: dict[str, bool | None]) -> list:
        """What a definite answer rests on: the provisions that carry it in some case
        and whose own condition the facts at hand decide (the state ban on release
        dates, which an open fact might lift, and the city ban that holds in every
        case), not ones that apply only under facts nobody gave. For a conditional
        answer, every provision any outcome rests on."""
        cites = _union([r.citations for r in self.results], key=lambda c: c.id)
        if self.outcome is Outcome.conditional:
            return cites
        return [c for c in cites if applies.get(c.id) is True] or self.results[0].citations


def _overdue(req: Request, outcome: Outcome) -> list[str]:
    """A forbidden hold of a person the request says is already held past release
    (``context.hours_held_past_release`` > 0) gets a note: release now, not "as
    scheduled". Returns ``[note]`` or ``[]``."""
    hours = req.context.hours_held_past_release
    if req.action is Action.detainer_hold and outcome is Outcome.prohibited and hours:
        return [OVERDUE.format(hours=f"{hours:g}")]
    return []


def _mark_presumed(trace: list, marked: dict[str, list[str]]) -> list:
    """The trace with each provision whose condition a presumed value decided saying
    so, in plain words (``marked``: provision id -> the presumed facts it read)."""
    out = []
    for layer in trace:
        rows = []
        for row in layer.provisions:
            if marked.get(row.id):
                words = "; ".join(presumed_value_text(f, "en") for f in marked[row.id])
                row = row.model_copy(update={"reason": f"{row.reason} (presumed: {words})"})
            rows.append(row)
        out.append(layer.model_copy(update={"provisions": rows}))
    return out


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
