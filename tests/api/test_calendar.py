"""The calendar admin API on government hosts: read, add/remove days, set SLA targets, across two governments."""

from __future__ import annotations

import datetime

import pytest

from tenants.context import government_context
from tenants.models import Government
from tests.api.helpers import signed_in_client
from tests.factories import UserFactory
from tests.personas import seated_official
from tests.warga.reports.helpers import submit
from warga.accounts.models import User
from warga.organization.models import Membership, Position, PositionKind
from warga.reports.models import Report
from warga.routing.models import ReportRouting
from warga.workcalendar.models import CalendarAuditEvent, DayOff, DayWorked, SlaTarget
from warga.workcalendar.selectors import sla_target_for, working_calendar_for

BANDUNG_HOST = "kota-bandung.localhost"
PUBLIC_HOST = "localhost"


@pytest.fixture
def admin(bandung: Government) -> User:
    return seated_official(bandung, kind=PositionKind.ADMIN_KOORDINATOR)


def _calendar_rows(
    government: Government,
) -> tuple[int, int, list[tuple[str | None, str, int | None, int | None]], int]:
    with government_context(government):
        return (
            DayOff.objects.count(),
            DayWorked.objects.count(),
            sorted(
                SlaTarget.objects.values_list("category_code", "step", "working_days", "working_minutes"),
                key=lambda row: (row[0] or "", row[1]),
            ),
            CalendarAuditEvent.objects.count(),
        )


def test_reading_the_calendar_of_a_year(bandung: Government, admin: User) -> None:
    with government_context(bandung):
        DayOff.objects.create(date=datetime.date(2026, 4, 1), name="Hari Jadi Kota Bandung", kind="local_holiday")
        DayOff.objects.create(date=datetime.date(2025, 4, 1), name="Tahun lalu", kind="local_holiday")
    response = signed_in_client(admin).get("/api/v1/calendar/?year=2026", HTTP_HOST=BANDUNG_HOST)
    assert response.status_code == 200, response.json()
    data = response.json()
    assert (data["time_zone"], data["year"]) == ("Asia/Jakarta", 2026)
    assert data["office_hours"][0] == {"weekday": 0, "day": "Senin", "opens_at": "07:30", "closes_at": "16:00"}
    assert data["office_hours"][4] == {"weekday": 4, "day": "Jumat", "opens_at": "07:30", "closes_at": "16:30"}
    national = {row["date"]: row["name"] for row in data["national_days_off"]}
    assert "2026-01-01" in national
    assert "2026-08-17" in national
    assert all(day.startswith("2026-") for day in national)
    assert [(d["date"], d["name"], d["kind"]) for d in data["days_off"]] == [
        ("2026-04-01", "Hari Jadi Kota Bandung", "local_holiday")
    ]
    assert data["days_worked"] == []
    assert data["sla_targets"] == [
        {"category_code": None, "step": "follow_up", "working_days": 5, "working_minutes": None},
        {"category_code": None, "step": "verify", "working_days": 3, "working_minutes": None},
    ]


