"""Issue 10's findings against the HTTP API, each as the repro that failed before the
fix: cross-site form bodies (415), NaN/Infinity, 405 without Allow, the Host-derived
307, engine work on the event loop, "did you mean" work without a cap, no rate limit,
half-open connections held for ever, dates in other formats than YYYY-MM-DD."""

from __future__ import annotations

import json
import socket
import threading
import time

import pytest
from fastapi.testclient import TestClient

from cooprules.api import create_app
from cooprules.api import work
from cooprules.api.guard import DEFAULT_BURST, DEFAULT_RATE, TokenBucket

SAN_DIEGO = "ocd-division/country:us/state:ca/county:san_diego"
REQ = {"responder": {"jurisdiction": SAN_DIEGO, "entity": "sheriff"}, "requester": "ice_ero",
       "action": "detainer_hold", "instrument": "detainer_request", "attachments": ["administrative_warrant_arrest"],
       "subject": {"role": "in_custody", "convictions": [], "pending_charge": "none"},
       "context": {"location": "jail", "hours_held_past_release": 0, "date": "2026-11-29"}}
JSON = {"content-type": "application/json"}


def _strict(text: str):
    """Parse as RFC 8259 JSON: NaN/Infinity are not JSON."""
    def refuse(name):
        raise AssertionError(f"invalid JSON in a response: {name}")
    return json.loads(text, parse_constant=refuse)


@pytest.fixture(scope="module")
def client(engine):
    with TestClient(create_app(engine), raise_server_exceptions=False) as c:
        yield c


# ------------------------------------------------------------------ 415: a cross-site form cannot post
@pytest.mark.parametrize("ctype", [None, "text/plain", "application/x-www-form-urlencoded",
                                   "multipart/form-data; boundary=x", "application/json; charset=latin-1",
                                   "application/jsonx"])
@pytest.mark.parametrize("path", ["/v1/decisions", "/v1/decisions/batch"])
def test_body_that_is_not_json_is_415(client, path, ctype):
    body = json.dumps(REQ if path.endswith("decisions") else {"requests": [REQ]})
    headers = {"content-type": ctype} if ctype else {}
    resp = client.post(path, content=body, headers=headers)
    assert resp.status_code == 415, resp.text
    err = resp.json()
    assert err["error"] == "unsupported_media_type" and err["errors"][0]["allowed"] == ["application/json"]


@pytest.mark.parametrize("ctype", ["application/json", "application/json; charset=utf-8", "Application/JSON"])
def test_json_bodies_are_answered(client, ctype):
    resp = client.post("/v1/decisions", content=json.dumps(REQ), headers={"content-type": ctype})
    assert resp.status_code == 200 and resp.json()["outcome"]


# ------------------------------------------------------------------ NaN, Infinity, long integers
@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1" + "0" * 5000])
def test_non_json_numbers_are_refused_and_never_echoed(client, number):
    text = json.dumps(REQ).replace('"hours_held_past_release": 0', f'"hours_held_past_release": {number}')
    single = client.post("/v1/decisions", content=text, headers=JSON)
    assert single.status_code == 422
    field = single.json()["errors"][0]["field"]
    assert field == ("request" if number.startswith("1") else "context.hours_held_past_release")
    _strict(single.text)
    batch = client.post("/v1/decisions/batch", content='{"requests": [%s, %s]}' % (text, json.dumps(REQ)), headers=JSON)
    _strict(batch.text)
    if number.startswith("1"):  # the body is not JSON Python can read: the whole batch is refused
        assert batch.status_code == 422
    else:  # the one request is refused, the other answered
        results = batch.json()["results"]
        assert results[0]["error"]["errors"][0]["field"] == field and results[1]["decision"]["outcome"]
    as_of = client.post("/v1/decisions/batch", content='{"requests": [], "as_of": %s}' % number, headers=JSON)
    assert as_of.status_code == 422
    _strict(as_of.text)


# ------------------------------------------------------------------ 405 with Allow; no Host-derived redirect
def test_405_names_the_allowed_methods(client):
    resp = client.get("/v1/decisions/batch")
    assert resp.status_code == 405
    assert resp.headers["allow"] == "POST"
    assert resp.json()["errors"][0]["allowed"] == ["POST"]


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_trailing_slash_is_not_redirected_to_the_clients_host(client, method):
    resp = client.request(method, "/v1/decisions/", content=json.dumps(REQ),
                          headers={**JSON, "host": "evil.example"}, follow_redirects=False)
    assert resp.status_code == 404, resp.headers
    assert "location" not in resp.headers


# ------------------------------------------------------------------ dates: YYYY-MM-DD only
@pytest.mark.parametrize("text", ["20260101", "2026-W01-1", "2026-001", "2026-01-01T00:00:00"])
def test_one_date_format(client, text):
    assert client.post(f"/v1/decisions?as_of={text}", json=REQ).status_code == 422
    resp = client.post("/v1/decisions/batch", json={"requests": [REQ], "as_of": text})
    assert resp.status_code == 422 and resp.json()["errors"][0]["field"] == "as_of"
    resp = client.post("/v1/decisions", json={**REQ, "context": {**REQ["context"], "date": text}})
    assert resp.status_code == 422 and resp.json()["errors"][0]["field"] == "context.date"
    assert client.post("/v1/decisions?as_of=2026-01-01", json=REQ).status_code == 200


