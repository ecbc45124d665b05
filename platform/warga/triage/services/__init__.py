"""Writes of the national triage desk, by use case: the desk's own moves (`desk`: hold,
release, assign) and the offers to governments that become ready (`offers`)."""

from warga.triage.services.desk import (
    TERRITORIAL_LEVELS,
    TriageDeskUnavailable,
    triage_assign,
    triage_desk,
    triage_hold,
    triage_release,
)
from warga.triage.services.offers import (
    OFFER_NOTICE_MAX_NUMBERS,
    OFFERS_PAGE_PATH,
    OfferNotFound,
    offer_accept,
    offer_decline,
    offers_for_government,
    offers_queue_for,
    offers_remind,
)

__all__ = [
    "OFFERS_PAGE_PATH",
    "OFFER_NOTICE_MAX_NUMBERS",
    "TERRITORIAL_LEVELS",
    "OfferNotFound",
    "TriageDeskUnavailable",
    "offer_accept",
    "offer_decline",
    "offers_for_government",
    "offers_queue_for",
    "offers_remind",
    "triage_assign",
    "triage_desk",
    "triage_hold",
    "triage_release",
]
