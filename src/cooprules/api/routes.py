"""The ``/v1`` endpoints: decisions (one and batch), provisions, jurisdictions, health.

Endpoints format what the engine answers; they decide no law. Request facts are
logged only when the operator turns request logging on (``app.state.log_requests``).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from ..errors import MAX_REQUEST_BYTES, CorpusError, FieldError, RequestError, iso_day
from ..engine.memo import SizedLRU
from ..vocabulary import Decision
from .body import TooLarge, read_bounded
from .errors import error_body, error_response, request_error_response
from .language import answer_lang, in_language, provision_in_language
from . import validate, work
from .schemas import BatchResult, ErrorBody, Health, JurisdictionPage, ProvisionOut

#: Most requests in one batch.
MAX_BATCH = 100
#: Largest batch body (bytes).
MAX_BATCH_BYTES = MAX_BATCH * MAX_REQUEST_BYTES
#: Most jurisdictions one search returns.
MAX_SEARCH = 50
#: Memory for serialised decisions (bytes; the engine caches decisions, their JSON is
#: cached here, least recently used dropped first).
JSON_CACHE_BYTES = 32 * 2 ** 20

requests_log = logging.getLogger("cooprules.requests")
router = APIRouter(prefix="/v1", tags=["v1"])

_ERRORS = {422: {"model": ErrorBody, "description": "Invalid request: names the field and the allowed values"},
           413: {"model": ErrorBody, "description": "Body too large"}}


def _engine(request: Request):
    return request.app.state.engine


_json_cache = SizedLRU(JSON_CACHE_BYTES, lambda key, hit: 2 * len(hit[1]) + 200)


def decision_json(decision: Decision, lang: str = "en") -> bytes:
    """The JSON of ``decision`` with its text for people in ``lang``
    (:func:`.language.in_language`), serialised once per decision object and language."""
    key = (id(decision), lang)
    hit = _json_cache.get(key)
    if hit is not None and hit[0] is decision:
        return hit[1]
    data = in_language(decision, lang).model_dump_json().encode()
    _json_cache.put(key, (decision, data))
    return data


def _as_of(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return iso_day(text)
    except ValueError as exc:
        raise RequestError([FieldError("as_of", str(exc), text)]) from None


def _log(request: Request, payload: Any) -> None:
    if request.app.state.log_requests:
        requests_log.info("%s %s %s", request.method, request.url.path,
                          payload if isinstance(payload, str) else json.dumps(payload, default=str)[:20_000])


_DECISION_BODY = {"required": True, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Request"}}}}


@router.post("/decisions", response_model=Decision, responses=_ERRORS,  # type: ignore[arg-type]
             openapi_extra={"requestBody": _DECISION_BODY},
             summary="Answer one request: may we, must we, or must we not?")
async def decide(request: Request, as_of: str | None = Query(None, description="Apply the law of this date (YYYY-MM-DD); default: the request's context.date, else today."),
                 lang: str | None = Query(None, description="Language of the text for people (summary, titles, duties, unless): en or es; default: Accept-Language, else en."),
                 presume: bool | None = Query(None, description="false: presume nothing; every fact not given is unknown (counsel's full analysis). Default: the request's own presume (true).")) -> Response:
    """One request in the vocabulary (VOCABULARY.md) in, one Decision out.

    The body is at most 16 KiB of JSON (413 beyond). A request that does not fit the
    vocabulary, or names an unknown jurisdiction, gets 422 naming the field, the value
    given, the allowed values and the nearest valid word.
    """
    try:
        body = await read_bounded(request, MAX_REQUEST_BYTES)
        day = _as_of(as_of)
        language = answer_lang(lang, request.headers.get("accept-language"))
        _log(request, body.decode("utf-8", "replace"))
        decision = await work.run("single", validate.evaluate, _engine(request), body, day, presume)
    except TooLarge as exc:
        return error_response(413, "request", str(exc))
    except RequestError as exc:
        return request_error_response(exc)
    return Response(decision_json(decision, language), media_type="application/json",
                    headers={"Content-Language": language, "Vary": "Accept-Language"})


@router.post("/decisions/batch", response_model=BatchResult, responses=_ERRORS,  # type: ignore[arg-type]
             openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": {
                 "type": "object", "required": ["requests"], "additionalProperties": False,
                 "properties": {"requests": {"type": "array", "maxItems": MAX_BATCH,
                                             "items": {"$ref": "#/components/schemas/Request"}},
                                "as_of": {"type": "string", "format": "date"}}}}}}},
             summary=f"Answer up to {MAX_BATCH} requests")
async def decide_many(request: Request, lang: str | None = Query(None, description="Language of the text for people: en or es; default: Accept-Language, else en.")) -> Response:
    """``{"requests": [request, ...], "as_of"?: "YYYY-MM-DD"}`` with at most 100
    requests (413 beyond, or beyond 1.6 MB). Answers ``{"results": [...]}`` in the same
    order: each item is ``{"index", "decision"}`` or ``{"index", "error"}`` (the error
    shape of a 422), so one bad request does not spoil the others.
    """
    try:
        language = answer_lang(lang, request.headers.get("accept-language"))
        body = await read_bounded(request, MAX_BATCH_BYTES)
    except TooLarge as exc:
        return error_response(413, "request", str(exc))
    except RequestError as exc:
        return request_error_response(exc)
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as exc:
        return error_response(422, "request", f"not valid JSON: {exc}")
    if not isinstance(data, dict) or not isinstance(data.get("requests"), list):
        return error_response(422, "requests", 'the body is {"requests": [request, ...], "as_of"?: "YYYY-MM-DD"}')
    unknown = sorted(set(data) - {"requests", "as_of"})
    if unknown:
        return error_response(422, unknown[0], f"unknown field '{unknown[0]}'", allowed=["requests", "as_of"])
    items = data["requests"]
    if len(items) > MAX_BATCH:
        return error_response(413, "requests", f"{len(items)} requests; the limit is {MAX_BATCH} per batch")
    given = data.get("as_of")
    if given is not None and not isinstance(given, str):
        return error_response(422, "as_of", "a date is text written YYYY-MM-DD",
                              given=given if isinstance(given, (int, float, bool)) else None)
    try:
        day = _as_of(given)
    except RequestError as exc:
        return request_error_response(exc)
    _log(request, data)
    ids, items, id_errors = _take_ids(items)
    results = await work.run("batch", validate.evaluate_many, _engine(request), items, day)
    parts = []
    for i, item in enumerate(results):
        head = b'{"index":%d,' % i
        if ids[i] is not None:
            head += b'"%s":%s,' % (ids[i][0].encode(), json.dumps(ids[i][1]).encode())
        item = id_errors.get(i, item)
        if isinstance(item, (RequestError, CorpusError)):
            parts.append(head + b'"error":' + json.dumps(item.as_dict()).encode() + b"}")
        else:
            parts.append(head + b'"decision":%s}' % decision_json(item, language))
    return Response(b'{"results":[' + b",".join(parts) + b"]}", media_type="application/json",
                    headers={"Content-Language": language, "Vary": "Accept-Language"})


def _take_ids(items: list) -> tuple[list, list, dict[int, RequestError]]:
    """Each request's join key (``id`` or ``ref``, :mod:`cooprules.batchids`) taken off
    before validation, to be echoed on its answer. Returns (``(key, value)`` or None per
    request, the requests without their keys, index -> RequestError for a bad key)."""
    from ..batchids import ID_KEYS, check_id

    ids: list = []
    out: list = []
    errors: dict[int, RequestError] = {}
    for i, item in enumerate(items):
        found = None
        if isinstance(item, dict) and any(k in item for k in ID_KEYS):
            keys = [k for k in ID_KEYS if k in item]
            item = {k: v for k, v in item.items() if k not in ID_KEYS}
            try:
                if len(keys) > 1:
                    raise RequestError([FieldError(keys[1], "give id or ref, not both")])
                found = (keys[0], check_id(keys[0], items[i][keys[0]]))
            except RequestError as exc:
                errors[i] = exc
        ids.append(found)
        out.append(item)
    return ids, out, errors


@router.get("/provisions/{provision_id}", response_model=ProvisionOut,
            responses={404: {"model": ErrorBody, "description": "No provision with this id"}},
            summary="One provision: citation, source, condition, exceptions, duties")
def provision(provision_id: str, request: Request,
              lang: str | None = Query(None, description="Language of the title and duty texts: en or es; default: Accept-Language, else en.")) -> Any:
    """The provision with this id (as in a Decision's citations and trace), with the
    layer it forms and its file under ``rules/``. 404 names the nearest id."""
    try:
        language = answer_lang(lang, request.headers.get("accept-language"))
    except RequestError as exc:
        return request_error_response(exc)
    corpus = _engine(request).corpus
    try:
        cp = corpus.get(provision_id)
    except KeyError:
        from ..errors import did_you_mean

        guess = did_you_mean(provision_id, corpus.provisions)
        return error_response(404, "provision_id", f"no provision '{provision_id}'", given=provision_id,
                              suggestion=guess)
    data = cp.provision.model_dump(mode="json")
    data.update(layer=cp.layer, file=f"rules/{cp.file}", agency=cp.agency)
    return JSONResponse(provision_in_language(data, language),
                        headers={"Content-Language": language, "Vary": "Accept-Language"})


@router.get("/jurisdictions", response_model=JurisdictionPage, responses={422: {"model": ErrorBody}},
            summary="Find jurisdictions (OCD-IDs) by name, with paging")
def jurisdictions(request: Request,
                  q: str | None = Query(None, max_length=200, description="Name, abbreviation (LAUSD, NYC) or part of an OCD-ID; \"Harris County, TX\" narrows to a state. Leave out to list the jurisdictions with encoded law."),
                  limit: int = Query(20, ge=1, le=MAX_SEARCH, description="Most matches returned."),
                  offset: int = Query(0, ge=0, le=100_000, description="Matches to skip (paging)."),
                  governments: bool = Query(True, description="Only governments (the default, as the CLI): false also lists council districts, wards and other subdivisions (the CLI's --all).")) -> Any:
    """Matches best first, governments with encoded law first:
    ``{total, offset, limit, approximate, results: [{ocd_id, name, display_name, kind,
    state, encoded_law}]}``. ``total`` counts every match (all pages); ``approximate``
    says nothing matched as text and the results are the closest names.
    ``encoded_law`` says whether the corpus has a folder of this lawmaker's own law
    (federal and state law apply everywhere)."""
    engine = _engine(request)
    folders = engine.corpus.folders
    if q is None or not q.strip():
        listed = [engine.registry.get(i) for i in sorted(folders) if _known(engine, i)]
        if governments:
            listed = [j for j in listed if not is_subdivision(j.ocd_id)]
        total, approximate, found = len(listed), False, listed[offset:offset + limit]
    else:
        page = engine.registry.find(q, limit=limit, offset=offset, prefer=frozenset(folders),
                                    governments=governments)
        total, approximate, found = page.total, page.approximate, page.hits
    return JSONResponse({"total": total, "offset": offset, "limit": limit, "approximate": approximate,
                         "results": [{"ocd_id": j.ocd_id, "name": j.name, "display_name": j.display_name,
                                      "kind": j.kind, "state": j.state, "encoded_law": j.ocd_id in folders}
                                     for j in found]})


def is_subdivision(ocd_id: str) -> bool:
    """Whether ``ocd_id`` names a subdivision (council district, ward, ...) rather
    than a government that makes law or runs offices."""
    from ..jurisdictions import SUBDIVISION_KINDS

    kind = ocd_id.rsplit("/", 1)[-1].split(":", 1)[0]
    return kind in SUBDIVISION_KINDS or (kind in ("region", "district") and ocd_id.count("/") > 3)


def _known(engine, ocd_id: str) -> bool:
    try:
        engine.registry.get(ocd_id)
        return True
    except Exception:
        return False


@router.get("/health", response_model=Health, summary="Liveness and the corpus in use")
def health(request: Request) -> Any:
    """``{"status": "ok", "corpus_version", "provisions", "jurisdictions_with_law"}``."""
    corpus = _engine(request).corpus
    return JSONResponse({"status": "ok", "corpus_version": corpus.version, "provisions": len(corpus.provisions),
                         "jurisdictions_with_law": len(corpus.folders)})


__all__ = ["MAX_BATCH", "MAX_BATCH_BYTES", "router", "decision_json", "error_body"]