# ------------------------------------------------------------------ "did you mean" capped per batch and request
def test_batch_spends_a_bounded_number_of_suggestions(client, engine):
    calls = []
    real = engine.registry.suggest

    def counting(text, *a, **k):
        calls.append(text)
        return real(text, *a, **k)

    items = [{**REQ, "responder": {"jurisdiction": f"ocd-division/country:us/state:tx/place:nowhere_{i}",
                                   "entity": "sheriff"}} for i in range(100)]
    engine.registry.suggest = counting
    try:
        work.install_suggestion_budget(engine.registry)  # what create_app does, around the counter
        started = time.perf_counter()
        resp = client.post("/v1/decisions/batch", json={"requests": items})
        took = time.perf_counter() - started
    finally:
        del engine.registry.suggest  # back to the class's method
        work.install_suggestion_budget(engine.registry)
    results = resp.json()["results"]
    assert [r["index"] for r in results] == list(range(100))
    assert all(r["error"]["errors"][0]["field"] == "responder.jurisdiction" for r in results)
    assert len(calls) <= work.PER_BATCH
    assert sum("did_you_mean" in r["error"]["errors"][0] for r in results) <= work.PER_BATCH
    assert took < 5, took  # was ~100 ms of difflib per unknown id


def test_no_suggestion_work_for_text_longer_than_any_id(client):
    long_id = "ocd-division/country:us/state:ca/county:" + "x" * 300
    resp = client.post("/v1/decisions", json={**REQ, "responder": {"jurisdiction": long_id, "entity": "sheriff"}})
    assert resp.status_code == 422
    err = resp.json()["errors"][0]
    assert err["field"] == "responder.jurisdiction" and "did_you_mean" not in err


def test_suggestions_outside_http_are_not_capped(engine):
    import cooprules

    near = {**REQ, "responder": {"jurisdiction": "ocd-division/country:us/state:ca/county:san_deigo", "entity": "sheriff"}}
    for _ in range(work.PER_BATCH + 2):
        with pytest.raises(cooprules.RequestError) as exc:
            engine.evaluate(near)
        assert exc.value.errors[0].suggestion == SAN_DIEGO


# ------------------------------------------------------------------ rate limit
def test_rate_limit_answers_429_with_retry_after(engine):
    with TestClient(create_app(engine, web=False, rate_limit=1, rate_burst=3)) as c:
        codes = [c.post("/v1/decisions", json=REQ).status_code for _ in range(5)]
        assert codes[:3] == [200, 200, 200] and codes[3:] == [429, 429]
        resp = c.post("/v1/decisions", json=REQ)
        assert resp.json()["error"] == "too_many_requests" and int(resp.headers["retry-after"]) >= 1
        assert c.get("/v1/health").status_code == 200  # monitoring is never limited


def test_token_bucket_is_per_client_and_bounded():
    bucket = TokenBucket(rate=1, burst=2, max_keys=100)
    assert bucket.take("a", now=0) == 0 and bucket.take("a", now=0) == 0
    assert bucket.take("a", now=0) > 0  # a spent
    assert bucket.take("b", now=0) == 0  # b is not
    assert bucket.take("a", now=1.0) == 0  # refilled at the rate
    for i in range(10_000):
        bucket.take(f"client-{i}", now=2)
    assert len(bucket) == 100


def test_serve_has_a_documented_default_rate_limit(monkeypatch):
    from cooprules.api.app import app_from_env

    monkeypatch.delenv("COOPRULES_RATE_LIMIT", raising=False)
    monkeypatch.setenv("COOPRULES_WEB", "0")
    app = app_from_env()
    assert (app.state.rate_limiter.rate, app.state.rate_limiter.burst) == (DEFAULT_RATE, DEFAULT_BURST)
    monkeypatch.setenv("COOPRULES_RATE_LIMIT", "0")
    assert app_from_env().state.rate_limiter is None
    monkeypatch.setenv("COOPRULES_RATE_LIMIT", "fast")
    with pytest.raises(ValueError, match="COOPRULES_RATE_LIMIT"):
        app_from_env()


# ------------------------------------------------------------------ a real server: event loop, read deadlines
class _Slow:
    """The engine, taking a second of CPU-free time per decision (as a costly request would)."""

    def __init__(self, engine):
        self._engine = engine
        self.registry, self.corpus = engine.registry, engine.corpus

    def evaluate(self, raw, as_of=None):
        time.sleep(1.0)
        return self._engine.evaluate(raw, as_of)

    def evaluate_many(self, items, as_of=None):
        time.sleep(1.0)
        return self._engine.evaluate_many(items, as_of)


