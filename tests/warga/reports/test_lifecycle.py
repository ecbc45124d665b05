from __future__ import annotations

import pytest

from tenants.context import government_context
from tenants.models import Government
from tests.factories import UserFactory
from tests.warga.reports.helpers import counts, proof_at, submit
from warga.accounts.models import User
from warga.append_only import ImmutableRowError
from warga.organization.models import Unit
from warga.outbox.models import OutboxEvent
from warga.reports.errors import InvalidTransition, ReportInvalid, ReportNotFound
from warga.reports.lifecycle import NOTE_REQUIRED, TRANSITIONS, Status, allowed_next
from warga.reports.models import Report, ReportEvent
from warga.reports.services import report_reporter_action, report_resolve, report_transition


@pytest.fixture
def tracking_number(bandung: Government) -> str:
    return submit(UserFactory()).tracking_number


def _note(status: Status) -> str:
    return "alasan dicatat" if status in NOTE_REQUIRED else ""


def test_main_path_records_one_audit_and_outbox_event_per_step(
    bandung: Government, official: User, tracking_number: str
) -> None:
    with government_context(bandung):
        kelurahan = Unit.objects.get(region_code="32.73.01.1001")
        report_transition(
            actor=official, tracking_number=tracking_number, to_status="verified", unit_id=kelurahan.pk, note="cek"
        )
        report_transition(actor=official, tracking_number=tracking_number, to_status="in_progress")
        report_resolve(
            actor=official, tracking_number=tracking_number, proofs=[proof_at(Report.objects.get())], note="ditambal"
        )
        report_transition(actor=official, tracking_number=tracking_number, to_status="closed")
        report = Report.objects.get()
        assert (report.status, report.unit_id) == ("closed", kelurahan.pk)
        events = list(ReportEvent.objects.values_list("from_status", "to_status", "actor_id", "note"))
        assert events[1:] == [
            ("received", "verified", official.pk, "cek"),
            ("verified", "in_progress", official.pk, ""),
            ("in_progress", "resolved", official.pk, "ditambal"),
            ("resolved", "closed", official.pk, ""),
        ]
        assert (
            list(OutboxEvent.objects.values_list("kind", flat=True))
            == ["report.submitted"] + ["report.status_changed"] * 4
        )
        assert OutboxEvent.objects.last().payload["to_status"] == "closed"  # type: ignore[union-attr]


def test_side_paths_defer_transfer_archive_and_dispute(
    bandung: Government, official: User, tracking_number: str
) -> None:
    path = [
        ("deferred", "menunggu anggaran"),
        ("verified", ""),
        ("transferred", "bukan wewenang: jalan provinsi"),
        ("received", ""),
        ("verified", ""),
        ("in_progress", ""),
    ]
    after_dispute = [("in_progress", ""), ("deferred", "cuaca"), ("archived", "laporan ganda")]
    with government_context(bandung):
        for status, note in path:
            report_transition(actor=official, tracking_number=tracking_number, to_status=status, note=note)
        report = Report.objects.get()
        report_resolve(actor=official, tracking_number=tracking_number, proofs=[proof_at(report)])
        reporter = User.objects.get(pk=report.reporter_id)
        report_reporter_action(reporter=reporter, report_id=report.pk, action="dispute", note="lubang masih ada")
        for status, note in after_dispute:
            report_transition(actor=official, tracking_number=tracking_number, to_status=status, note=note)
        assert Report.objects.get().status == "archived"
        assert list(ReportEvent.objects.values_list("to_status", flat=True))[1:] == [
            *(s for s, _ in path),
            "resolved",
            "reopened",
            *(s for s, _ in after_dispute),
        ]


INVALID = [(source, target) for source in Status for target in Status if target not in allowed_next(source)]


