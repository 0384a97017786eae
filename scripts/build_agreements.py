"""Build the shipped 287(g) agreements file from ICE's stacked participating lists.

Usage::

    python scripts/build_agreements.py [SOURCE_DIR] [OUT_FILE] [--check]

SOURCE_DIR defaults to /work/shared/data/287g (it must hold
``ice_287g_participating_2025-05_to_2025-07.csv``; see its README.md); OUT_FILE
defaults to src/cooprules/agreements/data/agreements_287g.csv. ``--check`` writes
nothing and exits 1 when OUT_FILE differs from what the build would write.

What it does (src/cooprules/agreements/data/README.md says the same for users):

1. Reads every participating list and takes the latest one (by ICE list date, then
   am before pm). Every agreement (agency x model) on that list becomes one row.
2. Deduplicates across lists: an agreement's ``first_list_date`` is the first list on
   which it appears, matching by state, model and a normalised agency name; an
   agreement that ICE renamed between lists (same state, model and signing date, a
   close name) keeps the earlier first appearance. Agreements that dropped off before
   the latest list are not shipped; the build prints them.
3. Takes ``signed`` from the latest list and repairs the malformed text dates that
   ICE typed (``7/72025`` -> 2025-07-07, ``05/082025`` -> 2025-05-08); takes
   ``moa_url`` from the latest list, or from the latest earlier list that had one.
4. Maps each agency to the OCD-ID of the government that runs it and an entity word
   (VOCABULARY.md), using the jurisdiction registry: counties by the county named in
   the agency name (then ICE's county column), exact name first, then a close name;
   places by name within the state; state agencies to the state. A few agencies are
   mapped or left unmapped by hand (``MANUAL`` below, each with its reason). Rows
   that cannot be mapped keep ``ocd_id`` empty; none is dropped.

Output: UTF-8 CSV, ``\\n`` line ends, sorted by state, agency and model, so the same
input always gives the same bytes.
"""

from __future__ import annotations

import collections
import csv
import difflib
import io
import os
import re
import sys
import unicodedata
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "src"))

from cooprules.jurisdictions import COUNTY_KINDS, load_registry  # noqa: E402

DEFAULT_SRC = "/work/shared/data/287g"
SOURCE_CSV = "ice_287g_participating_2025-05_to_2025-07.csv"
DEFAULT_OUT = os.path.join(ROOT, "src", "cooprules", "agreements", "data", "agreements_287g.csv")
COUNTRY = "ocd-division/country:us"

COLUMNS = ["state", "agency", "agency_type", "county", "model", "signed", "moa_url",
           "addendum_url", "first_list_date", "last_list_date", "ocd_id", "entity", "notes"]

MODELS = {
    "jail enforcement model": "jail_enforcement",
    "task force model": "task_force",
    "warrant service officer": "warrant_service_officer",
}

# Hand decisions, keyed by (state code, agency as printed by ICE, whitespace
# normalised). Value: (ocd_id or "" for unmapped, entity or "", reason).
_US = COUNTRY + "/state:"
MANUAL: dict[tuple[str, str], tuple[str, str, str]] = {
    ("nv", "Las Vegas Metropolitan Police Department"): (
        _US + "nv/county:clark", "sheriff",
        "manual: LVMPD is headed by the elected Clark County Sheriff and runs the Clark County Detention Center"),
    ("fl", "Lee County Port Authority Police"): (
        _US + "fl/county:lee", "police",
        "manual: the Lee County Port Authority is governed by the Lee County Board of County Commissioners"),
    ("fl", "Melbourne International Airport Police Department"): (
        _US + "fl/place:melbourne", "police",
        "manual: Melbourne Orlando International Airport is a department of the City of Melbourne"),
    ("pa", "Luzerne County District Attorney's Office"): (
        _US + "pa/county:luzerne", "county_department",
        "manual: county district attorney's office (county detectives)"),
    ("la", "Louisiana Alcohol and Tobacco Control"): (
        _US + "la", "state_agency",
        "manual: a state office (ICE lists it as Municipality)"),
    ("mi", "Metro Police Authority of Genesee County"): (
        "", "",
        "unmapped: a joint police authority of Genesee and Mount Morris townships, not one government"),
    ("nc", "Albemarle District Jail"): (
        "", "",
        "unmapped: regional jail of Camden, Pasquotank and Perquimans counties (ICE's county column says Albemarle County)"),
    ("va", "Southwest Virginia Regional Jail Authority"): (
        "", "",
        "unmapped: regional jail authority of several counties and cities"),
    ("pa", "Northwest Regional Police Department"): (
        "", "",
        "unmapped: regional police department of several municipalities"),
    ("fl", "Sanford Airport Police Department"): (
        "", "",
        "unmapped: police of the Sanford Airport Authority, an independent special district"),
    ("fl", "Sarasota Manatee Airport Authority Police Department"): (
        "", "",
        "unmapped: police of the Sarasota Manatee Airport Authority, an independent special district"),
}

