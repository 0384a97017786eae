"""Plain words for an answer, in English and Spanish: what to do now, what was
presumed, and what would change it (``unless``). Front-line staff read this first.

This is the one module that words an answer: the CLI, the web page, the pocket card,
the training and ``evaluate-table`` call it, so that an answer reads the same
everywhere. It only words what the engine decided; it decides nothing. No raw fact
path and no raw value label reaches its output.

Functions (``lang`` is ``"en"`` or ``"es"``; any other value raises ``ValueError``):

- :func:`summary_text` ``(decision, lang) -> str``: the decision's summary: the
  presumed answer, its time limit, then its exceptions ("Do not hold. Release as
  scheduled. The law forbids it here. Unless a judicial warrant came with it: then you
  may."). ``Decision.summary`` is ``summary_text(decision, "en")``.
- :func:`summarize` ``(outcome, action, depends_on, not_encoded, unless, lang) -> str``:
  the same from its parts (the engine calls it before the Decision exists).
- :func:`unless_text` ``(u: Unless, lang) -> str``: one line, "Unless a judicial
  warrant came with it: then you may."
- :func:`unless_values_text` ``(fact, values, lang) -> str``: the values of an
  ``Unless`` as a clause, "a judicial warrant came with it" (``Unless.text`` is this
  in English).
- :func:`presumed_text` ``(p: PresumedFact, lang) -> str`` and
  :func:`presumed_value_text` ``(fact, lang) -> str``: what was presumed, "nothing
  else came with the paper".
- :func:`fact_noun` ``(fact, lang) -> str``: a fact's plain name, "convictions".
- :func:`outcome_then` ``(outcome, lang) -> str``: "then you may".

Value labels understood (as the engine writes them, :mod:`.partial`): instrument,
287(g) model and boolean words; convictions ``"<category> at any time"``,
``"<category> within N years"``, ``"<category> more than N years ago"``,
``"<category> more than N and within M years"`` (and ``"<category> N years ago"``);
pending charges ``"<category>, probable cause found"`` / ``"... not found"``; hours
``"less than N hours"``, ``"N hours or more"``, ``"from N to less than M hours"``.
"""

from __future__ import annotations

import re

from typing import Iterable

from ..vocabulary import Action, Decision, Outcome, PresumedFact, Unless
from .partial import LABEL_CHARGE, LABEL_HOURS, LABEL_YEARS, PAIR, PAPER_PAIR

LANGS = ("en", "es")

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

_ACTION_PHRASES_ES: dict[Action, str] = {
    Action.detainer_hold: "mantener a la persona detenida después de su hora de salida por la solicitud de detención migratoria (I-247A)",
    Action.release_notification: "avisar a las autoridades de inmigración cuándo saldrá la persona",
    Action.custody_transfer: "entregar a la persona a las autoridades de inmigración",
    Action.information_sharing: "compartir la información pedida con las autoridades de inmigración",
    Action.status_inquiry: "preguntar a la persona por su estatus migratorio o de ciudadanía",
    Action.civil_immigration_arrest: "arrestar o detener a la persona por una infracción migratoria civil",
    Action.criminal_immigration_arrest: "arrestar a la persona por un delito migratorio federal",
    Action.interview_access: "dejar que agentes de inmigración entrevisten o vean a la persona",
    Action.facility_access: "dejar entrar a agentes de inmigración en las áreas no públicas de las instalaciones",
    Action.immigration_officer_functions: "ejercer las funciones de un agente de inmigración",
    Action.joint_task_force: "participar en el grupo de trabajo conjunto",
    Action.operational_support: "prestar personal, vehículos o equipo al operativo de inmigración",
    Action.facility_use: "poner instalaciones a disposición de las autoridades de inmigración",
    Action.detention_contract: "contratar la detención migratoria civil de personas",
    Action.status_recording: "recoger o registrar el estatus migratorio",
    Action.tip_referral: "pasar a las autoridades de inmigración el aviso sobre el estatus migratorio de alguien",
    Action.enter_287g_agreement: "solicitar, firmar, mantener o renovar un acuerdo 287(g)",
    Action.state_immigration_arrest: "arrestar a la persona por un delito migratorio de ley estatal",
}

#: Short imperative for a prohibition, where one reads better than "Do not ...".
PROHIBITED_NOW: dict[Action, str] = {
    Action.detainer_hold: "Do not hold. Release as scheduled.",
    Action.release_notification: "Do not notify immigration authorities of the release.",
    Action.custody_transfer: "Do not hand the person over to immigration authorities.",
    Action.facility_access: "Do not let the agents into nonpublic areas.",
    Action.interview_access: "Do not give the agents access to the person.",
}

