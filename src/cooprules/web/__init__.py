"""The guided web page, training and pocket card, server-rendered (Jinja2), in English
and Spanish (Babel catalogs under ``locale/``). :func:`install` adds them to the app."""

from __future__ import annotations

from importlib import resources

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles


def install(app: FastAPI) -> None:
    """Add the page routes and ``/static`` to ``app`` (built by
    :func:`cooprules.api.create_app`)."""
    from .pages import router as pages
    from .extras import router as extras

    static = resources.files(__package__) / "static"
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    app.include_router(pages)
    app.include_router(extras)
