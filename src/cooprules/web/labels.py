"""Plain-words labels and help texts for the vocabulary words shown on the page, the
training and the pocket card. English here, other languages from the catalogs; the
words themselves (VOCABULARY.md) stay the values sent to the engine."""

from __future__ import annotations

from typing import Callable

from .i18n import N_

ENTITIES = {
    "school_district": N_("School district (a school office)"),
    "school_police": N_("School police"),
    "sheriff": N_("Sheriff's office"),
    "police": N_("Police department"),
    "jail": N_("Jail"),
    "probation": N_("Probation department"),
    "corrections": N_("State prison (corrections)"),
    "health_facility": N_("Hospital or health clinic"),
    "library": N_("Public library"),
    "courthouse": N_("Courthouse"),
    "city_department": N_("City department or office"),
    "county_department": N_("County department or office"),
    "state_agency": N_("State agency"),
}

#: Kinds of office usually found in each kind of jurisdiction (shown first).
LIKELY_ENTITIES = {
    "school_district": ["school_district", "school_police"],
    "county": ["sheriff", "jail", "probation", "county_department", "health_facility", "library"],
    "place": ["police", "city_department", "library", "jail"],
    "state": ["corrections", "state_agency", "courthouse", "health_facility"],
    "country": [],
}

#: The request each kind of office is most often asked (the action step's default):
#: a jail or prison is asked to honour a detainer, a school to let agents see a
#: student, a hospital, library or courthouse to let agents into nonpublic areas, the
#: others for information.
DEFAULT_ACTIONS = {
    "jail": "detainer_hold", "sheriff": "detainer_hold", "corrections": "detainer_hold",
    "probation": "information_sharing", "police": "information_sharing",
    "school_district": "interview_access", "school_police": "interview_access",
    "health_facility": "facility_access", "library": "facility_access", "courthouse": "facility_access",
    "city_department": "information_sharing", "county_department": "information_sharing",
    "state_agency": "information_sharing",
}
#: The record each kind of office is most often asked for (the info step's default).
DEFAULT_INFO = {
    "school_district": "student_record", "school_police": "student_record", "health_facility": "health_record",
    "jail": "release_date", "sheriff": "release_date", "corrections": "release_date",
    "probation": "supervision_schedule", "police": "personal_information",
}
REQUESTERS = {
    "ice_ero": N_("ICE Enforcement and Removal Operations (ERO)"),
    "ice_hsi": N_("ICE Homeland Security Investigations (HSI)"),
    "cbp": N_("Customs and Border Protection (CBP, Border Patrol)"),
    "uscis": N_("U.S. Citizenship and Immigration Services (USCIS)"),
    "doj_component": N_("FBI, DEA, U.S. Marshals or ATF"),
    "other_federal": N_("Another federal agency, or not known"),
    "state_agency": N_("A state agency"),
    "local_agency": N_("Another local agency"),
    "member_of_public": N_("A member of the public"),
    "none": N_("Nobody: our office is considering it on its own"),
}

ACTIONS = {
    "interview_access": (N_("See or interview a person in our care"),
                         N_("Agents want to talk to or meet a student, patient or person in custody.")),
    "facility_access": (N_("Come into nonpublic areas"),
                        N_("Agents want to enter classrooms, wards, offices or other areas closed to the public.")),
    "information_sharing": (N_("Share information or records"),
                            N_("Agents ask for a record, an address, a release date or someone's status.")),
    "detainer_hold": (N_("Hold a person past their release time"),
                      N_("An immigration detainer asks to keep someone in custody after they should go free.")),
    "release_notification": (N_("Tell them when a person will be released"),
                             N_("Agents ask to be told the release date or time.")),
    "custody_transfer": (N_("Hand a person over to them"),
                         N_("Agents ask us to transfer someone in our custody to immigration officers.")),
    "status_inquiry": (N_("Ask someone about immigration status"),
                       N_("Asking a person whether they are a citizen or about their papers.")),
    "status_recording": (N_("Collect or record immigration status"),
                         N_("For example on an enrolment or intake form.")),
    "civil_immigration_arrest": (N_("Arrest someone for a civil immigration violation"),
                                 N_("Including on an administrative warrant (Form I-200 or I-205).")),
    "criminal_immigration_arrest": (N_("Arrest someone for a federal immigration crime"),
                                    N_("Illegal entry or re-entry (8 U.S.C. 1325, 1326).")),
    "operational_support": (N_("Lend staff, vehicles or equipment to an operation"),
                            N_("Perimeter, traffic control or transport for an immigration operation.")),
    "facility_use": (N_("Let them use our space"),
                     N_("Office space in a jail, a staging area or a parking lot.")),
    "joint_task_force": (N_("Join a task force"), N_("Take part in a joint task force with federal agencies.")),
    "immigration_officer_functions": (N_("Act as immigration officers"),
                                      N_("Perform immigration officer functions under a 287(g) agreement.")),
    "detention_contract": (N_("Contract to hold immigration detainees"),
                           N_("Hold people in civil immigration detention under a contract.")),
    "tip_referral": (N_("Pass on a tip about someone's status"),
                     N_("Forward a member of the public's report to immigration authorities.")),
    "enter_287g_agreement": (N_("Sign or renew a 287(g) agreement"),
                             N_("Seek, sign, keep or renew an agreement with ICE under 8 U.S.C. 1357(g).")),
    "state_immigration_arrest": (N_("Arrest someone for a state immigration crime"),
                                 N_("Under a state law that makes illegal entry or presence a state crime.")),
}