@pytest.fixture(scope="module")
def server(engine):
    """``cooprules serve``'s protocol on a free port, with half-second read deadlines."""
    import os

    import uvicorn

    from cooprules.api.server import DeadlineProtocol

    old = {k: os.environ.get(k) for k in ("COOPRULES_HEADER_TIMEOUT", "COOPRULES_BODY_TIMEOUT")}
    os.environ["COOPRULES_HEADER_TIMEOUT"] = "0.5"
    os.environ["COOPRULES_BODY_TIMEOUT"] = "0.5"
    config = uvicorn.Config(create_app(_Slow(engine), web=False), host="127.0.0.1", port=0, http=DeadlineProtocol,
                            log_level="error", lifespan="off", limit_concurrency=None, backlog=4096)
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    while not srv.started:
        time.sleep(0.02)
    port = srv.servers[0].sockets[0].getsockname()[1]
    yield port
    srv.should_exit = True
    thread.join(5)
    for k, v in old.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


def _http(port: int, raw: bytes, timeout: float = 5.0) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(raw)
        chunks = []
        while True:
            data = s.recv(65536)
            if not data:
                break
            chunks.append(data)
        return b"".join(chunks)


def test_engine_work_does_not_block_the_event_loop(server):
    body = json.dumps(REQ).encode()
    slow = threading.Thread(target=_http, args=(server, b"POST /v1/decisions HTTP/1.1\r\nhost: x\r\nconnection: close\r\n"
                                                b"content-type: application/json\r\ncontent-length: %d\r\n\r\n%s"
                                                % (len(body), body)))
    slow.start()
    time.sleep(0.2)
    started = time.perf_counter()
    answer = _http(server, b"GET /v1/health HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
    took = time.perf_counter() - started
    slow.join()
    assert answer.startswith(b"HTTP/1.1 200"), answer[:100]
    assert took < 0.5, f"/v1/health waited {took:.2f} s behind a slow decision"


def test_half_open_connections_are_closed(server):
    """Clients that open connections and send part of the headers (or nothing, or part of
    a body) are cut off at the deadline; was: held for ever."""
    socks = []
    for i in range(200):
        s = socket.create_connection(("127.0.0.1", server), timeout=5)
        if i % 3 == 1:
            s.sendall(b"GET /v1/health HTTP/1.1\r\nhost: x\r\n")
        elif i % 3 == 2:
            s.sendall(b"POST /v1/decisions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n"
                      b"content-length: 1000\r\n\r\n{\"responder\"")
        socks.append(s)
    time.sleep(1.5)
    closed = 0
    for s in socks:
        s.settimeout(2)
        try:
            data = s.recv(65536)
            while data:
                data = s.recv(65536)
            closed += 1
        except ConnectionResetError:
            closed += 1
        except socket.timeout:
            pass  # still held open
        finally:
            s.close()
    assert closed == len(socks)


def test_stalled_headers_get_408(server):
    answer = _http(server, b"GET /v1/health HTTP/1.1\r\nhost: x\r\n")
    assert answer.startswith(b"HTTP/1.1 408"), answer[:80]


def test_kept_alive_connection_still_works_within_the_deadline(server):
    with socket.create_connection(("127.0.0.1", server), timeout=5) as s:
        for _ in range(3):
            s.sendall(b"GET /v1/health HTTP/1.1\r\nhost: x\r\n\r\n")
            assert s.recv(65536).startswith(b"HTTP/1.1 200")
            time.sleep(0.3)  # idle less than the keep-alive, twice less than the header deadline


def test_suggestion_time_budget_closes_and_reopens():
    budget = work.TimeBudget(share=1.0, burst=0.05)
    assert budget.open()
    budget.spend(0.5)  # one slow suggestion overdraws the budget
    assert not budget.open()
    time.sleep(0.5)
    assert budget.open()


def test_suggestions_in_a_worker_process_with_a_deadline():
    """What `serve` uses: the fuzzy matching runs in another process (it holds the
    interpreter lock for tens of milliseconds at a time), answers within the deadline
    or not at all, and one text at a time."""
    remote = work.SuggestionProcess(deadline=30)
    remote.start()
    try:
        deadline = time.monotonic() + 120
        while not remote._busy.done():  # the worker loads the registry
            assert time.monotonic() < deadline
            time.sleep(0.1)
        assert remote.suggest("ocd-division/country:us/state:ca/county:san_deigo")[0] == SAN_DIEGO
        remote.deadline = 0  # not waited for at all: no suggestion, and no error
        assert remote.suggest("ocd-division/country:us/state:tx/place:nowhere_at_all") == []
        from concurrent.futures import Future

        remote._busy, remote.deadline = Future(), 30  # the worker still busy with an earlier text
        assert remote.suggest("ocd-division/country:us/state:ca/county:san_deigo") == []  # none, at once
    finally:
        remote._pool.shutdown(wait=True, cancel_futures=True)
