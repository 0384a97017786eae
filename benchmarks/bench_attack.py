"""Attack benchmark: latency of legitimate ``POST /v1/decisions`` while an attacker mix
runs against ``cooprules serve`` on the loopback interface (issue 10).

Method: start ``cooprules serve`` (this checkout's source) on 127.0.0.1 and a free port,
once with its default per-client rate limit and once with ``--rate-limit 0`` (the
worst case: nothing throttles the attacker), and send every legitimate request once
(the decision cache of a running office). Legitimate clients (``--clients``, from
127.0.0.1, 127.0.0.3, ...) each send scenario requests on a keep-alive connection at
``--rate`` requests per second; their latencies are recorded. The attacker, from
127.0.0.2 (another loopback address, so the per-client limit tells them apart), sends
every second:

* 10 "stalling" batches of 100 well-formed but unknown jurisdiction ids (each id new,
  so nothing is cached; this cost ~100 ms of "did you mean" per id before the fix);
* 10 bodies with a form content type (``text/plain``), as a cross-site form would;
* 10 guided-page and search requests with %-format strings (``%s%s``, ``%(x)s``, ``%d``);
* and it holds 50 connections that send half a request line and stall.

Each phase measures legitimate p50/p99/max and status counts, and the attacker's
status counts. Bounded: under a minute in all (``--seconds`` per attacked phase), only
127.0.0.x is contacted. The machine's 2 cores are shared with the client and, on a
developer machine, with other work: say so with the figures.

    .venv/bin/python benchmarks/bench_attack.py [--seconds 15] [--clients 4] [--rate 40]

Target (issue 10): legitimate p99 < 50 ms with 10 stalling batches a second, on 2 cores.
"""

from __future__ import annotations

from _serve import wait_healthy

import argparse
import asyncio
import itertools
import json
import os
import random
import socket
import statistics
import string
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
ATTACKER = "127.0.0.2"


def bodies() -> list[bytes]:
    """The scenario files' requests (the legitimate mix)."""
    sys.path.insert(0, str(ROOT / "src"))
    from cooprules.scenarios import load_scenarios

    return [json.dumps(c.request, separators=(",", ":")).encode() for c in load_scenarios(ROOT / "tests" / "scenarios")]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, rate_limit: str | None) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    args = [sys.executable, "-m", "cooprules.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    if rate_limit is not None:
        args += ["--rate-limit", rate_limit]
    proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return wait_healthy(proc, port)


class Conn:
    """One keep-alive HTTP/1.1 connection from a chosen source address."""

    def __init__(self, port: int, source: str):
        self.port, self.source = port, source
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, body: bytes = b"", ctype: str = "application/json",
                      timeout: float = 30.0) -> int:
        if self.writer is None or self.writer.is_closing():
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port,
                                                                     local_addr=(self.source, 0))
        head = f"{method} {path} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: {ctype}\r\ncontent-length: {len(body)}\r\n\r\n"
        self.writer.write(head.encode() + body)
        try:
            return await asyncio.wait_for(self._response(), timeout)
        except (OSError, asyncio.IncompleteReadError, asyncio.TimeoutError):
            self.close()
            return 0

    async def _response(self) -> int:
        assert self.reader is not None
        status = int((await self.reader.readline()).split()[1])
        length, close = 0, False
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            if name.lower() == "content-length":
                length = int(value)
            elif name.lower() == "connection" and "close" in value.lower():
                close = True
        await self.reader.readexactly(length)
        if close:
            self.close()
        return status

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.writer = None


async def legit(port: int, source: str, reqs: list[bytes], rate: float, until: float,
                latencies: list[float], codes: Counter) -> None:
    conn = Conn(port, source)
    start = random.random() / rate
    await asyncio.sleep(start)
    for body in itertools.cycle(reqs):
        if time.monotonic() >= until:
            break
        t0 = time.perf_counter()
        code = await conn.request("POST", "/v1/decisions", body)
        latencies.append(time.perf_counter() - t0)
        codes[code] += 1
        await asyncio.sleep(max(0.0, 1 / rate - (time.perf_counter() - t0)))
    conn.close()


def _unknown_batch(n: int = 100) -> bytes:
    reqs = []
    for _ in range(n):
        name = "".join(random.choices(string.ascii_lowercase, k=12))
        state = random.choice(["tx", "ca", "ny", "fl", "il"])
        reqs.append({"responder": {"jurisdiction": f"ocd-division/country:us/state:{state}/place:{name}",
                                   "entity": "police"}, "requester": "ice_ero", "action": "detainer_hold",
                     "instrument": "detainer_request"})
    return json.dumps({"requests": reqs}).encode()


FORMATS = ["%s%s", "%(x)s", "%d", "%", "%(Jane Roe)s"]


KINDS = ("batch", "form", "format", "slowloris")


