"""The ASGI application: the ``/v1`` HTTP API, the guided web page and its static files.

``create_app()`` is what ``cooprules serve`` runs (``uvicorn`` factory). OpenAPI at
``/openapi.json``, read with Swagger UI at ``/docs`` or ReDoc at ``/redoc`` (packaged
files, no CDN: :mod:`cooprules.api.docs`).
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from .. import __doc__ as package_doc
from ..vocabulary import Request as RequestModel
from . import errors
from .fastpath import FastDecisions
from .guard import DEFAULT_BURST, DEFAULT_RATE, Guard, TokenBucket
from .work import install_suggestion_budget
from .routes import router
from .docs import router as docs_router
from ..web.security import SecurityHeaders


def _openapi(app: FastAPI) -> dict[str, Any]:
    """The default OpenAPI document plus the Request schema that the decision
    endpoints read from the raw body (so the engine's own errors stay precise)."""
    if app.openapi_schema:
        return app.openapi_schema
    doc = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    schemas = doc.setdefault("components", {}).setdefault("schemas", {})
    req = RequestModel.model_json_schema(ref_template="#/components/schemas/{model}")
    for name, sub in req.pop("$defs", {}).items():
        schemas.setdefault(name, sub)
    schemas["Request"] = req
    app.openapi_schema = doc
    return doc


def ledger_installed() -> bool:
    """Whether the request ledger's dependencies (the ``ledger`` extra: SQLAlchemy...)
    are installed; without them the server runs without the ledger's routes."""
    import importlib.util

    return importlib.util.find_spec("sqlalchemy") is not None


@contextlib.asynccontextmanager
async def _lifespan(app: FastAPI):
    """At start-up, before the first request: build the registry's name index once
    (``Registry.warm``, a second or two), off the event loop."""
    import anyio

    await anyio.to_thread.run_sync(app.state.engine.registry.warm)
    yield


def create_app(engine=None, log_requests: bool = False, web: bool = True,
               rate_limit: float | None = None, rate_burst: float | None = None) -> FastAPI:
    """Build the application.

    Args: ``engine`` an :class:`cooprules.Engine` (default :func:`cooprules.default_engine`);
    ``log_requests`` log each request with its facts to the ``cooprules.requests``
    logger (off by default: no facts are logged unless the operator asks);
    ``web`` also serve the guided page, training and pocket card;
    ``rate_limit`` requests per second per client address (None or 0: no limit; what
    ``cooprules serve`` applies by default is :data:`cooprules.api.guard.DEFAULT_RATE`)
    with bursts of ``rate_burst`` (default twice the rate).
    Returns: a FastAPI app. Nothing it can be sent gives a 500. API bodies must be
    ``application/json`` (415 otherwise); paths are exact (``/v1/decisions/`` is 404,
    never a redirect built from the client's Host header); engine work runs in worker
    threads and "did you mean" work is capped (:mod:`cooprules.api.work`).
    """
    if engine is None:
        from .. import default_engine

        engine = default_engine()
    app = FastAPI(title="cooprules", version="1", docs_url=None, redoc_url=None, redirect_slashes=False, lifespan=_lifespan,
                  description=(package_doc or "").strip().splitlines()[0] +
                  " Answers for one office and one request from federal immigration authorities.")
    app.state.engine = engine
    app.state.log_requests = log_requests
    if log_requests:
        logger = logging.getLogger("cooprules.requests")
        logger.setLevel(logging.INFO)
        if not logger.handlers:  # worker processes do not inherit the CLI's logging set-up
            handler = logging.StreamHandler()
            handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(message)s"))
            logger.addHandler(handler)
    errors.install(app)
    app.include_router(router)
    app.include_router(docs_router)
    if ledger_installed():  # the request ledger's pages and API, with the [ledger] extra
        from ..ledger.routes import install as install_ledger

        install_ledger(app, web=web)
    app.add_middleware(FastDecisions)
    install_suggestion_budget(engine.registry)
    limiter = TokenBucket(rate_limit, rate_burst or 2 * rate_limit) if rate_limit else None
    app.state.rate_limiter = limiter
    if web:
        from ..web import install as install_web

        install_web(app)
    app.add_middleware(SecurityHeaders)  # CSP, framing, nosniff, referrer on every response (outermost)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    app.add_middleware(Guard, limiter=limiter)  # outermost: before any body is read
    return app


def app_from_env() -> FastAPI:
    """The app as ``cooprules serve`` configures it (``COOPRULES_LOG_REQUESTS``,
    ``COOPRULES_WEB``, ``COOPRULES_RATE_LIMIT`` requests per second per client, default
    :data:`~cooprules.api.guard.DEFAULT_RATE`, 0 for none, and ``COOPRULES_RATE_BURST``,
    default :data:`~cooprules.api.guard.DEFAULT_BURST`), for uvicorn's factory mode and
    its worker processes. Raises ValueError for a rate that is not a number >= 0."""
    import os

    import sys

    # engine work runs in worker threads: hand the interpreter lock back to the event
    # loop after 1 ms instead of 5, so that reading and answering stay prompt
    sys.setswitchinterval(0.001)
    rate = _number_env("COOPRULES_RATE_LIMIT", DEFAULT_RATE)
    burst = _number_env("COOPRULES_RATE_BURST", DEFAULT_BURST)
    return create_app(log_requests=os.environ.get("COOPRULES_LOG_REQUESTS") == "1",
                      web=os.environ.get("COOPRULES_WEB", "1") != "0", rate_limit=rate or None,
                      rate_burst=burst or None)


def _number_env(name: str, default: float) -> float:
    import math
    import os

    text = os.environ.get(name)
    if text is None or not text.strip():
        return default
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"{name}: '{text}' is not a number >= 0")
    return value
