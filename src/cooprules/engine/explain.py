"""Plain words for an answer: what to do now, before the duties and the trace.

Front-line staff read this first. It only words the engine's outcome; it decides
nothing.
"""

from __future__ import annotations

from ..vocabulary import Action, Outcome

#: What the action is, as a verb phrase ("hold the person past release").
ACTION_PHRASES: dict[Action, str] = {
    Action.detainer_hold: "keep the person in custody past their release time on the immigration hold",
    Action.release_notification: "tell immigration authorities when the person will be released",
    Action.custody_transfer: "hand the person over to immigration authorities",
    Action.information_sharing: "share the requested information with immigration authorities",
    Action.status_inquiry: "ask the person about immigration or citizenship status",
    Action.civil_immigration_arrest: "arrest or detain the person for a civil immigration violation",
    Action.criminal_immigration_arrest: "arrest the person for a federal criminal immigration offence",
    Action.interview_access: "let immigration agents interview or meet the person",
    Action.facility_access: "let immigration agents into nonpublic areas of the facility",
    Action.immigration_officer_functions: "perform the functions of an immigration officer",
    Action.joint_task_force: "take part in the joint task force",
    Action.operational_support: "lend personnel, vehicles or equipment to the immigration operation",
    Action.facility_use: "make space available to immigration authorities",
    Action.detention_contract: "contract to hold people in civil immigration detention",
    Action.status_recording: "collect or record immigration status",
    Action.tip_referral: "pass the report about someone's immigration status on to immigration authorities",
    Action.enter_287g_agreement: "seek, sign, keep or renew a 287(g) agreement",
    Action.state_immigration_arrest: "arrest the person for a state-law immigration crime",
}

#: Short imperative for a prohibition, where one reads better than "Do not ...".
PROHIBITED_NOW: dict[Action, str] = {
    Action.detainer_hold: "Do not hold. Release as scheduled.",
    Action.release_notification: "Do not notify immigration authorities of the release.",
    Action.custody_transfer: "Do not hand the person over to immigration authorities.",
    Action.facility_access: "Do not let the agents into nonpublic areas.",
    Action.interview_access: "Do not give the agents access to the person.",
}


#: Plain names of the facts an answer can turn on.
FACT_NOUNS = {
    "subject.role": "the person's role", "subject.minor": "whether the person is a minor",
    "subject.convictions": "convictions", "subject.pending_charge": "a pending charge",
    "subject.registered_sex_offender": "sex-offender registration",
    "subject.federal_felony_warrant": "a federal felony warrant",
    "subject.final_removal_order": "a final removal order", "subject.previously_removed": "a prior removal",
    "subject.consent_given": "written consent", "context.location": "where it happens",
    "context.purpose": "the purpose of the request", "context.info_publicly_available": "whether the information is public",
    "context.exigent_circumstances": "an emergency", "context.hours_held_past_release": "hours already held past release",
    "responder.agreement_287g": "your 287(g) agreement", "attachments": "what other paper came with it",
}


def summarize(outcome: Outcome, action: Action, depends_on: list[str] | None = None,
              not_encoded: list[str] | None = None, none_found: list[str] | None = None) -> str:
    """One or two sentences saying what to do now for ``outcome`` on ``action``;
    ``depends_on`` names the missing facts of a conditional answer; ``not_encoded`` the
    governments whose law the answer could not take into account; ``none_found`` the
    governments checked and found to have no law of their own, each as
    ``"Name (checked YYYY-MM-DD)"``."""
    text = _headline(outcome, action, depends_on)
    if none_found:
        text += " No local law found for " + " or ".join(none_found) + "."
    if not_encoded:
        text += (" Caution: the law of " + " and ".join(not_encoded)
                 + " is not encoded, so this answer rests on the other layers alone.")
    return text


def _headline(outcome: Outcome, action: Action, depends_on: list[str] | None) -> str:
    phrase = ACTION_PHRASES[action]
    if outcome is Outcome.prohibited:
        return PROHIBITED_NOW.get(action, f"Do not {phrase}.") + " The law forbids it here."
    if outcome is Outcome.required:
        return f"You must {phrase}. The law requires it here."
    if outcome is Outcome.permitted:
        return f"You may {phrase}, but no law requires it. Follow your agency's policy."
    if outcome is Outcome.conditional:
        facts = ", ".join(FACT_NOUNS.get(f, f) for f in depends_on or []) or "facts not given"
        return f"The answer depends on facts not given ({facts}). Answer them to get a definite answer."
    if outcome is Outcome.conflict:
        return "The rules that apply here conflict. Do not act on this request until counsel advises."
    return "No encoded rule speaks to this request. Refer it to counsel."
