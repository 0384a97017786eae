"""``cooprules lint``: DESIGN.md's corpus checks. Every finding names the file, the
provision id and the field.

Checks: the files load and validate (required metadata, vocabulary words, dates, a
source URL on every provision and a cite on every duty); conditions compile and read
only vocabulary fields ("did you mean"); ids are unique and start with their folder's
prefix; ``overrides`` point at existing provisions, not at themselves, not in a cycle;
every folder's ``ocd_id`` is in the jurisdiction registry; conditions evaluate to true
or false on sample requests; no two provisions of one layer give ``required`` and
``prohibited`` for the same request with no exception between them; and provenance
(DESIGN.md, provisions table): a ``confirmed`` or ``secondary`` provision has
``checked: {url, on, what}``, a ``confirmed`` one was checked against the ``text``
(not a summary or report), no check is dated in the future, and (shipped corpus) no
provision generated from ICE's 287(g) list claims more than its model's confidence;
every state and District folder records the 2024, 2025 and 2026 sessions as checked
(``sessions_checked``), each session once, no check dated in the future.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import Any

from .celbinding import cel

from ..errors import did_you_mean
from ..vocabulary import (
    Action, Agreement287g, Effect, Entity, Instrument, InfoType, Location, OffenceCategory, Purpose,
    Requester, Role,
)
from .binds import check_binds
from .conditions import ConditionError
from .loader import CompiledProvision, default_rules_path, read_tree


@dataclass(frozen=True)
class Finding:
    """One lint finding: file, provision id (if any), field (if any), message."""

    file: str
    message: str
    provision_id: str | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = self.file + (f" [{self.provision_id}]" if self.provision_id else "") + (f" {self.field}" if self.field else "")
        return f"{where}: {self.message}"


def sample_activations(action: Action, count: int = 160, seed: int = 7) -> list[dict[str, Any]]:
    """Deterministic, fully specified requests for ``action`` as CEL activations, used
    to catch conditions that fail at run time and overlapping opposite rules."""
    rng = random.Random(f"{seed}-{action.value}")
    out = []
    for _ in range(count):
        convictions = [{"category": rng.choice(list(OffenceCategory)).value, "years_ago": rng.choice([1, 3, 5, 6, 10, 15, 16, 30])}
                       for _ in range(rng.choice([0, 0, 1, 2]))]
        pending = rng.choice([{"category": "none", "probable_cause_determined": False},
                              {"category": rng.choice(list(OffenceCategory)).value, "probable_cause_determined": rng.random() < 0.5}])
        act: dict[str, Any] = {
            "responder": {"jurisdiction": "ocd-division/country:us", "entity": rng.choice(list(Entity)).value,
                          "agreement_287g": rng.choice(list(Agreement287g)).value},
            "requester": rng.choice(list(Requester)).value,
            "action": action.value,
            "instrument": rng.choice(list(Instrument)).value,
            "attachments": rng.sample([i.value for i in Instrument], rng.choice([0, 0, 1])),
            "subject": {"role": rng.choice(list(Role)).value, "minor": rng.random() < 0.3, "convictions": convictions,
                        "registered_sex_offender": rng.random() < 0.1, "federal_felony_warrant": rng.random() < 0.1,
                        "final_removal_order": rng.random() < 0.2, "previously_removed": rng.random() < 0.2,
                        "consent_given": rng.random() < 0.3, "pending_charge": pending},
            "context": {"location": rng.choice(list(Location)).value, "purpose": rng.choice(list(Purpose)).value,
                        "info_publicly_available": rng.random() < 0.3, "exigent_circumstances": rng.random() < 0.2,
                        "hours_held_past_release": rng.choice([0, 12, 47, 48, 49, 72])},
        }
        act["info_type"] = rng.choice(list(InfoType)).value if action is Action.information_sharing else ""
        out.append(act)
    return out


def _contexts(action: Action) -> list[tuple[dict[str, Any], "cel.Context"]]:
    out = []
    for act in sample_activations(action):
        ctx = cel.Context()
        for k, v in act.items():
            ctx.add_variable(k, v)
        out.append((act, ctx))
    return out


#: The state-level governments every national corpus must have a folder for.
STATES_AND_DC = re.compile(r"^ocd-division/country:us/(state:[a-z]{2}|district:dc)$")


def lint(root: str | Path | None = None, registry=None, national: bool | None = None,
         translations: bool = True) -> list[Finding]:
    """Run every check on the corpus at ``root`` (default: the shipped corpus).

    ``translations`` (default True) includes the check that every text shown to users
    has a translation; ``whatif`` leaves it out, since a draft is tested before anyone
    translates it.

    ``national`` (default: True for the shipped corpus) also requires a folder with at
    least one rule file for every state and DC, even where the file only records that
    no state statute speaks to the question.
    Returns the findings (empty when clean); never raises for a defect in the corpus.
    """
    if national is None:
        national = root is None
    root = Path(root) if root is not None else default_rules_path()
    try:
        provisions, folders, folder_paths, _docs, _version, errors = read_tree(root)
    except Exception as exc:  # the root itself is unreadable
        return [Finding(str(root), str(exc))]
    findings = [Finding(e.file, str(e).split(": ", 1)[-1], e.provision_id, e.field_name) for e in errors]
    by_id: dict[str, CompiledProvision] = {}
    for cp in provisions:
        if cp.id in by_id:
            findings.append(Finding(cp.file, f"duplicate id (also in {by_id[cp.id].file})", cp.id, "id"))
        by_id.setdefault(cp.id, cp)
    findings += _check_overrides(by_id)
    if registry is None:
        from ..jurisdictions import load_registry

        registry = load_registry()
    for ocd_id, rel in folder_paths.items():
        if ocd_id not in registry:
            findings.append(Finding(f"{rel}/_jurisdiction.yaml", f"ocd_id {ocd_id} is not in the jurisdiction registry", None, "ocd_id"))
    findings += _check_runtime_and_overlap(list(by_id.values()))
    findings += check_binds(by_id.values())  # a hand-picked part of a named class says why
    findings += check_provenance(provisions)
    findings += _check_none_found(folders, folder_paths, registry)
    findings += check_sessions_checked(folders, folder_paths, national=national)
    findings += check_periods_checked(folders, folder_paths)
    if national:
        findings += _check_every_state(registry, folder_paths, _docs)
        findings += _check_generated_provenance()
    if translations:  # reads the gettext catalogs with Babel (the 'web' extra): imported only here
        from ..wording.law import lint_findings as translation_findings

        findings += translation_findings(root, provisions, national)
    return findings


#: What each level of ``checked.what`` can support, strongest first.
_WHAT_SUPPORTS = {"text": ("confirmed", "secondary", "unconfirmed"),
                  "summary": ("secondary", "unconfirmed"), "report": ("secondary", "unconfirmed")}


def check_provenance(provisions: list[CompiledProvision], today: dt.date | None = None) -> list[Finding]:
    """Provenance findings (DESIGN.md, provisions table), one per defect, naming the
    file, the provision id and the field:

    * ``confidence`` ``confirmed`` or ``secondary`` with no ``checked``;
    * ``confirmed`` whose ``checked.what`` is ``summary`` or ``report`` (that is
      ``secondary`` at most);
    * ``checked.on`` after ``today`` (default: the system date).

    ``provisions`` are compiled provisions (hand-written or generated). Returns a list
    (empty when clean); never raises.
    """
    today = today or dt.date.today()
    out = []
    for cp in provisions:
        p = cp.provision
        level = p.confidence.value
        if level in ("confirmed", "secondary") and p.checked is None:
            out.append(Finding(cp.file, f"confidence '{level}' needs checked: {{url, on: YYYY-MM-DD, what: text|summary|report}} "
                                        "(where and when the text was read); otherwise say 'unconfirmed'", p.id, "checked"))
            continue
        if p.checked is None:
            continue
        if level not in _WHAT_SUPPORTS[p.checked.what]:
            out.append(Finding(cp.file, f"confidence '{level}' but checked.what is '{p.checked.what}': a {p.checked.what} "
                                        "supports 'secondary' at most", p.id, "confidence"))
        if p.checked.on > today:
            out.append(Finding(cp.file, f"checked.on {p.checked.on} is in the future", p.id, "checked.on"))
    return out


def _check_none_found(folders, folder_paths: dict[str, str], registry) -> list[Finding]:
    """``none_found`` entries: in the registry, under the folder's lawmaker, listed
    once, and not a government whose own law is encoded (a folder of its own)."""
    out, seen = [], {}
    for ocd_id, folder in folders.items():
        rel = f"{folder_paths.get(ocd_id, ocd_id)}/_jurisdiction.yaml"
        for i, nf in enumerate(folder.none_found):
            where = f"none_found[{i}].ocd_id"
            if nf.ocd_id not in registry:
                out.append(Finding(rel, f"{nf.ocd_id} is not in the jurisdiction registry", None, where))
            elif not nf.ocd_id.startswith(ocd_id + "/"):
                out.append(Finding(rel, f"{nf.ocd_id} is not under {ocd_id}: list it in its own state's folder", None, where))
            if nf.ocd_id in folders:
                out.append(Finding(rel, f"{nf.ocd_id} has a folder of encoded law: it cannot also be 'none found'", None, where))
            if nf.ocd_id in seen:
                out.append(Finding(rel, f"{nf.ocd_id} is listed twice (also in {seen[nf.ocd_id]})", None, where))
            seen.setdefault(nf.ocd_id, rel)
    return out


#: The legislative sessions every state folder must record as checked (issue 11 item 3).
REQUIRED_SESSIONS = (2024, 2025, 2026)


def check_sessions_checked(folders, folder_paths: dict[str, str], national: bool = True,
                           today: dt.date | None = None) -> list[Finding]:
    """``sessions_checked`` findings, naming the folder's ``_jurisdiction.yaml`` and the
    entry: a session listed twice, a check dated in the future, and (``national``) a
    state or District folder that does not list every session in
    :data:`REQUIRED_SESSIONS`. ``folders``: OCD-ID -> JurisdictionFolder;
    ``folder_paths``: OCD-ID -> folder path relative to the rules root. Returns a list
    (empty when clean); never raises."""
    today = today or dt.date.today()
    out = []
    for ocd_id, folder in sorted(folders.items()):
        rel = f"{folder_paths.get(ocd_id, ocd_id)}/_jurisdiction.yaml"
        seen: set[int] = set()
        for i, sc in enumerate(folder.sessions_checked):
            if sc.session in seen:
                out.append(Finding(rel, f"session {sc.session} is listed twice", None, f"sessions_checked[{i}].session"))
            seen.add(sc.session)
            if sc.on > today:
                out.append(Finding(rel, f"checked on {sc.on}, in the future", None, f"sessions_checked[{i}].on"))
        if national and STATES_AND_DC.match(ocd_id):
            missing = [str(y) for y in REQUIRED_SESSIONS if y not in seen]
            if missing:
                out.append(Finding(rel, "sessions not recorded as checked: " + ", ".join(missing) + " (each state folder "
                                        "lists sessions_checked: [{session, on, searched, found}] for "
                                        + ", ".join(map(str, REQUIRED_SESSIONS)) + ")", None, "sessions_checked"))
    return out


def check_periods_checked(folders, folder_paths: dict[str, str], today: dt.date | None = None) -> list[Finding]:
    """``periods_checked`` findings, naming the folder's ``_jurisdiction.yaml`` and the
    entry: a check dated in the future, and a span that reaches past the year of its
    check (a year cannot be checked before it happens). Years left unchecked are not
    findings: ``cooprules coverage --periods`` reports them. ``folders``: OCD-ID ->
    JurisdictionFolder; ``folder_paths``: OCD-ID -> folder path relative to the rules
    root. Returns a list (empty when clean); never raises."""
    today = today or dt.date.today()
    out = []
    for ocd_id, folder in sorted(folders.items()):
        rel = f"{folder_paths.get(ocd_id, ocd_id)}/_jurisdiction.yaml"
        for i, period in enumerate(folder.periods_checked):
            if period.on > today:
                out.append(Finding(rel, f"checked on {period.on}, in the future", None, f"periods_checked[{i}].on"))
            if period.last_year > period.on.year:
                out.append(Finding(rel, f"the span reaches {period.last_year}, after the year of its check "
                                        f"({period.on})", None, f"periods_checked[{i}].to"))
    return out


def _check_generated_provenance() -> list[Finding]:
    """The provisions generated from ICE's 287(g) list claim no more than the
    confidence of their model's YAML (``rules/us/287g-model-*.yaml``)."""
    from ..agreements.models import load_models
    from .loader import agreement_provisions

    order = {"unconfirmed": 0, "secondary": 1, "confirmed": 2}
    try:
        models = load_models()
        generated, _ = agreement_provisions()
    except Exception as exc:  # a broken template is itself the finding
        return [Finding("(287(g) list)", f"cannot build the generated provisions: {exc}")]
    out = check_provenance(generated)
    missing = [m.value for m in Agreement287g if m is not Agreement287g.none and models.get(m) is None]
    if missing:
        out.append(Finding("us/", "no model YAML for " + ", ".join(missing) + ": its agreements generate no provision"))
    for cp in generated:
        model = models.for_provision_id(cp.id)
        if model is None:
            out.append(Finding(cp.file, "no model template for this generated provision", cp.id, "confidence"))
            continue
        if order[cp.provision.confidence.value] > order[model.confidence.value]:
            out.append(Finding(cp.file, f"claims '{cp.provision.confidence.value}', more than its model template "
                                        f"{model.id} ('{model.confidence.value}')", cp.id, "confidence"))
    return out


