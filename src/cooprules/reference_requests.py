"""Random valid requests for the differential test of the engine against the reference
model (:mod:`cooprules.reference`): fast and seeded (``random.Random``), over every
entity, action, instrument and optional fact, each fact given or left out."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any, Iterator

from .vocabulary import (
    Action, Agreement287g, Entity, InfoType, Instrument, Location, OffenceCategory, Purpose, Requester, Role,
)

_BOOLS = ("minor", "registered_sex_offender", "federal_felony_warrant", "final_removal_order",
          "previously_removed", "consent_given", "proof_of_status_shown")
_CTX_BOOLS = ("info_publicly_available", "exigent_circumstances")


def jurisdictions(corpus) -> list[str]:
    """The OCD-IDs with law of their own in ``corpus`` (their chains hold every layer)."""
    return sorted(j for j in corpus.folders if j.count("/") >= 1)


def requests(seed: int, n: int, places: list[str], p_given: float = 0.5) -> Iterator[dict[str, Any]]:
    """``n`` random request dicts (JSON form), reproducible from ``seed``; each optional
    fact is given with probability ``p_given``."""
    rnd = random.Random(seed)
    words = lambda e: [w.value for w in e]  # noqa: E731
    actions, entities, papers = words(Action), words(Entity), words(Instrument)
    start = dt.date(2016, 1, 1).toordinal()
    for _ in range(n):
        action = rnd.choice(actions)
        req: dict[str, Any] = {
            "responder": {"jurisdiction": rnd.choice(places), "entity": rnd.choice(entities)},
            "requester": rnd.choice(words(Requester)), "action": action, "instrument": rnd.choice(papers),
        }
        if action == "information_sharing":
            req["info_type"] = rnd.choice(words(InfoType))
        given = lambda: rnd.random() < p_given  # noqa: E731
        if given():
            req["responder"]["agreement_287g"] = rnd.choice(words(Agreement287g))
        r = rnd.random()
        if r < 0.3:
            req["attachments"] = rnd.sample([p for p in papers if p != "none"], rnd.choice((1, 1, 2, 3)))
        elif r < 0.4:
            req["attachments"] = []
        subject: dict[str, Any] = {}
        if given():
            subject["role"] = rnd.choice(words(Role))
        for name in _BOOLS:
            if given():
                subject[name] = rnd.random() < 0.3
        if given():
            subject["convictions"] = [{"category": rnd.choice(words(OffenceCategory)),
                                       "years_ago": rnd.choice((1, 3, 5, 6, 9, 10, 11, 15, 16, 20))}
                                      for _ in range(rnd.choice((0, 1, 1, 2, 3)))]
        if given():
            subject["pending_charge"] = "none" if rnd.random() < 0.4 else {
                "category": rnd.choice(words(OffenceCategory)),
                **({"probable_cause_determined": rnd.random() < 0.5} if rnd.random() < 0.7 else {})}
        context: dict[str, Any] = {"date": dt.date.fromordinal(start + rnd.randrange(4000)).isoformat()}
        if given():
            context["location"] = rnd.choice(words(Location))
        if given():
            context["purpose"] = rnd.choice(words(Purpose))
        for name in _CTX_BOOLS:
            if given():
                context[name] = rnd.random() < 0.3
        if given():
            context["hours_held_past_release"] = rnd.choice((0, 12, 47, 48, 49, 72))
        req["subject"], req["context"] = subject, context
        if rnd.random() < 0.15:
            req["presume"] = False
        yield req
