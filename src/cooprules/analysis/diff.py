"""``cooprules diff``: which standard scenarios changed answer for one office between
two dates, before and after, and the provisions that changed it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..errors import RequestError
from ..vocabulary import Decision
from .standard import Scenario


@dataclass
class Change:
    """One scenario whose answer differs between the two dates.

    ``before``/``after`` are outcomes (vocabulary words); ``cites_before``/``cites_after``
    the provision ids each rests on; ``changed_by`` the provisions that explain the
    change (those cited on either date that came into or went out of force between the
    dates, else those cited on one date only), each as ``(id, cite, in force from, to)``;
    ``outcome_changed`` is False when only the grounds changed (same outcome, other
    provisions).
    """

    scenario: str
    title: str
    before: str
    after: str
    cites_before: list[str]
    cites_after: list[str]
    changed_by: list[tuple[str, str, str, str]] = field(default_factory=list)

    @property
    def outcome_changed(self) -> bool:
        return self.before != self.after


def _in_force(p, day: dt.date) -> bool:
    return p.effective_from <= day and (p.effective_to is None or day < p.effective_to)


def diff(engine, jurisdiction: str, scenarios: list[Scenario], start: dt.date, end: dt.date,
         entity: str | None = None) -> list[Change]:
    """Evaluate every scenario for ``jurisdiction`` (an OCD-ID) under the law of ``start``
    and of ``end``; return the scenarios whose outcome or citations differ, outcome
    changes first, in scenario order.

    ``entity`` overrides each scenario's entity. Raises :class:`RequestError` for an
    unknown jurisdiction (naming ``responder.jurisdiction``).
    """
    engine.canonical_jurisdiction(jurisdiction)
    kind = jurisdiction.rsplit("/", 1)[-1].split(":", 1)[0]
    requests = [s.request_for(jurisdiction, entity, kind) for s in scenarios]
    before = engine.evaluate_many(requests, as_of=start)
    after = engine.evaluate_many(requests, as_of=end)
    corpus = engine.corpus
    changes: list[Change] = []
    for s, b, a in zip(scenarios, before, after):
        for d in (b, a):
            if isinstance(d, RequestError):
                raise d
        assert isinstance(b, Decision) and isinstance(a, Decision)
        cb, ca = [c.id for c in b.citations], [c.id for c in a.citations]
        if b.outcome == a.outcome and set(cb) == set(ca):
            continue
        cited = list(dict.fromkeys(cb + ca))
        moved = [pid for pid in cited if pid in corpus.provisions
                 and _in_force(corpus.provisions[pid].provision, start) != _in_force(corpus.provisions[pid].provision, end)]
        if not moved:
            moved = [pid for pid in cited if (pid in cb) != (pid in ca)] or cited
        by = []
        for pid in moved:
            p = corpus.provisions[pid].provision if pid in corpus.provisions else None
            by.append((pid, p.cite if p else pid, str(p.effective_from) if p else "", str(p.effective_to or "") if p else ""))
        changes.append(Change(s.id, s.title, b.outcome.value, a.outcome.value, cb, ca, by))
    changes.sort(key=lambda c: not c.outcome_changed)
    return changes
