"""Requests a county sheriff's jail receives, as a clerk would enter them (vocabulary
words only), for filling a test ledger. Every fact here is one a clerk has on the paper."""

from __future__ import annotations

import datetime as dt
import random

SD = "ocd-division/country:us/state:ca/county:san_diego"
SD_OFFICE = f"{SD}:sheriff"
LA = "ocd-division/country:us/state:ca/county:los_angeles"
LA_OFFICE = f"{LA}:sheriff"


def request(kind: str, jurisdiction: str = SD) -> dict:
    """One request of ``kind``: detainer, notification, transfer, interview, release_date."""
    base = {"responder": {"jurisdiction": jurisdiction, "entity": "sheriff"}, "requester": "ice_ero"}
    if kind == "detainer":
        return {**base, "action": "detainer_hold", "instrument": "detainer_request",
                "attachments": ["administrative_warrant_arrest"],
                "subject": {"role": "in_custody", "convictions": [], "pending_charge": "none"}}
    if kind == "notification":
        return {**base, "action": "release_notification", "instrument": "notification_request",
                "subject": {"role": "in_custody", "convictions": [{"category": "serious_felony", "years_ago": 3}]}}
    if kind == "transfer":
        return {**base, "action": "custody_transfer", "instrument": "transfer_request",
                "subject": {"role": "in_custody", "convictions": [{"category": "violent_felony", "years_ago": 2}]}}
    if kind == "interview":
        return {**base, "action": "interview_access", "instrument": "written_request",
                "subject": {"role": "in_custody", "consent_given": True}}
    if kind == "release_date":
        return {**base, "action": "information_sharing", "info_type": "release_date", "instrument": "written_request",
                "subject": {"role": "in_custody", "convictions": []}}
    raise ValueError(kind)


KINDS = ("detainer", "notification", "transfer", "interview", "release_date")


def year_of_entries(year: int, n: int, seed: int = 7, jurisdiction: str = SD):
    """``n`` entries spread over ``year``: ``[(received_at, entry)]``. Dispositions
    follow the answer: a prohibited request is declined, others complied with."""
    rnd = random.Random(seed)
    out = []
    for _ in range(n):
        kind = rnd.choices(KINDS, weights=(6, 8, 2, 1, 2))[0]
        day = dt.date(year, 1, 1) + dt.timedelta(days=rnd.randrange(365))
        at = dt.datetime.combine(day, dt.time(rnd.randrange(24), rnd.randrange(60)), dt.timezone.utc)
        out.append((at, {"request": request(kind, jurisdiction)}))
    return out