_PROHIBITED_NOW_ES: dict[Action, str] = {
    Action.detainer_hold: "No la retenga. Déjela salir a la hora prevista.",
    Action.release_notification: "No avise a las autoridades de inmigración de la salida.",
    Action.custody_transfer: "No entregue a la persona a las autoridades de inmigración.",
    Action.facility_access: "No deje entrar a los agentes en áreas no públicas.",
    Action.interview_access: "No dé a los agentes acceso a la persona.",
}

#: The action in a few words, for a headline with a time limit ("You must hold the
#: person on the immigration hold, for no more than 48 hours past release.").
_SHORT = {
    "en": {Action.detainer_hold: "hold the person on the immigration hold"},
    "es": {Action.detainer_hold: "retener a la persona por la solicitud de detención migratoria (I-247A)"},
}

#: Plain names of the facts an answer can turn on.
FACT_NOUNS = {
    "subject.role": "the person's role", "subject.minor": "whether the person is a minor",
    "subject.convictions": "convictions", "subject.pending_charge": "a pending charge",
    "subject.registered_sex_offender": "sex-offender registration",
    "subject.federal_felony_warrant": "a federal felony warrant",
    "subject.final_removal_order": "a final removal order", "subject.previously_removed": "a prior removal",
    "subject.consent_given": "written consent",
    "subject.proof_of_status_shown": "proof of citizenship or lawful status",
    "context.location": "where it happens",
    "context.purpose": "the purpose of the request", "context.info_publicly_available": "whether the information is public",
    "context.exigent_circumstances": "an emergency", "context.hours_held_past_release": "hours already held past release",
    "responder.agreement_287g": "your 287(g) agreement", "attachments": "what other paper came with it",
}

_FACT_NOUNS_ES = {
    "subject.role": "el papel de la persona", "subject.minor": "si la persona es menor de edad",
    "subject.convictions": "las condenas", "subject.pending_charge": "un cargo pendiente",
    "subject.registered_sex_offender": "la inscripción como delincuente sexual",
    "subject.federal_felony_warrant": "una orden federal de arresto por delito grave",
    "subject.final_removal_order": "una orden final de deportación", "subject.previously_removed": "una deportación anterior",
    "subject.consent_given": "el consentimiento por escrito",
    "subject.proof_of_status_shown": "la prueba de ciudadanía o de estancia legal",
    "context.location": "dónde ocurre",
    "context.purpose": "el propósito de la solicitud", "context.info_publicly_available": "si la información es pública",
    "context.exigent_circumstances": "una emergencia", "context.hours_held_past_release": "las horas que ya lleva retenida después de la salida",
    "responder.agreement_287g": "su acuerdo 287(g)", "attachments": "qué otro documento venía con la solicitud",
}

#: "then ..." after an unless clause, by outcome.
_THEN = {
    "en": {Outcome.permitted: "then you may", Outcome.required: "then you must",
           Outcome.prohibited: "then you must not", Outcome.conditional: "then it depends on other facts",
           Outcome.no_rule: "then no encoded rule speaks to it: refer it to counsel",
           Outcome.conflict: "then the rules conflict: refer it to counsel"},
    "es": {Outcome.permitted: "entonces puede hacerlo", Outcome.required: "entonces debe hacerlo",
           Outcome.prohibited: "entonces no debe hacerlo", Outcome.conditional: "entonces depende de otros datos",
           Outcome.no_rule: "entonces ninguna regla codificada lo trata: consúltelo con su asesor jurídico",
           Outcome.conflict: "entonces las reglas están en conflicto: consúltelo con su asesor jurídico"},
}
#: After a ``required`` answer, a permission says the duty lifts, not that the act is
#: endorsed: "Unless ... proof of citizenship ...: then the law does not require it".
_THEN_NOT_REQUIRED = {"en": "then the law does not require it: you may, as your agency decides",
                      "es": "entonces la ley no lo exige: puede hacerlo, según decida su agencia"}

_INSTRUMENTS = {
    "en": {"judicial_warrant": "a judicial warrant",
           "judicial_probable_cause_determination": "a judge's determination of probable cause",
           "court_order": "a court order", "judicial_subpoena": "a judicial subpoena",
           "administrative_warrant_arrest": "an administrative arrest warrant (Form I-200)",
           "administrative_warrant_removal": "an administrative removal warrant (Form I-205)",
           "detainer_request": "a detainer request (Form I-247A)",
           "notification_request": "a request to be told of the release", "transfer_request": "a transfer request",
           "administrative_subpoena": "an administrative subpoena", "written_request": "a written request",
           "verbal_request": "a verbal request", "none": "nothing"},
    "es": {"judicial_warrant": "una orden judicial de arresto o registro",
           "judicial_probable_cause_determination": "una determinación judicial de causa probable",
           "court_order": "una orden de un tribunal", "judicial_subpoena": "una citación judicial",
           "administrative_warrant_arrest": "una orden administrativa de arresto (formulario I-200)",
           "administrative_warrant_removal": "una orden administrativa de deportación (formulario I-205)",
           "detainer_request": "una solicitud de detención (formulario I-247A)",
           "notification_request": "una solicitud de aviso de la salida", "transfer_request": "una solicitud de entrega",
           "administrative_subpoena": "una citación administrativa", "written_request": "una solicitud por escrito",
           "verbal_request": "una solicitud verbal", "none": "nada"},
}

