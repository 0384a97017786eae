"""The provision format of DESIGN.md and docs/rule-format.md, as pydantic models.

A rule file holds one source document (``document:``) and its provisions
(``provisions:``); fields a provision leaves out are inherited from the document.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, field_validator, model_validator

from ..vocabulary import Action, Effect, Entity, LitigationNote


class SourceKind(str, Enum):
    """What kind of legal source a provision comes from."""

    statute = "statute"
    regulation = "regulation"
    ordinance = "ordinance"
    board_policy = "board_policy"
    resolution = "resolution"
    executive_order = "executive_order"
    agency_policy = "agency_policy"
    court_ruling = "court_ruling"
    agreement = "agreement"
    constitution = "constitution"


class Status(str, Enum):
    """Legal status: ``enjoined`` and ``repealed`` provisions are left out of answers
    (but reported); ``contested`` ones count and are flagged."""

    in_force = "in_force"
    contested = "contested"
    enjoined = "enjoined"
    repealed = "repealed"


class Confidence(str, Enum):
    """How far a provision was checked (DESIGN.md, provisions table): ``confirmed``
    against the official text (or a faithful full copy) in force on its dates;
    ``secondary`` only against official summaries, legislative analyses or reliable
    reports; ``unconfirmed`` neither."""

    confirmed = "confirmed"
    secondary = "secondary"
    unconfirmed = "unconfirmed"


class Checked(BaseModel):
    """Where and when a provision's text was read: ``url``, ``on`` (YYYY-MM-DD) and
    ``what`` was read (``text``, ``summary`` or ``report``). Required for
    ``confirmed`` and ``secondary`` provisions."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    url: HttpUrl
    on: dt.date
    what: Literal["text", "summary", "report"]

    @model_validator(mode="before")
    @classmethod
    def _yaml_on(cls, data):
        return _yaml_on_key(data)


def _yaml_on_key(data):
    """YAML 1.1 reads an unquoted ``on:`` key as the boolean true: take it as ``on``."""
    if isinstance(data, dict) and True in data and "on" not in data:
        data = {("on" if k is True else k): v for k, v in data.items()}
    return data


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DutySpec(_Strict):
    """A duty that goes with a provision (text paraphrased, with its own cite)."""

    text: str = Field(min_length=3)
    cite: str = Field(min_length=3)
    trigger: Literal["request_received", "action_taken"] = "action_taken"


class NoneFound(_Strict):
    """A government below a folder's lawmaker that was checked and found to have no
    law of its own on cooperation with immigration enforcement ("none is a finding").

    ``ocd_id``: the government checked (canonical OCD-ID); ``on``: the day of the
    check (YYYY-MM-DD); ``searched``: what was searched (codes, minutes, policy
    manuals, news), in a sentence or two; ``url``: the best page read, if any.
    """

    ocd_id: str = Field(pattern=r"^ocd-division/country:us(/[a-z_]+:[\p{Ll}0-9_.~-]+)+$")
    on: dt.date
    searched: str = Field(min_length=10, max_length=2000)
    url: HttpUrl | None = None

    @model_validator(mode="before")
    @classmethod
    def _yaml_on(cls, data):
        return _yaml_on_key(data)


class _SearchRecord(_Strict):
    """What a record of a search holds (:class:`SessionChecked`, :class:`PeriodChecked`):
    ``on``, the day of the check (YYYY-MM-DD; an unquoted YAML ``on:`` key is taken
    as it); ``searched``, what was searched; ``found``, what was found and where it is
    encoded, or that nothing was; ``urls``, the best pages read."""

    on: dt.date
    searched: str = Field(min_length=10, max_length=3000)
    found: str = Field(min_length=4, max_length=3000)
    urls: list[HttpUrl] = []

    @model_validator(mode="before")
    @classmethod
    def _yaml_on(cls, data):
        return _yaml_on_key(data)


class SessionChecked(_SearchRecord):
    """One legislative session of a state (or the District's Council period) checked
    for enacted law on cooperation with immigration enforcement (issue 11 item 3).

    ``session``: the calendar year of the session (regular and special sessions of
    that year together); ``on``: the day of the check (YYYY-MM-DD); ``searched``: what
    was searched (sources, queries), in a sentence or a few; ``found``: what was found
    enacted in that session and where it is encoded (provision ids or files), or that
    nothing was found; ``urls``: the best pages read, if any.
    """

    session: int = Field(ge=1990, le=2100)


class PeriodChecked(_SearchRecord):
    """A span of years of a local government's (or agency's) own policies checked for
    what was in force (issue 11 item 5: every encoded locality complete over time):
    ordinances, board resolutions, executive orders, sheriff, police and jail policies,
    school district protocols.

    ``from``/``to``: the first and last calendar year of the span (``to`` left out: the
    year of the check); ``on``: the day of the check (YYYY-MM-DD); ``searched``: what
    was searched (codes, minutes, agendas, policy manuals, news), in a sentence or a
    few; ``found``: what was in force in the span and where it is encoded (provision
    ids or files), or what was found and why it is not encoded, or that nothing was
    found; ``urls``: the best pages read, if any. Raises ``ValidationError`` (naming
    the field) when ``from`` is after ``to``.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    start: int = Field(alias="from", ge=1970, le=2100)
    end: int | None = Field(default=None, alias="to", ge=1970, le=2100)

    @model_validator(mode="after")
    def _ordered(self):
        if self.end is not None and self.end < self.start:
            raise ValueError(f"from {self.start} is after to {self.end}")
        return self

    @property
    def last_year(self) -> int:
        """The span's last year: ``to``, or the year of the check."""
        return self.end if self.end is not None else self.on.year

    def years(self) -> range:
        """The calendar years the span covers, ``from`` to :attr:`last_year`."""
        return range(self.start, self.last_year + 1)


