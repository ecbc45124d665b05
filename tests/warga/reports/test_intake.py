from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from tenants.context import government_context
from tenants.models import Government
from tenants.services import government_mark_not_ready
from tests.factories import UserFactory
from tests.warga.reports.helpers import (
    BANDUNG_POINT,
    BANDUNG_VILLAGE,
    BOGOR_POINT,
    BOGOR_VILLAGE,
    JAKARTA_POINT,
    JAKARTA_VILLAGE,
    counts,
    submit,
)
from warga.intake.models import ReportIndex
from warga.intake.services import IdempotencyKeyReused, RateLimited
from warga.outbox.models import OutboxEvent
from warga.regions.models import District
from warga.reports.errors import ReportInvalid
from warga.reports.models import Report, ReportEvent


def test_report_from_a_city_lands_in_the_city_schema_with_index_audit_and_outbox(bandung: Government) -> None:
    citizen = UserFactory()
    year = timezone.now().astimezone(timezone.get_current_timezone()).year
    submission = submit(citizen, idempotency_key="kunci-0001")

    assert submission.tracking_number == f"32.73-{year}-000001"
    assert (submission.government_code, submission.status, submission.replayed) == ("32.73", "received", False)
    entry = ReportIndex.objects.get()
    assert (entry.tracking_number, entry.government_id, entry.reporter_id, entry.idempotency_key) == (
        submission.tracking_number,
        bandung.pk,
        citizen.pk,
        "kunci-0001",
    )
    with government_context(bandung):
        report = Report.objects.get()
        assert report.pk == entry.report_id
        assert (report.village_code, report.district_code, report.regency_code, report.province_code) == (
            BANDUNG_VILLAGE,
            "32.73.01",
            "32.73",
            "32",
        )
        assert (report.reporter_id, report.status, report.category_code) == (citizen.pk, "received", "jalan_rusak")
        event = ReportEvent.objects.get()
        assert (event.actor_id, event.from_status, event.to_status) == (citizen.pk, "", "received")
        outbox = OutboxEvent.objects.get()
        assert (outbox.kind, outbox.aggregate_id, outbox.relayed_at) == ("report.submitted", report.pk, None)
        # PII-free: no description, coordinates or identity leave the schema.
        assert set(outbox.payload) == {
            "tracking_number",
            "type",
            "category_code",
            "province_code",
            "regency_code",
            "district_code",
            "village_code",
            "privacy",
            "status",
            "priority",
            "photos",
            "created_at",
        }
        assert str(citizen.pk) not in str(outbox.payload)


def test_jakarta_village_goes_to_the_province_because_its_kota_are_units(jakarta: Government) -> None:
    submission = submit(
        UserFactory(), village_code=JAKARTA_VILLAGE, latitude=JAKARTA_POINT[0], longitude=JAKARTA_POINT[1]
    )
    assert re.fullmatch(r"31-\d{4}-000001", submission.tracking_number)
    assert submission.government_code == "31"
    assert counts(jakarta) == (1, 1, 1)


def test_village_without_a_ready_government_goes_to_the_national_triage_desk(
    national: Government, bandung: Government
) -> None:
    submission = submit(UserFactory(), village_code=BOGOR_VILLAGE, latitude=BOGOR_POINT[0], longitude=BOGOR_POINT[1])
    assert re.fullmatch(r"NAS-\d{4}-000001", submission.tracking_number)
    assert submission.government_code is None
    assert counts(national) == (1, 1, 1)
    assert counts(bandung) == (0, 0, 0)


def test_city_that_is_not_ready_falls_back_to_the_national_desk(national: Government, bandung: Government) -> None:
    government_mark_not_ready(government=bandung)
    submission = submit(UserFactory())
    assert submission.tracking_number.startswith("NAS-")
    assert counts(bandung) == (0, 0, 0)


