"""HTTP benchmark: decisions per second and latency (p50, p99) of ``POST /v1/decisions``
against ``cooprules serve`` on the loopback interface.

Method: start ``cooprules serve --no-web --workers W`` on 127.0.0.1 and a free port;
warm it with every request once; then a load tool keeps C connections busy for D
seconds, cycling through the scenario files' requests (``tests/scenarios``, several
hundred distinct requests; after the warm-up the engine answers them from its decision
cache, as it would a busy office's repeated questions). The load tool is Debian's
``wrk`` with a Lua script for POST when installed, else a Python asyncio client (raw
HTTP/1.1 keep-alive; slower, so it measures less than the server can do). The load
tool shares the 2 cores with the server. Bounded: each run stops after D seconds, and
only 127.0.0.1 is ever contacted.

    .venv/bin/python benchmarks/bench_http.py [--workers 1] [--connections 16] [--seconds 10] [--tool wrk|python]

Target (issue "Front-line web page and HTTP API"): >= 2,000 decisions/s, p99 <= 25 ms.
"""

from __future__ import annotations

from _serve import wait_healthy

import argparse
import asyncio
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLI = Path(sys.executable).with_name("cooprules")

LUA = r"""
local bodies = {}
local i = 0
init = function(args)
  for line in io.lines(args[1]) do bodies[#bodies + 1] = line end
end
request = function()
  i = i % #bodies + 1
  return wrk.format("POST", "/v1/decisions", {["Content-Type"] = "application/json"}, bodies[i])
end
done = function(summary, latency, requests)
  io.write(string.format("JSON {\"requests\": %d, \"seconds\": %f, \"p50_us\": %d, \"p90_us\": %d, \"p99_us\": %d, \"max_us\": %d, \"errors\": %d, \"non2xx\": %d}\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
"""


def bodies() -> list[str]:
    """The scenario files' requests as JSON lines (the request mix of the benchmark)."""
    sys.path.insert(0, str(ROOT / "src"))
    from cooprules.scenarios import load_scenarios

    return [json.dumps(c.request, separators=(",", ":")) for c in load_scenarios(ROOT / "tests" / "scenarios")]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, workers: int) -> subprocess.Popen:
    proc = subprocess.Popen([str(CLI), "serve", "--no-web", "--rate-limit", "0", "--host", "127.0.0.1", "--port", str(port),
                             "--workers", str(workers)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return wait_healthy(proc, port)


def warm(port: int, lines: list[str], rounds: int) -> None:
    """Send every request ``rounds`` times (each worker process fills its own cache)."""
    for _ in range(rounds):
        for line in lines:
            req = urllib.request.Request(f"http://127.0.0.1:{port}/v1/decisions", data=line.encode(),
                                         headers={"Content-Type": "application/json"})
            with urllib.request.urlopen(req, timeout=10) as r:
                r.read()


def run_wrk(port: int, lines: list[str], connections: int, seconds: int, threads: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        script, data = Path(tmp, "post.lua"), Path(tmp, "bodies.jsonl")
        script.write_text(LUA)
        data.write_text("\n".join(lines) + "\n")
        out = subprocess.run(["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s",
                              "--timeout", "5s", "-s", str(script), f"http://127.0.0.1:{port}", "--", str(data)],
                             capture_output=True, text=True, timeout=seconds + 60)
    found = re.search(r"^JSON (\{.*\})$", out.stdout, re.M)
    if not found:
        raise SystemExit("wrk failed: " + out.stdout + out.stderr)
    raw = json.loads(found.group(1))
    return {"tool": "wrk", "requests": raw["requests"], "seconds": raw["seconds"],
            "p50_ms": raw["p50_us"] / 1000, "p90_ms": raw["p90_us"] / 1000, "p99_ms": raw["p99_us"] / 1000,
            "max_ms": raw["max_us"] / 1000, "errors": raw["errors"] + raw["non2xx"]}


async def _client(port: int, payloads: list[bytes], stop: float, lat: list[float], errors: list[int]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    i = 0
    while time.perf_counter() < stop:
        body = payloads[i % len(payloads)]
        i += 1
        t0 = time.perf_counter()
        writer.write(b"POST /v1/decisions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                     b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        head = await reader.readuntil(b"\r\n\r\n")
        length = int(re.search(rb"(?i)content-length: (\d+)", head).group(1))
        await reader.readexactly(length)
        lat.append(time.perf_counter() - t0)
        if not head.startswith(b"HTTP/1.1 200"):
            errors.append(1)
    writer.close()


def run_python(port: int, lines: list[str], connections: int, seconds: int) -> dict:
    payloads = [line.encode() for line in lines]
    lat: list[float] = []
    errors: list[int] = []

    async def main() -> float:
        start = time.perf_counter()
        stop = start + seconds
        await asyncio.gather(*[_client(port, payloads[i:] + payloads[:i], stop, lat, errors) for i in range(connections)])
        return time.perf_counter() - start

    took = asyncio.run(main())
    q = statistics.quantiles(lat, n=100)
    return {"tool": "python-asyncio", "requests": len(lat), "seconds": took, "p50_ms": q[49] * 1000,
            "p90_ms": q[89] * 1000, "p99_ms": q[98] * 1000, "max_ms": max(lat) * 1000, "errors": len(errors)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--threads", type=int, default=1, help="wrk threads")
    ap.add_argument("--tool", choices=["wrk", "python"], default="wrk" if shutil.which("wrk") else "python")
    args = ap.parse_args()
    if args.seconds > 120 or args.connections > 512:
        raise SystemExit("bounded: at most 120 seconds and 512 connections")
    lines = bodies()
    port = free_port()
    server = start_server(port, args.workers)
    try:
        warm(port, lines, rounds=2 * args.workers)
        if args.tool == "wrk":
            res = run_wrk(port, lines, args.connections, args.seconds, args.threads)
        else:
            res = run_python(port, lines, args.connections, args.seconds)
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
    rate = res["requests"] / res["seconds"]
    print(f"POST /v1/decisions  loopback, {os.cpu_count()} cores, server workers={args.workers}, "
          f"connections={args.connections}, {args.seconds}s, load tool={res['tool']}, "
          f"{len(lines)} distinct scenario requests (warm cache)")
    print(f"  decisions/s: {rate:,.0f}   requests: {res['requests']:,}   errors: {res['errors']}")
    print(f"  latency ms:  p50 {res['p50_ms']:.2f}   p90 {res['p90_ms']:.2f}   p99 {res['p99_ms']:.2f}   "
          f"max {res['max_ms']:.2f}")
    met = rate >= 2000 and res["p99_ms"] <= 25
    print(f"  target >= 2,000/s and p99 <= 25 ms: {'met' if met else 'NOT met'}")


if __name__ == "__main__":
    main()
