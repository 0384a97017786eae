"""``cooprules evaluate-table``: a large file of requests (Parquet or CSV, one request
per row in flat columns, optionally an ``id`` or ``ref`` column to join on) in, the
same rows (id kept) with :data:`RESULT_COLUMNS` out: ``outcome``, ``citations``,
``presumed``, ``unless``, ``depends_on``, ``duties`` and ``error``.

The file is read in batches (memory stays bounded); in each batch Polars finds the
distinct rows of facts (``unique``, nulls equal; the id is not a fact), each distinct
row not seen before is evaluated once by the engine (``Engine.evaluate_many``, or a
Dask cluster), and the answers are joined back onto every row in order. In Parquet the
new columns are Arrow lists of structs (:data:`NESTED_TYPES`); CSV has no nested
types, so there they are JSON text. Column meanings are in docs/analysis.md
(:data:`COLUMNS`).
"""

from __future__ import annotations

import datetime as dt
import time
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

import polars as pl

from ..errors import RequestError, did_you_mean
from ..vocabulary import Context, Subject


def _is_bool(annotation: Any) -> bool:
    """Whether a vocabulary field's type is a (strict, optional) boolean."""
    return annotation is bool or any(_is_bool(a) for a in typing.get_args(annotation))


#: The facts of a request's ``subject`` and ``context``, every field of
#: :class:`~cooprules.vocabulary.Subject` and :class:`~cooprules.vocabulary.Context`
#: (so that a fact the vocabulary gains is a column at once), as ``root.name``.
FACT_COLUMNS = [f"{root}.{name}" for root, model in (("subject", Subject), ("context", Context))
                for name in model.model_fields]
#: The flat columns of a request table. Required ones first.
REQUIRED = ["responder.jurisdiction", "responder.entity", "requester", "action", "instrument"]
OPTIONAL = ["responder.agreement_287g", "info_type", "attachments", *FACT_COLUMNS]
COLUMNS = REQUIRED + OPTIONAL
#: A row's join key (at most one of them): kept on the output as given, never a fact and
#: never a person's identifier (same rule as ``evaluate``'s ids: :mod:`cooprules.batchids`).
ID_COLUMNS = ["id", "ref"]
#: Columns added to the output.
RESULT_COLUMNS = ["outcome", "citations", "presumed", "unless", "depends_on", "duties", "error"]
#: The Polars types of the nested result columns (Arrow list<struct<...>> in Parquet).
NESTED_TYPES = {
    "presumed": pl.List(pl.Struct({"fact": pl.String, "value": pl.String})),
    "unless": pl.List(pl.Struct({"fact": pl.String, "values": pl.List(pl.String), "text": pl.String,
                                 "outcome": pl.String, "citations": pl.List(pl.String)})),
    "depends_on": pl.List(pl.Struct({"fact": pl.String, "values": pl.List(pl.Struct(
        {"value": pl.String, "outcomes": pl.List(pl.String)}))})),
    "duties": pl.List(pl.Struct({"text": pl.String, "cite": pl.String, "provision_id": pl.String,
                                 "trigger": pl.String})),
}

_BOOLS = {f"{root}.{name}" for root, model in (("subject", Subject), ("context", Context))
          for name, spec in model.model_fields.items() if _is_bool(spec.annotation)}
_TRUE = {"true", "1", "yes", "t", "y"}
_FALSE = {"false", "0", "no", "f", "n"}


class TableError(ValueError):
    """A request table that cannot be used (unreadable, unknown format or columns):
    names the option or column and the allowed values."""


@dataclass
class TableStats:
    """What a run did: ``rows`` read, ``distinct`` rows evaluated by the engine,
    ``invalid`` rows (an ``error`` in the output), ``seconds`` of wall time."""

    rows: int = 0
    distinct: int = 0
    invalid: int = 0
    seconds: float = 0.0


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def _bool(col: str, value: Any) -> Any:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise RequestError_(col, f"'{value}' is not true or false", ["true", "false"])


def RequestError_(col: str, message: str, allowed: list[str] | None = None):  # noqa: N802 - a constructor
    from ..errors import FieldError

    return RequestError([FieldError(col, message, None, allowed or [])])


def _number(col: str, value: Any) -> Any:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    try:
        text = str(value).strip()
        return float(text) if "." in text else int(text)
    except ValueError:
        raise RequestError_(col, f"'{value}' is not a number") from None


