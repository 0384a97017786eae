"""The HTTP API (cooprules.api) through FastAPI's TestClient: every endpoint and every
error class (422 with the field and allowed values, 413, 404, 405), and no 500 for
anything a client can send."""

from __future__ import annotations

import json
import logging
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cooprules.api import create_app
from cooprules.api.routes import MAX_BATCH
from cooprules.errors import MAX_REQUEST_BYTES

LAUSD = "ocd-division/country:us/state:ca/county:los_angeles/school_district:los_angeles_unified"
SAN_DIEGO = "ocd-division/country:us/state:ca/county:san_diego"
JSON = {"content-type": "application/json"}  # API bodies must say so (415 otherwise)
FRONT_DESK = {"responder": {"jurisdiction": LAUSD, "entity": "school_district"}, "requester": "ice_ero",
              "action": "interview_access", "instrument": "administrative_warrant_arrest", "attachments": [],
              "subject": {"role": "student", "minor": True}, "context": {"date": "2026-03-15", "location": "school"}}


@pytest.fixture(scope="module")
def client(engine):
    with TestClient(create_app(engine), raise_server_exceptions=False) as c:
        yield c


def _error(resp, status: int, kind: str) -> list[dict]:
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert body["error"] == kind
    assert body["errors"] and all("field" in e and "message" in e for e in body["errors"])
    return body["errors"]


# ------------------------------------------------------------------ decisions
def test_decision_front_desk_i200(client, engine):
    resp = client.post("/v1/decisions", json=FRONT_DESK)
    assert resp.status_code == 200
    body = resp.json()
    assert body["outcome"] == "prohibited"
    cited = {c["id"] for c in body["citations"]}
    assert {"lausd-res2024-access", "lausd-ref6767.4-access"} <= cited
    assert body["trace"] and body["duties"] and body["corpus_version"]
    assert body == json.loads(engine.evaluate(FRONT_DESK).model_dump_json())


def test_decision_conditional_lists_missing_facts(client):
    req = {"responder": {"jurisdiction": LAUSD, "entity": "school_district"}, "requester": "other_federal",
           "action": "facility_access", "instrument": "verbal_request",
           "context": {"date": "2026-03-15", "location": "school"}}
    body = client.post("/v1/decisions", json=req).json()
    assert body["outcome"] == "conditional"
    assert "context.purpose" in [m["fact"] for m in body["depends_on"]]


def test_decision_as_of_query(client):
    req = {**FRONT_DESK, "context": {"location": "school"}}
    body = client.post("/v1/decisions?as_of=2025-01-02", json=req).json()
    assert body["as_of"] == "2025-01-02"


def test_decision_unknown_word_names_field_and_allowed_values(client):
    errors = _error(client.post("/v1/decisions", json={**FRONT_DESK, "action": "interview_acess"}), 422,
                    "invalid_request")
    (err,) = errors
    assert err["field"] == "action"
    assert err["did_you_mean"] == "interview_access"
    assert "detainer_hold" in err["allowed"]


def test_decision_missing_field(client):
    body = dict(FRONT_DESK)
    del body["instrument"]
    errors = _error(client.post("/v1/decisions", json=body), 422, "invalid_request")
    assert [e["field"] for e in errors] == ["instrument"]


def test_decision_unknown_field_lists_allowed_fields(client):
    errors = _error(client.post("/v1/decisions", json={**FRONT_DESK, "name": "Jane"}), 422, "invalid_request")
    assert errors[0]["field"] == "name" and "subject" in errors[0]["allowed"]


def test_decision_unknown_jurisdiction_suggests(client):
    req = {**FRONT_DESK, "responder": {"jurisdiction": "ocd-division/country:us/state:ca/county:san_deigo",
                                       "entity": "sheriff"}}
    errors = _error(client.post("/v1/decisions", json=req), 422, "invalid_request")
    assert errors[0]["field"] == "responder.jurisdiction"
    assert errors[0]["did_you_mean"] == SAN_DIEGO


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b"", b"null", b'"text"', b"\xff\xfe", b"[" * 5000])
def test_decision_malformed_body(client, body):
    errors = _error(client.post("/v1/decisions", content=body, headers={"content-type": "application/json"}),
                    422, "invalid_request")
    assert errors[0]["field"] == "request"


