"""ICE's 287(g) agreements as data: which government's office has which model since when.

The shipped file ``data/agreements_287g.csv`` holds one row per agreement (agency x
model) on ICE's latest captured participating-agencies list, mapped to the OCD-ID of
the government that runs the agency and an entity word (see ``data/README.md``; built
by ``scripts/build_agreements.py``).

    >>> from datetime import date
    >>> from cooprules.agreements import load_agreements
    >>> ags = load_agreements()
    >>> a = ags.lookup("ocd-division/country:us/state:fl/county:duval", "sheriff", date(2025, 7, 1))
    >>> a.model.value, a.agency
    ('jail_enforcement', "Jacksonville Sheriff's Office")
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from ..corpus.schema import Provision, SourceKind, Status
from ..vocabulary import Agreement287g, Effect, Entity

__all__ = [
    "DATA_FILE",
    "ICE_287G_PAGE",
    "MODEL_CODES",
    "MODEL_NAMES",
    "MODEL_PREFERENCE",
    "Agreement",
    "Agreements",
    "load_agreements",
]

#: The shipped file, in this package's ``data/`` folder.
DATA_FILE = "agreements_287g.csv"
#: ICE's 287(g) page: the source of the list, cited when an MOA link is pending.
ICE_287G_PAGE = "https://www.ice.gov/identify-and-arrest/287g"
#: Provision id suffix for each model.
MODEL_CODES = {
    Agreement287g.jail_enforcement: "jem",
    Agreement287g.task_force: "tfm",
    Agreement287g.warrant_service_officer: "wso",
}
#: ICE's name for each model.
MODEL_NAMES = {
    Agreement287g.jail_enforcement: "Jail Enforcement Model",
    Agreement287g.task_force: "Task Force Model",
    Agreement287g.warrant_service_officer: "Warrant Service Officer",
}
#: When one office has several agreements in force, :meth:`Agreements.lookup` returns
#: the first model in this order.
MODEL_PREFERENCE = (
    Agreement287g.jail_enforcement,
    Agreement287g.warrant_service_officer,
    Agreement287g.task_force,
)
_RANK = {m: n for n, m in enumerate(MODEL_PREFERENCE)}
#: A sheriff's office and the county jail are one office for 287(g) purposes: the
#: agreement of either answers a query about the other.
_SAME_OFFICE = {Entity.sheriff: (Entity.sheriff, Entity.jail), Entity.jail: (Entity.jail, Entity.sheriff)}


def _same_office(ocd_id: str, entity: Entity) -> tuple[Entity, ...]:
    """The words naming one office with ``entity``: sheriff and jail where the sheriff
    runs the county's jail, else the word alone (a Kentucky jailer's agreement is not the
    sheriff's; jail_operators.csv)."""
    from ..jurisdictions.jail_operators import sheriff_runs_jail

    if entity in _SAME_OFFICE and sheriff_runs_jail(ocd_id):
        return _SAME_OFFICE[entity]
    return (entity,)


#: What each model lets designated officers do, as a short title ({facility} is "jail"
#: or "prisons"). The actions, condition and confidence come from the model's YAML
#: (:mod:`cooprules.agreements.models`).
_MODEL_TITLES: dict[Agreement287g, str] = {
    Agreement287g.jail_enforcement:
        "may have designated officers perform immigration-officer functions in its {facility} "
        "(interview, lodge detainers, serve ICE warrants, process for transfer)",
    Agreement287g.warrant_service_officer:
        "may have designated officers serve and execute ICE administrative warrants (I-200, I-205) "
        "on people in its {facility}",
    Agreement287g.task_force:
        "may have designated officers exercise limited immigration-officer powers, including "
        "civil immigration arrest, in the field",
}


