"""The law's words in other languages: provision titles and duty texts from the
gettext catalog kept beside the corpus.

The English text in the rule files is the message id. Each language has
``rules/locale/<lang>/LC_MESSAGES/law.po``; ``rules/locale/law.pot`` is the template,
rebuilt by ``scripts/extract_law_messages.py`` (docs/rule-format.md, "Translations").
Every translation carries a translator comment saying how far to trust it:
``# machine-drafted`` (written without a legal translator's review) or
``# reviewed: <who>, <date>``. ``cooprules lint`` fails when a title or duty text shown
to users has no translation, when a translation is fuzzy, or when it carries neither mark.

The titles of the provisions generated from ICE's 287(g) list are "<agency> <what the
model allows>": the catalog holds the part after the agency's name (message context
:data:`AGREEMENT_CONTEXT`); the agency's name stays as ICE prints it.

    >>> from cooprules.wording.law import law_text
    >>> law_text("No detaining anyone on the basis of an immigration hold request", "es")
    'No se detiene a nadie por una solicitud de detención migratoria (I-247A)'
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from ..corpus.loader import default_rules_path

__all__ = [
    "AGREEMENT_CONTEXT",
    "CATALOG_LANGS",
    "DOMAIN",
    "MARKS",
    "Message",
    "catalog_file",
    "extract",
    "MACHINE_NOTE",
    "decision_texts",
    "law_text",
    "lint_findings",
    "localize",
    "machine_drafted",
    "machine_note",
    "messages",
]

#: The catalog's gettext domain (``law.po``).
DOMAIN = "law"
#: Languages every title and duty text must be translated into (lint).
CATALOG_LANGS = ("es",)
#: Message context of the 287(g) title templates (the words after the agency's name).
AGREEMENT_CONTEXT = "287(g) title, after the agency's name"
#: Translator-comment prefixes that say how far a translation has been checked.
MARKS = ("machine-drafted", "reviewed")
#: The catalogs' header comment.
HEADER = ("# The law's words (provision titles, duty texts) of cooprules' rules/ corpus.\n"
          "# Built by scripts/extract_law_messages.py; every translation carries a translator\n"
          "# comment: '# machine-drafted' or '# reviewed: <who>, <date>'. Citations stay in English.\n#")
#: Most characters of a text looked up (longer texts are returned as given).
MAX_TEXT = 2000


@dataclass
class Message:
    """One text to translate: the English ``text``, the message ``context`` (``None``,
    or :data:`AGREEMENT_CONTEXT`), where it appears (``(file, provision id, field)``)."""

    text: str
    context: str | None = None
    places: list[tuple[str, str, str]] = field(default_factory=list)


def locale_dir(root: Path | None = None) -> Path:
    """``<rules>/locale`` (default: the shipped corpus)."""
    return (root if root is not None else default_rules_path()) / "locale"


def catalog_file(lang: str, root: Path | None = None) -> Path:
    """The ``.po`` file of ``lang`` beside the corpus at ``root``."""
    return locale_dir(root) / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


# ------------------------------------------------------------------ the texts


def messages(provisions: Iterable, generated: Iterable | None = None) -> list[Message]:
    """Every text shown to users that the catalog must hold.

    Args: ``provisions`` compiled provisions of the rule files (objects with
    ``.provision`` and ``.file``, as :func:`cooprules.corpus.loader.read_tree` gives);
    ``generated`` ``(agency name, Provision)`` pairs of the 287(g) list (``None``: none).
    Returns: the messages in first-seen order, each once, with every place it appears.
    """
    found: dict[tuple[str | None, str], Message] = {}

    def add(text: str, context: str | None, place: tuple[str, str, str]) -> None:
        if not text or not text.strip():
            return
        msg = found.setdefault((context, text), Message(text, context))
        msg.places.append(place)

    for cp in provisions:
        p = cp.provision
        add(p.title, None, (cp.file, p.id, "title"))
        for i, duty in enumerate(p.duties or []):
            add(duty.text, None, (cp.file, p.id, f"duties[{i}].text"))
    for agency, p in generated or ():
        if p.title.startswith(agency + " "):
            add(p.title[len(agency) + 1:], AGREEMENT_CONTEXT, ("agreements_287g.csv", p.id, "title"))
        else:  # pragma: no cover - every generated title starts with the agency's name
            add(p.title, None, ("agreements_287g.csv", p.id, "title"))
    return list(found.values())


def agreement_titles() -> list[tuple[str, object]]:
    """``(agency name, Provision)`` for every provision generated from ICE's 287(g)
    list (:mod:`cooprules.agreements`), in the list's order."""
    from ..agreements import load_agreements

    ags = load_agreements()
    mapped = [a for a in ags if a.mapped]
    provisions = ags.provisions()
    return [(a.agency, p) for a, p in zip(mapped, provisions)]


