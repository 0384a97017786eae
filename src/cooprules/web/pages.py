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
from . import summaries
from .names import government_name
from .summaries import by_outcome, clause, exceptions, headline, presumed_lines

router = APIRouter(include_in_schema=False)

#: Offices offered for search results.
SEARCH_LIMIT = 12


def lang_of(request: Request) -> str:
    """The page language for ``request`` (``?lang=``, cookie, Accept-Language)."""
    return pick_lang(request.query_params.get("lang"), request.cookies.get("lang"),
                     request.headers.get("accept-language"))


def _engine(request: Request):
    return request.app.state.engine


def jurisdiction_name(engine, ocd_id: str, lang: str = "en") -> str | None:
    """The name to show for ``ocd_id`` in ``lang`` (a school district's proper name;
    in Spanish a place's kind of government worded first, "Ciudad de Houston": see
    :func:`cooprules.web.names.government_name`), or None for an unknown id."""
    try:
        record = engine.registry.get(engine.registry.canonical(ocd_id))
    except Exception:
        return None
    return government_name(record.display_name, record.kind, lang)


def _kind(ocd_id: str) -> str:
    return ocd_id.rsplit("/", 1)[-1].split(":", 1)[0]


def office_choices(engine, lang: str = "en") -> list[dict[str, str]]:
    """The jurisdictions whose own law is encoded (offered as quick picks), named in ``lang``."""
    out = []
    for ocd_id in sorted(engine.corpus.folders):
        name = jurisdiction_name(engine, ocd_id, lang)
        if name and ocd_id.count("/") >= 3:
            out.append({"ocd_id": ocd_id, "name": name, "kind": _kind(ocd_id)})
    return out


def search(engine, q: str, lang: str = "en") -> list[dict[str, Any]]:
    """Search hits for the office step: ``[{ocd_id, name, kind, encoded_law, approximate}]``
    (``name`` in ``lang``; ``approximate``: no name matched as typed, these are the
    closest names, as the CLI's ``jurisdictions --search`` says)."""
    return search_page(engine, q, lang)["hits"]


def search_page(engine, q: str, lang: str = "en") -> dict[str, Any]:
    """The office search for ``q`` (its first 200 characters): ``{"approximate": bool,
    "hits": [{ocd_id, name, kind, encoded_law, approximate}]}``, at most
    :data:`SEARCH_LIMIT` hits, governments only, those whose own law is encoded first.
    ``approximate`` is the registry's (:meth:`Registry.find`): True when no name
    matched as typed and the hits (possibly none) are the closest names."""
    folders = engine.corpus.folders
    # The registry ranks encoded law first, reads aliases ("LAUSD", "Harris County, TX")
    # and, when no name matches, offers the closest names ("Fresnoo" -> Fresno).
    if not q.strip():
        return {"approximate": False, "hits": []}
    found = engine.registry.find(q[:200], limit=SEARCH_LIMIT, prefer=frozenset(folders), governments=True)
    return {"approximate": bool(found.approximate),
            "hits": [{"ocd_id": j.ocd_id, "name": government_name(j.display_name, j.kind, lang), "kind": j.kind,
                      "encoded_law": j.ocd_id in folders, "approximate": found.approximate} for j in found.hits]}


def entity_order(ocd_id: str) -> tuple[list[str], list[str]]:
    """(likely kinds of office for this jurisdiction, the others)."""
    kind = _kind(ocd_id)
    kind = "county" if kind in ("county", "parish", "borough") else kind
    likely = labels.LIKELY_ENTITIES.get(kind, [])
    return likely, [e for e in labels.ENTITIES if e not in likely]


