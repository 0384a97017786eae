"""Step 1 and 2 of DESIGN.md: the chain of lawmakers for a responder, and the
provisions of each that are in force on the date and bind the responder's kind.

The chain is not the OCD-ID's path prefixes: a school district's id nests its county
(``.../county:los_angeles/school_district:los_angeles_unified``) yet the county board
does not legislate for the district. The chain is: the country, the state, and the
responder's own local government (its county, place or school district). Each lawmaker
gives a law layer and, below it, a layer of its agencies' own policies.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..corpus.loader import CompiledProvision, Corpus, layer_name
from ..corpus.schema import Status
from ..jurisdictions.jail_operators import office_words
from ..vocabulary import Action, Entity


@dataclass(frozen=True)
class Inactive:
    """A provision of the chain that does not count on this date, and why: ``kind`` is
    ``dates`` (not in force on the date), ``enjoined`` or ``repealed``."""

    provision: CompiledProvision
    reason: str
    kind: str


@dataclass
class LayerPlan:
    """One layer: its name (``federal``, ``state``, ``county``, ``city``,
    ``school_district``, ``..._agency``), lawmaker, the provisions that count
    (``active``), those reported only (``inactive``: not in force, enjoined, repealed)
    and those whose binding on this entity is disputed (``disputed``)."""

    name: str
    jurisdiction: str
    title: str
    active: list[CompiledProvision] = field(default_factory=list)
    inactive: list[Inactive] = field(default_factory=list)
    disputed: list[CompiledProvision] = field(default_factory=list)
    encoded: bool = True
    #: for a lawmaker with no folder: its "none found" record (checked, no law of its
    #: own), or None when nobody checked (corpus/coverage.py)
    checked_none: object | None = None


@dataclass
class Plan:
    """Everything about a (jurisdiction, entity, action, period) that does not depend
    on the request's facts; computed once and cached.

    ``facts``: the optional facts read by any condition that is evaluated;
    ``overridden_by``: provision id -> ids of active provisions that override it.
    """

    layers: list[LayerPlan]
    facts: tuple[str, ...]
    overridden_by: dict[str, tuple[str, ...]]
    #: the engine's cache key for it: (jurisdiction, entity, action, period)
    key: tuple = ()
    _evaluated: list[CompiledProvision] | None = None

    def evaluated(self) -> list[CompiledProvision]:
        """Every provision whose condition is evaluated for a request: the active ones,
        and the enjoined and disputed ones (so the decision can report them)."""
        if self._evaluated is not None:
            return self._evaluated
        out = []
        for layer in self.layers:
            out.extend(layer.active)
            out.extend(layer.disputed)
            out.extend(i.provision for i in layer.inactive if i.kind == "enjoined")
        self._evaluated = out
        return out


def lawmakers(registry, ocd_id: str) -> list[str]:
    """The chain of lawmakers for a responder: country, state, own local government.

    ``registry`` is a :class:`cooprules.jurisdictions.Registry`; ``ocd_id`` must be
    canonical. Returns OCD-IDs, highest first.
    """
    chain = ["ocd-division/country:us"]
    state = registry.state_of(ocd_id)
    if state:
        chain.append(state)
    local = registry.local_government_of(ocd_id)
    if local and local not in chain:
        chain.append(local)
    return chain


def chain_provisions(corpus: Corpus, registry, ocd_id: str, action: Action) -> list[CompiledProvision]:
    """Every provision of the responder's chain of lawmakers on ``action``, whatever
    its dates: the days on which they change are the only days the answer can."""
    return [cp for lawmaker in lawmakers(registry, ocd_id) for cp in corpus.by_lawmaker.get((lawmaker, action), ())]


def build_plan(corpus: Corpus, registry, ocd_id: str, entity: Entity, action: Action, day: dt.date) -> Plan:
    """Compute the :class:`Plan` for a responder, an action and a date (DESIGN.md
    Semantics 1–2). The responder is the office asked: the set of entity words that
    name it there (:func:`~cooprules.jurisdictions.jail_operators.office_words`: where
    the sheriff runs the county jail, ``sheriff`` and ``jail`` are one office; where a
    county department runs it, ``jail`` is that department). A provision binds the
    office when its ``binds`` names any of those words; one whose ``binds_contested``
    names any of them goes to ``disputed``."""
    from ..corpus.coverage import none_found_index

    words = office_words(ocd_id, entity)
    chain = lawmakers(registry, ocd_id)
    none_found = none_found_index(corpus)
    by_jurisdiction: dict[tuple[str, bool], list[CompiledProvision]] = {}
    for lawmaker in chain:
        for cp in corpus.by_lawmaker.get((lawmaker, action), ()):
            by_jurisdiction.setdefault((lawmaker, cp.agency), []).append(cp)
    layers: list[LayerPlan] = []
    for lawmaker in chain:
        folder = corpus.folders.get(lawmaker)
        title = folder.name if folder else _registry_name(registry, lawmaker)
        for agency in (False, True):
            provisions = by_jurisdiction.get((lawmaker, agency), [])
            if agency and not provisions:
                continue
            layer = LayerPlan(layer_name(lawmaker, agency), lawmaker,
                              title + (" (agency policies and 287(g) agreements)" if agency else ""),
                              encoded=folder is not None or agency,
                              checked_none=none_found.get(lawmaker) if folder is None and not agency else None)
            for cp in provisions:
                p = cp.provision
                if not words.isdisjoint(p.binds_contested):
                    if p.in_force_on(day) and p.status not in (Status.enjoined, Status.repealed):
                        layer.disputed.append(cp)
                    continue
                if not (p.binds == "all" or not words.isdisjoint(p.binds)):
                    continue
                if not p.in_force_on(day):
                    span = f"{p.effective_from}" + (f" to {p.effective_to}" if p.effective_to else " on")
                    layer.inactive.append(Inactive(cp, f"not in force on this date (in force {span})", "dates"))
                elif p.status is Status.enjoined:
                    layer.inactive.append(Inactive(cp, "enjoined: left out of the answer", "enjoined"))
                elif p.status is Status.repealed:
                    layer.inactive.append(Inactive(cp, "repealed: left out of the answer", "repealed"))
                else:
                    layer.active.append(cp)
            layers.append(layer)
    active_ids = {cp.id for layer in layers for cp in layer.active}
    overridden_by: dict[str, list[str]] = {}
    for layer in layers:
        for cp in layer.active:
            for target in cp.provision.overrides:
                if target in active_ids:
                    overridden_by.setdefault(target, []).append(cp.id)
    plan = Plan(layers, (), {k: tuple(v) for k, v in overridden_by.items()})
    facts = sorted({f for cp in plan.evaluated() for f in cp.condition.facts})
    plan.facts = tuple(facts)
    return plan


def _registry_name(registry, ocd_id: str) -> str:
    try:
        return registry.get(ocd_id).name
    except Exception:  # a lawmaker the registry lacks still gets a readable name
        return ocd_id.rsplit("/", 1)[-1].split(":", 1)[-1].replace("_", " ").title()