def row_to_request(row: dict[str, Any]) -> dict[str, Any]:
    """One flat row (column -> value; blank or null = not given) as a request dict in
    the vocabulary. Raises :class:`RequestError` naming the column for text that
    cannot be read (a bad boolean, number or conviction)."""
    g = row.get
    req: dict[str, Any] = {"responder": {"jurisdiction": g("responder.jurisdiction"), "entity": g("responder.entity")},
                           "requester": g("requester"), "action": g("action"), "instrument": g("instrument")}
    if not _blank(g("responder.agreement_287g")):
        req["responder"]["agreement_287g"] = g("responder.agreement_287g")
    if not _blank(g("info_type")):
        req["info_type"] = g("info_type")
    if not _blank(g("attachments")):  # "none": nothing came with the main paper; blank: not said
        req["attachments"] = [a.strip() for a in str(g("attachments")).split(";") if a.strip() and a.strip() != "none"]
    subject: dict[str, Any] = {}
    context: dict[str, Any] = {}
    for col, value in row.items():
        if _blank(value) or "." not in col or col.startswith("responder."):
            continue
        root, name = col.split(".", 1)
        target = subject if root == "subject" else context
        if col in _BOOLS:
            target[name] = _bool(col, value)
        elif col == "subject.convictions":
            target[name] = _convictions(str(value))
        elif col == "subject.pending_charge":
            target[name] = _pending(str(value))
        elif col == "context.hours_held_past_release":
            target[name] = _number(col, value)
        elif col == "context.date":
            target[name] = value.isoformat() if isinstance(value, dt.date) else str(value).strip()
        else:
            target[name] = value
    if subject:
        req["subject"] = subject
    if context:
        req["context"] = context
    return req


def _convictions(text: str) -> list[dict[str, Any]]:
    if text.strip().lower() == "none":
        return []
    out = []
    for part in text.split(";"):
        if not part.strip():
            continue
        cat, _, years = part.strip().partition(":")
        if not years:
            raise RequestError_("subject.convictions", f"'{part}': write CATEGORY:YEARS_AGO (e.g. violent_felony:4), "
                                ";-joined, or none")
        out.append({"category": cat, "years_ago": _number("subject.convictions", years)})
    return out


def _pending(text: str) -> Any:
    text = text.strip()
    if text.lower() == "none":
        return "none"
    cat, _, pc = text.partition(":")
    out: dict[str, Any] = {"category": cat}
    if pc:
        if pc not in ("pc", "nopc"):
            raise RequestError_("subject.pending_charge", f"'{text}': write CATEGORY, CATEGORY:pc or CATEGORY:nopc, or none")
        out["probable_cause_determined"] = pc == "pc"
    return out


def check_columns(columns: list[str]) -> None:
    """Raise :class:`TableError` for a column named twice, unknown columns (with "did
    you mean"), missing required ones, or both id columns (:data:`ID_COLUMNS`)."""
    twice = sorted({c for c in columns if columns.count(c) > 1})
    if twice:
        raise TableError("IN: column(s) " + ", ".join(f"'{c}' ({columns.count(c)} times)" for c in twice)
                         + " named more than once; name each column once")
    known = COLUMNS + ID_COLUMNS
    unknown = [c for c in columns if c not in known]
    if unknown:
        hints = [f"'{c}'" + (f" (did you mean '{did_you_mean(c, known)}'?)" if did_you_mean(c, known) else "")
                 for c in unknown]
        raise TableError(f"unknown column(s) {', '.join(hints)}; allowed: {', '.join(known)}")
    if all(c in columns for c in ID_COLUMNS):
        raise TableError("IN: columns 'id' and 'ref' both given; a row's join key is one column, id or ref")
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise TableError(f"missing required column(s) {', '.join(missing)}; required: {', '.join(REQUIRED)}")


