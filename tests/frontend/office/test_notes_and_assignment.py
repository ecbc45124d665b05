"""Internal notes and field assignment: the services and the API, with bad input, people who
may not, and another government's report (404, nothing changed)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from tenants.context import government_context
from tenants.models import Government
from tests.api.helpers import signed_in_client
from tests.factories import UserFactory
from tests.frontend.office.conftest import BANDUNG_HOST, Bandung
from tests.personas import official_of
from tests.unchanged import assert_nothing_changed
from tests.warga.reports.helpers import JAKARTA_POINT, JAKARTA_VILLAGE, submit
from warga.access.policy import ActionForbidden
from warga.notifications.models import Channel, EventKind, Notification
from warga.reports.errors import ReportInvalid, ReportNotFound
from warga.reports.models import Report, ReportAssignment, ReportEvent, ReportInternalNote
from warga.reports.services import report_assign, report_note_add, report_transition


def _jakarta_report() -> str:
    return submit(
        UserFactory(), latitude=JAKARTA_POINT[0], longitude=JAKARTA_POINT[1], village_code=JAKARTA_VILLAGE
    ).tracking_number


def _verified(scene: Bandung) -> None:
    with government_context(scene.government):
        report_transition(acting_user=scene.kepala_pupr, tracking_number=scene.number, to_status="verified")


def _trail(government: Government, number: str) -> list[tuple[str, str, str]]:
    with government_context(government):
        return list(
            ReportEvent.objects.filter(report__tracking_number=number)
            .order_by("id")
            .values_list("from_status", "to_status", "note")
        )


def _post(client: Client, path: str, data: dict[str, Any], host: str = BANDUNG_HOST) -> Any:
    return client.post(path, json.dumps(data), content_type="application/json", HTTP_HOST=host)


# --- internal notes: service -------------------------------------------------------------------


def test_a_note_is_stored_and_audited_without_its_text_in_the_trail(scene: Bandung) -> None:
    with government_context(scene.government):
        note = report_note_add(
            acting_user=scene.lurah, tracking_number=scene.number, body="  Warga sekitar sudah ditanya. "
        )
        assert (note.body, note.author_id) == ("Warga sekitar sudah ditanya.", scene.lurah.pk)
    assert _trail(scene.government, scene.number)[-1] == ("received", "received", "Catatan internal ditambahkan.")


@pytest.mark.parametrize(("body", "code"), [("   ", "required"), ("x" * 2001, "too_long")])
def test_an_empty_or_too_long_note_is_refused_and_nothing_is_written(scene: Bandung, body: str, code: str) -> None:
    before = _trail(scene.government, scene.number)
    with government_context(scene.government), pytest.raises(ReportInvalid) as refused:
        report_note_add(acting_user=scene.lurah, tracking_number=scene.number, body=body)
    assert refused.value.errors["body"][0].code == code
    assert _trail(scene.government, scene.number) == before
    with government_context(scene.government):
        assert ReportInternalNote.objects.count() == 0


def test_someone_who_may_not_view_the_report_cannot_note_it(scene: Bandung) -> None:
    with government_context(scene.government), pytest.raises(ActionForbidden) as refused:
        report_note_add(acting_user=scene.petugas_dlh, tracking_number=scene.number, body="Bukan urusan kami.")
    assert refused.value.reason == "outside_unit"
    with government_context(scene.government):
        assert ReportInternalNote.objects.count() == 0


def test_another_governments_report_is_not_found_from_bandung(scene: Bandung, jakarta: Government) -> None:
    number = _jakarta_report()
    with government_context(scene.government), pytest.raises(ReportNotFound):
        report_note_add(acting_user=scene.kepala_pupr, tracking_number=number, body="Coba.")
    with government_context(jakarta):
        assert ReportInternalNote.objects.count() == 0


# --- internal notes: API -----------------------------------------------------------------------


def test_the_api_adds_and_lists_notes_for_officials_only(scene: Bandung) -> None:
    path = f"/api/v1/reports/{scene.number}/internal-notes/"
    lurah = signed_in_client(scene.lurah)
    created = _post(lurah, path, {"body": "Lubang makin lebar."})
    assert created.status_code == 201, created.content
    assert created.json()["body"] == "Lubang makin lebar."
    listed = signed_in_client(scene.kepala_pupr).get(path, HTTP_HOST=BANDUNG_HOST)
    assert [n["body"] for n in listed.json()] == ["Lubang makin lebar."]

    bad = _post(lurah, path, {"body": ""})
    assert (bad.status_code, bad.json()["error"]["fields"]["body"][0]["code"]) == (400, "required")
    citizen = _post(signed_in_client(scene.citizen), path, {"body": "Saya pelapornya."})
    assert citizen.status_code == 403
    # The public view of the report says nothing of the note.
    public = Client().get(f"/api/v1/reports/{scene.number}/", HTTP_HOST="localhost")
    assert "Lubang makin lebar" not in public.content.decode()
    with government_context(scene.government):
        assert ReportInternalNote.objects.count() == 1


def test_a_jakarta_number_on_the_bandung_host_is_404_and_changes_nothing(scene: Bandung, jakarta: Government) -> None:
    number = _jakarta_report()
    bandung_admin = signed_in_client(official_of(scene.government))
    before = _trail(jakarta, number)
    responses = [
        _post(bandung_admin, f"/api/v1/reports/{number}/internal-notes/", {"body": "Lihat."}),
        bandung_admin.get(f"/api/v1/reports/{number}/internal-notes/", HTTP_HOST=BANDUNG_HOST),
        _post(bandung_admin, f"/api/v1/reports/{number}/assign/", {"assignee_id": str(scene.petugas_pupr.pk)}),
    ]
    assert [r.status_code for r in responses] == [404, 404, 404]
    assert _trail(jakarta, number) == before
    with government_context(jakarta):
        assert (ReportInternalNote.objects.count(), ReportAssignment.objects.count()) == (0, 0)


# --- assignment: service -------------------------------------------------------------------------


def test_assigning_a_verified_report_starts_work_and_notifies_the_officer(
    scene: Bandung, django_capture_on_commit_callbacks: Any
) -> None:
    _verified(scene)
    with government_context(scene.government), django_capture_on_commit_callbacks():
        assignment = report_assign(
            acting_user=scene.kepala_pupr,
            tracking_number=scene.number,
            assignee_id=scene.petugas_pupr.pk,
            note="Hari ini.",
        )
    with government_context(scene.government):
        assert Report.objects.get(tracking_number=scene.number).status == "in_progress"
        assert ReportAssignment.objects.get(pk=assignment.pk).assignee_id == scene.petugas_pupr.pk
        told = Notification.objects.filter(recipient_id=scene.petugas_pupr.pk, kind=EventKind.REPORT_ASSIGNED)
        assert list(told.values_list("channel", flat=True).order_by("channel")) == [Channel.EMAIL, Channel.IN_APP]
        assert told.first().context["tracking_number"] == scene.number  # type: ignore[union-attr]
    assert _trail(scene.government, scene.number)[-1][:2] == ("verified", "in_progress")
    assert "Ditugaskan kepada Petugas Lapangan" in _trail(scene.government, scene.number)[-1][2]


def test_reassigning_ends_the_earlier_assignment_and_the_same_person_twice_changes_nothing(scene: Bandung) -> None:
    _verified(scene)
    from tests.frontend.office.conftest import PUPR, seat

    second = seat(scene.government, kind="petugas_lapangan", name=PUPR)
    with government_context(scene.government):
        first = report_assign(
            acting_user=scene.kepala_pupr, tracking_number=scene.number, assignee_id=scene.petugas_pupr.pk
        )
        again = report_assign(
            acting_user=scene.kepala_pupr, tracking_number=scene.number, assignee_id=scene.petugas_pupr.pk
        )
        assert again.pk == first.pk
        report_assign(acting_user=scene.kepala_pupr, tracking_number=scene.number, assignee_id=second.pk)
        current = ReportAssignment.objects.filter(ended_at__isnull=True)
        assert list(current.values_list("assignee_id", flat=True)) == [second.pk]
        assert ReportAssignment.objects.get(pk=first.pk).ended_at is not None


@pytest.mark.parametrize("who", ["petugas_dlh", "citizen", "lurah"])
def test_only_a_field_officer_of_the_handling_unit_can_be_assigned(scene: Bandung, who: str) -> None:
    _verified(scene)
    before = _trail(scene.government, scene.number)
    with government_context(scene.government), pytest.raises(ReportInvalid) as refused:
        report_assign(acting_user=scene.kepala_pupr, tracking_number=scene.number, assignee_id=getattr(scene, who).pk)
    assert refused.value.errors["assignee_id"][0].code == "not_field_officer"
    assert _trail(scene.government, scene.number) == before
    with government_context(scene.government):
        assert ReportAssignment.objects.count() == 0
        assert Notification.objects.filter(kind=EventKind.REPORT_ASSIGNED).count() == 0


def test_a_report_not_yet_verified_cannot_be_assigned(scene: Bandung) -> None:
    with government_context(scene.government), pytest.raises(ReportInvalid) as refused:
        report_assign(acting_user=scene.kepala_pupr, tracking_number=scene.number, assignee_id=scene.petugas_pupr.pk)
    assert refused.value.errors["report"][0].code == "not_assignable"


def test_someone_who_may_not_act_cannot_assign(scene: Bandung) -> None:
    _verified(scene)
    with government_context(scene.government), pytest.raises(ActionForbidden) as refused:
        report_assign(acting_user=scene.lurah, tracking_number=scene.number, assignee_id=scene.petugas_pupr.pk)
    assert refused.value.reason == "outside_unit"
    with government_context(scene.government):
        assert ReportAssignment.objects.count() == 0


# --- assignment: API ----------------------------------------------------------------------------


def test_the_api_assigns_and_answers_bad_input_in_words(scene: Bandung) -> None:
    _verified(scene)
    path = f"/api/v1/reports/{scene.number}/assign/"
    kepala = signed_in_client(scene.kepala_pupr)
    lurah = signed_in_client(scene.lurah)
    with assert_nothing_changed(scene.government):
        malformed = _post(kepala, path, {"assignee_id": "bukan-uuid"})
        wrong = _post(kepala, path, {"assignee_id": str(scene.petugas_dlh.pk)})
        refused = _post(lurah, path, {"assignee_id": str(scene.petugas_pupr.pk)})
    assert (malformed.status_code, list(malformed.json()["error"]["fields"])) == (400, ["assignee_id"])
    assert wrong.status_code == 400
    assert "bukan petugas lapangan" in wrong.json()["error"]["fields"]["assignee_id"][0]["message"]
    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "outside_unit")

    done = _post(kepala, path, {"assignee_id": str(scene.petugas_pupr.pk), "note": "Segera."})
    assert done.status_code == 200, done.content
    assert (done.json()["assignee_id"], done.json()["status"]) == (str(scene.petugas_pupr.pk), "in_progress")
