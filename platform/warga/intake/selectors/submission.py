"""What the report wizard and the submission API read before a report is sent: the
government that owns a village, the villages around a point, and the open reports the
citizen could support instead."""

from __future__ import annotations

from tenants.context import government_context
from tenants.models import Government, Level
from tenants.scope import any_scope, public_scoped
from warga.accounts.models import User
from warga.intake.models import ReportIndex
from warga.intake.reporters import index_rows_of
from warga.regions.models import Village
from warga.regions.selectors import VillageMatch, village_search, villages_by_codes
from warga.reports.selectors import NearbyReport, reports_by_ids, reports_open_nearby


@any_scope
def owner_for_village(*, regency_code: str, province_code: str) -> Government | None:
    """The government that owns reports from a village: its regency/city when ready, else its
    province when ready, else the national triage desk (None when even that is not ready)."""
    candidates = {
        government.code: government
        for government in Government.objects.filter(code__in=[regency_code, province_code], is_ready=True)
    }
    owner = candidates.get(regency_code) or candidates.get(province_code)
    if owner is not None:
        return owner
    return Government.objects.filter(level=Level.NATIONAL, is_ready=True).first()


NEAR_POINT_DEGREES = 0.01  # about 1.1 km of latitude


@any_scope
def village_codes_near_point(*, latitude: float, longitude: float, limit: int = 3) -> list[str]:
    """The villages of earlier reports around a point, most reported first: what a citizen
    dropping a pin there most likely means. Only non-rahasia reports (the index keeps no point
    for rahasia ones); one query on the index, then one per owning schema (usually one)."""
    box = ReportIndex.objects.filter(
        latitude__range=(latitude - NEAR_POINT_DEGREES, latitude + NEAR_POINT_DEGREES),
        longitude__range=(longitude - NEAR_POINT_DEGREES, longitude + NEAR_POINT_DEGREES),
    ).order_by("-created_at")
    by_government: dict[int, list[int]] = {}
    governments: dict[int, Government] = {}
    for entry in box.select_related("government")[:50]:
        governments[entry.government_id] = entry.government
        by_government.setdefault(entry.government_id, []).append(entry.report_id)
    tally: dict[str, int] = {}
    for government_id, report_ids in by_government.items():
        with government_context(governments[government_id]):
            for code in reports_by_ids(report_ids=report_ids).values_list("village_code", flat=True):
                tally[code] = tally.get(code, 0) + 1
    return [code for code, _ in sorted(tally.items(), key=lambda item: (-item[1], item[0]))[:limit]]


@any_scope
def villages_offered(
    *, query: str, limit: int, within: str | None = None, point: tuple[float, float] | None = None
) -> list[tuple[VillageMatch, bool]]:
    """Villages matching `query` (the `village_search` selector), those of earlier reports near
    `point` first; each with whether it is one of those near ones."""
    matches = village_search(query=query, limit=limit, within_code=within)
    if point is None:
        return [(match, False) for match in matches]
    text = query.strip().lower()
    near = [
        match
        for match in villages_by_codes(codes=village_codes_near_point(latitude=point[0], longitude=point[1]))
        if text in match.name.lower() and (not within or match.code.startswith(within))
    ]
    near_codes = {match.code for match in near}
    rest = [match for match in matches if match.code not in near_codes][: max(0, limit - len(near))]
    return [(match, True) for match in near] + [(match, False) for match in rest]


@public_scoped
def index_for_idempotency_key(*, reporter: User, idempotency_key: str) -> ReportIndex | None:
    return (
        ReportIndex.objects.select_related("government")
        .filter(index_rows_of(reporter.pk), idempotency_key=idempotency_key)
        .first()
    )


@public_scoped
def reports_similar_before_submit(
    *, village_code: str, category_code: str, latitude: float, longitude: float, description: str
) -> list[NearbyReport]:
    """What the citizen could support instead of submitting: similar open reports nearby,
    looked up in the one schema the new report would land in. Empty when the village is
    unknown or nothing resembles it."""
    village = Village.objects.select_related("district").filter(code=village_code).first()
    if village is None or not description.strip():
        return []
    owner = owner_for_village(regency_code=village.district.regency_id, province_code=village.district.regency_id[:2])
    if owner is None:
        return []
    with government_context(owner):
        return reports_open_nearby(
            category_code=category_code, latitude=latitude, longitude=longitude, text=description.strip()
        )


# --- The public map/feed ----------------------------------------------------------------------
# Read from the public index alone (docs/decisions/0010-public-map-feed.md): one query per page
