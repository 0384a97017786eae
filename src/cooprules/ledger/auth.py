"""Accounts, roles, passwords, bearer tokens and signed web sessions.

Roles: ``clerk`` records and reads its own office's records and checks off duties;
``supervisor`` does the same and draws the office's reports; ``auditor`` reads and
reports across all offices and cannot write. Passwords are argon2id hashes
(argon2-cffi). A bearer token is 256 random bits shown once; only its SHA-256 is kept.
A web session is a cookie ``account_id.expiry.signature`` signed with HMAC-SHA256
under a key kept in the database; the CSRF token of a form is an HMAC of the session
cookie (a signed double submit).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

ROLES = ("clerk", "supervisor", "auditor")
#: Roles that may add records and events.
WRITERS = ("clerk", "supervisor")
#: Roles that may draw reports.
REPORTERS = ("supervisor", "auditor")
NAME_PATTERN = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
#: Web sessions last this long (seconds).
SESSION_SECONDS = 8 * 3600
#: Shortest password accepted for web sign-in (characters). Twelve is the floor NIST
#: SP 800-63B and OWASP's authentication guidance give for a password that is the only
#: factor; the sign-in throttle (:class:`SignInThrottle`) slows guessing further.
MIN_PASSWORD = 12
#: Longest password accepted (characters); argon2 hashes any length, this bounds the work.
MAX_PASSWORD = 1024


@dataclass(frozen=True)
class Account:
    """A signed-in staff account: ``office`` is ``(OCD-ID, entity)``."""

    id: int
    name: str
    role: str
    office_jurisdiction: str
    office_entity: str

    @property
    def can_write(self) -> bool:
        return self.role in WRITERS

    def writes_for(self, jurisdiction: str | None, entity: str | None) -> bool:
        """True when this account may record requests to, and check off duties of, the
        office ``(jurisdiction OCD-ID, entity word)``: a clerk or supervisor of that very
        office. No role writes for every office (an auditor writes for none)."""
        return self.can_write and (jurisdiction, entity) == (self.office_jurisdiction, self.office_entity)

    @property
    def can_report(self) -> bool:
        return self.role in REPORTERS

    @property
    def all_offices(self) -> bool:
        """Auditors read across offices."""
        return self.role == "auditor"


def parse_office(text: str) -> tuple[str, str]:
    """``OCD-ID:ENTITY`` → ``(OCD-ID, entity)`` (split at the last colon). Raises
    ValueError naming the allowed entity words."""
    from ..vocabulary import Entity

    head, sep, entity = text.rpartition(":")
    allowed = [e.value for e in Entity]
    if not sep or not head.startswith("ocd-division/") or "/" not in head:
        raise ValueError(f"--office: write OCD-ID:ENTITY, e.g. ocd-division/country:us/state:ca/county:san_diego:sheriff (got {text!r})")
    if entity not in allowed:
        raise ValueError(f"--office: '{entity}' is not an entity; allowed: {', '.join(allowed)}")
    return head, entity


def password_problem(password: object) -> str | None:
    """Why ``password`` may not be set, or None when it may: a string of
    :data:`MIN_PASSWORD` to :data:`MAX_PASSWORD` characters, not all blank."""
    if not isinstance(password, str) or not password.strip():
        return f"give a password of at least {MIN_PASSWORD} characters"
    if len(password) < MIN_PASSWORD:
        return f"a password has at least {MIN_PASSWORD} characters (this one has {len(password)})"
    if len(password) > MAX_PASSWORD:
        return f"a password has at most {MAX_PASSWORD} characters (this one has {len(password)})"
    return None


def hash_password(password: str) -> str:
    """An argon2id hash of ``password``: the one place a password is set, so every path
    (CLI, store, any web or API form) gets the same rule.

    Args: ``password`` of :data:`MIN_PASSWORD` (12) to :data:`MAX_PASSWORD` (1024)
    characters, not all blank. Returns: the argon2id hash string (``$argon2id$...``).
    Raises: ValueError saying what is wrong (too short, too long, empty)."""
    from argon2 import PasswordHasher

    problem = password_problem(password)
    if problem:
        raise ValueError(problem)
    return PasswordHasher().hash(password)


def check_password(stored: str | None, password: str) -> bool:
    """True when ``password`` matches the argon2 hash ``stored``."""
    from argon2 import PasswordHasher
    from argon2.exceptions import Argon2Error, InvalidHashError

    if not stored or not password or len(password) > MAX_PASSWORD:
        return False
    try:
        return PasswordHasher().verify(stored, password)
    except (Argon2Error, InvalidHashError):
        return False


def new_token() -> tuple[str, str]:
    """A new bearer token and its SHA-256 hex digest (what is stored)."""
    token = "clr_" + secrets.token_urlsafe(32)
    return token, token_hash(token)


def token_hash(token: str) -> str:
    """SHA-256 hex of ``token``."""
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def sign_session(key: bytes, account_id: int, now: dt.datetime | None = None) -> str:
    """A session cookie value for ``account_id`` valid for :data:`SESSION_SECONDS`."""
    now = now or dt.datetime.now(dt.timezone.utc)
    expiry = int(now.timestamp()) + SESSION_SECONDS
    body = f"{account_id}.{expiry}.{secrets.token_hex(8)}"
    return body + "." + hmac.new(key, body.encode(), hashlib.sha256).hexdigest()


def read_session(key: bytes, value: str | None, now: dt.datetime | None = None) -> int | None:
    """The account id in a valid, unexpired session cookie, else None."""
    if not value or len(value) > 200:
        return None
    body, _, sig = value.rpartition(".")
    good = hmac.new(key, body.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(sig, good):
        return None
    parts = body.split(".")
    if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit():
        return None
    now = now or dt.datetime.now(dt.timezone.utc)
    if int(parts[1]) < now.timestamp():
        return None
    return int(parts[0])


def csrf_token(key: bytes, session: str) -> str:
    """The CSRF token that forms of this session carry."""
    return hmac.new(key, b"csrf:" + session.encode(), hashlib.sha256).hexdigest()


def check_csrf(key: bytes, session: str | None, token: str | None) -> bool:
    """True when ``token`` is this session's CSRF token."""
    if not session or not token:
        return False
    return hmac.compare_digest(csrf_token(key, session), token)


