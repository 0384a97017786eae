"""The ledger over HTTP: 401 without a token or session on every ledger endpoint and
page, offices kept apart, CSRF on the web forms, reports in every format."""

from __future__ import annotations

import io
import re

import pytest
from fastapi.testclient import TestClient

from cooprules.api import create_app
from cooprules.ledger import Ledger

from .sample import LA, LA_OFFICE, SD_OFFICE, request


@pytest.fixture
def setup(sqlite_url, engine):
    led = Ledger(sqlite_url)
    app = create_app(engine)
    app.state.ledger = led
    tokens = {"clerk": led.add_account("ana", "clerk", SD_OFFICE, "pw-ana-1-long-enough"),
              "sup": led.add_account("sam", "supervisor", SD_OFFICE, "pw-sam-1-long-enough"),
              "la": led.add_account("luis", "clerk", LA_OFFICE, "pw-luis-1-long-enough")}
    return TestClient(app, follow_redirects=False), led, tokens


def _auth(token):
    return {"Authorization": f"Bearer {token}"}


def _ledger_routes(app):
    from cooprules.ledger import routes

    for route in [*routes.api.routes, *routes.pages.routes]:
        path = getattr(route, "path", "")
        if path.startswith(("/v1/ledger", "/ledger")) and path not in ("/ledger/login", "/ledger/ledger.css"):
            for method in route.methods:
                yield method, path.replace("{uid}", "00000000-0000-4000-8000-000000000000").replace("{year}", "2026")


def test_every_ledger_endpoint_and_page_answers_401_without_sign_in(setup):
    client, _, _ = setup
    seen = list(_ledger_routes(client.app))
    assert len(seen) >= 10
    for method, path in seen:
        for headers in ({}, _auth("clr_not-a-token"), {"Cookie": "cooprules_ledger=1.9999999999.ab.cd"}):
            r = client.request(method, path, headers={"content-type": "application/json", **headers}, content=b"{}")
            assert r.status_code == 401, (method, path, headers, r.status_code)


def test_record_over_the_api_and_offices_kept_apart(setup):
    client, led, tok = setup
    r = client.post("/v1/ledger/records", json={"request": request("transfer"), "disposition": "complied"},
                    headers=_auth(tok["clerk"]))
    assert r.status_code == 201, r.text
    rec = r.json()
    assert rec["disposition"]["value"] == "complied" and "_id" not in rec
    listed = client.get("/v1/ledger/records", headers=_auth(tok["clerk"])).json()
    assert listed["total"] == 1 and listed["records"][0]["uid"] == rec["uid"]
    other = client.get("/v1/ledger/records", headers=_auth(tok["la"])).json()
    assert other == {"total": 0, "records": []}
    assert client.get(f"/v1/ledger/records/{rec['uid']}", headers=_auth(tok["la"])).status_code == 404
    assert client.post(f"/v1/ledger/records/{rec['uid']}/events", json={"kind": "disposition", "value": "declined"},
                       headers=_auth(tok["la"])).status_code in (403, 404)
    r = client.post("/v1/ledger/records", json={"request": request("detainer")}, headers=_auth(tok["la"]))
    assert r.status_code == 403 and r.json()["errors"][0]["field"] == "request.responder"
    r = client.post("/v1/ledger/records", json=request("detainer", LA), headers=_auth(tok["la"]))
    assert r.status_code == 201


def test_name_field_refused_over_http_nothing_stored(setup):
    client, led, tok = setup
    req = request("detainer")
    req["subject"]["full_name"] = "Maria Lopez"
    r = client.post("/v1/ledger/records", json={"request": req}, headers=_auth(tok["clerk"]))
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "request.subject.full_name"
    assert client.get("/v1/ledger/records", headers=_auth(tok["clerk"])).json()["total"] == 0


