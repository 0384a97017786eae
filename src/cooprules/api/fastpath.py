"""A lean ASGI path for ``POST /v1/decisions``, the endpoint front ends call most.

It does what the FastAPI route in :mod:`.routes` does (same body limit, same errors,
same JSON, the engine's work in a worker thread), without building Starlette request and response objects: about half the
per-request overhead at the rates a busy deployment sees (benchmarks/bench_http.py).
Every other path goes on to the FastAPI app.
"""

from __future__ import annotations

import json
from typing import Any
import logging
from urllib.parse import parse_qs

from ..errors import MAX_REQUEST_BYTES, CorpusError, RequestError
from . import validate, work
from .body import TooLarge
from .language import answer_lang
from .routes import _as_of, decision_json, requests_log
from .errors import error_body
from ..errors import FieldError

PATH = "/v1/decisions"
_JSON_HEADERS = [(b"content-type", b"application/json")]


class FastDecisions:
    """ASGI middleware: answers ``POST /v1/decisions`` itself, passes the rest on."""

    def __init__(self, app: Any):
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["path"] != PATH or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        state = scope["app"].state if "app" in scope else None
        status, body, lang = await self._answer(scope, receive, state)
        await send({"type": "http.response.start", "status": status,
                    "headers": _JSON_HEADERS + [(b"content-length", str(len(body)).encode()),
                                                (b"content-language", lang.encode()), (b"vary", b"Accept-Language")]})
        await send({"type": "http.response.body", "body": body})

    async def _answer(self, scope: dict, receive: Any, state: Any) -> tuple[int, bytes, str]:
        try:
            raw = await _read(scope, receive, MAX_REQUEST_BYTES)
        except TooLarge as exc:
            return 413, _error("too_large", str(exc)), "en"
        try:
            query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
            day = _as_of(query["as_of"][-1]) if "as_of" in query else None
            lang = answer_lang(query["lang"][-1] if "lang" in query else None, _header(scope, b"accept-language"))
            presume = _presume(query["presume"][-1]) if "presume" in query else None
            if state.log_requests:
                requests_log.info("POST %s %s", PATH, raw.decode("utf-8", "replace")[:20_000])
            decision = await work.run("single", validate.evaluate, state.engine, raw, day, presume)
        except RequestError as exc:
            return 422, json.dumps(exc.as_dict()).encode(), "en"
        except CorpusError as exc:  # a rule's condition failed: named, never a traceback
            logging.getLogger("cooprules.api").error("corpus condition failed: %s", exc)
            return 500, json.dumps(exc.as_dict()).encode(), "en"
        return 200, decision_json(decision, lang), lang


def _header(scope: dict, name: bytes) -> str | None:
    """The first value of header ``name`` (lower case), or None."""
    for key, value in scope.get("headers", ()):
        if key == name:
            return value.decode("latin-1")
    return None


def _presume(word: str) -> bool:
    """The ``presume`` query word as FastAPI reads a bool; RequestError otherwise."""
    low = word.strip().lower()
    if low in ("true", "1", "yes", "on"):
        return True
    if low in ("false", "0", "no", "off"):
        return False
    raise RequestError([FieldError("presume", "write presume=false for no presumed values (or true)", word,
                                   ["true", "false"])])


def _error(kind: str, message: str) -> bytes:
    return json.dumps(error_body(kind, [FieldError("request", message)])).encode()


async def _read(scope: dict, receive: Any, limit: int) -> bytes:
    """The request body, refusing more than ``limit`` bytes (TooLarge)."""
    for name, value in scope.get("headers", ()):
        if name == b"content-length" and value.isdigit() and int(value) > limit:
            raise TooLarge(limit, int(value))
    chunks: list[bytes] = []
    total = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        total += len(chunk)
        if total > limit:
            raise TooLarge(limit)
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)
