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
    "enter_287g_agreement": N_("seek, sign, keep or renew a 287(g) agreement"),
    "state_immigration_arrest": N_("arrest the person for a state-law immigration crime"),
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
    "subject.proof_of_status_shown": N_("proof of status"),
    "context.date": N_("the date"),
    "attachments": N_("what other paper came with it"),
}

#: What the answer took for a fact not given, at its presumed value (fact -> msgid).
PRESUMED_TEXT = {
    "attachments": N_("no other paper came with it"),
    "subject.convictions": N_("no criminal convictions"),
    "subject.pending_charge": N_("no pending criminal charge"),
    "subject.registered_sex_offender": N_("not a registered sex offender"),
    "subject.federal_felony_warrant": N_("no federal felony arrest warrant identified"),
    "subject.final_removal_order": N_("no final order of removal"),
    "subject.previously_removed": N_("not deported before"),
    "subject.consent_given": N_("no written consent"),
    "subject.proof_of_status_shown": N_("no proof of lawful status shown"),
    "context.info_publicly_available": N_("the information is not already public"),
    "context.exigent_circumstances": N_("no emergency"),
    "context.hours_held_past_release": N_("not yet held past the release time"),
    "responder.agreement_287g": N_("no 287(g) agreement"),
}
#: The value each of PRESUMED_TEXT describes (VOCABULARY.md, "Presumed values").
PRESUMED_VALUE = {"attachments": "none", "subject.convictions": "none", "subject.pending_charge": "none",
                  "context.hours_held_past_release": "0", "responder.agreement_287g": "none"}

#: "then ..." for each outcome an exception can give.
THEN = {
    "prohibited": N_("then you must not."),
    "required": N_("then you must."),
    "permitted": N_("then you may."),
    "conditional": N_("then the answer depends on other facts."),
    "no_rule": N_("then no encoded rule speaks to it."),
    "conflict": N_("then the rules conflict: ask counsel."),
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
        names = ", ".join(_(FACT_NOUNS[f]) if f in FACT_NOUNS else f.rsplit(".", 1)[-1].replace("_", " ")
                          for f in facts) or _("facts not given")
        return _("The answer depends on facts not given (%(facts)s). Answer them to get a definite answer.") % {"facts": names}
    if outcome == "conflict":
        return _("The rules that apply here conflict. Do not act on this request until counsel advises.")
    return _("No encoded rule speaks to this request. Refer it to counsel.")


def presumed_text(fact: str, value: str, gettext: Callable[[str], str]) -> str:
    """What the answer took for ``fact`` (not given) at ``value``, in plain words
    ("no other paper came with it"); a value other than the usual presumption is
    said as "<fact>: <value>"."""
    from .labels import value_text

    _ = gettext
    usual = PRESUMED_VALUE.get(fact, "false")
    if fact in PRESUMED_TEXT and value in (usual, f"{usual}.0", "[]"):
        return _(PRESUMED_TEXT[fact])
    noun = _(FACT_NOUNS[fact]) if fact in FACT_NOUNS else fact.rsplit(".", 1)[-1].replace("_", " ")
    return f"{noun}: {value_text(fact, value, gettext)}"


def unless_text(item, lang: str, gettext: Callable[[str], str]) -> str:
    """One exception to a presumed answer as a sentence: "Unless a judicial warrant
    came with it: then you may." ``item`` is a :class:`cooprules.vocabulary.Unless`."""
    from .labels import value_text

    _ = gettext
    if lang == "en":
        what = item.text
    else:
        what = _(" or ").join(value_text(item.fact, v, gettext) for v in item.values[:6])
        if len(item.values) > 6:
            what += " " + _("(and %(n)s more)") % {"n": len(item.values) - 6}
        noun = _(FACT_NOUNS[item.fact]) if item.fact in FACT_NOUNS else ""
        what = f"{noun}: {what}" if noun else what
    return _("Unless %(what)s: %(then)s") % {"what": what, "then": _(THEN[item.outcome.value])}


#: The engine's fixed reasons in a trace (engine/resolve.py), worded for the page.
REASONS = {
    "condition not met": N_("its conditions are not met"),
    "applies": N_("applies"),
    "applies (duties only)": N_("applies (duties only)"),
    "applies, but overridden by a higher layer": N_("applies, but a higher layer overrides it"),
}
_UNDETERMINED = "undetermined: turns on facts not given ("


def reason_text(reason: str, gettext: Callable[[str], str]) -> tuple[str, bool]:
    """A trace reason for the page: ``(text, translated)``. The engine's fixed reasons
    and "turns on facts not given (<fact paths>)" are worded in the page's language
    (fact paths as plain nouns); any other reason comes back as given (English,
    ``translated`` False, for the page to mark ``lang="en"``)."""
    _ = gettext
    if reason in REASONS:
        return _(REASONS[reason]), True
    if reason.startswith(_UNDETERMINED) and reason.endswith(")"):
        facts = [f.strip() for f in reason[len(_UNDETERMINED):-1].split(",") if f.strip()]
        names = ", ".join(_(FACT_NOUNS[f]) if f in FACT_NOUNS else f.rsplit(".", 1)[-1].replace("_", " ")
                          for f in facts)
        return _("turns on facts not given: %(facts)s") % {"facts": names}, True
    return reason, False


def by_outcome(missing, gettext: Callable[[str], str], limit: int = 8) -> list[dict]:
    """The values of a missing fact grouped by the outcomes they give, for "what each
    answer gives": ``[{"values": [text, ...], "more": int, "outcomes": [word, ...]}]``
    (``more``: values left out of the list; ``missing`` a
    :class:`cooprules.vocabulary.MissingFact`)."""
    from .labels import value_text

    groups: dict[tuple[str, ...], list[str]] = {}
    for v in missing.values:
        key = tuple(o.value for o in v.outcomes)
        text = value_text(missing.fact, v.value, gettext)
        if text not in groups.setdefault(key, []):
            groups[key].append(text)
    return [{"values": texts[:limit], "more": max(0, len(texts) - limit), "outcomes": list(key)}
            for key, texts in groups.items()]


def summary(decision: Decision, lang: str, gettext: Callable[[str], str]) -> str:
    """What to do now, in ``lang``: the engine's headline (:func:`compose`, which a
    test keeps equal to the engine's English), then a caution naming governments whose
    law is not encoded. The exceptions of a presumed answer (``decision.unless``) are
    worded apart, by :func:`unless_text`, so a page can list them."""
    _ = gettext
    facts = [m.fact for m in decision.depends_on]
    text = compose(decision.outcome.value, decision.action.value, facts, gettext)
    if decision.not_encoded:
        text += " " + _("Caution: the law of %(names)s is not encoded, so this answer rests on the other layers "
                        "alone.") % {"names": _(" and ").join(decision.not_encoded)}
    return text


__all__ = ["ACTION_PHRASES", "FACT_NOUNS", "Outcome", "by_outcome", "compose", "presumed_text", "summary",
           "unless_text"]
