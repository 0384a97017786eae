"""Draw a choropleth of outcomes: PNG with Matplotlib, or a self-contained HTML page
with an inline SVG (no script, no download)."""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from .shapes import HEIGHT, WIDTH, shapes

#: Fill colour per outcome (colour-blind-safe hues; "no data" for shapes with no answer).
COLOURS = {
    "prohibited": "#c0392b",
    "required": "#1f5fa8",
    "permitted": "#5aae61",
    "conditional": "#f1c232",
    "no_rule": "#b0b0b0",
    "conflict": "#8e44ad",
    "no data": "#f2f2f2",
}
LABELS = {"prohibited": "prohibited (must not)", "required": "required (must)", "permitted": "permitted (may)",
          "conditional": "conditional (depends on facts)", "no_rule": "no rule (refer to counsel)",
          "conflict": "conflict (refer to counsel)", "no data": "no answer for this shape"}


@dataclass
class MapData:
    """What to draw: ``level`` (``county`` or ``state``), ``values`` FIPS -> outcome,
    ``names`` FIPS -> jurisdiction name, ``title``, ``subtitle`` (scenario text),
    ``note`` (date, corpus version, counts), ``paper``, ``presumed`` and ``changes``."""

    level: str
    values: dict[str, str]
    names: dict[str, str] = field(default_factory=dict)
    title: str = ""
    subtitle: str = ""
    note: str = ""
    #: the paper(s) the scenario is about, said in the legend's title (:meth:`~cooprules.analysis.standard.Scenario.paper_text`)
    paper: str = ""
    #: what the answers presumed, and what would change them, counted in shapes (sentences; may be "")
    presumed: str = ""
    changes: str = ""
    #: names of the shapes with no answer, and of the answers with no shape (set with the note)
    blank: list[str] = field(default_factory=list)
    undrawn: list[str] = field(default_factory=list)

    def drawn(self) -> tuple[int, int]:
        """(shapes with an answer, answers with no shape)."""
        geo = shapes(self.level)
        return sum(1 for f in geo if f in self.values), sum(1 for f in self.values if f not in geo)


def _colour(data: MapData, fips: str) -> str:
    return COLOURS.get(data.values.get(fips, "no data"), COLOURS["no data"])


def _present(data: MapData) -> list[str]:
    geo = shapes(data.level)
    seen = {data.values.get(f, "no data") for f in geo}
    return [k for k in COLOURS if k in seen]


def render_png(data: MapData, path: str, dpi: int = 110) -> None:
    """Write ``data`` as a PNG map at ``path`` (Matplotlib, Agg backend)."""
    import textwrap

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.collections import PolyCollection
    from matplotlib.patches import Patch

    geo = shapes(data.level)
    polys, colours = [], []
    for fips, shape in geo.items():
        for ring in shape.rings:
            polys.append(ring)
            colours.append(_colour(data, fips))
    explain = [line for text in (data.presumed, data.changes) if text for line in textwrap.wrap(text, 170)]
    head = textwrap.wrap(data.title, 90)
    sub = textwrap.wrap(data.subtitle, 150)
    fig = plt.figure(figsize=(12, 9.6))
    # top to bottom: title, subtitle, map, legend (titled with the paper), what was presumed, the note
    top = 0.975 - 0.032 * len(head) - 0.022 * len(sub)
    bottom = 0.20 + 0.017 * len(explain)
    ax = fig.add_axes([0.01, bottom, 0.98, top - bottom - 0.01])
    ax.add_collection(PolyCollection(polys, facecolors=colours, edgecolors="#ffffff", linewidths=0.15))
    if data.level == "county":
        outlines = [ring for s in shapes("state").values() for ring in s.rings]
        ax.add_collection(PolyCollection(outlines, facecolors="none", edgecolors="#444444", linewidths=0.45))
    ax.set_xlim(0, WIDTH)
    ax.set_ylim(HEIGHT, 0)
    ax.set_aspect("equal")
    ax.axis("off")
    fig.text(0.02, 0.975, "\n".join(head), fontsize=15, weight="bold", va="top")
    fig.text(0.02, 0.975 - 0.032 * len(head), "\n".join(sub), fontsize=10, va="top")
    handles = [Patch(facecolor=COLOURS[k], edgecolor="#888888", label=_counted(data, k)) for k in _present(data)]
    fig.legend(handles=handles, loc="upper center", ncol=min(4, len(handles)), frameon=False, fontsize=10,
               bbox_to_anchor=(0.5, bottom), title=_legend_title(data), title_fontproperties={"weight": "bold", "size": 10})
    fig.text(0.02, bottom - 0.065, "\n".join(explain), fontsize=9, va="top")
    fig.text(0.02, 0.008, "\n".join(textwrap.wrap(data.note, 190)), fontsize=8, color="#555555", va="bottom")
    fig.savefig(path, dpi=dpi)
    plt.close(fig)


