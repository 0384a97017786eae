"""Scenario files: YAML cases a lawyer can read, each with the expected outcome and the
citations the answer must rest on (docs/rule-format.md). Used by ``cooprules test``
and by the pytest suite; every case runs through the single-request path and the
batch path, and the two must agree.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


from .errors import RequestError
from .vocabulary import Decision, Outcome

EXPECT_KEYS = {"outcome", "citations", "duties", "depends_on", "contested", "layers", "presumed", "unless"}
UNLESS_KEYS = {"fact", "value", "values", "outcome", "citations"}
DEPENDS_KEYS = {"fact", "values"}


class ScenarioError(ValueError):
    """A scenario file that cannot be read: names the file and the case."""


@dataclass
class Case:
    """One scenario case: where it is, its name, the request and what is expected."""

    file: str
    name: str
    request: dict[str, Any]
    expect: dict[str, Any]

    @property
    def label(self) -> str:
        return f"{self.file}::{self.name}"


@dataclass
class Result:
    """A case's result: the decision and every way it differs from the expectation."""

    case: Case
    decision: Decision | None
    problems: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.problems


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for k, v in over.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else copy.deepcopy(v)
    return out


def _json_ready(value: Any) -> Any:
    """YAML reads dates as date objects; requests carry them as ISO text."""
    if isinstance(value, dict):
        return {k: _json_ready(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_ready(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def load_file(path: Path, root: Path | None = None) -> list[Case]:
    """The cases of one scenario file. Raises ScenarioError naming the file and case."""
    rel = str(path.relative_to(root)) if root and path.is_relative_to(root) else str(path)
    from .corpus.loader import read_yaml_file
    from .errors import CorpusError

    try:  # a regular file within the size and depth limits
        data = read_yaml_file(path, rel)
    except CorpusError as exc:
        raise ScenarioError(str(exc)) from None
    if not isinstance(data, dict) or not isinstance(data.get("cases"), list):
        raise ScenarioError(f"{rel}: a scenario file has a 'cases' list (and optional 'defaults')")
    unknown = set(data) - {"defaults", "cases", "jurisdiction", "description"}
    if unknown:
        raise ScenarioError(f"{rel}: unknown top-level keys {sorted(unknown)}")
    defaults = data.get("defaults") or {}
    cases = []
    for i, raw in enumerate(data["cases"]):
        name = raw.get("name") if isinstance(raw, dict) else None
        if not name or "expect" not in raw or "request" not in raw:
            raise ScenarioError(f"{rel}: case {i + 1} needs name, request and expect")
        expect = raw["expect"] or {}
        if set(expect) - EXPECT_KEYS or "outcome" not in expect:
            raise ScenarioError(f"{rel}: case '{name}': expect takes outcome (required) and "
                                f"{sorted(EXPECT_KEYS - {'outcome'})}; got {sorted(expect)}")
        if expect["outcome"] not in {o.value for o in Outcome}:
            raise ScenarioError(f"{rel}: case '{name}': outcome '{expect['outcome']}' is not one of {[o.value for o in Outcome]}")
        problem = _expect_shape(expect)
        if problem:
            raise ScenarioError(f"{rel}: case '{name}': {problem}")
        request = _json_ready(_merge(defaults, raw["request"] or {}))
        cases.append(Case(rel, str(name), request, expect))
    return cases


_OUTCOMES = {o.value for o in Outcome}


def _expect_shape(expect: dict[str, Any]) -> str | None:
    """What is wrong with the shape of ``expect.presumed``, ``expect.unless`` and
    ``expect.depends_on`` (docs/rule-format.md), or None."""
    for key in ("citations", "duties", "contested"):
        if key in expect and not isinstance(expect[key], list):
            return f"expect.{key} is a list of provision ids"
    presumed = expect.get("presumed")
    if presumed is not None and not isinstance(presumed, (list, dict)):
        return "expect.presumed is a list of facts or a map fact: value"
    unless = expect.get("unless")
    if unless is not None:
        if not isinstance(unless, list):
            return "expect.unless is a list of {fact, value or values, outcome, citations?}"
        for i, item in enumerate(unless):
            if not isinstance(item, dict) or set(item) - UNLESS_KEYS or "fact" not in item or "outcome" not in item \
                    or ("value" in item) == ("values" in item):
                return (f"expect.unless item {i + 1}: write {{fact, value (or values: [..]), outcome, citations?}}; "
                        f"got {item!r}")
            if item["outcome"] not in _OUTCOMES:
                return f"expect.unless item {i + 1}: outcome '{item['outcome']}' is not one of {sorted(_OUTCOMES)}"
    for i, item in enumerate(expect.get("depends_on") or []):
        if isinstance(item, str):
            continue
        if not isinstance(item, dict) or set(item) - DEPENDS_KEYS or "fact" not in item \
                or not isinstance(item.get("values", {}), dict):
            return f"expect.depends_on item {i + 1}: write a fact, or {{fact, values: {{value: outcome(s)}}}}; got {item!r}"
        for value, outcomes in (item.get("values") or {}).items():
            for o in outcomes if isinstance(outcomes, list) else [outcomes]:
                if o not in _OUTCOMES:
                    return f"expect.depends_on item {i + 1}, value '{value}': outcome '{o}' is not one of {sorted(_OUTCOMES)}"
    return None


def load_scenarios(path: str | Path) -> list[Case]:
    """Every case in a scenario file or in the ``*.yaml`` files under a folder."""
    path = Path(path)
    files = [path] if path.is_file() else sorted(path.rglob("*.yaml"))
    root = path if path.is_dir() else path.parent
    cases: list[Case] = []
    for f in files:
        cases.extend(load_file(f, root.parent if path.is_dir() else root))
    return cases


def check(case: Case, decision: Decision) -> list[str]:
    """Every way ``decision`` differs from ``case.expect`` (empty when it passes).

    ``outcome`` must match; ``citations``, ``duties``, ``contested`` ids must be among
    the decision's; ``depends_on`` facts must be listed, and for ``{fact, values}``
    each value must give exactly those outcomes; ``presumed`` facts (with their values
    when written as a map) must be presumed, ``[]`` meaning none; each ``unless`` item
    must be in an ``unless`` of the decision for that fact and outcome, with its
    citations; ``unless: []`` means none; ``layers`` verdicts must match."""
    exp = case.expect
    problems = []
    if decision.outcome.value != exp["outcome"]:
        problems.append(f"outcome {decision.outcome.value}, expected {exp['outcome']}")
    present = {
        "citations": {c.id for c in decision.citations},
        "duties": {d.provision_id for d in decision.duties},
        "contested": {c.id for c in decision.contested},
    }
    for key, found in present.items():
        lacking = [x for x in exp.get(key) or [] if x not in found]
        if lacking:
            problems.append(f"{key} lacks {lacking} (has: {sorted(found)})")
    problems += _check_depends(exp.get("depends_on") or [], decision)
    problems += _check_presumed(exp.get("presumed"), decision)
    problems += _check_unless(exp.get("unless"), decision)
    for layer, verdict in (exp.get("layers") or {}).items():
        got = [t.verdict for t in decision.trace if t.layer == layer]
        if got != [verdict]:
            problems.append(f"layer {layer}: verdict {got or 'absent'}, expected {verdict}")
    return problems


def _check_depends(items: list[Any], decision: Decision) -> list[str]:
    by_fact = {m.fact: m for m in decision.depends_on}
    problems = []
    for item in items:
        fact = item if isinstance(item, str) else item["fact"]
        if fact not in by_fact:
            problems.append(f"depends_on lacks ['{fact}'] (has: {sorted(by_fact)})")
            continue
        if isinstance(item, str):
            continue
        got = {v.value: sorted(o.value for o in v.outcomes) for v in by_fact[fact].values}
        for value, outcomes in (item.get("values") or {}).items():
            want = sorted(outcomes if isinstance(outcomes, list) else [outcomes])
            value = _word(value)
            if value not in got:
                problems.append(f"depends_on {fact}: no value '{value}' (has: {sorted(got)})")
            elif got[value] != want:
                problems.append(f"depends_on {fact} = {value}: outcomes {got[value]}, expected {want}")
    return problems


def _check_presumed(expected: Any, decision: Decision) -> list[str]:
    if expected is None:
        return []
    got = {p.fact: p.value for p in decision.presumed}
    if not expected:
        return [] if not got else [f"presumed {sorted(got)}, expected none"]
    wanted = expected if isinstance(expected, dict) else {f: None for f in expected}
    problems = []
    for fact, value in wanted.items():
        if fact not in got:
            problems.append(f"presumed lacks '{fact}' (has: {sorted(got)})")
        elif value is not None and got[fact] != _word(value):
            problems.append(f"presumed {fact} = {got[fact]}, expected {_word(value)}")
    return problems


def _check_unless(expected: Any, decision: Decision) -> list[str]:
    if expected is None:
        return []
    if not expected:
        return [] if not decision.unless else [
            "unless " + "; ".join(f"{u.fact} {u.values} -> {u.outcome.value}" for u in decision.unless)
            + ", expected none"]
    problems = []
    for item in expected:
        values = [_word(v) for v in (item["values"] if "values" in item else [item["value"]])]
        found = [u for u in decision.unless if u.fact == item["fact"] and u.outcome.value == item["outcome"]]
        if not found:
            has = "; ".join(f"{u.fact} {u.values} -> {u.outcome.value}" for u in decision.unless) or "none"
            problems.append(f"unless lacks {item['fact']} -> {item['outcome']} (has: {has})")
            continue
        u = found[0]
        lacking = [v for v in values if v not in u.values]
        if lacking:
            problems.append(f"unless {item['fact']} -> {item['outcome']} lacks values {lacking} (has: {u.values})")
        cites = [c for c in item.get("citations") or [] if c not in u.citations]
        if cites:
            problems.append(f"unless {item['fact']} -> {item['outcome']} lacks citations {cites} (has: {u.citations})")
    return problems


def _word(value: Any) -> str:
    """A value as the engine labels it (YAML reads true and 0 as a bool and a number)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def run(engine, cases: list[Case]) -> list[Result]:
    """Run every case through ``engine.evaluate`` and ``engine.evaluate_many``; a case
    fails if its decision differs from the expectation or the two paths disagree."""
    batch = engine.evaluate_many([c.request for c in cases])
    results = []
    for case, from_batch in zip(cases, batch):
        try:
            single = engine.evaluate(case.request)
        except RequestError as exc:
            results.append(Result(case, None, [f"invalid request: {exc}"]))
            continue
        problems = check(case, single)
        if not isinstance(from_batch, Decision) or from_batch != single:
            problems.append("the batch path gave a different decision from the single-request path")
        results.append(Result(case, single, problems))
    return results