#: Offence categories: felonies named by an adjective ("a serious or violent felony")
#: and the others by a whole noun.
_FELONY_ADJ = {
    "en": {"serious_felony": "serious", "violent_felony": "violent", "listed_felony": "listed"},
    "es": {"serious_felony": "serio", "violent_felony": "violento", "listed_felony": "de la lista"},
}
_OFFENCE_NOUNS = {
    "en": {"state_prison_felony": "a felony punishable by state prison",
           "aggravated_felony_federal": "an aggravated felony (as federal law defines it)",
           "other_felony": "another felony", "listed_wobbler_misdemeanor": "a listed wobbler offence",
           "misdemeanor": "a misdemeanor"},
    "es": {"state_prison_felony": "un delito grave castigado con prisión estatal",
           "aggravated_felony_federal": "un delito grave con agravantes (según la ley federal)",
           "other_felony": "otro delito grave", "listed_wobbler_misdemeanor": "un delito mixto (wobbler) de la lista",
           "misdemeanor": "un delito menor"},
}
_FELONIES = {"serious_felony", "violent_felony", "state_prison_felony", "listed_felony",
             "aggravated_felony_federal", "other_felony"}
_OFFENCES = _FELONIES | {"listed_wobbler_misdemeanor", "misdemeanor"}

_MODELS = {
    "en": {"jail_enforcement": "jail enforcement", "task_force": "task force",
           "warrant_service_officer": "warrant service officer"},
    "es": {"jail_enforcement": "de control en la cárcel (jail enforcement)",
           "task_force": "de grupo de trabajo (task force)",
           "warrant_service_officer": "de agente de órdenes de arresto (warrant service officer)"},
}

#: Yes/no facts: (what true says, what false says) as clauses.
_BOOLEANS = {
    "en": {
        "subject.registered_sex_offender": ("the person is a registered sex offender",
                                            "the person is not a registered sex offender"),
        "subject.federal_felony_warrant": ("an outstanding federal felony arrest warrant for the person was identified",
                                           "no federal felony warrant"),
        "subject.final_removal_order": ("the person has a final order of removal", "no final order of removal"),
        "subject.previously_removed": ("the person was deported before", "not deported before"),
        "subject.consent_given": ("the person (or a student's parent) gave written consent", "no written consent"),
        "subject.proof_of_status_shown": ("the person has shown proof of U.S. citizenship or lawful status",
                                          "no proof of citizenship or lawful status shown"),
        "subject.minor": ("the person is a minor", "the person is an adult"),
        "context.info_publicly_available": ("the information is already public", "the information is not public"),
        "context.exigent_circumstances": ("there is an emergency (such as imminent danger to life)", "no emergency"),
    },
    "es": {
        "subject.registered_sex_offender": ("la persona está inscrita como delincuente sexual",
                                            "la persona no está inscrita como delincuente sexual"),
        "subject.federal_felony_warrant": ("se ha señalado una orden federal de arresto por delito grave contra la persona",
                                           "sin orden federal de arresto por delito grave"),
        "subject.final_removal_order": ("la persona tiene una orden final de deportación",
                                        "sin orden final de deportación"),
        "subject.previously_removed": ("la persona ya fue deportada antes", "no fue deportada antes"),
        "subject.consent_given": ("la persona (o el padre o la madre del estudiante) dio su consentimiento por escrito",
                                  "sin consentimiento por escrito"),
        "subject.proof_of_status_shown": ("la persona ha mostrado prueba de ciudadanía estadounidense o de estancia legal",
                                          "no ha mostrado prueba de ciudadanía ni de estancia legal"),
        "subject.minor": ("la persona es menor de edad", "la persona es mayor de edad"),
        "context.info_publicly_available": ("la información ya es pública", "la información no es pública"),
        "context.exigent_circumstances": ("hay una emergencia (como un peligro inminente para la vida)",
                                          "sin emergencia"),
    },
}

#: What a presumed value says, for the facts that are not yes/no.
_PRESUMED = {
    "en": {"attachments": "nothing else came with the paper", "subject.convictions": "no convictions",
           "subject.pending_charge": "no pending charge",
           "context.hours_held_past_release": "the request has just arrived (not yet held past release)",
           "responder.agreement_287g": "no 287(g) agreement"},
    "es": {"attachments": "con la solicitud no venía nada más", "subject.convictions": "sin condenas",
           "subject.pending_charge": "sin cargos pendientes",
           "context.hours_held_past_release": "la solicitud acaba de llegar (aún no retenida después de la salida)",
           "responder.agreement_287g": "sin acuerdo 287(g)"},
}