def _path(rings: list[list[tuple[float, float]]]) -> str:
    return "".join("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in ring) + "Z" for ring in rings)


def _lists(data: MapData) -> str:
    out = ""
    for label, items in (("Shapes with no answer", data.blank), ("Answers with no shape", data.undrawn)):
        if items:
            out += (f'<details class="note"><summary>{html.escape(label)} ({len(items)})</summary><p>'
                    + html.escape(", ".join(items)) + "</p></details>")
    return out


def _legend_title(data: MapData) -> str:
    return f"Outcome on {data.paper}" if data.paper else "Outcome"


def _counted(data: MapData, k: str) -> str:
    geo = shapes(data.level)
    n = sum(1 for f in geo if data.values.get(f, "no data") == k)
    return f"{LABELS[k]}: {n}"


def render_html(data: MapData, path: str) -> None:
    """Write ``data`` as one self-contained HTML file (inline SVG, a ``<title>`` on
    every shape for its name and outcome, a legend; no script, nothing fetched)."""
    geo = shapes(data.level)
    parts = []
    for fips, shape in geo.items():
        outcome = data.values.get(fips, "no data")
        name = data.names.get(fips) or shape.name
        parts.append(f'<path d="{_path(shape.rings)}" fill="{_colour(data, fips)}"><title>{html.escape(name)}: '
                     f'{html.escape(outcome)}</title></path>')
    outlines = ""
    if data.level == "county":
        outlines = '<g fill="none" stroke="#444" stroke-width="0.5">' + "".join(
            f'<path d="{_path(s.rings)}"/>' for s in shapes("state").values()) + "</g>"
    legend = "".join(f'<li><span style="background:{COLOURS[k]}"></span>{html.escape(_counted(data, k))}</li>'
                     for k in _present(data))
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(data.title)}</title>
<style>
body{{font-family:system-ui,sans-serif;margin:1.5rem;color:#222;max-width:1100px}}
h1{{font-size:1.4rem;margin:0 0 .3rem}} p{{margin:.2rem 0}}
svg{{width:100%;height:auto}} svg path:hover{{stroke:#000;stroke-width:1}}
ul{{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:1rem}}
li span{{display:inline-block;width:1rem;height:1rem;margin-right:.4rem;vertical-align:middle;border:1px solid #888}}
.note{{color:#555;font-size:.85rem}}
</style></head><body>
<h1>{html.escape(data.title)}</h1>
<p>{html.escape(data.subtitle)}</p>{''.join(f"<p>{html.escape(t)}</p>" for t in (data.presumed, data.changes) if t)}
<svg viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{html.escape(data.title)}">
<g stroke="#fff" stroke-width="0.2">{''.join(parts)}</g>{outlines}
</svg>
<p><b>{html.escape(_legend_title(data))}</b></p>
<ul>{legend}</ul>
<p class="note">{html.escape(data.note)}</p>{_lists(data)}
</body></html>
"""
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(page)
