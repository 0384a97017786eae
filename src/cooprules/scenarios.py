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

EXPECT_KEYS = {"outcome", "citations", "duties", "depends_on", "contested", "layers"}


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
        request = _json_ready(_merge(defaults, raw["request"] or {}))
        request.setdefault("attachments", [])  # in scenario files, none unless written (docs/rule-format.md)
        cases.append(Case(rel, str(name), request, expect))
    return cases


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
    """Every way ``decision`` differs from ``case.expect`` (empty when it passes)."""
    exp = case.expect
    problems = []
    if decision.outcome.value != exp["outcome"]:
        problems.append(f"outcome {decision.outcome.value}, expected {exp['outcome']}")
    present = {
        "citations": {c.id for c in decision.citations},
        "duties": {d.provision_id for d in decision.duties},
        "depends_on": {m.fact for m in decision.depends_on},
        "contested": {c.id for c in decision.contested},
    }
    for key, found in present.items():
        lacking = [x for x in exp.get(key) or [] if x not in found]
        if lacking:
            problems.append(f"{key} lacks {lacking} (has: {sorted(found)})")
    for layer, verdict in (exp.get("layers") or {}).items():
        got = [t.verdict for t in decision.trace if t.layer == layer]
        if got != [verdict]:
            problems.append(f"layer {layer}: verdict {got or 'absent'}, expected {verdict}")
    return problems


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