class JurisdictionFolder(_Strict):
    """``_jurisdiction.yaml``: the lawmaker a folder of ``rules/`` holds.

    ``none_found`` lists the governments under this lawmaker (its counties, cities,
    school districts) that were checked and found to have no law of their own; an
    answer then says "no local law found (checked DATE)" for that layer instead of
    the "not encoded" caution. A government with a folder of its own is not listed.
    ``sessions_checked`` (state and District folders) lists each legislative session
    searched for enacted law, with the day and what was searched; lint requires 2024,
    2025 and 2026 in every state folder. ``periods_checked`` (local folders) lists
    the spans of years whose policies were checked (:class:`PeriodChecked`);
    ``cooprules coverage --periods`` reports the years since
    :data:`cooprules.corpus.coverage.OVER_TIME_FROM` left unchecked.
    """

    ocd_id: str = Field(pattern=r"^ocd-division/country:us(/[a-z_]+:[\p{Ll}0-9_.~-]+)*$")
    name: str
    id_prefix: str = Field(pattern=r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
    none_found: list[NoneFound] = []
    sessions_checked: list[SessionChecked] = []
    periods_checked: list[PeriodChecked] = []


class DocumentDefaults(_Strict):
    """``document:``: the source document and defaults for its provisions."""

    title: str
    cite: str
    source: HttpUrl
    source_kind: SourceKind
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None
    binds: list[str] | Literal["all"] | None = None
    binds_note: str | None = None
    confidence: Confidence | None = None
    checked: Checked | None = None
    status: Status | None = None
    notes: str | None = None

    @field_validator("binds")
    @classmethod
    def _known_binds(cls, v):
        if isinstance(v, list):
            from .binds import expand_binds

            expand_binds(v)  # raises naming the unknown name and the allowed ones
        return v


class Provision(_Strict):
    """One rule from one legal source: the smallest unit a lawyer can point to.

    ``effect`` is None only for duty-only provisions (they decide nothing; their duties
    are listed when their condition holds). ``effective_to`` is exclusive.
    """

    id: str = Field(pattern=r"^[a-z][a-z0-9]*(-[A-Za-z0-9.()]+)+$")
    cite: str = Field(min_length=3)
    title: str = Field(min_length=3, max_length=300)
    source: HttpUrl
    source_kind: SourceKind
    jurisdiction: str
    binds: list[Entity] | Literal["all"]
    #: the named classes the rule file wrote in ``binds`` (expanded into ``binds``)
    binds_classes: tuple[str, ...] = ()
    #: why ``binds`` is only part of a named class (docs/rule-format.md)
    binds_note: str | None = None
    binds_contested: list[Entity] = []
    actions: list[Action] = Field(min_length=1)
    effect: Effect | None = None
    when: str = "true"
    overrides: list[str] = []
    preempts_lower: bool = False
    effective_from: dt.date
    effective_to: dt.date | None = None
    status: Status = Status.in_force
    litigation: list[LitigationNote] = []
    duties: list[DutySpec] = []
    confidence: Confidence = Confidence.unconfirmed
    checked: Checked | None = None
    notes: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _expand_binds(cls, data):
        """Expand named classes in ``binds`` and ``binds_contested`` to entity words
        (VOCABULARY.md, "Named classes of entities"), keeping the class names written
        in ``binds_classes``."""
        if not isinstance(data, dict):
            return data
        from .binds import expand_binds

        data = dict(data)
        binds = data.get("binds")
        if isinstance(binds, (list, tuple)):
            words, classes = expand_binds(binds)
            data["binds"] = list(words)
            data["binds_classes"] = tuple(dict.fromkeys((*data.get("binds_classes", ()), *classes)))
        contested = data.get("binds_contested")
        if isinstance(contested, (list, tuple)):
            data["binds_contested"] = list(expand_binds(contested)[0])
        return data

    @field_validator("when")
    @classmethod
    def _not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("when is empty; leave it out (it defaults to \"true\") or write a CEL condition")
        return v

    @model_validator(mode="after")
    def _coherent(self) -> "Provision":
        if self.effect is None and not self.duties:
            raise ValueError("a provision with no effect must have duties (a duty-only provision)")
        if self.effective_to is not None and self.effective_to <= self.effective_from:
            raise ValueError("effective_to must be after effective_from (it is exclusive)")
        if self.status is not Status.in_force and not self.litigation and self.status is not Status.repealed:
            raise ValueError(f"status {self.status.value} needs a litigation entry (case, court, date)")
        if self.preempts_lower and self.effect is not Effect.permitted:
            raise ValueError("preempts_lower applies to a permission (effect: permitted)")
        return self

    def binds_entity(self, entity: Entity) -> bool:
        """Whether the provision binds ``entity`` (including disputed binding)."""
        return self.binds == "all" or entity in self.binds or entity in self.binds_contested

    def in_force_on(self, day: dt.date) -> bool:
        """Whether ``day`` lies in [effective_from, effective_to)."""
        return self.effective_from <= day and (self.effective_to is None or day < self.effective_to)
