"""Load the ``rules/`` tree once: parse YAML, validate (pydantic), compile CEL, index.

Per-request work never parses YAML or compiles CEL: everything here happens at load.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ..errors import CorpusError
from ..vocabulary import Action
from .conditions import Condition, ConditionError, compile_condition
from .conventions import with_conventions
from .schema import JurisdictionFolder, Provision, SourceKind

try:  # the C loader is several times faster where PyYAML was built with libyaml
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader

JURISDICTION_FILE = "_jurisdiction.yaml"

#: Layer names by the type of the lawmaker's last OCD-ID segment.
LAYER_NAMES = {
    "country": "federal",
    "state": "state",
    "county": "county",
    "place": "city",
    "school_district": "school_district",
}


def folder_name(ocd_id: str) -> str:
    """The ``rules/`` folder name for a lawmaker: the value alone for the country and a
    state (``us``, ``ca``), ``type-value`` below (``county-san_diego``)."""
    kind, _, value = ocd_id.rsplit("/", 1)[-1].partition(":")
    return value if kind in ("country", "state") else f"{kind}-{value}"


def layer_name(ocd_id: str, agency: bool = False) -> str:
    """The layer a lawmaker's provisions form: ``federal``, ``state``, ``county``,
    ``city``, ``school_district`` (``local`` for other kinds), with ``_agency``
    appended for agency policies."""
    kind = ocd_id.rsplit("/", 1)[-1].split(":", 1)[0]
    name = LAYER_NAMES.get(kind, "local")
    return f"{name}_agency" if agency else name


@dataclass(frozen=True)
class CompiledProvision:
    """A validated provision with its compiled condition and where it came from."""

    provision: Provision
    condition: Condition
    file: str
    layer: str
    agency: bool

    @property
    def id(self) -> str:
        return self.provision.id


@dataclass
class Corpus:
    """The loaded rule corpus.

    ``provisions``: id -> CompiledProvision; ``folders``: OCD-ID -> JurisdictionFolder
    (and ``folder_paths`` OCD-ID -> folder relative to the root); ``by_action``:
    action -> provisions that speak to it; ``by_lawmaker``: (OCD-ID, action) -> the
    lawmaker's provisions on it; ``boundaries``: every date on which some
    provision starts or stops (answers can only change on these days); ``version``:
    sha256 of every rule file, so a decision can be reproduced. Boundaries include
    litigation dates, since what a decision reports as contested changes on them.
    """

    root: Path
    provisions: dict[str, CompiledProvision]
    folders: dict[str, JurisdictionFolder]
    folder_paths: dict[str, str]
    documents: dict[str, dict[str, Any]]
    version: str
    by_action: dict[Action, list[CompiledProvision]] = field(default_factory=dict)
    by_lawmaker: dict[tuple[str, Action], list[CompiledProvision]] = field(default_factory=dict)
    boundaries: list[dt.date] = field(default_factory=list)

    def __post_init__(self) -> None:
        index: dict[Action, list[CompiledProvision]] = {a: [] for a in Action}
        by_lawmaker: dict[tuple[str, Action], list[CompiledProvision]] = {}
        days: set[dt.date] = set()
        for cp in self.provisions.values():
            for action in cp.provision.actions:
                index[action].append(cp)
                by_lawmaker.setdefault((cp.provision.jurisdiction, action), []).append(cp)
            days.add(cp.provision.effective_from)
            if cp.provision.effective_to:
                days.add(cp.provision.effective_to)
            # litigation reported on a date depends on the cases decided by then
            days.update(n.date for n in cp.provision.litigation if n.date is not None)
        self.by_action = index
        self.by_lawmaker = by_lawmaker
        self.boundaries = sorted(days)

    @staticmethod
    def boundaries_of(provisions: list[CompiledProvision]) -> list[dt.date]:
        """The days on which any of ``provisions`` starts, stops or gains a reported case."""
        days: set[dt.date] = set()
        for cp in provisions:
            p = cp.provision
            days.add(p.effective_from)
            if p.effective_to:
                days.add(p.effective_to)
            days.update(n.date for n in p.litigation if n.date is not None)
        return sorted(days)

    def period(self, day: dt.date) -> int:
        """Index of the period between boundaries that ``day`` falls in: two days with
        the same period have the same provisions in force."""
        return bisect.bisect_right(self.boundaries, day)

    def get(self, provision_id: str) -> CompiledProvision:
        """The provision with this id. Raises KeyError with a "did you mean"."""
        try:
            return self.provisions[provision_id]
        except KeyError:
            from ..errors import did_you_mean

            guess = did_you_mean(provision_id, self.provisions)
            raise KeyError(f"no provision '{provision_id}'" + (f" (did you mean '{guess}'?)" if guess else "")) from None


def default_rules_path() -> Path:
    """Where the corpus lives: ``$COOPRULES_RULES``, else ``rules/`` of the source
    checkout, else the copy shipped inside the installed package."""
    env = os.environ.get("COOPRULES_RULES")
    if env:
        return Path(env)
    here = Path(__file__).resolve()
    checkout = here.parents[3] / "rules"
    if checkout.is_dir():
        return checkout
    return here.parents[1] / "_rules"


#: Largest rule, draft or scenario file read (bytes); the largest shipped rule file is
#: under 100 KB.
MAX_FILE_BYTES = 2 * 1024 * 1024
#: Deepest nesting of YAML mappings and lists (the corpus: under 10).
MAX_YAML_DEPTH = 64


def read_limited(path: Path, rel: str, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of ``path`` if it is a regular file (a symlink to one is followed) of
    at most ``limit`` bytes. A FIFO, device, socket or directory is refused without
    waiting on it (opened non-blocking, checked with ``fstat`` on the open file, so it
    cannot be swapped in between); at most ``limit + 1`` bytes are ever read.
    Raises :class:`CorpusError` naming ``rel``."""
    import stat

    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise CorpusError(rel, f"cannot read: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise CorpusError(rel, "not a regular file (a FIFO, device, socket or folder); rule files are plain files")
        if info.st_size > limit:
            raise CorpusError(rel, f"file is {info.st_size:,} bytes; the limit is {limit:,}")
        with os.fdopen(fd, "rb", closefd=True) as fh:
            fd = -1
            data = fh.read(limit + 1)
    except OSError as exc:
        raise CorpusError(rel, f"cannot read: {exc.strerror or exc}") from None
    finally:
        if fd >= 0:
            os.close(fd)
    if len(data) > limit:
        raise CorpusError(rel, f"file is more than {limit:,} bytes; the limit is {limit:,}")
    return data


def load_yaml(data: bytes | str, rel: str, max_depth: int = MAX_YAML_DEPTH) -> Any:
    """One YAML document (safe types only), nested at most ``max_depth`` deep. The
    document is composed into nodes, its depth measured without recursion, and only
    then constructed into Python values; a document deeper than Python's recursion
    limit fails in the composer and is reported as too deep. Raises
    :class:`CorpusError` naming ``rel`` for text that is not UTF-8, a syntax error or
    nesting past the limit."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise CorpusError(rel, f"not UTF-8: byte 0x{data[exc.start]:02x} at offset {exc.start}") from None
    loader = _Loader(data)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_depth(node, rel, max_depth)
        return loader.construct_document(node)
    except yaml.YAMLError as exc:
        raise CorpusError(rel, f"YAML syntax error: {exc}") from None
    except RecursionError:
        raise CorpusError(rel, f"YAML nested more than {max_depth} deep") from None
    finally:
        loader.dispose()


def _check_depth(root: Any, rel: str, max_depth: int) -> None:
    """Raise CorpusError when a collection node lies more than ``max_depth`` deep
    (an explicit stack; a node reached twice through aliases is measured once)."""
    stack = [(root, 1)]
    seen: set[int] = set()
    while stack:
        node, depth = stack.pop()
        if id(node) in seen or not isinstance(node, yaml.CollectionNode):
            continue
        seen.add(id(node))
        if depth > max_depth:
            raise CorpusError(rel, f"YAML nested more than {max_depth} deep (line {node.start_mark.line + 1})")
        for item in node.value:
            if isinstance(item, tuple):
                stack.extend((part, depth + 1) for part in item)
            else:
                stack.append((item, depth + 1))


def read_yaml_file(path: Path, rel: str | None = None) -> Any:
    """:func:`read_limited` then :func:`load_yaml`: the one way rule files, drafts and
    scenario files are read. Raises :class:`CorpusError` naming ``rel`` (default: the
    path)."""
    rel = rel if rel is not None else str(path)
    return load_yaml(read_limited(path, rel), rel)


def _read_yaml(path: Path, rel: str) -> Any:
    """The YAML document of a rule file (:func:`read_yaml_file`)."""
    return read_yaml_file(path, rel)


def _read_yaml_bytes(path: Path, rel: str) -> tuple[Any, bytes]:
    """The YAML document of a rule file and its bytes (for the corpus hash)."""
    data = read_limited(path, rel)
    return load_yaml(data, rel), data


def _pydantic_message(exc: ValidationError) -> list[tuple[str, str]]:
    """(field, message) pairs; vocabulary errors name the word given, the nearest
    allowed word and the allowed words."""
    from ..errors import did_you_mean

    out = []
    for e in exc.errors(include_url=False):
        loc = ".".join(str(p) for p in e["loc"] if not (isinstance(p, str) and ("[" in p or p.startswith("literal"))))
        msg = e["msg"]
        if e["type"] in ("enum", "literal_error"):
            allowed = [a.strip(" '") for a in e.get("ctx", {}).get("expected", "").replace(" or ", ", ").split(",")]
            allowed = [a for a in allowed if a]
            guess = did_you_mean(str(e.get("input")), allowed)
            msg = (f"'{e.get('input')}' is not a vocabulary word" + (f" (did you mean '{guess}'?)" if guess else "")
                   + f"; allowed: {', '.join(allowed)}")
        out.append((loc, msg))
    return out


def read_tree(root: Path) -> tuple[list[CompiledProvision], dict[str, JurisdictionFolder], dict[str, str], dict[str, dict[str, Any]], str, list[CorpusError]]:
    """Read every folder and rule file under ``root``, collecting every error instead
    of stopping at the first. Returns (provisions, folders, folder paths, documents,
    version hash, errors)."""
    errors: list[CorpusError] = []
    provisions: list[CompiledProvision] = []
    folders: dict[str, JurisdictionFolder] = {}
    folder_paths: dict[str, str] = {}
    documents: dict[str, dict[str, Any]] = {}
    digest = hashlib.sha256()
    if not root.is_dir():
        raise CorpusError(str(root), "rules folder not found")
    compiled_cache: dict[str, Condition] = {}
    for dirpath, dirnames, filenames in sorted(os.walk(root)):
        dirnames.sort()
        here = Path(dirpath)
        rel_dir = here.relative_to(root).as_posix()
        yamls = sorted(f for f in filenames if f.endswith((".yaml", ".yml")) and not f.endswith(".report.yaml"))  # report definitions: cooprules.ledger.reports
        if not yamls:
            continue
        jpath = here / JURISDICTION_FILE
        rel_j = f"{rel_dir}/{JURISDICTION_FILE}"
        if not jpath.exists():
            errors.append(CorpusError(rel_j, "missing: every folder of rules/ names its lawmaker (ocd_id, name, id_prefix)"))
            continue
        try:
            raw, data = _read_yaml_bytes(jpath, rel_j)
        except CorpusError as exc:
            errors.append(exc)
            continue
        digest.update(rel_j.encode() + data)
        try:
            folder = JurisdictionFolder.model_validate(raw)
        except ValidationError as exc:
            for loc, msg in _pydantic_message(exc):
                errors.append(CorpusError(rel_j, msg, field_name=loc))
            continue
        last = folder_name(folder.ocd_id)
        if rel_dir != "." and here.name != last:
            errors.append(CorpusError(rel_j, f"folder '{here.name}' should be named '{last}' after its ocd_id", field_name="ocd_id"))
        folders[folder.ocd_id] = folder
        folder_paths[folder.ocd_id] = rel_dir
        for name in yamls:
            if name == JURISDICTION_FILE:
                continue
            path = here / name
            rel = f"{rel_dir}/{name}"
            try:
                data, raw_bytes = _read_yaml_bytes(path, rel)
            except CorpusError as exc:
                errors.append(exc)
                continue
            digest.update(rel.encode() + raw_bytes)
            provisions.extend(_read_document(data, rel, folder, documents, errors, compiled_cache))
    return provisions, folders, folder_paths, documents, digest.hexdigest()[:16], errors


_INHERITED = ("source", "source_kind", "effective_from", "effective_to", "binds", "binds_note", "confidence", "checked",
              "status")


def _read_document(data: Any, rel: str, folder: JurisdictionFolder, documents: dict[str, dict[str, Any]],
                   errors: list[CorpusError], cache: dict[str, Condition]) -> list[CompiledProvision]:
    from .schema import DocumentDefaults

    if not isinstance(data, dict) or set(data) - {"document", "provisions"} or "provisions" not in data:
        errors.append(CorpusError(rel, "a rule file has exactly two keys: document and provisions"))
        return []
    try:
        doc = DocumentDefaults.model_validate(data.get("document") or {})
    except ValidationError as exc:
        for loc, msg in _pydantic_message(exc):
            errors.append(CorpusError(rel, msg, field_name=f"document.{loc}"))
        return []
    documents[rel] = doc.model_dump(mode="json")
    out = []
    items = data["provisions"] or []
    if not isinstance(items, list):
        errors.append(CorpusError(rel, "provisions must be a list", field_name="provisions"))
        return []
    for i, item in enumerate(items):
        pid = item.get("id") if isinstance(item, dict) else None
        if not isinstance(item, dict):
            errors.append(CorpusError(rel, "each provision is a mapping", field_name=f"provisions[{i}]"))
            continue
        merged = dict(item)
        for key in _INHERITED:
            if key == "binds_note" and item.get("binds") is not None:
                continue  # a provision's own binds needs its own note: the document's speaks of the document's
            if key not in merged or merged[key] is None:
                value = getattr(doc, key)
                if value is not None:
                    merged[key] = value if not hasattr(value, "value") else value.value
        merged["source"] = str(merged.get("source", ""))
        if "jurisdiction" in merged and merged["jurisdiction"] != folder.ocd_id:
            errors.append(CorpusError(rel, f"jurisdiction {merged['jurisdiction']} differs from its folder's ocd_id {folder.ocd_id}", pid, "jurisdiction"))
        merged["jurisdiction"] = folder.ocd_id
        try:
            prov = Provision.model_validate(merged)
        except ValidationError as exc:
            for loc, msg in _pydantic_message(exc):
                errors.append(CorpusError(rel, msg, pid, loc or None))
            continue
        if not prov.id.startswith(folder.id_prefix + "-"):
            errors.append(CorpusError(rel, f"id must start with '{folder.id_prefix}-' (the id_prefix of {folder.ocd_id})", prov.id, "id"))
        prov = with_conventions(prov)  # DESIGN.md, Conventions: a judicial warrant is never forbidden
        try:
            cond = cache.get(prov.when) or compile_condition(prov.when)
            cache[prov.when] = cond
        except ConditionError as exc:
            errors.append(CorpusError(rel, str(exc), prov.id, "when"))
            continue
        agency = prov.source_kind is SourceKind.agency_policy
        out.append(CompiledProvision(prov, cond, rel, layer_name(folder.ocd_id, agency), agency))
    return out


def agreement_provisions() -> tuple[list[CompiledProvision], bytes]:
    """The provisions generated from ICE's 287(g) list (one per mapped agreement,
    binding that agency from its signing date) and the bytes of the list file, for
    the corpus hash. They form the agency layer of the agreeing government."""
    from importlib import resources

    from ..agreements import DATA_FILE, load_agreements

    cache: dict[str, Condition] = {}
    out = []
    for prov in load_agreements().provisions():
        cond = cache.get(prov.when) or compile_condition(prov.when)
        cache[prov.when] = cond
        out.append(CompiledProvision(prov, cond, f"(287(g) list) {DATA_FILE}",
                                     layer_name(prov.jurisdiction, agency=True), True))
    return out, (resources.files("cooprules.agreements") / "data" / DATA_FILE).read_bytes()


def load_corpus(path: str | os.PathLike[str] | None = None, agreements: bool | None = None) -> Corpus:
    """Load, validate and compile the corpus at ``path`` (default: :func:`default_rules_path`).

    ``agreements``: add the provisions generated from ICE's 287(g) list
    (:mod:`cooprules.agreements`); by default only for the shipped corpus.
    Returns: :class:`Corpus`.
    Raises: :class:`cooprules.errors.CorpusError` for the first problem found (the
    message names the file, the provision id and the field); ``cooprules lint`` lists
    them all.
    """
    root = Path(path) if path is not None else default_rules_path()
    provisions, folders, folder_paths, documents, version, errors = read_tree(root)
    seen: dict[str, str] = {}
    for cp in provisions:
        if cp.id in seen:
            errors.append(CorpusError(cp.file, f"duplicate id (also in {seen[cp.id]})", cp.id, "id"))
        seen.setdefault(cp.id, cp.file)
    if errors:
        raise errors[0]
    if agreements if agreements is not None else path is None:
        generated, data = agreement_provisions()
        provisions = provisions + generated
        version = hashlib.sha256(version.encode() + data).hexdigest()[:16]
    return Corpus(root, {cp.id: cp for cp in provisions}, folders, folder_paths, documents, version)