def _check_every_state(registry, folder_paths: dict[str, str], documents: dict[str, Any]) -> list[Finding]:
    out = []
    for ocd_id in sorted(i for i in registry.ids() if STATES_AND_DC.match(i)):
        rel = folder_paths.get(ocd_id)
        has_file = rel is not None and any(d.rsplit("/", 1)[0] == rel for d in documents)
        if not has_file:
            out.append(Finding(f"us/{ocd_id.rsplit(':', 1)[-1]}/", f"no rule file for {ocd_id}: every state has a file, "
                               "even one that records that no state statute speaks to the question (and what was searched)"))
    return out


def _check_overrides(by_id: dict[str, CompiledProvision]) -> list[Finding]:
    out = []
    for cp in by_id.values():
        for target in cp.provision.overrides:
            if target == cp.id:
                out.append(Finding(cp.file, "overrides itself", cp.id, "overrides"))
            elif target not in by_id:
                guess = did_you_mean(target, by_id)
                out.append(Finding(cp.file, f"overrides '{target}', which does not exist" + (f" (did you mean '{guess}'?)" if guess else ""), cp.id, "overrides"))
            elif not set(cp.provision.actions) & set(by_id[target].provision.actions):
                out.append(Finding(cp.file, f"overrides '{target}' but they share no action", cp.id, "overrides"))
    # cycles: depth-first search over the overrides graph
    state: dict[str, int] = {}

    def visit(pid: str, path: list[str]) -> None:
        state[pid] = 1
        for target in by_id[pid].provision.overrides:
            if target not in by_id or target == pid:
                continue
            if state.get(target) == 1:
                cycle = path[path.index(target):] + [target] if target in path else [pid, target]
                out.append(Finding(by_id[pid].file, "overrides form a cycle: " + " -> ".join(cycle), pid, "overrides"))
            elif target not in state:
                visit(target, path + [target])
        state[pid] = 2

    for pid in by_id:
        if pid not in state:
            visit(pid, [pid])
    return out


