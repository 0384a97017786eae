"""Reading a request body with a size bound: oversized bodies are refused (413)
before they are parsed, and never read past the bound."""

from __future__ import annotations

from fastapi import Request


class TooLarge(Exception):
    """The body is larger than ``limit`` bytes."""

    def __init__(self, limit: int, size: int | None = None):
        self.limit, self.size = limit, size
        shown = f"{size} bytes" if size is not None else "more than the limit"
        super().__init__(f"body is {shown}; the limit is {limit} bytes")


async def read_bounded(request: Request, limit: int) -> bytes:
    """The whole body of ``request``, at most ``limit`` bytes.

    Raises :class:`TooLarge` when ``Content-Length`` says more than ``limit`` or when
    the streamed body passes it (chunked uploads).
    """
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise TooLarge(limit, int(declared))
    chunks: list[bytes] = []
    total = 0
    async for chunk in request.stream():
        total += len(chunk)
        if total > limit:
            raise TooLarge(limit)
        chunks.append(chunk)
    return b"".join(chunks)
