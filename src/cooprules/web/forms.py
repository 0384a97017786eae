"""The guided form's state: query parameters in, a request dict and the next step out.

The page keeps no session: every step is a GET whose parameters carry the answers
so far (so the back button, bookmarks and pages without JavaScript all work).
Parameter names are the vocabulary's dotted fields (``subject.consent_given``);
values are vocabulary words, ``true``/``false``, numbers, or for convictions
``none`` / ``CATEGORY:YEARS_AGO`` and for a pending charge ``none`` /
``CATEGORY[:pc|:nopc]``.
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Mapping

from ..errors import FieldError, RequestError
from ..vocabulary import Action, Entity, InfoType, Instrument, OffenceCategory, Requester, instrument_word

#: The parameters that make up the question, in the order the page asks them.
BASE = ("jurisdiction", "entity", "requester", "action", "info_type", "instrument")
#: Facts that the page asks about when an answer depends on them.
BOOL_FACTS = ("subject.minor", "subject.consent_given", "subject.proof_of_status_shown",
              "subject.registered_sex_offender",
              "subject.federal_felony_warrant", "subject.final_removal_order", "subject.previously_removed",
              "context.info_publicly_available", "context.exigent_circumstances")
WORD_FACTS = ("subject.role", "context.location", "context.purpose", "responder.agreement_287g")
OTHER_FACTS = ("subject.convictions", "subject.pending_charge", "context.hours_held_past_release", "context.date")
FACTS = BOOL_FACTS + WORD_FACTS + OTHER_FACTS
KEYS = BASE + ("attachments", "presume") + FACTS
#: The facts the page can ask about when an answer depends on them.
ASKABLE = FACTS + ("attachments",)
#: Parameters whose values are vocabulary words, checked before any step shows them.
WORDS = {"entity": Entity, "requester": Requester, "action": Action, "info_type": InfoType,
         "instrument": Instrument}
#: Parameters given once per choice ticked (joined with commas).
MULTI = ("attachments",)
#: The longest value accepted for one parameter.
MAX_VALUE = 300


def clean(params: Mapping[str, Any] | Iterable[tuple[str, str]]) -> dict[str, str]:
    """The known, non-empty parameters of a query (last value wins; unknown names and
    over-long values dropped). Convictions given as a category with a separate
    ``subject.convictions.years`` are joined into ``CATEGORY:YEARS``."""
    items = params.multi_items() if hasattr(params, "multi_items") else (
        params.items() if isinstance(params, Mapping) else params)
    out: dict[str, str] = {}
    for key, value in items:
        value = str(value).strip()
        if (key in KEYS or key == "subject.convictions.years") and value and len(value) <= MAX_VALUE:
            if key in ("instrument", "attachments"):  # ICE form numbers (I-247A, I-200) as their words
                word = instrument_word(value)
                value = word.value if isinstance(word, Instrument) else value
            if key in MULTI and key in out:
                if value in out[key].split(","):
                    continue
                value = out[key] + "," + value
            if len(value) <= MAX_VALUE:
                out[key] = value
    years = out.pop("subject.convictions.years", None)
    conv = out.get("subject.convictions")
    if conv and conv != "none" and ":" not in conv:
        out["subject.convictions"] = f"{conv}:{years or 0}"
    return out


def plain_text(value: str) -> bool:
    """True when ``value`` holds no control, format or unassigned characters (no line
    breaks, no NUL, no bidi overrides): what an identifier may hold."""
    import unicodedata

    return not any(unicodedata.category(c)[0] == "C" for c in value)


def check(state: Mapping[str, str]) -> None:
    """Raise RequestError naming each parameter whose value is not a vocabulary word
    (with the allowed words and the closest one), so that no step shows a word the
    page cannot label."""
    from ..errors import did_you_mean

    errors = []
    if "jurisdiction" in state and not plain_text(state["jurisdiction"]):
        errors.append(FieldError("jurisdiction", "contains control characters", state["jurisdiction"]))
    for key, enum in WORDS.items():
        if key in state:
            allowed = [w.value for w in enum]
            if state[key] not in allowed:
                errors.append(FieldError(key, f"not a known {key.replace('_', ' ')}", state[key], allowed,
                                         did_you_mean(state[key], allowed)))
    if "attachments" in state:
        allowed = [w.value for w in Instrument]
        for part in state["attachments"].split(","):
            if part and part not in allowed:
                errors.append(FieldError("attachments", "not a known paper", part, allowed,
                                         did_you_mean(part, allowed)))
    if state.get("presume", "true") not in ("true", "false"):
        errors.append(FieldError("presume", "must be true or false", state["presume"], ["true", "false"]))
    if errors:
        raise RequestError(errors)


def next_step(state: Mapping[str, str]) -> str:
    """The step the page shows next: ``office``, ``entity``, ``action``,
    ``info_type``, ``instrument`` or ``answer``."""
    if "jurisdiction" not in state:
        return "office"
    if "entity" not in state:
        return "entity"
    if "action" not in state:
        return "action"
    if state["action"] == Action.information_sharing.value and "info_type" not in state:
        return "info_type"
    if "instrument" not in state:
        return "instrument"
    return "answer"


def _number(text: str, field: str) -> int | float:
    try:
        value = float(text)
    except ValueError:
        raise RequestError([FieldError(field, f"{text!r} is not a number", text)]) from None
    return int(value) if value.is_integer() else value


def _offence(text: str, field: str) -> str:
    allowed = [c.value for c in OffenceCategory]
    if text not in allowed:
        from ..errors import did_you_mean

        raise RequestError([FieldError(field, f"{text!r} is not an offence category", text, allowed,
                                       did_you_mean(text, allowed))])
    return text


def to_request(state: Mapping[str, str]) -> dict[str, Any]:
    """The request dict (vocabulary shape) for a complete state; facts not given are
    left out. Word values go to the engine as given, so :func:`cooprules.parse_request`
    names any bad one. Raises RequestError for a malformed number or conviction."""
    req: dict[str, Any] = {
        "responder": {"jurisdiction": state.get("jurisdiction", ""), "entity": state.get("entity", "")},
        "requester": state.get("requester", "ice_ero"),
        "action": state.get("action", ""),
        "instrument": state.get("instrument", ""),
    }
    if "info_type" in state:
        req["info_type"] = state["info_type"]
    if "attachments" in state:
        given = [a for a in state["attachments"].split(",") if a]
        # "nothing else" with a paper ticked as well: the paper counts
        req["attachments"] = [a for a in given if a != "none"]
    if state.get("presume") == "false":
        req["presume"] = False
    subject: dict[str, Any] = {}
    context: dict[str, Any] = {}
    for key in FACTS:
        if key not in state:
            continue
        root, name = key.split(".", 1)
        text = state[key]
        if key in BOOL_FACTS:
            value: Any = {"true": True, "false": False}.get(text, text)
        elif key == "context.hours_held_past_release":
            value = _number(text, key)
        elif key == "subject.convictions":
            value = []
            if text != "none":
                for part in text.split(";"):
                    cat, _, years = part.partition(":")
                    value.append({"category": _offence(cat, key), "years_ago": _number(years or "0", key)})
        elif key == "subject.pending_charge":
            if text == "none":
                value = "none"
            else:
                cat, _, pc = text.partition(":")
                value = {"category": _offence(cat, key)}
                if pc in ("pc", "nopc"):
                    value["probable_cause_determined"] = pc == "pc"
        else:
            value = text
        if root == "responder":
            req["responder"][name] = value
        else:
            (subject if root == "subject" else context)[name] = value
    if subject:
        req["subject"] = subject
    if context:
        req["context"] = context
    return req


def param_for(fact: str, value: str) -> str | None:
    """The query value that states ``fact`` as ``value`` (a value or range as the
    engine labels it in ``depends_on``/``unless``: ``true``, ``judicial_warrant``,
    ``48 hours or more``, ``misdemeanor within 5 years``, ``other_felony, probable
    cause found``), or None where the page cannot state it. A range is stated by the
    engine's own example inside it (:func:`cooprules.engine.partial.example_value`)."""
    from ..engine.partial import example_value

    if fact not in ASKABLE:
        return None
    try:
        example = example_value(fact, value)
    except ValueError:
        return None
    if fact == "attachments":
        return example[0] if len(example) == 1 and example[0] in {w.value for w in Instrument} else (
            "none" if example == [] else None)
    if fact == "subject.convictions":
        if example == []:
            return "none"
        item = example[0]
        return f"{item['category']}:{item['years_ago']}" if item["category"] in {c.value for c in OffenceCategory} else None
    if fact == "subject.pending_charge":
        if example == "none":
            return "none"
        return f"{example['category']}:{'pc' if example['probable_cause_determined'] else 'nopc'}"
    if isinstance(example, bool):
        return "true" if example else "false"
    if isinstance(example, (int, float)):
        return str(example)
    if fact in WORD_FACTS and isinstance(example, str) and re.fullmatch(r"[a-z0-9_]+", example):
        return example
    return None


def without(state: Mapping[str, str], *keys: str) -> dict[str, str]:
    """``state`` less ``keys`` and every step after the first of them (changing the
    action also forgets the paper and the facts)."""
    order = list(BASE)
    drop = set(keys)
    firsts = [order.index(k) for k in keys if k in order]
    if firsts:
        drop |= set(order[min(firsts):]) | set(FACTS) | {"attachments"}
    return {k: v for k, v in state.items() if k not in drop}
