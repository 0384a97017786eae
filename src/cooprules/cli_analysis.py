"""CLI commands for time, what-if and the national picture (diff, whatif, matrix, map,
history), registered on the main app."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the analysis commands to ``app`` (filled in by the analysis work)."""
