"""``cooprules whatif``: what a draft (provisions added, provisions removed) would change,
scenario by scenario, for every jurisdiction it binds: a reform run, as in
tax-benefit microsimulation.

The draft is placed in a temporary copy of the rules tree (``rules/`` itself is never
written), linted like the corpus, loaded with :func:`cooprules.load_corpus`, and the
standard scenarios are evaluated with the current corpus and the modified one.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
import yaml

from ..corpus.lint import lint
from ..corpus.loader import JURISDICTION_FILE, folder_name, load_corpus
from ..errors import did_you_mean
from .matrix import matrix_jurisdictions, run_matrix
from .standard import Scenario, read_yaml


class DraftError(ValueError):
    """A draft that cannot be applied. ``findings`` holds lint messages (file,
    provision id, field) when the draft does not pass the corpus checks."""

    def __init__(self, message: str, findings: list[str] | None = None):
        self.findings = findings or []
        super().__init__(message + ("".join(f"\n  {f}" for f in self.findings)))


@dataclass
class WhatIf:
    """The result: ``changes`` (a Polars DataFrame: jurisdiction, name, scenario,
    before, after, citations_before, citations_after), ``jurisdictions`` evaluated,
    ``scenarios`` count, ``as_of``, the ``added`` and ``removed`` provision ids, and
    ``counts``: (before, after) -> number of changed answers."""

    changes: pl.DataFrame
    jurisdictions: list[str]
    scenarios: int
    as_of: dt.date
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def counts(self) -> dict[tuple[str, str], int]:
        out: dict[tuple[str, str], int] = {}
        for b, a in self.changes.select("before", "after").iter_rows():
            out[(b, a)] = out.get((b, a), 0) + 1
        return out


def _read_draft(path: Path) -> dict[str, Any]:
    data = read_yaml(path, "--add", DraftError)
    if not isinstance(data, dict) or "provisions" not in data or "document" not in data:
        raise DraftError(f"--add: {path}: a draft is a rule file (document:, provisions:, docs/rule-format.md) "
                         "with a top-level jurisdiction: OCD-ID")
    if not data.get("jurisdiction"):
        raise DraftError(f"--add: {path}: give the lawmaker's OCD-ID as a top-level 'jurisdiction:' "
                         "(e.g. ocd-division/country:us/state:ca/place:san_diego)")
    return data


def _folder_for(engine, root: Path, ocd_id: str, id_prefix: str | None) -> Path:
    """The folder of ``ocd_id`` in the copied tree, created (with its
    ``_jurisdiction.yaml``) when the corpus has none."""
    corpus = engine.corpus
    if ocd_id in corpus.folder_paths:
        return root / corpus.folder_paths[ocd_id]
    state = engine.registry.state_of(ocd_id)
    parent = root / corpus.folder_paths[state] if state in corpus.folder_paths else root / "us" / state.rsplit(":", 1)[-1]
    if ocd_id == state:
        parent = root / "us"
    folder = parent / folder_name(ocd_id)
    folder.mkdir(parents=True, exist_ok=True)
    if not id_prefix:
        raise DraftError(f"--add: {ocd_id} has no folder in the corpus yet; give 'id_prefix:' at the top of the draft "
                         "(every provision id starts with it)")
    (folder / JURISDICTION_FILE).write_text(yaml.safe_dump(
        {"ocd_id": ocd_id, "name": engine.registry.get(ocd_id).name, "id_prefix": id_prefix}), encoding="utf-8")
    return folder


def _check_prefix(engine, ocd_id: str, id_prefix: str | None, ids: list[str]) -> None:
    """Every provision id of a lawmaker starts with its folder's ``id_prefix`` and a
    hyphen (docs/rule-format.md; the loader refuses any other). A draft for a
    government that already has a folder uses that folder's prefix: a different
    ``id_prefix:`` in the draft raises :class:`DraftError` naming the prefix required
    and the folder it comes from; a draft for a government with no folder yet sets the
    prefix with its own ``id_prefix:``. An id without the prefix raises
    :class:`DraftError` naming the ids and the prefix."""
    folder = engine.corpus.folders.get(ocd_id)
    if folder is not None:
        where = f"rules/{engine.corpus.folder_paths[ocd_id]}"
        if id_prefix and id_prefix != folder.id_prefix:
            raise DraftError(
                f"--add: id_prefix: '{id_prefix}' cannot be used for {ocd_id}: the corpus already has its folder "
                f"({where}), whose id_prefix is '{folder.id_prefix}', and every provision id of a lawmaker starts with "
                f"its folder's id_prefix; write 'id_prefix: {folder.id_prefix}' (or leave it out) and ids such as "
                f"'{folder.id_prefix}-draft-1'")
        prefix, why = folder.id_prefix, f"the id_prefix of {ocd_id}'s folder, {where}"
    elif id_prefix:
        prefix, why = id_prefix, f"the draft's id_prefix ({ocd_id} has no folder in the corpus yet)"
    else:
        return  # _folder_for says a new folder needs an id_prefix
    wrong = [pid for pid in ids if not pid.startswith(prefix + "-")]
    if wrong:
        shown = ", ".join(f"'{w}'" for w in wrong[:5]) + (f" and {len(wrong) - 5} more" if len(wrong) > 5 else "")
        raise DraftError(f"--add: provision id {shown} must start with '{prefix}-': {why}; every provision id of a "
                         "lawmaker starts with its id_prefix and a hyphen (docs/rule-format.md)")


def _remove(root: Path, corpus, ids: list[str]) -> None:
    """Delete provisions ``ids`` from their files in the copied tree, and drop them from
    other provisions' ``overrides``."""
    for pid in ids:
        if pid not in corpus.provisions:
            guess = did_you_mean(pid, corpus.provisions)
            raise DraftError(f"--remove: no provision '{pid}'" + (f" (did you mean '{guess}'?)" if guess else ""))
        if not (Path(corpus.root) / corpus.provisions[pid].file).is_file():
            raise DraftError(f"--remove: '{pid}' is generated from {corpus.provisions[pid].file}, not read from a rule "
                             "file; only provisions of rules/ can be taken out")
    gone = set(ids)
    for path in root.rglob("*.y*ml"):
        if path.name == JURISDICTION_FILE:
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or not isinstance(data.get("provisions"), list):
            continue
        items = data["provisions"]
        kept = [p for p in items if not (isinstance(p, dict) and p.get("id") in gone)]
        touched = len(kept) != len(items)
        for p in kept:
            if isinstance(p, dict) and set(p.get("overrides") or []) & gone:
                p["overrides"] = [o for o in p["overrides"] if o not in gone]
                touched = True
        if touched:
            data["provisions"] = kept
            path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def build_modified(engine, draft: str | None, remove: list[str], workdir: Path) -> tuple[Path, list[str], list[str]]:
    """Copy the corpus into ``workdir``, add the draft and remove ``remove``. Returns
    (rules root, added ids, lawmakers touched). Raises :class:`DraftError`."""
    root = workdir / "rules"
    shutil.copytree(engine.corpus.root, root)
    touched: list[str] = []
    added: list[str] = []
    if draft:
        data = _read_draft(Path(draft))
        ocd_id = str(data.pop("jurisdiction")).strip()
        id_prefix = data.pop("id_prefix", None)
        try:
            ocd_id = engine.registry.canonical(ocd_id)
        except ValueError as exc:
            raise DraftError(f"--add: jurisdiction: {exc}") from None
        added = [str(p.get("id")) for p in data.get("provisions") or [] if isinstance(p, dict)]
        _check_prefix(engine, ocd_id, None if id_prefix is None else str(id_prefix).strip(), added)
        folder = _folder_for(engine, root, ocd_id, id_prefix)
        target = folder / f"_draft-{Path(draft).stem}.yaml"
        target.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
        touched.append(ocd_id)
    if remove:
        _remove(root, engine.corpus, remove)
        touched.extend(engine.corpus.provisions[pid].provision.jurisdiction for pid in remove)
    return root, added, list(dict.fromkeys(touched))


