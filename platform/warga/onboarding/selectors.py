"""Reads for joining: the governments a representative can choose from, and requests."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from django.db.models import Q

from tenants.models import Government, Level
from tenants.scope import public_scoped
from warga.onboarding.models import HOLDING_STATUSES, JoinRequest
from warga.onboarding.services import PROVINCES_WITHOUT_AUTONOMOUS_REGENCIES, ProvisioningError, plan_for_codes
from warga.regions.models import Province, Regency

CANDIDATES_MAX = 20


@dataclass(frozen=True)
class JoinCandidate:
    code: str
    name: str
    level: Level
    province_name: str
    # "open" (may ask), "member" (uses Warga), "requested" (a request is being handled)
    state: str


@public_scoped
def join_candidates(*, query: str, limit: int = CANDIDATES_MAX) -> list[JoinCandidate]:
    """Provinces and autonomous regencies/cities whose name or code matches `query` (part of
    a word is enough: `bandung`, `32.73`, `sabang`), each with whether it can still ask to
    join. Provinces first, then by code; at most `limit`."""
    text = " ".join((query or "").split())[:100]
    if len(text) < 2:
        return []
    words = [word for word in text.replace("Kab.", "Kabupaten").split(" ") if word]
    provinces = Province.objects.all()
    regencies = Regency.objects.exclude(province_id__in=PROVINCES_WITHOUT_AUTONOMOUS_REGENCIES)
    for word in words:
        provinces = provinces.filter(Q(name__icontains=word) | Q(code__startswith=word))
        regencies = regencies.filter(Q(name__icontains=word) | Q(code__startswith=word))
    codes = list(provinces.order_by("code").values_list("code", flat=True)[:limit])
    codes += list(regencies.order_by("code").values_list("code", flat=True)[: limit - len(codes)])
    if not codes:
        return []
    return _candidates(codes=codes)


def _candidates(*, codes: list[str]) -> list[JoinCandidate]:
    plans = plan_for_codes(codes=codes)
    members = set(Government.objects.filter(code__in=codes).values_list("code", flat=True))
    requested = set(
        JoinRequest.objects.filter(region_code__in=codes, status__in=HOLDING_STATUSES).values_list(
            "region_code", flat=True
        )
    )
    province_names = dict(Province.objects.filter(code__in={code[:2] for code in codes}).values_list("code", "name"))
    return [
        JoinCandidate(
            code=plan.code or "",
            name=plan.name,
            level=plan.level,
            province_name=province_names.get((plan.code or "")[:2], ""),
            state="member" if plan.code in members else "requested" if plan.code in requested else "open",
        )
        for plan in plans
    ]


@public_scoped
def join_target(*, region_code: str) -> JoinCandidate | None:
    """The government a representative chose by its code; None when the code is not a
    province or an autonomous regency/city of the reference data."""
    code = (region_code or "").strip()
    if not re.fullmatch(r"\d{2}(\.\d{2})?", code):
        return None
    try:
        (found,) = _candidates(codes=[code])
    except ProvisioningError:
        return None
    return found


@public_scoped
def join_request_by_public_id(*, public_id: str) -> JoinRequest | None:
    """The request behind a status link; None for an id that is malformed or unknown."""
    try:
        parsed = uuid.UUID(str(public_id))
    except ValueError:
        return None
    return JoinRequest.objects.filter(public_id=parsed).first()
