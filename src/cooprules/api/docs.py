"""The API documentation pages, served from packaged files: Swagger UI at ``/docs`` and
ReDoc at ``/redoc``, working offline.

FastAPI's default pages load Swagger UI's script and style from a CDN, so offline (a
jail's or a school's closed network) ``/docs`` was blank. The Swagger UI and ReDoc
bundles come from the ``fastapi-offline`` package (its ``static`` folder, MIT); the
start-up script is ours (``api/static/swagger-init.js``), so the pages carry no inline
script. Only the files named in :data:`ASSETS` are served, from
``/docs/assets/NAME``. ReDoc's bundle draws its maker's logo from cdn.redoc.ly in the
side menu; we send the bundle with that one address replaced by an empty ``data:``
image (:data:`OUTSIDE_ADDRESSES`), so the page asks nothing of the network (the
"API docs by Redocly" credit and link stay).
"""

from __future__ import annotations

import functools
import html
import importlib.util
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response

_OWN = Path(__file__).parent / "static"


def _bundle_folder() -> Path:
    """The folder of the packaged Swagger UI and ReDoc files (``fastapi_offline/static``).
    Raises ModuleNotFoundError (name ``fastapi_offline``: the ``web`` extra) when the
    package is not installed."""
    spec = importlib.util.find_spec("fastapi_offline")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("No module named 'fastapi_offline'", name="fastapi_offline")
    return Path(next(iter(spec.submodule_search_locations))) / "static"


#: Asset name -> (file, media type). Nothing else is served under /docs/assets/.
ASSETS: dict[str, tuple[Path, str]] = {
    "swagger-ui-bundle.js": (_bundle_folder() / "swagger-ui-bundle.js", "text/javascript"),
    "swagger-ui.css": (_bundle_folder() / "swagger-ui.css", "text/css"),
    "redoc.standalone.js": (_bundle_folder() / "redoc.standalone.js", "text/javascript"),
    "favicon.png": (_bundle_folder() / "favicon.png", "image/png"),
    "swagger-init.js": (_OWN / "swagger-init.js", "text/javascript"),
}

#: Addresses outside the server that a bundle would load by itself -> what is sent instead.
OUTSIDE_ADDRESSES: dict[str, dict[bytes, bytes]] = {
    "redoc.standalone.js": {b"https://cdn.redoc.ly/redoc/logo-mini.svg": b"data:image/gif;base64,R0lGODlhAQABAAAAACw="},
}


@functools.cache
def _patched(name: str) -> bytes:
    """The bytes of asset ``name`` with :data:`OUTSIDE_ADDRESSES` replaced (read once)."""
    data = ASSETS[name][0].read_bytes()
    for old, new in OUTSIDE_ADDRESSES.get(name, {}).items():
        data = data.replace(old, new)
    return data


_SWAGGER = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title} - API documentation</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="{root}/docs/assets/favicon.png">
<link rel="stylesheet" href="{root}/docs/assets/swagger-ui.css"></head>
<body><div id="swagger-ui" data-openapi="{root}/openapi.json"></div>
<script src="{root}/docs/assets/swagger-ui-bundle.js"></script>
<script src="{root}/docs/assets/swagger-init.js"></script></body></html>
"""

_REDOC = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title} - API reference</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="{root}/docs/assets/favicon.png"></head>
<body><redoc spec-url="{root}/openapi.json"></redoc>
<script src="{root}/docs/assets/redoc.standalone.js"></script></body></html>
"""

#: The Content-Security-Policy these two pages need, for the security-headers middleware
#: (web.security): scripts and fetches from this origin only, no inline script; inline
#: styles (Swagger UI and ReDoc set them from their scripts) and ReDoc's search worker
#: (a blob: URL). Loaded in Chromium under this policy: no violation, both render.
DOCS_CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
            "connect-src 'self'; worker-src 'self' blob:; form-action 'self'; base-uri 'none'; object-src 'none'; "
            "frame-ancestors 'none'")

router = APIRouter(include_in_schema=False)


def _fill(page: str, request: Request) -> str:
    root = html.escape(str(request.scope.get("root_path") or "").rstrip("/"), quote=True)
    return page.format(title=html.escape(request.app.title), root=root)


@router.get("/docs")
def swagger_page(request: Request) -> HTMLResponse:
    """Swagger UI (try the endpoints from the browser), from packaged files."""
    return HTMLResponse(_fill(_SWAGGER, request))


@router.get("/redoc")
def redoc_page(request: Request) -> HTMLResponse:
    """ReDoc (the reference, one page), from packaged files."""
    return HTMLResponse(_fill(_REDOC, request))


@router.get("/docs/assets/{name}")
def asset(name: str):
    """One of :data:`ASSETS` (404 for any other name), cacheable for a day."""
    found = ASSETS.get(name)
    if found is None or not found[0].is_file():
        return JSONResponse({"error": "not_found", "errors": [{"field": "path", "message": "no such file"}]},
                            status_code=404)
    headers = {"cache-control": "public, max-age=86400"}
    if name in OUTSIDE_ADDRESSES:
        return Response(_patched(name), media_type=found[1], headers=headers)
    return FileResponse(found[0], media_type=found[1], headers=headers)
