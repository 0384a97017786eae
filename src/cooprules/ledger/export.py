"""Every record an account may read, flattened to one row each (for CSV and Parquet)."""

from __future__ import annotations

import json
from typing import Any, Iterator

COLUMNS = ("uid", "corrects", "superseded", "received_at", "office_jurisdiction", "office_entity", "recorded_by",
           "requester", "action", "info_type", "instrument", "outcome", "as_of", "corpus_version", "citations",
           "duties", "duties_done", "disposition", "agency_ref", "request")
#: Records fetched per query while exporting.
BATCH = 1000


def SCHEMA() -> dict[str, Any]:
    """The Polars schema of :func:`rows` (all text but ``superseded``)."""
    import polars as pl

    return {c: (pl.Boolean if c == "superseded" else pl.Utf8) for c in COLUMNS}


def rows(ledger: Any, account: Any) -> Iterator[tuple]:
    """Rows in :data:`COLUMNS` order, oldest last (as listed), read in batches."""
    offset = 0
    while True:
        found, total = ledger.list(account, limit=BATCH, offset=offset)
        for r in found:
            req = r["request"]
            yield (r["uid"], r["corrects"], r["superseded"], r["received_at"], r["office"]["jurisdiction"],
                   r["office"]["entity"], r["recorded_by"], req["requester"], req["action"], req.get("info_type"),
                   req["instrument"], r["outcome"], r["as_of"], r["corpus_version"],
                   "; ".join(c["cite"] for c in r["citations"]), "; ".join(d["provision_id"] for d in r["duties"]),
                   "; ".join(d["provision_id"] for d in r["duties_done"]),
                   r["disposition"]["value"] if r["disposition"] else None, r["agency_ref"], json.dumps(req))
        offset += BATCH
        if offset >= total or not found:
            return
