"""The standard scenarios: a documented set of requests, shipped as data
(``standard_scenarios.yaml``), that ``diff``, ``whatif``, ``matrix`` and ``map``
evaluate for every jurisdiction.

A scenario has a stable ``id``, a ``title`` in plain words, the kind of office asked
(``entity``), a ``profile`` of the facts a user would state (role, minor, location,
purpose) and a ``request`` merged over it; facts with a presumed value are written
only where the scenario is about them (the engine presumes the rest, as for a user).
``responder.jurisdiction`` is never part of a scenario: :meth:`Scenario.request_for`
fills it in.
"""

from __future__ import annotations

import copy
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any


from ..errors import RequestError, did_you_mean, parse_request
from ..vocabulary import Entity

#: The shipped scenario file.
STANDARD_FILE = Path(__file__).with_name("standard_scenarios.yaml")

#: Entity used in place of a scenario's entity when the jurisdiction is of this kind
#: (a city has police, not a sheriff): (scenario entity, jurisdiction kind) -> entity.
ENTITY_FOR_KIND = {("sheriff", "place"): "police", ("jail", "place"): "police",
                   ("sheriff", "school_district"): "school_police"}


class ScenarioFileError(ValueError):
    """A scenario file or id that cannot be used; the message names the file (or
    option), the scenario and the allowed values."""


@dataclass(frozen=True)
class Scenario:
    """One standard scenario: ``id``, ``title``, ``entity`` (vocabulary word) and
    ``request`` (a request dict without ``responder.jurisdiction``)."""

    id: str
    title: str
    entity: str
    request: dict[str, Any]

    @property
    def action(self) -> str:
        return self.request["action"]

    def request_for(self, jurisdiction: str, entity: str | None = None, kind: str | None = None) -> dict[str, Any]:
        """The request for one responder: ``jurisdiction`` an OCD-ID; ``entity`` overrides
        the scenario's entity; ``kind`` (the jurisdiction's kind, e.g. ``place``) swaps
        the entity per :data:`ENTITY_FOR_KIND` when no ``entity`` is given."""
        req = copy.deepcopy(self.request)
        ent = entity or ENTITY_FOR_KIND.get((self.entity, kind or ""), self.entity)
        req["responder"] = {**req.get("responder", {}), "jurisdiction": jurisdiction, "entity": ent}
        return req

    def paper_text(self) -> str:
        """The paper(s) the scenario is about, in plain words: "a detainer request (Form
        I-247A) alone, nothing attached (presumed)" when it leaves ``attachments`` out
        (the engine then presumes nothing else came, VOCABULARY.md "Presumed values");
        "... alone, nothing attached" when it says ``attachments: []``; "... with an
        administrative arrest warrant (Form I-200)" when it names what came. The names
        of the papers are :func:`cooprules.engine.explain.unless_values_text`'s."""
        from ..engine.explain import unless_values_text

        def name(word: str) -> str:
            text = unless_values_text("attachments", [word])
            return text.removesuffix(" came with it") if text.endswith(" came with it") else word.replace("_", " ")

        main = name(self.request["instrument"])
        attached = self.request.get("attachments")
        if attached is None:
            return f"{main} alone, nothing attached (presumed)"
        if not attached:
            return f"{main} alone, nothing attached"
        return f"{main} with " + " and ".join(name(a) for a in attached)

    @functools.cached_property
    def _model(self):
        return parse_request(self.request_for("ocd-division/country:us"))

    def request_model(self, jurisdiction: str, entity: str | None = None, kind: str | None = None):
        """Like :meth:`request_for`, as a validated :class:`~cooprules.vocabulary.Request`
        (validated once per scenario, then copied: cheap for thousands of jurisdictions)."""
        ent = entity or ENTITY_FOR_KIND.get((self.entity, kind or ""), self.entity)
        base = self._model
        responder = base.responder.model_copy(update={"jurisdiction": jurisdiction, "entity": Entity(ent)})
        return base.model_copy(update={"responder": responder})


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for k, v in over.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else copy.deepcopy(v)
    return out


