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


__all__ = ["government_name"]
