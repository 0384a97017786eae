"""ICE's 287(g) agreements (participating agencies) as data.

    >>> from datetime import date
    >>> from cooprules.agreements import load_agreements
    >>> ags = load_agreements()
    >>> ags.lookup("ocd-division/country:us/state:fl/county:duval", "sheriff", date(2025, 7, 1)).model.value
    'jail_enforcement'

See ``loader.py`` for the API and ``data/README.md`` for the data's source, date,
licence and derivation.
"""

from cooprules.agreements.loader import (
    DATA_FILE,
    ICE_287G_PAGE,
    MODEL_CODES,
    MODEL_NAMES,
    MODEL_PREFERENCE,
    Agreement,
    Agreements,
    load_agreements,
)

__all__ = [
    "DATA_FILE",
    "ICE_287G_PAGE",
    "MODEL_CODES",
    "MODEL_NAMES",
    "MODEL_PREFERENCE",
    "Agreement",
    "Agreements",
    "load_agreements",
]
