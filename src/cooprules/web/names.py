"""Names of governments as the page shows them, in the page's language.

The registry names places as the Census Bureau does, with the kind of government
after the name in lower case ("Houston city", "Addison town") and counties with
"County" or "Parish" after it. An English reader follows that; a Spanish reader does
not, so in Spanish the kind of government is worded before the name ("Ciudad de
Houston", "Condado de Harris"). Proper names (school districts, states) stay as
they are. Only the words the page shows change: ids and searches are untouched.
"""

from __future__ import annotations

import re

#: Spanish for the kind of government the Census name ends with (the name's last
#: word(s), as written) -> the Spanish pattern. Borough, township and census area have
#: no Spanish equivalent; the English word follows in parentheses so the reader can
#: match it to the official name.
_ES = (
    ("city and borough", "Ciudad y municipio de {n} (city and borough)"),
    ("consolidated government (balance)", "Gobierno consolidado de {n}"),
    ("metropolitan government (balance)", "Gobierno metropolitano de {n}"),
    ("metro government (balance)", "Gobierno metropolitano de {n}"),
    ("unified government (balance)", "Gobierno unificado de {n}"),
    ("city (balance)", "Ciudad de {n}"),
    ("Census Area", "Área censal de {n} (census area)"),
    ("County", "Condado de {n}"),
    ("Parish", "Parroquia de {n}"),
    ("Borough", "Municipio de {n} (borough)"),
    ("Municipio", "Municipio de {n}"),
    ("municipality", "Municipio de {n}"),
    ("city", "Ciudad de {n}"),
    ("town", "Pueblo de {n}"),
    ("village", "Villa de {n}"),
    ("township", "Municipio de {n} (township)"),
    ("borough", "Municipio de {n} (borough)"),
    ("plantation", "Plantación de {n}"),
    ("CDP", "{n} (lugar designado por el censo)"),
)
#: Kinds of division whose Census name carries the kind of government.
_WORDED_KINDS = {"place", "county", "parish", "borough", "census_area", "municipio", "municipality",
                 "city", "town", "village", "township", "cdp"}


def government_name(name: str, kind: str, lang: str) -> str:
    """``name`` (the registry's ``display_name``) as the page shows it in ``lang``:
    in Spanish, the kind of government worded first for a Census name
    (``"Houston city"`` -> ``"Ciudad de Houston"``, ``"Harris County"`` ->
    ``"Condado de Harris"``, ``"Acadia Parish"`` -> ``"Parroquia de Acadia"``); other
    names, other kinds (school districts, states) and English come back as given."""
    if lang != "es" or kind not in _WORDED_KINDS:
        return name
    for suffix, pattern in _ES:
        if name.endswith(" " + suffix) and len(name) > len(suffix) + 1:
            base = name[: -len(suffix) - 1].strip()
            if base and re.search(r"\w", base):
                return pattern.format(n=base)
    return name


#: US states and territories with a name of their own in Spanish (Fundéu BBVA's list);
#: the others (California, Texas, Florida...) are the same in both languages.
STATES_ES = {
    "United States": "Estados Unidos", "District of Columbia": "Distrito de Columbia",
    "Hawaii": "Hawái", "Louisiana": "Luisiana", "Mississippi": "Misisipi", "Missouri": "Misuri",
    "New Hampshire": "Nuevo Hampshire", "New Jersey": "Nueva Jersey", "New Mexico": "Nuevo México",
    "New York": "Nueva York", "North Carolina": "Carolina del Norte", "South Carolina": "Carolina del Sur",
    "North Dakota": "Dakota del Norte", "South Dakota": "Dakota del Sur", "Oregon": "Oregón",
    "Pennsylvania": "Pensilvania", "West Virginia": "Virginia Occidental", "Puerto Rico": "Puerto Rico",
}
#: Official names as the rule folders write them ("County of Los Angeles", "City of
#: Boston"): the English words before the name -> the Spanish pattern.
_ES_PREFIX = (
    ("City and County of ", "Ciudad y Condado de {n}"),
    ("County of ", "Condado de {n}"),
    ("City of ", "Ciudad de {n}"),
    ("Town of ", "Pueblo de {n}"),
    ("Village of ", "Villa de {n}"),
    ("Township of ", "Municipio de {n} (township)"),
    ("Borough of ", "Municipio de {n} (borough)"),
    ("State of ", "Estado de {n}"),
)
#: What the engine adds to an agency layer's name (engine/layers.py), in Spanish.
AGENCY_SUFFIX = " (agency policies and 287(g) agreements)"
_AGENCY_SUFFIX_ES = " (políticas de agencias y acuerdos 287(g))"


def layer_title(name: str, jurisdiction: str, lang: str) -> str:
    """A layer's name in the trace (the rule folder's official name, or the registry's,
    as :class:`cooprules.vocabulary.LayerTrace` gives it) as shown in ``lang``.

    Spanish: the country and states with a Spanish name in Spanish ("United States" ->
    "Estados Unidos", "New York" -> "Nueva York"), the kind of government worded first
    ("County of Los Angeles" -> "Condado de Los Angeles", "Harris County" -> "Condado de
    Harris", "Houston city" -> "Ciudad de Houston"), and an agency layer's
    "(agency policies and 287(g) agreements)" in Spanish. Other proper names (school
    districts, "Metropolitan Government of ...") and English come back as given.
    ``jurisdiction`` is the layer's OCD-ID (its last part gives the kind)."""
    if lang != "es":
        return name
    suffix = ""
    if name.endswith(AGENCY_SUFFIX):
        name, suffix = name[: -len(AGENCY_SUFFIX)], _AGENCY_SUFFIX_ES
    kind = jurisdiction.rsplit("/", 1)[-1].split(":", 1)[0]
    head, sep, state = name.partition(", ")  # "Montgomery County, Maryland"
    if sep and state and state[:1].isupper() and "," not in state:
        return layer_title(head, jurisdiction, lang) + ", " + STATES_ES.get(state, state) + suffix
    if name in STATES_ES:
        return STATES_ES[name] + suffix
    for prefix, pattern in _ES_PREFIX:
        if name.startswith(prefix) and len(name) > len(prefix):
            rest = name[len(prefix):]
            return pattern.format(n=STATES_ES.get(rest, rest)) + suffix
    if kind in ("place", "county", "parish", "borough", "census_area", "district"):
        worded = government_name(name, "place" if kind == "district" else kind, lang)
        if worded == name and name.endswith(" City") and kind == "place":  # "Baltimore City"
            worded = f"Ciudad de {name[:-5]}"
        return worded + suffix
    return name + suffix


__all__ = ["STATES_ES", "government_name", "layer_title"]
