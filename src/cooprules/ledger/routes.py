"""The ledger over HTTP: the API under ``/v1/ledger`` (bearer tokens) and the web
pages under ``/ledger`` (signed session cookie, CSRF on every form). Without a valid
token or session every ledger endpoint and page answers 401. :func:`install` adds both
to the app (``cooprules.api.create_app``).

The database is opened on first use (``app.state.ledger``, else :class:`Ledger` over
``COOPRULES_DATABASE_URL`` or the SQLite default).
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from typing import Any
from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from ..errors import RequestError
from . import auth, render, reports
from .i18n import translator, word
from .store import DISPOSITIONS, Ledger, LedgerError

#: Largest entry (bytes) a client may POST.
MAX_ENTRY_BYTES = 32 * 1024
MAX_FORM_BYTES = 16 * 1024
COOKIE = "cooprules_ledger"
PAGE_SIZE = 50

api = APIRouter(prefix="/v1/ledger", tags=["ledger"])
pages = APIRouter(prefix="/ledger", include_in_schema=False)
_open_lock = threading.Lock()


def ledger_of(app: Any) -> Ledger:
    """The app's ledger, opened (and migrated) on first use."""
    found = getattr(app.state, "ledger", None)
    if found is None:
        with _open_lock:
            found = getattr(app.state, "ledger", None)
            if found is None:
                found = Ledger()
                app.state.ledger = found
    return found


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def _who(request: Request, allow_cookie: bool = True) -> auth.Account | None:
    """The account of the bearer token, else (pages and API reads) of the session."""
    token = _bearer(request)
    if token:
        return ledger_of(request.app).by_token(token)
    cookie = request.cookies.get(COOKIE)
    if allow_cookie and cookie:
        led = ledger_of(request.app)
        return led.by_id(auth.read_session(led.session_key(), cookie))
    return None


def _error(exc: LedgerError | RequestError) -> JSONResponse:
    if isinstance(exc, RequestError):
        return JSONResponse(exc.as_dict(), status_code=422)
    headers = {"WWW-Authenticate": 'Bearer realm="cooprules ledger"'} if exc.status == 401 else None
    return JSONResponse(exc.as_dict(), status_code=exc.status, headers=headers)


def _unauthorized() -> JSONResponse:
    return _error(LedgerError(401, "authorization", "sign in: send 'Authorization: Bearer <token>' "
                              "(cooprules ledger user add prints one)"))


def _public(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if not k.startswith("_")}


