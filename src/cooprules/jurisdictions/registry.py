"""Registry of US Open Civic Data division ids (OCD-IDs).

The registry answers: is this OCD-ID known, what is its canonical form, what is it
called, what kind of division is it, which state is it in, and which local government
(county, place, school district, special district) is it.

Data: ``data/divisions.tsv.gz`` and ``data/aliases.tsv.gz``, built by
``scripts/build_jurisdictions.py`` from the opencivicdata/ocd-division-ids CSVs
(CC0), and ``data/names.tsv.gz`` (proper names of school districts from NCES, names
people type, each with its source); see ``data/README.md``. Search and "did you mean"
use the index of :mod:`cooprules.jurisdictions.search` (rapidfuzz for near matches).

Structure versus law: ``Jurisdiction.parent`` and :meth:`Registry.children` follow
the *id*, so ``.../county:los_angeles/school_district:los_angeles_unified`` has the
county as its parent. That is containment in the naming scheme, not a layer of law:
the county board does not legislate for the school district (DESIGN.md, Semantics 1).
For the layers use :meth:`Registry.state_of` and :meth:`Registry.local_government_of`.
"""

from __future__ import annotations

import difflib
import gzip
import re
import threading
from collections.abc import Collection, Iterable, Iterator, Mapping
from datetime import date
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, ConfigDict
from rapidfuzz import fuzz, process

from .search import NameIndex, fold, norm

__all__ = [
    "COUNTRY_ID",
    "COUNTY_KINDS",
    "STATE_LEVEL_KINDS",
    "SUBDIVISION_KINDS",
    "Jurisdiction",
    "OtherName",
    "Registry",
    "SearchPage",
    "UnknownJurisdiction",
    "load_registry",
]

#: "Did you mean" answers kept per registry (bounded LRU).
SUGGEST_CACHE_SIZE = 4096
#: Longest text "did you mean" looks at (longer input is cut).
SUGGEST_MAX_CHARS = 300

COUNTRY_ID = "ocd-division/country:us"
_PREFIX = "ocd-division/"
_US_PREFIX = COUNTRY_ID + "/"
DEFAULT_FIELD = "responder.jurisdiction"

#: Kinds of the second segment: 50 states, DC (``district:dc``) and territories.
STATE_LEVEL_KINDS = frozenset({"state", "district", "territory"})
#: County and county-equivalent kinds (LA parishes, AK boroughs and census areas,
#: PR municipios). Independent cities (VA, Baltimore, St. Louis, Carson City) are
#: ``place`` ids with no county.
COUNTY_KINDS = frozenset({"county", "parish", "borough", "census_area", "municipio"})
#: Electoral or administrative subdivisions of a government, not governments
#: themselves: :meth:`Registry.local_government_of` walks up from these. (``region``
#: and ``district`` count as subdivisions only below another division, e.g. a
#: water agency's region; ``state:or/region:oregon_metro`` is a government.)
SUBDIVISION_KINDS = frozenset({
    "council_district", "ward", "anc", "school_board_district", "executive_district",
    "constable_district", "la_metro_sector", "park_district", "precinct",
    "board_of_education", "board_of_elections", "board_of_equalization",
    "board_of_regents", "public_service_commission", "governors_council",
    "sldl", "sldu", "cd",
})
_SOMETIMES_SUBDIVISION = frozenset({"region", "district"})

# Sort order among matches of equal quality: states, then counties, places,
# school districts, other bodies, subdivisions.
_KIND_RANK = {"country": 0, **{k: 0 for k in STATE_LEVEL_KINDS},
              **{k: 1 for k in COUNTY_KINDS}, "place": 2, "municipality": 2,
              "school_district": 3}


def _kind_rank(ocd_id: str) -> int:
    kind = _kind(ocd_id)
    if ocd_id.count("/") == 2:  # state-level (kind "district" for DC)
        return 0
    if kind in SUBDIVISION_KINDS or kind in _SOMETIMES_SUBDIVISION:
        return 5
    return _KIND_RANK.get(kind, 4)


