"""``cooprules matrix``: every jurisdiction × the standard scenarios, as a table.

Most counties have no law of their own, so their answers are those of their state and
the federal layer. The matrix therefore groups jurisdictions by the lawmakers whose
provisions reach them (:func:`law_key`), evaluates each (group, scenario) once with the
engine, and joins the answers back onto every jurisdiction with Polars. The grouping is
exact: two jurisdictions share a key only when the same provisions stand in their chain
and no provision of that chain reads ``responder.jurisdiction`` (the tests compare the
matrix with direct evaluation).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Callable, Iterable

import polars as pl

from ..engine.layers import lawmakers
from ..jurisdictions import COUNTY_KINDS
from ..jurisdictions.jail_operators import INDEPENDENT_CITIES, entity_for_jail_question, office_words
from .standard import ENTITY_FOR_KIND, Scenario

#: Output columns of :func:`run_matrix`, in order.
COLUMNS = ["jurisdiction", "name", "kind", "state", "fips", "scenario", "entity", "outcome", "citations",
           "as_of", "corpus_version"]

#: Jurisdiction kinds the matrix covers by default (every county and equivalent).
DEFAULT_KINDS = tuple(sorted(COUNTY_KINDS))


@dataclass
class Unit:
    """One distinct evaluation: a request (built on a representative jurisdiction) whose
    answer stands for every (law group, scenario) listed in ``cells``."""

    request: Any
    cells: list[tuple[int, str, str]]  # (group, scenario id, entity)


#: The District of Columbia: a county equivalent (FIPS 11001) with no county above it.
DC = "ocd-division/country:us/district:dc"


def matrix_jurisdictions(engine, kinds: Iterable[str] | None = DEFAULT_KINDS, encoded: bool = True) -> list[str]:
    """The jurisdictions a matrix covers: every registry id of ``kinds`` (default every
    county and county equivalent, the District of Columbia and the independent cities
    among them; ``None`` for all
    70,000+ ids), plus, when ``encoded``, every government with a folder in the corpus.
    Sorted; states and the country are left out unless asked for by kind."""
    ids = set(engine.registry.ids(list(kinds))) if kinds is not None else set(engine.registry)
    if kinds is not None and set(kinds) & COUNTY_KINDS:
        ids |= {j for j in (DC, *INDEPENDENT_CITIES) if j in engine.registry}
    if encoded:
        ids |= {j for j in engine.corpus.folders if j.count("/") >= 3 and j in engine.registry}
    return sorted(ids)


def scenario_entity(scenario: Scenario, jurisdiction: str, kind: str | None, entity: str | None = None) -> str:
    """The entity a matrix, map or card asks for one scenario in one jurisdiction:
    ``entity`` when given; else the scenario's, swapped per :data:`ENTITY_FOR_KIND`
    (a city has police, not a sheriff), and for a question about the jail asked of
    the sheriff, ``jail`` where another body runs that jail (DESIGN.md, "The office
    asked"; :func:`~cooprules.jurisdictions.jail_operators.entity_for_jail_question`).
    The District of Columbia has no sheriff: its jail questions go to the jail (its
    Department of Corrections), the others to its police."""
    if entity:
        return entity
    ent = ENTITY_FOR_KIND.get((scenario.entity, kind or ""), scenario.entity)
    ent = entity_for_jail_question(jurisdiction, ent, scenario.request)
    if jurisdiction == DC and ent == "sheriff":
        ent = "police"
    return ent


def _lawmakers_reading_jurisdiction(corpus) -> set[str]:
    return {cp.provision.jurisdiction for cp in corpus.provisions.values() if "responder.jurisdiction" in cp.provision.when}


def law_key(engine, ocd_id: str, *, _cache: dict | None = None) -> tuple:
    """The law-equivalence key of a jurisdiction: its kind class, the lawmakers of its
    chain that have provisions, and the id itself when one of them reads
    ``responder.jurisdiction``. Two jurisdictions with one key get the same decisions
    (outcome and citations) for any request that differs only in the jurisdiction."""
    corpus = engine.corpus
    with_law = {cp.provision.jurisdiction for cp in corpus.provisions.values()}
    reading = _lawmakers_reading_jurisdiction(corpus)
    return _law_key(engine, ocd_id, with_law, reading)


def _law_key(engine, ocd_id: str, with_law: set[str], reading: set[str]) -> tuple:
    canon = engine.canonical_jurisdiction(ocd_id)
    chain = lawmakers(engine.registry, canon)
    kind = "independent_city" if canon in INDEPENDENT_CITIES else canon.rsplit("/", 1)[-1].split(":", 1)[0]
    kind_class = kind if kind in ("place", "school_district") else "other"
    key: tuple = (kind_class, tuple(j for j in chain if j in with_law),
                  # who runs the jail decides which words name the office asked
                  tuple(sorted(w.value for w in office_words(canon, "jail"))),
                  tuple(sorted(w.value for w in office_words(canon, "sheriff"))))
    if any(j in reading for j in chain):
        key += (canon,)
    return key


def _jurisdiction_frame(engine, jurisdictions: list[str]) -> pl.DataFrame:
    corpus = engine.corpus
    with_law = {cp.provision.jurisdiction for cp in corpus.provisions.values()}
    reading = _lawmakers_reading_jurisdiction(corpus)
    groups: dict[tuple, int] = {}
    rows: dict[str, list[Any]] = {k: [] for k in ("jurisdiction", "name", "kind", "state", "fips", "group")}
    for j in jurisdictions:
        info = engine.registry.get(j)
        key = _law_key(engine, j, with_law, reading)
        g = groups.setdefault(key, len(groups))
        rows["jurisdiction"].append(info.ocd_id)
        rows["name"].append(info.name)
        rows["kind"].append("independent_city" if info.ocd_id in INDEPENDENT_CITIES else info.kind)
        rows["state"].append(info.state)
        rows["fips"].append(info.fips)
        rows["group"].append(g)
    return pl.DataFrame(rows, schema={"jurisdiction": pl.String, "name": pl.String, "kind": pl.String,
                                      "state": pl.String, "fips": pl.String, "group": pl.Int64})


def _by_lawmaker_action(corpus) -> dict[tuple[str, str], list]:
    index: dict[tuple[str, str], list] = {}
    for cp in corpus.provisions.values():
        for action in cp.provision.actions:
            index.setdefault((cp.provision.jurisdiction, action.value), []).append(cp)
    return index


def _reaches(cp, words: frozenset, day: dt.date) -> bool:
    """Whether a provision can count for the office named by ``words`` (entity words,
    :func:`~cooprules.jurisdictions.jail_operators.office_words`) on ``day``: in force
    then, and binding the office or disputed for it (status is not looked at: keys
    stay exact)."""
    p = cp.provision
    if not (p.effective_from <= day and (p.effective_to is None or day < p.effective_to)):
        return False
    return p.binds == "all" or not words.isdisjoint(p.binds) or not words.isdisjoint(p.binds_contested)


def plan_units(engine, jframe: pl.DataFrame, scenarios: list[Scenario], as_of: dt.date,
               entity: str | None = None) -> list[Unit]:
    """The distinct evaluations for a matrix: (law group, scenario) cells share one
    evaluation when the same provisions of their chains can reach the scenario's
    entity and action on ``as_of`` (none reading ``responder.jurisdiction``) and the
    287(g) agreement the engine would supply is the same. A scenario about schools is
    thus answered once for every state without school law."""
    from ..vocabulary import Entity

    index = _by_lawmaker_action(engine.corpus)
    agreements = getattr(engine, "agreements", None)
    reps = jframe.group_by("group", maintain_order=True).first()
    units: dict[tuple, Unit] = {}
    sigs: dict[tuple, tuple] = {}
    for g, j, kind in reps.select("group", "jurisdiction", "kind").iter_rows():
        chain = lawmakers(engine.registry, j)
        for s in scenarios:
            ent = scenario_entity(s, j, kind, entity)
            skey = (ent, s.action)
            sig = sigs.get(skey)
            if sig is None:
                words = office_words(j, ent)
                found = [cp for law in chain for cp in index.get((law, s.action), ()) if _reaches(cp, words, as_of)]
                reads = any("responder.jurisdiction" in cp.provision.when for cp in found)
                sig = sigs[skey] = (tuple(cp.id for cp in found), j if reads else None, tuple(sorted(words)))
            agreement = None
            if agreements is not None and (s.request.get("responder") or {}).get("agreement_287g") is None:
                hit = agreements.lookup(j, Entity(ent), as_of)
                agreement = hit.model.value if hit is not None else None
            key = (sig, agreement, s.id, ent)
            unit = units.get(key)
            if unit is None:
                unit = units[key] = Unit(s.request_model(j, ent), [])
            unit.cells.append((g, s.id, ent))
        sigs.clear()
    return list(units.values())


def evaluate_units_local(engine, units: list[Unit], as_of: dt.date,
                         progress: Callable[[int], None] | None = None, chunk: int = 500,
                         on_decision: Callable[[Unit, Any], None] | None = None) -> list[tuple[str, str]]:
    """Evaluate units on this machine with ``engine.evaluate_many``; returns
    ``(outcome, ;-joined citation ids)`` per unit. ``progress(n)`` is called after each
    chunk of ``n`` units; ``on_decision(unit, decision)`` with each unit's whole
    :class:`~cooprules.vocabulary.Decision` (or its ``RequestError``), for callers that
    report more than the outcome (the map: what was presumed, what would change it)."""
    out: list[tuple[str, str]] = []
    for i in range(0, len(units), chunk):
        part = units[i:i + chunk]
        for unit, d in zip(part, engine.evaluate_many([u.request for u in part], as_of=as_of)):
            if on_decision is not None:
                on_decision(unit, d)
            out.append(_summary(d))
        if progress:
            progress(len(part))
    return out


def _summary(d) -> tuple[str, str]:
    from ..errors import RequestError

    if isinstance(d, RequestError):
        return "invalid", str(d)
    return d.outcome.value, ";".join(c.id for c in d.citations)


def run_matrix(engine, scenarios: list[Scenario], as_of: dt.date, jurisdictions: list[str] | None = None,
               entity: str | None = None, evaluate: Callable[..., list[tuple[str, str]]] | None = None,
               progress: Callable[[int], None] | None = None, on_plan: Callable[[int, int], None] | None = None,
               with_group: bool = False) -> pl.DataFrame:
    """Evaluate ``jurisdictions`` (default :func:`matrix_jurisdictions`) × ``scenarios``
    under the law of ``as_of``.

    ``evaluate(units, as_of, progress)`` evaluates the distinct units (default: this
    machine; :func:`cooprules.analysis.dask_runner.dask_evaluator` for a cluster).
    ``on_plan(n_units, n_rows)`` is told the work size before it starts.
    Returns a Polars DataFrame with :data:`COLUMNS`, one row per jurisdiction and
    scenario, sorted by jurisdiction then scenario order; ``with_group`` adds the
    ``group`` column (the law group of :attr:`Unit.cells`, to join per-unit detail).
    """
    if jurisdictions is None:
        jurisdictions = matrix_jurisdictions(engine)
    jframe = _jurisdiction_frame(engine, jurisdictions)
    units = plan_units(engine, jframe, scenarios, as_of, entity)
    if on_plan:
        on_plan(len(units), jframe.height * len(scenarios))
    if evaluate is None:
        results = evaluate_units_local(engine, units, as_of, progress)
    else:
        results = evaluate(units, as_of, progress)
    order = {s.id: i for i, s in enumerate(scenarios)}
    cols: dict[str, list[Any]] = {"group": [], "scenario": [], "entity": [], "outcome": [], "citations": []}
    for unit, (outcome, cites) in zip(units, results):
        for g, sid, ent in unit.cells:
            cols["group"].append(g)
            cols["scenario"].append(sid)
            cols["entity"].append(ent)
            cols["outcome"].append(outcome)
            cols["citations"].append(cites)
    answers = pl.DataFrame(cols, schema={"group": pl.Int64, "scenario": pl.String, "entity": pl.String,
                                         "outcome": pl.String, "citations": pl.String})
    answers = answers.with_columns(pl.col("scenario").replace_strict(order, return_dtype=pl.Int64).alias("order"))
    table = (jframe.join(answers, on="group", how="inner")
             .sort(["jurisdiction", "order"])
             .with_columns(pl.lit(as_of).alias("as_of"), pl.lit(engine.corpus.version).alias("corpus_version"))
             .select(COLUMNS + (["group"] if with_group else [])))
    return table


def write_table(df: pl.DataFrame, path: str) -> None:
    """Write ``df`` as Parquet (``.parquet``) or CSV (``.csv``). Raises ValueError
    naming ``--out`` for any other extension."""
    if path.endswith(".parquet"):
        df.write_parquet(path)
    elif path.endswith(".csv"):
        df.write_csv(path)
    else:
        raise ValueError(f"--out: '{path}' must end in .parquet or .csv")