def _date(text: str | None, name: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise LedgerError(422, name, f"'{text[:40]}' is not a date; write YYYY-MM-DD") from None


async def _body(request: Request, limit: int) -> bytes:
    from ..api.body import TooLarge, read_bounded

    try:
        return await read_bounded(request, limit)
    except TooLarge as exc:
        raise LedgerError(413, "request", str(exc)) from None


# ------------------------------------------------------------------ API


@api.post("/records", status_code=201, summary="Record a request received and the answer given")
async def post_record(request: Request) -> Response:
    """Body: an entry ``{"request": {...}, "agency_ref"?, "corrects"?, "disposition"?,
    "duties_done"?}`` or a bare request (see :mod:`cooprules.ledger.store`). The request is
    answered by the engine and stored with the answer; 201 with the record. 401 without
    a token; 403 for a reader or another office; 422 naming the field for anything
    outside the vocabulary (nothing is stored)."""
    try:
        body = await _body(request, MAX_ENTRY_BYTES)
        account = await run_in_threadpool(_who, request, False)
        if account is None:
            return _unauthorized()
        record = await run_in_threadpool(ledger_of(request.app).record, account, body, request.app.state.engine)
    except (LedgerError, RequestError) as exc:
        return _error(exc)
    return JSONResponse(_public(record), status_code=201, headers={"Location": f"/v1/ledger/records/{record['uid']}"})


@api.get("/records", summary="List the records this account may read")
def get_records(request: Request, from_: str | None = Query(None, alias="from", description="First day (YYYY-MM-DD, UTC)."),
                to: str | None = Query(None, description="Last day (YYYY-MM-DD, UTC)."),
                action: str | None = Query(None, max_length=48), outcome: str | None = Query(None, max_length=16),
                limit: int = Query(100, ge=1, le=1000), offset: int = Query(0, ge=0, le=10_000_000)) -> Response:
    """``{"total", "records": [...]}``, newest first. A clerk or supervisor sees its
    own office; an auditor every office."""
    try:
        account = _who(request)
        if account is None:
            return _unauthorized()
        found, total = ledger_of(request.app).list(account, _date(from_, "from"), _date(to, "to"), action, outcome,
                                                   limit, offset)
    except LedgerError as exc:
        return _error(exc)
    return JSONResponse({"total": total, "records": [_public(r) for r in found]})


@api.get("/records/{uid}", summary="One record")
def get_record(uid: str, request: Request) -> Response:
    """The record with this uid, if the account may read it (else 404)."""
    try:
        account = _who(request)
        if account is None:
            return _unauthorized()
        return JSONResponse(_public(ledger_of(request.app).get(account, uid)))
    except LedgerError as exc:
        return _error(exc)


@api.post("/records/{uid}/events", status_code=201, summary="Check off a duty or set what the office did")
async def post_event(uid: str, request: Request) -> Response:
    """Body ``{"kind": "duty_done", "value": provision id}`` or ``{"kind":
    "disposition", "value": "complied"|"declined"|"pending"}``; appended, never
    overwritten. Returns the record."""
    try:
        body = await _body(request, 4096)
        account = await run_in_threadpool(_who, request, False)
        if account is None:
            return _unauthorized()
        try:
            data = json.loads(body)
        except ValueError:
            raise LedgerError(422, "request", "not valid JSON") from None
        if not isinstance(data, dict) or set(data) - {"kind", "value"} or not all(isinstance(data.get(k), str) for k in ("kind", "value")):
            raise LedgerError(422, "request", 'the body is {"kind": ..., "value": ...}', ["kind", "value"])
        record = await run_in_threadpool(ledger_of(request.app).add_event, account, uid, data["kind"], data["value"])
    except LedgerError as exc:
        return _error(exc)
    return JSONResponse(_public(record), status_code=201)


def report_response(request: Request, account: auth.Account, year: int, statute: str | None, office: str | None,
                    fmt: str, lang: str, links: dict[str, str] | None = None) -> Response:
    """The year's reports in ``fmt`` (json, csv, html, pdf)."""
    office_t = None
    if office:
        try:
            office_t = auth.parse_office(office)
        except ValueError as exc:
            raise LedgerError(422, "office", str(exc)) from None
    drawn, office_t = reports.draw(ledger_of(request.app), account, year, statute, office_t, lang)
    name = f"ledger-report-{year}" + (f"-{statute}" if statute else "")
    if fmt == "json":
        return JSONResponse({"year": year, "office": office_t and {"jurisdiction": office_t[0], "entity": office_t[1]},
                             "reports": drawn})
    if fmt == "csv":
        return Response(reports.to_csv(drawn), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})
    if fmt == "pdf":
        return Response(render.pdf(drawn, year, office_t, lang), media_type="application/pdf",
                        headers={"Content-Disposition": f'inline; filename="{name}.pdf"'})
    return HTMLResponse(render.html(drawn, year, office_t, lang, links), headers={"Content-Language": lang})


@api.get("/reports/{year}", summary="The figures the law asks for, for a year")
def get_report(year: int, request: Request, statute: str | None = Query(None, max_length=60),
               office: str | None = Query(None, max_length=340, description="OCD-ID:ENTITY (auditors)"),
               format: str = Query("json", pattern="^(json|csv|html|pdf)$"),
               lang: str = Query("en", pattern="^(en|es)$")) -> Response:
    """Each statute's report for the account's office (supervisor) or any office
    (auditor): counts with citations, by month, kind, paper, outcome and disposition."""
    try:
        account = _who(request)
        if account is None:
            return _unauthorized()
        return report_response(request, account, year, statute, office, format, lang)
    except LedgerError as exc:
        return _error(exc)


# ------------------------------------------------------------------ web pages


def _lang(request: Request) -> str:
    from ..web.pages import lang_of

    return lang_of(request)


def _page(name: str, request: Request, status: int = 200, **ctx: Any) -> HTMLResponse:
    from ..web.render import page

    lang = _lang(request)
    response = page(name, lang, status, t=translator(lang), word=word, path=request.url.path,
                    office_name=lambda j, e: render.office_label((j, e), lang),
                    query={k: v for k, v in request.query_params.items() if k != "lang"}, **ctx)
    response.headers["Cache-Control"] = "no-store"
    return response


def _signed_in(request: Request) -> tuple[auth.Account | None, str | None]:
    cookie = request.cookies.get(COOKIE)
    account = _who(request)
    if account is None:
        return None, None
    led = ledger_of(request.app)
    return account, auth.csrf_token(led.session_key(), cookie) if cookie else None


def _need_sign_in(request: Request) -> HTMLResponse:
    return _page("ledger/login.html", request, 401, next=request.url.path, error=None,
                 why="You must sign in to see the request ledger.")


async def _form(request: Request) -> dict[str, str]:
    body = await _body(request, MAX_FORM_BYTES)
    return dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True, max_num_fields=100))


def _csrf_ok(request: Request, form: dict[str, str]) -> bool:
    led = ledger_of(request.app)
    return auth.check_csrf(led.session_key(), request.cookies.get(COOKIE), form.get("csrf"))


