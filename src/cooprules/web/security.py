"""Security headers on every response: a strict Content-Security-Policy (no inline
script or style on our pages, no framing), ``X-Frame-Options``,
``X-Content-Type-Options: nosniff`` and a ``Referrer-Policy``; and safe download file
names (RFC 6266).

:class:`SecurityHeaders` is a plain ASGI middleware, registered by
:func:`cooprules.api.create_app`. The only pages not ours are the API documentation's
(Swagger UI at ``/docs``, ReDoc at ``/redoc``, their files under ``/docs/assets/``):
served from packaged files with no inline script (:mod:`cooprules.api.docs`), they get
:data:`cooprules.api.docs.DOCS_CSP`, which allows the inline styles those two set
from their scripts and ReDoc's search worker; scripts still come from this origin only.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Awaitable, Callable
from urllib.parse import quote

#: The policy of every page of ours: scripts, styles, images and fetches from this
#: origin only; forms submit here only; no plugins, no <base>, no framing.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "form-action 'self'; base-uri 'none'; object-src 'none'; frame-ancestors 'none'")
#: Headers set on every response (replacing any the route set).
HEADERS = {
    "content-security-policy": CSP,
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
}
#: Paths of the API documentation (pages and their packaged files).
DOCS_PATHS = ("/docs", "/redoc")

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


def _with(headers: list[tuple[bytes, bytes]], values: dict[str, str]) -> list[tuple[bytes, bytes]]:
    names = {k.encode() for k in values}
    kept = [(k, v) for k, v in headers if k.lower() not in names]
    return kept + [(k.encode(), v.encode()) for k, v in values.items()]


class SecurityHeaders:
    """ASGI middleware: :data:`HEADERS` on every HTTP response; under
    :data:`DOCS_PATHS` the documentation's policy (:data:`cooprules.api.docs.DOCS_CSP`)
    instead of :data:`CSP`."""

    def __init__(self, app: Callable[..., Awaitable[None]], docs_paths: tuple[str, ...] = DOCS_PATHS) -> None:
        from ..api.docs import DOCS_CSP

        self.app = app
        self.docs_paths = docs_paths
        self.docs_headers = {**HEADERS, "content-security-policy": DOCS_CSP}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        docs = any(path == p or path.startswith(p + "/") for p in self.docs_paths)
        values = self.docs_headers if docs else HEADERS

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": _with(list(message.get("headers", [])), values)}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def download_name(*parts: str, ext: str) -> str:
    """A ``Content-Disposition: attachment`` value for a file named from ``parts``
    joined with ``-`` (at most 120 characters, then ``.ext``). ``filename`` carries an
    ASCII form (accents dropped; only letters, digits, ``_`` and ``-`` kept);
    ``filename*`` (RFC 6266, RFC 5987 ``UTF-8''`` percent-encoding) keeps letters such
    as the "ñ" of Doña Ana. Never raises; the value never holds a quote, a semicolon,
    a control character or a line break."""
    ext = re.sub(r"[^a-z0-9]", "", ext.lower()) or "bin"

    def join(keep: Callable[[str], str]) -> str:
        texts = [t for t in (keep(str(p)) for p in parts) if t]
        return ("-".join(texts) or "download")[:120] + "." + ext

    def ascii_only(text: str) -> str:
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
        return re.sub(r"[^A-Za-z0-9_-]+", "", text)

    def letters(text: str) -> str:
        text = unicodedata.normalize("NFC", text)
        return "".join(c for c in text if c in "_-" or unicodedata.category(c)[0] in "LN")

    plain, full = join(ascii_only), join(letters)
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(full, safe='')}"


__all__ = ["CSP", "DOCS_PATHS", "HEADERS", "SecurityHeaders", "download_name"]
