"""Durability and concurrency with the real parts: an HTTP server in its own process,
clients recording at once, SIGKILL, restart, and every acknowledged record is there;
concurrent writers in threads; on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from cooprules.ledger import Ledger

from .sample import KINDS, SD_OFFICE, request

SRC = Path(__file__).resolve().parents[2] / "src"
#: Seconds to wait for the server to answer after it starts.
START_TIMEOUT = 120


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(url: str, port: int) -> subprocess.Popen:
    env = {**os.environ, "COOPRULES_DATABASE_URL": url, "PYTHONPATH": f"{SRC}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    return subprocess.Popen([sys.executable, "-m", "cooprules.cli", "serve", "--port", str(port), "--no-web"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)


def _wait_ready(proc: subprocess.Popen, base: str, token: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"server exited: {proc.stderr.read().decode(errors='replace')[-2000:]}")
        try:
            if httpx.get(f"{base}/v1/ledger/records?limit=1", headers={"Authorization": f"Bearer {token}"},
                         timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError("server did not start")


def _all_uids(base: str, token: str) -> set[str]:
    uids: set[str] = set()
    offset = 0
    while True:
        page = httpx.get(f"{base}/v1/ledger/records", params={"limit": 1000, "offset": offset},
                         headers={"Authorization": f"Bearer {token}"}, timeout=30).json()
        uids |= {r["uid"] for r in page["records"]}
        offset += 1000
        if offset >= page["total"]:
            return uids


def test_sigkill_loses_no_acknowledged_record(db_url):
    token = Ledger(db_url).add_account("ana", "clerk", SD_OFFICE, None)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    proc = _start(db_url, port)
    acked: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()
    try:
        _wait_ready(proc, base, token)

        def client(n: int) -> None:
            with httpx.Client(timeout=10) as http:
                i = 0
                while not stop.is_set():
                    try:
                        r = http.post(f"{base}/v1/ledger/records", json={"request": request(KINDS[(n + i) % len(KINDS)])},
                                      headers={"Authorization": f"Bearer {token}"})
                    except httpx.HTTPError:
                        return  # the server died mid-request: not acknowledged
                    if r.status_code == 201:
                        with lock:
                            acked.append(r.json()["uid"])
                    i += 1

        threads = [threading.Thread(target=client, args=(n,)) for n in range(6)]
        for t in threads:
            t.start()
        deadline = time.monotonic() + 60
        while len(acked) < 150 and time.monotonic() < deadline:
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)  # mid-stream: clients are still sending
        proc.wait(timeout=30)
        stop.set()
        for t in threads:
            t.join(timeout=30)
    finally:
        stop.set()
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
    assert len(acked) >= 150, f"only {len(acked)} records acknowledged before the kill"
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    again = _start(db_url, port)
    try:
        _wait_ready(again, base, token)
        found = _all_uids(base, token)
    finally:
        os.kill(again.pid, signal.SIGKILL)
        again.wait(timeout=30)
    missing = set(acked) - found
    assert not missing, f"{len(missing)} of {len(acked)} acknowledged records lost"
    assert len(found) >= len(acked)  # at most the in-flight ones were committed without an answer


def test_concurrent_writers_each_commit_once(db_url, engine):
    led = Ledger(db_url)
    clerks = [led.by_token(led.add_account(f"clerk{i}", "clerk", SD_OFFICE, None)) for i in range(4)]

    def work(i: int) -> list[str]:
        mine = Ledger(db_url)  # its own engine and pool, as another process would have
        out = []
        for k in range(25):
            rec = mine.record(clerks[i], request(KINDS[k % len(KINDS)]), engine)
            mine.add_event(clerks[i], rec["uid"], "disposition", "complied")
            out.append(rec["uid"])
        return out

    with ThreadPoolExecutor(4) as pool:
        written = [uid for part in pool.map(work, range(4)) for uid in part]
    assert len(written) == len(set(written)) == 100
    found, total = led.list(clerks[0], limit=1000)
    assert total == 100 and {r["uid"] for r in found} == set(written)
    assert all(r["disposition"]["value"] == "complied" for r in found)