INFO_TYPES = {
    "student_record": N_("A student's school record"),
    "health_record": N_("A patient's health record"),
    "personal_information": N_("Home or work address, contact details"),
    "immigration_status": N_("Immigration or citizenship status"),
    "release_date": N_("Release date or time"),
    "custody_status": N_("Whether a person is in custody"),
    "supervision_schedule": N_("Probation or parole appointments"),
    "criminal_history": N_("Criminal history"),
    "booking_record": N_("Booking record"),
    "license_plate_data": N_("License-plate reader data (where and when a vehicle was seen)"),
}

INSTRUMENTS = {
    "judicial_warrant": (N_("Judicial warrant"),
                         N_("Signed by a judge or magistrate and issued by a court (\"United States District Court\" or a state court). Names the court and the judge. This is the only kind of warrant signed by a judge.")),
    "administrative_warrant_arrest": (N_("Form I-200, \"Warrant for Arrest of Alien\""),
                                      N_("Headed \"Department of Homeland Security\". Signed by an immigration officer, not a judge. It is not a judicial warrant even though it says \"warrant\".")),
    "administrative_warrant_removal": (N_("Form I-205, \"Warrant of Removal/Deportation\""),
                                       N_("Headed \"Department of Homeland Security\". Signed by an immigration officer, not a judge. Not a judicial warrant.")),
    "detainer_request": (N_("Form I-247A, \"Immigration Detainer - Notice of Action\""),
                         N_("Asks a jail to hold a person for up to 48 hours past release. Signed by an immigration officer; often comes with an I-200 or I-205.")),
    "notification_request": (N_("Request for notice of release"),
                             N_("Asks only to be told when the person will be released (for example a box on Form I-247A).")),
    "transfer_request": (N_("Request to transfer custody"),
                         N_("Asks us to hand the person over to immigration officers.")),
    "court_order": (N_("Court order"), N_("An order signed by a judge telling our office to do something.")),
    "judicial_subpoena": (N_("Judicial subpoena"),
                          N_("Issued by a court or grand jury, usually for records or testimony.")),
    "judicial_probable_cause_determination": (N_("Judge's probable cause finding"),
                                              N_("A judge's written finding of probable cause, sometimes attached to a detainer.")),
    "administrative_subpoena": (N_("Administrative subpoena (ICE or DHS)"),
                                N_("Issued by the agency itself, such as Form I-138, not by a court.")),
    "written_request": (N_("Letter, e-mail or form, no warrant"), N_("A written request with no warrant or order attached.")),
    "verbal_request": (N_("Asked in person or by phone, no paper"), N_("Nothing in writing.")),
    "none": (N_("No request: our own initiative"), N_("No one asked; our office is considering it.")),
}

#: How the answer is headed (outcome -> heading).
OUTCOMES = {
    "prohibited": N_("Must not"),
    "required": N_("Must"),
    "permitted": N_("May"),
    "conditional": N_("It depends"),
    "no_rule": N_("No rule: ask counsel"),
    "conflict": N_("Rules conflict: ask counsel"),
}

