"""Response shapes of the HTTP API, for the OpenAPI document (/docs)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from ..vocabulary import Decision


class ErrorItem(BaseModel):
    """One problem: the field (dotted path), what is wrong, and what is allowed."""

    field: str
    message: str
    given: Any = None
    allowed: list[str] | None = None
    did_you_mean: str | None = None


class ErrorBody(BaseModel):
    """Every error answer: ``error`` is ``invalid_request`` (422), ``too_large`` (413),
    ``not_found`` (404) or ``method_not_allowed`` (405)."""

    error: str
    errors: list[ErrorItem]


class BatchItem(BaseModel):
    """One answer of a batch, at the request's index: a decision or an error, with the
    request's own ``id`` or ``ref`` (a join key, never a person's identifier) echoed."""

    index: int
    id: str | int | None = None
    ref: str | int | None = None
    decision: Decision | None = None
    error: ErrorBody | None = None


class BatchResult(BaseModel):
    """The answers of a batch, in the order of the requests."""

    results: list[BatchItem]


class JurisdictionHit(BaseModel):
    """A jurisdiction found by name (``name`` as in the OCD source; ``display_name`` the
    name to show, e.g. a school district's proper name from NCES)."""

    ocd_id: str
    name: str
    display_name: str
    kind: str
    state: str | None
    encoded_law: bool


class JurisdictionPage(BaseModel):
    """One page of jurisdictions found: ``total`` matches in all, this page's
    ``results`` from ``offset``; ``approximate`` when nothing matched as text and the
    results are the closest names."""

    total: int
    offset: int
    limit: int
    approximate: bool
    results: list[JurisdictionHit]


class ProvisionOut(BaseModel):
    """A provision as in its rule file, with its layer and file."""

    id: str
    cite: str
    title: str
    source: str
    jurisdiction: str
    layer: str
    file: str

    model_config = {"extra": "allow"}


class Health(BaseModel):
    """Liveness and the corpus in use."""

    status: str
    corpus_version: str
    provisions: int
    jurisdictions_with_law: int
