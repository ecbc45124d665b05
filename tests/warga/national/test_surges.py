"""Surge detection on generated facts: a planted flood in one kecamatan is flagged, steady
volume elsewhere is not; the periodic task records it once and tells the overseers once."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from config.celery import app as celery_app
from tenants.context import government_context
from tenants.models import Government
from tests.factories import UserFactory
from tests.personas import membership_in
from warga.accounts.models import User
from warga.national.models import ReportFact, SurgeFlag
from warga.national.selectors import NationalScope, dashboard_surges, surge_flags_open
from warga.national.services import national_day, rollup_recompute, surge_link, surges_flag
from warga.notifications.models import Channel, EventKind, Notification

TODAY = date(2026, 11, 20)
WIB = ZoneInfo("Asia/Jakarta")


def _facts(district: str, category: str, day: date, count: int, start: int) -> list[ReportFact]:
    moment = datetime.combine(day, time(10), tzinfo=WIB)
    return [
        ReportFact(
            tracking_number=f"{district[:5]}-2026-{start + n:06d}",
            owner_code=district[:5],
            owner_since=moment,
            province_code=district[:2],
            regency_code=district[:5],
            district_code=district,
            village_code=f"{district}.1001",
            category_code=category,
            type="pengaduan",
            privacy="publik",
            status="received",
            is_open=True,
            created_at=moment,
            created_day=national_day(moment),
            last_event_at=moment,
            applied_at=moment,
        )
        for n in range(count)
    ]


def test_a_planted_flood_in_one_kecamatan_is_flagged(db: None) -> None:
    facts: list[ReportFact] = []
    serial = 0
    # Four weeks of steady volume: 2 banjir a day in Sukasari (Bandung), 3 sampah a day in Gambir (Jakarta).
    for back in range(1, 29):
        day = TODAY - timedelta(days=back)
        facts += _facts("32.73.01", "banjir", day, 2, serial)
        serial += 2
        facts += _facts("31.71.01", "sampah", day, 3, serial)
        serial += 3
    # Today: the flood (24 banjir in Sukasari), Gambir as usual, and a quiet kecamatan with 4.
    facts += _facts("32.73.01", "banjir", TODAY, 24, serial)
    facts += _facts("31.71.01", "sampah", TODAY, 3, serial + 24)
    facts += _facts("32.73.02", "jalan_rusak", TODAY, 4, serial + 27)
    ReportFact.objects.bulk_create(facts)
    rollup_recompute(cells={(fact.created_day, fact.province_code) for fact in facts})

    assert dashboard_surges(scope=NationalScope(), end=TODAY) == [
        {"district_code": "32.73.01", "name": "Sukasari", "category_code": "banjir", "recent": 24, "expected": 2.0}
    ]
    # Jakarta's overseers see their own province only, where nothing surged.
    assert dashboard_surges(scope=NationalScope(province_code="31"), end=TODAY) == []
    # The day before, nothing stood out.
    assert dashboard_surges(scope=NationalScope(), end=TODAY - timedelta(days=1)) == []


def _notifications(government: Government) -> list[tuple[object, str, str]]:
    with government_context(government):
        return sorted(
            (row.recipient_id, row.kind, row.channel)
            for row in Notification.objects.filter(kind=EventKind.SURGE_DETECTED, channel=Channel.IN_APP)
        )


def _seat(government: Government, kind: str) -> User:
    user = UserFactory()
    membership_in(government, user, kind=kind)
    return user


def _plant_flood_in_gambir(today: date) -> None:
    """Four calm weeks everywhere, then a flood of banjir reports in Gambir (Jakarta) today."""
    facts: list[ReportFact] = []
    serial = 0
    for back in range(1, 29):
        day = today - timedelta(days=back)
        facts += _facts("31.71.01", "banjir", day, 1, serial)
        facts += _facts("32.73.01", "sampah", day, 3, serial + 1)
        serial += 4
    facts += _facts("31.71.01", "banjir", today, 15, serial)
    facts += _facts("32.73.01", "sampah", today, 3, serial + 15)
    ReportFact.objects.bulk_create(facts)
    rollup_recompute(cells={(fact.created_day, fact.province_code) for fact in facts})


def test_the_surge_task_flags_a_planted_surge_once_and_tells_each_overseer_once(
    national: Government, jakarta: Government, bandung: Government
) -> None:
    overseers = sorted([_seat(national, "pengawas_nasional").pk, _seat(national, "admin_koordinator").pk])
    gubernur = _seat(jakarta, "gubernur")
    _seat(jakarta, "lurah")  # not a province leader: told nothing
    bandung_admin = _seat(bandung, "admin_koordinator")  # another province: told nothing
    _plant_flood_in_gambir(TODAY)

    run = surges_flag(today=TODAY)

    (flag,) = SurgeFlag.objects.all()
    assert run.flagged == [flag]
    assert (flag.level, flag.region_code, flag.province_code, flag.category_code) == (
        "district",
        "31.71.01",
        "31",
        "banjir",
    )
    assert (flag.first_day, flag.last_day, flag.recent, flag.expected, flag.resolved_at) == (
        TODAY,
        TODAY,
        15,
        1.0,
        None,
    )
    assert _notifications(national) == [(pk, "surge_detected", "in_app") for pk in overseers]
    assert _notifications(jakarta) == [(gubernur.pk, "surge_detected", "in_app")]
    assert _notifications(bandung) == []
    with government_context(national):
        context = Notification.objects.filter(kind=EventKind.SURGE_DETECTED).first().context  # type: ignore[union-attr]
    assert context == {
        "district_code": "31.71.01",
        "district_name": "Gambir",
        "province_code": "31",
        "category_code": "banjir",
        "recent": 15,
        "expected": 1.0,
        "day": TODAY.isoformat(),
        # The flag's row on the surges page of the national host; the gubernur's on Jakarta's.
        "link": f"http://nasional.localhost/pantauan/lonjakan/#lonjakan-{flag.pk}",
    }
    with government_context(jakarta):
        province_context = Notification.objects.get(kind=EventKind.SURGE_DETECTED, channel=Channel.IN_APP).context
    assert province_context["link"] == f"http://dki-jakarta.localhost/pantauan/lonjakan/#lonjakan-{flag.pk}"
    assert run.notified == 3
    assert bandung_admin.pk not in [pk for pk, _, _ in _notifications(national)]

    # Running again, the same day or the next (yesterday's surge keeps its flag), changes nothing.
    for today in (TODAY, TODAY + timedelta(days=1)):
        again = surges_flag(today=today)
        assert (again.flagged, again.notified, again.resolved) == ([], 0, 0)
    assert list(SurgeFlag.objects.values_list("id", "resolved_at")) == [(flag.pk, None)]
    assert len(_notifications(national)) == 2
    assert len(_notifications(jakarta)) == 1
    # A second calm day ends the episode.
    assert surges_flag(today=TODAY + timedelta(days=2)).resolved == 1
    flag.refresh_from_db()
    assert flag.resolved_at is not None


def test_the_dashboard_selector_lists_open_flags_within_the_scope(national: Government) -> None:
    _plant_flood_in_gambir(TODAY)
    surges_flag(today=TODAY)
    (flag,) = surge_flags_open(scope=NationalScope())
    assert (flag["region_code"], flag["name"], flag["category_code"], flag["recent"]) == (
        "31.71.01",
        "Gambir",
        "banjir",
        15,
    )
    assert [f["region_code"] for f in surge_flags_open(scope=NationalScope(province_code="31"))] == ["31.71.01"]
    assert surge_flags_open(scope=NationalScope(province_code="32")) == []


def test_the_surge_link_carries_the_development_servers_port(national: Government, settings: Any) -> None:
    """A task has no request to read the port from: the link takes WARGA_LINK_PORT
    (`deploy/dev.py run` sets it to the server's port), and none when it is 0."""
    settings.WARGA_LINK_PORT = 8000
    assert surge_link(government=national, flag_id=7) == "http://nasional.localhost:8000/pantauan/lonjakan/#lonjakan-7"
    settings.WARGA_LINK_PORT = 0
    assert surge_link(government=national, flag_id=7) == "http://nasional.localhost/pantauan/lonjakan/#lonjakan-7"


def test_the_surge_task_refuses_to_run_inside_a_government(bandung: Government) -> None:
    with government_context(bandung), pytest.raises(RuntimeError, match="runs in the public schema"):
        surges_flag(today=TODAY)
    assert not SurgeFlag.objects.exists()


def test_beat_sends_the_surge_task_once_for_the_whole_country(settings: Any) -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["national-surges"]
    # Straight to the task (it runs in public), not through the per-government dispatcher.
    assert (entry["task"], entry.get("kwargs")) == ("national.surges_flag", None)
    assert entry["schedule"] >= 60
    # As a worker does at start: the task modules of every app, whatever other tests imported.
    celery_app.loader.import_default_modules()
    assert "national.surges_flag" in celery_app.tasks