class SignInThrottle:
    """Failed web sign-ins counted per account name and per client address: after
    ``limit`` failures within ``window`` seconds, that name (or address) is refused for
    ``window`` seconds from its latest failure, right password or not, so passwords
    cannot be guessed at speed. In memory, per server process; at most ``size``
    names and addresses are tracked (the oldest are forgotten first).

    Args: ``limit`` failures (default 5); ``window`` seconds (default 900); ``size``
    entries (default 10,000). ``now``: a clock in seconds (tests)."""

    def __init__(self, limit: int = 5, window: float = 900.0, size: int = 10_000, now=None):
        import collections
        import threading
        import time

        self.limit, self.window, self.size = limit, window, size
        self._now = now or time.monotonic
        self._fails: collections.OrderedDict[str, list[float]] = collections.OrderedDict()
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> list[float]:
        times = [t for t in self._fails.get(key, ()) if now - t < self.window]
        if times:
            self._fails[key] = times
        else:
            self._fails.pop(key, None)
        return times

    def wait(self, *keys: str) -> int:
        """Seconds until ``keys`` (a name, an address) may try again; 0: now."""
        now = self._now()
        with self._lock:
            waits = [self.window - (now - times[-1]) for k in keys
                     if len(times := self._recent(k, now)) >= self.limit]
        return int(max(waits, default=0) + 0.999)

    def failed(self, *keys: str) -> None:
        """Count one failed sign-in against each of ``keys``."""
        now = self._now()
        with self._lock:
            for k in keys:
                times = self._recent(k, now)
                self._fails[k] = (times + [now])[-self.limit:]
                self._fails.move_to_end(k)
            while len(self._fails) > self.size:
                self._fails.popitem(last=False)

    def succeeded(self, *keys: str) -> None:
        """Forget the failures of ``keys`` (a right password)."""
        with self._lock:
            for k in keys:
                self._fails.pop(k, None)
