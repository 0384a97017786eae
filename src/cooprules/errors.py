"""Errors that say exactly what is wrong, where, and what is allowed instead.

Request errors name the field (dotted path, e.g. ``subject.convictions.0.category``),
the value given, the allowed values and the nearest valid word. Corpus errors name the
file, the provision id and the field.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import math
import re
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Iterable

from pydantic import BaseModel, ValidationError

#: Largest request accepted, as JSON text (bytes). Larger input is refused unread.
MAX_REQUEST_BYTES = 16 * 1024

_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def iso_day(text: str) -> dt.date:
    """``text`` as a calendar date, written exactly ``YYYY-MM-DD`` (the one date format
    of every front end: ``20260101``, ``2026-W01-1`` and date-times are refused,
    although :meth:`datetime.date.fromisoformat` reads them).

    Raises: ValueError for any other text or an impossible day (``2026-02-30``).
    """
    if not isinstance(text, str) or not _ISO_DAY.fullmatch(text):
        raise ValueError(f"{text!r} is not a date; write it as YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a date ({exc}); write it as YYYY-MM-DD") from None


def non_finite(value: Any, path: str = "", depth: int = 0) -> str | None:
    """The dotted path of the first NaN or infinite float in ``value`` (dicts and
    lists, at most 64 deep), else None. ``NaN``/``Infinity`` are not JSON numbers
    (RFC 8259) and no fact takes them."""
    if isinstance(value, float):
        return None if math.isfinite(value) else (path or "request")
    if depth > 64:
        return None
    if isinstance(value, dict):
        items: Any = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        found = non_finite(item, f"{path}.{key}" if path else str(key), depth + 1)
        if found:
            return found
    return None


def _json_safe(value: Any) -> Any:
    """``value`` as it may appear in a JSON error body: a non-finite float (from a
    Python caller's dict) becomes its text and an integer too long to print becomes a
    note, so the body stays valid JSON."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, int) and not isinstance(value, bool) and abs(value).bit_length() > 4000:
        return "(an integer too long to show)"
    return value


def _shown(value: Any) -> str:
    """``repr(value)`` for a message, never raising (an integer past Python's digit
    limit cannot be printed)."""
    try:
        return repr(value)
    except ValueError:
        return "an integer too long to show"


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """The closest of ``choices`` to ``word`` (difflib ratio >= 0.6), else the one
    choice that contains it, or None."""
    options = [str(c) for c in choices]
    best = difflib.get_close_matches(str(word), options, n=1, cutoff=0.6)
    if best:
        return best[0]
    # a part of one word ("hold" for "detainer_hold")
    containing = [c for c in options if len(str(word)) >= 3 and str(word).lower() in c.lower()]
    return containing[0] if len(containing) == 1 else None


@dataclass(frozen=True)
class FieldError:
    """One problem with one field of a request."""

    field: str
    message: str
    given: Any = None
    allowed: list[str] = field(default_factory=list)
    suggestion: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form: ``{field, message, given?, allowed?, did_you_mean?}``."""
        out: dict[str, Any] = {"field": self.field, "message": self.message}
        if self.given is not None:
            out["given"] = _json_safe(self.given)
        if self.allowed:
            out["allowed"] = self.allowed
        if self.suggestion:
            out["did_you_mean"] = self.suggestion
        return out

    def __str__(self) -> str:
        text = f"{self.field}: {self.message}"
        if self.suggestion:
            text += f" (did you mean '{self.suggestion}'?)"
        if self.allowed:
            shown = ", ".join(self.allowed[:20]) + (" ..." if len(self.allowed) > 20 else "")
            text += f"; allowed: {shown}"
        return text


class RequestError(ValueError):
    """A request that does not fit the vocabulary. ``errors`` lists every problem found."""

    def __init__(self, errors: list[FieldError]):
        self.errors = errors
        super().__init__("; ".join(str(e) for e in errors))

    def as_dict(self) -> dict[str, Any]:
        """``{"error": "invalid_request", "errors": [FieldError.as_dict(), ...]}``."""
        return {"error": "invalid_request", "errors": [e.as_dict() for e in self.errors]}


class CorpusError(ValueError):
    """A rule file that cannot be loaded: names the file, the provision id and the field."""

    def __init__(self, file: str, message: str, provision_id: str | None = None,
                 field_name: str | None = None):
        self.file, self.provision_id, self.field_name = file, provision_id, field_name
        self.message = message
        where = file + (f" [{provision_id}]" if provision_id else "") + (f" {field_name}" if field_name else "")
        super().__init__(f"{where}: {message}")

    def as_dict(self) -> dict[str, Any]:
        """``{"error": "corpus_error", "errors": [{"field", "message", "provision", "file"}]}``:
        the shape of :meth:`RequestError.as_dict`; ``field`` is the provision's field
        (``when``), ``provision`` its id, ``file`` its rule file. A defect of the
        corpus, not of the request."""
        entry: dict[str, Any] = {"field": self.field_name or "corpus", "message": self.message}
        if self.provision_id:
            entry["provision"] = self.provision_id
        entry["file"] = self.file
        return {"error": "corpus_error", "errors": [entry]}


def _enum_for(model: type[BaseModel], loc: tuple[Any, ...]) -> type[Enum] | None:
    """Walk a model's annotations along ``loc`` to find the Enum type at that field."""
    import typing

    tp: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            info = tp.model_fields.get(str(part))
            if info is None:
                return None
            tp = info.annotation
        else:
            return None
        # unwrap Optional/list/Annotated/Union until a model or enum shows
        for _ in range(6):
            origin = typing.get_origin(tp)
            if origin is None:
                break
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            picked = next((a for a in args if isinstance(a, type) and issubclass(a, (BaseModel, Enum))), None)
            if picked is None:
                picked = next((a for a in args if typing.get_origin(a) is not None), args[0] if args else None)
            tp = picked
    return tp if isinstance(tp, type) and issubclass(tp, Enum) else None


def _field_names(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The field names allowed in the object at ``loc`` (for unknown-field errors)."""
    import typing

    tp: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(tp, type) and issubclass(tp, BaseModel)):
            return []
        info = tp.model_fields.get(str(part))
        if info is None:
            return []
        tp = info.annotation
        for _ in range(6):
            if typing.get_origin(tp) is None:
                break
            args = [a for a in typing.get_args(tp) if isinstance(a, type) and issubclass(a, BaseModel)]
            tp = args[0] if args else next(iter(typing.get_args(tp)), None)
    return list(tp.model_fields) if isinstance(tp, type) and issubclass(tp, BaseModel) else []


_BRANCHES = {"str", "int", "float", "bool", "PendingCharge", "constrained-int", "constrained-float"}


def _is_branch(part: Any) -> bool:
    """Whether a pydantic location part names a union branch rather than a field."""
    return isinstance(part, str) and ("[" in part or part in _BRANCHES)


def _drop_other_branches(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """For a union field (``pending_charge``: an object or the word "none"), keep only
    the errors of the branch the input was meant for: an object's field errors, or
    the word's."""
    keep = []
    for err in errors:
        loc = err["loc"]
        if "pending_charge" in loc:
            i = loc.index("pending_charge")
            branch = loc[i + 1] if len(loc) > i + 1 else None
            given = err.get("input")
            if branch == "PendingCharge" and err["type"] == "model_type" and not isinstance(given, dict):
                continue  # a word or a number was given: report it against the literal branch
            if isinstance(branch, str) and branch.startswith("literal") and isinstance(given, dict):
                continue  # an object was given: its own field errors say what is wrong
        keep.append(err)
    return keep


def explain_validation_error(model: type[BaseModel], exc: ValidationError) -> RequestError:
    """Turn a pydantic ValidationError into a :class:`RequestError` whose entries name
    the dotted field, the value given, the allowed values and a "did you mean"."""
    out: list[FieldError] = []
    for err in _drop_other_branches(exc.errors(include_url=False)):
        loc = tuple(p for p in err["loc"] if not _is_branch(p))
        dotted = ".".join(str(p) for p in loc) or "request"
        kind = err["type"]
        raw = err.get("input")
        given = None if isinstance(raw, (dict, list)) else _json_safe(raw)
        shown = f"a {'list' if isinstance(raw, list) else 'JSON object'}" if isinstance(raw, (dict, list)) else _shown(raw)
        allowed: list[str] = []
        suggestion = None
        if kind == "extra_forbidden":
            allowed = _field_names(model, loc[:-1])
            suggestion = did_you_mean(str(loc[-1]), allowed)
            message = f"unknown field '{loc[-1]}'"
            given = None
        elif kind == "missing":
            message = "required field is missing"
        elif kind in {"enum", "literal_error"}:
            enum = _enum_for(model, loc)
            allowed = [e.value for e in enum] if enum else []
            if loc and loc[-1] == "pending_charge":
                allowed = ["none"]
                message = f"{shown} is neither the word 'none' nor a pending charge object {{category, probable_cause_determined}}"
            else:
                message = f"{shown} is not a word of the vocabulary for this field"
            if isinstance(raw, str):
                suggestion = did_you_mean(raw, allowed) if allowed else None
        elif kind.startswith("date") or kind == "date_strict":
            message = f"{shown} is not a valid date; write it as YYYY-MM-DD"
        elif kind == "value_error":
            message = str(err.get("ctx", {}).get("error", err["msg"]))
            if not loc and message.startswith("info_type"):
                dotted = "info_type"
                from .vocabulary import InfoType

                if "required" in message:
                    allowed = [w.value for w in InfoType]
        else:
            message = f"{err['msg']} (got {shown})"
        out.append(FieldError(dotted, message, given, allowed, suggestion))
    # Several union branches can report the same field: keep the first of each.
    seen: set[str] = set()
    unique = []
    for e in out:
        if e.field not in seen:
            seen.add(e.field)
            unique.append(e)
    return RequestError(unique)


def parse_request(data: Any) -> "Request":
    """Validate ``data`` (a dict, a JSON string or bytes) into a Request.

    Returns: :class:`cooprules.vocabulary.Request`.
    Raises: :class:`RequestError` (only) naming each bad field, the value given and the
    allowed values; oversized input (over ``MAX_REQUEST_BYTES`` of JSON), malformed
    JSON, ``NaN``/``Infinity`` (refused in every field, never echoed as such) and
    integers past Python's digit limit are request errors too.
    """
    from .vocabulary import Request

    if isinstance(data, Request):
        return data
    if isinstance(data, (bytes, str)):
        size = len(data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data)
        if size > MAX_REQUEST_BYTES:
            raise RequestError([FieldError("request", f"request is {size} bytes; the limit is {MAX_REQUEST_BYTES}")])
        try:
            data = json.loads(data)
        except RecursionError:
            raise RequestError([FieldError("request", "JSON nested too deeply")]) from None
        except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError, an integer past the digit limit
            raise RequestError([FieldError("request", f"not valid JSON: {exc}")]) from None
    if not isinstance(data, dict):
        raise RequestError([FieldError("request", f"a request is a JSON object, not {type(data).__name__}")])
    try:
        request = Request.model_validate(data)
    except ValidationError as exc:
        try:
            problem = explain_validation_error(Request, exc)
        except Exception:  # explaining failed on some odd value: pydantic's own words still name the fields
            problem = RequestError([FieldError(".".join(str(p) for p in e["loc"]) or "request", e["msg"])
                                    for e in exc.errors(include_url=False, include_input=False)])
        raise problem from None
    except RecursionError:
        raise RequestError([FieldError("request", "request nested too deeply")]) from None
    except (ValueError, TypeError, OverflowError) as exc:  # a validator's own failure: still the request's fault
        raise RequestError([FieldError("request", f"invalid request: {type(exc).__name__}: {str(exc)[:200]}")]) from None
    where = non_finite(data)
    if where:  # a field that took the float did not bound it: NaN and Infinity are still no facts
        raise RequestError([FieldError(where, "NaN and Infinity are not numbers a request may give")])
    return request