def _template(msgs: list[Message]) -> Catalog:
    cat = Catalog(domain=DOMAIN, project="cooprules", version="rules", charset="utf-8", fuzzy=False,
                  header_comment=HEADER, msgid_bugs_address="", copyright_holder="",
                  last_translator="", language_team="")
    for m in msgs:
        ids = sorted({pid for _, pid, _ in m.places})
        auto = [f"{ids[0]}" + (f" and {len(ids) - 1} more" if len(ids) > 1 else "")
                + f" ({m.places[0][2].split('[')[0].replace('.text', '')})"]
        if m.context:
            auto.append("Follows the agency's name as ICE prints it; keep it a sentence that reads on from the name.")
        locations = sorted({(f, None) for f, _, _ in m.places})[:5]
        cat.add(m.text, locations=locations, auto_comments=auto, context=m.context)
    return cat


def extract(root: Path | None = None, agreements: bool | None = None) -> dict[str, tuple[int, int]]:
    """Rebuild ``<rules>/locale/law.pot`` from the rule files and bring every
    ``<lang>/LC_MESSAGES/law.po`` up to date with it (new texts empty, texts gone
    dropped, changed texts kept as fuzzy guesses for the translator). A language in
    :data:`CATALOG_LANGS` without a catalog gets one.

    Args: ``root`` the rules folder (default: the shipped corpus); ``agreements``
    include the 287(g) titles (default: only for the shipped corpus).
    Returns: ``{lang: (messages, untranslated)}``.
    Raises: :class:`cooprules.errors.CorpusError` when the rules folder is unreadable.
    Files are written whole (a temporary file renamed), never half.
    """
    from ..corpus.loader import read_tree

    shipped = root is None
    root = Path(root) if root is not None else default_rules_path()
    provisions, *_ = read_tree(root)
    generated = agreement_titles() if (agreements if agreements is not None else shipped) else None
    template = _template(messages(provisions, generated))
    out_dir = locale_dir(root)
    out_dir.mkdir(parents=True, exist_ok=True)
    _write(out_dir / f"{DOMAIN}.pot", template)
    langs = set(CATALOG_LANGS) | {p.name for p in out_dir.iterdir() if (p / "LC_MESSAGES" / f"{DOMAIN}.po").is_file()}
    result = {}
    for lang in sorted(langs):
        path = catalog_file(lang, root)
        if path.is_file():
            with path.open("rb") as fp:
                cat = read_po(fp, locale=lang, domain=DOMAIN)
        else:
            cat = Catalog(locale=lang, domain=DOMAIN, project="cooprules", version="rules", fuzzy=False,
                          header_comment=HEADER, msgid_bugs_address="", copyright_holder="",
                          last_translator="", language_team="")
        cat.update(template, update_header_comment=False)
        cat.obsolete.clear()
        cat.revision_date = dt.datetime.now(dt.timezone.utc)
        _write(path, cat)
        total = [m for m in cat if m.id]
        result[lang] = (len(total), sum(1 for m in total if not m.string or m.fuzzy))
    _translations.cache_clear()
    return result


