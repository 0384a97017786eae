"""Who runs each jail, and the words that name the office asked (VOCABULARY.md, "The
office asked"; DESIGN.md: "Who runs a county's jail ... is data, kept with the
registry").

The data is ``data/jail_operators.csv`` (source, date and columns in
``data/jail_operators.README.md``): the counties, consolidated city-counties, cities and
states whose jails are run by someone other than the sheriff. Everywhere else a
county's jail is the sheriff's.

    >>> sorted(w.value for w in office_words("ocd-division/country:us/state:ca/county:san_diego", "sheriff"))
    ['jail', 'sheriff']
    >>> sorted(w.value for w in office_words("ocd-division/country:us/state:wa/county:king", "jail"))
    ['county_department', 'jail']
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
from dataclasses import dataclass
from importlib import resources

from ..vocabulary import Entity

DATA_FILE = "jail_operators.csv"
COLUMNS = ("ocd_id", "name", "operator", "operator_kind", "words", "verified", "source", "checked_on", "notes")
OPERATOR_KINDS = frozenset({"state_unified", "state_run", "county_department", "city_department",
                            "district_department", "county_prison_board", "elected_jailer", "regional_authority"})
#: Last OCD-ID segment types of a county or county equivalent (and DC), whose jail is
#: the sheriff's unless the data says otherwise; a state's own id asked about its
#: sheriffs and jails (the state map) stands for its counties.
_COUNTY_LEVEL = frozenset({"county", "parish", "borough", "census_area", "municipio", "district", "state"})
#: Independent cities: places that are county equivalents (Census county codes 510 and
#: above), with a sheriff of their own: Virginia's 38 cities (Bedford reverted to a town
#: in 2013), Baltimore, St. Louis and Carson City.
INDEPENDENT_CITIES = frozenset(
    [f"ocd-division/country:us/state:va/place:{c}" for c in (
        "alexandria", "bristol", "buena_vista", "charlottesville", "chesapeake", "colonial_heights", "covington",
        "danville", "emporia", "fairfax", "falls_church", "franklin", "fredericksburg", "galax", "hampton",
        "harrisonburg", "hopewell", "lexington", "lynchburg", "manassas", "manassas_park", "martinsville",
        "newport_news", "norfolk", "norton", "petersburg", "poquoson", "portsmouth", "radford", "richmond",
        "roanoke", "salem", "staunton", "suffolk", "virginia_beach", "waynesboro", "williamsburg", "winchester")]
    + ["ocd-division/country:us/state:md/place:baltimore", "ocd-division/country:us/state:mo/place:st_louis",
       "ocd-division/country:us/state:nv/place:carson_city"])
#: The entity words whose office can be the same as the jail's.
JAIL_WORDS = frozenset({Entity.sheriff, Entity.jail})


class JailDataError(ValueError):
    """The jail-operator file is malformed; the message names the row and column."""


@dataclass(frozen=True)
class JailOperator:
    """One row of ``jail_operators.csv``: the jurisdiction ``ocd_id`` (a state id covers
    all its counties and places), the ``operator`` body, its ``operator_kind``, the
    entity ``words`` (besides ``jail``) naming it, whether the row was ``verified``
    against its ``source`` on ``checked_on``, and ``notes``."""

    ocd_id: str
    name: str
    operator: str
    operator_kind: str
    words: frozenset[Entity]
    verified: bool
    source: str
    checked_on: dt.date | None
    notes: str


def parse_jail_operators(text: str) -> dict[str, JailOperator]:
    """Parse the CSV ``text`` of the jail-operator file. Returns OCD-ID -> row.
    Raises :class:`JailDataError` naming the line and column of a bad value (unknown
    word or kind, ``verified`` not yes/no, a verified row without source or date, a
    repeated id, a bad date)."""
    reader = csv.DictReader(io.StringIO(text))
    if tuple(reader.fieldnames or ()) != COLUMNS:
        raise JailDataError(f"{DATA_FILE}: header must be {','.join(COLUMNS)}")
    words_allowed = {e.value: e for e in Entity}
    out: dict[str, JailOperator] = {}
    for n, row in enumerate(reader, start=2):
        where = f"{DATA_FILE} line {n}"
        if row["ocd_id"] in out:
            raise JailDataError(f"{where}: ocd_id {row['ocd_id']} is listed twice")
        if not row["ocd_id"].startswith("ocd-division/country:us/"):
            raise JailDataError(f"{where}: ocd_id '{row['ocd_id']}' is not a US OCD-ID")
        if row["operator_kind"] not in OPERATOR_KINDS:
            raise JailDataError(f"{where}: operator_kind '{row['operator_kind']}'; allowed: {', '.join(sorted(OPERATOR_KINDS))}")
        words = set()
        for w in filter(None, (row["words"] or "").split(";")):
            if w not in words_allowed:
                raise JailDataError(f"{where}: words: '{w}' is not an entity word; allowed: {', '.join(words_allowed)}")
            words.add(words_allowed[w])
        if row["verified"] not in ("yes", "no"):
            raise JailDataError(f"{where}: verified must be yes or no, not '{row['verified']}'")
        checked = None
        if row["checked_on"]:
            try:
                checked = dt.date.fromisoformat(row["checked_on"])
            except ValueError:
                raise JailDataError(f"{where}: checked_on '{row['checked_on']}' is not a date (YYYY-MM-DD)") from None
        if row["verified"] == "yes" and not (row["source"].startswith("http") and checked):
            raise JailDataError(f"{where}: a verified row needs a source URL and checked_on")
        out[row["ocd_id"]] = JailOperator(row["ocd_id"], row["name"], row["operator"], row["operator_kind"],
                                          frozenset(words), row["verified"] == "yes", row["source"], checked,
                                          row["notes"])
    return out


@functools.cache
def load_jail_operators() -> dict[str, JailOperator]:
    """The shipped jail-operator table, read once: OCD-ID -> :class:`JailOperator`."""
    text = (resources.files(__package__) / "data" / DATA_FILE).read_text(encoding="utf-8")
    return parse_jail_operators(text)


def jail_operator(ocd_id: str) -> JailOperator | None:
    """The body other than the sheriff that runs the jail of ``ocd_id`` (a canonical
    OCD-ID), or None where the sheriff runs it (or the id has no jail of its own: a
    school district). A county or place row overrides its state's row."""
    if "/school_district:" in ocd_id:
        return None
    table = load_jail_operators()
    found = table.get(ocd_id)
    if found is not None:
        return found
    parts = ocd_id.split("/")
    if len(parts) > 3 and parts[2].startswith("state:"):
        return table.get("/".join(parts[:3]))
    return None


