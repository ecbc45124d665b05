"""Moving a report being worked to another unit of the same government: the service (who may,
the audit trail, the new unit's heads told, the deadline kept, the old field officer relieved),
the API and the officials' page, bad input, and another government's unit and report."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.db.models import Max
from django.test import Client

from tenants.context import government_context, tenant_connection
from tenants.models import Government
from tests.api.helpers import signed_in_client
from tests.factories import UserFactory
from tests.frontend.office.conftest import BANDUNG_HOST, DLH, PUPR, Bandung, seat
from tests.personas import official_of
from tests.warga.reports.helpers import JAKARTA_POINT, JAKARTA_VILLAGE, submit
from warga.access.policy import ActionForbidden
from warga.accounts.models import User
from warga.notifications.models import EventKind, Notification
from warga.organization.models import Position, PositionKind, Unit, UnitKind
from warga.reports.errors import ReportInvalid, ReportNotFound
from warga.reports.models import Report, ReportAssignment, ReportEvent
from warga.reports.services import report_assign, report_priority_set, report_transition, report_unit_transfer
from warga.routing.models import ReportRouting, RoutingAuditEvent, Target
from warga.routing.selectors import inbox_for_official


@pytest.fixture
def kepala_dlh(scene: Bandung) -> User:
    return seat(scene.government, kind=PositionKind.KEPALA_DINAS, name=DLH)


def _in_progress(scene: Bandung) -> None:
    with government_context(scene.government):
        report_transition(acting_user=scene.kepala_pupr, tracking_number=scene.number, to_status="verified")
        report_assign(acting_user=scene.kepala_pupr, tracking_number=scene.number, assignee_id=scene.petugas_pupr.pk)


def _unit(government: Government, name: str) -> int:
    with government_context(government):
        return Unit.objects.get(name=name).pk


def _state(government: Government, number: str) -> tuple[Any, ...]:
    """Everything a transfer writes, to check that a refusal wrote none of it."""
    with government_context(government):
        report = Report.objects.get(tracking_number=number)
        routing = ReportRouting.objects.filter(report_id=report.pk).first()
        return (
            report.status,
            report.unit_id,
            ReportEvent.objects.filter(report=report).count(),
            ReportAssignment.objects.filter(report=report, ended_at__isnull=True).count(),
            (routing.handling_unit_id, routing.position_ids, routing.steps) if routing else None,
            RoutingAuditEvent.objects.filter(kind="report.unit_transferred").count(),
            Notification.objects.filter(kind=EventKind.REPORT_UNIT_TRANSFERRED).count(),
        )


def test_a_report_in_progress_moves_to_another_unit_keeping_its_deadline(
    scene: Bandung, kepala_dlh: User, django_capture_on_commit_callbacks: Any
) -> None:
    _in_progress(scene)
    dlh = _unit(scene.government, DLH)
    with government_context(scene.government):
        report = Report.objects.get(tracking_number=scene.number)
        routing = ReportRouting.objects.get(report_id=report.pk)
        due_before, step_before = routing.running_due_at, routing.current_step
        pupr_positions = set(Position.objects.filter(unit__name=PUPR).values_list("id", flat=True))
        dlh_head = Position.objects.get(unit_id=dlh, kind=PositionKind.KEPALA_DINAS).pk
        assert pupr_positions & set(routing.position_ids)
        with django_capture_on_commit_callbacks():
            moved = report_unit_transfer(
                acting_user=scene.kepala_pupr,
                tracking_number=scene.number,
                unit_id=dlh,
                note="Ini sampah, bukan jalan.",
            )
        assert (moved.status, moved.unit_id) == ("in_progress", dlh)
        routing.refresh_from_db()
        # The citizen's clock does not restart: same running deadline, same step.
        assert (routing.running_due_at, routing.current_step) == (due_before, step_before)
        assert routing.handling_unit_id == dlh
        assert dlh_head in routing.position_ids
        assert not pupr_positions & set(routing.position_ids)
        for number, step in enumerate(routing.steps):
            if number >= routing.current_step and step["target"] == Target.HANDLING_HEAD:
                assert step["position_ids"] == [dlh_head]
        # The field officer of the old unit is relieved.
        assert not ReportAssignment.objects.filter(report=moved, ended_at__isnull=True).exists()
        last = ReportEvent.objects.filter(report=moved).order_by("id").last()
        assert last is not None
        assert (last.from_status, last.to_status, last.actor_id) == (
            "in_progress",
            "in_progress",
            scene.kepala_pupr.pk,
        )
        assert last.note.startswith(f"Dipindahkan dari {PUPR} ke {DLH}: Ini sampah, bukan jalan.")
        audit = RoutingAuditEvent.objects.get(kind="report.unit_transferred", report_id=moved.pk)
        assert (audit.actor_id, audit.detail["from_unit_id"], audit.detail["to_unit_id"]) == (
            scene.kepala_pupr.pk,
            Unit.objects.get(name=PUPR).pk,
            dlh,
        )
        assert audit.detail["recipients"] == [str(kepala_dlh.pk)]
        told = Notification.objects.filter(kind=EventKind.REPORT_UNIT_TRANSFERRED)
        assert set(told.values_list("recipient_id", flat=True)) == {kepala_dlh.pk}
        assert told.first().context["from_unit"] == PUPR  # type: ignore[union-attr]

        # Acting on it is now the new unit's: the old head is refused, the new one may.
        with pytest.raises(ActionForbidden):
            report_priority_set(acting_user=scene.kepala_pupr, report_id=moved.pk, priority="high", note="Cepat.")
        report_priority_set(acting_user=kepala_dlh, report_id=moved.pk, priority="high", note="Cepat.")
        assert [r.tracking_number for r in inbox_for_official(user_id=kepala_dlh.pk).reports] == [scene.number]
        assert scene.number not in [r.tracking_number for r in inbox_for_official(user_id=scene.kepala_pupr.pk).reports]
        # The lurah of the report's kelurahan still knows of it.
        assert [r.tracking_number for r in inbox_for_official(user_id=scene.lurah.pk).reports] == [scene.number]


def test_refusals_write_nothing(scene: Bandung, kepala_dlh: User) -> None:
    dlh = _unit(scene.government, DLH)
    pupr = _unit(scene.government, PUPR)
    with government_context(scene.government):
        root = Unit.objects.get(kind=UnitKind.GOVERNMENT)
        pln = Unit.objects.create(parent=root, kind=UnitKind.EXTERNAL, name="PLN UP3 Bandung").pk
        ended = Unit.objects.create(
            parent=root, kind=UnitKind.AGENCY, name="Dinas Lama", ended_on=datetime.date(2025, 1, 1)
        ).pk
        missing = (Unit.objects.aggregate(top=Max("id"))["top"] or 0) + 1000
        # Received, not yet worked: disposing is verification's job.
        with pytest.raises(ReportInvalid) as refused:
            report_unit_transfer(
                acting_user=scene.kepala_pupr, tracking_number=scene.number, unit_id=dlh, note="Pindah."
            )
        assert refused.value.errors["report"][0].code == "not_transferable"
    _in_progress(scene)
    before = _state(scene.government, scene.number)
    cases = [
        (scene.kepala_pupr, missing, "Pindah.", "unit_id", "unknown_unit"),
        (scene.kepala_pupr, pln, "Pindah.", "unit_id", "external_unit"),
        (scene.kepala_pupr, ended, "Pindah.", "unit_id", "unit_ended"),
        (scene.kepala_pupr, pupr, "Pindah.", "unit_id", "same_unit"),
        (scene.kepala_pupr, dlh, "   ", "note", "note_required"),
        (scene.kepala_pupr, dlh, "x" * 2001, "note", "too_long"),
    ]
    with government_context(scene.government):
        for actor, unit_id, note, field, code in cases:
            with pytest.raises(ReportInvalid) as refused:
                report_unit_transfer(acting_user=actor, tracking_number=scene.number, unit_id=unit_id, note=note)
            assert refused.value.errors[field][0].code == code
        # A lurah, the new unit's own head and the field officer may not move PUPR's report.
        for actor in (scene.lurah, kepala_dlh, scene.petugas_dlh):
            with pytest.raises(ActionForbidden):
                report_unit_transfer(acting_user=actor, tracking_number=scene.number, unit_id=dlh, note="Pindah.")
    assert _state(scene.government, scene.number) == before


def _jakarta(jakarta: Government, bandung: Government) -> tuple[str, int]:
    """A Jakarta report and a Jakarta unit whose id no Bandung unit has."""
    number = submit(
        UserFactory(), latitude=JAKARTA_POINT[0], longitude=JAKARTA_POINT[1], village_code=JAKARTA_VILLAGE
    ).tracking_number
    with government_context(bandung):
        beyond = (Unit.objects.aggregate(top=Max("id"))["top"] or 0) + 500
    with government_context(jakarta):
        root = Unit.objects.get(kind=UnitKind.GOVERNMENT)
        unit = Unit.objects.create(pk=beyond, parent=root, kind=UnitKind.AGENCY, name="Dinas Bina Marga DKI")
    return number, unit.pk


def test_another_governments_unit_and_report_are_refused_and_nothing_changes(
    scene: Bandung, jakarta: Government
) -> None:
    _in_progress(scene)
    number, jakarta_unit = _jakarta(jakarta, scene.government)
    tenant_connection().set_schema_to_public()
    before = _state(scene.government, scene.number)
    jakarta_before = _state(jakarta, number)
    with government_context(scene.government):
        with pytest.raises(ReportInvalid) as refused:
            report_unit_transfer(
                acting_user=scene.kepala_pupr, tracking_number=scene.number, unit_id=jakarta_unit, note="Ke Jakarta."
            )
        assert refused.value.errors["unit_id"][0].code == "unknown_unit"
        with pytest.raises(ReportNotFound):
            report_unit_transfer(
                acting_user=scene.kepala_pupr,
                tracking_number=number,
                unit_id=_unit(scene.government, DLH),
                note="Coba.",
            )
    api = signed_in_client(scene.kepala_pupr)
    refused_api = _post(api, scene.number, {"unit_id": jakarta_unit, "note": "Ke Jakarta."})
    assert refused_api.status_code == 400
    assert refused_api.json()["error"]["fields"]["unit_id"][0]["code"] == "unknown_unit"
    admin = signed_in_client(official_of(scene.government))
    assert _post(admin, number, {"unit_id": _unit(scene.government, DLH), "note": "Coba."}).status_code == 404
    page = admin.post(
        f"/kantor/laporan/{number}/pindahkan/",
        {"pindahkan-unit": _unit(scene.government, DLH), "pindahkan-alasan": "Coba."},
        HTTP_HOST=BANDUNG_HOST,
    )
    assert page.status_code == 404
    assert _state(scene.government, scene.number) == before
    assert _state(jakarta, number) == jakarta_before


def _post(client: Client, number: str, data: dict[str, Any]) -> Any:
    return client.post(
        f"/api/v1/reports/{number}/unit-transfer/",
        json.dumps(data),
        content_type="application/json",
        HTTP_HOST=BANDUNG_HOST,
    )


def test_the_api_moves_and_answers_in_words(scene: Bandung, kepala_dlh: User) -> None:
    _in_progress(scene)
    dlh = _unit(scene.government, DLH)
    kepala = signed_in_client(scene.kepala_pupr)
    bad = _post(kepala, scene.number, {"unit_id": "DLH", "note": "Pindah."})
    assert (bad.status_code, list(bad.json()["error"]["fields"])) == (400, ["unit_id"])
    empty = _post(kepala, scene.number, {"unit_id": dlh, "note": ""})
    assert empty.status_code == 400
    assert "alasan" in empty.json()["error"]["fields"]["note"][0]["message"]
    refused = _post(signed_in_client(scene.lurah), scene.number, {"unit_id": dlh, "note": "Pindah."})
    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "outside_unit")
    done = _post(kepala, scene.number, {"unit_id": dlh, "note": "Urusan sampah."})
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "in_progress"
    with government_context(scene.government):
        assert Report.objects.get(tracking_number=scene.number).unit_id == dlh


def test_the_page_moves_without_javascript_and_shows_refusals_by_the_field(scene: Bandung, kepala_dlh: User) -> None:
    _in_progress(scene)
    dlh = _unit(scene.government, DLH)
    kepala = signed_in_client(scene.kepala_pupr)
    path = f"/kantor/laporan/{scene.number}/"
    shown = kepala.get(path, HTTP_HOST=BANDUNG_HOST).content.decode()
    assert 'action="/kantor/laporan/' + scene.number + '/pindahkan/"' in shown
    assert f'<option value="{dlh}">' in shown
    empty = kepala.post(path + "pindahkan/", {"pindahkan-unit": dlh, "pindahkan-alasan": ""}, HTTP_HOST=BANDUNG_HOST)
    assert empty.status_code == 400
    with government_context(scene.government):
        assert Report.objects.get(tracking_number=scene.number).unit_id is None
    moved = kepala.post(
        path + "pindahkan/", {"pindahkan-unit": dlh, "pindahkan-alasan": "Urusan sampah."}, HTTP_HOST=BANDUNG_HOST
    )
    assert (moved.status_code, moved["Location"]) == (302, f"{path}#hasil")
    with government_context(scene.government):
        assert Report.objects.get(tracking_number=scene.number).unit_id == dlh
    # The report is no longer PUPR's: its head cannot open it any more, DLH's head can and may move it on.
    assert kepala.get(path, HTTP_HOST=BANDUNG_HOST).status_code == 403
    page = signed_in_client(kepala_dlh).get(path, HTTP_HOST=BANDUNG_HOST).content.decode()
    assert f"Dipindahkan dari {PUPR} ke {DLH}: Urusan sampah." in page
    assert "/pindahkan/" in page