def _write(path: Path, cat: Catalog) -> None:
    buf = io.BytesIO()
    write_po(buf, cat, width=100, sort_output=False, ignore_obsolete=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(buf.getvalue())
    tmp.replace(path)


# ------------------------------------------------------------------ lookup


@functools.lru_cache(maxsize=8)
def _translations(lang: str, rules_env: str | None) -> tuple[dict[str, str], tuple[tuple[str, str], ...], frozenset[str]]:
    """(plain texts, 287(g) suffixes longest first, machine-drafted texts) of
    ``lang``'s catalog beside the corpus in use (``rules_env``: ``$COOPRULES_RULES``,
    part of the cache key); fuzzy and empty entries left out. The machine-drafted
    set holds both the English and the translation of every entry whose translator
    comment is ``# machine-drafted`` (for a 287(g) title, its suffix). Empty when the
    catalog does not exist."""
    path = catalog_file(lang, default_rules_path())
    if not path.is_file():
        return {}, (), frozenset()
    with path.open("rb") as fp:
        cat = read_po(fp, locale=lang, domain=DOMAIN)
    plain: dict[str, str] = {}
    suffixes: list[tuple[str, str]] = []
    machine: set[str] = set()
    for m in cat:
        if not m.id or not m.string or m.fuzzy or not isinstance(m.id, str):
            continue
        if m.context == AGREEMENT_CONTEXT:
            suffixes.append((m.id, str(m.string)))
        elif m.context is None:
            plain[m.id] = str(m.string)
        else:
            continue
        if any(c.strip().startswith("machine-drafted") for c in m.user_comments):
            machine.update((m.id, str(m.string)))
    suffixes.sort(key=lambda s: -len(s[0]))
    return plain, tuple(suffixes), frozenset(machine)


def law_text(text: str, lang: str) -> str:
    """The law's words ``text`` (a provision title or a duty text, in English as the
    rule file writes it) in ``lang`` (``"en"``, ``"es"``).

    Returns ``text`` unchanged for English, for a language without a catalog, and for
    a text the catalog lacks (``cooprules lint`` reports those). A 287(g) title keeps
    the agency's name and translates the rest.
    """
    if lang == "en" or not text or len(text) > MAX_TEXT:
        return text
    plain, suffixes, _ = _translations(lang, os.environ.get("COOPRULES_RULES"))
    hit = plain.get(text)
    if hit is not None:
        return hit
    for english, translated in suffixes:
        if text.endswith(" " + english):
            return text[: -len(english)] + translated
    return text


#: The one line said under an answer in a language whose shown law texts include a
#: machine-drafted translation (README: "the law's Spanish texts are machine-drafted").
MACHINE_NOTE = {
    "es": "Traducción automática de los textos legales (títulos y obligaciones): ante la duda, "
          "rige el texto en inglés.",
}


def machine_drafted(texts: Iterable[str], lang: str) -> bool:
    """Whether any of ``texts`` (provision titles or duty texts, in English as the rule
    files write them or already translated by :func:`law_text`) is shown in ``lang``
    through a translation the catalog marks ``# machine-drafted``. English: False."""
    if lang == "en":
        return False
    _, suffixes, machine = _translations(lang, os.environ.get("COOPRULES_RULES"))
    if not machine:
        return False
    for text in texts:
        if not text:
            continue
        if text in machine:
            return True
        if any(text.endswith(" " + s) for pair in suffixes for s in pair if s in machine):
            return True
    return False


def decision_texts(decision, trace: bool = True) -> list[str]:
    """The law's words a decision shows: citation titles, duty and possible-duty texts,
    and with ``trace`` the trace's provision titles."""
    out = [c.title for c in decision.citations] + [d.text for d in decision.duties]
    out += [d.text for d in decision.possible_duties]
    if trace:
        out += [p.title for layer in decision.trace for p in layer.provisions]
    return out


def machine_note(decision, lang: str, trace: bool = True) -> str:
    """:data:`MACHINE_NOTE` of ``lang`` when the decision's shown law texts
    (:func:`decision_texts`) include a machine-drafted translation, else ``""``."""
    if lang not in MACHINE_NOTE or not machine_drafted(decision_texts(decision, trace), lang):
        return ""
    return MACHINE_NOTE[lang]


def localize(decision, lang: str, summary: str | None = None):
    """A copy of ``decision`` (:class:`cooprules.vocabulary.Decision`) with the law's
    words in ``lang``: citation and trace titles, duty texts, and ``summary`` when
    given (the caller words it: :func:`cooprules.web.summaries.summary`). The
    decision itself is not changed; English returns it as is."""
    if lang == "en":
        return decision
    cites = [c.model_copy(update={"title": law_text(c.title, lang)}) for c in decision.citations]
    duties = [d.model_copy(update={"text": law_text(d.text, lang)}) for d in decision.duties]
    possible = [d.model_copy(update={"text": law_text(d.text, lang)}) for d in decision.possible_duties]
    trace = [layer.model_copy(update={"provisions": [p.model_copy(update={"title": law_text(p.title, lang)})
                                                     for p in layer.provisions]})
             for layer in decision.trace]
    update = {"citations": cites, "duties": duties, "possible_duties": possible, "trace": trace}
    if summary is not None:
        update["summary"] = summary
    return decision.model_copy(update=update)


# ------------------------------------------------------------------ lint


def lint_findings(root: Path, provisions: Iterable, national: bool) -> list:
    """``cooprules lint``'s translation check: one
    :class:`cooprules.corpus.lint.Finding` per title or duty text without a usable
    translation in a language of :data:`CATALOG_LANGS` (missing, empty, fuzzy), and per
    translation marked neither ``machine-drafted`` nor ``reviewed``.

    A corpus without a ``locale/`` folder is checked only when ``national`` (the
    shipped corpus, whose 287(g) titles are checked too).
    """
    from ..corpus.lint import Finding

    root = Path(root)
    if not national and not locale_dir(root).is_dir():
        return []
    msgs = messages(provisions, agreement_titles() if national else None)
    out = []
    for lang in CATALOG_LANGS:
        path = catalog_file(lang, root)
        rel = path.relative_to(root).as_posix()
        if not path.is_file():
            out.append(Finding(rel, f"no {lang} catalog: run scripts/extract_law_messages.py and translate"))
            continue
        try:
            with path.open("rb") as fp:
                cat = read_po(fp, locale=lang, domain=DOMAIN)
        except Exception as exc:  # a broken catalog is a finding, not a crash
            out.append(Finding(rel, f"unreadable catalog: {exc}"))
            continue
        for m in msgs:
            entry = cat.get(m.text, context=m.context)
            file, pid, fld = m.places[0]
            more = f" (and {len(m.places) - 1} more places)" if len(m.places) > 1 else ""
            if entry is None or not entry.string:
                out.append(Finding(file, f"no {lang} translation in {rel}{more}: {m.text[:80]!r}", pid, fld))
            elif entry.fuzzy:
                out.append(Finding(file, f"{lang} translation in {rel} is fuzzy (the English changed): review it{more}", pid, fld))
            elif not any(c.strip().startswith(MARKS) for c in entry.user_comments):
                out.append(Finding(file, f"{lang} translation in {rel} is marked neither 'machine-drafted' nor "
                                         f"'reviewed: <who>, <date>' (translator comment)", pid, fld))
    return out