def test_admin_adds_and_removes_days_and_sets_a_target_each_audited(bandung: Government, admin: User) -> None:
    client = signed_in_client(admin)
    added = client.post(
        "/api/v1/calendar/days-off/",
        {"date": "2026-09-25", "name": "Hari Jadi Kota Bandung", "kind": "local_holiday", "source": "Perda 1/2026"},
        content_type="application/json",
        HTTP_HOST=BANDUNG_HOST,
    )
    assert added.status_code == 201, added.json()
    day_off_id = added.json()["id"]
    worked = client.post(
        "/api/v1/calendar/days-worked/",
        {"date": "2026-12-19", "reason": "Pengganti cuti bersama", "source": "SE Wali Kota"},
        content_type="application/json",
        HTTP_HOST=BANDUNG_HOST,
    )
    assert worked.status_code == 201, worked.json()
    # 19 December 2026 is a Saturday: it takes Monday's hours.
    assert (worked.json()["opens_at"], worked.json()["closes_at"]) == ("07:30", "16:00")
    target = client.put(
        "/api/v1/calendar/sla-targets/",
        {"category_code": "banjir", "step": "follow_up", "working_minutes": 360},
        content_type="application/json",
        HTTP_HOST=BANDUNG_HOST,
    )
    assert target.status_code == 200, target.json()
    assert target.json() == {
        "category_code": "banjir",
        "step": "follow_up",
        "working_days": None,
        "working_minutes": 360,
    }
    with government_context(bandung):
        calendar = working_calendar_for(government=bandung)
        assert calendar.day_off_name(datetime.date(2026, 9, 25)) == "Hari Jadi Kota Bandung"
        assert calendar.is_working_day(datetime.date(2026, 12, 19))
    removed = client.delete(f"/api/v1/calendar/days-off/{day_off_id}/", HTTP_HOST=BANDUNG_HOST)
    assert removed.status_code == 204
    assert client.delete(f"/api/v1/calendar/days-off/{day_off_id}/", HTTP_HOST=BANDUNG_HOST).status_code == 404
    with government_context(bandung):
        assert not DayOff.objects.exists()
        trail = list(CalendarAuditEvent.objects.order_by("id").values_list("kind", "actor_id"))
        assert trail == [
            ("day_off.added", admin.pk),
            ("day_worked.added", admin.pk),
            ("sla_target.set", admin.pk),
            ("day_off.removed", admin.pk),
        ]
        sla = CalendarAuditEvent.objects.get(kind="sla_target.set")
        assert sla.detail == {
            "category_code": "banjir",
            "step": "follow_up",
            "before": None,
            "after": {"working_days": None, "working_minutes": 360},
        }


@pytest.mark.parametrize(
    ("path", "payload", "field", "message"),
    [
        (
            "/api/v1/calendar/days-off/",
            {"date": "2026-09-25", "name": "Libur", "kind": "national_holiday"},
            "kind",
            "",
        ),
        ("/api/v1/calendar/days-off/", {"date": "25-09-2026", "name": "Libur", "kind": "decree"}, "date", ""),
        (
            "/api/v1/calendar/days-worked/",
            {"date": "2026-12-19", "reason": "Pengganti", "opens_at": "16:00", "closes_at": "08:00"},
            "date",
            "Jam tutup (08:00) harus setelah jam buka (16:00). (Closing time must be after opening time.)",
        ),
    ],
)
def test_bad_entries_are_400s_that_say_what_is_wrong_and_write_nothing(
    bandung: Government, admin: User, path: str, payload: dict[str, str], field: str, message: str
) -> None:
    before = _calendar_rows(bandung)
    response = signed_in_client(admin).post(path, payload, content_type="application/json", HTTP_HOST=BANDUNG_HOST)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert list(error["fields"]) == [field]
    if message:
        assert error["message"] == message
    assert _calendar_rows(bandung) == before


def test_bad_sla_targets_are_refused_in_indonesian(bandung: Government, admin: User) -> None:
    before = _calendar_rows(bandung)
    client = signed_in_client(admin)
    for payload, message in (
        (
            {"category_code": "Jalan Rusak!", "step": "verify", "working_days": 2},
            "Kode kategori 'Jalan Rusak!' tidak sah: gunakan huruf kecil, angka, '_' atau '-' (paling panjang 40). "
            "(Not a category code.)",
        ),
        (
            {"step": "verify", "working_days": 2, "working_minutes": 60},
            "Isi target dalam hari kerja atau menit kerja, salah satu. (Give working days or working minutes.)",
        ),
    ):
        response = client.put(
            "/api/v1/calendar/sla-targets/", payload, content_type="application/json", HTTP_HOST=BANDUNG_HOST
        )
        assert response.status_code == 400
        assert response.json()["error"]["message"] == message
    duplicate = {"date": "2026-09-25", "name": "Libur", "kind": "decree"}
    assert (
        client.post(
            "/api/v1/calendar/days-off/", duplicate, content_type="application/json", HTTP_HOST=BANDUNG_HOST
        ).status_code
        == 201
    )
    again = client.post(
        "/api/v1/calendar/days-off/", duplicate, content_type="application/json", HTTP_HOST=BANDUNG_HOST
    )
    assert again.status_code == 400
    assert (
        again.json()["error"]["message"]
        == "Hari libur jenis decree pada 2026-09-25 sudah tercatat. (Already recorded.)"
    )
    after = _calendar_rows(bandung)
    assert (after[0], after[2], after[3]) == (before[0] + 1, before[2], before[3] + 1)


