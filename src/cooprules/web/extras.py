"""The pocket card download (``/card.pdf``) and the training pages (``/training``).

Training keeps no session: the office, the quiz's seed, the question number and the
score so far travel in the query, so it works without JavaScript or cookies.
"""

from __future__ import annotations

import random
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ..errors import FieldError, RequestError
from .i18n import gettext_for
from .pages import jurisdiction_name, lang_of
from .forms import plain_text
from .render import page
from .security import download_name
from .summaries import summary

router = APIRouter(include_in_schema=False)


def _int(text: str | None, default: int, low: int, high: int) -> int:
    try:
        value = int(text) if text is not None else default
    except ValueError:
        return default
    return max(low, min(high, value))


@router.get("/card.pdf")
def card(request: Request) -> Response:
    """One-page PDF pocket card for ``?jurisdiction=&entity=&lang=``."""
    from ..cards import render_card

    lang = lang_of(request)
    q = request.query_params
    jurisdiction, entity = q.get("jurisdiction", "")[:300], q.get("entity", "")[:64]
    engine = request.app.state.engine
    try:
        if not jurisdiction or not entity:
            raise RequestError([FieldError("jurisdiction" if not jurisdiction else "entity", "required field is missing")])
        for field, value in (("jurisdiction", jurisdiction), ("entity", entity)):
            if not plain_text(value):
                raise RequestError([FieldError(field, "contains control characters", value)])
        pdf = render_card(jurisdiction, entity, lang, engine)
        canonical = engine.canonical_jurisdiction(jurisdiction)
    except RequestError as exc:
        return page("guide.html", lang, 422, step="error", error=exc, state={}, path="/card.pdf", query={})
    # the file is named from the registry's own id and the checked entity word, never from the query text
    slug = canonical.rsplit(":", 1)[-1][:60]
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": download_name("cooprules-card", slug, entity, lang, ext="pdf")})


@router.get("/training")
def training(request: Request) -> Response:
    """Choose an office, then answer its questions one at a time, then the score."""
    from .. import training as quizzes

    lang = lang_of(request)
    _ = gettext_for(lang)
    engine = request.app.state.engine
    q = request.query_params
    jurisdiction, entity = q.get("jurisdiction", "")[:300], q.get("entity", "")[:64]
    base: dict[str, Any] = {"path": "/training", "query": {k: v for k, v in q.items() if k != "lang"}}
    if not jurisdiction or not entity:
        if "office" in q and "|" in q["office"]:
            jurisdiction, entity = q["office"].split("|", 1)
        else:
            offices = [{"value": f"{j}|{e}", "label": quizzes.office_label(engine, j, e, _, lang), "n": n}
                       for j, e, n in quizzes.offices()]
            return page("training.html", lang, stage="start", offices=offices, **base)
    count = _int(q.get("count"), quizzes.DEFAULT_COUNT, 1, 20)
    seed = _int(q.get("seed"), random.randrange(1, 10_000), 0, 1_000_000)
    number = _int(q.get("i"), 0, 0, count)
    right = _int(q.get("right"), 0, 0, count)
    questions = quizzes.quiz(jurisdiction, entity, count, seed, engine)
    keep = {"jurisdiction": jurisdiction, "entity": entity, "seed": seed, "count": count}
    base["query"] = keep
    office = quizzes.office_label(engine, jurisdiction, entity, _, lang)
    if not questions:
        return page("training.html", lang, stage="empty", office=office, **base)
    if number >= len(questions):
        return page("training.html", lang, stage="done", office=office, right=right, total=len(questions),
                    score=quizzes.score_line(right, len(questions), _), **base)
    question = questions[number]
    choice = q.get("choice")
    ctx = dict(office=office, number=number, total=len(questions), right=right, keep=keep,
               situation=quizzes.situation(question, engine, _, lang), choices=quizzes.CHOICES,
               title_en=question.case.name if choice in quizzes.CHOICES else question.heading, **base)
    if choice not in quizzes.CHOICES:
        return page("training.html", lang, stage="question", **ctx)
    correct = choice == question.answer
    right_now = right + (1 if correct else 0)
    return page("training.html", lang, stage="feedback", choice=choice, correct=correct, answer=question.answer,
                decision=question.decision, plain=summary(question.decision, lang, _), right_now=right_now, **ctx)


__all__ = ["router", "jurisdiction_name"]