@pytest.mark.parametrize(("source", "target"), INVALID, ids=[f"{s.value}->{t.value}" for s, t in INVALID])
def test_every_invalid_transition_is_refused_with_the_allowed_states_and_changes_nothing(
    bandung: Government, official: User, tracking_number: str, source: Status, target: Status
) -> None:
    with government_context(bandung):
        Report.objects.update(status=source)  # set-up: place the report in `source`
        before = counts(bandung)
        with pytest.raises(InvalidTransition) as refused:
            report_transition(actor=official, tracking_number=tracking_number, to_status=target, note="catatan")
        assert refused.value.allowed == tuple(s.value for s in allowed_next(source))
        assert (refused.value.current, refused.value.requested) == (source, target)
        assert Report.objects.get().status == source
        assert counts(bandung) == before


def test_only_archived_withdrawn_and_merged_are_final_and_the_refusal_says_so(
    bandung: Government, official: User, tracking_number: str
) -> None:
    # A merged report lives on in the report it was merged into.
    assert [s for s in Status if not TRANSITIONS[s]] == [Status.ARCHIVED, Status.WITHDRAWN, Status.MERGED]
    # Officials cannot reopen or withdraw: those are the reporter's (dispute, withdraw).
    assert allowed_next(Status.CLOSED) == ()
    assert allowed_next(Status.CLOSED, by_reporter=True) == (Status.REOPENED,)
    with government_context(bandung):
        report_transition(actor=official, tracking_number=tracking_number, to_status="archived", note="spam")
        with pytest.raises(InvalidTransition) as refused:
            report_transition(actor=official, tracking_number=tracking_number, to_status="received")
    assert refused.value.message == (
        "Status laporan tidak dapat diubah dari 'archived' ke 'received'. Status berikutnya yang diizinkan: "
        "tidak ada (status akhir)."
    )


@pytest.mark.parametrize("target", sorted(NOTE_REQUIRED & set(allowed_next(Status.RECEIVED))))
def test_leaving_the_main_path_needs_a_reason(
    bandung: Government, official: User, tracking_number: str, target: Status
) -> None:
    with government_context(bandung):
        with pytest.raises(ReportInvalid) as invalid:
            report_transition(actor=official, tracking_number=tracking_number, to_status=target, note="  ")
        assert list(invalid.value.errors) == ["note"]
        assert invalid.value.errors["note"][0].code == "note_required"
        assert Report.objects.get().status == "received"
    assert counts(bandung) == (1, 1, 1)


def test_unknown_status_and_unknown_unit_are_field_errors(
    bandung: Government, official: User, tracking_number: str
) -> None:
    with government_context(bandung):
        with pytest.raises(ReportInvalid) as unknown_status:
            report_transition(actor=official, tracking_number=tracking_number, to_status="selesai")
        assert unknown_status.value.errors["to_status"][0].code == "unknown_status"
        with pytest.raises(ReportInvalid) as unknown_unit:
            report_transition(actor=official, tracking_number=tracking_number, to_status="verified", unit_id=10**12)
        assert (
            unknown_unit.value.errors["unit_id"][0].message == "Unit 1000000000000 tidak ada di pemerintah daerah ini."
        )
    assert counts(bandung) == (1, 1, 1)


def test_report_of_another_government_is_not_found_from_here(
    bandung: Government, jakarta: Government, official: User, tracking_number: str
) -> None:
    with government_context(jakarta), pytest.raises(ReportNotFound):
        report_transition(actor=official, tracking_number=tracking_number, to_status="verified")
    with government_context(bandung):
        assert Report.objects.get().status == "received"
    assert counts(jakarta) == (0, 0, 0)


def test_services_refuse_to_run_in_the_public_schema(official: User, tracking_number: str) -> None:
    with pytest.raises(RuntimeError, match="inside a government's schema"):
        report_transition(actor=official, tracking_number=tracking_number, to_status="verified")


def test_audit_events_cannot_be_changed_or_deleted(bandung: Government, tracking_number: str) -> None:
    with government_context(bandung):
        event = ReportEvent.objects.get()
        event.note = "diubah"
        with pytest.raises(ImmutableRowError):
            event.save()
        with pytest.raises(ImmutableRowError):
            event.delete()
        assert ReportEvent.objects.get().note == ""
