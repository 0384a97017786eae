"""The language of an API answer: ``?lang=es`` or ``Accept-Language: es`` gives the
decision's summary, provision titles, duty texts and ``unless`` texts in Spanish
(from the catalog beside the corpus, :mod:`cooprules.wording.law`, and the engine's
wording). Field names, vocabulary words, ids and citations never change: only text
meant for people does.

``?lang=`` wins over the header; an unsupported ``?lang=`` is a 422 naming the allowed
languages; an ``Accept-Language`` with no supported language falls back to English.
"""

from __future__ import annotations

from ..errors import FieldError, RequestError
from ..vocabulary import Decision

#: Languages the API answers in.
API_LANGS = ("en", "es")
#: Longest Accept-Language header read (characters); the rest is ignored.
MAX_ACCEPT = 512


def answer_lang(query: str | None, accept: str | None) -> str:
    """The answer's language from ``?lang=`` (``query``) and the ``Accept-Language``
    header (``accept``): the query if given, else the first supported language in
    the header by its q-values (``es-MX;q=0.9`` counts as ``es``), else ``"en"``.

    Raises: :class:`cooprules.errors.RequestError` (field ``lang``) when ``query`` is
    not one of :data:`API_LANGS`.
    """
    if query is not None:
        if query.strip().lower() in API_LANGS:
            return query.strip().lower()
        shown = query[:20]
        raise RequestError([FieldError("lang", f"'{shown}' is not a language the API answers in",
                                       shown, allowed=list(API_LANGS))])
    best, best_q = "en", -1.0
    for n, part in enumerate((accept or "")[:MAX_ACCEPT].split(",")[:20]):
        code, _, params = part.strip().partition(";")
        code = code.strip().lower().split("-")[0]
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        if code in API_LANGS and q > 0 and q > best_q:
            best, best_q = code, q
    return best


def in_language(decision: Decision, lang: str) -> Decision:
    """``decision`` with its text for people in ``lang`` (:func:`cooprules.wording.answer.in_language`)."""
    from ..wording.answer import in_language as words

    return words(decision, lang)


def provision_in_language(data: dict, lang: str) -> dict:
    """A provision's JSON (``title``, ``duties[].text``) with its title and duty texts
    in ``lang``; everything else as it is."""
    if lang == "en":
        return data
    from ..wording.law import law_text

    out = dict(data, title=law_text(data.get("title") or "", lang))
    out["duties"] = [dict(d, text=law_text(d.get("text") or "", lang)) for d in data.get("duties") or []]
    return out
