"""The console's calendar page: office hours, days off, substitute working days and SLA
targets through the calendar services, each change audited; refusals change nothing."""

from __future__ import annotations

import datetime

from django.utils.html import escape

from tenants.context import government_context
from tenants.models import Government
from tests.frontend.console.helpers import BANDUNG, JAKARTA, admin_client, lurah_client
from tests.unchanged import assert_nothing_changed
from warga.access.policy import ROLE_MESSAGES, Action
from warga.workcalendar.models import CalendarAuditEvent, DayOff, DayWorked, OfficeHours, SlaTarget

PATH = "/kantor/admin/kalender/"
WEEK = {
    **{f"jam-opens_{d}": "08:00" for d in range(5)},
    **{f"jam-closes_{d}": "16:00" for d in range(5)},
    "jam-opens_5": "08:00",
    "jam-closes_5": "12:00",
}


def _audit(government: Government) -> list[str]:
    with government_context(government):
        return list(CalendarAuditEvent.objects.order_by("id").values_list("kind", flat=True))


def test_the_admin_sets_hours_days_and_targets(bandung: Government) -> None:
    browser = admin_client(bandung)
    assert browser.get(f"{PATH}?tahun=2027", HTTP_HOST=BANDUNG).status_code == 200
    assert browser.post(PATH, {"aksi": "hours", **WEEK}, HTTP_HOST=BANDUNG).status_code == 302
    assert (
        browser.post(
            PATH,
            {
                "aksi": "day_off",
                "libur-date": "2027-05-20",
                "libur-name": "Hari jadi kota",
                "libur-kind": "local_holiday",
            },
            HTTP_HOST=BANDUNG,
        ).status_code
        == 302
    )
    assert (
        browser.post(
            PATH,
            {"aksi": "day_worked", "kerja-date": "2027-05-22", "kerja-reason": "Pengganti hari jadi"},
            HTTP_HOST=BANDUNG,
        ).status_code
        == 302
    )
    assert (
        browser.post(
            PATH,
            {"aksi": "sla", "sla-category": "banjir", "sla-step": "verify", "sla-working_minutes": "120"},
            HTTP_HOST=BANDUNG,
        ).status_code
        == 302
    )
    with government_context(bandung):
        saturday = OfficeHours.objects.get(weekday=5)
        assert (saturday.opens_at, saturday.closes_at) == (datetime.time(8), datetime.time(12))
        assert OfficeHours.objects.get(weekday=4).closes_at == datetime.time(16)
        assert DayOff.objects.get(date="2027-05-20").name == "Hari jadi kota"
        assert DayWorked.objects.get(date="2027-05-22").reason == "Pengganti hari jadi"
        assert SlaTarget.objects.get(category_code="banjir", step="verify").working_minutes == 120
    kinds = _audit(bandung)
    assert kinds.count("office_hours.set") == 6  # Monday to Thursday's closing, Friday, Saturday
    assert kinds[-3:] == ["day_off.added", "day_worked.added", "sla_target.set"]
    page = browser.get(f"{PATH}?tahun=2027", HTTP_HOST=BANDUNG).content.decode()
    assert "Hari jadi kota" in page
    assert "Pengganti hari jadi" in page
    # The SLA target names its category, not its code.
    assert "<td>Banjir dan genangan</td>" in page
    # The month view: the local holiday is off, the Saturday after it a substitute working day.
    assert '<span class="day day--off" title="Hari jadi kota">20<span class="visually-hidden"> Hari jadi kota' in page
    assert '<span class="day day--worked">22</span>' in page


def test_a_bad_week_is_refused_whole_with_its_reason(bandung: Government) -> None:
    browser = admin_client(bandung)
    with government_context(bandung):
        before = list(OfficeHours.objects.values_list("weekday", "opens_at", "closes_at"))
    refused = browser.post(PATH, {"aksi": "hours", **WEEK, "jam-opens_5": "13:00"}, HTTP_HOST=BANDUNG)
    assert refused.status_code == 400
    assert "Jam tutup (12:00) harus setelah jam buka (13:00)" in refused.content.decode()
    with government_context(bandung):
        assert list(OfficeHours.objects.values_list("weekday", "opens_at", "closes_at")) == before
    assert _audit(bandung) == []


def test_an_sla_target_without_an_amount_is_explained(bandung: Government) -> None:
    admin = admin_client(bandung)
    with assert_nothing_changed(bandung):
        refused = admin.post(PATH, {"aksi": "sla", "sla-step": "verify"}, HTTP_HOST=BANDUNG)
    assert refused.status_code == 400
    assert "Isi target dalam hari kerja atau menit kerja, salah satu" in refused.content.decode()


def test_others_are_refused_with_nothing_changed(bandung: Government, jakarta: Government) -> None:
    lurah = lurah_client(bandung)
    refused = lurah.get(PATH, HTTP_HOST=BANDUNG)
    assert refused.status_code == 403
    assert escape(ROLE_MESSAGES[Action.CALENDAR_EDIT]) in refused.content.decode()
    assert lurah.post(PATH, {"aksi": "hours", **WEEK}, HTTP_HOST=BANDUNG).status_code == 403
    bandung_admin = admin_client(bandung)
    assert bandung_admin.post(PATH, {"aksi": "hours", **WEEK}, HTTP_HOST=JAKARTA).status_code == 403
    assert (
        bandung_admin.post(
            PATH, {"aksi": "sla", "sla-step": "verify", "sla-working_days": "1"}, HTTP_HOST=JAKARTA
        ).status_code
        == 403
    )
    assert _audit(bandung) == []
    assert _audit(jakarta) == []