def test_an_sla_change_applies_to_the_next_report_only(bandung: Government, admin: User) -> None:
    earlier = submit(UserFactory(), category_code="banjir").tracking_number
    with government_context(bandung):
        routing = ReportRouting.objects.get(report_id=Report.objects.get(tracking_number=earlier).pk)
        planned = (routing.current_due_at, routing.steps)
    response = signed_in_client(admin).put(
        "/api/v1/calendar/sla-targets/",
        {"category_code": "banjir", "step": "follow_up", "working_days": 1},
        content_type="application/json",
        HTTP_HOST=BANDUNG_HOST,
    )
    assert response.status_code == 200
    with government_context(bandung):
        # Deadlines were computed and stored when the report was routed: nothing moves.
        routing.refresh_from_db()
        assert (routing.current_due_at, routing.steps) == planned
        assert sla_target_for(category_code="banjir", step="follow_up").working_days == 1  # type: ignore[union-attr]


def test_only_the_admin_koordinator_edits_and_a_jakarta_admin_cannot_touch_bandung(
    bandung: Government, jakarta: Government
) -> None:
    camat = seated_official(bandung, kind=PositionKind.CAMAT, unit__region_code="32.73.01")
    jakarta_admin = seated_official(jakarta, kind=PositionKind.ADMIN_KOORDINATOR)
    no_totp = UserFactory()
    with government_context(bandung):
        seat = Position.objects.get(kind=PositionKind.ADMIN_KOORDINATOR)
        Membership.objects.create(position=seat, user_id=no_totp.pk, starts_on=datetime.date(2024, 1, 1))
        day_off = DayOff.objects.create(date=datetime.date(2026, 9, 25), name="Hari Jadi", kind="local_holiday")
    before = _calendar_rows(bandung)
    add = {"date": "2026-10-01", "name": "Libur", "kind": "decree"}
    sla = {"step": "verify", "working_days": 1}
    for user, expected in ((camat, 403), (jakarta_admin, 403), (no_totp, 403), (UserFactory(), 403), (None, 403)):
        client = signed_in_client(user)
        responses = [
            client.post("/api/v1/calendar/days-off/", add, content_type="application/json", HTTP_HOST=BANDUNG_HOST),
            client.delete(f"/api/v1/calendar/days-off/{day_off.pk}/", HTTP_HOST=BANDUNG_HOST),
            client.put("/api/v1/calendar/sla-targets/", sla, content_type="application/json", HTTP_HOST=BANDUNG_HOST),
        ]
        assert [r.status_code for r in responses] == [expected] * 3, (user, [r.json() for r in responses])
    assert (
        "admin koordinator"
        in signed_in_client(camat)
        .post("/api/v1/calendar/days-off/", add, content_type="application/json", HTTP_HOST=BANDUNG_HOST)
        .json()["error"]["message"]
    )
    # The Jakarta admin reads nothing of Bandung either; the camat, an official, may read.
    assert signed_in_client(jakarta_admin).get("/api/v1/calendar/", HTTP_HOST=BANDUNG_HOST).status_code == 403
    assert signed_in_client(camat).get("/api/v1/calendar/", HTTP_HOST=BANDUNG_HOST).status_code == 200
    assert _calendar_rows(bandung) == before
    # Jakarta's own calendar is untouched too, and the public host has no calendar at all.
    with government_context(jakarta):
        assert not CalendarAuditEvent.objects.exists()
    assert signed_in_client(jakarta_admin).get("/api/v1/calendar/", HTTP_HOST=PUBLIC_HOST).status_code == 404


def test_openapi_documents_the_calendar_endpoints(admin: User) -> None:
    schema = signed_in_client(admin).get("/api/v1/schema/?format=json", HTTP_HOST=PUBLIC_HOST).json()
    paths = schema["paths"]
    assert set(paths["/api/v1/calendar/"]) == {"get"}
    assert set(paths["/api/v1/calendar/days-off/"]) == {"post"}
    assert set(paths["/api/v1/calendar/days-off/{day_off_id}/"]) == {"delete"}
    assert set(paths["/api/v1/calendar/days-worked/"]) == {"post"}
    assert set(paths["/api/v1/calendar/days-worked/{day_worked_id}/"]) == {"delete"}
    assert set(paths["/api/v1/calendar/sla-targets/"]) == {"put"}