def read_yaml(path: Path, option: str, error: type[Exception]) -> Any:
    """The YAML document at ``path`` (a regular file within the size and depth limits of
    :func:`cooprules.corpus.loader.read_yaml_file`); an unreadable file, a FIFO or
    device, a file too large or too deep, or a syntax error raises ``error`` naming the
    command-line ``option`` and the file."""
    from ..corpus.loader import read_yaml_file
    from ..errors import CorpusError

    try:
        return read_yaml_file(path)
    except CorpusError as exc:
        raise error(f"{option}: {exc}") from None


def load_scenarios(path: str | Path | None = None) -> list[Scenario]:
    """Read a scenario file (default: the shipped standard set).

    Returns the scenarios in file order. Raises :class:`ScenarioFileError` naming the
    file and the scenario for an unreadable file, a duplicate or missing id, an
    unknown profile or entity, or a request that does not fit the vocabulary.
    """
    path = Path(path) if path is not None else STANDARD_FILE
    data = read_yaml(path, "--scenarios", ScenarioFileError)
    if not isinstance(data, dict) or not isinstance(data.get("scenarios"), list):
        raise ScenarioFileError(f"{path}: a scenario file has a 'scenarios' list (and optional 'profiles')")
    profiles = data.get("profiles") or {}
    entities = [e.value for e in Entity]
    out: list[Scenario] = []
    seen: set[str] = set()
    for i, raw in enumerate(data["scenarios"]):
        if not isinstance(raw, dict) or not raw.get("id") or not isinstance(raw.get("request"), dict):
            raise ScenarioFileError(f"{path}: scenario {i + 1} needs an id and a request")
        sid = str(raw["id"])
        if sid in seen:
            raise ScenarioFileError(f"{path}: duplicate scenario id '{sid}'")
        seen.add(sid)
        profile = raw.get("profile")
        if profile is not None and profile not in profiles:
            raise ScenarioFileError(f"{path}: scenario '{sid}': unknown profile '{profile}'; allowed: {', '.join(profiles)}")
        entity = str(raw.get("entity") or "")
        if entity not in entities:
            guess = did_you_mean(entity, entities)
            raise ScenarioFileError(f"{path}: scenario '{sid}': entity '{entity}' is not an entity word"
                                    + (f" (did you mean '{guess}'?)" if guess else "") + f"; allowed: {', '.join(entities)}")
        request = _merge(profiles.get(profile, {}) if profile else {}, raw["request"])
        if "jurisdiction" in (request.get("responder") or {}):
            raise ScenarioFileError(f"{path}: scenario '{sid}': leave responder.jurisdiction out (it is filled per jurisdiction)")
        scenario = Scenario(sid, str(raw.get("title") or sid), entity, request)
        try:
            parse_request(scenario.request_for("ocd-division/country:us"))
        except RequestError as exc:
            raise ScenarioFileError(f"{path}: scenario '{sid}': {exc}") from None
        out.append(scenario)
    return out


def select(scenarios: list[Scenario], ids: list[str] | None, option: str = "--scenario") -> list[Scenario]:
    """The scenarios with these ids (all when ``ids`` is empty), in the order given.
    Raises :class:`ScenarioFileError` naming ``option``, with a "did you mean"."""
    if not ids:
        return list(scenarios)
    by_id = {s.id: s for s in scenarios}
    out = []
    for sid in ids:
        if sid not in by_id:
            guess = did_you_mean(sid, by_id)
            shown = ", ".join(list(by_id)[:12]) + (" ..." if len(by_id) > 12 else "")
            raise ScenarioFileError(f"{option}: unknown scenario id '{sid}'" + (f" (did you mean '{guess}'?)" if guess else "")
                                    + f"; allowed: {shown} (all {len(by_id)}: `cooprules matrix --list-scenarios`)")
        out.append(by_id[sid])
    return out
