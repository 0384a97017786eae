"""The ASGI application: the ``/v1`` HTTP API, the guided web page and its static files.

``create_app()`` is what ``cooprules serve`` runs (``uvicorn`` factory). OpenAPI at
``/docs`` (and ``/openapi.json``).
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from .. import __doc__ as package_doc
from ..vocabulary import Request as RequestModel
from . import errors
from .fastpath import FastDecisions
from .routes import router
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


def create_app(engine=None, log_requests: bool = False, web: bool = True) -> FastAPI:
    """Build the application.

    Args: ``engine`` an :class:`cooprules.Engine` (default :func:`cooprules.default_engine`);
    ``log_requests`` log each request with its facts to the ``cooprules.requests``
    logger (off by default: no facts are logged unless the operator asks);
    ``web`` also serve the guided page, training and pocket card.
    Returns: a FastAPI app. Nothing it can be sent gives a 500.
    """
    if engine is None:
        from .. import default_engine

        engine = default_engine()
    app = FastAPI(title="cooprules", version="1", docs_url="/docs", redoc_url=None,
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
    from ..ledger.routes import install as install_ledger; install_ledger(app, web=web)  # noqa: E702 (request ledger)
    app.add_middleware(FastDecisions)
    if web:
        from ..web import install as install_web

        install_web(app)
    app.add_middleware(SecurityHeaders)  # CSP, framing, nosniff, referrer on every response (outermost)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


def app_from_env() -> FastAPI:
    """The app as ``cooprules serve`` configures it (``COOPRULES_LOG_REQUESTS``,
    ``COOPRULES_WEB``), for uvicorn's factory mode and its worker processes."""
    import os

    return create_app(log_requests=os.environ.get("COOPRULES_LOG_REQUESTS") == "1",
                      web=os.environ.get("COOPRULES_WEB", "1") != "0")
