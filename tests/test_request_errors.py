"""Malformed requests: every one raises a RequestError that names the exact dotted
field, and, for vocabulary words, the full list of allowed words and the nearest word.

Each case goes through ``cooprules.parse_request`` and through ``cooprules.evaluate``
(the public path, which also checks the jurisdiction). Nothing may escape as another
exception type.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from typing import Any

import pytest

import cooprules
from cooprules import Request, RequestError, parse_request
from cooprules.errors import MAX_REQUEST_BYTES, FieldError
from cooprules.vocabulary import (
    MAX_ATTACHMENTS, MAX_CONVICTIONS, MAX_HOURS_HELD, MAX_YEARS_AGO, Action, Agreement287g, Context,
    Conviction, Entity, InfoType, Instrument, Location, OffenceCategory, PendingCharge, Purpose, Requester,
    Responder, Role, Subject,
)

SAN_DIEGO = "ocd-division/country:us/state:ca/county:san_diego"

#: A valid request that uses every field, so that each case spoils exactly one thing.
GOOD: dict[str, Any] = {
    "responder": {"jurisdiction": SAN_DIEGO, "entity": "sheriff", "agreement_287g": "none"},
    "requester": "ice_ero",
    "action": "detainer_hold",
    "instrument": "detainer_request",
    "attachments": ["administrative_warrant_arrest", "administrative_warrant_removal"],
    "subject": {
        "role": "in_custody",
        "minor": False,
        "convictions": [{"category": "misdemeanor", "years_ago": 2},
                        {"category": "other_felony", "years_ago": 10.5}],
        "registered_sex_offender": False,
        "federal_felony_warrant": False,
        "final_removal_order": False,
        "previously_removed": False,
        "consent_given": False,
        "pending_charge": {"category": "misdemeanor", "probable_cause_determined": True},
    },
    "context": {
        "location": "jail",
        "purpose": "civil_immigration_enforcement",
        "info_publicly_available": False,
        "exigent_circumstances": False,
        "hours_held_past_release": 3,
        "date": "2025-06-01",
    },
}

DELETE = object()
UNSET = object()


def spoil(path: str, value: Any, base: dict[str, Any] = GOOD) -> dict[str, Any]:
    """A copy of ``base`` with the dotted ``path`` set to ``value`` (or removed with
    DELETE); intermediate list indexes are written as numbers."""
    data = copy.deepcopy(base)
    cur: Any = data
    parts = path.split(".")
    for part in parts[:-1]:
        cur = cur[int(part)] if isinstance(cur, list) else cur[part]
    last = parts[-1]
    key: Any = int(last) if isinstance(cur, list) else last
    if value is DELETE:
        del cur[key]
    else:
        cur[key] = value
    return data


def words(enum) -> list[str]:
    return [e.value for e in enum]


def fields_of(model) -> list[str]:
    return list(model.model_fields)


INFO_SHARING = spoil("info_type", "release_date", spoil("action", "information_sharing"))


@dataclass
class Bad:
    """One malformed request and the error it must give."""

    data: Any
    field: str
    allowed: Any = UNSET          # exact .allowed expected on the error(s) naming the field
    suggestion: Any = UNSET       # exact .suggestion expected (None: no suggestion)
    given: Any = UNSET            # exact .given expected
    message: str | None = None    # a substring every error's message must contain
    wrong_value: Any = UNSET      # the bad value, when it is a list or an object


def case(id: str, data: Any, field: str, **kw: Any):
    return pytest.param(Bad(data, field, **kw), id=id)


def bad(path: str, value: Any, id: str, field: str | None = None, base: dict[str, Any] = GOOD, **kw: Any):
    """A case that spoils one field; the error is expected at ``field`` (default ``path``)."""
    if isinstance(value, (list, dict)):
        kw.setdefault("wrong_value", value)
    return case(id, spoil(path, value, base), field or path, **kw)


def big_json(n_bytes: int) -> str:
    return json.dumps({**GOOD, "padding": "x" * n_bytes})


CASES = [
    # ---------------------------------------------------------------- wrong types
    bad("responder.entity", 5, "entity-number", allowed=words(Entity), suggestion=None, given=5),
    bad("responder.entity", True, "entity-bool", allowed=words(Entity), suggestion=None),
    bad("responder.entity", ["sheriff"], "entity-list", allowed=words(Entity), suggestion=None),
    bad("responder.entity", {"kind": "sheriff"}, "entity-object", allowed=words(Entity), suggestion=None),
    bad("responder.jurisdiction", 5, "jurisdiction-number", given=5),
    bad("responder.jurisdiction", [SAN_DIEGO], "jurisdiction-list"),
    bad("responder.jurisdiction", "x", "jurisdiction-too-short", given="x"),
    bad("responder.jurisdiction", "ocd-division/" + "a" * 400, "jurisdiction-too-long"),
    bad("responder.agreement_287g", False, "agreement-bool", allowed=words(Agreement287g), suggestion=None),
    bad("instrument", ["detainer_request"], "instrument-list", allowed=words(Instrument), suggestion=None),
    bad("instrument", {"type": "detainer_request"}, "instrument-object", allowed=words(Instrument), suggestion=None),
    bad("action", 5, "action-number", allowed=words(Action), suggestion=None, given=5),
    bad("requester", None, "requester-null", allowed=words(Requester)),
    bad("subject.minor", "true", "bool-as-string-true", given="true"),
    bad("subject.consent_given", "yes", "bool-as-string-yes", given="yes"),
    bad("context.exigent_circumstances", "false", "bool-as-string-false", given="false"),
    bad("subject.minor", 1, "bool-as-number", given=1),
    bad("context.info_publicly_available", [True], "bool-as-list"),
    bad("subject.registered_sex_offender", {"value": True}, "bool-as-object"),
    bad("subject.convictions.0.years_ago", "2", "number-as-string", given="2"),
    bad("subject.convictions.0.years_ago", True, "number-as-bool", given=True),
    bad("context.hours_held_past_release", "4", "hours-as-string", given="4"),
    bad("context.hours_held_past_release", [4], "hours-as-list"),
    bad("subject.convictions", {"category": "misdemeanor", "years_ago": 1}, "object-where-list"),
    bad("attachments", "detainer_request", "string-where-list", given="detainer_request"),
    bad("attachments", {"0": "detainer_request"}, "object-where-list-attachments"),
    bad("responder", [SAN_DIEGO, "sheriff"], "list-where-object-responder"),
    bad("subject", [], "list-where-object-subject"),
    bad("context", ["jail"], "list-where-object-context"),
    bad("context", "jail", "string-where-object-context", given="jail"),
    bad("subject.convictions.1", "misdemeanor:2", "string-where-conviction-object", given="misdemeanor:2"),
    bad("subject.pending_charge.probable_cause_determined", "yes", "pending-charge-pc-as-string", given="yes"),
    bad("subject.pending_charge", [], "pending-charge-list"),
    bad("subject.pending_charge", 5, "pending-charge-number", given=5),
    # ---------------------------------------------------------------- unknown words
    bad("responder.entity", "sherif", "word-entity", allowed=words(Entity), suggestion="sheriff", given="sherif"),
    bad("responder.entity", "deputy", "word-entity-far", allowed=words(Entity), suggestion=None, given="deputy"),
    bad("requester", "ice_er", "word-requester", allowed=words(Requester), suggestion="ice_ero"),
    bad("action", "detainer_hld", "word-action", allowed=words(Action), suggestion="detainer_hold"),
    bad("info_type", "relase_date", "word-info-type", base=INFO_SHARING, allowed=words(InfoType),
        suggestion="release_date"),
    bad("instrument", "judicial_warant", "word-instrument", allowed=words(Instrument), suggestion="judicial_warrant"),
    bad("attachments.1", "detainer_requst", "word-attachment", allowed=words(Instrument),
        suggestion="detainer_request", given="detainer_requst"),
    bad("attachments.0", 7, "attachment-number", allowed=words(Instrument), suggestion=None),
    bad("subject.role", "studnet", "word-role", allowed=words(Role), suggestion="student"),
    bad("subject.role", "inmate", "word-role-far", allowed=words(Role), suggestion=None),
    bad("subject.convictions.1.category", "violent_fellony", "word-conviction-category",
        allowed=words(OffenceCategory), suggestion="violent_felony"),
    bad("subject.pending_charge.category", "serius_felony", "word-pending-charge-category",
        allowed=words(OffenceCategory), suggestion="serious_felony"),
    bad("subject.pending_charge", "nothing", "word-pending-charge-not-none", allowed=["none"], given="nothing"),
    bad("context.location", "jial", "word-location", allowed=words(Location), suggestion="jail"),
    bad("context.purpose", "civil_enforcement", "word-purpose", allowed=words(Purpose),
        suggestion="civil_immigration_enforcement"),
    bad("responder.agreement_287g", "task_forse", "word-agreement-287g", allowed=words(Agreement287g),
        suggestion="task_force"),
    bad("responder.entity", "Sheriff", "word-wrong-case", allowed=words(Entity), suggestion="sheriff"),
    # ---------------------------------------------------------------- unknown fields
    bad("requestor", "ice_ero", "field-top-near", allowed=fields_of(Request), suggestion="requester"),
    bad("weather", "rain", "field-top-far", allowed=fields_of(Request), suggestion=None),
    bad("responder.entty", "sheriff", "field-responder", allowed=fields_of(Responder), suggestion="entity"),
    bad("responder.agreement287g", "none", "field-responder-287g", allowed=fields_of(Responder),
        suggestion="agreement_287g"),
    bad("subject.rol", "student", "field-subject", allowed=fields_of(Subject), suggestion="role"),
    bad("subject.name", "Jane Doe", "field-subject-identity", allowed=fields_of(Subject), suggestion=None),
    bad("subject.convictions.0.yeras_ago", 1, "field-conviction", allowed=fields_of(Conviction),
        suggestion="years_ago"),
    bad("subject.pending_charge.categry", "misdemeanor", "field-pending-charge", allowed=fields_of(PendingCharge),
        suggestion="category"),
    bad("context.dat", "2025-01-01", "field-context", allowed=fields_of(Context), suggestion="date"),
    bad("context.weather", "rain", "field-context-far", allowed=fields_of(Context), suggestion=None),
    # ---------------------------------------------------------------- missing fields
    bad("responder", DELETE, "missing-responder", message="missing"),
    bad("responder.jurisdiction", DELETE, "missing-jurisdiction", message="missing"),
    bad("responder.entity", DELETE, "missing-entity", message="missing"),
    bad("requester", DELETE, "missing-requester", message="missing"),
    bad("action", DELETE, "missing-action", message="missing"),
    bad("instrument", DELETE, "missing-instrument", message="missing"),
    bad("subject.convictions.1.years_ago", DELETE, "missing-years-ago", message="missing"),
    bad("subject.convictions.0.category", DELETE, "missing-conviction-category", message="missing"),
    bad("subject.pending_charge.category", DELETE, "missing-pending-charge-category", message="missing"),
    bad("action", "information_sharing", "missing-info-type-with-information-sharing", field="info_type",
        message="info_type"),
    bad("info_type", "release_date", "info-type-with-another-action", message="info_type"),
    # ---------------------------------------------------------------- dates
    bad("context.date", "2025-13-01", "date-month-13", given="2025-13-01", message="YYYY-MM-DD"),
    bad("context.date", "2025-02-30", "date-feb-30", message="YYYY-MM-DD"),
    bad("context.date", "yesterday", "date-word", given="yesterday", message="YYYY-MM-DD"),
    bad("context.date", 20250101, "date-as-int", given=20250101, message="YYYY-MM-DD"),
    bad("context.date", 86400, "date-as-unix-seconds", given=86400, message="YYYY-MM-DD"),
    bad("context.date", True, "date-as-bool", message="YYYY-MM-DD"),
    bad("context.date", "06/01/2025", "date-us-style", message="YYYY-MM-DD"),
    # ---------------------------------------------------------------- numbers out of range
    bad("subject.convictions.0.years_ago", -1, "negative-years-ago", given=-1),
    bad("context.hours_held_past_release", -0.5, "negative-hours", given=-0.5),
    bad("subject.convictions.0.years_ago", MAX_YEARS_AGO + 1, "too-many-years-ago"),
    bad("context.hours_held_past_release", MAX_HOURS_HELD + 1, "too-many-hours"),
    bad("context.hours_held_past_release", 10 ** 40, "huge-hours"),
    case("hours-infinity-json", json.dumps(spoil("context.hours_held_past_release", float("inf"))),
         "context.hours_held_past_release"),
    case("years-ago-nan-json", json.dumps(spoil("subject.convictions.0.years_ago", float("nan"))),
         "subject.convictions.0.years_ago"),
    # ---------------------------------------------------------------- oversized
    bad("attachments", ["administrative_warrant_arrest"] * (MAX_ATTACHMENTS + 1), "too-many-attachments"),
    bad("subject.convictions", [{"category": "misdemeanor", "years_ago": 1}] * (MAX_CONVICTIONS + 1),
        "too-many-convictions"),
    case("oversized-json-text", big_json(MAX_REQUEST_BYTES), "request", message=str(MAX_REQUEST_BYTES)),
    case("oversized-json-bytes", big_json(MAX_REQUEST_BYTES).encode(), "request", message=str(MAX_REQUEST_BYTES)),
    case("oversized-multibyte-text",
         json.dumps({**GOOD, "padding": "é" * (MAX_REQUEST_BYTES // 2 + 64)}, ensure_ascii=False),
         "request", message=str(MAX_REQUEST_BYTES)),
    # ---------------------------------------------------------------- not a request at all
    case("malformed-json", '{"responder": {"jurisdiction": ', "request", message="JSON"),
    case("json-trailing-garbage", json.dumps(GOOD) + " and more", "request", message="JSON"),
    case("empty-text", "", "request", message="JSON"),
    case("invalid-utf8-bytes", b"\xff\xfe\x00{", "request"),
    case("json-array-text", json.dumps([GOOD]), "request", message="object"),
    case("python-list", [GOOD], "request", message="object"),
    case("json-null-text", "null", "request", message="object"),
    case("null-request", None, "request", message="object"),
    case("number-request", 42, "request", message="object"),
    case("deeply-nested-json", "[" * 5000 + "]" * 5000, "request"),
    case("deeply-nested-object-json", '{"a":' * 2000 + "1" + "}" * 2000, "request"),
]


def _errors(call, data: Any) -> RequestError:
    try:
        call(data)
    except RequestError as exc:
        return exc
    except Exception as exc:  # noqa: BLE001 - the point is to name any other exception
        pytest.fail(f"{call.__name__} raised {type(exc).__name__} instead of RequestError: {exc}"[:500])
    pytest.fail(f"{call.__name__} accepted a malformed request")


@pytest.fixture(params=[parse_request, cooprules.evaluate], ids=["parse_request", "evaluate"])
def call(request):
    return request.param


def test_good_request_is_valid():
    req = parse_request(GOOD)
    assert req.responder.entity is Entity.sheriff
    assert len(req.subject.convictions) == 2
    assert cooprules.evaluate(GOOD).outcome.value == "prohibited"  # Cal. Gov. Code § 7284.6(a)(1)(B)
    assert parse_request(INFO_SHARING).info_type is InfoType.release_date


def test_cases_are_distinct():
    ids = [p.id for p in CASES]
    assert len(ids) == len(set(ids))
    assert len(ids) >= 55


@pytest.mark.parametrize("bad", CASES)
def test_malformed_request(bad: Bad, call):
    exc = _errors(call, bad.data)
    assert exc.errors, "a RequestError must list at least one FieldError"
    assert all(isinstance(e, FieldError) for e in exc.errors)
    fields = [e.field for e in exc.errors]
    assert set(fields) == {bad.field}, f"expected every error at {bad.field!r}, got {fields} ({exc})"
    for e in exc.errors:
        if bad.allowed is not UNSET:
            assert e.allowed == bad.allowed, f"{e.field}: allowed {e.allowed}"
        if bad.suggestion is not UNSET:
            assert e.suggestion == bad.suggestion, f"{e.field}: suggestion {e.suggestion!r}"
        if bad.given is not UNSET:
            assert e.given == bad.given
        if bad.message is not None:
            assert bad.message in e.message, e.message
        if bad.wrong_value is not UNSET:
            # a list or object given: the message must not pretend null was given
            assert "'None'" not in e.message, f"{e.field}: {e.message!r} for {bad.wrong_value!r}"
        assert e.message and e.message.strip()
    # every error is printable and JSON-ready (the CLI writes them out)
    assert str(exc)
    as_dict = exc.as_dict()
    assert as_dict["error"] == "invalid_request"
    assert [d["field"] for d in as_dict["errors"]] == fields
    json.dumps(as_dict)


# ---------------------------------------------------------------- jurisdiction (Engine.evaluate only)
JURISDICTION_CASES = [
    pytest.param("ocd-division/country:us/state:ca/county:san_deigo", SAN_DIEGO, id="near-miss-county"),
    pytest.param("ocd-division/country:us/state:ca/county:san_diego_county", SAN_DIEGO, id="county-with-suffix"),
    pytest.param("ocd-division/country:us/state:ca/place:los_angelos",
                 "ocd-division/country:us/state:ca/place:los_angeles", id="near-miss-place"),
    pytest.param("ocd-division/country:zz/region:nowhere_at_all", None, id="far-miss"),
]


@pytest.mark.parametrize(("jurisdiction", "suggested"), JURISDICTION_CASES)
def test_unknown_jurisdiction(jurisdiction: str, suggested: str | None):
    data = spoil("responder.jurisdiction", jurisdiction)
    # the shape is fine: parse_request does not know the registry
    assert parse_request(data).responder.jurisdiction == jurisdiction
    exc = _errors(cooprules.evaluate, data)
    assert [e.field for e in exc.errors] == ["responder.jurisdiction"]
    (e,) = exc.errors
    assert e.given == jurisdiction
    assert "cooprules jurisdictions --search" in e.message
    if suggested is None:
        assert e.suggestion is None
    else:
        assert e.suggestion == suggested
        assert suggested in e.allowed
    json.dumps(exc.as_dict())


def test_unknown_jurisdiction_in_batch_does_not_stop_the_others():
    engine = cooprules.default_engine()
    bad_jur = spoil("responder.jurisdiction", "ocd-division/country:us/state:ca/county:san_deigo")
    out = engine.evaluate_many([GOOD, bad_jur, spoil("responder.entity", "sherif"), "not json", GOOD])
    assert len(out) == 5
    assert out[0].outcome.value == "prohibited" and out[4] == out[0]
    assert isinstance(out[1], RequestError) and [e.field for e in out[1].errors] == ["responder.jurisdiction"]
    assert out[1].errors[0].suggestion == SAN_DIEGO
    assert isinstance(out[2], RequestError) and [e.field for e in out[2].errors] == ["responder.entity"]
    assert out[2].errors[0].suggestion == "sheriff"
    assert isinstance(out[3], RequestError) and [e.field for e in out[3].errors] == ["request"]


def test_every_problem_is_reported_at_once():
    data = spoil("context.location", "jial", spoil("subject.role", "studnet", spoil("responder.entity", "sherif")))
    exc = _errors(parse_request, data)
    assert {e.field: e.suggestion for e in exc.errors} == {
        "responder.entity": "sheriff", "subject.role": "student", "context.location": "jail"}


def test_empty_object_names_every_required_field(call):
    exc = _errors(call, {})
    assert [e.field for e in exc.errors] == ["responder", "requester", "action", "instrument"]
    assert all("missing" in e.message for e in exc.errors)


def test_error_dict_shape():
    exc = _errors(parse_request, spoil("responder.entity", "sherif"))
    assert exc.as_dict() == {"error": "invalid_request", "errors": [{
        "field": "responder.entity",
        "message": "'sherif' is not a word of the vocabulary for this field",
        "given": "sherif",
        "allowed": words(Entity),
        "did_you_mean": "sheriff",
    }]}
    assert "did you mean 'sheriff'" in str(exc)


def test_request_size_limit_is_exact():
    """Just under the limit is read; just over is refused unread."""
    text = json.dumps(GOOD)
    padded = text + " " * (MAX_REQUEST_BYTES - len(text.encode()))
    assert len(padded.encode()) == MAX_REQUEST_BYTES
    assert parse_request(padded).requester is Requester.ice_ero
    exc = _errors(parse_request, padded + " ")
    assert [e.field for e in exc.errors] == ["request"]


def test_unknown_field_with_a_capital_letter_is_named():
    """A field name that looks like a class name is still an unknown field, not a crash."""
    with pytest.raises(RequestError) as info:
        parse_request({"Foo": 1})
    assert "Foo" in [e.field for e in info.value.errors]