_CONSTABLE = re.compile(r"\bconst\w*", re.I)
_CORRECTIONS = re.compile(r"correction|\bDOC\b", re.I)
_STATE_POLICE = re.compile(
    r"state police|highway patrol|public safety|safety and homeland security|bureau of investigation|"
    r"bureau of narcotics|law enforcement division|division of criminal investigation|"
    r"department of law enforcement|division of law enforcement|highway safety|universit|college", re.I)
_COUNTY_IN_NAME = re.compile(r"^(.*?)\s+(County|Parish)\b")
_BOROUGH_IN_NAME = re.compile(r"^(.*?)\s+Borough\b")  # Alaska only: elsewhere a borough is a place
_GENERIC = frozenset(
    "the of and city town village county parish sheriffs sheriff police department dept office offic "
    "services board commissioners corrections correction division".split())
_JAIL = re.compile(r"corrections?\b|correctional|detention|\bjail\b|criminal justice authority|"
                   r"board of county commissioners", re.I)
_PD_TAIL = re.compile(
    r"\s+(police services department|police department|police departent|police dept\.?|"
    r"department of public safety|public safety department|public safety|police)$", re.I)
_PLACE_TYPES = ("city", "village", "town", "borough", "township")


# ---------------------------------------------------------------------- text helpers
def fold(text: str) -> str:
    """Normalise a name for comparison: lower case, no accents or punctuation,
    ``saint`` -> ``st``, ``ft`` -> ``fort``, ``mt`` -> ``mount``."""
    text = unicodedata.normalize("NFKD", text.replace("\u2019", "'"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = text.replace("&", " and ").replace("-", " ").replace("/", " ")
    text = re.sub(r"[.'`,()]", "", text)
    words = {"saint": "st", "ste": "st", "ft": "fort", "mt": "mount"}
    return " ".join(words.get(w, w) for w in text.split())


def clean(text: str) -> str:
    return " ".join((text or "").split())


def repair_date(text: str) -> tuple[str, str]:
    """Return (ISO date or "", note). Accepts ISO dates and ICE's malformed M/D[/]YYYY."""
    text = text.strip()
    if not text:
        return "", "signed date missing"
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return text, ""
    m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/?(\d{4})", text)
    if m:
        iso = f"{int(m.group(3)):04d}-{int(m.group(1)):02d}-{int(m.group(2)):02d}"
        return iso, f"signed repaired from ICE's {text!r}"
    return "", f"signed {text!r} unreadable, left empty"


def unwrap(url: str) -> tuple[str, bool]:
    """Undo an Outlook "Safe Links" redirect that ICE pasted into its sheet: return
    the ``url`` parameter it wraps (and True), or the url (and False). ``http://``
    links to www.ice.gov are given as ``https://``."""
    url = url.strip()
    parts = urllib.parse.urlsplit(url)
    if parts.netloc.endswith("safelinks.protection.outlook.com"):
        target = urllib.parse.parse_qs(parts.query).get("url", [""])[0]
        if target.startswith("https://") or target.startswith("http://"):
            url, parts = target, urllib.parse.urlsplit(target)
            changed = True
        else:
            return url, False
    else:
        changed = False
    if parts.scheme == "http" and parts.netloc == "www.ice.gov":  # ice.gov serves https only
        url = "https://" + url[len("http://"):]
    return url, changed


def name_key(agency: str) -> str:
    """Agency name for matching the same agreement across lists."""
    k = fold(agency)
    k = re.sub(r"^(city|town|village) of ", "", k)
    k = re.sub(r"\b(department|dept|office|offic|services)\b", "", k)
    return " ".join(k.split())


def distinctive(key: str) -> str:
    """The words of a name key that tell agencies apart (no ``county``, ``police``...)."""
    return " ".join(w for w in key.split() if w not in _GENERIC)


def same_name(a: str, b: str) -> float:
    """How alike two name keys are (0..1): 1.0 when the distinctive words of one are
    all among (or close to) those of the other, else the similarity of the
    distinctive words."""
    da, db = distinctive(a), distinctive(b)
    if not da or not db:
        return 0.0
    small, large = sorted((da.split(), db.split()), key=len)
    if len(large) - len(small) <= 1 and all(
            difflib.get_close_matches(w, large, n=1, cutoff=0.8) for w in small):
        return 1.0
    return difflib.SequenceMatcher(None, da, db).ratio()


# ---------------------------------------------------------------------- registry index
class Index:
    """Counties and places of each state, from the jurisdiction registry."""

    def __init__(self) -> None:
        self.reg = load_registry()
        self.states: dict[str, str] = {}          # folded state name -> code
        self.counties: dict[str, dict[str, str]] = collections.defaultdict(dict)
        self.places: dict[str, dict[str, list[tuple[str, str]]]] = collections.defaultdict(
            lambda: collections.defaultdict(list))  # code -> base -> [(type, id)]
        for ocd_id in self.reg.ids():
            parts = ocd_id.split("/")
            if len(parts) < 3 or not parts[2].startswith("state:"):
                continue
            code = parts[2].split(":", 1)[1]
            name = self.reg.get(ocd_id).name
            kind = parts[-1].split(":", 1)[0]
            if len(parts) == 3:
                self.states[fold(name)] = code
            elif len(parts) == 4 and kind in COUNTY_KINDS:
                base = re.sub(r"\s+(county|parish|borough|census area|municipality|city and borough)$",
                              "", fold(name))
                self.counties[code][base] = ocd_id
            elif kind == "place":
                f = fold(name)
                last = f.rsplit(" ", 1)[-1]
                if last in _PLACE_TYPES:
                    self.places[code][f[: -len(last) - 1]].append((last, ocd_id))
                self.places[code][f].append(("", ocd_id))

    def state_code(self, state: str) -> tuple[str, str]:
        f = fold(state)
        if f in self.states:
            return self.states[f], ""
        close = difflib.get_close_matches(f, list(self.states), n=1, cutoff=0.8)
        if close:
            return self.states[close[0]], f"state {state!r} read as {close[0].title()}"
        raise SystemExit(f"unknown state {state!r}")

    def county(self, code: str, name: str) -> tuple[str, str]:
        """(ocd_id, how) for a county name such as ``Berrien`` or ``Miami Dade``."""
        base = re.sub(r"\s+(county|parish|borough)$", "", fold(name))
        table = self.counties.get(code, {})
        if base in table:
            return table[base], "county name"
        close = difflib.get_close_matches(base, list(table), n=1, cutoff=0.8)
        if close:
            return table[close[0]], f"county name, close match {name!r} -> {close[0]!r}"
        return "", ""

    def place(self, code: str, name: str, county_id: str = "") -> tuple[str, str]:
        """(ocd_id, how) for a municipality name within a state."""
        f = fold(name)
        f = re.sub(r"^(city|town|village|borough|township) of ", "", f)
        hint = ""
        last = f.rsplit(" ", 1)[-1]
        if last in _PLACE_TYPES and " " in f:
            hint = last
        table = self.places.get(code, {})
        how = "place name"
        cands = list(table.get(f, []))
        if not cands and hint:
            cands = [c for c in table.get(f[: -len(hint) - 1], []) if c[0] == hint]
        if not cands:
            longer = sorted({k for k in table if k.startswith(f + " ") and table[k][0][0]})
            if len(longer) == 1:
                cands = list(table[longer[0]])
                how = f"place name, {name!r} read as {longer[0]!r}"
        if not cands:
            close = difflib.get_close_matches(f, [k for k in table if table[k][0][0]], n=1, cutoff=0.85)
            if close:
                cands = list(table[close[0]])
                how = f"place name, close match {name!r} -> {close[0]!r}"
        if not cands:
            return "", ""
        ids = sorted({c[1] for c in cands})
        if county_id and len(ids) > 1:
            inside = [i for i in ids if i.startswith(county_id + "/")]
            if inside:
                ids = inside
        if len(ids) > 1:
            order = {t: n for n, t in enumerate(_PLACE_TYPES)}
            typed = sorted(((order.get(t, 9), i) for t, i in cands if i in ids))
            best = [i for r, i in typed if r == typed[0][0]]
            if len(set(best)) > 1:
                return "", "ambiguous place: " + ", ".join(sorted(set(best)))
            ids = best[:1]
            how += " (preferring " + _PLACE_TYPES[typed[0][0]] + ")" if typed[0][0] < 9 else ""
        return ids[0], how


# ---------------------------------------------------------------------- mapping
def map_agency(ix: Index, code: str, agency: str, agency_type: str, county_col: str) -> tuple[str, str, str]:
    """Return (ocd_id, entity, note); ocd_id "" when unmapped."""
    manual = MANUAL.get((code, agency))
    if manual:
        return manual
    state_id = COUNTRY + "/state:" + code
    state_name = ix.reg.get(state_id).name
    low = agency.lower()

    if _CONSTABLE.search(agency):
        return ("", "", "unmapped: Pennsylvania constables are independently elected officers, "
                        "not an agency of the township or borough")

    county_name = ""
    m = _COUNTY_IN_NAME.match(agency) or (_BOROUGH_IN_NAME.match(agency) if code == "ak" else None)
    if m:
        county_name = m.group(1)
    is_state = (agency_type == "State Agency"
                or (low.startswith(state_name.lower() + " ") and "county" not in low))
    if is_state and not county_name:
        if _CORRECTIONS.search(agency):
            return state_id, "corrections", "state agency (corrections)"
        if _STATE_POLICE.search(agency):
            return state_id, "police", "state agency (law enforcement)"
        return state_id, "state_agency", "state agency"

    if agency_type in ("County", "") or county_name or "sheriff" in low:
        if "sheriff" in low:
            entity = "sheriff"
        elif _JAIL.search(agency):
            entity = "jail"
        elif "police" in low:
            entity = "police"
        else:
            entity = ""
        if county_name or "sheriff" in low or (entity == "jail" and county_col):
            name = county_name or county_col
            ocd_id, how = ix.county(code, name)
            if ocd_id and not county_name:
                how += " (ICE's county column)"
            if not ocd_id and county_col and name != county_col:
                ocd_id, how = ix.county(code, county_col)
                how = f"{how} (ICE's county column)" if ocd_id else ""
            if ocd_id and entity:
                note = how
                if county_name and county_col and fold(county_col) != fold(county_name + " county") \
                        and fold(county_col) != fold(county_name) and ix.county(code, county_col)[0] != ocd_id:
                    note += f"; ICE's county column says {county_col!r}, the agency name is followed"
                return ocd_id, entity, note
            if not entity:
                return "", "", f"unmapped: no entity word fits {agency!r}"
            # Virginia's independent cities have their own sheriffs and jails; ICE
            # sometimes calls them counties ("Hopewell County").
            place_id, how = ix.place(code, name)
            if place_id and place_id.count("/") == 3:
                return place_id, entity, (f"{how}: no county {name!r} in the registry; "
                                          "the independent city of that name")
            return "", "", f"unmapped: county {name!r} not found in the registry"
        # A county-typed row whose name carries no county: a city police department.

    base = _PD_TAIL.sub("", agency).strip()
    if base == agency:
        return "", "", f"unmapped: not a recognised police department name {agency!r}"
    county_id = ix.county(code, county_col)[0] if county_col else ""
    ocd_id, how = ix.place(code, base, county_id)
    if ocd_id:
        note = how
        if agency_type != "Municipality":
            note += f" (ICE's type says {agency_type or 'nothing'})"
        return ocd_id, "police", note
    return "", "", "unmapped: " + (how or f"no place named {base!r} in the registry")


# ---------------------------------------------------------------------- build
def read_lists(src: str) -> list[dict[str, str]]:
    with open(os.path.join(src, SOURCE_CSV), encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def build(src: str) -> tuple[str, dict]:
    rows = read_lists(src)
    ix = Index()
    lists = sorted({(r["ice_list_date"], r["ice_list_ampm"], r["sheet_file"]) for r in rows})
    rank = {sheet: n for n, (_d, _a, sheet) in enumerate(lists)}
    latest_sheet = lists[-1][2]
    latest_date = lists[-1][0]
    state_codes: dict[str, tuple[str, str]] = {}

    def code_of(state: str) -> tuple[str, str]:
        if state not in state_codes:
            state_codes[state] = ix.state_code(clean(state))
        return state_codes[state]

    def key(r: dict[str, str]) -> tuple[str, str, str]:
        return (code_of(r["state"])[0], MODELS[clean(r["support_type"]).lower()], name_key(r["agency"]))

    history: dict[tuple, list[dict[str, str]]] = collections.defaultdict(list)
    for r in sorted(rows, key=lambda r: rank[r["sheet_file"]]):
        history[key(r)].append(r)
    latest = {key(r): r for r in rows if r["sheet_file"] == latest_sheet}
    dropped = {k: v for k, v in history.items() if k not in latest}

    # Renames: a dropped key whose last signing date and model match a latest agreement
    # in the same state with a close name carries its first appearance over.
    renamed: dict[tuple, tuple] = {}
    for k, v in dropped.items():
        signed = repair_date(v[-1]["signed"])[0]
        best, best_ratio = None, 0.0
        for lk, lr in latest.items():
            if lk[:2] != k[:2] or repair_date(lr["signed"])[0] != signed:
                continue
            ratio = same_name(k[2], lk[2])
            if ratio > best_ratio:
                best, best_ratio = lk, ratio
        if best is not None and best_ratio >= 0.9:
            renamed[k] = best

    out_rows = []
    for k, r in latest.items():
        code, state_note = code_of(r["state"])
        notes = []
        if state_note:
            notes.append(state_note)
        appearances = list(history[k])
        for old, new in renamed.items():
            if new == k:
                appearances.extend(history[old])
                notes.append(f"listed earlier as {clean(history[old][-1]['agency'])!r}")
        first = min(a["ice_list_date"] for a in appearances)
        signed, snote = repair_date(r["signed"])
        if snote:
            notes.append(snote)
        moa_url = r["moa_url"].strip()
        if not moa_url:
            earlier = [a["moa_url"].strip() for a in history[k] if a["moa_url"].strip()]
            if earlier:
                moa_url = earlier[-1]
                notes.append("moa_url from an earlier list (link pending on the latest)")
        moa_url, wrapped = unwrap(moa_url)
        addendum_url, wrapped_add = unwrap(r["addendum_url"])
        if wrapped or wrapped_add:
            notes.append("link unwrapped from an Outlook Safe Links redirect")
        agency = clean(r["agency"])
        county = clean(r["county"])
        if county.upper() in ("#N/A", "#NA", "N/A", "NA"):
            county = ""
        ocd_id, entity, mnote = map_agency(ix, code, agency, clean(r["agency_type"]), county)
        if ocd_id:
            ocd_id = ix.reg.canonical(ocd_id)
        notes.insert(0, mnote)
        out_rows.append({
            "state": code,
            "agency": agency,
            "agency_type": clean(r["agency_type"]),
            "county": county,
            "model": k[1],
            "signed": signed,
            "moa_url": moa_url,
            "addendum_url": addendum_url,
            "first_list_date": first,
            "last_list_date": latest_date,
            "ocd_id": ocd_id,
            "entity": entity,
            "notes": "; ".join(n for n in notes if n),
        })
    out_rows.sort(key=lambda d: (d["state"], d["agency"].lower(), d["agency"], d["model"]))
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    w.writeheader()
    w.writerows(out_rows)
    mapped = sum(1 for d in out_rows if d["ocd_id"])
    report = {
        "lists": len(lists), "latest": latest_sheet, "rows": len(out_rows), "mapped": mapped,
        "unmapped": [(d["state"], d["agency"], d["notes"]) for d in out_rows if not d["ocd_id"]],
        "renamed": sorted((clean(history[o][-1]["agency"]), n[2]) for o, n in renamed.items()),
        "dropped": sorted((k[0], clean(v[-1]["agency"]), k[1], v[0]["ice_list_date"], v[-1]["ice_list_date"])
                          for k, v in dropped.items() if k not in renamed),
        "close": [(d["state"], d["agency"], d["notes"]) for d in out_rows if "close match" in d["notes"]
                  or "ICE's county column says" in d["notes"]],
    }
    return buf.getvalue(), report


def main(argv: list[str]) -> int:
    args = [a for a in argv if not a.startswith("--")]
    src = args[0] if args else DEFAULT_SRC
    out = args[1] if len(args) > 1 else DEFAULT_OUT
    text, report = build(src)
    data = text.encode("utf-8")
    if "--check" in argv:
        same = os.path.exists(out) and open(out, "rb").read() == data
        print("up to date" if same else f"{out} differs from a fresh build")
        return 0 if same else 1
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "wb") as fh:
        fh.write(data)
    print(f"{report['lists']} lists; latest {report['latest']}; {report['rows']} agreements; "
          f"{report['mapped']} mapped ({report['mapped'] / report['rows']:.1%}); wrote {out} ({len(data)} bytes)")
    for title in ("unmapped", "close", "renamed", "dropped"):
        print(f"-- {title}: {len(report[title])}")
        for item in report[title]:
            print("   ", " | ".join(map(str, item)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