def _kind(ocd_id: str) -> str:
    return ocd_id.rsplit("/", 1)[-1].split(":", 1)[0]


def _value(ocd_id: str) -> str:
    return ocd_id.rsplit("/", 1)[-1].split(":", 1)[-1]


_fold = fold

_KEEP_UPPER = {"sd", "isd", "cisd", "usd", "cusd", "esd", "hsd", "ufsd", "csd", "ccsd", "chsd",
               "rsd", "msad", "rsu", "sau", "boces", "rop", "roe", "esc", "iu", "jt", "ii", "iii",
               "iv", "vi", "vii", "viii", "ix", "xi", "xii", "pcs", "uhsd", "jusd", "jesd",
               "jtsd", "ssd", "vsd", "mesd", "kipp", "dc", "sbe", "stem", "nyc", "ucla",
               "usc", "csu", "uc", "lacoe", "sdcoe"}
_SMALL = {"of", "and", "the", "for", "in", "at", "de", "la", "del", "on"}


def _nice_case(name: str) -> str:
    """A source name in lower case, capitalised for display: ``"city of chicago sd 299"``
    -> ``"City of Chicago SD 299"``. Names with capitals are returned as they are."""
    if any(c.isupper() for c in name):
        return name
    out = []
    for n, w in enumerate(name.split(" ")):
        core = re.sub(r"[^a-z0-9]", "", w)
        if core in _KEEP_UPPER or re.fullmatch(r"[a-z]?-?\d+[a-z]{0,2}", core or "x"):
            out.append(w.upper())
        elif n and w in _SMALL:
            out.append(w)
        else:
            out.append("-".join(p[:1].upper() + p[1:] for p in w.split("-")))
    return " ".join(out)


class Jurisdiction(BaseModel):
    """One OCD division.

    Fields:
        ocd_id: canonical OCD-ID, e.g. ``"ocd-division/country:us/state:ca/county:san_diego"``.
        name: name as given by the source (school-district names are lower case there),
            e.g. ``"San Diego County"``.
        kind: type of the id's last segment: ``"country"``, ``"state"``, ``"district"``
            (DC), ``"territory"``, ``"county"``, ``"parish"``, ``"borough"``,
            ``"census_area"``, ``"municipio"``, ``"place"``, ``"school_district"``,
            ``"council_district"``, ``"ward"``, ...
        state: the two-letter code of the state, DC or territory, lower case as in the
            id (``"ca"``, ``"dc"``, ``"pr"``); ``None`` for the country.
        fips: Census code when the source gives one, else ``None``: 2 digits for a
            state (derived from its counties), 5 for a county, 7 for a census place,
            10 for a county subdivision, 7 (NCES LEA id) for a school district.
        parent: the nearest known division whose id is a prefix of this one (``None``
            for the country). Containment in the id, not a layer of law.
        valid_through: last day of validity when the source gives one, else ``None``.
        display_name: the name to show people: for a school district its proper name
            from the federal directory (NCES Common Core of Data, ``data/names.tsv.gz``)
            where known, e.g. ``"Chicago Public School District 299"``, else the source
            name capitalised (``"City of Chicago SD 299"``); for others ``name``.
    """

    model_config = ConfigDict(frozen=True)

    ocd_id: str
    name: str
    kind: str
    state: str | None
    fips: str | None = None
    parent: str | None = None
    valid_through: date | None = None
    display_name: str = ""

    @property
    def level(self) -> str:
        """``"country"``, ``"state"`` (states, DC, territories), ``"county"``
        (counties and equivalents) or ``"local"`` (everything else)."""
        depth = self.ocd_id.count("/")
        if depth <= 1:
            return "country"
        if depth == 2:
            return "state"
        return "county" if self.kind in COUNTY_KINDS else "local"