_WORDS = {
    "en": {"or": "or", "unless": "Unless", "law_forbids": "The law forbids it here.",
           "do_not": "Do not {phrase}.", "must": "You must {phrase}. The law requires it here.",
           "must_limit": "You must {phrase}, for no more than {hours} hours past release. The law requires it here.",
           "may": "You may {phrase}, but no law requires it. Follow your agency's policy.",
           "may_limit": "You may {phrase}, for no more than {hours} hours past release, but no law requires it. "
                        "Follow your agency's policy.",
           "depends": "The answer depends on facts not given ({facts}). Answer them to get a definite answer.",
           "facts_not_given": "facts not given",
           "conflict": "The rules that apply here conflict. Do not act on this request until counsel advises.",
           "no_rule": "No encoded rule speaks to this request. Refer it to counsel.",
           "caution": "Caution: the law of {names} is not encoded, so this answer rests on the other layers alone.",
           "none_found": "No local law found for {names}.",
           "and": "and",
           "came_with": "{what} came with it", "came_with_both": "{what} came with it",
           "together_with": "together with",
           "conviction": "the person has a conviction for {what}",
           "conviction_join": ", or for ",
           "convictions_both": "the person has two convictions, for example {what}",
           "any_offence": "any offence", "any_felony": "any felony", "felony": "felony",
           "any_time": "at any time", "within": "within the last {n} years", "more_than": "more than {n} years ago",
           "between": "more than {n} and no more than {m} years ago", "ago": "{n} years ago", "ago_one": "1 year ago",
           "charge": "a charge for {what} is pending", "charge_pc": "{clause} and a magistrate found probable cause",
           "charge_nopc": "{clause}, with no finding of probable cause by a magistrate",
           "held": "the person has already been held {what} past release",
           "hours_less": "less than {n} hours", "hours_more": "{n} hours or more",
           "hours_between": "from {n} to less than {m} hours", "hours_any": "any number of hours",
           "hours_exact": "{n} hours",
           "agreement": "your office has a 287(g) agreement ({what} model)",
           "agreement_any": "your office has a 287(g) agreement (any model)"},
    "es": {"or": "o", "unless": "Salvo si", "law_forbids": "Aquí la ley lo prohíbe.",
           "do_not": "No debe {phrase}.", "must": "Debe {phrase}. Aquí la ley lo exige.",
           "must_limit": "Debe {phrase}, por no más de {hours} horas después de su hora de salida. Aquí la ley lo exige.",
           "may": "Puede {phrase}, pero ninguna ley lo exige. Siga la política de su agencia.",
           "may_limit": "Puede {phrase}, por no más de {hours} horas después de su hora de salida, pero ninguna "
                        "ley lo exige. Siga la política de su agencia.",
           "depends": "La respuesta depende de datos que faltan ({facts}). Contéstelos para obtener una respuesta definitiva.",
           "facts_not_given": "datos que faltan",
           "conflict": "Las reglas que se aplican aquí están en conflicto. No actúe sobre esta solicitud hasta que "
                       "le aconseje su asesor jurídico.",
           "no_rule": "Ninguna regla codificada trata esta solicitud. Consúltelo con su asesor jurídico.",
           "caution": "Atención: la ley de {names} no está codificada, así que esta respuesta se basa solo en las "
                      "demás capas.",
           "none_found": "No se encontró ley local de {names}.",
           "and": "y",
           "came_with": "con la solicitud venía {what}", "came_with_both": "con la solicitud venían {what}",
           "together_with": "junto con",
           "conviction": "la persona tiene una condena por {what}",
           "conviction_join": ", o por ",
           "convictions_both": "la persona tiene dos condenas, por ejemplo {what}",
           "any_offence": "cualquier delito", "any_felony": "cualquier delito grave", "felony": "delito grave",
           "any_time": "en cualquier momento", "within": "en los últimos {n} años", "more_than": "de hace más de {n} años",
           "between": "de hace más de {n} y no más de {m} años", "ago": "de hace {n} años", "ago_one": "de hace 1 año",
           "charge": "hay un cargo pendiente por {what}",
           "charge_pc": "{clause} y un magistrado determinó que hay causa probable",
           "charge_nopc": "{clause}, sin que un magistrado haya determinado causa probable",
           "held": "la persona ya lleva retenida {what} después de su hora de salida",
           "hours_less": "menos de {n} horas", "hours_more": "{n} horas o más",
           "hours_between": "de {n} a menos de {m} horas", "hours_any": "cualquier número de horas",
           "hours_exact": "{n} horas",
           "agreement": "su oficina tiene un acuerdo 287(g) (modelo {what})",
           "agreement_any": "su oficina tiene un acuerdo 287(g) (de cualquier modelo)"},
}

