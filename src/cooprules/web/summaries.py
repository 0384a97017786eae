"""The engine's plain-words summary in the page's language.

The engine words its summary in English only (``cooprules.engine.explain``). This
layer, keyed by outcome and action, words the same answer from the message catalogs:
English is the engine's own text; other languages are composed from translated
templates and action phrases. A test checks that the English templates here still
match the engine's wording, so a change there shows up.
"""

from __future__ import annotations

from typing import Callable

from ..vocabulary import Decision, Outcome
from .i18n import N_

#: What the action is, as a verb phrase (mirrors engine/explain.py ACTION_PHRASES).
ACTION_PHRASES = {
    "detainer_hold": N_("keep the person in custody past their release time on the immigration hold"),
    "release_notification": N_("tell immigration authorities when the person will be released"),
    "custody_transfer": N_("hand the person over to immigration authorities"),
    "information_sharing": N_("share the requested information with immigration authorities"),
    "status_inquiry": N_("ask the person about immigration or citizenship status"),
    "civil_immigration_arrest": N_("arrest or detain the person for a civil immigration violation"),
    "criminal_immigration_arrest": N_("arrest the person for a federal criminal immigration offence"),
    "interview_access": N_("let immigration agents interview or meet the person"),
    "facility_access": N_("let immigration agents into nonpublic areas of the facility"),
    "immigration_officer_functions": N_("perform the functions of an immigration officer"),
    "joint_task_force": N_("take part in the joint task force"),
    "operational_support": N_("lend personnel, vehicles or equipment to the immigration operation"),
    "facility_use": N_("make space available to immigration authorities"),
    "detention_contract": N_("contract to hold people in civil immigration detention"),
    "status_recording": N_("collect or record immigration status"),
    "tip_referral": N_("pass the report about someone's immigration status on to immigration authorities"),
}

#: Short imperatives for a prohibition (mirrors engine/explain.py PROHIBITED_NOW).
PROHIBITED_NOW = {
    "detainer_hold": N_("Do not hold. Release as scheduled."),
    "release_notification": N_("Do not notify immigration authorities of the release."),
    "custody_transfer": N_("Do not hand the person over to immigration authorities."),
    "facility_access": N_("Do not let the agents into nonpublic areas."),
    "interview_access": N_("Do not give the agents access to the person."),
}

#: Short names of the facts an answer can depend on.
FACT_NOUNS = {
    "subject.role": N_("the person's role"),
    "subject.minor": N_("whether the person is a minor"),
    "subject.consent_given": N_("consent"),
    "subject.convictions": N_("convictions"),
    "subject.pending_charge": N_("pending charge"),
    "subject.registered_sex_offender": N_("sex-offender registration"),
    "subject.federal_felony_warrant": N_("a federal felony warrant"),
    "subject.final_removal_order": N_("a final removal order"),
    "subject.previously_removed": N_("earlier removal"),
    "context.location": N_("location"),
    "context.purpose": N_("purpose of the request"),
    "context.info_publicly_available": N_("whether the information is public"),
    "context.exigent_circumstances": N_("an emergency"),
    "context.hours_held_past_release": N_("hours already held"),
    "responder.agreement_287g": N_("287(g) agreement"),
}


def compose(outcome: str, action: str, facts: list[str], gettext: Callable[[str], str]) -> str:
    """The summary for ``outcome`` on ``action`` in the language of ``gettext``
    (``facts``: the missing facts of a conditional answer, as dotted names)."""
    _ = gettext
    phrase = _(ACTION_PHRASES[action])
    if outcome == "prohibited":
        head = _(PROHIBITED_NOW[action]) if action in PROHIBITED_NOW else _("Do not %(phrase)s.") % {"phrase": phrase}
        return head + " " + _("The law forbids it here.")
    if outcome == "required":
        return _("You must %(phrase)s. The law requires it here.") % {"phrase": phrase}
    if outcome == "permitted":
        return _("You may %(phrase)s, but no law requires it. Follow your agency's policy.") % {"phrase": phrase}
    if outcome == "conditional":
        names = ", ".join(_(FACT_NOUNS[f]) if f in FACT_NOUNS else f for f in facts) or _("facts not given")
        return _("The answer depends on facts not given (%(facts)s). Answer them to get a definite answer.") % {"facts": names}
    if outcome == "conflict":
        return _("The rules that apply here conflict. Do not act on this request until counsel advises.")
    return _("No encoded rule speaks to this request. Refer it to counsel.")


def summary(decision: Decision, lang: str, gettext: Callable[[str], str]) -> str:
    """What to do now, in ``lang``: the engine's own words in English (except that a
    conditional answer names the missing facts in plain words rather than as field
    names), the catalog's otherwise."""
    if lang == "en" and decision.outcome is not Outcome.conditional:
        return decision.summary
    facts = [m.fact for m in decision.depends_on]
    return compose(decision.outcome.value, decision.action.value, facts, gettext)


__all__ = ["ACTION_PHRASES", "FACT_NOUNS", "Outcome", "compose", "summary"]