async def attacker(port: int, until: float, codes: Counter, kinds: tuple[str, ...] = KINDS) -> None:
    """10 stalling batches, 10 form posts and 10 %-format page requests a second, each
    kind on its own connection and schedule (a late answer does not slow the others)."""

    async def every(period: float, make) -> None:
        pending: set[asyncio.Task] = set()
        next_at = time.monotonic()
        while time.monotonic() < until:
            task = asyncio.create_task(make())
            pending.add(task)
            task.add_done_callback(pending.discard)
            next_at += period
            await asyncio.sleep(max(0.0, next_at - time.monotonic()))
        for task in list(pending):
            task.cancel()

    async def batch() -> None:
        codes["batch " + str(await Conn(port, ATTACKER).request("POST", "/v1/decisions/batch", _unknown_batch()))] += 1

    async def form() -> None:
        conn = Conn(port, ATTACKER)
        codes["form " + str(await conn.request("POST", "/v1/decisions", b"x=1", ctype="text/plain"))] += 1
        conn.close()

    async def fmt() -> None:
        conn = Conn(port, ATTACKER)
        f = quote(random.choice(FORMATS), safe="")
        path = random.choice([f"/ask?jurisdiction={f}&entity={f}", f"/v1/jurisdictions?q={f}"])
        codes["format " + str(await conn.request("GET", path))] += 1
        conn.close()

    jobs = {"batch": lambda: every(0.1, batch), "form": lambda: every(0.1, form), "format": lambda: every(0.1, fmt),
            "slowloris": lambda: _slowloris(port, until, codes)}
    await asyncio.gather(*(jobs[k]() for k in kinds))


async def _slowloris(port: int, until: float, codes: Counter, count: int = 50) -> None:
    """Hold ``count`` connections that send half a request line; reopen those the
    server closes. Counts how many the server cut off."""
    async def one() -> None:
        while time.monotonic() < until:
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", port, local_addr=(ATTACKER, 0))
                writer.write(b"GET /v1/health HTTP/1.1\r\nhost: x\r\n")
                await asyncio.wait_for(reader.read(), max(0.1, until - time.monotonic()))
                codes["slowloris cut off"] += 1
                writer.close()
            except (OSError, asyncio.TimeoutError):
                pass

    await asyncio.gather(*(one() for _ in range(count)))


async def warm(port: int, reqs: list[bytes], sources: int = 10) -> None:
    """Every legitimate request once (a running office's decision cache), from
    ``sources`` addresses (127.0.0.10 on) so that the per-client limit lets them by."""
    async def one(i: int) -> None:
        conn = Conn(port, f"127.0.0.{10 + i}")
        for body in reqs[i::sources]:
            await conn.request("POST", "/v1/decisions", body)
        conn.close()

    await asyncio.gather(*(one(i) for i in range(sources)))


def summary(latencies: list[float], codes: Counter) -> dict:
    lat = sorted(latencies)
    q = statistics.quantiles(lat, n=100) if len(lat) >= 2 else [float("nan")] * 99
    return {"requests": len(lat), "p50_ms": round(q[49] * 1000, 1), "p99_ms": round(q[98] * 1000, 1),
            "max_ms": round(lat[-1] * 1000, 1) if lat else None, "codes": dict(codes)}


async def phase(port: int, reqs: list[bytes], seconds: float, clients: int, rate: float, attack: bool,
                kinds: tuple[str, ...] = KINDS) -> dict:
    until = time.monotonic() + seconds
    latencies: list[float] = []
    codes: Counter = Counter()
    hostile: Counter = Counter()
    sources = ["127.0.0.1"] + [f"127.0.0.{i}" for i in range(3, 2 + clients)]
    tasks = [legit(port, src, reqs[i::clients], rate, until, latencies, codes) for i, src in enumerate(sources)]
    if attack:
        tasks.append(attacker(port, until, hostile, kinds))
    await asyncio.gather(*tasks)
    out = summary(latencies, codes)
    if attack:
        out["attacker"] = dict(sorted(hostile.items()))
    return out


def run(args: argparse.Namespace) -> None:
    reqs = bodies()
    random.seed(10)
    results = {}
    plan = [(None, [("default rate limit, no attack", False, args.seconds / 2),
                    ("default rate limit, attack", True, args.seconds)]),
            ("0", [("rate limit off, attack", True, args.seconds)])]
    for limit, phases in plan:
        port = free_port()
        server = start_server(port, limit)
        try:
            asyncio.run(warm(port, reqs))
            for label, attacked, seconds in phases:
                results[label] = asyncio.run(phase(port, reqs, seconds, args.clients, args.rate, attacked,
                                                   tuple(args.only.split(","))))
                print(f"{label:>32}: {json.dumps(results[label])}", flush=True)
        finally:
            server.terminate()
            server.wait(10)
    load = os.getloadavg()
    print(f"{len(reqs)} distinct legitimate requests; {args.clients} clients x {args.rate:g} req/s; "
          f"cores: {os.cpu_count()}; load average (1, 5, 15 min) at the end: {load[0]:.1f}, {load[1]:.1f}, {load[2]:.1f}")
    worst = max(r["p99_ms"] for r in results.values())
    print(f"legitimate p99, worst measured phase: {worst} ms (target < 50 ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=15.0, help="length of each attacked phase")
    parser.add_argument("--clients", type=int, default=4, help="legitimate clients (one address each)")
    parser.add_argument("--rate", type=float, default=40.0, help="requests per second per legitimate client")
    parser.add_argument("--only", default=",".join(KINDS), help=f"attack kinds, comma-separated: {', '.join(KINDS)}")
    args = parser.parse_args()
    unknown = set(args.only.split(",")) - set(KINDS)
    if unknown:
        raise SystemExit(f"--only: {', '.join(sorted(unknown))} not an attack kind; allowed: {', '.join(KINDS)}")
    if args.seconds * 2.5 + 15 > 60:
        raise SystemExit("--seconds: keep the run within a minute (at most 18)")
    run(args)


if __name__ == "__main__":
    main()