def read_batches(path: str, batch_rows: int = 1_000_000) -> Iterator["pa.Table"]:
    """The table at ``path`` (``.parquet`` or ``.csv``) as Arrow tables of at most about
    ``batch_rows`` rows, text columns dictionary-encoded (CSV cells are read as text).
    Raises :class:`TableError` naming the input for an unreadable file, another
    extension or bad columns."""
    import pyarrow as pa

    p = Path(path)
    if not p.is_file():
        raise TableError(f"IN: cannot read '{path}': no such file")
    try:
        if path.endswith(".parquet"):
            import pyarrow.parquet as pq

            schema = pq.ParquetFile(path).schema_arrow
            names = schema.names
            check_columns(names)
            _check_types(schema)
            pf = pq.ParquetFile(path, read_dictionary=names)  # text columns stay dictionary-encoded
            pending, count, sent = [], 0, False
            for batch in pf.iter_batches(batch_size=batch_rows):  # at most one row group each
                pending.append(batch)
                count += batch.num_rows
                if count >= batch_rows:
                    yield _no_null_type(pa.Table.from_batches(pending))
                    pending, count, sent = [], 0, True
            if pending or not sent:  # no rows at all: one empty table, so the output has the schema
                yield _no_null_type(pa.Table.from_batches(pending, schema=None if pending else pf.schema_arrow))
        elif path.endswith(".csv"):
            check_columns(_csv_header(path))
            lf = pl.scan_csv(path, infer_schema=False)
            sent = False
            for df in lf.collect_batches(chunk_size=batch_rows):
                if df.height or not sent:
                    yield df.to_arrow()
                    sent = True
            if not sent:
                yield pl.DataFrame(schema={c: pl.String for c in lf.collect_schema().names()}).to_arrow()
        else:
            raise TableError(f"IN: '{path}' must end in .parquet or .csv")
    except TableError:
        raise
    except Exception as exc:  # pyarrow / polars read errors
        raise TableError(f"IN: cannot read '{path}': {exc}") from None


def _csv_header(path: str) -> list[str]:
    """The column names of a CSV file's first line, as written (Polars renames a
    repeated name ``NAME_duplicated_0``, which would hide the mistake)."""
    import csv
    import io

    with open(path, "rb") as fh:
        first = fh.readline(1 << 20)
    try:
        text = first.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TableError(f"IN: '{path}': the header line is not UTF-8") from None
    return next(csv.reader(io.StringIO(text)), [])


def _check_types(schema) -> None:
    """Raise :class:`TableError` for a Parquet column whose type cannot hold a fact
    (lists, structs, maps, binary)."""
    import pyarrow as pa

    for field in schema:
        t = field.type.value_type if pa.types.is_dictionary(field.type) else field.type
        if pa.types.is_nested(t) or pa.types.is_binary(t) or pa.types.is_large_binary(t):
            raise TableError(f"IN: column '{field.name}' is of type {t}; a column holds text, numbers, "
                             "booleans or dates (docs/analysis.md)")


def _no_null_type(table):
    """``table`` with every column of Arrow's null type (Polars writes an all-null
    column so) read as text: all its cells are blank, i.e. facts not given."""
    import pyarrow as pa

    for i, field in enumerate(table.schema):
        if pa.types.is_null(field.type):
            table = table.set_column(i, field.name, pa.nulls(table.num_rows, pa.string()))
    return table


class _Writer:
    """Writes batches to ``path + ".partial"`` on a background thread (one batch in
    flight: Arrow releases the GIL while encoding, so writing overlaps the next batch's
    work), and moves the file into place on a successful close."""

    def __init__(self, path: str):
        from concurrent.futures import ThreadPoolExecutor

        if not path.endswith((".parquet", ".csv")):
            raise TableError(f"--out: '{path}' must end in .parquet or .csv")
        self.path, self.tmp = path, path + ".partial"
        self.pq = None
        self.first = True
        self.pool = ThreadPoolExecutor(max_workers=1)
        self.pending = None

    def write(self, table) -> None:
        """Queue ``table`` for writing after the batch before it (errors surface here
        or at :meth:`close`)."""
        if self.pending is not None:
            self.pending.result()
        self.pending = self.pool.submit(self._write, table)

    def _write(self, table) -> None:
        if self.path.endswith(".parquet"):
            import pyarrow.parquet as pq

            if self.pq is None:
                self.pq = pq.ParquetWriter(self.tmp, table.schema, compression="lz4", write_statistics=False)
            self.pq.write_table(table.cast(self.pq.schema))
        else:
            with open(self.tmp, "w" if self.first else "a", encoding="utf-8") as fh:
                pl.from_arrow(table).write_csv(fh, include_header=self.first)  # type: ignore[union-attr]
        self.first = False

    def close(self, ok: bool) -> None:
        try:
            if self.pending is not None:
                self.pending.result()
        except Exception:
            ok = False
            raise
        finally:
            self.pool.shutdown(wait=True)
            self._finish(ok)

    def _finish(self, ok: bool) -> None:
        if self.pq is not None:
            self.pq.close()
        tmp = Path(self.tmp)
        if ok and tmp.exists():
            tmp.replace(self.path)
        elif tmp.exists():
            tmp.unlink()  # nothing half-written is kept