@dataclass(frozen=True)
class Agreement:
    """One 287(g) agreement (one agency, one model) on ICE's list.

    Fields:
        ocd_id: canonical OCD-ID of the government that runs the agency, e.g.
            ``"ocd-division/country:us/state:fl/county:duval"``; ``None`` when the
            agency could not be mapped (a regional jail, a Pennsylvania constable).
        entity: the office kind (``Entity.sheriff``, ``jail``, ``police``,
            ``corrections``, ``state_agency``, ``county_department``); ``None`` when
            unmapped.
        model: ``Agreement287g.jail_enforcement``, ``task_force`` or
            ``warrant_service_officer``.
        signed: signing date from ICE's list (two malformed dates repaired); ``None``
            when ICE gives none.
        agency: agency name as ICE prints it (blanks normalised).
        moa_url: link to the signed MOA on ice.gov; ``""`` while ICE's link is pending.
        state: two-letter state code, lower case (``"fl"``).
        agency_type: ICE's ``County`` / ``Municipality`` / ``State Agency``.
        county: ICE's county column (``""`` when ICE gives ``#N/A``).
        first_list_date: first ICE list (from 2025-05-16) on which the agreement appears.
        list_date: the ICE list the row comes from (the latest captured).
        addendum_url: link to an addendum, ``""`` when none.
        notes: how the row was mapped or repaired.
    """

    ocd_id: str | None
    entity: Entity | None
    model: Agreement287g
    signed: dt.date | None
    agency: str
    moa_url: str
    state: str
    agency_type: str = ""
    county: str = ""
    first_list_date: dt.date | None = None
    list_date: dt.date | None = None
    addendum_url: str = ""
    notes: str = ""

    @property
    def effective_from(self) -> dt.date:
        """The first day the agreement counts: ``signed``, else ``first_list_date``."""
        day = self.signed or self.first_list_date
        if day is None:  # pragma: no cover - the shipped file always has a list date
            raise ValueError(f"{self.agency}: neither a signing date nor a list date")
        return day

    @property
    def mapped(self) -> bool:
        """True when the agreement has an OCD-ID and an entity."""
        return self.ocd_id is not None and self.entity is not None

    def in_force_on(self, day: dt.date) -> bool:
        """Whether the agreement counts on ``day`` (signed on or before it)."""
        return self.effective_from <= _as_date(day)


def _as_date(day: object) -> dt.date:
    if isinstance(day, dt.datetime):
        return day.date()
    if isinstance(day, dt.date):
        return day
    raise TypeError(f"day must be a datetime.date, not {type(day).__name__}")


def _norm_id(ocd_id: str) -> str:
    if not isinstance(ocd_id, str):
        raise TypeError(f"ocd_id must be a string, not {type(ocd_id).__name__}")
    return ocd_id.strip().rstrip("/").lower()


