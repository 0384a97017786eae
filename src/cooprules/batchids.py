"""Batch answers a researcher can join back to the questions: a request's own ``id`` (or
``ref``) echoed on its answer, and a choice of the answer's fields to print.

The id is not a fact of the vocabulary: it is taken off the request before the request
is validated and put first on the answer. It is a join key chosen by the person who
wrote the file (a row number, a case number of their study), never a person's name or
identifier: requests carry facts, never identities (docs/design.md), so it is bounded
(:data:`MAX_ID_LENGTH` characters) and limited to letters, digits and ``. _ : -``
(:data:`ID_PATTERN`), or a whole number from 0 to 2**53.
"""

from __future__ import annotations

import json
import re
from typing import Any

from .errors import FieldError, RequestError, did_you_mean

#: The keys a request may carry its join key under (one of them, not both).
ID_KEYS = ("id", "ref")
#: Longest text id.
MAX_ID_LENGTH = 64
#: What a text id may be made of (starts with a letter or digit).
ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:\-]{0,63}")
#: Largest whole-number id (exact in every JSON reader).
MAX_ID_NUMBER = 2 ** 53

#: The fields ``--brief`` prints: what to do now, in plain words, and what it rests on.
BRIEF_FIELDS = ("outcome", "summary", "citations", "duties", "presumed", "unless", "depends_on")


def decision_fields() -> list[str]:
    """The top-level fields of a Decision, in the model's order (what ``--fields`` may name)."""
    from .vocabulary import Decision

    return list(Decision.model_fields)


def parse_fields(text: str | None, brief: bool = False) -> tuple[str, ...] | None:
    """``--fields a,b,c`` / ``--brief`` as the tuple of Decision fields to print
    (``None``: every field). Raises :class:`RequestError` (field ``--fields``) naming an
    unknown field, the allowed ones and the nearest; and for both options at once."""
    if text is not None and brief:
        raise RequestError([FieldError("--fields", "give --fields or --brief, not both")])
    if brief:
        return BRIEF_FIELDS
    if text is None:
        return None
    allowed = decision_fields()
    wanted = [w.strip() for w in text.split(",") if w.strip()]
    if not wanted:
        raise RequestError([FieldError("--fields", "name at least one field", text, allowed)])
    for word in wanted:
        if word not in allowed:
            raise RequestError([FieldError("--fields", f"'{word}' is not a field of a decision", word, allowed,
                                           did_you_mean(word, allowed))])
    return tuple(dict.fromkeys(wanted))


def check_id(key: str, value: Any) -> str | int:
    """``value`` if it is an acceptable id (module doc), else :class:`RequestError`
    naming ``key``."""
    if isinstance(value, int) and not isinstance(value, bool):
        if 0 <= value <= MAX_ID_NUMBER:
            return value
        raise RequestError([FieldError(key, f"a number id is a whole number from 0 to {MAX_ID_NUMBER}")])
    if isinstance(value, str):
        if len(value) > MAX_ID_LENGTH:
            raise RequestError([FieldError(key, f"the id is {len(value)} characters; at most {MAX_ID_LENGTH}")])
        if ID_PATTERN.fullmatch(value):
            return value
        raise RequestError([FieldError(key, "an id is letters, digits and . _ : - (starting with a letter or "
                                            "digit), e.g. row-17; never a person's name or identifier")])
    raise RequestError([FieldError(key, f"an id is text or a whole number, not {type(value).__name__}")])


def split_id(text: str) -> tuple[tuple[str, str | int] | None, Any, RequestError | None]:
    """Take the id off one JSON request.

    Returns ``(id, request, error)``: ``id`` is ``(key, value)`` or ``None``;
    ``request`` is what the engine should read (the text unchanged when it has no id
    key or is not a JSON object, so that the engine reports its own problems; else the
    parsed object without the id); ``error`` is a :class:`RequestError` for a bad id
    (or ``id`` and ``ref`` both), else ``None``.
    """
    if '"id"' not in text and '"ref"' not in text:  # the common case: no parse twice
        return None, text, None
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return None, text, None
    if not isinstance(data, dict):
        return None, text, None
    present = [k for k in ID_KEYS if k in data]
    if not present:
        return None, text, None
    if len(present) > 1:
        return None, text, RequestError([FieldError("id", "give the line's id as 'id' or 'ref', not both")])
    key = present[0]
    value = data.pop(key)
    try:
        return (key, check_id(key, value)), data, None
    except RequestError as exc:
        return None, data, exc


def decision_json(decision: Any, fields: tuple[str, ...] | None, ident: tuple[str, str | int] | None) -> str:
    """One answer line: the id first (under the key it came with), then the Decision's
    ``fields`` (all when ``None``) as compact JSON."""
    body = decision.model_dump_json(include=set(fields)) if fields else decision.model_dump_json()
    if ident is None:
        return body
    head = json.dumps({ident[0]: ident[1]}, separators=(",", ":"))[:-1]
    return head + ("}" if body == "{}" else "," + body[1:])