@pages.get("/ledger.css")
def css() -> Response:
    return Response(render.CSS_PATH.read_text(encoding="utf-8"), media_type="text/css")


def _throttle(app) -> auth.SignInThrottle:
    """The app's :class:`~cooprules.ledger.auth.SignInThrottle` (made on first use)."""
    found = getattr(app.state, "sign_in_throttle", None)
    if found is None:
        found = app.state.sign_in_throttle = auth.SignInThrottle()
    return found


@pages.get("/login", response_class=HTMLResponse)
def login_page(request: Request) -> Response:
    return _page("ledger/login.html", request, next=request.query_params.get("next", "/ledger")[:200], error=None, why=None)


def _safe_next(path: str) -> str:
    return path if path.startswith("/ledger") and "//" not in path and "\\" not in path else "/ledger"


@pages.post("/login")
async def login(request: Request) -> Response:
    """Name and password → a session cookie (HttpOnly, SameSite=Strict, 8 hours)."""
    form = await _form(request)
    led = ledger_of(request.app)
    name = form.get("name", "")[:64]
    keys = ("name:" + name, "address:" + (request.client.host if request.client else "?"))
    throttle = _throttle(request.app)
    if wait := throttle.wait(*keys):
        response = _page("ledger/login.html", request, 429, next=_safe_next(form.get("next", "/ledger")),
                         error="Too many failed sign-ins: try again later.", why=None)
        response.headers["Retry-After"] = str(wait)
        return response
    account = await run_in_threadpool(led.by_password, name, form.get("password", "")[:auth.MAX_PASSWORD])
    if account is None:
        throttle.failed(*keys)
        return _page("ledger/login.html", request, 401, next=_safe_next(form.get("next", "/ledger")),
                     error="Name or password not recognised.", why=None)
    throttle.succeeded(*keys)
    response = RedirectResponse(_safe_next(form.get("next", "/ledger")), status_code=303)
    response.set_cookie(COOKIE, auth.sign_session(led.session_key(), account.id), max_age=auth.SESSION_SECONDS,
                        httponly=True, samesite="strict", secure=request.url.scheme == "https", path="/")
    return response


