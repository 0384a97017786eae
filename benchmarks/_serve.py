"""Shared by the benchmarks that start ``cooprules serve``: wait for it to answer.

Benchmarks run as scripts (``python benchmarks/bench_x.py``), so this folder is on
``sys.path`` and ``from _serve import wait_healthy`` works without packaging.
"""

from __future__ import annotations

import subprocess
import time
import urllib.request


def wait_healthy(proc: subprocess.Popen, port: int, seconds: float = 60) -> subprocess.Popen:
    """Return ``proc`` once ``GET http://127.0.0.1:PORT/v1/health`` answers 200 (loopback
    only). Raises SystemExit with the server's last stderr if it exits first, or after
    ``seconds`` (then the server is killed)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/health", timeout=1) as r:
                if r.status == 200:
                    return proc
        except OSError:
            time.sleep(0.2)
        if proc.poll() is not None:
            err = proc.stderr.read().decode()[-2000:] if proc.stderr else ""
            raise SystemExit(f"server exited: {err}")
    proc.kill()
    raise SystemExit(f"server did not start within {seconds:.0f} s")
