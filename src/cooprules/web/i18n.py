"""Languages of the web page, training and pocket card: gettext catalogs via Babel.

English strings are the message ids; ``locale/es/LC_MESSAGES/messages.po`` holds the
Spanish. Catalogs are read with Babel and compiled in memory into
``babel.support.Translations`` when first used (no build step). Update them with
``pybabel extract -F babel.cfg -o messages.pot .`` then ``pybabel update``
(docs/web.md).
"""

from __future__ import annotations

import functools
import gettext as _gettext
import io
from importlib import resources
from typing import Callable

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

#: Languages offered, in the order shown.
LANGS = ("en", "es")
#: Each language's name in itself (for the switch).
LANG_NAMES = {"en": "English", "es": "Español"}
DEFAULT_LANG = "en"


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it now."""
    return message


def catalog_path(lang: str):
    """The ``.po`` file of ``lang`` inside the package."""
    return resources.files(__package__) / "locale" / lang / "LC_MESSAGES" / "messages.po"


@functools.cache
def translations(lang: str) -> _gettext.NullTranslations:
    """The compiled catalog of ``lang`` (English: identity). Unknown languages fall
    back to English."""
    if lang not in LANGS or lang == "en":
        return NullTranslations()
    with catalog_path(lang).open("rb") as fp:
        catalog = read_po(fp, locale=lang)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return Translations(fp=buf)


def gettext_for(lang: str) -> Callable[[str], str]:
    """``gettext`` bound to ``lang``."""
    return translations(lang).gettext


def pick_lang(query: str | None, cookie: str | None, accept: str | None) -> str:
    """The language to use: ``?lang=``, else the ``lang`` cookie, else the first
    supported language in ``Accept-Language``, else English."""
    for cand in (query, cookie):
        if cand in LANGS:
            return cand  # type: ignore[return-value]
    for part in (accept or "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGS:
            return code
    return DEFAULT_LANG
