"""Random requests in the vocabulary, for equivalence tests and benchmarks: every
jurisdiction kind the corpus encodes, every action, instrument and fact, with some
facts left out (so that answers can be ``conditional``)."""

from __future__ import annotations

import random
from typing import Any

from ..vocabulary import (
    Action, Agreement287g, Entity, InfoType, Instrument, Location, OffenceCategory, Purpose, Requester, Role,
)


def random_requests(engine, count: int, seed: int = 0, jurisdictions: list[str] | None = None) -> list[dict[str, Any]]:
    """``count`` random valid requests (dicts), reproducible from ``seed``.

    Jurisdictions are drawn from ``jurisdictions`` (default: every government with a
    corpus folder, plus 200 counties without one). Each optional fact is left out with
    probability 0.15. No ``context.date`` is set: pass ``as_of``.
    """
    rng = random.Random(seed)
    if jurisdictions is None:
        encoded = sorted(j for j in engine.corpus.folders if j in engine.registry)
        counties = sorted(engine.registry.ids("county"))
        jurisdictions = encoded + rng.sample(counties, min(200, len(counties)))

    def maybe(value: Any) -> Any:
        return None if rng.random() < 0.15 else value

    out = []
    for _ in range(count):
        action = rng.choice(list(Action))
        req: dict[str, Any] = {
            "responder": {"jurisdiction": rng.choice(jurisdictions), "entity": rng.choice(list(Entity)).value},
            "requester": rng.choice(list(Requester)).value, "action": action.value,
            "instrument": rng.choice(list(Instrument)).value,
        }
        if rng.random() < 0.5:
            req["responder"]["agreement_287g"] = rng.choice(list(Agreement287g)).value
        if action is Action.information_sharing:
            req["info_type"] = rng.choice(list(InfoType)).value
        if rng.random() < 0.2:
            # an attachment is a paper: "none" is not one (a flat row cannot carry it either)
            req["attachments"] = [rng.choice([i for i in Instrument if i is not Instrument.none]).value]
        convictions = [{"category": rng.choice(list(OffenceCategory)).value, "years_ago": rng.choice([1, 3, 6, 16, 25])}
                       for _ in range(rng.choice([0, 0, 1, 2]))]
        subject = {
            "role": maybe(rng.choice(list(Role)).value), "minor": maybe(rng.random() < 0.2),
            "convictions": maybe(convictions), "registered_sex_offender": maybe(rng.random() < 0.1),
            "federal_felony_warrant": maybe(rng.random() < 0.1), "final_removal_order": maybe(rng.random() < 0.2),
            "previously_removed": maybe(rng.random() < 0.2), "consent_given": maybe(rng.random() < 0.3),
            "pending_charge": maybe(rng.choice(["none", {"category": rng.choice(list(OffenceCategory)).value,
                                                         "probable_cause_determined": rng.random() < 0.5}])),
        }
        context = {
            "location": maybe(rng.choice(list(Location)).value), "purpose": maybe(rng.choice(list(Purpose)).value),
            "info_publicly_available": maybe(rng.random() < 0.2), "exigent_circumstances": maybe(rng.random() < 0.1),
            "hours_held_past_release": maybe(rng.choice([0, 12, 47, 49, 72])),
        }
        req["subject"] = {k: v for k, v in subject.items() if v is not None}
        req["context"] = {k: v for k, v in context.items() if v is not None}
        out.append(req)
    return out
