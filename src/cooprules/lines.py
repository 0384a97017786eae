"""JSON Lines of requests in, JSON Lines of answers out, streamed (``cooprules evaluate``).

A line ends at ``\\n`` only: a raw U+2028, U+2029 or U+0085 inside a JSON string is
part of its line (``str.splitlines`` would split there and shift every later answer).
Each line is read and decoded on its own (at most :data:`MAX_LINE_BYTES`; one bad
byte spoils only its line), each failure is answered on its line, in order, and the
answers are written and flushed batch by batch as they are made: the first answers of a
large file come after the first batch, and memory stays bounded by a batch.
"""

from __future__ import annotations

import json
import queue
import threading
from dataclasses import dataclass
from typing import IO, Any, Callable, Iterator

from .errors import MAX_REQUEST_BYTES, CorpusError, FieldError, RequestError

#: Longest line read (bytes, without its line end); a longer line is answered with an
#: error and skipped to its end without being kept in memory.
MAX_LINE_BYTES = MAX_REQUEST_BYTES
#: Most lines answered in one batch (one ``evaluate_many`` call, one write and flush).
BATCH_LINES = 1000
#: Lines read ahead of the answers (bounds memory when answering is slower than reading).
READ_AHEAD = 4 * BATCH_LINES


@dataclass
class Line:
    """One input line: its number (from 1), its text, or the error that stands for it."""

    number: int
    text: str | None = None
    error: RequestError | None = None


def _chunks(stream: IO[bytes]) -> Iterator[bytes]:
    """What the stream has, as it comes (``read1`` where there is one: a pipe's bytes
    are passed on without waiting for a full buffer)."""
    read = getattr(stream, "read1", None) or stream.read
    while True:
        chunk = read(1 << 16)
        if not chunk:
            return
        yield chunk


def _too_long(number: int, size: int, limit: int) -> Line:
    return Line(number, error=RequestError([FieldError("request", f"request is {size} bytes; the limit is {limit}")]))


def _line(number: int, raw: bytes, limit: int) -> Line:
    raw = raw[:-1] if raw.endswith(b"\r") else raw
    if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if len(raw) > limit:
        return _too_long(number, len(raw), limit)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return Line(number, error=RequestError([FieldError(
            "request", f"not UTF-8: byte 0x{raw[exc.start]:02x} at column {exc.start + 1}")]))
    return Line(number, text=text if text.strip() else "{}")


def read_lines(stream: IO[bytes], limit: int = MAX_LINE_BYTES) -> Iterator[Line]:
    """The lines of a binary ``stream``, split on ``\\n`` only (a final ``\\r`` dropped,
    a UTF-8 byte-order mark on the first line dropped). A line that is not UTF-8 or
    longer than ``limit`` bytes comes with its error instead of its text (a long line
    is skipped, never held in memory); a blank line is read as ``{}`` (a request
    missing every field). Raises OSError from the stream."""
    number = 0
    buf = bytearray()
    skipped: int | None = None  # bytes of a too-long line seen so far
    for chunk in _chunks(stream):
        start = 0
        while True:
            end = chunk.find(b"\n", start)
            piece = chunk[start:] if end < 0 else chunk[start:end]
            if skipped is not None:
                skipped += len(piece)
            else:
                buf += piece
                if len(buf) > limit + 4:  # past any line we would read: stop keeping it
                    skipped, buf = len(buf), bytearray()
            if end < 0:
                break
            number += 1
            if skipped is not None:
                yield _too_long(number, skipped, limit)
                skipped = None
            else:
                yield _line(number, bytes(buf), limit)
                buf.clear()
            start = end + 1
    if skipped is not None:
        yield _too_long(number + 1, skipped, limit)
    elif buf:
        yield _line(number + 1, bytes(buf), limit)


def _reader(stream: IO[bytes], out: "queue.Queue[Any]") -> None:
    """Read lines into ``out`` on a thread; ``None`` marks the end, an OSError a failure."""
    try:
        for line in read_lines(stream):
            out.put(line)
        out.put(None)
    except (OSError, ValueError) as exc:
        out.put(exc)


def batches(stream: IO[bytes], stop: Callable[[], bool] = lambda: False,
            size: int = BATCH_LINES) -> Iterator[list[Line]]:
    """Lines of ``stream`` in batches: whatever has been read when the previous batch is
    answered (at least one line, at most ``size``), so a slow producer gets each
    answer as soon as its line is in and a fast one gets full batches. Stops early
    when ``stop()`` turns true. Raises OSError when reading fails (after the lines read
    before the failure)."""
    lines: "queue.Queue[Any]" = queue.Queue(maxsize=READ_AHEAD)
    threading.Thread(target=_reader, args=(stream, lines), daemon=True, name="cooprules-read").start()
    done = False
    while not done and not stop():
        try:
            item = lines.get(timeout=0.2)
        except queue.Empty:
            continue
        batch: list[Line] = []
        while True:
            if item is None:
                done = True
                break
            if isinstance(item, Exception):
                if batch:
                    yield batch
                raise item
            batch.append(item)
            if len(batch) >= size:
                break
            try:
                item = lines.get_nowait()
            except queue.Empty:
                break
        if batch:
            yield batch


def answer(engine: Any, batch: list[Line], as_of: Any = None,
           fields: tuple[str, ...] | None = None) -> list[tuple[bool, str]]:
    """Answer one batch: ``(ok, json_text)`` per line, in order. A line's ``id`` (or
    ``ref``) is taken off before validation and echoed first on its answer
    (:mod:`cooprules.batchids`); ``fields`` limits a decision to those fields (``None``:
    all). A line the engine rejects gets ``{"line": n, "id"?: ..., "error":
    "invalid_request", "errors": [...]}``; should the engine fail on some line for
    another reason (a defect of ours), that line alone gets ``{"line": n, "error":
    "internal", ...}`` and the others are answered."""
    from .batchids import decision_json, split_id

    ids: dict[int, Any] = {}
    found: dict[int, Any] = {}
    todo: list[tuple[Line, Any]] = []
    for line in batch:
        if line.error is not None:
            continue
        ident, request, problem = split_id(line.text or "")
        ids[line.number] = ident
        if problem is not None:
            found[line.number] = problem
        else:
            todo.append((line, request))
    try:
        results = engine.evaluate_many([request for _, request in todo], as_of=as_of)
        found.update({line.number: r for (line, _), r in zip(todo, results)})
    except Exception:  # answer one by one, so only the failing line is lost
        for line, request in todo:
            try:
                found[line.number] = engine.evaluate(request, as_of)
            except (RequestError, CorpusError) as exc:
                found[line.number] = exc
            except Exception as exc:  # noqa: BLE001 - a defect: reported on its line, never fatal
                found[line.number] = exc
    out = []
    for line in batch:
        item = line.error or found.get(line.number)
        ident = ids.get(line.number)
        head = {"line": line.number, **({ident[0]: ident[1]} if ident else {})}
        if isinstance(item, (RequestError, CorpusError)):  # a failing rule: named with its file
            out.append((False, json.dumps({**head, **item.as_dict()})))
        elif isinstance(item, Exception) or item is None:
            out.append((False, json.dumps({**head, "error": "internal", "errors": [
                {"field": "request", "message": f"internal error ({type(item).__name__}); the line was not answered"}]})))
        else:
            out.append((True, decision_json(item, fields, ident)))
    return out