def test_tracking_numbers_count_per_government(bandung: Government, jakarta: Government) -> None:
    citizen = UserFactory()
    numbers = [
        submit(citizen).tracking_number,
        submit(
            citizen, village_code=JAKARTA_VILLAGE, latitude=JAKARTA_POINT[0], longitude=JAKARTA_POINT[1]
        ).tracking_number,
        submit(citizen).tracking_number,
    ]
    assert [n.rsplit("-", 1)[1] for n in numbers] == ["000001", "000001", "000002"]


def test_same_key_from_the_same_citizen_returns_the_same_report(bandung: Government) -> None:
    citizen = UserFactory()
    first = submit(citizen, idempotency_key="kunci-ulang-1")
    again = submit(citizen, idempotency_key="kunci-ulang-1")
    assert again.tracking_number == first.tracking_number
    assert (again.replayed, first.replayed) == (True, False)
    assert counts(bandung) == (1, 1, 1)
    assert ReportIndex.objects.count() == 1


def test_same_key_from_another_citizen_is_another_report(bandung: Government) -> None:
    first = submit(UserFactory(), idempotency_key="kunci-bersama")
    second = submit(UserFactory(), idempotency_key="kunci-bersama")
    assert first.tracking_number != second.tracking_number
    assert counts(bandung) == (2, 2, 2)


def test_same_key_with_different_content_is_refused_and_writes_nothing(bandung: Government) -> None:
    citizen = UserFactory()
    submit(citizen, idempotency_key="kunci-beda-isi")
    with pytest.raises(IdempotencyKeyReused) as refused:
        submit(citizen, idempotency_key="kunci-beda-isi", description="Laporan lain sama sekali.")
    assert "Buat kunci baru" in refused.value.message
    assert counts(bandung) == (1, 1, 1)


def _errors(**overrides: object) -> dict[str, list[tuple[str, str]]]:
    with pytest.raises(ReportInvalid) as invalid:
        submit(UserFactory(), **overrides)
    return {field: [(e.code, e.message) for e in errors] for field, errors in invalid.value.errors.items()}


@pytest.mark.parametrize(
    ("overrides", "field", "code", "message"),
    [
        (
            {"village_code": "32.73.01.9999"},
            "village_code",
            "unknown_village",
            "Kode kelurahan/desa '32.73.01.9999' tidak ditemukan. Pilih kelurahan/desa dari hasil pencarian.",
        ),
        (
            {"latitude": 1.3521, "longitude": 103.8198 + 100},
            "longitude",
            "outside_indonesia",
            "Bujur 203.8198 berada di luar wilayah Indonesia (94.0 sampai 141.5).",
        ),
        (
            {"latitude": 7.2},
            "latitude",
            "outside_indonesia",
            "Lintang 7.2 berada di luar wilayah Indonesia (-11.0 sampai 6.5).",
        ),
        (
            {"latitude": float("nan")},
            "latitude",
            "outside_indonesia",
            "Lintang nan berada di luar wilayah Indonesia (-11.0 sampai 6.5).",
        ),
        ({"description": "   "}, "description", "required", "Uraian laporan wajib diisi: ceritakan masalahnya."),
        (
            {"description": "x" * 5001},
            "description",
            "too_long",
            "Uraian paling panjang 5000 karakter (sekarang 5001). Persingkat uraiannya.",
        ),
        (
            {"category_code": "ufo"},
            "category_code",
            "unknown_category",
            "Kategori 'ufo' tidak dikenal. Pilih kategori dari daftar.",
        ),
        (
            {"type": "keluhan"},
            "type",
            "unknown_type",
            "Jenis laporan harus salah satu dari: pengaduan, aspirasi, permintaan_informasi.",
        ),
        (
            {"privacy": "terbuka"},
            "privacy",
            "unknown_privacy",
            "Mode privasi harus salah satu dari: publik, anonim, rahasia.",
        ),
    ],
)
def test_invalid_input_is_refused_field_by_field_and_nothing_is_written(
    bandung: Government, overrides: dict[str, object], field: str, code: str, message: str
) -> None:
    assert _errors(**overrides) == {field: [(code, message)]}
    assert counts(bandung) == (0, 0, 0)
    assert not ReportIndex.objects.exists()


