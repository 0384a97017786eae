"""The closed vocabulary of a request and a decision (VOCABULARY.md v1), as pydantic models.

Every rule file, scenario, CLI flag and API field uses exactly these words. A request
carries legally relevant facts only, never a person's name or identifier.

A fact that is not given is *unknown* (``None``), not false: rules that read it make
the answer ``conditional``. Two facts need a way to say "none" explicitly:
``subject.convictions = []`` (no convictions) and ``subject.pending_charge = "none"``.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Annotated, Literal, Union

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictBool, model_validator


class Word(str, Enum):
    """A vocabulary word: an enum whose value is the word itself."""

    def __str__(self) -> str:  # pragma: no cover - cosmetic
        return self.value


class Entity(Word):
    """The kind of agency or office that must act (``responder.entity``)."""

    sheriff = "sheriff"
    police = "police"
    jail = "jail"
    probation = "probation"
    corrections = "corrections"
    school_district = "school_district"
    school_police = "school_police"
    health_facility = "health_facility"
    library = "library"
    courthouse = "courthouse"
    city_department = "city_department"
    county_department = "county_department"
    state_agency = "state_agency"


#: Named classes of entity words for a provision's ``binds`` (VOCABULARY.md,
#: "Named classes of entities"): class name -> the words it stands for, each class
#: the class of bodies statutes name ("law enforcement agency", "any state agency").
#: The corpus loader expands them (:func:`cooprules.corpus.binds.expand_binds`).
ENTITY_CLASSES: dict[str, tuple[Entity, ...]] = {
    "law_enforcement_agency": (Entity.sheriff, Entity.police, Entity.jail, Entity.probation, Entity.corrections,
                               Entity.school_police),
    "local_law_enforcement_agency": (Entity.sheriff, Entity.police, Entity.jail, Entity.probation,
                                     Entity.school_police),
    "state_government_agency": (Entity.state_agency, Entity.corrections),
    "local_government_agency": (Entity.sheriff, Entity.police, Entity.jail, Entity.probation, Entity.school_district,
                                Entity.school_police, Entity.health_facility, Entity.library, Entity.city_department,
                                Entity.county_department),
    "county_government": (Entity.probation, Entity.county_department, Entity.health_facility, Entity.library),
    "city_government": (Entity.police, Entity.city_department, Entity.library, Entity.health_facility),
    "public_school": (Entity.school_district, Entity.school_police),
    "health_care": (Entity.health_facility,),
    "court": (Entity.courthouse,),
}


class Agreement287g(Word):
    """The responder's 287(g) agreement model under 8 U.S.C. 1357(g)."""

    none = "none"
    jail_enforcement = "jail_enforcement"
    task_force = "task_force"
    warrant_service_officer = "warrant_service_officer"


class Requester(Word):
    """Who asks."""

    ice_ero = "ice_ero"
    ice_hsi = "ice_hsi"
    cbp = "cbp"
    uscis = "uscis"
    doj_component = "doj_component"
    other_federal = "other_federal"
    state_agency = "state_agency"
    local_agency = "local_agency"
    member_of_public = "member_of_public"
    none = "none"


class Action(Word):
    """What is asked of the responder."""

    detainer_hold = "detainer_hold"
    release_notification = "release_notification"
    custody_transfer = "custody_transfer"
    information_sharing = "information_sharing"
    status_inquiry = "status_inquiry"
    civil_immigration_arrest = "civil_immigration_arrest"
    criminal_immigration_arrest = "criminal_immigration_arrest"
    interview_access = "interview_access"
    facility_access = "facility_access"
    immigration_officer_functions = "immigration_officer_functions"
    joint_task_force = "joint_task_force"
    operational_support = "operational_support"
    facility_use = "facility_use"
    detention_contract = "detention_contract"
    status_recording = "status_recording"
    tip_referral = "tip_referral"
    enter_287g_agreement = "enter_287g_agreement"
    state_immigration_arrest = "state_immigration_arrest"


class InfoType(Word):
    """The kind of information asked for, with ``action = information_sharing``."""

    immigration_status = "immigration_status"
    release_date = "release_date"
    custody_status = "custody_status"
    supervision_schedule = "supervision_schedule"
    personal_information = "personal_information"
    criminal_history = "criminal_history"
    booking_record = "booking_record"
    student_record = "student_record"
    health_record = "health_record"
    #: Data from automated license-plate readers (where and when a vehicle was seen):
    #: the subject of several 2025-2026 laws and directives (Richmond, Washington
    #: S.B. 6002) that bar sharing it for immigration enforcement.
    license_plate_data = "license_plate_data"