def _date(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def slug(text: str) -> str:
    """``"St. Lucie County Sheriff's Office"`` -> ``"st-lucie-county-sheriffs-office"``."""
    text = unicodedata.normalize("NFKD", text.replace("\u2019", "'"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = text.replace("&", " and ").replace("'", "")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


class Agreements:
    """All agreements of the shipped file, indexed by government and office kind.

    Build one with :func:`load_agreements` (cached) or :meth:`from_csv`.
    ``len()`` counts every agreement, mapped or not; iteration yields them in file
    order (state, agency, model).
    """

    def __init__(self, agreements: Iterable[Agreement]) -> None:
        self._all = tuple(agreements)
        self._by_office: dict[tuple[str, Entity], list[Agreement]] = {}
        self._by_id: dict[str, list[Agreement]] = {}
        for a in self._all:
            if a.mapped:
                self._by_office.setdefault((a.ocd_id, a.entity), []).append(a)
                self._by_id.setdefault(a.ocd_id, []).append(a)
        self._provisions: tuple[Provision, ...] | None = None

    # ------------------------------------------------------------------ reading
    @classmethod
    def from_csv(cls, source: str | Path | io.TextIOBase) -> Agreements:
        """Read the shipped CSV format (``data/README.md`` lists the columns).

        ``source`` is a path or an open text file.

        Raises:
            ValueError: a row with an unknown model or entity word, a malformed date,
                or an OCD-ID without an entity (or the reverse).
        """
        if isinstance(source, (str, Path)):
            with open(source, encoding="utf-8", newline="") as fh:
                return cls._parse(fh)
        return cls._parse(source)

    @classmethod
    def _parse(cls, fh) -> Agreements:
        out = []
        for n, row in enumerate(csv.DictReader(fh), start=2):
            try:
                ocd_id = row["ocd_id"] or None
                entity = Entity(row["entity"]) if row["entity"] else None
                if (ocd_id is None) != (entity is None):
                    raise ValueError("ocd_id and entity must be both given or both empty")
                out.append(Agreement(
                    ocd_id=ocd_id,
                    entity=entity,
                    model=Agreement287g(row["model"]),
                    signed=_date(row["signed"]),
                    agency=row["agency"],
                    moa_url=row["moa_url"],
                    state=row["state"],
                    agency_type=row["agency_type"],
                    county=row["county"],
                    first_list_date=_date(row["first_list_date"]),
                    list_date=_date(row["last_list_date"]),
                    addendum_url=row["addendum_url"],
                    notes=row["notes"],
                ))
            except (KeyError, ValueError) as exc:
                raise ValueError(f"287(g) agreements file, line {n}: {exc}") from exc
        return cls(out)

    # ------------------------------------------------------------------ sizes
    def __len__(self) -> int:
        """Number of agreements in the file, mapped or not."""
        return len(self._all)

    def __iter__(self) -> Iterator[Agreement]:
        return iter(self._all)

    @property
    def unmapped(self) -> list[Agreement]:
        """Agreements with no OCD-ID (kept, counted, never used by :meth:`lookup`)."""
        return [a for a in self._all if not a.mapped]

    @property
    def match_rate(self) -> float:
        """Share of agreements mapped to an OCD-ID and entity (0.0 to 1.0)."""
        return (len(self._all) - len(self.unmapped)) / len(self._all) if self._all else 0.0

    @property
    def as_of(self) -> dt.date | None:
        """Date of the ICE list the file comes from (``None`` for an empty set)."""
        dates = [a.list_date for a in self._all if a.list_date]
        return max(dates) if dates else None

    # ------------------------------------------------------------------ queries
    def lookup(self, ocd_id: str, entity: Entity | str, day: dt.date) -> Agreement | None:
        """The agreement in force for this government's office of this kind on ``day``.

        An agreement is in force from its signing date (its first list date when ICE
        gives none); the list records no end dates, so nothing expires. When several
        are in force, the model is chosen in :data:`MODEL_PREFERENCE` order
        (jail_enforcement, warrant_service_officer, task_force), then the earliest
        signed, then by agency name. A ``sheriff`` query also matches the county's
        ``jail`` agreements and the reverse. Several state agencies can share one
        (state, entity) pair; :meth:`for_jurisdiction` lists them all.

        Args:
            ocd_id: OCD-ID of the responder's government, canonical (aliases are not
                resolved here; case and a trailing ``/`` are ignored).
            entity: an :class:`~cooprules.vocabulary.Entity` or its word.
            day: the date asked about (a ``datetime`` counts as its date).

        Returns:
            The :class:`Agreement`, or ``None`` when the data has none in force for
            that office on that day (which does not prove there is none: see
            ``data/README.md``).

        Raises:
            ValueError: ``entity`` is not an entity word.
            TypeError: ``day`` is not a date or ``ocd_id`` not a string.
        """
        key = _norm_id(ocd_id)
        ent = Entity(entity)
        day = _as_date(day)
        found = [a for e in _same_office(key, ent)
                 for a in self._by_office.get((key, e), ()) if a.effective_from <= day]
        if not found:
            return None
        return min(found, key=lambda a: (_RANK[a.model], a.effective_from, a.agency))

    def for_jurisdiction(self, ocd_id: str) -> list[Agreement]:
        """Every mapped agreement of one government, whatever the date, sorted by
        entity, model preference and agency. Empty when there is none.

        Raises:
            TypeError: ``ocd_id`` is not a string.
        """
        found = self._by_id.get(_norm_id(ocd_id), [])
        return sorted(found, key=lambda a: (a.entity.value, _RANK[a.model], a.agency))

    # ------------------------------------------------------------------ provisions
    def provisions(self) -> list[Provision]:
        """One :class:`~cooprules.corpus.schema.Provision` per mapped agreement.

        Shape of each: id ``g287-<state>-<agency slug>-<jem|tfm|wso>`` (unique; a
        ``-2`` is added on a clash), cite ``287(g) MOA, <agency>, <model name>
        (signed YYYY-MM-DD)``, source the MOA link (ICE's 287(g) page while the link
        is pending), source_kind ``agreement``, jurisdiction the mapped OCD-ID, binds
        the mapped entity (a sheriff's agreement also binds ``jail`` and the reverse
        where the sheriff runs the county jail; jail_operators.csv),
        effect ``permitted`` for the model's actions under the model's scope (both from
        the model's YAML, ``rules/us/287g-model-*.yaml``, see
        :mod:`cooprules.agreements.models`): jail enforcement in the jail (a civil arrest
        only on an I-200/I-205), warrant service officer in the jail on an I-200/I-205,
        task force outside the jail.

        effective_from is the signing date (the first list date when missing); confidence
        and ``checked`` are the model's (ICE's list proves the agreement exists, not what
        it says); notes name the list dates and the model file. The conditions do not read
        ``responder.agreement_287g``: the provision is the agreement itself, bound to its
        own office. An agreement whose model has no YAML is left out. Built once per
        instance; the list returned is a copy.
        """
        if self._provisions is None:
            self._provisions = tuple(self._build_provisions())
        return list(self._provisions)

    def _build_provisions(self) -> Iterator[Provision]:
        from .models import load_models

        models = load_models()
        seen: set[str] = set()
        for a in self._all:
            tpl = models.get(a.model)
            if not a.mapped or tpl is None:
                continue
            base = f"g287-{a.state}-{slug(a.agency)}-{MODEL_CODES[a.model]}"
            pid, n = base, 2
            while pid in seen:
                pid, n = f"{base}-{n}", n + 1
            seen.add(pid)
            what = _MODEL_TITLES[a.model]
            facility = "prisons" if a.entity is Entity.corrections else "jail"
            binds = [a.entity]
            binds += [e for e in _same_office(a.ocd_id, a.entity) if e is not a.entity]
            signed = f"signed {a.signed.isoformat()}" if a.signed else "signing date not given"
            listed = (f"ICE 287(g) participating-agencies list of {a.list_date.isoformat()}"
                      if a.list_date else "ICE 287(g) participating-agencies list")
            notes = (f"From {listed}; first listed {a.first_list_date.isoformat() if a.first_list_date else 'unknown'}. "
                     f"Scope and confidence from the model agreement as encoded in rules/{tpl.file} "
                     f"({tpl.id}); this agency's MOA text governs and was not read. "
                     + ("For a corrections department, context.location 'jail' stands for its prisons. "
                        if a.entity is Entity.corrections and a.model is not Agreement287g.task_force else "")
                     + ("" if a.signed else "ICE gives no signing date: in force from the first list date. ")
                     + ("" if a.moa_url else "MOA link pending on ICE's list. ")
                     + f"Mapping: {a.notes}.")
            yield Provision(
                id=pid,
                cite=f"287(g) MOA, {a.agency}, {MODEL_NAMES[a.model]} ({signed})",
                title=f"{a.agency} {what.format(facility=facility)}"[:300],
                source=a.moa_url or ICE_287G_PAGE,
                source_kind=SourceKind.agreement,
                jurisdiction=a.ocd_id,
                binds=binds,
                actions=list(tpl.actions),
                effect=Effect.permitted,
                when=tpl.scope,
                effective_from=a.effective_from,
                status=Status.in_force,
                confidence=tpl.confidence,
                checked=tpl.checked,
                notes=notes,
            )


@cache
def load_agreements() -> Agreements:
    """Load the shipped agreements (cached: one instance per process).

    Reads ``data/agreements_287g.csv`` from the package; needs neither the
    jurisdiction registry nor the network. Provisions are built on first call of
    :meth:`Agreements.provisions`.

    Raises:
        ValueError: the shipped file is malformed (a packaging error).
    """
    text = (resources.files(__package__) / "data" / DATA_FILE).read_text(encoding="utf-8")
    return Agreements.from_csv(io.StringIO(text, newline=""))
