"""ICE's three 287(g) model agreements, as encoded once each in ``rules/us/``.

Every agreement on ICE's list follows one of three model texts (jail enforcement, task
force, warrant service officer). Each model is one hand-written provision in
``rules/us/287g-model-<model>.yaml`` whose condition reads
``responder.agreement_287g == '<model>' && (<scope>)``: the generated provision for an
agency (:meth:`cooprules.agreements.Agreements.provisions`) takes the model's actions,
``<scope>``, confidence, ``checked`` and duties from it, and its existence and dates
from ICE's list. Source of the model texts: see each file's notes (8 U.S.C. § 1357(g)).

    >>> from cooprules.agreements.models import load_models
    >>> from cooprules.vocabulary import Agreement287g
    >>> load_models().get(Agreement287g.jail_enforcement).id
    'us-8usc-1357-g1-jem'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..corpus.schema import Checked, Confidence, DutySpec, Provision
from ..vocabulary import Action, Agreement287g

__all__ = ["MODEL_FILES", "ModelTemplate", "Models", "load_models"]

#: The file that encodes each model, relative to the corpus root (``rules/``).
MODEL_FILES = {
    Agreement287g.jail_enforcement: "us/287g-model-jail-enforcement.yaml",
    Agreement287g.task_force: "us/287g-model-task-force.yaml",
    Agreement287g.warrant_service_officer: "us/287g-model-warrant-service-officer.yaml",
}
_SUFFIX = {Agreement287g.jail_enforcement: "jem", Agreement287g.task_force: "tfm",
           Agreement287g.warrant_service_officer: "wso"}
_SCOPE = re.compile(r"^responder\.agreement_287g\s*==\s*'(?P<model>[a-z_]+)'\s*&&\s*\((?P<scope>.*)\)$", re.S)


@dataclass(frozen=True)
class ModelTemplate:
    """One model agreement as encoded: ``id`` of its provision, ``actions``, ``scope``
    (the CEL condition without the agreement test), ``confidence`` and ``checked`` (how
    far the model text was read), ``duties``, ``cite``, ``source`` and ``file``."""

    model: Agreement287g
    id: str
    actions: tuple[Action, ...]
    scope: str
    confidence: Confidence
    checked: Checked | None
    duties: tuple[DutySpec, ...]
    cite: str
    source: str
    file: str


class Models:
    """The three model templates, by model."""

    def __init__(self, templates: dict[Agreement287g, ModelTemplate]) -> None:
        self._by_model = dict(templates)

    def get(self, model: Agreement287g) -> ModelTemplate | None:
        """The template of ``model``, or None when its file is missing."""
        return self._by_model.get(Agreement287g(model))

    def for_provision_id(self, provision_id: str) -> ModelTemplate | None:
        """The template a generated provision id (``g287-...-jem[-2]``) comes from."""
        m = re.search(r"-(jem|tfm|wso)(-\d+)?$", provision_id)
        if not m:
            return None
        return next((t for model, t in self._by_model.items() if _SUFFIX[model] == m.group(1)), None)

    def __iter__(self):
        return iter(self._by_model.values())


def template_from(provision: Provision, file: str) -> ModelTemplate:
    """Build a :class:`ModelTemplate` from a model provision.

    Raises:
        ValueError: the condition is not ``responder.agreement_287g == '<model>' && (<scope>)``.
    """
    m = _SCOPE.match(" ".join(provision.when.split()))
    if not m:
        raise ValueError(f"{file} [{provision.id}] when: a model's condition must read "
                         "\"responder.agreement_287g == '<model>' && (<scope>)\"")
    model = Agreement287g(m.group("model"))
    return ModelTemplate(model=model, id=provision.id, actions=tuple(provision.actions), scope=m.group("scope").strip(),
                         confidence=provision.confidence, checked=provision.checked, duties=tuple(provision.duties),
                         cite=provision.cite, source=str(provision.source), file=file)


def read_models(root: str | Path | None = None) -> Models:
    """Read the three model files under ``root`` (default: the shipped corpus).

    A missing file leaves its model out (the generated provisions of that model are
    then left out too, and lint reports it). Raises ``ValueError`` (naming the file,
    the id and the field) for a model file that does not validate.
    """
    from ..corpus.loader import _read_document, _read_yaml, default_rules_path
    from ..corpus.schema import JurisdictionFolder

    root = Path(root) if root is not None else default_rules_path()
    folder = JurisdictionFolder(ocd_id="ocd-division/country:us", name="United States", id_prefix="us")
    out: dict[Agreement287g, ModelTemplate] = {}
    for model, rel in MODEL_FILES.items():
        path = root / rel
        if not path.exists():
            continue
        errors: list = []
        provisions = _read_document(_read_yaml(path, rel), rel, folder, {}, errors, {})
        if errors:
            raise ValueError(str(errors[0]))
        if len(provisions) != 1:
            raise ValueError(f"{rel}: a model file holds exactly one provision, not {len(provisions)}")
        tpl = template_from(provisions[0].provision, rel)
        if tpl.model is not model:
            raise ValueError(f"{rel} [{tpl.id}] when: encodes {tpl.model.value}, expected {model.value}")
        out[model] = tpl
    return Models(out)


@cache
def load_models() -> Models:
    """:func:`read_models` for the shipped corpus, cached (one read per process)."""
    return read_models()
