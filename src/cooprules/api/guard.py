"""The outer guard of the HTTP app: a per-client rate limit and the rule that API
bodies are JSON.

* **Rate limit.** A token bucket per client address (``scope["client"]``; behind a
  reverse proxy, run uvicorn with ``--forwarded-allow-ips`` so that the address is the
  real client's). Each request costs :data:`COSTS` tokens (1, a batch 10); a client
  whose bucket is empty gets 429 with ``Retry-After``. The buckets of at most
  :data:`MAX_CLIENTS` addresses are kept (least recently seen dropped first), so memory
  stays bounded whatever the number of addresses. ``cooprules serve`` applies
  :data:`DEFAULT_RATE` per second with bursts of :data:`DEFAULT_BURST`
  (``--rate-limit``/``--rate-burst`` or ``COOPRULES_RATE_LIMIT``/``COOPRULES_RATE_BURST``;
  0 turns it off). ``/v1/health`` is never limited.
* **JSON only.** A ``POST`` to ``/v1/...`` whose ``Content-Type`` is not
  ``application/json`` (``charset=utf-8`` or none) gets 415 before its body is read:
  a plain HTML form on another site (``text/plain``, ``application/x-www-form-urlencoded``,
  ``multipart/form-data``) cannot make a browser post to an intranet deployment, since
  a cross-site ``application/json`` post needs a CORS preflight that we never grant.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections import OrderedDict
from typing import Any

from .work import PER_REQUEST, allow

#: Requests per second per client that ``cooprules serve`` allows by default.
DEFAULT_RATE = 50.0
#: Requests a client may send at once above the rate (the bucket's size).
DEFAULT_BURST = 100.0
#: Most client addresses whose buckets are kept.
MAX_CLIENTS = 10_000
#: Tokens a request costs by path (others: 1).
COSTS = {"/v1/decisions/batch": 10.0}
#: Paths never limited (monitoring).
EXEMPT = frozenset({"/v1/health"})
#: Methods whose body must be JSON on API paths.
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


class TokenBucket:
    """Token buckets keyed by client: ``rate`` tokens per second up to ``burst``.

    Thread-safe; keeps at most ``max_keys`` buckets (least recently used dropped).
    """

    def __init__(self, rate: float, burst: float, max_keys: int = MAX_CLIENTS):
        if rate <= 0 or burst <= 0:
            raise ValueError("rate and burst must be positive")
        self.rate, self.burst, self.max_keys = float(rate), float(burst), max_keys
        self._buckets: OrderedDict[Any, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, key: Any, cost: float = 1.0, now: float | None = None) -> float:
        """Spend ``cost`` tokens of ``key``'s bucket. Returns 0.0 when allowed, else the
        seconds to wait until ``cost`` tokens are there (nothing is spent then)."""
        now = time.monotonic() if now is None else now
        cost = min(cost, self.burst)
        with self._lock:
            tokens, last = self._buckets.pop(key, (self.burst, now))
            tokens = min(self.burst, tokens + max(0.0, now - last) * self.rate)
            wait = 0.0
            if tokens >= cost:
                tokens -= cost
            else:
                wait = (cost - tokens) / self.rate
            self._buckets[key] = (tokens, now)
            while len(self._buckets) > self.max_keys:
                self._buckets.popitem(last=False)
        return wait

    def __len__(self) -> int:
        return len(self._buckets)


def _media_type_ok(value: bytes | None) -> bool:
    """Whether a Content-Type header says JSON in UTF-8 (``application/json`` with no
    parameter or ``charset=utf-8``)."""
    if value is None:
        return False
    parts = [p.strip() for p in value.decode("latin-1").split(";")]
    if parts[0].lower() != "application/json":
        return False
    for param in parts[1:]:
        name, _, val = param.partition("=")
        if name.strip().lower() != "charset" or val.strip().strip('"').lower() not in ("utf-8", "utf8"):
            return False
    return True


def _body(kind: str, field: str, message: str, **extra: Any) -> bytes:
    return json.dumps({"error": kind, "errors": [{"field": field, "message": message, **extra}]}).encode()


class Guard:
    """ASGI middleware, outermost: the rate limit and the JSON-only rule above.

    ``limiter`` is a :class:`TokenBucket` or None (no rate limit)."""

    def __init__(self, app: Any, limiter: TokenBucket | None = None):
        self.app = app
        self.limiter = limiter

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        allow(PER_REQUEST)  # "did you mean" work this request may spend (work.py)
        path = scope.get("path", "")
        if self.limiter is not None and path not in EXEMPT:
            client = scope.get("client") or ("unknown", 0)
            wait = self.limiter.take(client[0], COSTS.get(path, 1.0))
            if wait:
                await _send(send, 429, _body("too_many_requests", "request",
                                             f"too many requests from this address; retry in {math.ceil(wait)} s"),
                            [(b"retry-after", str(math.ceil(wait)).encode())])
                return
        if path.startswith("/v1/") and scope.get("method") in BODY_METHODS:
            ctype = next((v for k, v in scope.get("headers", ()) if k == b"content-type"), None)
            if not _media_type_ok(ctype):
                shown = ctype.decode("latin-1")[:100] if ctype is not None else "(none)"
                await _send(send, 415, _body("unsupported_media_type", "content-type",
                                             f"the body must be JSON: send Content-Type: application/json (got {shown})",
                                             allowed=["application/json"]))
                return
        await self.app(scope, receive, send)


async def _send(send: Any, status: int, body: bytes, headers: list[tuple[bytes, bytes]] | None = None) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            *(headers or [])]})
    await send({"type": "http.response.body", "body": body})
