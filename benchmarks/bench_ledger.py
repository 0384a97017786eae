"""Ledger benchmark: records per second through ``POST /v1/ledger/records`` on SQLite
and PostgreSQL, and the time to draw the reports over 100,000 records.

Method, throughput: create a clerk account; start ``cooprules serve --no-web`` on
127.0.0.1 and a free port with ``COOPRULES_DATABASE_URL`` pointing at the database;
C client threads (httpx, keep-alive) post entries (five kinds of request a jail
receives, in turn) for D seconds; count the 201 answers (each one a committed
transaction: SQLite in WAL mode with synchronous=FULL, PostgreSQL with its default
fsync). The clients share the machine's cores with the server.

Method, reports: insert N records for one office spread over a year (rows built from
real answers to the five requests, written with one multi-row insert per 5,000; on
PostgreSQL then ``VACUUM ANALYZE``, as autovacuum would), then
time :func:`cooprules.ledger.reports.draw` for every report of the office (TRUTH Act
and SB 54) and for the TRUTH Act report alone, best of 3.

PostgreSQL: ``--postgres URL`` or ``COOPRULES_TEST_POSTGRES_URL`` (a fresh database is
created there); without one only SQLite is measured.

    .venv/bin/python benchmarks/bench_ledger.py [--seconds 10] [--clients 8] [--records 100000]

Targets (issue 12): >= 500 records/s; a report over 100,000 records in <= 2 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from tests.ledger.sample import KINDS, SD_OFFICE, request  # noqa: E402


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fresh_pg(admin: str) -> str:
    """A new empty database on the server at ``admin``; its SQLAlchemy URL."""
    import psycopg

    from cooprules.ledger.db import normalise_url

    name = "bench_" + uuid.uuid4().hex[:10]
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return normalise_url(admin.rsplit("/", 1)[0] + "/" + name)


def throughput(url: str, seconds: float, clients: int) -> tuple[float, int, int]:
    """(records/s, records acknowledged, errors) for ``seconds`` of load."""
    import httpx

    from cooprules.ledger import Ledger

    token = Ledger(url).add_account(f"bench{uuid.uuid4().hex[:6]}", "clerk", SD_OFFICE, None)
    port = _free_port()
    env = {**os.environ, "COOPRULES_DATABASE_URL": url, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.Popen([sys.executable, "-m", "cooprules.cli", "serve", "--port", str(port), "--no-web"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    headers = {"Authorization": f"Bearer {token}"}
    try:
        for _ in range(600):
            try:
                if httpx.get(f"{base}/v1/ledger/records?limit=1", headers=headers, timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        with httpx.Client() as http:  # warm the engine's decision cache
            for k in KINDS:
                http.post(f"{base}/v1/ledger/records", json=request(k), headers=headers)
        ok = [0] * clients
        bad = [0] * clients
        stop = time.monotonic() + seconds

        def client(n: int) -> None:
            with httpx.Client(timeout=30) as http:
                i = n
                while time.monotonic() < stop:
                    r = http.post(f"{base}/v1/ledger/records", json={"request": request(KINDS[i % len(KINDS)])},
                                  headers=headers)
                    if r.status_code == 201:
                        ok[n] += 1
                    else:
                        bad[n] += 1
                    i += 1

        start = time.monotonic()
        threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        took = time.monotonic() - start
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return sum(ok) / took, sum(ok), sum(bad)


def report_time(url: str, n: int) -> tuple[float, float, int]:
    """(seconds for every report of the office, seconds for the TRUTH Act alone,
    records counted) over ``n`` inserted records, best of 3."""
    import sqlalchemy as sa

    from cooprules import default_engine
    from cooprules.ledger import Ledger, reports
    from cooprules.ledger.models import events, records

    led = Ledger(url)
    clerk = led.by_token(led.add_account(f"c{uuid.uuid4().hex[:6]}", "clerk", SD_OFFICE, None))
    sup = led.by_token(led.add_account(f"s{uuid.uuid4().hex[:6]}", "supervisor", SD_OFFICE, None))
    engine = default_engine()
    templates = [led.record(clerk, request(k), engine) for k in KINDS]
    with led.engine.connect() as conn:
        rows = {r["uid"]: dict(r) for r in conn.execute(sa.select(records)).mappings()}
    protos = [rows[t["uid"]] for t in templates]
    rnd = random.Random(1)
    batch, ev = [], []
    with led.engine.begin() as conn:
        next_id = conn.execute(sa.select(sa.func.max(records.c.id))).scalar() + 1
    for i in range(n):
        p = dict(rnd.choice(protos))
        at = dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc) + dt.timedelta(seconds=rnd.randrange(365 * 86400))
        p.update(id=next_id + i, uid=str(uuid.uuid4()), received_at=at, period=at.strftime("%Y-%m"), corrects_id=None)
        batch.append(p)
        ev.append({"record_id": next_id + i, "kind": "disposition", "value": rnd.choice(("complied", "declined")),
                   "at": at, "account_id": clerk.id})
        if len(batch) == 5000 or i == n - 1:
            with led.engine.begin() as conn:
                conn.execute(records.insert(), batch)
                conn.execute(events.insert(), ev)
            batch, ev = [], []
    if led.engine.dialect.name == "postgresql":  # what autovacuum does after a bulk load
        with led.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("VACUUM ANALYZE"))
    best_all = best_one = float("inf")
    counted = 0
    for _ in range(3):
        t0 = time.perf_counter()
        drawn, _ = reports.draw(led, sup, 2025)
        t1 = time.perf_counter()
        one, _ = reports.draw(led, sup, 2025, "truth-act")
        t2 = time.perf_counter()
        best_all, best_one = min(best_all, t1 - t0), min(best_one, t2 - t1)
        counted = one[0]["counts"][0]["total"]
    return best_all, best_one, counted


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--records", type=int, default=100_000)
    ap.add_argument("--postgres", default=os.environ.get("COOPRULES_TEST_POSTGRES_URL"))
    args = ap.parse_args()
    targets = []
    with tempfile.TemporaryDirectory() as tmp:
        targets.append(("SQLite (WAL, synchronous=FULL)", lambda: f"sqlite:///{Path(tmp) / f'{uuid.uuid4().hex}.sqlite3'}"))
        if args.postgres:
            targets.append(("PostgreSQL", lambda: fresh_pg(args.postgres)))
        else:
            print("PostgreSQL: not measured (give --postgres URL or set COOPRULES_TEST_POSTGRES_URL)")
        print(f"machine: {os.cpu_count()} cores; {args.clients} client threads; {args.seconds:g} s of load")
        for name, make in targets:
            rate, ok, bad = throughput(make(), args.seconds, args.clients)
            print(f"{name}: {rate:,.0f} records/s through POST /v1/ledger/records ({ok:,} acknowledged, {bad} errors)"
                  f"  [target >= 500]")
            all_s, one_s, counted = report_time(make(), args.records)
            print(f"{name}: reports over {args.records:,} records: every report of the office {all_s:.3f} s, "
                  f"TRUTH Act alone {one_s:.3f} s ({counted:,} ICE access requests counted)  [target <= 2 s]")


if __name__ == "__main__":
    main()
