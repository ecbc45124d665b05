from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from tenants.context import government_context
from tenants.models import Government
from tests.factories import UserFactory
from tests.warga.reports.helpers import counts, proof_at, resolve, submit
from warga.accounts.models import User
from warga.reports.errors import InvalidTransition, ReportInvalid
from warga.reports.models import PhotoKind, Report, ReportPhoto
from warga.reports.services import report_resolve, report_transition


def _in_progress(bandung: Government, official: User) -> Report:
    number = submit(UserFactory()).tracking_number
    with government_context(bandung):
        for status in ("verified", "in_progress"):
            report_transition(acting_user=official, tracking_number=number, to_status=status)
        return Report.objects.get(tracking_number=number)


def _refusals(bandung: Government, official: User, report: Report, **proof: Any) -> list[tuple[str, str]]:
    with government_context(bandung):
        before = counts(bandung)
        with pytest.raises(ReportInvalid) as refused:
            report_resolve(
                acting_user=official, tracking_number=report.tracking_number, proofs=[proof_at(report, **proof)]
            )
        assert counts(bandung) == before
        assert Report.objects.get(pk=report.pk).status == "in_progress"
    assert list(refused.value.errors) == ["proofs"]
    return [(e.code, e.message) for e in refused.value.errors["proofs"]]


def test_resolution_stores_the_proof_with_when_and_where(bandung: Government, official: User) -> None:
    report = _in_progress(bandung, official)
    taken = timezone.now()
    with government_context(bandung):
        resolved = report_resolve(
            acting_user=official,
            tracking_number=report.tracking_number,
            proofs=[proof_at(report, captured_at=taken, latitude=report.latitude + 0.0005)],
            note="Lubang sudah ditambal.",
        )
        proof = ReportPhoto.objects.get()
    assert resolved.status == "resolved"
    assert (proof.kind, proof.captured_at, proof.captured_latitude) == (
        PhotoKind.PROOF,
        taken,
        report.latitude + 0.0005,
    )
    assert proof.path.startswith("reports/gov_32_73/")


def test_resolving_without_proof_is_refused_everywhere(bandung: Government, official: User) -> None:
    report = _in_progress(bandung, official)
    with government_context(bandung):
        with pytest.raises(ReportInvalid) as generic:
            report_transition(acting_user=official, tracking_number=report.tracking_number, to_status="resolved")
        assert generic.value.errors["to_status"][0].code == "proof_required"
        with pytest.raises(ReportInvalid) as empty:
            report_resolve(acting_user=official, tracking_number=report.tracking_number, proofs=[])
        assert empty.value.errors["proofs"][0].code == "required"
        assert Report.objects.get().status == "in_progress"


def test_proof_taken_too_far_away_is_refused(bandung: Government, official: User) -> None:
    report = _in_progress(bandung, official)
    # ~330 m north.
    assert _refusals(bandung, official, report, latitude=report.latitude + 0.003) == [
        ("proof_too_far", "Foto bukti ke-1 diambil 334 m dari lokasi laporan; paling jauh 200 m.")
    ]


def test_the_distance_limit_is_configurable(bandung: Government, official: User, settings: Any) -> None:
    settings.WARGA_PROOF_MAX_DISTANCE_M = 500
    report = _in_progress(bandung, official)
    with government_context(bandung):
        report_resolve(
            acting_user=official,
            tracking_number=report.tracking_number,
            proofs=[proof_at(report, latitude=report.latitude + 0.003)],
        )
        assert Report.objects.get().status == "resolved"


def test_proof_taken_before_the_report_or_in_the_future_is_refused(bandung: Government, official: User) -> None:
    report = _in_progress(bandung, official)
    assert _refusals(bandung, official, report, captured_at=report.created_at - timedelta(days=2)) == [
        ("proof_before_report", "Foto bukti ke-1 diambil sebelum laporan dikirim, jadi bukan bukti.")
    ]
    assert _refusals(bandung, official, report, captured_at=timezone.now() + timedelta(hours=2)) == [
        ("proof_in_future", "Foto bukti ke-1 bertanggal di masa depan: periksa jam perangkat.")
    ]


def test_the_same_proof_photo_for_a_second_report_is_refused(bandung: Government, official: User) -> None:
    first = _in_progress(bandung, official)
    with government_context(bandung):
        report_resolve(acting_user=official, tracking_number=first.tracking_number, proofs=[proof_at(first, seed=4242)])
    second = _in_progress(bandung, official)
    assert _refusals(bandung, official, second, seed=4242) == [
        (
            "proof_reused",
            f"Foto bukti ke-1 sama dengan foto bukti laporan {first.tracking_number}. Ambil foto baru di lokasi.",
        )
    ]
    # A different picture is accepted.
    resolve(bandung, second.tracking_number, official)


def test_reuse_is_checked_within_the_government_only(bandung: Government, jakarta: Government, official: User) -> None:
    first = _in_progress(bandung, official)
    with government_context(bandung):
        report_resolve(acting_user=official, tracking_number=first.tracking_number, proofs=[proof_at(first, seed=77)])
    submission = submit(UserFactory(), village_code="31.71.01.1001", latitude=-6.1762, longitude=106.8227)
    with government_context(jakarta):
        for status in ("verified", "in_progress"):
            report_transition(acting_user=official, tracking_number=submission.tracking_number, to_status=status)
        other = Report.objects.get()
        report_resolve(acting_user=official, tracking_number=other.tracking_number, proofs=[proof_at(other, seed=77)])
        assert Report.objects.get().status == "resolved"


def test_resolving_a_report_not_in_progress_is_an_invalid_transition(bandung: Government, official: User) -> None:
    number = submit(UserFactory()).tracking_number
    with government_context(bandung):
        report = Report.objects.get()
        with pytest.raises(InvalidTransition) as refused:
            report_resolve(acting_user=official, tracking_number=number, proofs=[proof_at(report)])
        assert refused.value.allowed == ("verified", "deferred", "transferred", "archived", "merged")
        assert not ReportPhoto.objects.exists()
