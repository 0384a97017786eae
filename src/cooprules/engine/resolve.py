"""Steps 3–7 of DESIGN.md, for a request whose conditions are all decided:
exceptions (defeasibility), each layer's verdict, combination across layers with
preemption, outcome, citations, duties and the trace.

Rules (DESIGN.md, Semantics):
- an applicable provision defeats every provision it ``overrides``, unless it is itself
  defeated (exceptions to exceptions, Catala's default logic);
- in one layer, ``permitted`` yields to ``prohibited`` or ``required`` beside it;
  ``required`` beside ``prohibited`` is a ``conflict``;
- across layers, a higher ``required``/``prohibited`` stands; a lower layer may
  restrict what a higher one only permits, unless the higher permission has
  ``preempts_lower``; a lower ``required`` stands over a higher ``permitted``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..corpus.loader import CompiledProvision
from ..corpus.schema import Status
from ..vocabulary import (
    Citation, Contested, Duty, Effect, LayerTrace, LitigationNote, Outcome, ProvisionTrace,
)
from .layers import Plan

Applies = dict[str, "bool | None"]

#: How the trace describes a government in the chain whose law is not encoded.
NOT_ENCODED = "no law of this government is encoded"
#: How the trace describes a government checked and found to have no law of its own
#: (followed by " (checked YYYY-MM-DD)"); it is not a caution.
NONE_FOUND = "no law of its own found"


@dataclass
class Resolved:
    """The result of resolving one fully decided set of conditions."""

    outcome: Outcome
    citations: list[Citation]
    duties: list[Duty]
    trace: list[LayerTrace]
    contested: list[Contested]
    conflicts: list[str] = field(default_factory=list)


#: How a disputed provision's reason says what it would make the answer.
WOULD_MAKE = " (it would make this {})"

def citation(cp: CompiledProvision) -> Citation:
    """The :class:`Citation` for a provision. (Here and below the decision's parts are
    built with ``model_construct``: their values come from validated provisions, and
    validating them again per request was a third of the engine's time.)"""
    p = cp.provision
    return Citation.model_construct(id=p.id, cite=p.cite, source=str(p.source), title=p.title, layer=cp.layer,
                    confidence=p.confidence.value)


def _litigation(cp: CompiledProvision, day) -> list[LitigationNote]:
    """The provision's litigation known on ``day`` (undated entries always count)."""
    return [n for n in cp.provision.litigation if n.date is None or n.date <= day]


def _defeaters(plan: Plan, applies: Applies) -> dict[str, str | None]:
    """provision id -> id of the applicable, undefeated provision that defeats it (or None)."""
    memo: dict[str, str | None] = {}

    def defeated_by(pid: str, depth: int = 0) -> str | None:
        if pid in memo:
            return memo[pid]
        memo[pid] = None  # cycles are a lint error; this guard keeps a bad corpus from looping
        for q in plan.overridden_by.get(pid, ()):
            if applies.get(q) and depth < 64 and defeated_by(q, depth + 1) is None:
                memo[pid] = q
                break
        return memo[pid]

    return {cp.id: defeated_by(cp.id) for layer in plan.layers for cp in layer.active}


def _strength(effects: set[Effect]) -> str:
    if Effect.required in effects and Effect.prohibited in effects:
        return "conflict"
    for e in (Effect.required, Effect.prohibited, Effect.permitted):
        if e in effects:
            return e.value
    return "silent"


def resolve(plan: Plan, applies: Applies, entity: str, day, missing: frozenset[str] = frozenset()) -> Resolved:
    """Resolve a plan given every condition's value (True/False; None is treated as
    not applying and reported as undetermined, naming the ``missing`` facts it reads).
    ``day`` is the date applied (litigation decided later is not reported).
    Returns a :class:`Resolved`."""
    by_id = {cp.id: cp for layer in plan.layers for cp in layer.active}
    defeater = _defeaters(plan, applies)
    standing_effect: str | None = None  # required / prohibited / permitted / conflict
    support: list[CompiledProvision] = []
    preempting: list[CompiledProvision] = []
    void: set[str] = set()
    conflicts: list[str] = []
    layer_rows: list[tuple[object, str, str, list[CompiledProvision]]] = []

    for layer in plan.layers:
        standing = [cp for cp in layer.active if applies.get(cp.id) and defeater[cp.id] is None]
        deciding = [cp for cp in standing if cp.provision.effect is not None]
        verdict = _strength({cp.provision.effect for cp in deciding})
        winners = [cp for cp in deciding if verdict != "conflict" and cp.provision.effect.value == verdict]
        if verdict == "conflict":  # the required and prohibited ones: a permission beside them yields
            winners = [cp for cp in deciding if cp.provision.effect is not Effect.permitted]
        if not layer.encoded:
            how = (f"{NONE_FOUND} (checked {layer.checked_none.on.isoformat()})"
                   if layer.checked_none is not None else NOT_ENCODED)
        elif verdict == "silent":
            how = "silent: no provision of this layer applies"
        elif standing_effect is None:
            standing_effect, support = verdict, list(winners)
            how = (f"first layer to speak: {verdict}" if verdict != "conflict"
                   else "conflict inside this layer: refer to counsel")
            if verdict == "conflict":
                conflicts.extend(cp.id for cp in winners)
            preempting = [cp for cp in winners if cp.provision.preempts_lower]
        elif standing_effect == "conflict":
            how = "not combined: a higher layer is in conflict"
        elif standing_effect in ("required", "prohibited"):
            if verdict == standing_effect:
                support.extend(winners)
                how = f"agrees: also {verdict}"
            elif verdict == "permitted" and standing_effect == "required":
                how = "permits what a higher layer requires (consistent; the requirement stands)"
            else:
                void.update(cp.id for cp in winners)
                how = (f"yields: the higher layer's {standing_effect} stands over this layer's {verdict}"
                       + (" (the lower rule is preempted)" if verdict != "permitted" else ""))
        else:  # standing_effect == permitted
            if verdict == "permitted":
                support.extend(winners)
                preempting.extend(cp for cp in winners if cp.provision.preempts_lower)
                how = "agrees: also permitted"
            elif verdict == "prohibited" and preempting:
                void.update(cp.id for cp in winners)
                names = ", ".join(f"{cp.provision.cite}" for cp in preempting)
                how = f"preempted: lower layers may not restrict what {names} permits"
            elif verdict == "conflict":
                standing_effect, support = "conflict", list(winners)
                conflicts.extend(cp.id for cp in winners)
                how = "conflict inside this layer: refer to counsel"
            else:
                standing_effect, support, preempting = verdict, list(winners), []
                how = ("restricts: a lower layer may forbid what a higher one only permits"
                       if verdict == "prohibited" else "requires what the higher layer only permits")
        layer_rows.append((layer, verdict, how, standing))

    outcome = Outcome.no_rule if standing_effect is None else Outcome(standing_effect)
    goes_ahead = outcome in (Outcome.permitted, Outcome.required)

    trace: list[LayerTrace] = []
    duties: list[Duty] = []
    seen_duties: set[tuple[str, str]] = set()
    contested: list[Contested] = []
    for layer, verdict, how, standing in layer_rows:
        rows: list[ProvisionTrace] = []
        for cp in layer.active:
            p = cp.provision
            value = applies.get(cp.id)
            if value is None:
                lacking = sorted(cp.condition.facts & missing) or sorted(cp.condition.facts)
                reason, stood = "undetermined: turns on facts not given (" + ", ".join(lacking) + ")", False
            elif not value:
                reason, stood = "condition not met", False
            elif defeater[cp.id]:
                d = by_id[defeater[cp.id]].provision
                reason, stood = f"defeated by the exception {d.id} ({d.cite})", False
            elif cp.id in void:
                reason, stood = "applies, but overridden by a higher layer", False
            elif p.effect is None:
                reason, stood = "applies (duties only)", True
            elif verdict != "silent" and p.effect.value != verdict and (verdict != "conflict" or p.effect is Effect.permitted):
                reason, stood = f"applies; a permission yields to the {verdict} beside it", True
            else:
                reason, stood = "applies", True
            rows.append(ProvisionTrace.model_construct(id=p.id, cite=p.cite, title=p.title, effect=p.effect,
                                       applies=value, stood=stood, reason=reason))
            if value and p.status is Status.contested and not defeater[cp.id] and _litigation(cp, day):
                why = ("applies to this request; courts have questioned or limited it" if stood else
                       "applies to this request but is overridden here; courts have questioned or limited it")
                contested.append(Contested.model_construct(id=p.id, cite=p.cite, status=p.status.value, reason=why,
                                           litigation=_litigation(cp, day)))
            if value and not defeater[cp.id]:  # a voided rule's procedural duties still bind
                for d in p.duties:
                    if d.trigger == "request_received" or goes_ahead:
                        key = (d.text, d.cite)
                        if key not in seen_duties:
                            seen_duties.add(key)
                            duties.append(Duty.model_construct(text=d.text, cite=d.cite, provision_id=p.id, trigger=d.trigger))

        for item in layer.inactive:
            p = item.provision.provision
            rows.append(ProvisionTrace.model_construct(id=p.id, cite=p.cite, title=p.title, effect=p.effect,
                                       applies=applies.get(p.id), stood=False, reason=item.reason))
            if item.kind == "enjoined" and applies.get(p.id):
                contested.append(Contested.model_construct(id=p.id, cite=p.cite, status="enjoined",
                                           reason="would apply to this request but is enjoined, so it is left out",
                                           litigation=_litigation(item.provision, day)))
        for cp in layer.disputed:
            p = cp.provision
            value = applies.get(cp.id)
            rows.append(ProvisionTrace.model_construct(id=p.id, cite=p.cite, title=p.title, effect=p.effect, applies=value,
                                       stood=False, reason=f"not applied: whether it binds {entity} is disputed"))
            if value is not False:
                would = WOULD_MAKE.format(p.effect.value) if p.effect else ""
                contested.append(Contested.model_construct(id=p.id, cite=p.cite, status="binding_disputed",
                                           reason=f"whether this binds {entity} is disputed, so it is not applied{would}",
                                           litigation=_litigation(cp, day)))
        if any(applies.get(cp.id) is None and cp.provision.effect is not None for cp in layer.active):
            verdict, how = "undetermined", "some of its provisions turn on facts not given"  # partial evaluation refines this
        trace.append(LayerTrace.model_construct(layer=layer.name, jurisdiction=layer.jurisdiction, name=layer.title,
                                verdict=verdict, combination=how, provisions=rows))
    cites = [citation(cp) for cp in _unique(support)] if outcome is not Outcome.no_rule else []
    return Resolved(outcome, cites, duties, trace, contested, conflicts)


def _unique(items: list[CompiledProvision]) -> list[CompiledProvision]:
    seen: set[str] = set()
    out = []
    for cp in items:
        if cp.id not in seen:
            seen.add(cp.id)
            out.append(cp)
    return out
