from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from tenants.context import government_context
from tenants.models import Government
from tests.factories import UserFactory
from tests.warga.reports.helpers import counts, process_photos, submit
from tests.warga.reports.images import image_bytes
from warga.accounts.models import User
from warga.intake.models import ReportIndex
from warga.intake.selectors import report_lookup_public
from warga.intake.services import report_comment_public, report_support, report_transfer
from warga.outbox.models import OutboxEvent
from warga.reports.errors import InvalidTransition, ReportInvalid, ReportNotFound
from warga.reports.models import Report, ReportComment, ReportEvent, ReportForward, ReportPhoto, ReportSupport
from warga.reports.services import report_transition


def _files() -> list[str]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def _trail(government: Government) -> list[tuple[str, str]]:
    with government_context(government):
        return list(ReportEvent.objects.order_by("at", "id").values_list("from_status", "to_status"))


def test_transfer_to_another_government_and_back_keeps_everything(
    bandung: Government, jakarta: Government, official: User, django_capture_on_commit_callbacks: Any
) -> None:
    reporter = UserFactory()
    number = submit(reporter, photos=[SimpleUploadedFile("a.jpg", image_bytes())]).tracking_number
    process_photos(bandung, django_capture_on_commit_callbacks)
    report_support(supporter=UserFactory(), tracking_number=number)
    report_comment_public(author=reporter, tracking_number=number, body="Masih berlubang.")
    with government_context(bandung):
        report_transition(actor=official, tracking_number=number, to_status="verified")
    assert _files()[0].startswith("reports/gov_32_73/")

    with django_capture_on_commit_callbacks(execute=True):
        outcome = report_transfer(
            actor=official, tracking_number=number, from_government=bandung, to_government_code="31", note="jalan DKI"
        )
    assert (outcome.to_government.code, outcome.status) == ("31", "received")
    assert ReportIndex.objects.get(tracking_number=number).government == jakarta
    # The report left; its outbox facts stay (submitted, supported, verified, transferred out).
    assert counts(bandung) == (0, 0, 4)
    with government_context(jakarta):
        arrived = OutboxEvent.objects.get(kind="report.transferred_in")
    # The support moved with the report, and so does its count for the national read model.
    assert arrived.payload["support_count"] == 1
    with government_context(bandung):
        forward = ReportForward.objects.get()
        assert (forward.tracking_number, forward.to_government_id, forward.note) == (number, jakarta.pk, "jalan DKI")
    with government_context(jakarta):
        moved = Report.objects.get()
        assert (moved.tracking_number, moved.status, moved.reporter_id, moved.support_count) == (
            number,
            "received",
            reporter.pk,
            1,
        )
        assert ReportSupport.objects.count() == 1
        assert list(ReportComment.objects.values_list("role", "body")) == [("reporter", "Masih berlubang.")]
        photo = ReportPhoto.objects.get()
        assert (photo.state, photo.path[:15], photo.thumbnail_path[:15]) == (
            "ready",
            "reports/gov_31/",
            "reports/gov_31/",
        )
    assert _trail(jakarta) == [
        ("", "received"),
        ("received", "verified"),
        ("verified", "transferred"),
        ("transferred", "received"),
    ]
    # The photo and its thumbnail; the old files went after the commit.
    assert [f.split("/")[1] for f in _files()] == ["gov_31", "gov_31"]

    with django_capture_on_commit_callbacks(execute=True):
        report_transfer(
            actor=official, tracking_number=number, from_government=jakarta, to_government_code="32.73", note="bukan"
        )
    assert ReportIndex.objects.get(tracking_number=number).government == bandung
    assert len(_trail(bandung)) == 6
    with government_context(bandung):
        assert not ReportForward.objects.exists()
        assert Report.objects.get().tracking_number == number
    with government_context(jakarta):
        assert ReportForward.objects.get().to_government_id == bandung.pk
        assert not Report.objects.exists()
    assert [f.split("/")[1] for f in _files()] == ["gov_32_73", "gov_32_73"]
    found = report_lookup_public(tracking_number=number, viewer=reporter)
    assert found is not None
    assert (found.government_code, len(found.photo_ids), found.is_mine) == ("32.73", 1, True)


def test_transfer_to_the_national_triage_desk(bandung: Government, national: Government, official: User) -> None:
    number = submit(UserFactory()).tracking_number
    report_transfer(actor=official, tracking_number=number, from_government=bandung, to_government_code="NAS", note="x")
    assert ReportIndex.objects.get(tracking_number=number).government == national
    with government_context(national):
        assert Report.objects.get().tracking_number == number


def test_a_report_of_another_government_cannot_be_transferred_from_here(
    bandung: Government, jakarta: Government, official: User
) -> None:
    number = submit(UserFactory()).tracking_number
    with pytest.raises(ReportNotFound):
        report_transfer(
            actor=official, tracking_number=number, from_government=jakarta, to_government_code="31", note="x"
        )
    assert ReportIndex.objects.get(tracking_number=number).government == bandung
    assert counts(bandung) == (1, 1, 1)
    assert counts(jakarta) == (0, 0, 0)


@pytest.mark.parametrize(
    ("code", "note", "fields"),
    [
        ("31", "", ["note"]),
        ("99", "x", ["to_government_code"]),
        ("32.73", "x", ["to_government_code"]),
    ],
    ids=["no reason", "unknown government", "same government"],
)
def test_refused_transfers_change_nothing(
    bandung: Government, jakarta: Government, official: User, code: str, note: str, fields: list[str]
) -> None:
    number = submit(UserFactory()).tracking_number
    with pytest.raises(ReportInvalid) as refused:
        report_transfer(
            actor=official, tracking_number=number, from_government=bandung, to_government_code=code, note=note
        )
    assert list(refused.value.errors) == fields
    assert counts(bandung) == (1, 1, 1)
    assert counts(jakarta) == (0, 0, 0)


def test_a_resolved_report_cannot_be_transferred(bandung: Government, jakarta: Government, official: User) -> None:
    number = submit(UserFactory()).tracking_number
    with government_context(bandung):
        Report.objects.update(status="resolved")
    with pytest.raises(InvalidTransition) as refused:
        report_transfer(
            actor=official, tracking_number=number, from_government=bandung, to_government_code="31", note="x"
        )
    assert refused.value.allowed == ("closed",)
    assert counts(jakarta) == (0, 0, 0)
    assert ReportIndex.objects.get(tracking_number=number).government == bandung


def test_a_photo_still_waiting_moves_in_quarantine_and_is_processed_by_the_new_owner(
    bandung: Government, jakarta: Government, official: User, django_capture_on_commit_callbacks: Any
) -> None:
    number = submit(UserFactory(), photos=[SimpleUploadedFile("a.jpg", image_bytes())]).tracking_number
    with django_capture_on_commit_callbacks() as queued:
        report_transfer(
            actor=official, tracking_number=number, from_government=bandung, to_government_code="31", note="DKI"
        )
    # Five callbacks: the photo task and the delivery of the new owner's routing notices
    # (queued in Jakarta), a relay nudge on each side (transferred in, transferred out), and
    # the old files' removal.
    assert len(queued) == 5
    with government_context(jakarta):
        photo = ReportPhoto.objects.get()
    assert (photo.state, photo.path[:18]) == ("processing", "quarantine/gov_31/")
    assert process_photos(jakarta, django_capture_on_commit_callbacks) == ["ready"]
    assert process_photos(bandung, django_capture_on_commit_callbacks) == []