def test_decision_bad_as_of(client):
    errors = _error(client.post("/v1/decisions?as_of=2025-13-01", json=FRONT_DESK), 422, "invalid_request")
    assert errors[0]["field"] == "as_of"


def test_decision_oversized_body_is_413(client):
    big = json.dumps({**FRONT_DESK, "pad": "x" * (MAX_REQUEST_BYTES + 10)})
    errors = _error(client.post("/v1/decisions", content=big, headers=JSON), 413, "too_large")
    assert str(MAX_REQUEST_BYTES) in errors[0]["message"]


def test_decision_oversized_chunked_body_is_413(client):
    def chunks():
        for _ in range(40):
            yield b" " * 1024

    _error(client.post("/v1/decisions", content=chunks(), headers=JSON), 413, "too_large")


# ------------------------------------------------------------------ batch
def test_batch_answers_in_order_with_per_item_errors(client, engine):
    bad = {**FRONT_DESK, "instrument": "warrant"}
    body = client.post("/v1/decisions/batch", json={"requests": [FRONT_DESK, bad, FRONT_DESK]}).json()
    results = body["results"]
    assert [r["index"] for r in results] == [0, 1, 2]
    assert results[0]["decision"]["outcome"] == "prohibited"
    assert results[1]["error"]["errors"][0]["field"] == "instrument"
    assert results[2]["decision"] == results[0]["decision"]
    single = json.loads(engine.evaluate(FRONT_DESK).model_dump_json())
    assert results[0]["decision"] == single


def test_batch_as_of(client):
    req = {**FRONT_DESK, "context": {"location": "school"}}
    body = client.post("/v1/decisions/batch", json={"requests": [req], "as_of": "2025-02-03"}).json()
    assert body["results"][0]["decision"]["as_of"] == "2025-02-03"
    errors = _error(client.post("/v1/decisions/batch", json={"requests": [req], "as_of": "soon"}), 422,
                    "invalid_request")
    assert errors[0]["field"] == "as_of"


def test_batch_over_limit_is_413(client):
    errors = _error(client.post("/v1/decisions/batch", json={"requests": [FRONT_DESK] * (MAX_BATCH + 1)}), 413,
                    "too_large")
    assert str(MAX_BATCH) in errors[0]["message"]


@pytest.mark.parametrize("body,field", [({"reqs": []}, "requests"), ([FRONT_DESK], "requests"),
                                        ({"requests": [], "extra": 1}, "extra")])
def test_batch_bad_shape_is_422(client, body, field):
    errors = _error(client.post("/v1/decisions/batch", json=body), 422, "invalid_request")
    assert errors[0]["field"] == field


def test_batch_malformed_json_is_422(client):
    _error(client.post("/v1/decisions/batch", content=b"{", headers=JSON), 422, "invalid_request")


# ------------------------------------------------------------------ provisions, jurisdictions, health
def test_provision_found(client):
    body = client.get("/v1/provisions/ca-gov-7284.6-a1B").json()
    assert body["id"] == "ca-gov-7284.6-a1B"
    assert body["cite"].startswith("Cal. Gov. Code")
    assert body["source"].startswith("http") and body["file"].startswith("rules/us/ca/")


def test_provision_unknown_is_404_with_suggestion(client):
    errors = _error(client.get("/v1/provisions/ca-gov-7284.6-a1Bz"), 404, "not_found")
    assert errors[0]["field"] == "provision_id" and errors[0]["did_you_mean"] == "ca-gov-7284.6-a1B"


def test_jurisdictions_search(client):
    hits = client.get("/v1/jurisdictions", params={"q": "los angeles unified"}).json()["results"]
    assert hits[0]["ocd_id"] == LAUSD and hits[0]["encoded_law"] is True
    assert hits[0]["display_name"] == "Los Angeles Unified School District"


