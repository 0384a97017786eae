"""County and state outlines from the vendored us-atlas TopoJSON (``data/``; see its
README for source, version and licence), decoded to polygons in screen coordinates
(975×610, y down, Alaska and Hawaii as insets)."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from importlib import resources

#: The drawing area of the projected shapes, in screen units.
WIDTH, HEIGHT = 975, 610


@dataclass(frozen=True)
class Shape:
    """One county or state: FIPS ``id`` (5 or 2 digits), ``name``, and ``rings``: a list
    of closed rings, each a list of (x, y) points (outer rings and holes alike)."""

    id: str
    name: str
    rings: list[list[tuple[float, float]]]


@functools.cache
def _topology() -> dict:
    return json.loads((resources.files(__package__) / "data" / "counties-albers-10m.json").read_text(encoding="utf-8"))


@functools.cache
def _arcs() -> list[list[tuple[float, float]]]:
    topo = _topology()
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    out = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:  # delta-encoded, quantized
            x += dx
            y += dy
            pts.append((x * sx + tx, y * sy + ty))
        out.append(pts)
    return out


def _ring(indices: list[int]) -> list[tuple[float, float]]:
    arcs = _arcs()
    pts: list[tuple[float, float]] = []
    for i in indices:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        pts.extend(arc[1:] if pts else arc)
    return pts


@functools.cache
def shapes(level: str = "county") -> dict[str, Shape]:
    """FIPS id -> :class:`Shape` for ``level`` ``county`` (3,142) or ``state`` (51).
    Raises ValueError naming ``--level`` for another level."""
    key = {"county": "counties", "state": "states"}.get(level)
    if key is None:
        raise ValueError(f"--level: '{level}' is not a map level; allowed: county, state")
    out = {}
    for geom in _topology()["objects"][key]["geometries"]:
        if geom["type"] == "Polygon":
            polys = [geom["arcs"]]
        elif geom["type"] == "MultiPolygon":
            polys = geom["arcs"]
        else:
            continue
        rings = [_ring(r) for poly in polys for r in poly]
        out[str(geom["id"])] = Shape(str(geom["id"]), geom.get("properties", {}).get("name", ""), rings)
    return out
