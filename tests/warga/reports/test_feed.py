"""The public map/feed: read from the public index, PII-free, consistent with every change."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tenants.context import government_context
from tenants.models import Government
from tests.personas import official_of
from tests.warga.reports.helpers import BANDUNG_POINT, JAKARTA_POINT, JAKARTA_VILLAGE, submit
from warga.accounts.models import User
from warga.intake.models import ReportIndex
from warga.intake.selectors import BoundingBox, reports_feed
from warga.intake.services import report_transfer, report_withdraw
from warga.reports.errors import ReportInvalid
from warga.reports.lifecycle import OPEN_STATUSES
from warga.reports.services import report_transition

LAT, LON = BANDUNG_POINT
AROUND_BANDUNG = BoundingBox(south=LAT - 0.05, west=LON - 0.05, north=LAT + 0.05, east=LON + 0.05)
# Bandung and Jakarta in one box: two governments, one query.
WEST_JAVA = BoundingBox(south=-7.0, west=106.7, north=-6.1, east=107.7)


@pytest.fixture(autouse=True)
def _generous_rate_limit(settings: Any) -> None:
    settings.WARGA_INTAKE_RATE_LIMITS = ((3600, 1000),)


def _numbers(page: Any) -> list[str]:
    return [item.tracking_number for item in page.items]


def test_feed_shows_publik_and_anonim_across_governments_and_never_rahasia(
    bandung: Government, jakarta: Government, citizen: User
) -> None:
    publik = submit(citizen, privacy="publik").tracking_number
    anonim = submit(citizen, privacy="anonim").tracking_number
    submit(citizen, privacy="rahasia")
    jakarta_number = submit(
        citizen, village_code=JAKARTA_VILLAGE, latitude=JAKARTA_POINT[0], longitude=JAKARTA_POINT[1]
    ).tracking_number

    page = reports_feed(bbox=WEST_JAVA)

    assert _numbers(page) == [jakarta_number, anonim, publik]
    assert page.next_cursor is None
    first = page.items[-1]
    assert (first.government_code, first.type, first.category_code, first.privacy, first.status) == (
        "32.73",
        "pengaduan",
        "jalan_rusak",
        "publik",
        "received",
    )
    assert (first.latitude, first.longitude) == BANDUNG_POINT
    text = repr(page)
    for personal in ("Rahmat", str(citizen.pk), "rahmat@"):
        assert personal not in text
    assert "berlubang" not in text  # the description stays in the report's own page


def test_rahasia_reports_have_no_location_in_the_index_and_never_appear(bandung: Government, citizen: User) -> None:
    number = submit(citizen, privacy="rahasia").tracking_number
    row = ReportIndex.objects.get(tracking_number=number)
    assert (row.latitude, row.longitude, row.privacy, row.status) == (None, None, "rahasia", "received")
    every_status = ["received", "verified", "in_progress", "resolved", "closed", "deferred", "archived"]
    assert reports_feed(bbox=AROUND_BANDUNG, statuses=every_status).items == ()


def test_status_filter_defaults_to_open_and_follows_every_change(bandung: Government, citizen: User) -> None:
    official = official_of(bandung)
    kept = submit(citizen).tracking_number
    archived = submit(citizen).tracking_number
    withdrawn = submit(citizen).tracking_number
    with government_context(bandung):
        report_transition(acting_user=official, tracking_number=archived, to_status="archived", note="Laporan ganda.")
    report_withdraw(acting_user=citizen, tracking_number=withdrawn)

    assert _numbers(reports_feed(bbox=AROUND_BANDUNG)) == [kept]
    # A withdrawn report is its reporter's alone: never on the map, even when asked for.
    assert _numbers(reports_feed(bbox=AROUND_BANDUNG, statuses=["archived", "withdrawn"])) == [archived]
    with government_context(bandung):
        report_transition(acting_user=official, tracking_number=kept, to_status="verified")
    assert [(i.tracking_number, i.status) for i in reports_feed(bbox=AROUND_BANDUNG).items] == [(kept, "verified")]


def test_since_keeps_only_recent_reports(bandung: Government, citizen: User) -> None:
    old = submit(citizen).tracking_number
    ReportIndex.objects.filter(tracking_number=old).update(created_at=timezone.now() - timedelta(days=40))
    recent = submit(citizen).tracking_number
    assert _numbers(reports_feed(bbox=AROUND_BANDUNG, since=timezone.now() - timedelta(days=30))) == [recent]


def test_bbox_edges_are_inclusive_and_a_point_just_outside_is_not_in(bandung: Government, citizen: User) -> None:
    number = submit(citizen).tracking_number
    on_the_corner = BoundingBox(south=LAT, west=LON, north=LAT + 0.01, east=LON + 0.01)
    just_outside = BoundingBox(south=LAT + 1e-6, west=LON, north=LAT + 0.01, east=LON + 0.01)
    on_the_other_corner = BoundingBox(south=LAT - 0.01, west=LON - 0.01, north=LAT, east=LON)
    assert _numbers(reports_feed(bbox=on_the_corner)) == [number]
    assert _numbers(reports_feed(bbox=on_the_other_corner)) == [number]
    assert _numbers(reports_feed(bbox=just_outside)) == []


@pytest.mark.parametrize(
    ("bbox", "message"),
    [
        (BoundingBox(-6.8, 107.5, -6.9, 107.6), "Urutan bbox adalah selatan,barat,utara,timur"),
        (BoundingBox(-6.9, 107.6, -6.8, 107.5), "Urutan bbox adalah selatan,barat,utara,timur"),
        (BoundingBox(-95.0, 107.5, -6.8, 107.6), "Lintang bbox (selatan, utara) harus di antara -90 dan 90."),
        (BoundingBox(-6.9, 107.5, -6.8, 190.0), "Bujur bbox (barat, timur) harus di antara -180 dan 180."),
        (BoundingBox(-9.0, 105.0, -6.0, 107.6), "Area bbox terlalu luas: paling besar 2 derajat per sisi."),
        (BoundingBox(float("nan"), 107.5, -6.8, 107.6), "Koordinat bbox harus berupa angka."),
    ],
)
def test_bad_or_too_large_bbox_is_refused_with_the_reason(bbox: BoundingBox, message: str) -> None:
    with pytest.raises(ReportInvalid) as invalid:
        reports_feed(bbox=bbox)
    (error,) = invalid.value.errors["bbox"]
    assert error.code == "invalid_bbox"
    assert error.message.startswith(message)


def test_unknown_status_and_foreign_cursor_are_refused(db: None) -> None:
    with pytest.raises(ReportInvalid) as invalid:
        reports_feed(bbox=AROUND_BANDUNG, statuses=["open", "received"])
    assert invalid.value.errors["status"][0].message.startswith("Status tidak dikenal: open.")
    with pytest.raises(ReportInvalid) as invalid:
        reports_feed(bbox=AROUND_BANDUNG, cursor="bukan-kursor")
    assert invalid.value.errors["cursor"][0].code == "invalid"


def test_pages_are_stable_while_new_reports_arrive(bandung: Government, citizen: User) -> None:
    numbers = [submit(citizen).tracking_number for _ in range(7)]
    newest_first = numbers[::-1]

    first = reports_feed(bbox=AROUND_BANDUNG, limit=3)
    arrived_meanwhile = submit(citizen).tracking_number
    second = reports_feed(bbox=AROUND_BANDUNG, limit=3, cursor=first.next_cursor)
    third = reports_feed(bbox=AROUND_BANDUNG, limit=3, cursor=second.next_cursor)

    assert _numbers(first) == newest_first[:3]
    assert _numbers(second) == newest_first[3:6]
    assert _numbers(third) == newest_first[6:]
    assert third.next_cursor is None
    assert _numbers(reports_feed(bbox=AROUND_BANDUNG, limit=1)) == [arrived_meanwhile]


def test_reports_with_the_same_time_are_neither_skipped_nor_repeated(bandung: Government, citizen: User) -> None:
    numbers = [submit(citizen).tracking_number for _ in range(5)]
    ReportIndex.objects.update(created_at=timezone.now())
    seen: list[str] = []
    cursor = None
    while True:
        page = reports_feed(bbox=AROUND_BANDUNG, limit=2, cursor=cursor)
        seen += _numbers(page)
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert sorted(seen) == sorted(numbers)
    assert len(seen) == 5


def test_one_query_per_page_whatever_its_size_and_the_governments_in_it(
    bandung: Government, jakarta: Government, citizen: User
) -> None:
    for _ in range(6):
        submit(citizen)
        submit(citizen, village_code=JAKARTA_VILLAGE, latitude=JAKARTA_POINT[0], longitude=JAKARTA_POINT[1])
    sizes = {}
    for limit in (1, 12):
        with CaptureQueriesContext(connection) as queries:
            page = reports_feed(bbox=WEST_JAVA, limit=limit)
        # A submission commits in its owner's schema; the switch back to public is the next
        # statement's, whichever it is (a request starts with one anyway).
        reads = [
            q for q in queries.captured_queries if not q["sql"].startswith(("SET search_path", "SET LOCAL search_path"))
        ]
        sizes[limit] = (len(page.items), len(reads))
    assert sizes == {1: (1, 1), 12: (12, 1)}


@pytest.mark.parametrize(
    ("statuses", "indexes"),
    [
        # Open reports may use either map index: which is cheaper depends on the table's
        # statistics, which other tests' rows move; closed ones only the full one.
        (sorted(OPEN_STATUSES), {"report_index_map_open", "report_index_map"}),
        (["archived", "resolved"], {"report_index_map"}),
    ],
)
def test_the_bbox_query_uses_a_map_index(
    bandung: Government, citizen: User, statuses: list[str], indexes: set[str]
) -> None:
    submit(citizen)
    # The feed's own filter, as reports_feed builds it.
    rows = ReportIndex.objects.filter(
        latitude__range=(AROUND_BANDUNG.south, AROUND_BANDUNG.north),
        longitude__range=(AROUND_BANDUNG.west, AROUND_BANDUNG.east),
        status__in=statuses,
    ).exclude(privacy="rahasia")
    with connection.cursor() as cursor:
        # Fresh statistics: rows other tests committed and deleted in this session otherwise
        # leave the planner estimating from a table that no longer exists, and the choice
        # between the two map indexes flips with test order.
        cursor.execute("ANALYZE intake_report_index")
        # A handful of rows would be read sequentially; at scale the planner picks the index.
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = rows.explain()
    used = re.findall(r"(?:Index|Bitmap Index) Scan using (\w+) on", plan)
    assert len(used) == 1
    assert used[0] in indexes, plan


def test_a_transfer_keeps_the_feed_row_consistent(bandung: Government, jakarta: Government, citizen: User) -> None:
    official = official_of(bandung)
    number = submit(citizen).tracking_number
    with government_context(bandung):
        report_transition(acting_user=official, tracking_number=number, to_status="verified")
    assert [(i.government_code, i.status) for i in reports_feed(bbox=AROUND_BANDUNG).items] == [("32.73", "verified")]

    report_transfer(
        acting_user=official,
        tracking_number=number,
        from_government=bandung,
        to_government_code="31",
        note="Lokasi ini wewenang DKI.",
    )
    (item,) = reports_feed(bbox=AROUND_BANDUNG).items
    assert (item.tracking_number, item.government_code, item.status) == (number, "31", "received")
    assert (item.latitude, item.longitude) == BANDUNG_POINT
    row = ReportIndex.objects.get(tracking_number=number)
    assert row.government_id == jakarta.pk