def _check(lang: str) -> dict[str, str]:
    if lang not in LANGS:
        raise ValueError(f"lang '{lang}' is not one of {', '.join(LANGS)}")
    return _WORDS[lang]


def _join(items: list[str], lang: str, sep: str = ", ") -> str:
    """``a``, ``a or b``, ``a, b or c`` in ``lang``."""
    word = _WORDS[lang]["or"]
    if len(items) <= 1:
        return "".join(items)
    return sep.join(items[:-1]) + (f"; {word} " if sep == "; " else f" {word} ") + items[-1]


def _offences(cats: Iterable[str], lang: str) -> str:
    """Offence categories as one noun phrase: "a serious or violent felony", "any felony"."""
    w = _WORDS[lang]
    cats = [c for c in dict.fromkeys(cats)]
    if set(cats) >= _OFFENCES:
        return w["any_offence"]
    parts: list[str] = []
    rest = cats
    if set(cats) >= _FELONIES:
        parts.append(w["any_felony"])
        rest = [c for c in cats if c not in _FELONIES]
    adjs = [_FELONY_ADJ[lang][c] for c in rest if c in _FELONY_ADJ[lang]]
    if adjs:
        if lang == "en":
            parts.append(("an " if adjs[0][0] in "aeiou" else "a ") + _join(adjs, lang) + " felony")
        else:
            parts.append("un delito grave " + _join(adjs, lang))
    parts.extend(_OFFENCE_NOUNS[lang].get(c, c.replace("_", " ")) for c in rest if c not in _FELONY_ADJ[lang])
    return _join(parts, lang)


def _when(m: re.Match, w: dict[str, str]) -> str:
    if m["any"]:
        return w["any_time"]
    if m["within"]:
        return w["within"].format(n=m["within"])
    if m["more"]:
        return w["more_than"].format(n=m["more"])
    if m["lo"]:
        return w["between"].format(n=m["lo"], m=m["hi"])
    return w["ago_one" if m["ago"] == "1" else "ago"].format(n=m["ago"])


def _conviction_pair(label: str, lang: str) -> str | None:
    """Two convictions tried together (``"violent_felony 1 year ago and also
    misdemeanor 1 year ago"``) as "a violent felony 1 year ago and a misdemeanor 1
    year ago"; None when a part is not a conviction label."""
    w = _WORDS[lang]
    parts = []
    for part in label.split(PAIR):
        m = LABEL_YEARS.match(part)
        if not m:
            return None
        parts.append(f"{_offences([m['cat']], lang)} {_when(m, w)}")
    return f" {w['and']} ".join(parts)


def _convictions(values: list[str], lang: str) -> str:
    w = _WORDS[lang]
    by_time: dict[str, list[str]] = {}
    loose: list[str] = []
    both: list[str] = []
    for v in values:
        if PAIR in v and (pair := _conviction_pair(v, lang)):
            both.append(pair)
            continue
        m = LABEL_YEARS.match(v)
        if not m:
            loose.append(v)
            continue
        by_time.setdefault(_when(m, w), []).append(m["cat"])
    # a category convicted "at any time" counts within every window too: "a serious or
    # violent felony at any time, or any felony within the last 5 years"
    always = by_time.get(w["any_time"], [])
    parts = []
    for when, cats in by_time.items():
        shown = cats
        if when != w["any_time"] and not set(cats) >= _FELONIES and set(cats) | set(always) >= _FELONIES:
            shown = list(dict.fromkeys(list(always) + cats))
        parts.append(f"{_offences(shown, lang)} {when}")
    parts += [_offences([v], lang) for v in loose if v in _OFFENCES]
    said = [w["conviction"].format(what=w["conviction_join"].join(parts))] if parts else []
    # two convictions that matter only together (counted, or each making a different rule
    # apply): the first pair tried stands as the example (``Unless.values`` lists them all)
    said += [w["convictions_both"].format(what=both[0])] if both else []
    return f", {w['or']} ".join(said)


def _charges(values: list[str], lang: str) -> str:
    w = _WORDS[lang]
    found: dict[str, set[str]] = {}
    for v in values:
        m = LABEL_CHARGE.match(v)
        if m:
            found.setdefault(m["cat"], set()).add(m["pc"])
        elif v in _OFFENCES:
            found.setdefault(v, set()).update({"found", "not found"})
    either = [c for c, pcs in found.items() if len(pcs) == 2]
    with_pc = [c for c, pcs in found.items() if pcs == {"found"}]
    without = [c for c, pcs in found.items() if pcs == {"not found"}]
    clauses = []
    if either:
        clauses.append(w["charge"].format(what=_offences(either, lang)))
    if with_pc:
        clauses.append(w["charge_pc"].format(clause=w["charge"].format(what=_offences(with_pc, lang))))
    if without:
        clauses.append(w["charge_nopc"].format(clause=w["charge"].format(what=_offences(without, lang))))
    return _join(clauses, lang, sep="; ")


