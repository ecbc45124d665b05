"""The console's privacy, branding and audit log pages."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from html import unescape

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.html import escape
from PIL import Image

from tenants.context import government_context
from tenants.models import Government
from tests.frontend.console.helpers import BANDUNG, JAKARTA, admin_client, lurah_client
from warga.access.policy import ROLE_MESSAGES, Action
from warga.audit_log import AuditFilter, audit_entries_all
from warga.organization.models import Branding, OrganizationEvent, Unit
from warga.privacy.models import PrivacySettings
from warga.reports.models import ReportEvent
from warga.routing.models import RoutingAuditEvent
from warga.workcalendar.models import CalendarAuditEvent


def _png() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (64, 64), (0, 60, 120)).save(out, "PNG")
    return SimpleUploadedFile("logo.png", out.getvalue(), content_type="image/png")


def _untouched(government: Government) -> bool:
    with government_context(government):
        return not (Branding.objects.exists() or PrivacySettings.objects.exists() or OrganizationEvent.objects.exists())


def test_the_admin_saves_privacy_settings(bandung: Government) -> None:
    browser = admin_client(bandung)
    assert browser.get("/kantor/admin/privasi/", HTTP_HOST=BANDUNG).status_code == 200
    saved = browser.post(
        "/kantor/admin/privasi/", {"retention_days": "365", "identity_viewer_kind": "walikota"}, HTTP_HOST=BANDUNG
    )
    assert saved.status_code == 302
    with government_context(bandung):
        assert list(PrivacySettings.objects.values_list("retention_days", "identity_viewer_kind")) == [
            (365, "walikota")
        ]
    refused = browser.post(
        "/kantor/admin/privasi/", {"retention_days": "10", "identity_viewer_kind": "walikota"}, HTTP_HOST=BANDUNG
    )
    assert refused.status_code == 400
    assert 'id="id_retention_days-error"' in refused.content.decode()


def test_the_admin_saves_branding_and_a_bad_logo_is_explained(bandung: Government) -> None:
    browser = admin_client(bandung)
    assert browser.get("/kantor/admin/tampilan/", HTTP_HOST=BANDUNG).status_code == 200
    refused = browser.post(
        "/kantor/admin/tampilan/",
        {
            "display_name": "Pemkot Bandung",
            "colour": "#1d4ed8",
            "logo": SimpleUploadedFile("logo.png", b"bukan gambar", content_type="image/png"),
        },
        HTTP_HOST=BANDUNG,
    )
    assert refused.status_code == 400
    assert 'id="id_logo-error">Logo bukan gambar JPEG, PNG, WebP atau HEIC yang utuh.' in refused.content.decode()
    assert _untouched(bandung)
    saved = browser.post(
        "/kantor/admin/tampilan/",
        {"display_name": "Pemkot Bandung", "colour": "#1d4ed8", "logo": _png()},
        HTTP_HOST=BANDUNG,
    )
    assert saved.status_code == 302
    page = browser.get("/kantor/admin/tampilan/", HTTP_HOST=BANDUNG).content.decode()
    assert '<span class="brand__sub">Pemkot Bandung</span>' in page
    assert '<link rel="stylesheet" href="/merek.css?v=1d4ed8">' in page


def test_the_audit_log_lists_filters_and_exports(bandung: Government) -> None:
    browser = admin_client(bandung)
    with government_context(bandung):
        root = Unit.objects.get(kind="government")
    browser.post("/kantor/admin/unit/", {"name": "Dinas Audit", "kind": "agency", "parent": root.pk}, HTTP_HOST=BANDUNG)
    browser.post(
        "/kantor/admin/kalender/",
        {"aksi": "sla", "sla-category": "banjir", "sla-step": "verify", "sla-working_days": "2"},
        HTTP_HOST=BANDUNG,
    )
    page = browser.get("/kantor/admin/audit/", HTTP_HOST=BANDUNG)
    assert page.status_code == 200
    html = page.content.decode()
    assert "unit.create" in html
    assert "sla_target.set" in html
    only_calendar = browser.get("/kantor/admin/audit/?sumber=calendar", HTTP_HOST=BANDUNG).content.decode()
    assert "sla_target.set" in only_calendar
    assert "unit.create" not in only_calendar
    exported = browser.get("/kantor/admin/audit/?sumber=organization&format=csv", HTTP_HOST=BANDUNG)
    assert exported["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(b"".join(exported.streaming_content).decode())))  # type: ignore[arg-type]
    assert rows[0] == ["waktu", "sumber", "pelaku", "jenis", "objek", "rincian"]
    assert [(row[1], row[3]) for row in rows[1:]] == [("organization", "unit.create")]
    assert "Dinas Audit" in rows[1][5]
    bad = browser.get("/kantor/admin/audit/?dari=kemarin", HTTP_HOST=BANDUNG)
    assert bad.status_code == 400


def test_others_are_refused_with_nothing_changed(bandung: Government, jakarta: Government) -> None:
    lurah = lurah_client(bandung)
    for path, action in (
        ("/kantor/admin/privasi/", Action.SETTINGS_EDIT),
        ("/kantor/admin/tampilan/", Action.SETTINGS_EDIT),
        ("/kantor/admin/audit/", Action.AUDIT_VIEW),
    ):
        refused = lurah.get(path, HTTP_HOST=BANDUNG)
        assert refused.status_code == 403
        assert escape(ROLE_MESSAGES[action]) in refused.content.decode()
    assert (
        lurah.post(
            "/kantor/admin/privasi/", {"retention_days": "30", "identity_viewer_kind": "lurah"}, HTTP_HOST=BANDUNG
        ).status_code
        == 403
    )
    bandung_admin = admin_client(bandung)
    assert (
        bandung_admin.post(
            "/kantor/admin/tampilan/", {"display_name": "Diambil alih", "colour": "#000000"}, HTTP_HOST=JAKARTA
        ).status_code
        == 403
    )
    assert (
        bandung_admin.post(
            "/kantor/admin/privasi/", {"retention_days": "30", "identity_viewer_kind": "lurah"}, HTTP_HOST=JAKARTA
        ).status_code
        == 403
    )
    assert bandung_admin.get("/kantor/admin/audit/?format=csv", HTTP_HOST=JAKARTA).status_code == 403
    assert _untouched(bandung)
    assert _untouched(jakarta)


def _many_events(government: Government, *, kind: str, count: int) -> None:
    """`count` organisation, calendar and routing events in `government`, ten to a timestamp
    (ties in time across trails and within one), spread over the last days."""
    now = timezone.now()
    with government_context(government):
        OrganizationEvent.objects.bulk_create(
            OrganizationEvent(
                action=f"{kind}.org", object_id=n, data={"n": n}, created_at=now - timedelta(minutes=n // 10)
            )
            for n in range(count)
        )
        CalendarAuditEvent.objects.bulk_create(
            CalendarAuditEvent(kind=f"{kind}.cal", detail={"n": n}, at=now - timedelta(minutes=n // 10))
            for n in range(count // 2)
        )
        RoutingAuditEvent.objects.bulk_create(
            RoutingAuditEvent(kind=f"{kind}.rt", detail={"n": n}, at=now - timedelta(minutes=n // 10))
            for n in range(count // 3)
        )


def test_the_audit_log_pages_through_every_entry_and_the_csv_streams_them_all(
    bandung: Government, jakarta: Government
) -> None:
    _many_events(bandung, kind="bulk", count=900)  # 900 + 450 + 300 rows, more than 500 per trail
    _many_events(jakarta, kind="jakarta", count=30)
    with government_context(bandung):
        total = (
            OrganizationEvent.objects.count()
            + CalendarAuditEvent.objects.count()
            + RoutingAuditEvent.objects.count()
            + ReportEvent.objects.count()
        )
        everything = list(audit_entries_all(audit=AuditFilter()))
    assert total > 1650
    keys = [(e.source, e.kind, e.subject, e.detail) for e in everything]
    assert len(keys) == len(set(keys)) == total
    assert [e.at for e in everything] == sorted((e.at for e in everything), reverse=True)

    browser = admin_client(bandung)
    path, seen, pages = "/kantor/admin/audit/?jumlah=500", 0, 0
    while path:
        page = browser.get(path, HTTP_HOST=BANDUNG)
        assert page.status_code == 200
        html = page.content.decode()
        assert "jakarta." not in html
        body = html[html.index("<tbody>") : html.index("</tbody>")]
        seen += body.count("<tr>")
        pages += 1
        nxt = re.search(r'href="\?([^"]+)" rel="next"', html)
        path = f"/kantor/admin/audit/?{unescape(nxt.group(1))}" if nxt else ""
        if pages > 1:
            assert "Entri terbaru" in html
    assert (seen, pages) == (total, -(-total // 500))

    exported = browser.get("/kantor/admin/audit/?format=csv", HTTP_HOST=BANDUNG)
    assert exported.streaming
    rows = list(csv.reader(io.StringIO(b"".join(exported.streaming_content).decode())))  # type: ignore[arg-type]
    assert rows[0] == ["waktu", "sumber", "pelaku", "jenis", "objek", "rincian"]
    assert len(rows) - 1 == total
    assert not [row for row in rows if row[3].startswith("jakarta.")]
    # The filter holds in the export too: only the calendar's bulk rows.
    only = browser.get("/kantor/admin/audit/?sumber=calendar&jenis=bulk&format=csv", HTTP_HOST=BANDUNG)
    calendar_rows = list(csv.reader(io.StringIO(b"".join(only.streaming_content).decode())))[1:]  # type: ignore[arg-type]
    assert len(calendar_rows) == 450
    assert {row[3] for row in calendar_rows} == {"bulk.cal"}

    stale = browser.get("/kantor/admin/audit/?setelah=bukan-kursor", HTTP_HOST=BANDUNG)
    assert stale.status_code == 400
    assert "Halaman log ini sudah tidak ada" in stale.content.decode()