def sheriff_runs_jail(ocd_id: str) -> bool:
    """Whether the sheriff runs the jail of the county (or county equivalent, an
    independent city among them) ``ocd_id``: True unless the data names another
    operator. Other places and school districts are not counties: False."""
    kind = ocd_id.rsplit("/", 1)[-1].split(":", 1)[0]
    county_level = kind in _COUNTY_LEVEL or ocd_id in INDEPENDENT_CITIES
    return county_level and "/" in ocd_id and jail_operator(ocd_id) is None


@functools.lru_cache(maxsize=65536)
def office_words(ocd_id: str, entity: Entity | str) -> frozenset[Entity]:
    """The entity words that name the office asked (VOCABULARY.md, "The office asked").

    ``ocd_id`` a canonical OCD-ID; ``entity`` the word the user picked. Returns the set
    the engine matches against a provision's ``binds``:

    * ``sheriff`` or ``jail`` in a county whose sheriff runs the jail: both words;
    * ``jail`` where another body runs it: ``jail`` and that body's words (a county
      department, the city's department, the state's corrections department);
      ``sheriff`` there is the sheriff's office alone;
    * ``corrections`` (state prisons): also ``state_agency``;
    * anything else: the word itself.
    """
    ent = Entity(entity)
    if ent is Entity.corrections:
        return frozenset({Entity.corrections, Entity.state_agency})
    if ent in JAIL_WORDS:
        op = jail_operator(ocd_id)
        if op is not None:
            return frozenset({Entity.jail, *op.words}) if ent is Entity.jail else frozenset({Entity.sheriff})
        if sheriff_runs_jail(ocd_id):
            return JAIL_WORDS
    return frozenset({ent})



#: Actions that only an office holding people in custody is asked to take.
CUSTODY_ACTIONS = frozenset({"detainer_hold", "release_notification", "custody_transfer"})


def asks_about_jail(request: dict) -> bool:
    """Whether a request (a dict in the vocabulary) is about people held in a jail: a
    custody action (hold, release notification, transfer), or the subject is in custody,
    or the place is the jail."""
    subject = request.get("subject") or {}
    context = request.get("context") or {}
    return (request.get("action") in CUSTODY_ACTIONS or subject.get("role") == "in_custody"
            or context.get("location") == "jail")


def entity_for_jail_question(ocd_id: str, entity: str, request: dict) -> str:
    """The entity word to ask so that a question about a county's jail reaches the body
    that really runs it (DESIGN.md, "The office asked"): ``jail`` in place of
    ``sheriff`` where another body runs the jail of ``ocd_id`` (King County, Miami-Dade,
    New York City, DC, the unified state systems...) and ``request`` is about people in
    custody (:func:`asks_about_jail`); otherwise ``entity`` unchanged (where the sheriff
    runs the jail, ``sheriff`` and ``jail`` get one answer anyway)."""
    if entity == Entity.sheriff.value and jail_operator(ocd_id) is not None and asks_about_jail(request):
        return Entity.jail.value
    return entity
