"""Error bodies of the HTTP API, all in one shape.

Every error answer is ``{"error": KIND, "errors": [{"field", "message", "given"?,
"allowed"?, "did_you_mean"?}, ...]}``: the shape of
:meth:`cooprules.errors.RequestError.as_dict`, whose ``error`` is
``invalid_request`` (422). Other kinds: ``too_large`` (413), ``not_found`` (404),
``method_not_allowed`` (405, with an ``Allow`` header), ``unsupported_media_type``
(415: the body is not ``application/json``), ``too_many_requests`` (429, with
``Retry-After``), ``corpus_error`` (500: a rule's condition failed on this request;
each entry names the provision and its file), ``internal`` (500, a defect of ours,
never of the input).
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import CorpusError, FieldError, RequestError, _json_safe

log = logging.getLogger("cooprules.api")

_KINDS = {404: "not_found", 405: "method_not_allowed", 413: "too_large", 415: "unsupported_media_type",
          422: "invalid_request", 429: "too_many_requests"}


def error_body(kind: str, errors: list[FieldError]) -> dict[str, Any]:
    """``{"error": kind, "errors": [FieldError.as_dict(), ...]}``."""
    return {"error": kind, "errors": [e.as_dict() for e in errors]}


def error_response(status: int, field: str, message: str, **extra: Any) -> JSONResponse:
    """A JSON error answer with one :class:`FieldError` (``extra``: given, allowed,
    suggestion)."""
    kind = _KINDS.get(status, "error")
    return JSONResponse(error_body(kind, [FieldError(field, message, **extra)]), status_code=status)


def request_error_response(exc: RequestError) -> JSONResponse:
    """422 with :meth:`RequestError.as_dict`."""
    return JSONResponse(exc.as_dict(), status_code=422)


def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
    """FastAPI's own parameter checks (query and path), reworded in our shape."""
    errors = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ()) if p not in ("query", "path", "body")]
        raw = err.get("input")
        given = _json_safe(raw) if isinstance(raw, (str, int, float, bool)) else None
        errors.append(FieldError(".".join(loc) or "request", str(err.get("msg", "invalid value")), given))
    return JSONResponse(error_body("invalid_request", errors), status_code=422)


def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    if exc.status_code == 404:
        return error_response(404, "path", f"no such endpoint: {request.url.path}")
    if exc.status_code == 405:
        allow = (getattr(exc, "headers", None) or {}).get("Allow", "")
        resp = error_response(405, "method", f"{request.method} is not allowed on {request.url.path}",
                              allowed=[m.strip() for m in allow.split(",") if m.strip()])
        if allow:
            resp.headers["Allow"] = allow
        return resp
    return JSONResponse(error_body(_KINDS.get(exc.status_code, "error"),
                                   [FieldError("request", str(exc.detail))]), status_code=exc.status_code,
                        headers=getattr(exc, "headers", None))


def _request_error(request: Request, exc: RequestError) -> JSONResponse:
    return request_error_response(exc)


def corpus_error_response(exc: CorpusError) -> JSONResponse:
    """500 with :meth:`CorpusError.as_dict`: a rule whose condition failed on this
    request, named with its file (a defect of the corpus, not of the input)."""
    log.error("corpus condition failed: %s", exc)
    return JSONResponse(exc.as_dict(), status_code=500)


def _corpus_error(request: Request, exc: CorpusError) -> JSONResponse:
    return corpus_error_response(exc)


def _unexpected(request: Request, exc: Exception) -> JSONResponse:  # pragma: no cover - defects only
    log.error("internal error on %s %s: %s", request.method, request.url.path, type(exc).__name__)
    return JSONResponse(error_body("internal", [FieldError("request", "internal error; the input was not at fault")]),
                        status_code=500)


def install(app: FastAPI) -> None:
    """Register the handlers that give every error the shape above."""
    app.add_exception_handler(RequestValidationError, _validation)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, _http)  # type: ignore[arg-type]
    app.add_exception_handler(RequestError, _request_error)  # type: ignore[arg-type]
    app.add_exception_handler(CorpusError, _corpus_error)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _unexpected)