def _hours(values: list[str], lang: str) -> str:
    w = _WORDS[lang]
    parts = []
    for v in values:
        m = LABEL_HOURS.match(v)
        if not m:
            continue
        if m["less"]:
            parts.append(w["hours_less"].format(n=m["less"]))
        elif m["more"]:
            parts.append(w["hours_more"].format(n=m["more"]))
        elif m["lo"]:
            parts.append(w["hours_between"].format(n=m["lo"], m=m["hi"]))
        elif m["any"]:
            parts.append(w["hours_any"])
        else:
            parts.append(w["hours_exact"].format(n=m["exact"]))
    return w["held"].format(what=_join(parts, lang)) if parts else ""


def _papers(values: list[str], lang: str) -> str:
    """Further papers as a clause: ``["judicial_warrant", "court_order"]`` -> "a judicial
    warrant or a court order came with it"; a pair label ``"judicial_warrant +
    detainer_request"`` -> "a judicial warrant and a detainer request (Form I-247A) came
    with it" (alternatives among pairs are set apart by "; or"; pairs that share one
    paper name it once: "a detainer request (Form I-247A) together with a judicial
    warrant or an administrative arrest warrant (Form I-200) came with it"). Unknown words are
    left out; "" when none is known."""
    w, names = _WORDS[lang], _INSTRUMENTS[lang]
    pairs = [v.split(PAPER_PAIR) for v in values]
    if len(pairs) > 1 and all(len(p) == 2 and all(x in names and x != "none" for x in p) for p in pairs):
        common = set(pairs[0]).intersection(*pairs[1:])
        if len(common) == 1:  # "a detainer request together with a judicial warrant, an I-200 or an I-205"
            (c,) = common
            rest = [names[x] for p in pairs for x in p if x != c]
            return w["came_with"].format(what=f"{names[c]} {w['together_with']} {_join(list(dict.fromkeys(rest)), lang)}")
    options = []
    for v in values:
        parts = v.split(PAPER_PAIR)
        if parts and all(p in names and p != "none" for p in parts):
            options.append(f" {w['and']} ".join(names[p] for p in parts))
    if not options:
        return ""
    paired = any(PAPER_PAIR in v for v in values)
    verb = "came_with_both" if all(PAPER_PAIR in v for v in values) else "came_with"
    return w[verb].format(what=_join(list(dict.fromkeys(options)), lang, "; " if paired and len(options) > 1 else ", "))


def unless_values_text(fact: str, values: list[str], lang: str = "en") -> str:
    """The values of an ``unless`` (or of any fact) as a plain clause that reads after
    "Unless": ``("attachments", ["judicial_warrant"], "en")`` -> "a judicial warrant
    came with it"; ``("attachments", ["judicial_warrant + detainer_request"], "en")``
    -> "a judicial warrant and a detainer request (Form I-247A) came with it"; ``("subject.convictions", ["serious_felony at any time",
    "violent_felony at any time"], "en")`` -> "the person has a conviction for a
    serious or violent felony at any time". Labels it does not know are left out (never
    shown raw); a fact it does not know gets its plain name. Raises ValueError for an
    unknown ``lang``."""
    w = _check(lang)
    if fact == "attachments":
        return _papers(values, lang) or _PRESUMED[lang]["attachments"]
    if fact == "subject.convictions":
        return _convictions(values, lang) or _PRESUMED[lang]["subject.convictions"]
    if fact == "subject.pending_charge":
        return _charges(values, lang) or _PRESUMED[lang]["subject.pending_charge"]
    if fact == "context.hours_held_past_release":
        return _hours(values, lang) or fact_noun(fact, lang)
    if fact == "responder.agreement_287g":
        models = [v for v in values if v in _MODELS[lang]]
        if not models:
            return _PRESUMED[lang]["responder.agreement_287g"]
        if len(models) == len(_MODELS[lang]):
            return w["agreement_any"]
        return w["agreement"].format(what=_join([_MODELS[lang][m] for m in models], lang))
    if fact in _BOOLEANS[lang]:
        yes, no = _BOOLEANS[lang][fact]
        return _join([yes if v == "true" else no for v in dict.fromkeys(values) if v in ("true", "false")], lang) or \
            fact_noun(fact, lang)
    return fact_noun(fact, lang)


def outcome_then(outcome: Outcome, lang: str = "en", base: Outcome | None = None) -> str:
    """What follows an unless clause: ``Outcome.permitted`` -> "then you may"; after a
    ``required`` answer (``base``), "then the law does not require it: you may, as
    your agency decides" (the duty lifts; nothing endorses the act)."""
    _check(lang)
    if base is not None and Outcome(base) is Outcome.required and Outcome(outcome) is Outcome.permitted:
        return _THEN_NOT_REQUIRED[lang]
    return _THEN[lang][Outcome(outcome)]


