"""Memory benchmark: resident memory (RSS) under random valid traffic; asserts nothing.

    .venv/bin/python benchmarks/bench_memory.py [--requests 200000] [--jurisdictions 3000] [--cache-mb 256]
    .venv/bin/python benchmarks/bench_memory.py --http --seconds 180 [--threads 4]

In process (default): one :class:`cooprules.Engine` with its default cache budget
(``engine/memo.py``) answers N random valid requests (seeded) spread over J
jurisdictions drawn from the registry x every entity x every action, with random
dates (so random periods), facts complete or with some left out, presume on or off;
RSS is printed every N/20 requests with the caches' estimated bytes. The issue's bar:
under 1.5 GB, and flat over the second half (the script prints the growth over it).

``--http``: starts ``cooprules serve --no-web`` on 127.0.0.1 (a free port, rate limit
off), sends the same kind of requests from T client threads (``httpx``, keep-alive)
for S seconds, and prints the server's RSS every 10 s. Loopback only, bounded in time.
"""

from __future__ import annotations

from _serve import wait_healthy

import argparse
import datetime as dt
import os
import random
import socket
import subprocess
import sys
import threading
import time

from cooprules.vocabulary import (
    Action, Agreement287g, Entity, InfoType, Instrument, Location, OffenceCategory, Purpose, Requester, Role,
)

PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_mb(pid: int | str = "self") -> float:
    """Resident set size of process ``pid`` in MB (from /proc)."""
    with open(f"/proc/{pid}/statm") as f:
        return int(f.read().split()[1]) * PAGE / 2 ** 20


def pick(rng: random.Random, enum) -> str:
    return rng.choice(list(enum)).value


def random_request(rng: random.Random, places: list[str]) -> dict:
    """A valid request over ``places``: every entity and action, random dates and facts,
    some facts left out (partial evaluation), presume sometimes off."""
    action = pick(rng, Action)
    subject = {"role": pick(rng, Role), "minor": rng.random() < 0.2,
               "convictions": [{"category": pick(rng, OffenceCategory), "years_ago": rng.randint(0, 30)}
                               for _ in range(rng.choice([0, 0, 1, 2]))],
               "pending_charge": "none", "registered_sex_offender": rng.random() < 0.1,
               "federal_felony_warrant": rng.random() < 0.1, "final_removal_order": rng.random() < 0.2,
               "previously_removed": rng.random() < 0.2, "consent_given": rng.random() < 0.3,
               "proof_of_status_shown": rng.random() < 0.1}
    context = {"location": pick(rng, Location), "purpose": pick(rng, Purpose),
               "info_publicly_available": rng.random() < 0.3, "exigent_circumstances": rng.random() < 0.1,
               "hours_held_past_release": rng.choice([0, 12, 24, 47, 48, 49, 72]),
               "date": (dt.date(2012, 1, 1) + dt.timedelta(days=rng.randint(0, 5500))).isoformat()}
    req = {"responder": {"jurisdiction": rng.choice(places), "entity": pick(rng, Entity)},
           "requester": pick(rng, Requester), "action": action, "instrument": pick(rng, Instrument),
           "subject": subject, "context": context}
    if rng.random() < 0.5:
        req["responder"]["agreement_287g"] = pick(rng, Agreement287g)
    if rng.random() < 0.7:
        req["attachments"] = rng.choice([[], [], ["administrative_warrant_arrest"], ["judicial_warrant"]])
    if action == "information_sharing":
        req["info_type"] = pick(rng, InfoType)
    for key in rng.sample(list(subject), rng.choice([0, 0, 1, 2, 3])):
        del subject[key]
    for key in rng.sample([k for k in context if k != "date"], rng.choice([0, 0, 1, 2])):
        del context[key]
    if rng.random() < 0.15:
        req["presume"] = False
    return req


def places(count: int, seed: int) -> list[str]:
    from cooprules.jurisdictions import load_registry

    ids = sorted(load_registry().ids())
    return random.Random(seed).sample(ids, min(count, len(ids)))