def next_fact(decision) -> str | None:
    """The one missing fact to ask next: the first the decision depends on that the
    page knows how to ask; else the first fact a possible duty turns on (the answer
    is definite, but which duties are owed is not); None when neither."""
    for missing in decision.depends_on:
        if missing.fact in forms.ASKABLE:
            return missing.fact
    for duty in decision.possible_duties:
        for fact in duty.depends_on:
            if fact in forms.ASKABLE:
                return fact
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
        name = jurisdiction_name(engine, state["jurisdiction"], lang)
        if name is None:
            err = RequestError([FieldError("jurisdiction", "unknown OCD-ID", state["jurisdiction"])])
            return page("guide.html", lang, 422, step="office", state={}, hidden=hidden, error=err,
                        q=request.query_params.get("q", "")[:200], hits=[], offices=office_choices(engine, lang),
                        query={}, path="/ask")
        ctx["office_name"] = name
    try:
        forms.check(state)
    except RequestError as exc:
        return page("guide.html", lang, 422, error=exc, **{**ctx, "step": "error"})
    if step == "office":
        q = request.query_params.get("q", "")[:200]
        found = search_page(engine, q, lang)
        return page("guide.html", lang, q=q, hits=found["hits"], approximate=found["approximate"],
                    offices=office_choices(engine, lang), **ctx)
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

    missing = next((m for m in decision.depends_on if m.fact == fact), None)
    unless = []
    for sentence, item in exceptions(decision, lang):
        links = []
        if len(item.values) <= summaries.MAX_LINKS:
            for value in item.values:
                href = _answer_again(state, item.fact, value, lang)
                if href:
                    links.append({"text": clause(item.fact, value, lang), "href": href})
        unless.append({"text": sentence, "links": links})
    fact_values = _fact_values(fact, decision)
    return page("answer.html", lang, decision=decision, plain=headline(decision, lang), fact=fact,
                fact_values=fact_values, source_of=source_of,
                groups=by_outcome(missing, lang, _, offered=fact_values if fact == "attachments" else None)
                if missing else [],
                unless=unless, source_groups=summaries.sources_by_outcome(decision, lang, _),
                possible_facts=list(dict.fromkeys(summaries.fact_noun(f, lang) for d in decision.possible_duties
                                                  for f in d.depends_on)),
                presumed=presumed_lines(decision, lang, _, papers_named=bool(forms.to_request(state).get("attachments"))),
                counsel=None if state.get("presume") == "false" else url("/ask", {**state, "presume": "false",
                                                                                    "lang": lang}),
                request=request, **ctx)


def _answer_again(state: dict[str, str], fact: str, value: str, lang: str) -> str | None:
    """The page's URL for the same question with ``fact`` stated as ``value`` (a value
    as the engine labels it), or None where the page cannot state that value."""
    param = forms.param_for(fact, value)
    if param is None:
        return None
    if fact == "attachments" and state.get("attachments"):
        param = ",".join(dict.fromkeys([*state["attachments"].split(","), param]))
    return url("/ask", {**state, fact: param, "lang": lang})


def _fact_values(fact: str | None, decision) -> list[str]:
    """The values offered for ``fact``: yes/no, the vocabulary words, or for
    ``attachments`` an I-200, an I-205, a judicial warrant and "nothing else" always,
    with any other paper the answer turns on (ordered as :data:`labels.ATTACHMENTS`)."""
    if fact is None:
        return []
    if fact in forms.BOOL_FACTS:
        return ["true", "false"]
    if fact == "attachments":
        found = next((m for m in decision.depends_on if m.fact == fact), None)
        turning = {v.value for v in found.values} if found else set()
        # every paper the answer turns on is offered, so "what each answer gives" names
        # only papers that have a box (labels.ATTACHMENTS has every paper word)
        return [k for k in labels.ATTACHMENTS if k in labels.ATTACHMENTS_ALWAYS or k in turning]
    if fact == "subject.role" and decision.action.value in CUSTODY_ACTIONS:
        return ["in_custody"] + [r for r in labels.ROLES if r != "in_custody"]
    if fact in labels.FACT_WORDS:
        return list(labels.FACT_WORDS[fact])
    return []


#: Actions about a person held: "a person in custody" is offered first when the page
#: asks who the person is.
CUSTODY_ACTIONS = ("detainer_hold", "release_notification", "custody_transfer")


@router.get("/ask/offices", include_in_schema=False)
def offices(request: Request) -> Response:
    """The office search as JSON for the page's search-as-you-type (``?q=&lang=``):
    :func:`search_page`, names in the page's language."""
    from fastapi.responses import JSONResponse

    return JSONResponse(search_page(_engine(request), request.query_params.get("q", "")[:200], lang_of(request)))


@router.get("/healthz", include_in_schema=False)
def healthz() -> Response:
    return Response("ok", media_type="text/plain")


__all__ = ["router", "url", "lang_of"]