class Instrument(Word):
    """The legal paper the request comes on. Administrative papers (I-200, I-205,
    I-247A) are never judicial warrants, whatever they are attached to."""

    judicial_warrant = "judicial_warrant"
    judicial_probable_cause_determination = "judicial_probable_cause_determination"
    court_order = "court_order"
    judicial_subpoena = "judicial_subpoena"
    administrative_warrant_arrest = "administrative_warrant_arrest"
    administrative_warrant_removal = "administrative_warrant_removal"
    detainer_request = "detainer_request"
    notification_request = "notification_request"
    transfer_request = "transfer_request"
    administrative_subpoena = "administrative_subpoena"
    written_request = "written_request"
    verbal_request = "verbal_request"
    none = "none"


#: ICE's form numbers, accepted wherever an instrument word is (they are printed on the
#: paper a user holds). I-247A (since 2017-04-02) and I-247D (2015-2017) ask for a hold;
#: I-247N for notice of release; I-247X for a transfer; I-200 is the administrative
#: arrest warrant (8 C.F.R. 236.1(b)), I-205 the warrant of removal (8 C.F.R. 241.2).
#: I-203 (Order to Detain or Release Alien) is an administrative custody order with no
#: word of its own: taken as an administrative arrest warrant, as Washington's RCW
#: 43.17.420 and Colorado's C.R.S. 24-76.6-101 define civil immigration warrants.
FORM_NUMBERS: dict[str, Instrument] = {
    "I-247A": Instrument.detainer_request,
    "I-247D": Instrument.detainer_request,
    "I-247N": Instrument.notification_request,
    "I-247X": Instrument.transfer_request,
    "I-200": Instrument.administrative_warrant_arrest,
    "I-205": Instrument.administrative_warrant_removal,
    "I-203": Instrument.administrative_warrant_arrest,
}
_FORM_KEYS = {k.replace("-", ""): v for k, v in FORM_NUMBERS.items()}
#: The form number named next to each instrument word in answers (the current form).
FORM_OF: dict[Instrument, str] = {
    Instrument.detainer_request: "I-247A", Instrument.notification_request: "I-247N",
    Instrument.transfer_request: "I-247X", Instrument.administrative_warrant_arrest: "I-200",
    Instrument.administrative_warrant_removal: "I-205",
}


def instrument_word(value: object) -> object:
    """``value`` with an ICE form number (``I-247A``, ``i247a``, ``Form I-200``) turned
    into its vocabulary word (:data:`FORM_NUMBERS`); anything else is returned as is,
    for the enum to accept or refuse with the allowed words."""
    if isinstance(value, str):
        key = value.strip().upper().removeprefix("FORM").strip().replace("-", "").replace(" ", "")
        found = _FORM_KEYS.get(key)
        if found is not None:
            return found
    return value


def instrument_label(word: "Instrument | str") -> str:
    """``detainer_request (I-247A)``: the word with its form number, where it has one."""
    inst = Instrument(word)
    form = FORM_OF.get(inst)
    return f"{inst.value} ({form})" if form else inst.value


InstrumentWord = Annotated[Instrument, BeforeValidator(instrument_word)]


class Role(Word):
    """The person's relation to the responding office."""

    in_custody = "in_custody"
    student = "student"
    parent_guardian = "parent_guardian"
    patient = "patient"
    employee = "employee"
    member_of_public = "member_of_public"
    victim_or_witness = "victim_or_witness"


class OffenceCategory(Word):
    """Category of a conviction or pending charge (California's TRUST Act lists and
    the federal aggravated-felony definition, 8 U.S.C. 1101(a)(43))."""

    serious_felony = "serious_felony"
    violent_felony = "violent_felony"
    state_prison_felony = "state_prison_felony"
    listed_felony = "listed_felony"
    listed_wobbler_misdemeanor = "listed_wobbler_misdemeanor"
    aggravated_felony_federal = "aggravated_felony_federal"
    other_felony = "other_felony"
    misdemeanor = "misdemeanor"


class Location(Word):
    """Where the request is made or the action would happen."""

    jail = "jail"
    courthouse = "courthouse"
    school = "school"
    health_facility = "health_facility"
    library = "library"
    shelter = "shelter"
    place_of_worship = "place_of_worship"
    government_building = "government_building"
    public_place = "public_place"
    residence = "residence"


class Purpose(Word):
    """The purpose of the federal request."""

    civil_immigration_enforcement = "civil_immigration_enforcement"
    criminal_investigation = "criminal_investigation"
    unknown = "unknown"


class Outcome(Word):
    """What the engine answers (DESIGN.md, Semantics 6)."""

    required = "required"
    prohibited = "prohibited"
    permitted = "permitted"
    conditional = "conditional"
    no_rule = "no_rule"
    conflict = "conflict"