def in_process(args) -> None:
    from cooprules import Engine

    t = time.perf_counter()
    engine = Engine(cache_mb=args.cache_mb)
    where = places(args.jurisdictions, args.seed)
    print(f"engine loaded in {time.perf_counter() - t:.1f} s; RSS {rss_mb():.0f} MB; cache budget "
          f"{engine.cache_mb:.0f} MB; {len(where)} jurisdictions x {len(Entity)} entities x {len(Action)} actions")
    rng = random.Random(args.seed)
    step = max(1, args.requests // 20)
    seen: list[tuple[int, float]] = []
    start = time.perf_counter()
    errors = 0
    for i in range(1, args.requests + 1):
        try:
            engine.evaluate(random_request(rng, where))
        except ValueError:
            errors += 1
        if i % step == 0:
            rss = rss_mb()
            seen.append((i, rss))
            caches = ", ".join(f"{name} {len(c):,} ({c.bytes / 2 ** 20:.0f} MB)" for name, c in
                               (("plans", engine._plans), ("decisions", engine._decisions),
                                ("resolutions", engine._resolved), ("boundaries", engine._boundaries)))
            print(f"{i:>8,} requests  {time.perf_counter() - start:7.0f} s  RSS {rss:7.0f} MB   {caches}", flush=True)
    half = [r for i, r in seen if i > args.requests // 2]
    print(f"peak RSS {max(r for _, r in seen):.0f} MB; second half: {min(half):.0f} to {max(half):.0f} MB "
          f"(growth {half[-1] - half[0]:+.0f} MB); {errors} requests refused; "
          f"{args.requests / (time.perf_counter() - start):,.0f} requests/s")


def over_http(args) -> None:
    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "COOPRULES_RATE_LIMIT": "0"}
    server = subprocess.Popen([sys.executable, "-m", "cooprules.cli", "serve", "--no-web", "--host", "127.0.0.1",
                               "--port", str(port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_healthy(server, port)
        where = places(args.jurisdictions, args.seed)
        print(f"server pid {server.pid} up; RSS {rss_mb(server.pid):.0f} MB; {args.threads} client threads, "
              f"{args.seconds} s")
        stop = time.monotonic() + args.seconds
        counts = {"ok": 0, "other": 0}
        latencies: list[float] = []
        lock = threading.Lock()

        def client(seed: int) -> None:
            rng = random.Random(seed)
            with httpx.Client(base_url=base, timeout=30) as c:
                while time.monotonic() < stop:
                    t = time.perf_counter()
                    r = c.post("/v1/decisions", json=random_request(rng, where))
                    with lock:
                        latencies.append(time.perf_counter() - t)
                        counts["ok" if r.status_code == 200 else "other"] += 1

        threads = [threading.Thread(target=client, args=(args.seed + k,)) for k in range(args.threads)]
        for th in threads:
            th.start()
        begin = time.monotonic()
        samples = []
        while any(th.is_alive() for th in threads):
            time.sleep(10)
            rss = rss_mb(server.pid)
            samples.append(rss)
            print(f"{time.monotonic() - begin:5.0f} s  RSS {rss:7.0f} MB  answered {counts['ok']:,} "
                  f"(other statuses {counts['other']:,})", flush=True)
        for th in threads:
            th.join()
        latencies.sort()
        p = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000  # noqa: E731
        print(f"peak server RSS {max(samples):.0f} MB; last {samples[-1]:.0f} MB; {counts['ok']:,} answered "
              f"({counts['ok'] / args.seconds:,.0f}/s), p50 {p(0.5):.0f} ms, p99 {p(0.99):.0f} ms")
    finally:
        server.terminate()
        server.wait(timeout=20)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200_000)
    parser.add_argument("--jurisdictions", type=int, default=3000)
    parser.add_argument("--cache-mb", type=float, default=None)
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--http", action="store_true")
    parser.add_argument("--seconds", type=int, default=180)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    over_http(args) if args.http else in_process(args)


if __name__ == "__main__":
    main()