def _new_findings(engine, root: Path) -> list[str]:
    """Lint findings of the modified tree that the current corpus does not have."""
    before = {str(f).split("rules/", 1)[-1] for f in lint(engine.corpus.root, engine.registry, translations=False)}
    return [str(f) for f in lint(root, engine.registry, translations=False)
            if str(f).split("rules/", 1)[-1] not in before]


def bound_jurisdictions(engine, lawmakers_touched: list[str]) -> list[str]:
    """Every jurisdiction of the matrix (each county, each encoded government) whose
    chain of lawmakers includes one of ``lawmakers_touched``, plus those lawmakers
    themselves below state level."""
    from ..engine.layers import lawmakers

    touched = set(lawmakers_touched)
    candidates = set(matrix_jurisdictions(engine)) | {j for j in touched if j.count("/") >= 3}
    return sorted(j for j in candidates if touched & set(lawmakers(engine.registry, j)))


def what_if(engine, scenarios: list[Scenario], draft: str | None = None, remove: list[str] | None = None,
            as_of: dt.date | None = None) -> WhatIf:
    """Evaluate ``scenarios`` for every jurisdiction the draft binds, with and without
    it. ``draft`` is a rule-file path with a top-level ``jurisdiction:`` (and
    ``id_prefix:`` when that government has no folder yet); ``remove`` provision ids to
    take out. ``as_of`` defaults to today, or to the draft's first ``effective_from``
    when that is later. Raises :class:`DraftError` (with lint findings) for a draft
    that does not pass the corpus checks."""
    from .. import Engine

    remove = list(remove or [])
    if not draft and not remove:
        raise DraftError("whatif: give a draft with --add FILE and/or provisions to take out with --remove ID")
    with tempfile.TemporaryDirectory(prefix="cooprules-whatif-") as tmp:
        root, added, touched = build_modified(engine, draft, remove, Path(tmp))
        findings = _new_findings(engine, root)
        if findings:
            raise DraftError(f"the draft does not pass lint ({len(findings)} finding(s)):", findings)
        # the shipped corpus adds provisions generated from ICE's 287(g) list: so must the copy
        generated = any(not (Path(engine.corpus.root) / cp.file).is_file() for cp in engine.corpus.provisions.values())
        try:
            corpus = load_corpus(root, agreements=generated)
        except ValueError as exc:
            raise DraftError(f"the draft cannot be loaded: {exc}") from None
    if as_of is None:
        as_of = dt.date.today()
        starts = [corpus.provisions[p].provision.effective_from for p in added if p in corpus.provisions]
        if starts and min(starts) > as_of:
            as_of = min(starts)
    modified = Engine(corpus=corpus, registry=engine.registry, agreements=getattr(engine, "agreements", None))
    jurisdictions = bound_jurisdictions(engine, touched)
    before = run_matrix(engine, scenarios, as_of, jurisdictions)
    after = run_matrix(modified, scenarios, as_of, jurisdictions)
    keys = ["jurisdiction", "scenario"]
    both = before.select(*keys, "name", pl.col("outcome").alias("before"), pl.col("citations").alias("citations_before")).join(
        after.select(*keys, pl.col("outcome").alias("after"), pl.col("citations").alias("citations_after")), on=keys,
        how="inner", maintain_order="left")
    changes = both.filter((pl.col("before") != pl.col("after")) | (pl.col("citations_before") != pl.col("citations_after")))
    changes = changes.select("jurisdiction", "name", "scenario", "before", "after", "citations_before", "citations_after")
    return WhatIf(changes, jurisdictions, len(scenarios), as_of, added, remove)