def _reaches(by_id: dict[str, CompiledProvision], a: str, b: str) -> bool:
    """Whether ``a`` overrides ``b`` directly or through a chain of exceptions."""
    seen, stack = set(), [a]
    while stack:
        cur = stack.pop()
        for t in by_id[cur].provision.overrides if cur in by_id else ():
            if t == b:
                return True
            if t not in seen:
                seen.add(t)
                stack.append(t)
    return False


def _check_runtime_and_overlap(provisions: list[CompiledProvision]) -> list[Finding]:
    out: list[Finding] = []
    by_id = {cp.id: cp for cp in provisions}
    for action in Action:
        relevant = [cp for cp in provisions if action in cp.provision.actions]
        if not relevant:
            continue
        samples = _contexts(action)
        truth: dict[str, list[bool]] = {}
        for cp in relevant:
            row = []
            for act, ctx in samples:
                try:
                    value = cp.condition.evaluate(ctx)
                except ConditionError as exc:
                    out.append(Finding(cp.file, f"condition fails on a valid request: {exc}", cp.id, "when"))
                    break
                row.append(bool(value) and _binds(cp, act["responder"]["entity"]))
            truth[cp.id] = row
        deciding = [cp for cp in relevant if cp.provision.effect in (Effect.required, Effect.prohibited)]
        for a, b in combinations(deciding, 2):
            pa, pb = a.provision, b.provision
            if pa.effect == pb.effect or (pa.jurisdiction, a.agency) != (pb.jurisdiction, b.agency):
                continue
            if not _dates_overlap(pa, pb) or _reaches(by_id, a.id, b.id) or _reaches(by_id, b.id, a.id):
                continue
            ra, rb = truth.get(a.id, []), truth.get(b.id, [])
            if any(x and y for x, y in zip(ra, rb)):
                out.append(Finding(a.file, f"for {action.value}, {pa.effect.value} here and {pb.effect.value} in {b.id} "
                                           "can both apply to one request, with no exception between them", a.id, "effect"))
    return out


def _binds(cp: CompiledProvision, entity: str) -> bool:
    b = cp.provision.binds
    # sheriff and jail are one office wherever the sheriff runs the jail (office_words)
    words = {"sheriff", "jail"} if entity in ("sheriff", "jail") else {entity}
    return b == "all" or not words.isdisjoint(e.value for e in b)


def _dates_overlap(a, b) -> bool:
    a_end = a.effective_to or dt.date.max
    b_end = b.effective_to or dt.date.max
    return a.effective_from < b_end and b.effective_from < a_end