VERDICTS = {
    "required": N_("requires it"),
    "prohibited": N_("forbids it"),
    "permitted": N_("allows it"),
    "silent": N_("says nothing"),
    "conflict": N_("conflicts"),
    "undetermined": N_("depends on facts not given"),
}

LAYERS = {
    "federal": N_("Federal law"),
    "state": N_("State law"),
    "county": N_("County"),
    "city": N_("City"),
    "school_district": N_("School district"),
    "local": N_("Local government"),
    "federal_agency": N_("Federal agency policy"),
    "state_agency": N_("State agency policy"),
    "county_agency": N_("County agency policy"),
    "city_agency": N_("City agency policy"),
    "school_district_agency": N_("School district staff rules"),
    "local_agency": N_("Local agency policy"),
}

TRIGGERS = {
    "request_received": N_("on receiving the request"),
    "action_taken": N_("if you go ahead"),
}

#: The question asked for each fact an answer can depend on.
FACT_QUESTIONS = {
    "subject.role": N_("Who is the person to the office?"),
    "subject.minor": N_("Is the person under 18?"),
    "subject.consent_given": N_("Has the person (or a student's parent) given written consent to what is asked?"),
    "subject.convictions": N_("Does the person have criminal convictions?"),
    "subject.pending_charge": N_("Does the person have a pending criminal charge?"),
    "subject.registered_sex_offender": N_("Is the person a registered sex offender?"),
    "subject.federal_felony_warrant": N_("Has the agency identified an outstanding federal felony arrest warrant for the person?"),
    "subject.final_removal_order": N_("Does the person have a final order of removal?"),
    "subject.previously_removed": N_("Has the person been deported before?"),
    "context.location": N_("Where is this happening?"),
    "context.purpose": N_("What is the purpose of the federal request?"),
    "context.info_publicly_available": N_("Is the information asked for already public?"),
    "context.exigent_circumstances": N_("Is there an emergency, such as imminent danger to life?"),
    "context.hours_held_past_release": N_("How many hours has the person already been held past release (not counting weekends and holidays)?"),
    "responder.agreement_287g": N_("Does your agency have a 287(g) agreement?"),
    "subject.proof_of_status_shown": N_("Has the person shown proof of lawful status or citizenship?"),
    "context.date": N_("On what date is this happening?"),
    "attachments": N_("Did any other paper come with it? An I-247A usually comes with a Form I-200 or I-205."),
}

ROLES = {
    "student": N_("A student"),
    "parent_guardian": N_("A parent or guardian"),
    "patient": N_("A patient"),
    "in_custody": N_("A person in custody"),
    "employee": N_("An employee"),
    "member_of_public": N_("A member of the public"),
    "victim_or_witness": N_("A victim or witness"),
}

LOCATIONS = {
    "school": N_("A school"), "jail": N_("A jail"), "courthouse": N_("A courthouse"),
    "health_facility": N_("A hospital or clinic"), "library": N_("A library"), "shelter": N_("A shelter"),
    "place_of_worship": N_("A place of worship"), "government_building": N_("A government building"),
    "public_place": N_("A public place"), "residence": N_("A home"),
}

PURPOSES = {
    "civil_immigration_enforcement": N_("Civil immigration enforcement"),
    "criminal_investigation": N_("A criminal investigation"),
    "unknown": N_("Not known"),
}

AGREEMENTS = {
    "none": N_("No agreement"), "jail_enforcement": N_("Jail enforcement model"),
    "task_force": N_("Task force model"), "warrant_service_officer": N_("Warrant service officer model"),
}

OFFENCES = {
    "serious_felony": N_("Serious felony"), "violent_felony": N_("Violent felony"),
    "state_prison_felony": N_("Felony punishable by state prison"), "listed_felony": N_("Felony on the state's list"),
    "listed_wobbler_misdemeanor": N_("Listed \"wobbler\" misdemeanor"),
    "aggravated_felony_federal": N_("Aggravated felony (federal definition)"), "other_felony": N_("Other felony"),
    "misdemeanor": N_("Misdemeanor"),
}

YES_NO = {"true": N_("Yes"), "false": N_("No")}

