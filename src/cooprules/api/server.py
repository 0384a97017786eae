"""Running the app under uvicorn with read deadlines (what ``cooprules serve`` does).

uvicorn closes idle keep-alive connections but waits for ever on a client that opens
a connection and sends part of a request line or headers, or a body slower than a
drip: thousands of such half-open connections hold memory and file descriptors.
:class:`DeadlineProtocol` (uvicorn's httptools protocol with two timers) closes a
connection whose request headers are not complete :data:`HEADER_TIMEOUT` seconds after
it opened (or after the previous response), answering ``408``, and one whose body is
not complete :data:`BODY_TIMEOUT` seconds after its headers.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

#: Seconds a client has to send a request's line and headers.
HEADER_TIMEOUT = 10.0
#: Seconds a client has to send a request's body once its headers are in.
BODY_TIMEOUT = 30.0
#: Seconds an idle keep-alive connection is kept.
KEEP_ALIVE = 5
#: Largest header block accepted (bytes); uvicorn answers 400 beyond (h11 limit).
MAX_HEADER_BYTES = 16 * 1024

_TIMEOUT_408 = (b"HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json\r\nconnection: close\r\n"
                b"content-length: %d\r\n\r\n%s")


def _seconds(name: str, default: float) -> float:
    text = os.environ.get(name)
    try:
        value = float(text) if text else default
    except ValueError:
        value = default
    return value if value > 0 else default


class DeadlineProtocol(HttpToolsProtocol):
    """HttpToolsProtocol whose requests must arrive in time (module doc). The
    timeouts are ``COOPRULES_HEADER_TIMEOUT`` and ``COOPRULES_BODY_TIMEOUT`` (seconds,
    read when a connection opens, so worker processes see what ``serve`` set),
    default :data:`HEADER_TIMEOUT` and :data:`BODY_TIMEOUT`."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.header_timeout = _seconds("COOPRULES_HEADER_TIMEOUT", HEADER_TIMEOUT)
        self.body_timeout = _seconds("COOPRULES_BODY_TIMEOUT", BODY_TIMEOUT)
        self._deadline: asyncio.TimerHandle | None = None
        self._reading_body = False

    def _arm(self, seconds: float) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(seconds, self._expired)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expired(self) -> None:
        self._deadline = None
        if self.transport is None or self.transport.is_closing():
            return
        if not self._reading_body:  # no request line and headers yet: say why before closing
            body = b'{"error":"request_timeout","errors":[{"field":"request","message":"the request headers did not arrive in time"}]}'
            self.transport.write(_TIMEOUT_408 % (len(body), body))
        self.transport.close()  # a pending body read sees the disconnect

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm(self.header_timeout)

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._deadline is None and not self._reading_body and (self.cycle is None or self.cycle.response_complete):
            self._arm(self.header_timeout)  # the first bytes of the next request on a kept-alive connection
        super().data_received(data)

    def on_headers_complete(self) -> None:
        self._reading_body = True
        self._arm(self.body_timeout)
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._reading_body = False
        self._disarm()
        super().on_message_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if self._deadline is None and not self.transport.is_closing() and self.pipeline:
            self._arm(self.header_timeout)


def is_loopback(host: str) -> bool:
    """Whether ``host`` (an address or host name) is this machine only: ``localhost``
    or a loopback address (127.0.0.0/8, ::1). Anything else, including ``0.0.0.0``
    and ``::`` (every interface), can be reached from other machines."""
    import ipaddress

    name = host.strip().strip("[]").lower()
    if name in ("localhost", "localhost.", "ip6-localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def startup_lines(host: str, port: int, corpus_version: str, web: bool = True) -> list[tuple[str, bool]]:
    """What ``cooprules serve`` prints before it starts: ``(text, is_warning)`` lines
    with the server's URL, the API documentation's URL, the corpus version and, for a
    non-loopback ``host``, a warning that other machines can reach it."""
    name = host.strip()
    shown = "localhost" if name in ("0.0.0.0", "::", "") else name
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"
    base = f"http://{shown}:{port}"
    lines = [(f"cooprules serving at {base}/" + ("" if web else "v1/"), False),
             (f"API documentation: {base}/docs (Swagger UI), {base}/redoc (ReDoc); works offline", False),
             (f"corpus version {corpus_version}; Ctrl-C to stop", False)]
    from .app import ledger_installed

    ledger = ledger_installed()
    if not ledger:
        lines.append(("request ledger: not installed (pip install 'cooprules[ledger]')", False))
    if not is_loopback(host):
        signed = (" (only the request ledger, /ledger and /v1/ledger, asks for a password or token)" if ledger else "")
        secrets = ", and the ledger's passwords and tokens," if ledger else ""
        lines.append((f"warning: listening on {host}, so other machines can reach this server. Anyone who reaches it "
                      f"can use the answer pages and the API without signing in{signed}, and it has no TLS: answers "
                      f"and the facts sent{secrets} travel in clear. Put it behind a reverse proxy with TLS and "
                      "access control, or use --host 127.0.0.1.", True))
    return lines


def serve(host: str = "127.0.0.1", port: int = 8000, workers: int = 1, log_requests: bool = False,
          header_timeout: float = HEADER_TIMEOUT, body_timeout: float = BODY_TIMEOUT) -> None:
    """Run :func:`cooprules.api.app.app_from_env` under uvicorn on ``host:port`` with
    ``workers`` processes, the read deadlines above, keep-alive of :data:`KEEP_ALIVE`
    seconds and no ``Server`` header. Blocks until stopped."""
    import uvicorn

    os.environ["COOPRULES_HEADER_TIMEOUT"] = str(header_timeout)
    os.environ["COOPRULES_BODY_TIMEOUT"] = str(body_timeout)
    uvicorn.run("cooprules.api.app:app_from_env", factory=True, host=host, port=port, workers=workers,
                access_log=log_requests, log_level="info" if log_requests else "warning", server_header=False,
                http=DeadlineProtocol, timeout_keep_alive=KEEP_ALIVE,
                h11_max_incomplete_event_size=MAX_HEADER_BYTES)
