"""``cooprules history detainers``: law against practice on ICE's FY2015 detainer
records (/work/shared/data/detainers/README.md).

Each record becomes a request: I-247D and I-247 detainers ask the facility to hold the
person (``detainer_hold`` on a ``detainer_request``), I-247N asks to be told of the
release (``release_notification`` on a ``notification_request``). The facility is
mapped to the government that runs it (:mod:`.facilities`); the request is answered
under the law in force on the record's prepare date. The records carry no convictions,
no pending charges and no word of what papers came with the detainer, so the request is
made with ``presume: false`` (counsel's analysis, DESIGN.md "Presumed values"): no fact
the records lack is taken at its presumed value, and an answer that turns on one is
``conditional``, with the possible outcomes (``possible``) and the facts it turns on
(``depends_on``). Presuming instead (no convictions, nothing attached), as the guided
page does for an officer who has the file at hand, would call every California hold
"prohibited", including those of people whose convictions let the sheriff hold them.
``hours_held_past_release`` is 0: the question is asked at the time of release. The
287(g) agreement is not given, so the engine supplies it from ICE's list for that date.
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from .facilities import FacilityMatcher

#: The shipped sample: 2,000 records drawn at random (seed 20151) from ICE's FY2015 file
#: (FOIA 15-87693); ``data/README.md`` says where the full 79,053-record file comes from.
DEFAULT_FILE = str(Path(__file__).parent / "data" / "ice_detainers_fy2015_sample.csv.gz")
#: The most bytes read from a records file or URL (the full FY2015 file is 9.7 MB).
MAX_BYTES = 512 * 1024 * 1024
#: Seconds allowed for a URL to answer.
URL_TIMEOUT = 60
COLUMNS = ["prepare_date", "detainer_type", "detainer_detention_facility", "state", "city", "detainer_lift_reason"]


class HistoryError(ValueError):
    """An unreadable or malformed records file; names the argument and the columns."""


def _read_bytes(path: str) -> bytes:
    """The bytes at ``path`` (a regular file, or an http(s) URL), at most
    :data:`MAX_BYTES`, gunzipped when gzip. Raises :class:`HistoryError` naming ``FILE``."""
    if path.startswith(("http://", "https://")):
        try:
            with urllib.request.urlopen(path, timeout=URL_TIMEOUT) as resp:  # noqa: S310 - http(s) only
                data = resp.read(MAX_BYTES + 1)
        except Exception as exc:  # network errors of every kind: say which URL
            raise HistoryError(f"FILE: cannot fetch '{path}': {exc}") from None
    else:
        file = Path(path)
        if not file.is_file():
            raise HistoryError(f"FILE: cannot read '{path}': no such regular file (leave FILE out for the shipped "
                               f"FY2015 sample, {DEFAULT_FILE})")
        with open(file, "rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise HistoryError(f"FILE: '{path}' is larger than {MAX_BYTES // 2**20} MB")
    if data[:2] == b"\x1f\x8b":
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as gz:
                data = gz.read(MAX_BYTES + 1)
        except (OSError, EOFError) as exc:
            raise HistoryError(f"FILE: '{path}' is not a readable gzip file: {exc}") from None
        if len(data) > MAX_BYTES:
            raise HistoryError(f"FILE: '{path}' unpacks to more than {MAX_BYTES // 2**20} MB")
    return data


def read_records(path: str = DEFAULT_FILE) -> pl.DataFrame:
    """The records at ``path`` (a CSV, optionally gzipped, with :data:`COLUMNS`, all
    read as text; a file path or an http(s) URL; default: the shipped sample). Raises
    :class:`HistoryError` naming ``FILE`` for a missing or oversized file, an
    unreachable URL or missing columns."""
    data = _read_bytes(path)
    try:
        df = pl.read_csv(io.BytesIO(data), infer_schema=False)
    except Exception as exc:
        raise HistoryError(f"FILE: cannot read '{path}' as CSV: {exc}") from None
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise HistoryError(f"FILE: '{path}' lacks column(s) {', '.join(missing)}; expected: {', '.join(COLUMNS)}")
    return df.select(COLUMNS)


def action_of(detainer_type: str | None) -> tuple[str, str] | None:
    """``(action, instrument)`` for an ICE form: I-247N -> release notification;
    I-247D and I-247 -> detainer hold. None for an unknown form."""
    t = (detainer_type or "").upper().replace("-", "")
    if t.startswith("I247N"):
        return "release_notification", "notification_request"
    if t.startswith("I247"):
        return "detainer_hold", "detainer_request"
    return None


def agency_response(reason: str | None) -> str:
    """What the record says happened: ``declined`` (Detainer Declined by LEA), ``booked``
    (Booked into Detention: ICE took custody), ``open`` (blank), ``other`` (lifted,
    prosecutorial discretion, transferred, ...)."""
    if not reason:
        return "open"
    if reason == "Detainer Declined by LEA":
        return "declined"
    if reason == "Booked into Detention":
        return "booked"
    return "other"


@dataclass
class History:
    """``records``: one row per input record with its mapping and legal answer
    (columns: the input's, ``ocd_id``, ``entity``, ``match``, ``action``,
    ``response``, ``outcome``, ``possible`` (outcomes a conditional answer can take,
    |-joined), ``depends_on``, ``citations``); ``as_of_range`` the dates covered."""

    records: pl.DataFrame

    @property
    def match_rate(self) -> float:
        """Share of records whose facility was mapped to a government (0..1)."""
        n = self.records.height
        return float(self.records["ocd_id"].is_not_null().sum()) / n if n else 0.0

    def by_state(self) -> pl.DataFrame:
        """Per state: records, mapped, legal answers (counts by outcome and the possible
        outcomes of conditional ones), and what the agencies did."""
        return _summarise(self.records, ["state"])

    def by_facility(self) -> pl.DataFrame:
        """Per facility (mapped or not): the same columns as :meth:`by_state`."""
        return _summarise(self.records, ["state", "detainer_detention_facility", "ocd_id", "match"])


def _summarise(df: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    resp = pl.col("response")
    return (df.group_by(keys).agg(
        pl.len().alias("records"),
        pl.col("ocd_id").is_not_null().sum().alias("mapped"),
        (pl.col("outcome") == "prohibited").sum().alias("law_prohibited"),
        (pl.col("outcome") == "required").sum().alias("law_required"),
        (pl.col("outcome") == "permitted").sum().alias("law_permitted"),
        (pl.col("outcome") == "conditional").sum().alias("law_conditional"),
        pl.col("possible").drop_nulls().unique().sort().str.join(", ").alias("legal_answers"),
        (resp == "declined").sum().alias("declined"),
        (resp == "booked").sum().alias("booked"),
        (resp == "other").sum().alias("other_lift"),
        (resp == "open").sum().alias("open"),
        ((resp == "booked") & (pl.col("outcome") == "prohibited")).sum().alias("booked_where_law_prohibited"),
        ((resp == "declined") & (pl.col("outcome") == "required")).sum().alias("declined_where_law_required"),
    ).sort(["records"], descending=True))


def evaluate_records(engine, df: pl.DataFrame, progress=None) -> History:
    """Map and answer every record of ``df`` (from :func:`read_records`). Unmapped
    records and records of an unknown form are kept with a null ``outcome``. Each
    distinct (government, entity, form, date) is evaluated once (``evaluate_many``).
    ``progress(n)`` is called as chunks are evaluated."""
    matcher = FacilityMatcher(engine.registry)
    facilities = df.select("detainer_detention_facility", "state", "city").unique()
    rows = {"detainer_detention_facility": [], "state": [], "city": [], "ocd_id": [], "entity": [], "match": []}
    for fac, state, city in facilities.iter_rows():
        m = matcher.match(fac, state, city)
        for k, v in (("detainer_detention_facility", fac), ("state", state), ("city", city), ("ocd_id", m.ocd_id),
                     ("entity", m.entity), ("match", m.method)):
            rows[k].append(v)
    mapping = pl.DataFrame(rows, schema={k: pl.String for k in rows})
    keys = ["detainer_detention_facility", "state", "city"]
    df = df.join(mapping, on=keys, how="left", nulls_equal=True, maintain_order="left")
    df = df.with_columns(
        pl.col("detainer_type").map_elements(lambda t: (action_of(t) or (None, None))[0], return_dtype=pl.String).alias("action"),
        pl.col("detainer_lift_reason").map_elements(agency_response, return_dtype=pl.String, skip_nulls=False).alias("response"),
    )
    todo = (df.filter(pl.col("ocd_id").is_not_null() & pl.col("action").is_not_null() & pl.col("prepare_date").is_not_null())
            .select("ocd_id", "entity", "action", "prepare_date").unique())
    # One evaluation per (government, entity, form, period of the corpus, 287(g) agreement
    # the engine would supply): dates in one period have the same provisions in force.
    agreements = getattr(engine, "agreements", None)
    keys_of: list[tuple] = []
    reps: dict[tuple, dict] = {}
    for ocd, entity, action, day in todo.iter_rows():
        date = dt.date.fromisoformat(day)
        agreement = agreements.lookup(ocd, entity, date) if agreements is not None else None
        key = (ocd, entity, action, engine.corpus.period(date), agreement.model.value if agreement else None)
        keys_of.append(key)
        if key not in reps:
            instrument = "detainer_request" if action == "detainer_hold" else "notification_request"
            reps[key] = {"responder": {"jurisdiction": ocd, "entity": entity}, "requester": "ice_ero", "action": action,
                         "instrument": instrument, "subject": {"role": "in_custody"}, "presume": False,
                         "context": {"location": "jail", "purpose": "civil_immigration_enforcement",
                                     "hours_held_past_release": 0, "date": day}}
    keys, requests = list(reps), list(reps.values())
    found: dict[tuple, tuple] = {}
    chunk = 500
    for i in range(0, len(requests), chunk):
        for key, d in zip(keys[i:i + chunk], engine.evaluate_many(requests[i:i + chunk])):
            if not hasattr(d, "outcome"):
                found[key] = (None, None, None, None)
                continue
            outcomes = sorted({a.outcome.value for a in d.alternatives}) if d.alternatives else [d.outcome.value]
            found[key] = (d.outcome.value, "|".join(outcomes), ";".join(m.fact for m in d.depends_on),
                          ";".join(c.id for c in d.citations))
        if progress:
            progress(len(requests[i:i + chunk]))
    answers: dict[str, list] = {"outcome": [], "possible": [], "depends_on": [], "citations": []}
    for key in keys_of:
        for name, value in zip(answers, found[key]):
            answers[name].append(value)
    decided = todo.with_columns(*[pl.Series(k, v, dtype=pl.String) for k, v in answers.items()])
    df = df.join(decided, on=["ocd_id", "entity", "action", "prepare_date"], how="left", nulls_equal=False,
                 maintain_order="left")
    return History(df)


def write_report(history: History, path: str, source: str, engine) -> None:
    """Write ``history`` to ``path``: ``.parquet`` (one row per record) or ``.html``
    (summary, match rate, by state, by facility). Raises ValueError naming ``--out``
    for another extension."""
    if path.endswith(".parquet"):
        history.records.write_parquet(path)
    elif path.endswith((".html", ".htm")):
        from .report import render_html

        render_html(history, path, source, engine)
    else:
        raise ValueError(f"--out: '{path}' must end in .html or .parquet")


def date_range(history: History) -> tuple[dt.date | None, dt.date | None]:
    """First and last prepare date in the records (None when there are none)."""
    days = history.records["prepare_date"].drop_nulls()
    if days.is_empty():
        return None, None
    return dt.date.fromisoformat(days.min()), dt.date.fromisoformat(days.max())