def unless_text(u: Unless, lang: str = "en", base: Outcome | None = None) -> str:
    """One ``unless`` as a sentence: "Unless a judicial warrant came with it: then you
    may." ``base``: the answer it is an exception to (see :func:`outcome_then`).
    Raises ValueError for an unknown ``lang``."""
    w = _check(lang)
    return f"{w['unless']} {unless_values_text(u.fact, u.values, lang)}: {outcome_then(u.outcome, lang, base)}."


def presumed_value_text(fact: str, lang: str = "en") -> str:
    """What the presumed value of ``fact`` says: ``"attachments"`` -> "nothing else came
    with the paper"; ``"subject.consent_given"`` -> "no written consent"."""
    _check(lang)
    if fact in _PRESUMED[lang]:
        return _PRESUMED[lang][fact]
    if fact in _BOOLEANS[lang]:
        return _BOOLEANS[lang][fact][1]
    return fact_noun(fact, lang)


def presumed_text(p: PresumedFact, lang: str = "en") -> str:
    """A :class:`PresumedFact` in plain words (see :func:`presumed_value_text`)."""
    return presumed_value_text(p.fact, lang)


#: The engine's notes on what it supplied or could not check (engine/core.py writes
#: them; :data:`_SUPPLIED_ES` words them in Spanish, matching these same templates).
UNCHECKED_YEAR = "{name}: its own policies were not recorded as checked for {year}; a rule then in force may be missing."
OVERDUE = "Already held {hours} hours past release: release the person now."
LIST_BEFORE = ("No 287(g) agreement presumed: ICE's 287(g) list of {day}, the earliest encoded, shows none for this "
               "office in force on this date; it does not show agreements that had ended before it.")


def _note_pattern(template: str, **groups: str) -> re.Pattern:
    """A regex matching a whole note written from ``template``; each ``{name}`` becomes
    the named group ``groups[name]`` (a regex)."""
    pattern = re.escape(template)
    for name, rx in groups.items():
        pattern = pattern.replace(re.escape("{" + name + "}"), f"(?P<{name}>{rx})")
    return re.compile(f"^{pattern}$")


_SUPPLIED_ES = [
    (re.compile(r"^The person is taken to be in custody: a (?P<what>detainer hold|release notification|custody transfer) "
                r"is about a person in custody\.$"),
     lambda m: "Se entiende que la persona está bajo custodia: {} se refiere a una persona bajo custodia.".format(
         {"detainer hold": "una retención por detención migratoria", "release notification": "un aviso de salida",
          "custody transfer": "un traslado de custodia"}[m["what"]])),
    (re.compile(r"^No 287\(g\) agreement presumed: ICE's 287\(g\) list(?: of (?P<day>\d{4}-\d{2}-\d{2}))? "
                r"shows none for this office on this date\.$"),
     lambda m: "Se da por hecho que no hay acuerdo 287(g): la lista 287(g) de ICE"
               + (f" del {m['day']}" if m["day"] else "") + " no muestra ninguno para esta oficina en esta fecha."),
    (_note_pattern(LIST_BEFORE, day=r"\d{4}-\d{2}-\d{2}"),
     lambda m: f"Se da por hecho que no hay acuerdo 287(g): la lista 287(g) de ICE del {m['day']}, la más antigua "
               "codificada, no muestra ninguno vigente para esta oficina en esta fecha; no muestra acuerdos que "
               "hubieran terminado antes."),
    (_note_pattern(UNCHECKED_YEAR, name=".+", year=r"\d{4}"),
     lambda m: f"{m['name']}: no consta que se revisaran sus propias normas de {m['year']}; puede faltar una norma "
               "vigente entonces."),
    (_note_pattern(OVERDUE, hours=r"[\d.]+"),
     lambda m: f"Ya lleva {m['hours']} horas retenida después de su hora de salida: déjela salir ahora."),
    (re.compile(r"^responder\.agreement_287g = (?P<model>[a-z_]+): (?P<agency>.+), signed (?P<signed>\S+), "
                r"from ICE's 287\(g\) list \(not given in the request\)$"),
     lambda m: f"responder.agreement_287g = {m['model']}: {m['agency']}, firmado el {m['signed']}, según la lista "
               "287(g) de ICE (no indicado en la solicitud)"),
]


def supplied_text(note: str, lang: str = "en") -> str:
    """A note the engine adds on a fact it supplied (``Decision.supplied``: the person
    taken to be in custody; the 287(g) agreement found on, or presumed absent from,
    ICE's list) in ``lang``; a note without a wording comes back as given."""
    _check(lang)
    if lang == "en":
        return note
    for pattern, word in _SUPPLIED_ES:
        if m := pattern.match(note):
            return word(m)
    return note