class Effect(Word):
    """A provision's effect on the request's action."""

    prohibited = "prohibited"
    permitted = "permitted"
    required = "required"


#: Upper bounds that keep a request small (oversized input is an error, not a slow answer).
MAX_ATTACHMENTS = 8
MAX_CONVICTIONS = 30
MAX_YEARS_AGO = 120
MAX_HOURS_HELD = 24 * 366


def _date_text_or_date(value: object) -> object:
    """Dates come as YYYY-MM-DD text (or date objects from YAML), never as numbers,
    week dates, timestamps or date-times (one date format everywhere)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise ValueError(f"{value!r} is not a date; write it as YYYY-MM-DD")
    if isinstance(value, str):
        from .errors import iso_day

        return iso_day(value)
    return value


Day = Annotated[dt.date, BeforeValidator(_date_text_or_date)]


class _Closed(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=False)


Years = Annotated[Union[Annotated[int, Field(strict=True)], Annotated[float, Field(strict=True)]],
                  Field(ge=0, le=MAX_YEARS_AGO)]
Hours = Annotated[Union[Annotated[int, Field(strict=True)], Annotated[float, Field(strict=True)]],
                  Field(ge=0, le=MAX_HOURS_HELD)]


class Conviction(_Closed):
    """One prior conviction: ``{category, years_ago}`` (years since conviction, >= 0)."""

    category: OffenceCategory
    years_ago: Years


class PendingCharge(_Closed):
    """A pending criminal charge; ``probable_cause_determined`` is a magistrate's
    finding of probable cause (Cal. Penal Code § 872), unknown when left out."""

    category: OffenceCategory
    probable_cause_determined: StrictBool | None = None


class Responder(_Closed):
    """Who is asked: the OCD-ID of the responder's government and the kind of office."""

    jurisdiction: Annotated[str, Field(min_length=len("ocd-division/"), max_length=300)]
    entity: Entity
    agreement_287g: Agreement287g | None = None


class Subject(_Closed):
    """Facts about the person (never identity). Every field is optional: unknown when
    left out. ``convictions: []`` means no convictions; ``pending_charge: "none"``
    means no pending charge."""

    role: Role | None = None
    minor: StrictBool | None = None
    convictions: Annotated[list[Conviction], Field(max_length=MAX_CONVICTIONS)] | None = None
    registered_sex_offender: StrictBool | None = None
    federal_felony_warrant: StrictBool | None = None
    final_removal_order: StrictBool | None = None
    previously_removed: StrictBool | None = None
    consent_given: StrictBool | None = None
    proof_of_status_shown: StrictBool | None = None
    pending_charge: PendingCharge | Literal["none"] | None = None


class Context(_Closed):
    """Circumstances of the request. ``date`` is the day the question is asked (the
    law in force then applies); ``hours_held_past_release`` excludes Saturdays,
    Sundays and holidays (8 C.F.R. 287.7(d))."""

    location: Location | None = None
    purpose: Purpose | None = None
    info_publicly_available: StrictBool | None = None
    exigent_circumstances: StrictBool | None = None
    hours_held_past_release: Hours | None = None
    date: Day | None = None


class Request(_Closed):
    """One thing a responding office is asked (or considers) doing.

    Shape (JSON)::

        {"responder": {"jurisdiction": OCD-ID, "entity": ..., "agreement_287g"?: ...},
         "requester": ..., "action": ..., "info_type"?: ..., "instrument": ...,
         "attachments"?: [instrument, ...], "subject"?: {...}, "context"?: {...}}

    ``info_type`` is required with ``action = information_sharing`` and not allowed
    with any other action. ``attachments`` not given is unknown (an I-247A normally
    comes with an I-200 or I-205, and some laws turn on that); ``[]`` says nothing
    came with the main paper. Raises ``pydantic.ValidationError`` on bad input; use
    :func:`cooprules.errors.parse_request` for errors that name the field and the
    allowed values.
    """

    responder: Responder
    requester: Requester
    action: Action
    info_type: InfoType | None = None
    instrument: InstrumentWord
    attachments: Annotated[list[InstrumentWord], Field(max_length=MAX_ATTACHMENTS)] | None = None
    subject: Subject = Subject()
    context: Context = Context()
    #: False asks for counsel's full analysis: no presumed values, every fact not given
    #: is unknown (DESIGN.md, Semantics 6).
    presume: StrictBool = True

    @model_validator(mode="after")
    def _info_type_goes_with_information_sharing(self) -> "Request":
        if self.action is Action.information_sharing and self.info_type is None:
            raise ValueError("info_type is required when action is information_sharing")
        if self.action is not Action.information_sharing and self.info_type is not None:
            raise ValueError("info_type is only allowed when action is information_sharing")
        return self


