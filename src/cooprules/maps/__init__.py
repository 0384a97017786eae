"""``cooprules map``: a choropleth of one standard scenario's outcome by county or by
state, drawn offline from shapes shipped in the package (``data/README.md``)."""

from __future__ import annotations

import datetime as dt

from .render import MapData, render_html, render_png

__all__ = ["MapData", "build_map", "draw", "render_html", "render_png"]


def build_map(engine, scenario, as_of: dt.date, level: str = "county", entity: str | None = None) -> MapData:
    """Evaluate ``scenario`` (a :class:`~cooprules.analysis.standard.Scenario`) for
    every county (``level="county"``) or every state and DC (``level="state"``) under
    the law of ``as_of``. Returns :class:`MapData` keyed by FIPS code, with the paper(s)
    the scenario is about (:meth:`~cooprules.analysis.standard.Scenario.paper_text`) in
    the title and the legend's title, and sentences saying which facts the answers
    presumed and which values would change them, each counted in shapes. Raises
    ValueError naming ``--level`` for another level."""
    from ..analysis.matrix import DEFAULT_KINDS, evaluate_units_local, matrix_jurisdictions, run_matrix

    if level == "county":
        jurisdictions = matrix_jurisdictions(engine, DEFAULT_KINDS, encoded=False)
        unit = "county"
    elif level == "state":
        jurisdictions = sorted(j for j in engine.registry.ids(["state", "district"]) if j.count("/") == 2)
        unit = "state"
    else:
        raise ValueError(f"--level: '{level}' is not a map level; allowed: county, state")
    decisions: dict[int, object] = {}  # law group -> its decision (one scenario: one cell per group)

    def keep(u, d) -> None:
        for g, _sid, _ent in u.cells:
            decisions[g] = d

    def evaluate(units, day, progress):
        return evaluate_units_local(engine, units, day, progress, on_decision=keep)

    table = run_matrix(engine, [scenario], as_of, jurisdictions, entity, evaluate=evaluate, with_group=True)
    cities = _independent_city_shapes() if level == "county" else {}
    values, names, entities, groups = {}, {}, {}, {}
    for fips, name, outcome, ent, group in table.select("fips", "name", "outcome", "entity", "group").iter_rows():
        if fips:
            if level == "county" and len(fips) == 2:
                fips += "001"  # the District of Columbia: its county shape is 11001
            elif level == "county" and len(fips) == 7:  # an independent city: its county-equivalent shape
                fips = cities.get((fips[:2], name.removesuffix(" city")), fips)
            elif level == "county":
                fips = RENUMBERED.get(fips, fips)
            values[fips] = outcome
            names[fips] = name
            groups[fips] = group
            entities[ent] = entities.get(ent, 0) + 1
    entity_word = entity or scenario.entity
    if len(entities) > 1:
        asked = "asked of " + ", ".join(f"the {k.replace('_', ' ')} in {n:,}" for k, n in sorted(entities.items(), key=lambda kv: -kv[1]))
        if "jail" in entities:
            asked += " (the jail: where a body other than the sheriff runs it, that body)"
    else:
        asked = f"asked of the {entity_word.replace('_', ' ')}"
    from ..engine.explain import presumed_value_text

    presumed, changes = _presumed_and_changes(level, groups, decisions)
    paper = scenario.paper_text()
    shapes_word = "counties" if level == "county" else "states"
    presumed_line = ("Presumed where the scenario does not say and the law turns on it: "
                     + "; ".join(f"{presumed_value_text(f)} ({n:,} {shapes_word})" for f, n in
                                 sorted(presumed.items(), key=lambda kv: (-kv[1], kv[0]))) + ".") if presumed else ""
    changes_line = ("Would change the answer: " + "; ".join(f"{t} in {n:,} {shapes_word}" for t, n in changes[:4])
                    + (f"; and {len(changes) - 4} more" if len(changes) > 4 else "") + ".") if changes else ""
    data = MapData(level, values, names,
                   title=f"{scenario.id}, law of {as_of.isoformat()}: {paper}",
                   subtitle=f"{scenario.title}. {asked[0].upper()}{asked[1:]}"
                   + (": state and federal law only; county and city law is on the county map." if level == "state" else "."),
                   paper=paper, presumed=presumed_line, changes=changes_line)
    data.note = legend_note(data, unit, as_of, engine.corpus.version)
    return data


