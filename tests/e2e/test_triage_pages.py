"""The triage desk (national host) and a government's offers page in a real browser: each
decision is confirmed once, in the layout's notice (green when done, red with role "alert"
when refused), and each state passes the page checks at 360 and 1280 px (axe-core, no sideways
scroll), photographed for docs/screenshots/.

A report from Kabupaten Bogor (no government on Warga) waits at the desk; two reports a Bandung
official sent to the desk are offered back to Kota Bandung. Everything is committed (the live
server reads it) and removed afterwards, with the tracking counters put back.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import timezone

from tenants.context import government_context
from tenants.models import Government
from tests.e2e.pages import check_page, notices, said_once
from tests.e2e.sessions import signed_in_page, signed_in_session
from tests.e2e.test_office_report_flow import remove_reports
from tests.personas import membership_in, verified_user, with_totp
from tests.warga.reports.helpers import BOGOR_POINT, BOGOR_VILLAGE, submit
from warga.accounts.models import User
from warga.intake.models import ReportIndex
from warga.intake.services import report_move
from warga.notifications.models import Notification
from warga.organization.models import Membership
from warga.outbox.models import OutboxEvent
from warga.reports.models import Report, ReportForward, TrackingCounter
from warga.routing.models import ReportRouting, RoutingAuditEvent
from warga.triage.models import Offer, OfferStatus, TriageHold
from warga.triage.services import offer_decline

NATIONAL_HOST = "nasional.localhost"
BANDUNG_HOST = "kota-bandung.localhost"


@dataclass
class Desk:
    desk_session: str
    admin_session: str
    colleague: User
    at_desk: str
    offered: list[str]


@pytest.fixture
def desk(committed_db: None) -> Iterator[Desk]:
    national = Government.objects.get(level="national")
    bandung = Government.objects.get(code="32.73")
    counters = {}
    for government in (national, bandung):
        with government_context(government):
            counters[government.pk] = dict(TrackingCounter.objects.values_list("year", "last_value"))
    marker = uuid.uuid4().hex[:8]
    overseer = with_totp(verified_user(f"pengawas-{marker}@nasional.go.id", full_name="Ratna Pengawas"))
    admin = with_totp(verified_user(f"admin-{marker}@bandung.go.id", full_name="Dani Admin"))
    colleague = with_totp(verified_user(f"rekan-{marker}@bandung.go.id", full_name="Rekan Admin"))
    citizen = verified_user(f"warga-{marker}@example.id")
    people = [overseer, admin, colleague, citizen]
    seats = [
        (national, membership_in(national, overseer, kind="pengawas_nasional")),
        (bandung, membership_in(bandung, admin)),
        (bandung, membership_in(bandung, colleague)),
    ]
    # Ids a report leaves behind on the side it moves away from (routing audit, outbox).
    left: dict[int, list[int]] = {national.pk: [], bandung.pk: []}
    at_desk = submit(
        citizen,
        latitude=BOGOR_POINT[0],
        longitude=BOGOR_POINT[1],
        village_code=BOGOR_VILLAGE,
        description="Jembatan gantung di Cibinong putus sebagian, warga memutar lima kilometer.",
    ).tracking_number
    with government_context(national):
        left[national.pk].append(Report.objects.get(tracking_number=at_desk).pk)
    offered = []
    for description in (
        "Saluran primer di Jalan Soekarno-Hatta meluap setiap hujan deras.",
        "Tanggul sungai Cikapundung retak sepanjang sepuluh meter.",
    ):
        number = submit(citizen, description=description).tracking_number
        with government_context(bandung):
            left[bandung.pk].append(Report.objects.get(tracking_number=number).pk)
        report_move(
            acting_user=admin,
            tracking_number=number,
            from_government=bandung,
            to_government_code="NAS",
            note="Saluran milik BBWS, bukan wewenang kota",
        )
        with government_context(national):
            report = Report.objects.get(tracking_number=number)
        # The offer the desk makes when a government becomes ready (offers_for_government),
        # written for these two reports only: the desk may hold other tests' reports too.
        Offer.objects.create(
            tracking_number=number,
            government=bandung,
            type=report.type,
            category_code=report.category_code,
            district_code=report.district_code,
            village_code=report.village_code,
            report_created_at=report.created_at,
            offered_at=timezone.now(),
        )
        offered.append(number)
    sessions = [signed_in_session(overseer), signed_in_session(admin)]
    try:
        yield Desk(
            desk_session=sessions[0], admin_session=sessions[1], colleague=colleague, at_desk=at_desk, offered=offered
        )
    finally:
        numbers = [at_desk, *offered]
        Offer.objects.filter(tracking_number__in=numbers).delete()
        TriageHold.objects.filter(tracking_number__in=numbers).delete()
        for government in (national, bandung):
            remove_reports(government, numbers, counters[government.pk])
            with government_context(government):
                old = left[government.pk]
                OutboxEvent.objects.filter(aggregate_type="report", aggregate_id__in=old).delete()
                RoutingAuditEvent.objects.filter(report_id__in=old).delete()
                ReportRouting.objects.filter(report_id__in=old).delete()
                Notification.objects.filter(report_id__in=old).delete()
                ReportForward.objects.filter(tracking_number__in=numbers).delete()
                Notification.objects.filter(recipient_id__in=[person.pk for person in people]).delete()
        ReportIndex.objects.filter(tracking_number__in=numbers).delete()
        for government, seat in seats:
            with government_context(government):
                Membership.objects.filter(pk=seat.pk).delete()
        Session.objects.filter(session_key__in=sessions).delete()
        Authenticator.objects.filter(user__in=people).delete()
        User.objects.filter(pk__in=[person.pk for person in people]).delete()
        connection.close()


def test_the_desk_holds_releases_and_assigns_saying_each_once(browser: Any, site_port: int, desk: Desk) -> None:
    page = signed_in_page(browser, desk.desk_session, NATIONAL_HOST)
    origin = f"http://{NATIONAL_HOST}:{site_port}"
    number = desk.at_desk
    try:
        page.goto(f"{origin}/meja-triase/laporan/{number}/")
        # The category by its name, as the citizen chose it, not by its code.
        assert "Pengaduan · Jalan rusak atau berlubang" in page.locator("main dl").inner_text()
        page.get_by_label("Alasan menahan").fill("Titik lokasi diragukan, menunggu foto baru")
        with page.expect_navigation():
            page.get_by_role("button", name="Tahan").click()
        held = f"Laporan {number} ditahan."
        assert notices(page) == [(f"{held} (The report is on hold.)", "notice notice--success", "status")]
        said_once(page, held)
        # The trail names statuses as the status line does, not by their codes.
        trail = page.get_by_role("table", name="Jejak").inner_text()
        assert "— → Diterima" in trail
        assert "received" not in trail
        check_page(page, "national/triage-report-held")

        page.get_by_label("Catatan (tidak wajib)").last.fill("Foto baru sudah masuk")
        with page.expect_navigation():
            page.get_by_role("button", name="Lepaskan").click()
        released = f"Penahanan laporan {number} dilepas."
        assert [text for text, _, _ in notices(page)] == [f"{released} (The hold is released.)"]
        said_once(page, released)

        page.get_by_label("Pemerintah tujuan (kode Kemendagri)").fill("32.73")
        with page.expect_navigation():
            page.get_by_role("button", name="Tugaskan").click()
        assert page.url == f"{origin}/meja-triase/"
        assigned = f"Laporan {number} ditugaskan ke Kota Bandung."
        assert notices(page) == [(f"{assigned} (Assigned to Kota Bandung.)", "notice notice--success", "status")]
        said_once(page, assigned)
        queue = page.get_by_role("table", name="Antrean").inner_text()
        assert "Jalan rusak atau berlubang · Pengaduan" in queue
        assert "jalan_rusak" not in queue
        check_page(page, "national/triage-queue-assigned")
        # Shown once means consumed: the next page says nothing.
        page.reload()
        assert notices(page) == []
    finally:
        page.context.close()


def test_the_offers_page_says_a_decline_once_and_a_late_accept_once_in_red(
    browser: Any, site_port: int, desk: Desk
) -> None:
    page = signed_in_page(browser, desk.admin_session, BANDUNG_HOST)
    origin = f"http://{BANDUNG_HOST}:{site_port}"
    declined, late = desk.offered
    bandung = Government.objects.get(code="32.73")
    try:
        page.goto(f"{origin}/tawaran-triase/")
        section = page.get_by_role("region", name=declined)
        assert "Pengaduan · Jalan rusak atau berlubang · " in section.inner_text()
        section.get_by_label("Alasan menolak").fill("Saluran primer milik BBWS Citarum")
        with page.expect_navigation():
            section.get_by_role("button", name="Tolak").click()
        said = f"Tawaran laporan {declined} ditolak; laporan tetap di meja triase nasional."
        assert notices(page) == [
            (f"{said} (Declined; the report stays at the national desk.)", "notice notice--success", "status")
        ]
        said_once(page, said)
        check_page(page, "government/triage-offers-declined")

        # A colleague declines the other offer while this page is open; accepting it then is
        # refused, once, in red.
        offer = Offer.objects.get(tracking_number=late, government=bandung)
        offer_decline(acting_user=desk.colleague, government=bandung, offer_id=offer.pk, reason="Milik provinsi")
        with page.expect_navigation():
            page.get_by_role("button", name=f"Terima laporan {late}").click()
        shown = notices(page)
        assert len(shown) == 1, shown
        text, classes, role = shown[0]
        # The refusal names the report: its offer is no longer listed to show it by.
        assert text == f"Tawaran laporan {late} sudah diputuskan (Ditolak)."
        assert (classes, role) == ("notice notice--error", "alert")
        said_once(page, text)
        offer.refresh_from_db()
        assert offer.status == OfferStatus.DECLINED
        assert ReportIndex.objects.get(tracking_number=late).government.level == "national"
        check_page(page, "government/triage-offers-refused")
    finally:
        page.context.close()