def fact_noun(fact: str, lang: str = "en") -> str:
    """The plain name of a fact (``"subject.convictions"`` -> "convictions"); a fact
    without one gets its last part with spaces."""
    _check(lang)
    table = FACT_NOUNS if lang == "en" else _FACT_NOUNS_ES
    return table.get(fact, fact.rsplit(".", 1)[-1].replace("_", " "))


def _time_limit(outcome: Outcome, unless: list[Unless]) -> tuple[str | None, list[Unless]]:
    """A hold's time limit: an ``unless`` on hours held that forbids it from N hours on
    becomes "for no more than N hours past release" in the headline."""
    if outcome not in (Outcome.required, Outcome.permitted):
        return None, unless
    for u in unless:
        if u.fact == "context.hours_held_past_release" and u.outcome is Outcome.prohibited and len(u.values) == 1:
            m = LABEL_HOURS.match(u.values[0])
            if m and m["more"]:
                return m["more"], [x for x in unless if x is not u]
    return None, unless


#: A forbidden hold of a person already held past release: release now, not "as scheduled".
_OVERDUE_NOW = {"en": "Do not hold any longer. Release the person now.",
                "es": "No la retenga más. Déjela salir ahora."}
#: The engine's note on such a hold (:data:`OVERDUE`).
OVERDUE_NOTE = _note_pattern(OVERDUE, hours=r"[\d.]+")


def summarize(outcome: Outcome, action: Action, depends_on: list[str] | None = None,
              not_encoded: list[str] | None = None, none_found: list[str] | None = None,
              unless: list[Unless] | None = None, lang: str = "en", overdue: bool = False) -> str:
    """What to do now for ``outcome`` on ``action``: the headline (with a hold's time
    limit), then each outcome the ``unless`` values would give, then the governments
    checked and found to have no law of their own (``none_found``, each as ``"Name
    (checked YYYY-MM-DD)"``), then a caution naming the governments whose law is
    ``not_encoded``. ``depends_on`` names the open facts of a conditional answer (fact
    paths; shown in plain words). ``overdue``: a hold the request says is already past
    release (a forbidden one says "release the person now"). Raises ValueError for an
    unknown ``lang``."""
    w = _check(lang)
    hours, rest = _time_limit(outcome, list(unless or []))
    text = _headline(outcome, action, depends_on, lang, hours)
    if overdue and outcome is Outcome.prohibited and action is Action.detainer_hold:
        text = _OVERDUE_NOW[lang] + " " + w["law_forbids"]
    by_outcome: dict[Outcome, list[str]] = {}
    for u in rest:
        by_outcome.setdefault(u.outcome, []).append(unless_values_text(u.fact, u.values, lang))
    for then, clauses in by_outcome.items():
        text += f" {w['unless']} {_join(clauses, lang, sep='; ')}: {outcome_then(then, lang, outcome)}."
    if none_found:
        names = f" {w['or']} ".join(n if lang == "en" else n.replace("(checked ", "(revisado el ") for n in none_found)
        text += " " + w["none_found"].format(names=names)
    if not_encoded:
        text += " " + w["caution"].format(names=f" {w['and']} ".join(not_encoded))
    return text


def summary_text(decision: Decision, lang: str = "en") -> str:
    """The summary of ``decision`` in ``lang`` (``decision.summary`` is the English)."""
    from .resolve import NONE_FOUND

    none_found = [f"{t.name}{t.combination[len(NONE_FOUND):]}" for t in decision.trace
                  if t.combination.startswith(NONE_FOUND)]
    return summarize(decision.outcome, decision.action, [m.fact for m in decision.depends_on],
                     decision.not_encoded, none_found, decision.unless, lang,
                     overdue=any(OVERDUE_NOTE.match(n) for n in decision.supplied))


def _headline(outcome: Outcome, action: Action, depends_on: list[str] | None, lang: str = "en",
              hours: str | None = None) -> str:
    w = _WORDS[lang]
    phrase = (ACTION_PHRASES if lang == "en" else _ACTION_PHRASES_ES)[action]
    if hours is not None:
        phrase = _SHORT[lang].get(action, phrase)
    if outcome is Outcome.prohibited:
        now = (PROHIBITED_NOW if lang == "en" else _PROHIBITED_NOW_ES).get(action)
        return (now or w["do_not"].format(phrase=phrase)) + " " + w["law_forbids"]
    if outcome is Outcome.required:
        return w["must_limit" if hours else "must"].format(phrase=phrase, hours=hours)
    if outcome is Outcome.permitted:
        return w["may_limit" if hours else "may"].format(phrase=phrase, hours=hours)
    if outcome is Outcome.conditional:
        facts = ", ".join(fact_noun(f, lang) for f in depends_on or []) or w["facts_not_given"]
        return w["depends"].format(facts=facts)
    if outcome is Outcome.conflict:
        return w["conflict"]
    return w["no_rule"]
