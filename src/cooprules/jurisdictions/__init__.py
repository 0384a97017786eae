"""Jurisdiction registry: US OCD division ids with names, kinds, codes and aliases.

    >>> from cooprules.jurisdictions import load_registry
    >>> reg = load_registry()
    >>> reg.get("ocd-division/country:us/state:ca/county:san_diego").name
    'San Diego County'
"""

from cooprules.jurisdictions.registry import (
    COUNTRY_ID,
    COUNTY_KINDS,
    STATE_LEVEL_KINDS,
    SUBDIVISION_KINDS,
    Jurisdiction,
    OtherName,
    Registry,
    SearchPage,
    UnknownJurisdiction,
    load_registry,
)

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
