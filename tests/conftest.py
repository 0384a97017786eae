"""Shared fixtures: one engine over the shipped corpus for the whole run."""

from __future__ import annotations

import pytest

from cooprules import default_engine


@pytest.fixture(scope="session")
def engine():
    """The engine over the shipped corpus and registry (built once)."""
    return default_engine()