#: The papers that can come with the one shown (the ``attachments`` question), in the
#: order offered: (label, how to recognise it). ``none`` is "nothing else came with it".
#: Every paper the engine can name as an attachment has an entry, so that the papers
#: "what each answer gives" names are always among the boxes offered.
_ATTACHMENT_ORDER = ("administrative_warrant_arrest", "administrative_warrant_removal", "judicial_warrant",
                     "judicial_probable_cause_determination", "court_order", "judicial_subpoena",
                     "detainer_request", "notification_request", "transfer_request", "administrative_subpoena",
                     "written_request", "verbal_request")
ATTACHMENTS = {
    **{k: INSTRUMENTS[k] for k in _ATTACHMENT_ORDER},
    "none": (N_("Nothing else came with it"), N_("Only the paper you chose above, with no warrant or order attached.")),
}
#: The papers offered on the paper step, "did any other paper come with it?" (the ones
#: that come with another: warrants, a judge's finding, a court order), in order.
ATTACHMENTS_STEP = ("administrative_warrant_arrest", "administrative_warrant_removal", "judicial_warrant",
                    "judicial_probable_cause_determination", "court_order", "none")
#: The attachments always offered, whatever the answer turns on (issue 8: I-200, I-205,
#: a judicial warrant, nothing else).
ATTACHMENTS_ALWAYS = ("administrative_warrant_arrest", "administrative_warrant_removal", "judicial_warrant", "none")

#: Word lists for facts whose values are vocabulary words (value -> label msgid).
FACT_WORDS = {
    "subject.role": ROLES,
    "context.location": LOCATIONS,
    "context.purpose": PURPOSES,
    "responder.agreement_287g": AGREEMENTS,
    "attachments": {**{k: v[0] for k, v in INSTRUMENTS.items() if k != "none"}, "none": ATTACHMENTS["none"][0]},
}
#: How to recognise a value, where the page says more than its label (value -> msgid).
FACT_HELP = {
    "attachments": {k: v[1] for k, v in ATTACHMENTS.items()},
}
#: What "none" means for facts whose value is a list or a charge.
NONE_WORDS = {
    "subject.convictions": N_("No convictions"),
    "subject.pending_charge": N_("No pending charge"),
    "attachments": N_("Nothing else came with it"),
}


def value_label(fact: str, value: str) -> str:
    """The msgid for one value of a missing fact (as in ``Decision.depends_on``): yes/no
    for true/false, the word's label for vocabulary words, the value itself otherwise
    (see :func:`value_text` for values with numbers, such as ``misdemeanor 4 years ago``)."""
    if value in YES_NO:
        return YES_NO[value]
    if value == "none" and fact in NONE_WORDS:
        return NONE_WORDS[fact]
    return FACT_WORDS.get(fact, {}).get(value, value)


def has_label(fact: str, value: str) -> bool:
    """True when the page has a short label of its own for ``value`` of ``fact``."""
    return value in YES_NO or value in FACT_WORDS.get(fact, {}) or (value == "none" and fact in NONE_WORDS)


def value_text(fact: str, value: str, gettext: Callable[[str], str], lang: str = "en") -> str:
    """One value of a fact in plain words in the page's language (``gettext`` and
    ``lang`` the same language): ``value`` as the engine labels it in
    ``Decision.depends_on``/``unless`` (``true``, ``none``, a vocabulary word,
    ``serious_felony within 5 years``, ``misdemeanor, probable cause found``,
    ``48 hours or more``). Yes/no and vocabulary words get the page's short labels
    ("A student"); the others the engine's clause ("The person has a conviction for a
    misdemeanor within the last 5 years"). Never returns a vocabulary word or a fact
    path."""
    if has_label(fact, value):
        return gettext(value_label(fact, value))
    from .summaries import clause

    return clause(fact, value, lang)


def label(table: dict, key: str, gettext: Callable[[str], str], part: int = 0) -> str:
    """The translated label of ``key`` in one of the tables above (``part`` picks the
    label (0) or the help (1) of a two-part entry). An unknown key comes back as given,
    as plain text for the template to escape: never as a msgid (user input never goes
    through gettext, whose new-style form in Jinja marks its result safe)."""
    entry = table.get(key) if isinstance(key, str) else None
    if entry is None:
        return str(key)
    if isinstance(entry, tuple):
        entry = entry[part]
    return gettext(entry)