# ---------------------------------------------------------------- decision


class Citation(_Closed):
    """A provision an answer rests on: its id, the citation as lawyers write it, and
    the URL of its text."""

    id: str
    cite: str
    source: str
    title: str
    layer: str
    confidence: Literal["confirmed", "secondary", "unconfirmed"] = "unconfirmed"


class Duty(_Closed):
    """Something that must be done alongside the answer, with its own citation.
    ``trigger`` is ``request_received`` (owed whatever the outcome) or
    ``action_taken`` (owed only if the action goes ahead)."""

    text: str
    cite: str
    provision_id: str
    trigger: Literal["request_received", "action_taken"]


class PossibleDuty(Duty):
    """A duty that some values of the facts not given bring and others do not (a
    provision with duties whose condition reads them): ``depends_on`` names those
    facts (vocabulary paths, e.g. ``context.purpose``). Giving them settles whether
    the duty is owed."""

    depends_on: list[str]


class LitigationNote(_Closed):
    """A case bearing on a provision: name, court, date, reporter cite, note."""

    case: str
    court: str | None = None
    date: dt.date | None = None
    cite: str | None = None
    note: str | None = None


class ProvisionTrace(_Closed):
    """How one provision fared: ``applies`` is True/False, or None where its condition
    reads a fact the request did not give. ``stood`` says whether it counts in its
    layer's verdict; ``reason`` says why in plain words."""

    id: str
    cite: str
    title: str
    effect: Effect | None
    applies: bool | None
    stood: bool
    reason: str


class LayerTrace(_Closed):
    """One layer of law: its lawmaker, its verdict, its provisions, and how it was
    combined with the layers above it."""

    layer: str
    jurisdiction: str
    name: str
    verdict: Literal["required", "prohibited", "permitted", "silent", "conflict", "undetermined"]
    combination: str
    provisions: list[ProvisionTrace]


class Contested(_Closed):
    """A provision under litigation, injunction or dispute that bears on the answer."""

    id: str
    cite: str
    status: str
    reason: str
    litigation: list[LitigationNote] = []


class FactValue(_Closed):
    """One value of a missing fact and the outcomes the answer can take with it."""

    value: str
    outcomes: list[Outcome]


class MissingFact(_Closed):
    """A fact the request did not give and that changes the answer."""

    fact: str
    values: list[FactValue]


class Alternative(_Closed):
    """One outcome a conditional answer can take, an example of facts that give it,
    and the citations it would rest on."""

    outcome: Outcome
    example: dict[str, str]
    citations: list[str]


class PresumedFact(_Closed):
    """A fact the request did not give that the answer took at its presumed value
    (VOCABULARY.md, "Presumed values"): ``fact`` is its path (``attachments``,
    ``subject.convictions``, ``context.hours_held_past_release``, ...), ``value`` the
    value used, in vocabulary words (``none``, ``false``, ``0``)."""

    fact: str
    value: str


class Unless(_Closed):
    """One way a presumed fact would change the answer: with any of ``values`` (value
    labels in vocabulary words, e.g. ``judicial_warrant``; ``serious_felony 4 years
    ago``) the outcome would be ``outcome``, resting on the provisions ``citations``
    (ids). ``text`` says the values in plain words ("a judicial warrant came with
    it"); front ends show it, never the raw labels."""

    fact: str
    values: list[str]
    text: str
    outcome: Outcome
    citations: list[str]


class Decision(_Closed):
    """The engine's answer to one request.

    ``outcome`` is the answer; ``summary`` says it in plain words; ``citations`` are
    the provisions it rests on; ``duties`` what must be done alongside; ``trace`` every
    layer with every provision considered; ``contested`` provisions under litigation or
    dispute; ``depends_on`` (conditional answers) each missing fact without a
    presumption and what each value gives; ``presumed`` the facts not given that were
    taken at their presumed value; ``unless`` each presumed fact whose other values
    would change the outcome; ``possible_duties`` the duties owed only for some values
    of the facts not given (each naming them); ``as_of`` the date whose law was applied;
    ``corpus_version`` a hash of the rule files, so the answer can be reproduced.
    """

    outcome: Outcome
    summary: str
    action: Action
    citations: list[Citation]
    duties: list[Duty]
    trace: list[LayerTrace]
    contested: list[Contested]
    depends_on: list[MissingFact] = []
    presumed: list[PresumedFact] = []
    unless: list[Unless] = []
    alternatives: list[Alternative] = []
    conflicts: list[str] = []
    not_encoded: list[str] = []
    supplied: list[str] = []
    possible_duties: list[PossibleDuty] = []
    as_of: dt.date
    corpus_version: str
