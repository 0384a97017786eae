"""A safety net around request validation.

:func:`cooprules.parse_request` names the field and the allowed values. Should it fail
on some odd input (a defect of ours), the API still answers 422 from pydantic's own
errors rather than a 500: nothing a client sends may give a 500.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from pydantic import ValidationError

from ..errors import CorpusError, FieldError, RequestError
from ..vocabulary import Request

log = logging.getLogger("cooprules.api")


def plain_errors(raw: Any) -> RequestError | None:
    """A RequestError from pydantic's errors for ``raw`` (dict, JSON text or bytes),
    or None when ``raw`` is a valid request."""
    try:
        data = json.loads(raw) if isinstance(raw, (str, bytes)) else raw
    except (ValueError, RecursionError) as exc:
        return RequestError([FieldError("request", f"not valid JSON: {exc}")])
    if not isinstance(data, dict):
        return RequestError([FieldError("request", "a request is a JSON object")])
    try:
        Request.model_validate(data)
    except ValidationError as exc:
        out = []
        for err in exc.errors(include_url=False):
            loc = ".".join(str(p) for p in err["loc"]) or "request"
            allowed = list(Request.model_fields) if err["type"] == "extra_forbidden" and len(err["loc"]) == 1 else []
            out.append(FieldError(loc, err["msg"], allowed=allowed))
        return RequestError(out or [FieldError("request", "invalid request")])
    except RecursionError:
        return RequestError([FieldError("request", "request nested too deeply")])
    return None


def evaluate(engine, raw: Any, day, presume: bool | None = None) -> Any:
    """``engine.evaluate(raw, day, presume)`` (``presume=False``: no presumed values);
    a failure of validation itself becomes a RequestError (raised) when the input is
    indeed invalid. Valid input that makes the engine fail re-raises (a defect,
    reported as 500)."""
    try:
        return engine.evaluate(raw, day, presume)
    except (RequestError, CorpusError):
        raise
    except Exception as exc:
        problem = plain_errors(raw)
        if problem is None:
            raise
        log.error("request validation failed (%s); answered from pydantic's errors", type(exc).__name__)
        raise problem from None


def evaluate_many(engine, items: list[Any], day) -> list[Any]:
    """``engine.evaluate_many(items, day)``, falling back to one request at a time
    (each through :func:`evaluate`) if the batch path fails on some input."""
    try:
        return engine.evaluate_many(items, day)
    except Exception as exc:
        log.error("batch validation failed (%s); answering one by one", type(exc).__name__)
    out: list[Any] = []
    for item in items:
        try:
            out.append(evaluate(engine, item, day))
        except (RequestError, CorpusError) as err:  # a failing rule is reported on its item
            out.append(err)
    return out
