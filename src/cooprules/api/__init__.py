"""The HTTP API (FastAPI): ``POST /v1/decisions``, ``POST /v1/decisions/batch``,
``GET /v1/provisions/{id}``, ``GET /v1/jurisdictions?q=``, ``GET /v1/health``;
OpenAPI at ``/docs``. Build it with :func:`create_app`."""

from .app import create_app

__all__ = ["create_app"]
