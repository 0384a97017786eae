"""Security headers on every response: a strict Content-Security-Policy (no inline
script or style on our pages, no framing), ``X-Frame-Options``,
``X-Content-Type-Options: nosniff`` and a ``Referrer-Policy``; and safe download file
names (RFC 6266).

:class:`SecurityHeaders` is a plain ASGI middleware, registered by
:func:`cooprules.api.create_app`. The only page not ours is FastAPI's Swagger UI at
``/docs``: it loads its script and style from cdn.jsdelivr.net and starts with one
inline script, which is allowed by its SHA-256 hash, computed from the page as sent
(no ``'unsafe-inline'`` for scripts anywhere).
"""

from __future__ import annotations

import base64
import hashlib
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
#: The Swagger UI's CDN (FastAPI's default ``swagger_js_url``/``swagger_css_url``).
DOCS_CDN = "https://cdn.jsdelivr.net"
#: The largest /docs page buffered to hash its inline script (bytes).
MAX_DOCS_BYTES = 256 * 1024

_INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.S)

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


def docs_policy(html: bytes) -> str:
    """The CSP for the Swagger UI page ``html``: its CDN, and each inline script by
    its SHA-256 hash."""
    hashes = " ".join("'sha256-" + base64.b64encode(hashlib.sha256(m).digest()).decode() + "'"
                      for m in _INLINE_SCRIPT.findall(html))
    return (f"default-src 'none'; script-src {DOCS_CDN} {hashes}; style-src {DOCS_CDN} 'unsafe-inline'; "
            "img-src 'self' data: https://fastapi.tiangolo.com; connect-src 'self'; form-action 'self'; "
            "base-uri 'none'; object-src 'none'; frame-ancestors 'none'")


def _with(headers: list[tuple[bytes, bytes]], values: dict[str, str]) -> list[tuple[bytes, bytes]]:
    names = {k.encode() for k in values}
    kept = [(k, v) for k, v in headers if k.lower() not in names]
    return kept + [(k.encode(), v.encode()) for k, v in values.items()]


class SecurityHeaders:
    """ASGI middleware: :data:`HEADERS` on every HTTP response; on ``docs_path`` the
    CSP of :func:`docs_policy` instead."""

    def __init__(self, app: Callable[..., Awaitable[None]], docs_path: str = "/docs") -> None:
        self.app = app
        self.docs_path = docs_path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        if path == self.docs_path or path.startswith(self.docs_path + "/"):  # Swagger UI and its OAuth2 redirect
            await self._docs(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": _with(list(message.get("headers", [])), HEADERS)}
            await send(message)

        await self.app(scope, receive, send_with_headers)

    async def _docs(self, scope: Scope, receive: Receive, send: Send) -> None:
        start: Message | None = None
        body = bytearray()

        async def buffer(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] == "http.response.body":
                body.extend(message.get("body", b""))
                if len(body) > MAX_DOCS_BYTES:
                    raise ValueError("the /docs page is larger than expected")
                if not message.get("more_body"):
                    assert start is not None
                    values = {**HEADERS, "content-security-policy": docs_policy(bytes(body))}
                    await send({**start, "headers": _with(list(start.get("headers", [])), values)})
                    await send({"type": "http.response.body", "body": bytes(body)})
                return
            await send(message)

        await self.app(scope, receive, buffer)


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


__all__ = ["CSP", "HEADERS", "SecurityHeaders", "docs_policy", "download_name"]
