"""Finding OCD-IDs by the names people type: an index over names, ids and aliases.

:class:`NameIndex` is built once per :class:`~cooprules.jurisdictions.Registry` (lazily,
on the first search) and answers a query in three steps:

1. **Reading the query** (:func:`parse_query`): accents and case folded, punctuation
   dropped (``"Miami-Dade"`` reads as ``"miami dade"``); a trailing state name or code
   becomes a filter (``"Harris County, TX"``); the name of an office is stripped and
   kept as a hint of the kind of government (``"San Diego County Sheriff"`` looks for
   ``"san diego county"`` among counties first, ``"... Police Department"`` among cities);
   ``"City of X"`` also reads as ``"X"``.
2. **Text matches**, from an inverted index (word -> entries) and a sorted vocabulary
   for the last, perhaps unfinished, word: exact name, alias or id value first, then
   prefix, then a match at a word start, then any substring.
3. **Approximate matches** only when nothing matches as text (``"Fresnoo"``): the
   closest names by edit similarity (:func:`rapidfuzz.fuzz.ratio`), within a length
   window so that only plausible names are compared.

Results are ranked: match quality group (text at a word start, other text,
approximate), then the kind the office hinted at, then the ids the caller prefers
(governments with encoded law), then tier, kind (states, counties, places, school
districts, other bodies, subdivisions), shorter name, id. Ranked lists are kept in a
bounded LRU cache.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from array import array
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz, process

__all__ = ["NameIndex", "Query", "fold", "norm", "parse_query"]

#: Ranked result lists kept (each a compact array of entry numbers).
RESULT_CACHE_SIZE = 128
#: Lowest edit similarity (0-100) of an approximate match.
FUZZY_CUTOFF = 75.0
#: Approximate matches kept: those at most this many points (of 100) below the closest.
FUZZY_SPREAD = 10
#: Most approximate matches returned.
FUZZY_LIMIT = 20
#: Shortest word matched inside other words (shorter words match word starts only).
MIN_INFIX = 3

_WORD = re.compile(r"[a-z0-9]+")
# ASCII text to words: apostrophes (and "~", the OCD ids' apostrophe) joined, every
# other character that is not a letter or digit a blank.
_ASCII_TABLE = bytes(c if (chr(c).isalnum() and c < 128) or c == 0 else 32 for c in range(256))
_ASCII_DROP = b"'~"
_SPACES = re.compile(rb" +")

# School-district abbreviations of the source (lower-case names such as
# "fairfax co pblc schs", "chicago heights sd 170"), spelt out as an extra key.
_EXPAND = {
    "sd": "school district", "isd": "independent school district",
    "cisd": "consolidated independent school district", "usd": "unified school district",
    "esd": "elementary school district", "hsd": "high school district",
    "cusd": "community unit school district", "ccsd": "community consolidated school district",
    "ufsd": "union free school district", "csd": "central school district",
    "pblc": "public", "schs": "schools", "sch": "school", "co": "county", "cty": "city",
    "dist": "district", "corp": "corporation",
}

# Offices people name instead of their government, as folded word tuples, longest
# first; the value is the kind of government the office belongs to (None: any).
_COUNTY = "county"
_PLACE = "place"
_SCHOOL = "school_district"
_OFFICES: list[tuple[tuple[str, ...], str | None]] = sorted((
    (tuple(phrase.split()), hint) for phrase, hint in {
        "sheriff": _COUNTY, "sheriffs": _COUNTY, "sheriffs office": _COUNTY,
        "sheriff office": _COUNTY, "sheriffs department": _COUNTY,
        "sheriff department": _COUNTY, "sheriffs dept": _COUNTY, "sheriff dept": _COUNTY,
        "jail": _COUNTY, "county jail": _COUNTY, "detention center": _COUNTY,
        "detention facility": _COUNTY, "department of corrections": _COUNTY,
        "corrections": _COUNTY, "probation": _COUNTY, "probation department": _COUNTY,
        "district attorney": _COUNTY, "district attorneys office": _COUNTY,
        "county attorney": _COUNTY, "public defender": _COUNTY,
        "police": _PLACE, "police department": _PLACE, "police dept": _PLACE, "pd": _PLACE,
        "city attorney": _PLACE, "city hall": _PLACE, "city council": _PLACE,
        "marshal": _PLACE, "marshals office": _PLACE,
        "board of education": _SCHOOL, "school board": _SCHOOL, "schools": _SCHOOL,
        "public schools": _SCHOOL, "school police": _SCHOOL,
        "school district police": _SCHOOL,
    }.items()), key=lambda p: -len(p[0]))
_SPELLINGS = {"ft": "fort", "mt": "mount", "saint": "st", "ste": "sainte"}
_LEADING = {("city", "of"): _PLACE, ("town", "of"): _PLACE, ("village", "of"): _PLACE,
            ("borough", "of"): None, ("county", "of"): _COUNTY, ("parish", "of"): _COUNTY}
_HINT_KINDS = {_COUNTY: {"county", "parish", "borough", "census_area", "municipio"},
               _PLACE: {"place", "municipality"}, _SCHOOL: {"school_district"}}
# Two-letter state codes that are also English words: taken as a state only after a
# comma or when typed in capitals ("Portland, OR", "Portland OR", not "lake of the woods in").
_WORDLIKE_CODES = {"in", "me", "or", "ok", "hi", "de", "la", "pa", "co", "ma", "oh", "al",
                   "id", "mo", "wa", "ga", "as", "mp", "gu"}


def fold(text: str) -> str:
    """Lower-case and strip accents (``"Doña Ana"`` -> ``"dona ana"``)."""
    text = text.lower()
    if text.isascii():
        return text
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c))


def _words(text: str) -> list[str]:
    # Apostrophes join (OCD ids write them "~": prince_george~s), other marks split.
    return _WORD.findall(fold(text).replace("'", "").replace("\u2019", "").replace("~", ""))


def _norm_lines(texts: Iterable[str]) -> list[str]:
    """:func:`norm` of many texts at once (one string operation over all of them)."""
    blob = "\x00".join(t.replace("\x00", " ") if t.isascii() else fold(t).replace("\x00", " ")
                        for t in texts).lower()
    raw = blob.encode("ascii", "ignore").translate(_ASCII_TABLE, _ASCII_DROP)
    raw = _SPACES.sub(b" ", raw)
    return [line.strip() for line in raw.decode("ascii").split("\x00")]


def norm(text: str) -> str:
    """The form names and queries are compared in: folded words joined by one blank
    (``"Miami-Dade County"`` -> ``"miami dade county"``; ``"Prince George's"`` ->
    ``"prince georges"``)."""
    return " ".join(_words(text))


@dataclass(frozen=True)
class Query:
    """A query as read by :func:`parse_query`.

    Fields:
        variants: the normalised texts to look for, best reading first (the whole
            query, then without the office words or ``"city of"``), each with the kind
            of government it hints at (``"county"``, ``"place"``, ``"school_district"``
            or None).
        state: the two-letter state code the query names (lower case), or None.
        id_text: the folded query when it is part of an id (holds ``":"`` or ``"/"``),
            else None.
        fallback: the reading to use when this one finds nothing as text (a trailing
            two-letter word such as ``"or"`` read as a state code first), else None.
    """

    variants: tuple[tuple[str, str | None], ...]
    state: str | None = None
    id_text: str | None = None
    fallback: Query | None = None


def parse_query(text: str, states: dict[str, str], _guess: bool = True) -> Query:
    """Read a search query (see the module docstring).

    Args:
        text: what the user typed.
        states: folded state name or two-letter code -> two-letter code, e.g.
            ``{"texas": "tx", "tx": "tx", "district of columbia": "dc", ...}``.

    Returns:
        A :class:`Query`; ``variants`` is empty for blank text.
    """
    raw = " ".join(fold(text or "").split())
    if not raw:
        return Query(())
    if ":" in raw or "/" in raw:
        return Query(((norm(raw), None),), id_text=raw.replace(" ", "_"))
    words = _words(text)
    state = None
    # A trailing state: "Harris County, TX", "Harris County Texas", "Houston tx".
    for size in (3, 2, 1):
        if len(words) <= size:
            continue
        tail = " ".join(words[-size:])
        code = states.get(tail)
        if code is None:
            continue
        fallback = None
        if size == 1 and len(tail) == 2 and tail in _WORDLIKE_CODES:
            typed = text.rstrip()[-2:]
            after_comma = text.rstrip()[:-2].rstrip().endswith(",")
            if not (after_comma or (typed.isupper() and typed.isalpha())):
                if not _guess:
                    continue
                fallback = parse_query(text, states, _guess=False)
        state, words = code, words[:-size]
        break
    else:
        fallback = None
    variants: list[tuple[str, str | None]] = [(" ".join(words), None)]
    stripped, hint = list(words), None
    for phrase, kind in _OFFICES:
        n = len(phrase)
        if len(stripped) > n and tuple(stripped[-n:]) == phrase:
            stripped, hint = stripped[:-n], kind
            break
    lead = _LEADING.get(tuple(stripped[:2]))
    if len(stripped) > 2 and tuple(stripped[:2]) in _LEADING:
        stripped = stripped[2:]
        hint = hint or lead
        if lead == _COUNTY:
            stripped = [*stripped, "county"]
    if stripped != words:
        variants.append((" ".join(stripped), hint))
    # Spellings of place names: "Ft Worth" is "Fort Worth", "Saint Louis" is "St. Louis".
    for text_, kind in list(variants):
        spelt = " ".join(_SPELLINGS.get(w, w) for w in text_.split())
        if spelt != text_:
            variants.append((spelt, kind))
    return Query(tuple(v for v in dict.fromkeys(variants) if v[0]), state, fallback=fallback)


@dataclass
class _Entry:
    keys: list[str] = field(default_factory=list)


class NameIndex:
    """Search index over a registry's ids, names, proper names and aliases.

    Args:
        ids: canonical ids (the registry's rows), in a fixed order.
        names: id -> the source's name.
        other_names: id -> further names (proper names and aliases).
        kind_rank: id -> rank of its kind (0 states ... 5 subdivisions).
        states: folded state name or code -> two-letter code (see :func:`parse_query`).
        subdivision: id -> whether it is a subdivision (council district, ward, ...),
            left out when the caller asks for governments only.
    """

    def __init__(self, ids: Sequence[str], names: dict[str, str],
                 other_names: dict[str, list[str]], kind_rank: dict[str, int],
                 states: dict[str, str], subdivision: dict[str, bool]) -> None:
        self.ids = list(ids)
        self.states = states
        self.rank = array("b", (kind_rank[i] for i in self.ids))
        self.name_len = array("i", (len(names[i]) for i in self.ids))
        self.state = [i.split("/", 3)[2].split(":", 1)[-1] if i.count("/") >= 2 else ""
                      for i in self.ids]
        self.sub = bytearray(subdivision[i] for i in self.ids)
        self.kind = [i.rsplit("/", 1)[-1].split(":", 1)[0] for i in self.ids]
        self._id_folded: list[str] | None = None
        self.keys: list[tuple[str, ...]] = []
        postings: dict[str, list[int]] = defaultdict(list)
        # Normalise all names (and all last id values) in one pass over one string.
        name_keys = _norm_lines(names[i] for i in self.ids)
        value_keys = _norm_lines(i[i.rfind(":") + 1:] for i in self.ids)
        school = [k == "school_district" for k in self.kind]
        append_key = self.keys.append
        for e, (k1, k2) in enumerate(zip(name_keys, value_keys)):
            extra = other_names.get(self.ids[e])
            if not extra and not school[e]:  # the common case, kept short
                if k1 == k2 or not k2:
                    append_key((k1,))
                    words = k1.split()
                else:
                    append_key((k1, k2))
                    words = set(k1.split())
                    words.update(k2.split())
            else:
                keys = [k1, k2, *(norm(x) for x in extra or ())]
                if school[e]:
                    keys.extend([" ".join(_EXPAND.get(w, w) for w in k.split()) for k in keys])
                keys = [k for k in dict.fromkeys(keys) if k]
                append_key(tuple(keys))
                words = set(" ".join(keys).split())
            for w in words:
                postings[w].append(e)
        postings = dict(postings)
        self.postings = postings
        self.vocab = sorted(postings)
        self._fuzzy_data: tuple[list[str], list[int], list[list[int]]] | None = None
        self._base: tuple[array, array, int] | None = None
        self._ranked = lru_cache(maxsize=RESULT_CACHE_SIZE)(self._rank_uncached)
        self._words_like = lru_cache(maxsize=1024)(self._words_like_uncached)

    # ------------------------------------------------------------------ public
    def find(self, text: str, prefer: Collection[str] = frozenset(),
             governments: bool = False) -> tuple[array, bool]:
        """Every match for ``text``, best first.

        Args:
            text: what the user typed (at most a few hundred characters; longer text is
                cut at 200).
            prefer: ids ranked first within each match group (governments with
                encoded law).
            governments: leave out subdivisions (council districts, wards, ...).

        Returns:
            ``(entries, approximate)``: entry numbers (positions in :attr:`ids`), best
            first, and whether they are approximate matches (nothing matched as text).
        """
        query = parse_query((text or "")[:200], self.states)
        if not query.variants:
            return array("i"), False
        prefer_key = frozenset(prefer) if not isinstance(prefer, frozenset) else prefer
        return self._ranked(query, prefer_key, governments)

    def cache_info(self):
        """Hits, misses and size of the ranked-results cache (functools format)."""
        return self._ranked.cache_info()

    # ------------------------------------------------------------------ internals
    def _words_like_uncached(self, word: str, infix: bool) -> frozenset[str]:
        """Vocabulary words starting with ``word`` (and containing it, when ``infix``)."""
        lo = bisect.bisect_left(self.vocab, word)
        hi = bisect.bisect_left(self.vocab, word + "\uffff")
        found = set(self.vocab[lo:hi])
        if infix:
            found.update(w for w in self.vocab if word in w)
        return frozenset(found)

    def _candidates(self, words: list[str]) -> set[int]:
        sets: list[set[int]] = []
        for pos, w in enumerate(words):
            last = pos == len(words) - 1
            if not last and w in self.postings:
                entries = set(self.postings[w])
            else:
                entries = set()
                for v in self._words_like(w, len(w) >= MIN_INFIX):
                    entries.update(self.postings[v])
            if not entries:
                return set()
            sets.append(entries)
        sets.sort(key=len)
        out = sets[0]
        for s in sets[1:]:
            out &= s
            if not out:
                break
        return out

    @staticmethod
    def _tier(keys: tuple[str, ...], q: str) -> int:
        """0 a key is ``q``; 1 a key starts with it; 2 it starts a word of a key;
        3 it is inside a key; 4 its words are all there, not side by side."""
        best = 4
        spaced = " " + q
        for k in keys:
            if k == q:
                return 0
            if k.startswith(q):
                best = 1
            elif best > 2 and spaced in k:
                best = 2
            elif best > 3 and q in k:
                best = 3
        return best

    def _order(self) -> tuple[array, array, int]:
        """Entries in the order that breaks ties (kind, shorter name, id): (position of
        each entry, entry at each position, bits a position takes)."""
        if self._base is None:
            order = sorted(range(len(self.ids)),
                           key=lambda e: (self.rank[e], self.name_len[e], self.ids[e]))
            base = array("i", bytes(4 * len(order)))
            for pos, e in enumerate(order):
                base[e] = pos
            self._base = (base, array("i", order), max(1, len(order).bit_length()))
        return self._base

    def _rank_uncached(self, query: Query, prefer: frozenset[str],
                       governments: bool) -> tuple[array, bool]:
        # entry -> group << 12 | hint miss << 10 | tier; group 0: a text match at a
        # word start (tiers 0-2), 1: other text matches, 2: approximate (tier: 100 -
        # similarity). Smaller is better.
        best: dict[int, int] = {}
        if query.id_text is not None:
            qid = query.id_text
            if self._id_folded is None:
                self._id_folded = [fold(i) for i in self.ids]
            for e, id_l in enumerate(self._id_folded):
                if qid in id_l:
                    value = id_l.rsplit("/", 1)[-1].split(":", 1)[-1]
                    tier = 0 if (id_l == qid or value == qid) else 1 if value.startswith(qid) else 3
                    best[e] = (0 if tier < 3 else 1) << 12 | tier
        tier_of, keys_all, kind = self._tier, self.keys, self.kind
        for n, (q, hint) in enumerate(query.variants):
            if query.id_text is not None:
                break
            kinds = _HINT_KINDS.get(hint or "", ())
            if n and hint in (None, _SCHOOL) and any(v < 1 << 12 for v in best.values()):
                # The whole query matched at a word start: no need to strip words. (An
                # office of a county or city is always looked up without the office
                # words too: "Maricopa County Sheriff's Office" is also the name of
                # a school district, but the office belongs to the county.)
                continue
            get = best.get
            for e in self._candidates(q.split()):
                tier = tier_of(keys_all[e], q)
                v = (0 if tier <= 2 else 1) << 12 | tier
                if kinds and kind[e] not in kinds:
                    v |= 1 << 10
                old = get(e)
                if old is None or v < old:
                    best[e] = v
        if query.state is not None:
            best = {e: v for e, v in best.items() if self.state[e] == query.state}
        if not best and query.fallback is not None:
            return self._rank_uncached(query.fallback, prefer, governments)
        approximate = False
        if not best and query.id_text is None:
            approximate = True
            for q, hint in query.variants:
                kinds = _HINT_KINDS.get(hint or "", ())
                for e, score in self._fuzzy(q, query.state):
                    v = 2 << 12 | (100 - int(score))
                    if kinds and kind[e] not in kinds:
                        v |= 1 << 10
                    if v < best.get(e, 1 << 20):
                        best[e] = v
            if best:
                # Only names about as close as the closest: "Fresnoo" gets the Fresnos,
                # not every name a few letters away.
                floor = min(v & 1023 for v in best.values()) + FUZZY_SPREAD
                best = {e: v for e, v in best.items() if v & 1023 <= floor}
        base, order, bits = self._order()
        ids, sub = self.ids, self.sub
        keys = []
        for e, v in best.items():
            if governments and sub[e]:
                continue
            # group, then the office's kind, then preferred ids, then tier
            v = ((v >> 10) << 1 | (ids[e] not in prefer)) << 10 | (v & 1023)
            keys.append(v << bits | base[e])
        keys.sort()
        if approximate:
            del keys[FUZZY_LIMIT:]
        mask = (1 << bits) - 1
        return array("i", (order[k & mask] for k in keys)), approximate

    def _fuzzy(self, q: str, state: str | None) -> Iterable[tuple[int, float]]:
        """Entries whose names are close to ``q`` (edit similarity >= FUZZY_CUTOFF),
        comparing only keys whose length makes that similarity possible."""
        if self._fuzzy_data is None:
            # Distinct keys of entries that are not subdivisions, sorted by length,
            # each with the entries it names.
            by_key: dict[str, list[int]] = {}
            for e, keys in enumerate(self.keys):
                if not self.sub[e]:
                    for k in keys:
                        by_key.setdefault(k, []).append(e)
            ordered = sorted(by_key, key=len)
            self._fuzzy_data = (ordered, [len(k) for k in ordered], [by_key[k] for k in ordered])
        fuzzy_keys, fuzzy_lens, fuzzy_entries = self._fuzzy_data
        n = len(q)
        c = FUZZY_CUTOFF / 100
        lo = bisect.bisect_left(fuzzy_lens, int(n * c / (2 - c)))
        hi = bisect.bisect_right(fuzzy_lens, int(n * (2 - c) / c) + 1)
        found = process.extract(q, fuzzy_keys[lo:hi], scorer=fuzz.ratio, processor=None,
                                score_cutoff=FUZZY_CUTOFF, limit=FUZZY_LIMIT * 5)
        seen: set[int] = set()
        for _key, score, pos in found:
            for e in fuzzy_entries[lo + pos]:
                if e not in seen and (state is None or self.state[e] == state):
                    seen.add(e)
                    yield e, score