def test_every_problem_is_reported_at_once(bandung: Government) -> None:
    errors = _errors(description="", latitude=-20.0, village_code="00", idempotency_key="x")
    assert sorted(errors) == ["description", "idempotency_key", "latitude", "village_code"]


def test_emergencies_are_referred_to_112_not_queued(bandung: Government) -> None:
    errors = _errors(category_code="kebakaran")
    assert errors["category_code"][0][0] == "emergency_referral"
    assert "hubungi 112" in errors["category_code"][0][1]
    assert counts(bandung) == (0, 0, 0)


def test_point_far_from_the_known_district_centre_is_refused(bandung: Government) -> None:
    District.objects.filter(code="32.73.01").update(latitude=BANDUNG_POINT[0], longitude=BANDUNG_POINT[1])
    # Gambir, Jakarta is ~114 km from Sukasari, Bandung.
    errors = _errors(latitude=JAKARTA_POINT[0], longitude=JAKARTA_POINT[1])
    assert errors == {
        "village_code": [
            (
                "far_from_village",
                "Titik lokasi berjarak 114 km dari Kecamatan Sukasari, lebih dari 30 km. Periksa kelurahan/desa "
                "yang dipilih atau titik di peta.",
            )
        ]
    }
    assert submit(UserFactory()).government_code == "32.73"


def test_without_a_known_district_centre_the_distance_is_not_checked(bandung: Government) -> None:
    assert District.objects.get(code="32.73.01").latitude is None
    submission = submit(UserFactory(), latitude=JAKARTA_POINT[0], longitude=JAKARTA_POINT[1])
    assert submission.government_code == "32.73"


def test_inactive_account_cannot_submit(bandung: Government) -> None:
    citizen = UserFactory(is_active=False)
    with pytest.raises(ReportInvalid) as invalid:
        submit(citizen)
    assert list(invalid.value.errors) == ["reporter"]
    assert counts(bandung) == (0, 0, 0)


def test_a_flood_from_one_account_is_refused_with_when_to_retry(bandung: Government, settings: Any) -> None:
    settings.WARGA_INTAKE_RATE_LIMITS = ((3600, 3), (86400, 5))
    citizen = UserFactory()
    first = submit(citizen, idempotency_key="banjir-laporan-1")
    submit(citizen)
    submit(citizen)
    with pytest.raises(RateLimited) as limited:
        submit(citizen)
    assert 3590 <= limited.value.retry_after <= 3600
    assert limited.value.message == (
        "Batas 3 laporan baru per jam sudah tercapai. Coba lagi dalam 60 menit, atau dukung laporan yang sudah ada "
        'dengan "saya juga".'
    )
    assert counts(bandung) == (3, 3, 3)
    # A retry of a report already accepted is not a new report: it is still answered.
    assert submit(citizen, idempotency_key="banjir-laporan-1").tracking_number == first.tracking_number
    # Another citizen is not affected.
    assert submit(UserFactory()).government_code == "32.73"


def test_the_daily_limit_counts_reports_older_than_an_hour(bandung: Government, settings: Any) -> None:
    settings.WARGA_INTAKE_RATE_LIMITS = ((3600, 3), (86400, 4))
    citizen = UserFactory()
    for _ in range(3):
        submit(citizen)
    ReportIndex.objects.filter(reporter=citizen).update(created_at=timezone.now() - timedelta(hours=5))
    submit(citizen)
    with pytest.raises(RateLimited) as limited:
        submit(citizen)
    assert "per hari" in limited.value.message
    assert 19 * 3600 - 10 <= limited.value.retry_after <= 19 * 3600
