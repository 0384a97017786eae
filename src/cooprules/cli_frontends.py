"""CLI commands of the web front ends (serve, card, train), registered on the main app."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the front-end commands to ``app`` (filled in by the web front-end work)."""
