"""Forwarding a report to an external organisation (PLN): by email, the report stays open, the
answer is entered later; bad input refused by field; another government's report is 404."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core import mail

from tenants.context import government_context, tenant_connection
from tenants.models import Government
from tests.api.helpers import signed_in_client
from tests.factories import UserFactory
from tests.frontend.office.conftest import BANDUNG_HOST, Bandung
from tests.personas import official_of
from tests.warga.reports.helpers import JAKARTA_POINT, JAKARTA_VILLAGE, submit
from warga.access.policy import ActionForbidden
from warga.organization.models import Unit, UnitKind
from warga.reports.errors import ReportInvalid
from warga.reports.models import ExternalForward, Report, ReportEvent
from warga.reports.services import report_forward_answer, report_forward_external


def _pln(government: Government) -> int:
    with government_context(government):
        root = Unit.objects.get(kind=UnitKind.GOVERNMENT)
        return Unit.objects.create(parent=root, kind=UnitKind.EXTERNAL, name="PLN UP3 Bandung").pk


def test_forwarding_emails_the_organisation_and_keeps_the_report_open(
    scene: Bandung, django_capture_on_commit_callbacks: Any
) -> None:
    pln = _pln(scene.government)
    with government_context(scene.government), django_capture_on_commit_callbacks(execute=True):
        forward = report_forward_external(
            acting_user=scene.kepala_pupr,
            tracking_number=scene.number,
            unit_id=pln,
            contact_email="Pengaduan@PLN.co.id",
            note="Tiang listrik miring di lokasi.",
        )
    assert [m.to for m in mail.outbox] == [["pengaduan@pln.co.id"]]
    assert scene.number in mail.outbox[0].subject
    assert "Jalan berlubang besar" in mail.outbox[0].body
    assert scene.citizen.email not in mail.outbox[0].body
    with government_context(scene.government):
        assert Report.objects.get(tracking_number=scene.number).status == "received"
        assert ReportEvent.objects.filter(note__startswith="Diteruskan ke PLN UP3 Bandung").count() == 1
        report_forward_answer(acting_user=scene.kepala_pupr, forward_id=forward.pk, answer="Tiang diganti besok.")
        assert ExternalForward.objects.get(pk=forward.pk).answer == "Tiang diganti besok."


def test_bad_input_and_people_who_may_not_are_refused(scene: Bandung) -> None:
    pln = _pln(scene.government)
    with government_context(scene.government):
        pupr = Unit.objects.get(name="Dinas Pekerjaan Umum dan Penataan Ruang").pk
        with pytest.raises(ReportInvalid) as refused:
            report_forward_external(
                acting_user=scene.kepala_pupr, tracking_number=scene.number, unit_id=pupr, contact_email="x", note=""
            )
        assert set(refused.value.errors) == {"unit_id", "contact_email", "note"}
        with pytest.raises(ActionForbidden):
            report_forward_external(
                acting_user=scene.lurah,
                tracking_number=scene.number,
                unit_id=pln,
                contact_email="a@pln.co.id",
                note="Cek.",
            )
        assert ExternalForward.objects.count() == 0
    assert mail.outbox == []


def test_the_api_and_the_page_forward_and_a_jakarta_number_is_404(scene: Bandung, jakarta: Government) -> None:
    pln = _pln(scene.government)
    kepala = signed_in_client(scene.kepala_pupr)
    created = kepala.post(
        f"/api/v1/reports/{scene.number}/external-forwards/",
        json.dumps({"unit_id": pln, "contact_email": "a@pln.co.id", "note": "Periksa kabel."}),
        content_type="application/json",
        HTTP_HOST=BANDUNG_HOST,
    )
    assert created.status_code == 201, created.content
    answered = kepala.post(
        f"/kantor/laporan/{scene.number}/jawaban/",
        {"jawaban-penerusan": created.json()["id"], "jawaban-jawaban": "Sudah diperbaiki PLN."},
        HTTP_HOST=BANDUNG_HOST,
    )
    assert answered.status_code == 302
    page = kepala.get(f"/kantor/laporan/{scene.number}/", HTTP_HOST=BANDUNG_HOST).content.decode()
    assert "Sudah diperbaiki PLN." in page

    tenant_connection().set_schema_to_public()
    number = submit(
        UserFactory(), latitude=JAKARTA_POINT[0], longitude=JAKARTA_POINT[1], village_code=JAKARTA_VILLAGE
    ).tracking_number
    admin = signed_in_client(official_of(scene.government))
    response = admin.post(
        f"/kantor/laporan/{number}/teruskan/",
        {"teruskan-unit": pln, "teruskan-email": "a@pln.co.id", "teruskan-alasan": "Coba."},
        HTTP_HOST=BANDUNG_HOST,
    )
    assert response.status_code == 404
    with government_context(jakarta):
        assert ExternalForward.objects.count() == 0
