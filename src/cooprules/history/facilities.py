"""Map the receiving facility of an ICE detainer record to the OCD-ID of the
government that runs it, by name and state: county jails to their county, city jails to
their place, state prisons to the state. Federal and contract facilities, and names
that match nothing, are left unmapped with a reason (never dropped)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..jurisdictions import COUNTY_KINDS

_FEDERAL = re.compile(r"F\.C\.I\.|U\.S\.P\.|\bFDC\b|U\.S\. PEN|MET\.DET|\bDRO\b|\bBSCC\b|MOSHANNON|D\. RAY JAMES|"
                      r"DALBY CORR|US MARSHAL|U\.S\. MARSHAL|USMS|\bFED\b|FED\.|FEDERAL|\bFCI\b|\bFCC\b|\bMDC\b|\bMCC\b|\bBOP\b|\bUSP\b|"
                      r"^CI |\bCCA\b|\bGEO\b|PROCESSING CENTER|\bSPC\b|\bICE\b|\bCDF\b|CONTRACT")
_STATE = re.compile(r"^CSP-|^CCI-|^CCF-|CALIF\. MEN|CALIF\. INST|\bST PRISON|CORR\.? INST|CORRECTIONAL INSTITUT|"
                    r"COR FAC|CORR\.? ?FAC|CORR CENTER|RECEPT|REC\. CTR|RECEPTION|DIAGNOSTIC|CLASSIF|\bMCI\b|\bACI\b|"
                    r"^TDC\b|OFFENDER INF|CORRECTIONAL$|CORRECTIONAL FACILITY|VOCATIONAL INSTITUT|WOMEN'S FACILI|\bUNIT\b|\bDCJ\b|STATEVILLE|\bC\.F\.|\bCF\b|STATE PRISON|STATE P\.|STATE PEN|PENITENTIARY|DEPT\.? OF CORR|DEPARTMENT OF CORR|DEPT OF CORRECTIO|"
                    r"\bDOC\b|\bTDCJ\b|\bASPC\b|\bCDCR\b|TRANSFER FACILITY|TRANSFER UNIT|STATE JAIL|STATE CORR|"
                    r"CORRECTIONAL INSTITUTION|\bSCI\b|STATE FACILITY|\bCOR\.? CTR\b|CORR CTR")
_COUNTY = re.compile(r"^(?P<name>[A-Z][A-Z .'\-/]*?)\s*\b(?:COUNTY|CNTY|CTY|CO\.|CO|PARISH)\b")
_CITY = re.compile(r"^(?P<name>[A-Z][A-Z .'\-]*?)\s*(?:\(CITY OF\)|CITY JAIL|CITY DET|POLICE|POL\.|\bPD\b|MUNICIPAL|CITY)")
_COUNTY_ANYWHERE = re.compile(r"\b(?P<name>[A-Z][A-Z .']*?)\s+(?:COUNTY|CTY|PARISH)\b")
_NOISE = re.compile(r"\b(JAIL|DETENTION|DET|CENTER|CTR|CENTRE|ADC|SHERIFF'?S?|DEPT|DEPARTMENT|OFFICE|CORRECTIONAL|CORRECTIONS|"
                    r"CORREC|FACILITY|FAC|MAIN|COMPLEX|ADULT|REGIONAL|JUSTICE|PUBLIC SAFETY|LAW ENFORCEMENT|SO|"
                    r"COUNTY|CO|CTY|PARISH)\b\.?")


#: Large facilities whose name says nothing of who runs them, by (name, state name):
#: the government that runs them (each operator is a matter of public record).
KNOWN = {
    ("VISTA DETENTION FACILITY", "CALIFORNIA"): ("ocd-division/country:us/state:ca/county:san_diego", "sheriff"),
    ("LAS COLINAS DET/REENTRY FACILITY", "CALIFORNIA"): ("ocd-division/country:us/state:ca/county:san_diego", "sheriff"),
    ("SANTA RITA JAIL", "CALIFORNIA"): ("ocd-division/country:us/state:ca/county:alameda", "sheriff"),
    ("RIKERS ISLAND, QUEENS, NY", "NEW YORK"): ("ocd-division/country:us/state:ny/place:new_york", "corrections"),
    ("DENVER JUSTICE CENTER", "COLORADO"): ("ocd-division/country:us/state:co/county:denver", "sheriff"),
    ("PRINCE WILLIAM", "VIRGINIA"): ("ocd-division/country:us/state:va/county:prince_william", "sheriff"),
    ("TURNER GUIFORD KNIGHT (TGK) JAIL", "FLORIDA"): ("ocd-division/country:us/state:fl/county:miami-dade", "sheriff"),
    ("DADE COUNTY CORRECTIONAL", "FLORIDA"): ("ocd-division/country:us/state:fl/county:miami-dade", "sheriff"),
    ("WEST VALLEY", "CALIFORNIA"): ("ocd-division/country:us/state:ca/county:san_bernardino", "sheriff"),
    ("MCSO MADISON FACILITY", "ARIZONA"): ("ocd-division/country:us/state:az/county:maricopa", "sheriff"),
}
#: New York City's borough booking centres are run by the city's police.
_NYC_BOOKING = re.compile(r"^(QUEENS|BROOKLYN|MANHATTAN|BRONX|STATEN ISLAND) CENTRAL BOOKING")


def _key(text: str) -> str:
    """A comparable form of a place name: lower case, letters only, ``ft``/``saint``
    written ``fort``/``st``."""
    text = text.lower().replace("_", " ").replace("'s", "").replace("~s", "")  # queen_anne~s
    text = re.sub(r"\bft\.?\s", "fort ", text)
    text = re.sub(r"\bsaint\b", "st", text)
    text = re.sub(r"\bste\.?\s", "ste ", text)
    return re.sub(r"[^a-z]", "", text)


@dataclass(frozen=True)
class Match:
    """A facility's government: ``ocd_id`` (None when unmapped), the ``entity`` that
    runs it (``sheriff``, ``police`` or ``corrections``), and ``method`` (how it was
    matched, or why not: ``county name``, ``city jail``, ``state prison``, ``county name
    alone``, ``no state``, ``federal or contract facility``, ``not recognised``)."""

    ocd_id: str | None
    entity: str | None
    method: str


class FacilityMatcher:
    """Matches facility names to governments with the registry's counties, places and
    states (built once; :meth:`match` is cached per distinct facility)."""

    def __init__(self, registry):
        self.states: dict[str, str] = {}
        for j in registry.ids(["state", "district"]):
            if j.count("/") == 2:
                self.states[_key(registry.get(j).name)] = j
        self.counties: dict[str, dict[str, str]] = {}
        self.places: dict[str, dict[str, str]] = {}
        for j in sorted(registry.ids(list(COUNTY_KINDS) + ["place"]), key=lambda i: i.count("/")):  # own ids first
            parts = j.split("/")
            if len(parts) not in (4, 5) or (len(parts) == 5 and not parts[4].startswith("place:")):
                continue
            state = "/".join(parts[:3])
            kind, _, value = parts[-1].partition(":")
            table = self.places if kind == "place" else self.counties
            table.setdefault(state, {}).setdefault(_key(value), j)
        self._cache: dict[tuple[str, str, str], Match] = {}

    def state_id(self, state_name: str | None) -> str | None:
        """The OCD-ID of a state given by its full name (``CALIFORNIA``), or None."""
        return self.states.get(_key(state_name or "")) if state_name else None

    def match(self, facility: str | None, state_name: str | None, city: str | None) -> Match:
        """The government that runs ``facility`` in ``state_name`` (full state name, as
        in the ICE records); ``city`` is the facility's city."""
        key = (facility or "", state_name or "", city or "")
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = self._match(*key)
        return found

    def _match(self, facility: str, state_name: str, city: str) -> Match:
        name = " ".join(facility.upper().split())
        state = self.state_id(state_name)
        if state is None or not name or name.startswith("OTHER"):
            return Match(None, None, "no state" if state is None else "no facility named")
        known = KNOWN.get((name, (state_name or "").upper()))
        if known:
            return Match(known[0], known[1], "known facility")
        counties, places = self.counties.get(state, {}), self.places.get(state, {})
        if _NYC_BOOKING.match(name) and state.endswith("state:ny"):
            return Match("ocd-division/country:us/state:ny/place:new_york", "police", "city jail")
        m = _COUNTY.match(name)
        if m:
            for candidate in [m.group("name"), *m.group("name").split("/")]:
                j = counties.get(_key(candidate))
                if j:
                    return Match(j, "sheriff", "county name")
        if _FEDERAL.search(name):
            return Match(None, None, "federal or contract facility")
        if _STATE.search(name):
            return Match(state, "corrections", "state prison")
        m = _CITY.match(name)
        if m:
            j = places.get(_key(m.group("name"))) or (places.get(_key(city)) if "CITY" in name or "POLICE" in name else None)
            if j:
                return Match(j, "police", "city jail")
        for m in _COUNTY_ANYWHERE.finditer(name):  # "INDIO JAIL - RIVERSIDE COUNTY"
            for candidate in (m.group("name"), m.group("name").split(" - ")[-1], m.group("name").split("-")[-1]):
                j = counties.get(_key(candidate))
                if j and _key(candidate):
                    return Match(j, "sheriff", "county name")
        cleaned = _NOISE.sub(" ", name)
        for candidate in [cleaned, *cleaned.split("/")]:
            j = counties.get(_key(candidate))
            if j and _key(candidate):
                return Match(j, "sheriff", "county name alone")
        j = places.get(_key(cleaned)) if _key(cleaned) else None
        if j and (re.search(r"JAIL|DETENTION", name) or _key(cleaned) == _key(name)):
            return Match(j, "police", "place name alone")
        return Match(None, None, "not recognised")