@pages.post("/logout")
async def logout(request: Request) -> Response:
    form = await _form(request)
    if not _csrf_ok(request, form):
        return _need_sign_in(request)
    response = RedirectResponse("/ledger/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


@pages.get("", response_class=HTMLResponse)
def list_page(request: Request) -> Response:
    """The office's records with filters (dates, kind of request, answer)."""
    account, csrf = _signed_in(request)
    if account is None:
        return _need_sign_in(request)
    q = request.query_params
    try:
        offset = max(0, min(int(q.get("offset", "0") or 0), 10_000_000))
    except ValueError:
        offset = 0
    action = q.get("action") or None
    outcome = q.get("outcome") or None
    from ..vocabulary import Action, Outcome

    error = None
    try:
        if action and action not in {a.value for a in Action}:
            raise LedgerError(422, "action", "not a kind of request")
        if outcome and outcome not in {o.value for o in Outcome}:
            raise LedgerError(422, "outcome", "not an answer")
        found, total = ledger_of(request.app).list(account, _date(q.get("from"), "from"), _date(q.get("to"), "to"),
                                                   action, outcome, PAGE_SIZE, offset)
    except LedgerError as exc:
        found, total, error = [], 0, str(exc)
    filters = {k: q.get(k, "") for k in ("from", "to", "action", "outcome")}
    return _page("ledger/list.html", request, 422 if error else 200, account=account, csrf=csrf, records=found,
                 total=total, offset=offset, page_size=PAGE_SIZE, filters=filters, error=error,
                 actions=[a.value for a in Action], outcomes=[o.value for o in Outcome],
                 year=dt.date.today().year, flash=None)


@pages.get("/records/{uid}", response_class=HTMLResponse)
def record_page(uid: str, request: Request) -> Response:
    """One record: the request in plain words, the answer, citations, presumed facts,
    duties with check-offs, and what the office did."""
    account, csrf = _signed_in(request)
    if account is None:
        return _need_sign_in(request)
    try:
        record = ledger_of(request.app).get(account, uid)
    except LedgerError:
        return _page("ledger/list.html", request, 404, account=account, csrf=csrf, records=[], total=0, offset=0,
                     page_size=PAGE_SIZE, filters={}, error="no such record", actions=[], outcomes=[],
                     year=dt.date.today().year, flash=None)
    return _page("ledger/record.html", request, account=account, csrf=csrf, r=record, dispositions=DISPOSITIONS,
                 flash=request.query_params.get("saved") == "1")


@pages.post("/records")
async def record_from_answer(request: Request) -> Response:
    """The answer page's "Record this request": the guided page's facts (hidden
    fields) become a request, answered and recorded; then the record's page."""
    from ..web import forms

    account, _ = await run_in_threadpool(_signed_in, request)
    if account is None:
        return _need_sign_in(request)
    form = await _form(request)
    if not _csrf_ok(request, form):
        return _page("ledger/login.html", request, 403, next="/ledger", error="Your form expired; try again.", why=None)
    state = forms.clean({k: v for k, v in form.items() if k not in ("csrf", "lang", "agency_ref")})
    try:
        entry: dict[str, Any] = {"request": forms.to_request(state)}
        if form.get("agency_ref"):
            entry["agency_ref"] = form["agency_ref"]
        record = await run_in_threadpool(ledger_of(request.app).record, account, entry, request.app.state.engine)
    except (LedgerError, RequestError) as exc:
        return _page("ledger/list.html", request, 403 if isinstance(exc, LedgerError) and exc.status == 403 else 422,
                     account=account, csrf=None, records=[], total=0, offset=0, page_size=PAGE_SIZE, filters={},
                     error=str(exc), actions=[], outcomes=[], year=dt.date.today().year, flash=None)
    return RedirectResponse(f"/ledger/records/{record['uid']}?saved=1", status_code=303)


@pages.post("/records/{uid}/events")
async def record_event(uid: str, request: Request) -> Response:
    """A duty check-off or a disposition from the record page (CSRF-checked)."""
    account, _ = await run_in_threadpool(_signed_in, request)
    if account is None:
        return _need_sign_in(request)
    form = await _form(request)
    if not _csrf_ok(request, form):
        return _page("ledger/login.html", request, 403, next=f"/ledger/records/{uid}", error="Your form expired; try again.", why=None)
    try:
        await run_in_threadpool(ledger_of(request.app).add_event, account, uid, form.get("kind", ""), form.get("value", ""))
    except LedgerError as exc:
        return JSONResponse(exc.as_dict(), status_code=exc.status)
    return RedirectResponse(f"/ledger/records/{uid}", status_code=303)


@pages.get("/reports/{year}")
def report_page(year: int, request: Request) -> Response:
    """The report page (printable; ``?format=pdf|csv|json`` for the other formats)."""
    account, _ = _signed_in(request)
    if account is None:
        return _need_sign_in(request)
    lang = _lang(request)
    q = request.query_params
    fmt = q.get("format", "html")
    statute = q.get("statute") or None
    office = q.get("office") or None
    base = {k: v for k, v in (("statute", statute), ("office", office)) if v}
    links = {"ledger": "/ledger", "other_lang": f"/ledger/reports/{year}?" + urlencode({**base, "lang": "es" if lang == "en" else "en"})}
    for f in ("pdf", "csv", "json"):
        links[f] = f"/ledger/reports/{year}?" + urlencode({**base, "format": f, "lang": lang})
    try:
        if fmt not in ("html", "pdf", "csv", "json"):
            raise LedgerError(422, "format", f"'{fmt[:20]}' is not a format", ["html", "pdf", "csv", "json"])
        response = report_response(request, account, year, statute, office, fmt, lang, links)
    except LedgerError as exc:
        return _page("ledger/list.html", request, exc.status, account=account, csrf=None, records=[], total=0, offset=0,
                     page_size=PAGE_SIZE, filters={}, error=translator(lang)(exc.message) if exc.status == 403 else str(exc),
                     actions=[], outcomes=[], year=year, flash=None)
    response.headers["Cache-Control"] = "no-store"
    return response


def record_button(request: Any, state: Any = None) -> dict[str, str] | None:
    """For the answer page: ``{"csrf"}`` when the signed-in account may record this
    answer's request, else None: a clerk or supervisor whose office is the answer's
    office (``state["jurisdiction"]``, ``state["entity"]``, the guided page's facts; see
    :meth:`Account.writes_for`). Without a state there is no office to match: None.
    Reads the database only when a session cookie is present."""
    if request is None or not request.cookies.get(COOKIE) or not hasattr(state, "get"):
        return None
    try:
        account, csrf = _signed_in(request)
    except Exception:  # a ledger that does not open must not break the answer page
        return None
    if account is None or not csrf or not account.writes_for(state.get("jurisdiction"), state.get("entity")):
        return None
    return {"csrf": csrf}


def install(app: FastAPI, web: bool = True) -> None:
    """Add the ledger's API (and, with ``web``, its pages and the answer page's
    "Record this request" button) to ``app``."""
    app.include_router(api)
    if web:
        from ..web.i18n import LANGS
        from ..web.render import environment

        app.include_router(pages)
        for lang in LANGS:
            environment(lang).globals["ledger_record_button"] = record_button
            environment(lang).globals["ledger_t"] = translator(lang)