def test_jurisdictions_governments_only(client):
    hits = client.get("/v1/jurisdictions",
                      params={"q": "los angeles", "governments": "true", "limit": 50}).json()["results"]
    assert hits and not any("council_district" in h["ocd_id"] for h in hits)


def test_jurisdictions_list_encoded(client, engine):
    body = client.get("/v1/jurisdictions", params={"limit": 50}).json()
    hits = body["results"]
    assert LAUSD in {h["ocd_id"] for h in hits} and all(h["encoded_law"] for h in hits)
    assert body["total"] == sum(1 for i in engine.corpus.folders if i in engine.registry) > 50


def test_jurisdictions_paging_with_total(client):
    first = client.get("/v1/jurisdictions", params={"q": "houston", "limit": 5}).json()
    assert first["total"] > 20 and first["offset"] == 0 and len(first["results"]) == 5
    assert first["results"][0]["ocd_id"] == "ocd-division/country:us/state:tx/place:houston"  # encoded law first
    second = client.get("/v1/jurisdictions", params={"q": "houston", "limit": 5, "offset": 5}).json()
    assert second["total"] == first["total"] and second["offset"] == 5
    ids = [h["ocd_id"] for h in first["results"] + second["results"]]
    assert len(set(ids)) == 10
    past = client.get("/v1/jurisdictions", params={"q": "houston", "offset": first["total"]}).json()
    assert past["results"] == [] and past["total"] == first["total"]


def test_jurisdictions_names_people_type(client):
    body = client.get("/v1/jurisdictions", params={"q": "Harris County, TX"}).json()
    assert body["results"][0]["ocd_id"] == "ocd-division/country:us/state:tx/county:harris"
    assert {h["state"] for h in body["results"]} == {"tx"}
    body = client.get("/v1/jurisdictions", params={"q": "Fresnoo", "governments": "true"}).json()
    assert body["approximate"] is True
    assert body["results"][0]["ocd_id"] in ("ocd-division/country:us/state:ca/county:fresno",
                                            "ocd-division/country:us/state:ca/place:fresno")


@pytest.mark.parametrize("params,field", [({"limit": 0}, "limit"), ({"limit": "many"}, "limit"),
                                          ({"q": "x" * 201}, "q"), ({"offset": -1}, "offset"),
                                          ({"offset": "next"}, "offset")])
def test_jurisdictions_bad_params_are_422(client, params, field):
    errors = _error(client.get("/v1/jurisdictions", params=params), 422, "invalid_request")
    assert errors[0]["field"] == field


def test_health(client, engine):
    body = client.get("/v1/health").json()
    assert body["status"] == "ok" and body["corpus_version"] == engine.corpus.version
    assert body["provisions"] == len(engine.corpus.provisions)


def test_openapi_documents_endpoints_and_request(client):
    assert client.get("/docs").status_code == 200
    doc = client.get("/openapi.json").json()
    for path in ("/v1/decisions", "/v1/decisions/batch", "/v1/provisions/{provision_id}", "/v1/jurisdictions",
                 "/v1/health"):
        assert path in doc["paths"]
    assert "Request" in doc["components"]["schemas"] and "Decision" in doc["components"]["schemas"]
    body = doc["paths"]["/v1/decisions"]["post"]["requestBody"]
    assert body["content"]["application/json"]["schema"]["$ref"] == "#/components/schemas/Request"


def test_unknown_path_is_404_and_wrong_method_is_405(client):
    _error(client.get("/v1/nothing"), 404, "not_found")
    _error(client.get("/v1/decisions"), 405, "method_not_allowed")


# ------------------------------------------------------------------ logging
def test_facts_are_not_logged_unless_turned_on(engine, caplog):
    caplog.set_level(logging.DEBUG)
    with TestClient(create_app(engine, web=False)) as quiet:
        quiet.post("/v1/decisions", json=FRONT_DESK)
    assert not [r for r in caplog.records if "interview_access" in r.getMessage()]
    caplog.clear()
    with TestClient(create_app(engine, log_requests=True, web=False)) as loud:
        loud.post("/v1/decisions", json=FRONT_DESK)
    assert [r for r in caplog.records if r.name == "cooprules.requests" and "interview_access" in r.getMessage()]


