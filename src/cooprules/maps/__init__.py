"""``cooprules map``: a choropleth of one standard scenario's outcome by county or by
state, drawn offline from shapes shipped in the package (``data/README.md``)."""

from __future__ import annotations

import datetime as dt

from .render import MapData, render_html, render_png

__all__ = ["MapData", "build_map", "draw", "render_html", "render_png"]


def build_map(engine, scenario, as_of: dt.date, level: str = "county", entity: str | None = None) -> MapData:
    """Evaluate ``scenario`` (a :class:`~cooprules.analysis.standard.Scenario`) for
    every county (``level="county"``) or every state and DC (``level="state"``) under
    the law of ``as_of``. Returns :class:`MapData` keyed by FIPS code. Raises ValueError
    naming ``--level`` for another level."""
    from ..analysis.matrix import DEFAULT_KINDS, matrix_jurisdictions, run_matrix

    if level == "county":
        jurisdictions = matrix_jurisdictions(engine, DEFAULT_KINDS, encoded=False)
        unit = "county"
    elif level == "state":
        jurisdictions = sorted(j for j in engine.registry.ids(["state", "district"]) if j.count("/") == 2)
        unit = "state"
    else:
        raise ValueError(f"--level: '{level}' is not a map level; allowed: county, state")
    table = run_matrix(engine, [scenario], as_of, jurisdictions, entity)
    values, names = {}, {}
    for fips, name, outcome in table.select("fips", "name", "outcome").iter_rows():
        if fips:
            values[fips] = outcome
            names[fips] = name
    entity_word = entity or scenario.entity
    data = MapData(level, values, names,
                   title=f"{scenario.id}: outcome by {unit}, {as_of.isoformat()}",
                   subtitle=f"{scenario.title} (asked of the {entity_word.replace('_', ' ')})"
                   + (": state and federal law only; county and city law is on the county map." if level == "state" else "."))
    drawn, missing = data.drawn()
    counts: dict[str, int] = {}
    for v in values.values():
        counts[v] = counts.get(v, 0) + 1
    shown = ", ".join(f"{k} {n}" for k, n in sorted(counts.items(), key=lambda kv: -kv[1]))
    data.note = (f"Law as of {as_of.isoformat()}; corpus {engine.corpus.version}; {drawn} {unit} shapes coloured "
                 f"({shown}); {missing} answers with no shape (territories, newer boundaries). Shapes: us-atlas 3.0.1 "
                 "(Census 2017). Not legal advice: every answer cites its provisions (cooprules matrix).")
    return data


def draw(data: MapData, path: str) -> None:
    """Write ``data`` to ``path``: ``.png`` (Matplotlib) or ``.html`` (inline SVG).
    Raises ValueError naming ``--out`` for another extension."""
    if path.endswith(".png"):
        render_png(data, path)
    elif path.endswith((".html", ".htm")):
        render_html(data, path)
    else:
        raise ValueError(f"--out: '{path}' must end in .png or .html")
