"""Jinja2 environments (one per language, catalogs installed) and page rendering."""

from __future__ import annotations

import functools
from typing import Any, Mapping
from urllib.parse import urlencode

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup
from starlette.responses import HTMLResponse

from . import labels
from .i18n import LANG_NAMES, LANGS, translations
from .names import layer_title
from ..wording.law import law_text, machine_note
from .summaries import combination_text, contested_text, reason_text


@functools.cache
def environment(lang: str) -> Environment:
    """The template environment of ``lang``: autoescaped, with ``_``/``gettext``
    from that language's catalog (new-style: ``_("...%(n)s", n=1)``). ``_()`` takes
    string literals only (its result is marked safe and %-formatted): words from
    the label tables go through ``label(table, key)`` and ``value_text(fact, value)``,
    which return plain text for autoescaping (a test checks the templates)."""
    env = Environment(loader=PackageLoader("cooprules.web", "templates"), autoescape=select_autoescape(["html"]),
                      extensions=["jinja2.ext.i18n"], trim_blocks=True, lstrip_blocks=True)
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    gettext = translations(lang).gettext
    env.globals.update(labels=labels, LANGS=LANGS, LANG_NAMES=LANG_NAMES, url=url,
                       label=lambda table, key, part=0: labels.label(table, key, gettext, part),
                       value_text=lambda fact, value: labels.value_text(fact, value, gettext, lang),
                       reason_text=lambda reason: reason_text(reason, lang, gettext),
                       combination_text=lambda how: combination_text(how, lang),
                       law_text=lambda text: law_text(text, lang),
                       layer_title=lambda layer: layer_title(layer.name, layer.jurisdiction, lang),
                       machine_note=lambda decision, trace=True: machine_note(decision, lang, trace),
                       contested_text=lambda reason: contested_text(reason, lang, gettext))
    return env


def url(path: str, state: Mapping[str, Any] | None = None, **extra: Any) -> str:
    """``path`` with ``state`` and ``extra`` as its query (None values left out)."""
    merged = {**(state or {}), **extra}
    query = urlencode([(k, v) for k, v in merged.items() if v is not None and v != ""])
    return path + ("?" + query if query else "")


def page(name: str, lang: str, status: int = 200, **context: Any) -> HTMLResponse:
    """Render template ``name`` in ``lang`` as an HTML response. The response sets
    the ``lang`` cookie so the choice carries to pages reached without ``?lang=``."""
    env = environment(lang)
    html = env.get_template(name).render(lang=lang, **context)
    # the security headers (CSP, framing, nosniff, referrer) come from web.security.SecurityHeaders
    response = HTMLResponse(html, status_code=status, headers={"Content-Language": lang})
    response.set_cookie("lang", lang, max_age=365 * 24 * 3600, samesite="lax")
    return response


def hidden(state: Mapping[str, str], skip: tuple[str, ...] = ()) -> Markup:
    """Hidden inputs carrying ``state`` to the next step."""
    from markupsafe import escape

    return Markup("".join(f'<input type="hidden" name="{escape(k)}" value="{escape(v)}">'
                          for k, v in state.items() if k not in skip))