# ------------------------------------------------------------------ no 500 for anything a client can send
_json = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
                     lambda kids: st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=12), kids, max_size=4),
                     max_leaves=20)
_words = st.sampled_from(["responder", "requester", "action", "instrument", "subject", "context", "info_type",
                          "attachments", "jurisdiction", "entity", "convictions", "pending_charge", "date"])


def _mutate(draw_value, key):
    out = json.loads(json.dumps(FRONT_DESK))
    out[key] = draw_value
    return out


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.one_of(_json, st.builds(_mutate, _json, _words), st.binary(max_size=200)))
def test_no_500_for_any_body(client, body):
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    for path in ("/v1/decisions", "/v1/decisions/batch"):
        resp = client.post(path, content=data, headers=JSON)
        assert resp.status_code in (200, 413, 422), resp.text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=60))
def test_no_500_for_any_path_or_query(client, text):
    for resp in (client.get("/v1/provisions/" + quote(text, safe="")),
                 client.get("/v1/jurisdictions", params={"q": text}),
                 client.get("/ask", params={"jurisdiction": text, "entity": "sheriff", "action": "detainer_hold",
                                            "instrument": "detainer_request", "subject.minor": text})):
        assert resp.status_code < 500, resp.text


def test_serve_configuration_from_environment(monkeypatch):
    from cooprules.api.app import app_from_env

    monkeypatch.setenv("COOPRULES_LOG_REQUESTS", "1")
    monkeypatch.setenv("COOPRULES_WEB", "0")
    app = app_from_env()
    assert app.state.log_requests is True
    with TestClient(app) as c:
        assert c.get("/ask").status_code == 404
    monkeypatch.setenv("COOPRULES_LOG_REQUESTS", "0")
    monkeypatch.setenv("COOPRULES_WEB", "1")
    app = app_from_env()
    assert app.state.log_requests is False
    with TestClient(app) as c:
        assert c.get("/ask").status_code == 200


def test_batch_echoes_ids_like_evaluate(client):
    """A researcher joins batch answers back by the request's own id or ref, as with
    `cooprules evaluate`; a bad id is an error on that item only."""
    base = {"responder": {"jurisdiction": "ocd-division/country:us/state:ca/county:san_diego", "entity": "sheriff"},
            "requester": "ice_ero", "action": "detainer_hold", "instrument": "detainer_request",
            "subject": {"role": "in_custody"}, "context": {"date": "2026-11-01"}}
    body = {"requests": [{**base, "id": "row-1"}, {**base, "ref": 7}, {**base, "id": "Jane Roe"}, base]}
    res = client.post("/v1/decisions/batch", json=body)
    assert res.status_code == 200
    results = res.json()["results"]
    assert results[0]["id"] == "row-1" and results[0]["decision"]["outcome"] == "prohibited"
    assert results[1]["ref"] == 7 and results[1]["decision"]["outcome"] == "prohibited"
    assert results[2]["error"]["errors"][0]["field"] == "id" and "decision" not in results[2]
    assert "id" not in results[3] and results[3]["decision"]["outcome"] == "prohibited"


@pytest.mark.parametrize("text", ["springfield", "los angeles", "Harris County, TX"])
def test_jurisdiction_search_totals_match_the_cli(client, text):
    """The same search gives the same total on the API and the CLI, with and without
    subdivisions (``governments=false`` is the CLI's ``--all``)."""
    import re

    from typer.testing import CliRunner

    from cooprules.cli import app

    for api_extra, cli_extra in [({}, []), ({"governments": "false"}, ["--all"])]:
        api_total = client.get("/v1/jurisdictions", params={"q": text, **api_extra}).json()["total"]
        shown = CliRunner().invoke(app, ["jurisdictions", "--search", text, *cli_extra]).output
        cli_total = int(re.search(r"of (\d+) match", shown).group(1)) if "match" in shown else None
        assert cli_total == api_total, (text, api_extra, shown[-200:])