def evaluate_table(engine, src: str, out: str | None, as_of: dt.date | None = None, batch_rows: int = 1_000_000,
                   evaluate: Callable[[list[dict[str, Any]]], list[tuple[str, str]]] | None = None,
                   progress: Callable[[int], None] | None = None) -> TableStats:
    """Evaluate every row of ``src`` and write it, its ``id``/``ref`` column kept, with
    ``outcome``, ``citations`` (;-joined provision ids), ``presumed``, ``unless``,
    ``depends_on``, ``duties`` (lists of structs, :data:`NESTED_TYPES`; JSON text in a
    CSV) and ``error`` (null unless the row was invalid) to ``out`` (``.parquet`` or
    ``.csv``; ``None`` to discard, for benchmarks).

    ``as_of`` applies one date's law to every row (default: each row's
    ``context.date``, else today). ``evaluate(requests)`` replaces the local engine
    (e.g. a Dask cluster); it returns ``(outcome, citations)`` per request, with
    ``("invalid", message)`` for a request the engine rejects. ``progress(rows)`` is
    called after each batch. Returns :class:`TableStats`. Raises :class:`TableError`
    for an unreadable input or bad columns (a column named twice, unknown, missing or
    of a nested type); an all-null column (Arrow's null type) is read as blank. The
    output is written to a temporary file and moved into place only when complete; an
    input without rows gives an output without rows, with every column.
    """
    started = time.perf_counter()
    stats = TableStats()
    cache: dict[tuple, tuple] = {}
    writer = _Writer(out) if out else None
    ok = False
    try:
        for df in _prefetch(read_batches(src, batch_rows)):
            joined = _evaluate_batch(engine, df, cache, stats, as_of, evaluate,
                                     nested=not (out or "").endswith(".csv"))
            stats.rows += df.num_rows
            stats.invalid += joined.num_rows - joined.column("error").null_count
            if writer:
                writer.write(joined)
            if progress:
                progress(df.num_rows)
        ok = True
    finally:
        if writer:
            writer.close(ok)
    stats.seconds = time.perf_counter() - started
    return stats


