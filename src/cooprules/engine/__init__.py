"""The engine: layers, resolution, partial evaluation and explanations."""

from .core import Engine

__all__ = ["Engine"]
