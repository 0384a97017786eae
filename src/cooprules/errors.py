"""Errors that say exactly what is wrong, where, and what is allowed instead.

Request errors name the field (dotted path, e.g. ``subject.convictions.0.category``),
the value given, the allowed values and the nearest valid word. Corpus errors name the
file, the provision id and the field.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Iterable

from pydantic import BaseModel, ValidationError

#: Largest request accepted, as JSON text (bytes). Larger input is refused unread.
MAX_REQUEST_BYTES = 16 * 1024


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """The closest of ``choices`` to ``word`` (difflib ratio >= 0.6), or None."""
    best = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return best[0] if best else None


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
            out["given"] = self.given
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
        where = file + (f" [{provision_id}]" if provision_id else "") + (f" {field_name}" if field_name else "")
        super().__init__(f"{where}: {message}")


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


def explain_validation_error(model: type[BaseModel], exc: ValidationError) -> RequestError:
    """Turn a pydantic ValidationError into a :class:`RequestError` whose entries name
    the dotted field, the value given, the allowed values and a "did you mean"."""
    out: list[FieldError] = []
    for err in exc.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and ("[" in p or p in {"str", "int", "float", "bool", "literal['none']"})))
        dotted = ".".join(str(p) for p in loc) or "request"
        kind = err["type"]
        given = err.get("input")
        if isinstance(given, (dict, list)):
            given = None
        allowed: list[str] = []
        suggestion = None
        if kind == "extra_forbidden":
            parent = loc[:-1]
            allowed = _field_names(model, parent)
            suggestion = did_you_mean(str(loc[-1]), allowed)
            message = f"unknown field '{loc[-1]}'"
            given = None
        elif kind == "missing":
            message = "required field is missing"
        elif kind in {"enum", "literal_error"}:
            enum = _enum_for(model, loc)
            allowed = [e.value for e in enum] if enum else []
            if kind == "literal_error" and loc and loc[-1] == "pending_charge":
                allowed = ["none"]
            suggestion = did_you_mean(str(given), allowed) if allowed else None
            message = f"'{given}' is not a word of the vocabulary for this field"
        elif kind.startswith("date"):
            message = "not a valid date; write it as YYYY-MM-DD"
        elif kind == "value_error":
            message = str(err.get("ctx", {}).get("error", err["msg"]))
        else:
            message = err["msg"]
        out.append(FieldError(dotted, message, given, allowed, suggestion))
    # Several union branches can report the same field: keep the first of each.
    seen: set[tuple[str, str]] = set()
    unique = []
    for e in out:
        key = (e.field, e.message)
        if key not in seen:
            seen.add(key)
            unique.append(e)
    return RequestError(unique)


def parse_request(data: Any) -> "Request":
    """Validate ``data`` (a dict, a JSON string or bytes) into a Request.

    Returns: :class:`cooprules.vocabulary.Request`.
    Raises: :class:`RequestError` naming each bad field, the value given and the allowed
    values; oversized input (over ``MAX_REQUEST_BYTES`` of JSON) and malformed JSON are
    request errors too.
    """
    from .vocabulary import Request

    if isinstance(data, Request):
        return data
    if isinstance(data, (bytes, str)):
        if len(data) > MAX_REQUEST_BYTES:
            raise RequestError([FieldError("request", f"request is {len(data)} bytes; the limit is {MAX_REQUEST_BYTES}")])
        try:
            data = json.loads(data)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise RequestError([FieldError("request", f"not valid JSON: {exc}")]) from None
    if not isinstance(data, dict):
        raise RequestError([FieldError("request", f"a request is a JSON object, not {type(data).__name__}")])
    try:
        return Request.model_validate(data)
    except ValidationError as exc:
        raise explain_validation_error(Request, exc) from None