def _prefetch(batches: Iterator[Any]) -> Iterator[Any]:
    """Read the next batch on a background thread while this one is worked on."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(next, batches, None)
        while True:
            batch = future.result()
            if batch is None:
                return
            future = pool.submit(next, batches, None)
            yield batch


def _evaluate_batch(engine, table, cache: dict, stats: TableStats, as_of, evaluate, nested: bool = True):
    """One batch (an Arrow table): the distinct rows of facts (Polars ``unique``, nulls
    equal, the id column left out), each distinct row not in ``cache`` evaluated once,
    answers joined back onto every row in order. Returns an Arrow table: the input's
    columns, then :data:`RESULT_COLUMNS` (nested ones as lists of structs, or JSON text
    when ``nested`` is false, for CSV). A row whose id is not acceptable gets its
    ``error`` and no answer."""
    from ..batchids import ID_PATTERN, MAX_ID_LENGTH, MAX_ID_NUMBER

    df = pl.from_arrow(table)
    assert isinstance(df, pl.DataFrame)
    df = df.with_columns(pl.col(pl.Categorical).cast(pl.String))
    id_col = next((c for c in ID_COLUMNS if c in df.columns), None)
    facts = [c for c in df.columns if c != id_col]
    distinct = df.select(facts).unique(maintain_order=True, keep="first")
    rows = distinct.rows()
    todo = [r for r in rows if r not in cache]
    _answer(engine, facts, todo, cache, as_of, evaluate)
    stats.distinct += len(todo)
    answers = [cache[r] for r in rows]
    columns: dict[str, pl.Series] = {}
    for i, name in enumerate(RESULT_COLUMNS):
        values = [a[i] for a in answers]
        if name in NESTED_TYPES:
            columns[name] = (pl.Series(name, values, dtype=NESTED_TYPES[name]) if nested else
                             pl.Series(name, [None if v is None else _json(v) for v in values], dtype=pl.String))
        else:
            columns[name] = pl.Series(name, values, dtype=pl.String)
    found = distinct.with_columns(**columns)
    out = df.join(found, on=facts, how="left", nulls_equal=True, maintain_order="left")
    if id_col is not None:
        ident = pl.col(id_col)
        if out.schema[id_col].is_integer():
            ok = ident.is_null() | ident.is_between(0, MAX_ID_NUMBER)
            why = f"{id_col}: a number id is a whole number from 0 to {MAX_ID_NUMBER}"
        else:
            text = ident.cast(pl.String)
            ok = ident.is_null() | text.str.contains("^" + ID_PATTERN.pattern + "$")
            why = (f"{id_col}: an id is letters, digits and . _ : - (starting with a letter or digit, at most "
                   f"{MAX_ID_LENGTH}); never a person's name or identifier")
        out = out.with_columns(
            *[pl.when(ok).then(pl.col(c)).otherwise(None).alias(c) for c in RESULT_COLUMNS if c != "error"],
            pl.when(ok).then(pl.col("error")).otherwise(pl.lit(why)).alias("error"))
    return out.to_arrow()


def _json(value: Any) -> str:
    import json

    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def result_values(d) -> tuple:
    """The :data:`RESULT_COLUMNS` values for one Decision (nested ones as lists of
    plain dicts), in that order."""
    return (d.outcome.value, ";".join(c.id for c in d.citations),
            [p.model_dump(mode="json") for p in d.presumed],
            [u.model_dump(mode="json") for u in d.unless],
            [m.model_dump(mode="json") for m in d.depends_on],
            [x.model_dump(mode="json") for x in d.duties],
            None)


def _answer(engine, cols: list[str], todo: list[tuple], cache: dict, as_of, evaluate) -> None:
    """Evaluate the distinct rows in ``todo`` and store their :data:`RESULT_COLUMNS`
    values. ``evaluate`` (a cluster) returns per request either all of them
    (:func:`result_values`) or ``(outcome, citations)``, whose rows then get no
    presumed, unless, depends_on or duties (null)."""
    requests, keys = [], []
    for row in todo:
        try:
            requests.append(row_to_request(dict(zip(cols, row))))
            keys.append(row)
        except RequestError as exc:
            cache[row] = (None,) * 6 + (str(exc),)
    if not requests:
        return
    if evaluate is not None:
        answers = evaluate(requests)
        for row, found in zip(keys, answers):
            if len(found) == len(RESULT_COLUMNS):
                cache[row] = tuple(found)
                continue
            outcome, cites = found
            cache[row] = ((None,) * 6 + (cites,)) if outcome == "invalid" else (outcome, cites) + (None,) * 5
        return
    for row, d in zip(keys, engine.evaluate_many(requests, as_of=as_of)):
        cache[row] = ((None,) * 6 + (str(d),)) if isinstance(d, RequestError) else result_values(d)


def flatten(request: dict[str, Any]) -> dict[str, Any]:
    """The inverse of :func:`row_to_request`: a request dict as one flat row with every
    column of :data:`COLUMNS` (``None`` for facts not given; booleans as text, so the
    row fits a CSV as well as a Parquet file)."""
    row: dict[str, Any] = {c: None for c in COLUMNS}
    responder = request.get("responder", {})
    row["responder.jurisdiction"] = responder.get("jurisdiction")
    row["responder.entity"] = responder.get("entity")
    row["responder.agreement_287g"] = responder.get("agreement_287g")
    for key in ("requester", "action", "instrument", "info_type"):
        row[key] = request.get(key)
    if request.get("attachments") is not None:
        row["attachments"] = ";".join(request["attachments"]) or "none"
    for root in ("subject", "context"):
        for name, value in (request.get(root) or {}).items():
            col = f"{root}.{name}"
            if value is None:
                continue
            if col == "subject.convictions":
                value = ";".join(f"{c['category']}:{c['years_ago']}" for c in value) or "none"
            elif col == "subject.pending_charge" and isinstance(value, dict):
                pc = value.get("probable_cause_determined")
                value = value["category"] + ("" if pc is None else (":pc" if pc else ":nopc"))
            elif isinstance(value, bool):
                value = "true" if value else "false"
            elif col == "context.hours_held_past_release":
                value = str(value)
            row[col] = value
    return row