def _presumed_and_changes(level: str, groups: dict[str, int], decisions: dict) -> tuple[dict[str, int], list[tuple[str, int]]]:
    """From the decisions behind the drawn shapes: each fact taken at its presumed value
    -> how many shapes' answers presumed it, and each ``unless`` ("an administrative
    arrest warrant (Form I-200) came with it: required") -> how many shapes it would
    change: first those about what came with the paper (the map is about a paper), then
    the others, each most shapes first."""
    from ..engine.explain import unless_values_text
    from .shapes import shapes

    geo = shapes(level)
    presumed: dict[str, int] = {}
    changes: dict[str, int] = {}
    for fips, group in groups.items():
        d = decisions.get(group)
        if fips not in geo or not hasattr(d, "presumed"):
            continue
        for p in d.presumed:
            presumed[p.fact] = presumed.get(p.fact, 0) + 1
        for u in d.unless:
            key = (u.fact != "attachments", f"{unless_values_text(u.fact, list(u.values))}: {u.outcome.value}")
            changes[key] = changes.get(key, 0) + 1
    ordered = sorted(changes.items(), key=lambda kv: (kv[0][0], -kv[1], kv[0][1]))
    return presumed, [(text, n) for (_other, text), n in ordered]


#: Counties whose Census code changed in 2015 (the registry keeps the old code; the
#: shapes of 2017 have the new): Wade Hampton Census Area -> Kusilvak, Shannon County ->
#: Oglala Lakota County.
RENUMBERED = {"02270": "02158", "46113": "46102"}


def _independent_city_shapes() -> dict[tuple[str, str], str]:
    """(state FIPS, name) -> county FIPS of the independent cities' shapes (Census county
    codes 510 and above: Virginia's cities, Baltimore, St. Louis, Carson City)."""
    from .shapes import shapes

    return {(f[:2], s.name): f for f, s in shapes("county").items() if f[2:].isdigit() and int(f[2:]) >= 500}


def legend_note(data: MapData, unit: str, as_of: dt.date, version: str) -> str:
    """The map's note: the date and corpus, the coloured shapes counted by outcome (the
    counts add up to the shapes drawn), the shapes left uncoloured and the answers that
    have no shape, both named."""
    from .shapes import shapes

    geo = shapes(data.level)
    counts: dict[str, int] = {}
    for fips in geo:
        if fips in data.values:
            counts[data.values[fips]] = counts.get(data.values[fips], 0) + 1
    coloured = sum(counts.values())
    shown = ", ".join(f"{k} {n}" for k, n in sorted(counts.items(), key=lambda kv: -kv[1]))
    blank = sorted(geo[f].name or f for f in geo if f not in data.values)
    undrawn = sorted(data.names.get(f, f) for f in data.values if f not in geo)
    data.blank, data.undrawn = blank, undrawn
    return (f"Law as of {as_of.isoformat()}; corpus {version}; {coloured} of {len(geo)} {unit} shapes coloured ({shown})"
            + (f"; {len(blank)} shapes with no answer: {_names(blank)}" if blank else "")
            + (f"; {len(undrawn)} answers with no shape (territories, newer boundaries): {_names(undrawn)}" if undrawn else "")
            + ". Shapes: us-atlas 3.0.1 (Census 2017). Not legal advice: every answer cites its provisions "
              "(cooprules matrix).")


def _names(items: list[str], limit: int = 12) -> str:
    return ", ".join(items[:limit]) + (f" and {len(items) - limit} more" if len(items) > limit else "")


def draw(data: MapData, path: str) -> None:
    """Write ``data`` to ``path``: ``.png`` (Matplotlib) or ``.html`` (inline SVG).
    Raises ValueError naming ``--out`` for another extension."""
    if path.endswith(".png"):
        render_png(data, path)
    elif path.endswith((".html", ".htm")):
        render_html(data, path)
    else:
        raise ValueError(f"--out: '{path}' must end in .png or .html")