class OtherName(BaseModel):
    """Another name of a division, from ``data/names.tsv.gz``.

    Fields:
        name: the name, e.g. ``"LAUSD"`` or ``"Los Angeles Unified School District"``.
        kind: ``"proper"`` (the name to show; for school districts from NCES) or
            ``"alias"`` (another name people type: abbreviation, common name, office).
        source: ``"nces-ccd-2024-25"`` or ``"curated-2026-12"`` (see the data README).
        note: what the name is, e.g. ``"abbreviation used by the district"``.
    """

    model_config = ConfigDict(frozen=True)

    name: str
    kind: str
    source: str
    note: str = ""


class SearchPage(BaseModel):
    """One page of search results.

    Fields:
        total: number of matches in all (every page).
        offset: matches skipped before this page.
        limit: most matches on a page.
        hits: the matches on this page, best first.
        approximate: True when nothing matched as text and ``hits`` are the closest
            names (a misspelling such as ``"Fresnoo"``).
    """

    model_config = ConfigDict(frozen=True)

    total: int
    offset: int
    limit: int
    hits: list[Jurisdiction]
    approximate: bool = False


class UnknownJurisdiction(ValueError):
    """An OCD-ID that the registry does not know.

    Attributes:
        ocd_id: the value given (unchanged).
        suggestions: up to five close known ids, best first (may be empty).
        field: the request field it came from (default ``"responder.jurisdiction"``).
    """

    def __init__(self, ocd_id: object, suggestions: Iterable[str] = (),
                 field: str = DEFAULT_FIELD) -> None:
        self.ocd_id = ocd_id
        self.suggestions = list(suggestions)
        self.field = field
        msg = f"{field}: unknown OCD division id {ocd_id!r}"
        if self.suggestions:
            msg += "; did you mean " + " or ".join(repr(s) for s in self.suggestions[:3]) + "?"
        else:
            msg += ("; expected an id such as "
                    "'ocd-division/country:us/state:ca/county:san_diego' "
                    "(Registry.search finds ids by name)")
        super().__init__(msg)


