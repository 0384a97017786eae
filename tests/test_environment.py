"""The environment ``make`` creates: pip and setuptools upgraded (issue 10: the
bundled setuptools 65.5.0 carries CVE-2024-6345 and CVE-2025-47273)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_created_environment_upgrades_pip_and_setuptools(tmp_path):
    venv = tmp_path / "venv"
    plan = subprocess.run(["make", "-n", "-C", str(ROOT), f"VENV={venv}", "example"], capture_output=True,
                          text=True, check=True).stdout
    lines = plan.splitlines()
    create = next(i for i, line in enumerate(lines) if "-m venv" in line)
    install = next(i for i, line in enumerate(lines) if "install" in line and " -e " in line)
    upgrade = [line for line in lines[create:install] if "--upgrade" in line]
    assert upgrade, plan
    assert re.search(r"\bpip\b", upgrade[0])
    found = re.search(r"setuptools>=(\d+)\.(\d+)\.(\d+)", upgrade[0])
    assert found and tuple(map(int, found.groups())) >= (78, 1, 1), upgrade[0]
