"""Registry of US Open Civic Data division ids (OCD-IDs).

The registry answers: is this OCD-ID known, what is its canonical form, what is it
called, what kind of division is it, which state is it in, and which local government
(county, place, school district, special district) is it.

Data: ``data/divisions.tsv.gz`` and ``data/aliases.tsv.gz``, built by
``scripts/build_jurisdictions.py`` from the opencivicdata/ocd-division-ids CSVs
(CC0); see ``data/README.md``.

Structure versus law: ``Jurisdiction.parent`` and :meth:`Registry.children` follow
the *id*, so ``.../county:los_angeles/school_district:los_angeles_unified`` has the
county as its parent. That is containment in the naming scheme, not a layer of law:
the county board does not legislate for the school district (DESIGN.md, Semantics 1).
For the layers use :meth:`Registry.state_of` and :meth:`Registry.local_government_of`.
"""

from __future__ import annotations

import difflib
import gzip
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, ConfigDict

__all__ = [
    "COUNTRY_ID",
    "COUNTY_KINDS",
    "STATE_LEVEL_KINDS",
    "SUBDIVISION_KINDS",
    "Jurisdiction",
    "Registry",
    "UnknownJurisdiction",
    "load_registry",
]

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


def _fold(text: str) -> str:
    """Lower-case and strip accents (``doña_ana`` -> ``dona_ana``) for fuzzy matching."""
    text = text.lower()
    if text.isascii():
        return text
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c))


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
    """

    model_config = ConfigDict(frozen=True)

    ocd_id: str
    name: str
    kind: str
    state: str | None
    fips: str | None = None
    parent: str | None = None
    valid_through: date | None = None

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
                 aliases: Mapping[str, str]) -> None:
        """Args:
            divisions: canonical id -> ``(name, fips, valid_through)``; empty strings
                for absent values.
            aliases: alias id -> canonical id (every target must be in ``divisions``).
        """
        self._rows = dict(divisions)
        self._aliases = dict(aliases)
        self._models: dict[str, Jurisdiction] = {}
        self._children: dict[str, list[str]] | None = None
        self._search_rows: list[tuple[str, str, str]] | None = None
        self._buckets: dict[str, list[tuple[str, str, str]]] | None = None
        self._name_index: dict[str, list[str]] | None = None

    @classmethod
    def from_files(cls, divisions_path: str | Path | None = None,
                   aliases_path: str | Path | None = None) -> Registry:
        """Read the gzip TSV files (defaults: the package's ``data/`` files)."""
        data = resources.files(__package__) / "data"
        div_bytes = (Path(divisions_path).read_bytes() if divisions_path
                     else (data / "divisions.tsv.gz").read_bytes())
        ali_bytes = (Path(aliases_path).read_bytes() if aliases_path
                     else (data / "aliases.tsv.gz").read_bytes())
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
        return cls(rows, aliases)

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
            )
            self._models[key] = model
        return model

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
    def search(self, text: str, limit: int = 20) -> list[Jurisdiction]:
        """Find divisions by name or id, case-insensitively.

        Order: exact matches (name, id, or the id's last value: ``"san diego"``
        matches ``county:san_diego``), then prefix matches, then matches at a word
        start, then other substrings; ties by kind (states, counties, places, school
        districts, other bodies, subdivisions), then shorter name, then id.

        Args:
            text: free text (``"san diego"``) or part of an id (``"county:san_diego"``).
            limit: maximum number of results (``None`` for all).

        Returns:
            A list of :class:`Jurisdiction`, best first; empty for blank text.
        """
        q = " ".join(_fold(text or "").split())
        if not q:
            return []
        qid = q.replace(" ", "_")
        if self._search_rows is None:
            self._search_rows = [(i, _fold(r[0]), _fold(i)) for i, r in self._rows.items()]
        hits = []
        for ocd_id, name, id_l in self._search_rows:
            if q in name or qid in id_l:
                value = id_l.rsplit("/", 1)[-1].split(":", 1)[-1]
                if name == q or id_l == qid or value == qid:
                    tier = 0
                elif name.startswith(q) or value.startswith(qid):
                    tier = 1
                elif (" " + q) in name or ("_" + qid) in value:
                    tier = 2
                else:
                    tier = 3
                hits.append((tier, _kind_rank(ocd_id), len(name), ocd_id))
        hits.sort()
        if limit is not None:
            hits = hits[:limit]
        return [self.get(h[3]) for h in hits]

    # ------------------------------------------------------------------ did you mean
    def suggest(self, text: object, n: int = 5) -> list[str]:
        """Return up to ``n`` known canonical ids close to ``text``, best first.

        Id-shaped text is compared (difflib) with the ids of its own state only,
        both whole (``county:san_deigo`` -> ``county:san_diego``) and by the last
        value (``school_district:los_angeles_unified`` -> the id with its county
        segment); a misspelt state segment is corrected first. Other text is looked
        up by name (:meth:`search`, then difflib over names).
        """
        if not isinstance(text, str) or not text.strip():
            return []
        key = _normalise(text)
        if not key.startswith(_PREFIX):
            fixed = None
            if key.startswith("country:"):
                fixed = _PREFIX + key
            elif key.split(":", 1)[0] in STATE_LEVEL_KINDS and ":" in key:
                fixed = _US_PREFIX + key
            if fixed is None:
                return self._suggest_by_name(text, n)
            key = fixed
        if key in self._rows or key in self._aliases:
            return [self.canonical(key)]
        parts = key.split("/")
        if len(parts) < 3:
            return [COUNTRY_ID]
        buckets = self._state_buckets()
        state_seg = parts[2]
        if state_seg not in buckets:
            states = self._close_states(state_seg)
            if not states:
                return []
            if len(parts) == 3:
                return [_US_PREFIX + s for s in states[:n]]
            state_seg = states[0]
            fixed_id = "/".join([*parts[:2], state_seg, *parts[3:]])
            if fixed_id in self._rows or fixed_id in self._aliases:
                return [self.canonical(fixed_id)]
        if len(parts) == 3:
            return [_US_PREFIX + state_seg]
        tail = _fold("/".join(parts[3:]))
        value = _fold(parts[-1].split(":", 1)[-1])
        kind = parts[-1].split(":", 1)[0]
        scored = []
        m_tail = difflib.SequenceMatcher(autojunk=False)
        m_tail.set_seq2(tail)
        m_value = difflib.SequenceMatcher(autojunk=False)
        m_value.set_seq2(value)
        cutoff = 0.6
        for c_tail, c_value, c_id in buckets[state_seg]:
            best = 0.0
            m_tail.set_seq1(c_tail)
            if m_tail.real_quick_ratio() >= cutoff and m_tail.quick_ratio() >= cutoff:
                best = m_tail.ratio()
            m_value.set_seq1(c_value)
            if m_value.real_quick_ratio() >= cutoff and m_value.quick_ratio() >= cutoff:
                r = m_value.ratio() * (0.97 if _kind(c_id) == kind else 0.93)
                best = max(best, r)
            if _kind(c_id) != kind:
                best *= 0.9  # an id of the kind asked for beats a near name of another kind
            if best >= cutoff:
                scored.append((-best, _kind_rank(c_id), c_id))
        scored.sort()
        return [s[2] for s in scored[:n]]

    def _state_buckets(self) -> dict[str, list[tuple[str, str, str]]]:
        """state segment (``"state:ca"``) -> [(folded tail, folded last value, id)]."""
        if self._buckets is None:
            buckets: dict[str, list[tuple[str, str, str]]] = {}
            for i in self._rows:
                parts = i.split("/")
                if len(parts) < 3:
                    continue
                bucket = buckets.setdefault(parts[2], [])
                if len(parts) > 3:
                    bucket.append((_fold("/".join(parts[3:])),
                                   _fold(parts[-1].split(":", 1)[-1]), i))
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

    def _suggest_by_name(self, text: str, n: int) -> list[str]:
        found = [j.ocd_id for j in self.search(text, limit=n)]
        if found:
            return found
        if self._name_index is None:
            index: dict[str, list[str]] = {}
            for i, row in self._rows.items():
                if _kind_rank(i) <= 3:  # states, counties, places, school districts
                    index.setdefault(_fold(row[0]), []).append(i)
            self._name_index = index
        out: list[str] = []
        q = " ".join(_fold(text).split())
        for name in difflib.get_close_matches(q, list(self._name_index), n=n, cutoff=0.75):
            out.extend(sorted(self._name_index[name], key=_kind_rank))
        return out[:n]


def _normalise(ocd_id: str) -> str:
    return ocd_id.strip().rstrip("/").lower()


@cache
def load_registry() -> Registry:
    """Load the registry shipped with the package (cached: one instance per process).

    Reads ``data/divisions.tsv.gz`` and ``data/aliases.tsv.gz``; Jurisdiction objects
    and the search and suggestion indexes are built lazily on first use.
    """
    return Registry.from_files()
