"""The guided page: office, then what is asked, then on what paper, then the answer;
where the answer depends on a missing fact, the next question, one at a time.

Every page is server-rendered and works without JavaScript; ``static/app.js`` only
adds search-as-you-type and a print button. The page decides no law: it sends the
request to the engine and words the Decision.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from ..api import validate
from ..errors import FieldError, RequestError
from . import forms, labels
from .i18n import gettext_for, pick_lang
from .render import hidden, page, url
from .summaries import summary

router = APIRouter(include_in_schema=False)

#: Offices offered for search results.
SEARCH_LIMIT = 12


def lang_of(request: Request) -> str:
    """The page language for ``request`` (``?lang=``, cookie, Accept-Language)."""
    return pick_lang(request.query_params.get("lang"), request.cookies.get("lang"),
                     request.headers.get("accept-language"))


def _engine(request: Request):
    return request.app.state.engine


def jurisdiction_name(engine, ocd_id: str) -> str | None:
    """The registry's name to show for ``ocd_id`` (a school district's proper name), or None."""
    try:
        return engine.registry.get(engine.registry.canonical(ocd_id)).display_name
    except Exception:
        return None


def _kind(ocd_id: str) -> str:
    return ocd_id.rsplit("/", 1)[-1].split(":", 1)[0]


def office_choices(engine) -> list[dict[str, str]]:
    """The jurisdictions whose own law is encoded (offered as quick picks)."""
    out = []
    for ocd_id in sorted(engine.corpus.folders):
        name = jurisdiction_name(engine, ocd_id)
        if name and ocd_id.count("/") >= 3:
            out.append({"ocd_id": ocd_id, "name": name, "kind": _kind(ocd_id)})
    return out


def search(engine, q: str) -> list[dict[str, Any]]:
    """Search hits for the office step: ``[{ocd_id, name, kind, encoded_law, approximate}]``
    (``approximate``: no name matched as typed; these are the closest names)."""
    folders = engine.corpus.folders
    # The registry ranks encoded law first, reads aliases ("LAUSD", "Harris County, TX")
    # and, when no name matches, offers the closest names ("Fresnoo" -> Fresno).
    if not q.strip():
        return []
    found = engine.registry.find(q[:200], limit=SEARCH_LIMIT, prefer=frozenset(folders), governments=True)
    return [{"ocd_id": j.ocd_id, "name": j.display_name, "kind": j.kind, "encoded_law": j.ocd_id in folders,
             "approximate": found.approximate} for j in found.hits]


def entity_order(ocd_id: str) -> tuple[list[str], list[str]]:
    """(likely kinds of office for this jurisdiction, the others)."""
    kind = _kind(ocd_id)
    kind = "county" if kind in ("county", "parish", "borough") else kind
    likely = labels.LIKELY_ENTITIES.get(kind, [])
    return likely, [e for e in labels.ENTITIES if e not in likely]


def next_fact(decision) -> str | None:
    """The one missing fact to ask next: the first the decision depends on that the
    page knows how to ask (None when the answer is definite)."""
    for missing in decision.depends_on:
        if missing.fact in forms.ASKABLE:
            return missing.fact
    return None


@router.get("/", response_class=HTMLResponse)
@router.get("/ask", response_class=HTMLResponse)
def guide(request: Request) -> Response:
    """The guided flow; see the module docstring."""
    lang = lang_of(request)
    engine = _engine(request)
    state = forms.clean(request.query_params)
    step = forms.next_step(state)
    ctx: dict[str, Any] = {"state": state, "step": step, "hidden": hidden, "path": request.url.path,
                           "query": dict(state)}
    if "jurisdiction" in state:
        name = jurisdiction_name(engine, state["jurisdiction"])
        if name is None:
            err = RequestError([FieldError("jurisdiction", "unknown OCD-ID", state["jurisdiction"])])
            return page("guide.html", lang, 422, step="office", state={}, hidden=hidden, error=err,
                        q=request.query_params.get("q", ""), hits=[], offices=office_choices(engine),
                        query={}, path="/ask")
        ctx["office_name"] = name
    if step == "office":
        q = request.query_params.get("q", "")[:200]
        return page("guide.html", lang, q=q, hits=search(engine, q), offices=office_choices(engine), **ctx)
    if step == "entity":
        likely, others = entity_order(state["jurisdiction"])
        return page("guide.html", lang, likely=likely, others=others, **ctx)
    if step in ("action", "info_type", "instrument"):
        return page("guide.html", lang, **ctx)
    return answer(request, lang, state, ctx)


def answer(request: Request, lang: str, state: dict[str, str], ctx: dict[str, Any]) -> Response:
    """The answer page for a complete question (or the error page for a bad one)."""
    try:
        decision = validate.evaluate(_engine(request), forms.to_request(state), None)
    except RequestError as exc:
        return page("guide.html", lang, 422, error=exc, **{**ctx, "step": "error"})
    _ = gettext_for(lang)
    fact = next_fact(decision)
    corpus = _engine(request).corpus

    def source_of(provision_id: str) -> str:
        try:
            return str(corpus.get(provision_id).provision.source)
        except KeyError:
            return f"/v1/provisions/{provision_id}"

    return page("answer.html", lang, decision=decision, plain=summary(decision, lang, _), fact=fact,
                fact_values=_fact_values(fact, decision), source_of=source_of, **ctx)


def _fact_values(fact: str | None, decision) -> list[str]:
    """The values offered for ``fact``: the vocabulary words (or yes/no)."""
    if fact is None:
        return []
    if fact in forms.BOOL_FACTS:
        return ["true", "false"]
    if fact == "attachments":  # only the papers that change the answer
        found = next(m for m in decision.depends_on if m.fact == fact)
        return [v.value for v in found.values if v.value in labels.FACT_WORDS[fact]]
    if fact in labels.FACT_WORDS:
        return list(labels.FACT_WORDS[fact])
    return []


@router.get("/healthz", include_in_schema=False)
def healthz() -> Response:
    return Response("ok", media_type="text/plain")


__all__ = ["router", "url", "lang_of"]
