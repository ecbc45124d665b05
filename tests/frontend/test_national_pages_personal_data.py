"""No national oversight page, and no CSV of any of their tables, shows anything personal:
reports with distinctive names, phones, emails, descriptions and coordinates go in through
the intake service and the relay; every page and download is then searched for them."""

from __future__ import annotations

import re

from django.test import Client
from django.utils import timezone

from tenants.context import government_context
from tenants.models import Government
from tests.api.helpers import signed_in_client
from tests.factories import UserFactory
from tests.personas import membership_in, official_of, verified_user, with_totp
from tests.warga.reports.helpers import submit
from warga.national.models import SurgeFlag
from warga.national.services import relay_drain
from warga.reports.services import report_transition

NATIONAL_HOST = "nasional.localhost"
JAKARTA_HOST = "dki-jakarta.localhost"
EMAIL = "wulan.anggraini.pelapor@example.id"
NAME = "Wulandari Anggraini Pramesti"
PHONE = "+6281377712345"
DESCRIPTION = "Tiang listrik miring di samping warung Bu Tatik gang Kenanga tiga"
NOTE = "Pramesti sudah ditelepon di 081377712345"
LATITUDE, LONGITUDE = -6.87391, 107.58277
NEEDLES = [
    EMAIL,
    NAME,
    PHONE,
    "081377712345",
    "Pramesti",
    "Wulandari",
    "Kenanga",
    "warung Bu Tatik",
    "6.87391",
    "6,87391",
    "107.58277",
    "107,58277",
    "87391",
    "58277",
]
PAGES = ("/pantauan/", "/pantauan/peringkat/", "/pantauan/lonjakan/", "/pantauan/data-terbuka/")


def _csv_links(html: str) -> list[str]:
    return [link.replace("&amp;", "&") for link in re.findall(r'href="([^"]*unduh=[^"]+)"', html)]


def test_no_page_or_download_shows_personal_data(national: Government, bandung: Government) -> None:
    reporter = UserFactory(email=EMAIL, full_name=NAME, phone=PHONE)
    official = official_of(bandung)
    numbers = [
        submit(
            reporter, description=DESCRIPTION, latitude=LATITUDE, longitude=LONGITUDE, privacy=privacy
        ).tracking_number
        for privacy in ("publik", "rahasia", "anonim")
    ]
    with government_context(bandung):
        report_transition(acting_user=official, tracking_number=numbers[0], to_status="archived", note=NOTE)
        relay_drain(government=bandung)
    today = timezone.localdate()
    SurgeFlag.objects.create(
        level="district",
        region_code="32.73.01",
        province_code="32",
        category_code="jalan_rusak",
        window_days=1,
        baseline_days=28,
        first_day=today,
        last_day=today,
        recent=3,
        expected=0.1,
        first_seen=timezone.now(),
        last_seen=timezone.now(),
    )
    overseer = with_totp(verified_user("pengawas.data@nasional.go.id"))
    membership_in(national, overseer, kind="pengawas_nasional")
    client = signed_in_client(overseer)
    ids = [str(reporter.pk), str(official.pk), *numbers]

    seen: list[tuple[str, str]] = []
    for path in [*PAGES, "/pantauan/?wilayah=32", "/pantauan/?wilayah=32.73", "/pantauan/peringkat/?wilayah=32.73"]:
        response = client.get(path, HTTP_HOST=NATIONAL_HOST)
        assert response.status_code == 200, path
        html = response.content.decode()
        seen.append((path, html))
        for link in _csv_links(html):
            download = client.get(link, HTTP_HOST=NATIONAL_HOST)
            assert download.status_code == 200, link
            seen.append((link, download.content.decode()))
    # The scan was not vacuous: the reports are on the pages, and every table was downloaded.
    dashboard = dict(seen)["/pantauan/?wilayah=32.73"]
    assert 'data-value="3"' in dashboard
    assert sum(1 for path, _ in seen if "unduh=" in path) == 3 * 4 + 2 * 4 + 2
    assert any("Sukasari" in text for path, text in seen if path.endswith("unduh=berlangsung"))
    for path, text in seen:
        lowered = text.lower()
        found = [needle for needle in [*NEEDLES, *ids] if needle.lower() in lowered]
        assert found == [], f"{path}: {found}"
        # Nothing that looks like a coordinate pair or an account id either.
        assert not re.search(r"(?<![\w.,-])-?\d{1,3}[.,]\d{4,}(?!\d)", text.split("<body", 1)[-1]), path


def test_a_refused_reader_gets_none_of_it(national: Government, bandung: Government) -> None:
    reporter = UserFactory(email=EMAIL, full_name=NAME, phone=PHONE)
    submit(reporter, description=DESCRIPTION, latitude=LATITUDE, longitude=LONGITUDE)
    with government_context(bandung):
        relay_drain(government=bandung)
    citizen = signed_in_client(reporter)
    for path in (*PAGES[:3], "/pantauan/?unduh=wilayah"):
        response = citizen.get(path, HTTP_HOST=NATIONAL_HOST)
        assert response.status_code == 403
        assert "Sukasari" not in response.content.decode()
        assert Client().get(path, HTTP_HOST=JAKARTA_HOST).status_code == 302