class Registry:
    """All known OCD-IDs with names, kinds, codes and aliases.

    Build one with :func:`load_registry` (cached). Ids are matched after stripping
    blanks and a trailing ``/`` and lower-casing; alias ids (``aliases.csv``, e.g.
    ``.../state:ca/place:san_francisco`` -> ``.../state:ca/county:san_francisco``)
    are accepted everywhere an id is.
    """

    def __init__(self, divisions: Mapping[str, tuple[str, str, str]],
                 aliases: Mapping[str, str],
                 names: Iterable[tuple[str, str, str, str, str]] = ()) -> None:
        """Args:
            divisions: canonical id -> ``(name, fips, valid_through)``; empty strings
                for absent values.
            aliases: alias id -> canonical id (every target must be in ``divisions``).
            names: other names, rows ``(ocd_id, name, kind, source, note)`` with kind
                ``"proper"`` or ``"alias"``; rows whose id is not in ``divisions`` are
                ignored.
        """
        self._rows = dict(divisions)
        self._aliases = dict(aliases)
        self._names: dict[str, list[OtherName]] = {}
        for ocd_id, name, kind, source, note in names:
            if ocd_id in self._rows:
                self._names.setdefault(ocd_id, []).append(
                    OtherName(name=name, kind=kind, source=source, note=note))
        self._models: dict[str, Jurisdiction] = {}
        self._children: dict[str, list[str]] | None = None
        self._index: NameIndex | None = None
        self._buckets: dict[str, tuple[list[str], list[str], list[str]]] | None = None
        self._suggest_cached = lru_cache(maxsize=SUGGEST_CACHE_SIZE)(self._suggest_uncached)
        self._build_lock = threading.Lock()  # one build of each index, even from many threads

    @classmethod
    def from_files(cls, divisions_path: str | Path | None = None,
                   aliases_path: str | Path | None = None,
                   names_path: str | Path | None | bool = None) -> Registry:
        """Read the gzip TSV files (defaults: the package's ``data/`` files;
        ``names_path=False`` reads no other names)."""
        data = resources.files(__package__) / "data"
        div_bytes = (Path(divisions_path).read_bytes() if divisions_path
                     else (data / "divisions.tsv.gz").read_bytes())
        ali_bytes = (Path(aliases_path).read_bytes() if aliases_path
                     else (data / "aliases.tsv.gz").read_bytes())
        names: list[tuple[str, str, str, str, str]] = []
        if names_path is not False:
            names_file = Path(names_path) if names_path else data / "names.tsv.gz"
            for line in gzip.decompress(names_file.read_bytes()).decode("utf-8").split("\n"):
                if line:
                    ocd_id, name, kind, source, note = line.split("\t")
                    names.append((ocd_id, name, kind, source, note))
        rows: dict[str, tuple[str, str, str]] = {}
        for line in gzip.decompress(div_bytes).decode("utf-8").split("\n"):
            if line:
                ocd_id, name, fips, valid_through = line.split("\t")
                rows[ocd_id] = (name, fips, valid_through)
        aliases: dict[str, str] = {}
        for line in gzip.decompress(ali_bytes).decode("utf-8").split("\n"):
            if line:
                alias, target, _note = line.split("\t")
                aliases[alias] = target
        return cls(rows, aliases, names)

    # ------------------------------------------------------------------ lookup
    def __len__(self) -> int:
        """Number of canonical divisions (aliases not counted)."""
        return len(self._rows)

    def __iter__(self) -> Iterator[str]:
        """Canonical ids, in no particular order."""
        return iter(self._rows)

    def __contains__(self, ocd_id: object) -> bool:
        """True for a known canonical or alias id; never raises."""
        if not isinstance(ocd_id, str):
            return False
        key = _normalise(ocd_id)
        return key in self._rows or key in self._aliases

    def ids(self, kinds: str | Iterable[str] | None = None) -> Iterator[str]:
        """Canonical ids, optionally only those whose ``kind`` is in ``kinds``."""
        if kinds is None:
            return iter(self._rows)
        wanted = {kinds} if isinstance(kinds, str) else set(kinds)
        return (i for i in self._rows if _kind(i) in wanted)

    def canonical(self, ocd_id: str, *, field: str = DEFAULT_FIELD) -> str:
        """Return the canonical id for a canonical or alias id.

        Raises:
            UnknownJurisdiction: the id is neither (``.suggestions`` holds close ids;
                ``field`` names the request field in the message).
        """
        if isinstance(ocd_id, str):
            key = _normalise(ocd_id)
            if key in self._rows:
                return key
            target = self._aliases.get(key)
            if target is not None:
                return target
        raise UnknownJurisdiction(ocd_id, self.suggest(ocd_id), field)

    def get(self, ocd_id: str, *, field: str = DEFAULT_FIELD) -> Jurisdiction:
        """Return the :class:`Jurisdiction` for a canonical or alias id.

        Raises:
            UnknownJurisdiction: unknown id (with ``.suggestions``).
        """
        key = self.canonical(ocd_id, field=field)
        model = self._models.get(key)
        if model is None:
            name, fips, valid_through = self._rows[key]
            parts = key.split("/")
            model = Jurisdiction(
                ocd_id=key,
                name=name,
                kind=_kind(key),
                state=_value("/".join(parts[:3])) if len(parts) >= 3 else None,
                fips=fips or None,
                parent=self._parent(key),
                valid_through=date.fromisoformat(valid_through) if valid_through else None,
                display_name=self._display_name(key, name),
            )
            self._models[key] = model
        return model

    def _display_name(self, key: str, name: str) -> str:
        for other in self._names.get(key, ()):
            if other.kind == "proper":
                return other.name
        return _nice_case(name) if _kind(key) == "school_district" else name

    def other_names(self, ocd_id: str, *, field: str = DEFAULT_FIELD) -> list[OtherName]:
        """The proper name and aliases of a division, each with its source (may be
        empty), e.g. for LAUSD ``"Los Angeles Unified School District"`` (proper),
        ``"LAUSD"`` (alias).

        Raises:
            UnknownJurisdiction: unknown id.
        """
        return list(self._names.get(self.canonical(ocd_id, field=field), ()))

    def _parent(self, key: str) -> str | None:
        while "/" in key[len(_PREFIX):]:
            key = key.rsplit("/", 1)[0]
            if key in self._rows:
                return key
        return None

    # ------------------------------------------------------------------ layers
    def state_of(self, ocd_id: str, *, field: str = DEFAULT_FIELD) -> str | None:
        """Return the state-level id (state, DC or territory) the division lies in,
        e.g. ``"ocd-division/country:us/state:ca"``; the id itself for a state-level
        id; ``None`` for the country.

        Raises:
            UnknownJurisdiction: unknown id.
        """
        parts = self.canonical(ocd_id, field=field).split("/")
        return "/".join(parts[:3]) if len(parts) >= 3 else None

    def local_government_of(self, ocd_id: str, *,
                            field: str = DEFAULT_FIELD) -> str | None:
        """Return the id of the responder's own local government.

        That is the id itself for a county (or equivalent), place, school district,
        special district or other body below state level, even when its id nests a
        county (``.../county:los_angeles/school_district:los_angeles_unified`` is its
        own government). For a subdivision (council district, ward, school-board
        district, a water agency's region, ...) it is the government the subdivision
        belongs to. ``None`` for the country, a state, DC or a territory, and for
        subdivisions of those (state board districts, DC ANCs).

        Raises:
            UnknownJurisdiction: unknown id.
        """
        key = self.canonical(ocd_id, field=field)
        while key is not None and key.count("/") >= 3:
            kind = _kind(key)
            parent = self._parent(key)
            below_state = parent is not None and parent.count("/") >= 3
            if kind in SUBDIVISION_KINDS or (kind in _SOMETIMES_SUBDIVISION and below_state):
                key = parent
                continue
            return key
        return None

    def children(self, ocd_id: str, *, field: str = DEFAULT_FIELD) -> list[Jurisdiction]:
        """Return the divisions whose ``parent`` is this id, sorted by id.

        Structural (by id): a state's children are its counties, places and
        state-level bodies; a county's include the school districts and places whose
        ids nest it.

        Raises:
            UnknownJurisdiction: unknown id.
        """
        key = self.canonical(ocd_id, field=field)
        if self._children is None:
            index: dict[str, list[str]] = {}
            for i in self._rows:
                parent = self._parent(i)
                if parent is not None:
                    index.setdefault(parent, []).append(i)
            for v in index.values():
                v.sort()
            self._children = index
        return [self.get(i) for i in self._children.get(key, ())]

    # ------------------------------------------------------------------ search
    def search(self, text: str, limit: int | None = 20, offset: int = 0, *,
               prefer: Collection[str] = frozenset(),
               governments: bool = False) -> list[Jurisdiction]:
        """Find divisions by name, alias or id, case- and accent-insensitively.

        The hits of :meth:`find` (which also gives the total); see there.

        Returns:
            A list of :class:`Jurisdiction`, best first; empty for blank text.
        """
        return self.find(text, limit, offset, prefer=prefer, governments=governments).hits

    def find(self, text: str, limit: int | None = 20, offset: int = 0, *,
             prefer: Collection[str] = frozenset(),
             governments: bool = False) -> SearchPage:
        """One page of the divisions matching ``text``, with the total.

        Reads names people type: aliases and abbreviations (``"LAUSD"``, ``"NYC"``,
        ``"CPS"``), proper names of school districts, a trailing state
        (``"Harris County, TX"``), punctuation-free spellings (``"Miami Dade"``) and
        office names (``"San Diego County Sheriff"`` finds the county). Order: text
        matches at a word start (exact name, alias or id value; then prefix; then word
        start), then other text matches, with ``prefer`` ids first in each group; ties
        by the kind the office hints at, then kind (states, counties, places, school
        districts, other bodies, subdivisions), shorter name, id. When nothing matches
        as text, the closest names (edit similarity, rapidfuzz) with
        ``approximate=True``: ``"Fresnoo"`` finds Fresno. See
        :mod:`cooprules.jurisdictions.search`.

        Args:
            text: free text (``"san diego"``) or part of an id (``"county:san_diego"``);
                only its first 200 characters are read.
            limit: most hits on the page (``None`` for all).
            offset: hits to skip (0 for the first page).
            prefer: ids ranked first within each match group, e.g. the governments
                whose own law is encoded.
            governments: leave out subdivisions (council districts, wards, ...).

        Returns:
            A :class:`SearchPage`; ``total`` 0 and no hits for blank text.

        Raises:
            ValueError: ``limit`` below 0 or ``offset`` below 0.
        """
        if (limit is not None and limit < 0) or offset < 0:
            raise ValueError(f"limit and offset must be 0 or more (got limit={limit!r}, offset={offset!r})")
        entries, approximate = self._name_index().find(text or "", prefer, governments)
        stop = None if limit is None else offset + limit
        ids = self._name_index().ids
        hits = [self.get(ids[e]) for e in entries[offset:stop]]
        return SearchPage(total=len(entries), offset=offset,
                          limit=len(entries) if limit is None else limit,
                          hits=hits, approximate=approximate)

    def warm(self) -> None:
        """Build the search and "did you mean" indexes now (about 0.5 s of CPU) rather
        than on the first search; a server calls this once at start-up."""
        self._name_index()
        self._state_buckets()
        self._name_index().find("warm up")

    def _name_index(self) -> NameIndex:
        if self._index is not None:
            return self._index
        with self._build_lock:
            return self._build_name_index()

    def _build_name_index(self) -> NameIndex:
        if self._index is None:
            states: dict[str, str] = {}
            for i, row in self._rows.items():
                if i.count("/") == 2:
                    code = _value(i)
                    states[code] = code
                    states[norm(row[0])] = code
            for alias, target in self._aliases.items():
                if alias.count("/") == 2 and target.count("/") == 2:
                    states.setdefault(_value(alias), _value(target))
            ranks = {i: _kind_rank(i) for i in self._rows}
            self._index = NameIndex(
                list(self._rows), {i: r[0] for i, r in self._rows.items()},
                {i: [o.name for o in v] for i, v in self._names.items()},
                ranks, states, {i: r == 5 for i, r in ranks.items()})
        return self._index

    # ------------------------------------------------------------------ did you mean
    def suggest(self, text: object, n: int = 5) -> list[str]:
        """Return up to ``n`` known canonical ids close to ``text``, best first.

        Id-shaped text is compared (rapidfuzz edit similarity) with the ids of its own
        state only, both whole (``county:san_deigo`` -> ``county:san_diego``) and by
        the last value (``school_district:los_angeles_unified`` -> the id with its
        county segment); a misspelt state segment is corrected first. Other text is
        looked up by name (:meth:`find`: aliases, then near names). Answers are cached
        (bounded LRU, :data:`SUGGEST_CACHE_SIZE`); text past
        :data:`SUGGEST_MAX_CHARS` characters is not read.
        """
        if not isinstance(text, str) or not text.strip():
            return []
        return list(self._suggest_cached(text[:SUGGEST_MAX_CHARS], n))

    def _suggest_uncached(self, text: str, n: int) -> tuple[str, ...]:
        key = _normalise(text)
        if not key.startswith(_PREFIX):
            fixed = None
            if key.startswith("country:"):
                fixed = _PREFIX + key
            elif key.split(":", 1)[0] in STATE_LEVEL_KINDS and ":" in key:
                fixed = _US_PREFIX + key
            if fixed is None:
                return tuple(j.ocd_id for j in self.find(text, limit=n, governments=True).hits)
            key = fixed
        if key in self._rows or key in self._aliases:
            return (self.canonical(key),)
        parts = key.split("/")
        if len(parts) < 3:
            return (COUNTRY_ID,)
        buckets = self._state_buckets()
        state_seg = parts[2]
        if state_seg not in buckets:
            states = self._close_states(state_seg)
            if not states:
                return ()
            if len(parts) == 3:
                return tuple(_US_PREFIX + s for s in states[:n])
            state_seg = states[0]
            fixed_id = "/".join([*parts[:2], state_seg, *parts[3:]])
            if fixed_id in self._rows or fixed_id in self._aliases:
                return (self.canonical(fixed_id),)
        if len(parts) == 3:
            return (_US_PREFIX + state_seg,)
        tail = _fold("/".join(parts[3:]))
        value = _fold(parts[-1].split(":", 1)[-1])
        kind = parts[-1].split(":", 1)[0]
        tails, values, ids = buckets[state_seg]
        cutoff = 60.0
        scores: dict[int, float] = {}
        for _, score, pos in process.extract(tail, tails, scorer=fuzz.ratio, processor=None,
                                             score_cutoff=cutoff, limit=n * 8):
            scores[pos] = score / 100
        for _, score, pos in process.extract(value, values, scorer=fuzz.ratio, processor=None,
                                             score_cutoff=cutoff, limit=n * 8):
            r = score / 100 * (0.97 if _kind(ids[pos]) == kind else 0.93)
            scores[pos] = max(scores.get(pos, 0.0), r)
        scored = []
        for pos, best in scores.items():
            if _kind(ids[pos]) != kind:
                best *= 0.9  # an id of the kind asked for beats a near name of another kind
            if best >= cutoff / 100:
                scored.append((-best, _kind_rank(ids[pos]), ids[pos]))
        scored.sort()
        return tuple(s[2] for s in scored[:n])

    def _state_buckets(self) -> dict[str, tuple[list[str], list[str], list[str]]]:
        """state segment (``"state:ca"``) -> (folded tails, folded last values, ids)."""
        if self._buckets is not None:
            return self._buckets
        with self._build_lock:
            return self._build_state_buckets()

    def _build_state_buckets(self) -> dict[str, tuple[list[str], list[str], list[str]]]:
        if self._buckets is None:
            buckets: dict[str, tuple[list[str], list[str], list[str]]] = {}
            for i in self._rows:
                parts = i.split("/")
                if len(parts) < 3:
                    continue
                bucket = buckets.setdefault(parts[2], ([], [], []))
                if len(parts) > 3:
                    bucket[0].append(_fold("/".join(parts[3:])))
                    bucket[1].append(_fold(parts[-1].split(":", 1)[-1]))
                    bucket[2].append(i)
            self._buckets = buckets
        return self._buckets

    def _close_states(self, state_seg: str) -> list[str]:
        """Close state segments for a misspelt one: by code (``state:cx``) or by
        name (``state:california`` -> ``state:ca``)."""
        segs = list(self._state_buckets())
        out = difflib.get_close_matches(state_seg, segs, n=3, cutoff=0.75)
        value = _fold(state_seg.split(":", 1)[-1]).replace("_", " ")
        names = {_fold(self._rows[_US_PREFIX + s][0]): s for s in segs}
        for name in difflib.get_close_matches(value, list(names), n=3, cutoff=0.7):
            seg = names[name]
            if seg in out:
                continue
            if name == value:  # the full state name: best guess
                out.insert(0, seg)
            else:
                out.append(seg)
        return out


def _normalise(ocd_id: str) -> str:
    return ocd_id.strip().rstrip("/").lower()


@cache
def load_registry() -> Registry:
    """Load the registry shipped with the package (cached: one instance per process).

    Reads ``data/divisions.tsv.gz`` and ``data/aliases.tsv.gz``; Jurisdiction objects
    and the search and suggestion indexes are built lazily on first use.
    """
    return Registry.from_files()