def _login(client, name, password):
    r = client.post("/ledger/login", content=f"name={name}&password={password}&next=/ledger",
                    headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 303, r.text
    return r


def _csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([0-9a-f]+)"', html).group(1)


def test_web_sign_in_record_from_answer_page_with_csrf_and_check_off(setup):
    client, led, tok = setup
    bad = client.post("/ledger/login", content="name=ana&password=nope",
                      headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert bad.status_code == 401 and "cooprules_ledger" not in bad.headers.get("set-cookie", "")
    answer_url = ("/ask?jurisdiction=ocd-division/country:us/state:ca/county:san_diego&entity=sheriff"
                  "&requester=ice_ero&action=detainer_hold&instrument=detainer_request&attachments=administrative_warrant_arrest")
    assert "Record this request" not in client.get(answer_url).text  # not signed in: no button
    _login(client, "ana", "pw-ana-1-long-enough")
    page = client.get(answer_url).text
    assert "Record this request" in page
    form = re.search(r'<form method="post" action="/ledger/records".*?</form>', page, re.S).group(0)
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))
    from urllib.parse import urlencode

    no_csrf = {k: v for k, v in fields.items() if k != "csrf"}
    r = client.post("/ledger/records", content=urlencode(no_csrf), headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 403
    assert client.get("/v1/ledger/records").json()["total"] == 0  # the session may read the API
    r = client.post("/ledger/records", content=urlencode(fields), headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 303
    uid = r.headers["location"].split("/")[-1].split("?")[0]
    page = client.get(f"/ledger/records/{uid}").text
    assert "Mark done" in page and "7283.1(b)" in page
    r = client.post(f"/ledger/records/{uid}/events", content=urlencode({"csrf": _csrf(page), "kind": "duty_done",
                                                                         "value": "ca-gov-7283.1-b"}),
                    headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 303
    rec = client.get(f"/v1/ledger/records/{uid}").json()
    assert [d["provision_id"] for d in rec["duties_done"]] == ["ca-gov-7283.1-b"]
    listing = client.get("/ledger?lang=es").text
    assert "Solicitudes recibidas" in listing and uid in listing
    # the API's writes take a bearer token, never the cookie (no CSRF there)
    assert client.post("/v1/ledger/records", json=request("detainer")).status_code == 401


def test_reports_in_every_format_for_a_supervisor_not_a_clerk(setup):
    client, led, tok = setup
    for kind in ("detainer", "transfer", "interview"):
        r = client.post("/v1/ledger/records", json={"request": request(kind), "disposition": "complied"},
                        headers=_auth(tok["clerk"]))
        assert r.status_code == 201
    year = r.json()["received_at"][:4]
    assert client.get(f"/v1/ledger/reports/{year}", headers=_auth(tok["clerk"])).status_code == 403
    data = client.get(f"/v1/ledger/reports/{year}?statute=truth-act", headers=_auth(tok["sup"])).json()
    counts = {c["id"]: c for c in data["reports"][0]["counts"]}
    assert counts["ice_access_requests"]["total"] == 3
    assert counts["transferred"]["total"] == 1 and counts["interviewed"]["total"] == 1
    csv = client.get(f"/v1/ledger/reports/{year}?statute=truth-act&format=csv", headers=_auth(tok["sup"]))
    assert csv.headers["content-type"].startswith("text/csv") and "truth-act" in csv.text
    html = client.get(f"/v1/ledger/reports/{year}?format=html&lang=es", headers=_auth(tok["sup"])).text
    assert "<svg" in html and "Foro comunitario de la Ley TRUTH" in html and "Cal. Gov. Code § 7283.1(c)-(d)" in html
    pdf = client.get(f"/v1/ledger/reports/{year}?statute=truth-act&format=pdf", headers=_auth(tok["sup"]))
    assert pdf.content.startswith(b"%PDF")
    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "TRUTH Act" in text and "7283.1" in text
    r = client.get(f"/v1/ledger/reports/{year}?statute=no-such", headers=_auth(tok["sup"]))
    assert r.status_code == 422 and "truth-act" in r.json()["errors"][0]["allowed"]


def test_web_sign_in_refused_after_five_failures_even_with_the_right_password(setup):
    client, led, tok = setup
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    for _ in range(5):
        assert client.post("/ledger/login", content="name=ana&password=guess", headers=form).status_code == 401
    locked = client.post("/ledger/login", content="name=ana&password=pw-ana-1-long-enough", headers=form)
    assert locked.status_code == 429 and int(locked.headers["retry-after"]) > 0
    assert "Too many failed sign-ins" in locked.text and "cooprules_ledger" not in locked.headers.get("set-cookie", "")
    # the lock is on the failures: after the window the right password works again
    throttle = client.app.state.sign_in_throttle
    throttle._fails.clear()
    _login(client, "ana", "pw-ana-1-long-enough")


def test_sign_in_throttle_counts_per_key_within_the_window():
    from cooprules.ledger.auth import SignInThrottle

    clock = [1000.0]
    t = SignInThrottle(limit=3, window=60, size=4, now=lambda: clock[0])
    for _ in range(3):
        assert t.wait("name:a") == 0
        t.failed("name:a", "address:x")
    assert t.wait("name:a") == 60 and t.wait("name:b", "address:x") == 60
    clock[0] += 59
    assert t.wait("name:a") == 1
    clock[0] += 1
    assert t.wait("name:a") == 0  # the window has passed
    t.failed("name:a")
    t.succeeded("name:a")
    assert t.wait("name:a") == 0
    for k in "bcdefg":
        t.failed("name:" + k)
    assert len(t._fails) <= 4  # bounded


def test_record_button_only_on_answers_for_the_signed_in_accounts_office(setup):
    client, led, _ = setup
    led.add_account("audra", "auditor", "ocd-division/country:us/state:ca:state_agency", "pw-audra-long-enough")
    ask = ("/ask?jurisdiction={j}&entity=sheriff&requester=ice_ero&action=detainer_hold&instrument=detainer_request"
           "&attachments=administrative_warrant_arrest")
    sd = ask.format(j="ocd-division/country:us/state:ca/county:san_diego")
    la = ask.format(j=LA)
    harris = ask.format(j="ocd-division/country:us/state:tx/county:harris")
    sd_police = sd.replace("entity=sheriff", "entity=police")

    def button(url):
        page = client.get(url)
        assert page.status_code == 200 and 'id="sources-h"' in page.text, url  # an answer page, not a question
        return 'action="/ledger/records"' in page.text

    _login(client, "ana", "pw-ana-1-long-enough")  # San Diego sheriff's clerk
    assert button(sd) and "Record this request" in client.get(sd).text
    assert button(sd + "&lang=es") and "Registrar esta solicitud" in client.get(sd + "&lang=es").text
    assert not button(harris + "&lang=es") and "Registrar esta solicitud" not in client.get(harris + "&lang=es").text
    client.get(sd + "&lang=en")  # back to English (the page keeps the language in a cookie)
    assert not button(harris) and not button(la) and not button(sd_police)  # same county, another entity
    # what the button would have posted is refused for another office: it must not be offered
    _login(client, "luis", "pw-luis-1-long-enough")  # Los Angeles sheriff's clerk
    assert button(la) and not button(sd) and not button(harris)
    _login(client, "audra", "pw-audra-long-enough")  # an auditor records for no office
    assert not button(sd) and not button(la) and not button(harris)
    _login(client, "sam", "pw-sam-1-long-enough")  # a supervisor of San Diego records too
    assert button(sd) and not button(harris)
