"""The national oversight pages in a real browser: a report submitted in Kota Bandung (intake
service, then the relay) shows in the national KPI tiles and on the map; the tile map and the tables drill
down Jawa Barat -> Kota Bandung; each table's CSV equals what the page shows; the surges page
shows a planted surge linked to the map; every page passes the page checks at 360 px."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.sessions.models import Session
from django.db import connection, transaction
from django.utils import timezone

from tenants.context import government_context
from tenants.models import Government
from tests.e2e.pages import accessibility_violations, check_page
from tests.e2e.sessions import signed_in_session
from tests.factories import UserFactory
from tests.personas import membership_in, verified_user, with_totp
from tests.warga.reports.helpers import submit
from warga.accounts.models import User
from warga.intake.models import ReportIndex
from warga.national.models import RelayBatch, RelaySource, ReportFact, SurgeFlag
from warga.national.services import relay_drain, rollup_recompute
from warga.organization.models import Membership
from warga.outbox.models import OutboxEvent
from warga.regions.models import Boundary
from warga.regions.services import boundaries_import
from warga.reports.models import Report, ReportEvent, TrackingCounter


@dataclass
class Scene:
    overseer: User
    session_key: str
    bandung: Government
    surge: SurgeFlag
    numbers: list[str]


@pytest.fixture
def scene(committed_db: None) -> Iterator[Scene]:
    """A national overseer signed in, and a surge flag in Sukasari; rows are committed (the live
    server reads them) and everything written, the relay's too, is removed afterwards."""
    national = Government.objects.get(level="national")
    bandung = Government.objects.get(code="32.73")
    marker = uuid.uuid4().hex[:8]
    with government_context(bandung):
        counters = dict(TrackingCounter.objects.values_list("year", "last_value"))
    source = RelaySource.objects.filter(source_code="32.73").values().first()
    last_batch = RelayBatch.objects.order_by("-id").values_list("id", flat=True).first() or 0
    overseer = with_totp(verified_user(f"pengawas-{marker}@nasional.go.id", full_name="Ratna Pengawas"))
    seat = membership_in(national, overseer, kind="pengawas_nasional")
    now = timezone.now()
    surge = SurgeFlag.objects.create(
        level="district",
        region_code="32.73.01",
        province_code="32",
        category_code="banjir",
        window_days=1,
        baseline_days=28,
        first_day=timezone.localdate(),
        last_day=timezone.localdate(),
        recent=24,
        expected=2.0,
        first_seen=now,
        last_seen=now,
    )
    made = Scene(overseer=overseer, session_key=signed_in_session(overseer), bandung=bandung, surge=surge, numbers=[])
    yield made
    SurgeFlag.objects.filter(pk=surge.pk).delete()
    facts = ReportFact.objects.filter(tracking_number__in=made.numbers)
    cells = {(day, "32") for day in facts.values_list("created_day", flat=True)}
    facts.delete()
    with transaction.atomic():
        rollup_recompute(cells=cells)
    RelayBatch.objects.filter(id__gt=last_batch).delete()
    if source is None:
        RelaySource.objects.filter(source_code="32.73").delete()
    else:
        RelaySource.objects.filter(pk=source["id"]).update(**{k: v for k, v in source.items() if k != "id"})
    with government_context(bandung):
        reports = Report.objects.filter(tracking_number__in=made.numbers)
        ReportEvent.objects.filter(report__in=reports).delete()
        OutboxEvent.objects.filter(aggregate_type="report", aggregate_id__in=reports.values("id")).delete()
        reporters = list(reports.values_list("reporter_id", flat=True))
        reports.delete()
        TrackingCounter.objects.exclude(year__in=counters).delete()
        for year, last_value in counters.items():
            TrackingCounter.objects.filter(year=year).update(last_value=last_value)
    with government_context(national):
        Membership.objects.filter(pk=seat.pk).delete()
    ReportIndex.objects.filter(tracking_number__in=made.numbers).delete()
    Session.objects.filter(session_key=made.session_key).delete()
    Authenticator.objects.filter(user=overseer).delete()
    User.objects.filter(pk__in=[overseer.pk, *reporters]).delete()
    connection.close()


def _browser_page(browser: Any, scene: Scene, *, javascript: bool = True) -> Any:
    context = browser.new_context(
        viewport={"width": 360, "height": 640}, locale="id-ID", java_script_enabled=javascript
    )
    context.add_cookies(
        [{"name": "sessionid", "value": scene.session_key, "domain": "nasional.localhost", "path": "/"}]
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.console_errors = errors
    return page


def _kpi(page: Any, key: str) -> int:
    return int(page.locator(f"#kpi-{key} .kpi__value").get_attribute("data-value"))


def _tile(page: Any, province: str) -> int:
    """The count a province's cell of the tile map shows ("—" for none; 1.234 is 1234)."""
    text = page.locator(f".tile--p{province} .tile__value").inner_text().strip()
    return 0 if text == "—" else int(text.replace(".", ""))


def _table(page: Any, key: str) -> list[list[str]]:
    """The table's rows as the data-value of each cell (what its CSV holds)."""
    return page.eval_on_selector(
        f"#tabel-{key}",
        "t => [...t.tBodies[0].rows].map(r => [...r.cells].map(c => c.dataset.value ?? c.textContent.trim()))",
    )


def _csv_of(page: Any, key: str) -> list[list[str]]:
    link = page.locator(f'a[href*="unduh={key}"]').get_attribute("href")
    # Fetched by the page itself (its cookies, its host name resolution).
    status, kind, text = page.evaluate(
        "async url => { const r = await fetch(url); return [r.status, r.headers.get('content-type'), await r.text()]; }",
        link,
    )
    assert (status, kind) == (200, "text/csv; charset=utf-8")
    return list(csv.reader(io.StringIO(text)))


def test_a_report_from_kota_bandung_reaches_the_national_tiles_and_drills_down(
    browser: Any, site_port: int, scene: Scene
) -> None:
    page = _browser_page(browser, scene)
    base = f"http://nasional.localhost:{site_port}"
    try:
        assert page.goto(f"{base}/pantauan/").status == 200
        before = _kpi(page, "reports")
        before_on_map = _tile(page, "32")

        # A citizen reports in Kota Bandung; the relay carries it into the read model.
        number = submit(UserFactory(), category_code="jalan_rusak").tracking_number
        scene.numbers.append(number)
        with government_context(scene.bandung):
            relay_drain(government=scene.bandung)

        page.reload()
        assert _kpi(page, "reports") == before + 1
        # And on the map: Jawa Barat's cell counts it.
        assert _tile(page, "32") == before_on_map + 1
        assert _kpi(page, "open") >= 1
        # The chart is drawn from the table; the map marks the surge in Jawa Barat.
        assert page.locator('figure[data-chart="line"]').is_visible()
        jawa_barat = page.get_by_role("link", name="Jawa Barat:", exact=False)
        assert "ada lonjakan" in jawa_barat.inner_text()
        check_page(page, "national/dashboard")

        # Drill down on the map: Jawa Barat, then Kota Bandung from the table.
        jawa_barat.click()
        page.wait_for_url("**wilayah=32")
        assert page.locator(".trail [aria-current]").inner_text() == "Jawa Barat"
        regions = _table(page, "wilayah")
        assert all(row[1].startswith("32.") for row in regions)
        assert _kpi(page, "reports") == sum(int(row[2]) for row in regions)
        page.get_by_role("link", name="Kota Bandung", exact=True).click()
        page.wait_for_url("**wilayah=32.73")
        assert page.locator(".trail [aria-current]").inner_text() == "Kota Bandung"
        districts = _table(page, "wilayah")
        assert "32.73.01" in [row[1] for row in districts]
        assert all(row[1].startswith("32.73.") for row in districts)
        check_page(page, "national/dashboard-kota-bandung")

        # Each table's CSV holds exactly what the table shows.
        for key in ("wilayah", "kategori", "harian"):
            rows = _csv_of(page, key)
            assert rows[1:] == _table(page, key), key
        summary = _csv_of(page, "ringkasan")
        tiles = page.eval_on_selector_all(
            ".kpi:not(.kpi--missing)",
            "ks => ks.map(k => [k.querySelector('.kpi__label').textContent.trim(),"
            " k.querySelector('.kpi__value').dataset.value])",
        )
        assert summary[1:] == tiles
        assert page.console_errors == [], page.console_errors
    finally:
        page.context.close()


def test_rankings_surges_and_open_data_pages(browser: Any, site_port: int, scene: Scene) -> None:
    # A report in Sukasari, relayed: the surge's kecamatan is a row of the dashboard.
    scene.numbers.append(submit(UserFactory()).tracking_number)
    with government_context(scene.bandung):
        relay_drain(government=scene.bandung)
    page = _browser_page(browser, scene)
    base = f"http://nasional.localhost:{site_port}"
    try:
        assert page.goto(f"{base}/pantauan/peringkat/").status == 200
        assert "paling sedikit 20 laporan" in page.locator("#aturan").inner_text()
        check_page(page, "national/rankings")

        assert page.goto(f"{base}/pantauan/lonjakan/#lonjakan-{scene.surge.pk}").status == 200
        row = page.locator(f"#lonjakan-{scene.surge.pk}")
        assert row.locator("td").all_inner_texts()[:3] == ["Sukasari", "32.73.01", "Banjir dan genangan"]
        check_page(page, "national/surges")
        # The surge links to its place on the dashboard.
        row.get_by_role("link", name="Sukasari").click()
        page.wait_for_url("**wilayah=32.73#wilayah-32.73.01")
        assert page.locator(".trail [aria-current]").inner_text() == "Kota Bandung"
        # At its kecamatan's row, marked.
        assert page.locator("tr:target td").first.inner_text() == "Sukasari"

        assert page.goto(f"{base}/pantauan/data-terbuka/").status == 200
        assert page.get_by_role("link", name="Unduh CSV").get_attribute("href").endswith("&output=csv")
        check_page(page, "national/open-data")
        assert page.console_errors == [], page.console_errors
    finally:
        page.context.close()


def test_the_dashboard_works_without_javascript(browser: Any, site_port: int, scene: Scene) -> None:
    page = _browser_page(browser, scene, javascript=False)
    try:
        page.goto(f"http://nasional.localhost:{site_port}/pantauan/")
        # The charts stay hidden; their numbers are in the tables.
        assert not page.locator('figure[data-chart="line"]').is_visible()
        assert page.locator("#tabel-harian tbody tr").count() == 30
        page.get_by_label("Warnai peta menurut").select_option("selesai")
        page.get_by_role("button", name="Tampilkan").click()
        page.wait_for_url("**ukuran=selesai**")
        assert page.get_by_role("heading", name="Peta Indonesia: Selesai (%)").is_visible()
        page.get_by_role("link", name="7 hari").click()
        assert page.locator("#tabel-harian tbody tr").count() == 7
    finally:
        page.context.close()


@pytest.fixture
def governor(committed_db: None) -> Iterator[tuple[User, str]]:
    """The gubernur of DKI Jakarta, signed in; removed afterwards."""
    jakarta = Government.objects.get(code="31")
    user = with_totp(verified_user(f"gubernur-{uuid.uuid4().hex[:8]}@jakarta.go.id"))
    seat = membership_in(jakarta, user, kind="gubernur")
    session_key = signed_in_session(user)
    yield user, session_key
    with government_context(jakarta):
        Membership.objects.filter(pk=seat.pk).delete()
    Session.objects.filter(session_key=session_key).delete()
    Authenticator.objects.filter(user=user).delete()
    User.objects.filter(pk=user.pk).delete()
    connection.close()


def test_a_province_sees_its_own_oversight_pages(browser: Any, site_port: int, governor: tuple[User, str]) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 640}, locale="id-ID")
    context.add_cookies([{"name": "sessionid", "value": governor[1], "domain": "dki-jakarta.localhost", "path": "/"}])
    page = context.new_page()
    base = f"http://dki-jakarta.localhost:{site_port}"
    try:
        assert page.goto(f"{base}/pantauan/").status == 200
        assert page.get_by_role("heading", level=1).inner_text().startswith("Pengawasan Provinsi DKI Jakarta")
        # Its own kabupaten/kota only, no map of the country; the pages are reached from tabs.
        assert all(row[1].startswith("31.") for row in _table(page, "wilayah"))
        assert page.locator(".tile-map").count() == 0
        tabs = page.get_by_role("navigation", name="Pengawasan provinsi")
        assert tabs.get_by_role("link").all_inner_texts() == ["Dasbor", "Peringkat", "Lonjakan", "Data terbuka"]
        check_page(page, "national/province-dashboard")
        # Another province's region does not exist here.
        assert page.goto(f"{base}/pantauan/?wilayah=32.73").status == 404
        assert page.goto(f"{base}/pantauan/peringkat/").status == 200
        check_page(page, "national/province-rankings")
    finally:
        context.close()


def test_loaded_outlines_replace_the_grid_and_pass_the_checks(
    browser: Any, site_port: int, scene: Scene, tmp_path: Any
) -> None:
    """With outlines of all 38 provinces (test squares, not real ones) the map is an SVG of
    links, as accessible as the grid."""
    from tests.warga.regions.test_boundaries import _provinces, _write

    boundaries_import(path=_write(tmp_path, _provinces()), source="Uji, bukan data BIG")
    page = _browser_page(browser, scene)
    try:
        page.goto(f"http://nasional.localhost:{site_port}/pantauan/")
        assert page.locator(".outline-map a").count() == 38
        assert page.locator(".tile-map").count() == 0
        assert accessibility_violations(page) == []
        page.locator('.outline-map a[aria-label^="Jawa Barat"]').click()
        page.wait_for_url("**wilayah=32")
    finally:
        page.context.close()
        Boundary.objects.all().delete()


def test_a_provinces_kabupaten_and_kota_outlines_drill_down_in_the_browser(
    browser: Any, site_port: int, scene: Scene, tmp_path: Any
) -> None:
    """With test outlines (not real ones) of every kabupaten/kota of Jawa Barat, the province's
    drill-down is a map of them coloured by the metric; Kota Bandung, where the report is, is
    shaded as the darkest, and choosing it on the map drills down to its kecamatan."""
    from tests.warga.regions.test_boundaries import _write, regencies_of

    scene.numbers.append(submit(UserFactory(), category_code="jalan_rusak").tracking_number)
    with government_context(scene.bandung):
        relay_drain(government=scene.bandung)
    boundaries_import(path=_write(tmp_path, regencies_of("32")), source="Uji, bukan data BIG")
    page = _browser_page(browser, scene)
    try:
        page.goto(f"http://nasional.localhost:{site_port}/pantauan/?wilayah=32")
        assert page.get_by_role("heading", name="Peta Jawa Barat: Laporan").is_visible()
        assert page.locator(".outline-map a").count() == 27
        bandung = page.locator('.outline-map a[aria-label^="Kota Bandung:"]')
        shades = page.eval_on_selector_all(".outline-map path", "ps => ps.map(p => p.getAttribute('class'))")
        assert bandung.locator("path").get_attribute("class") == max(shades) != "shape shape--s0"
        check_page(page, "national/dashboard-jawa-barat-outlines")
        bandung.click()
        page.wait_for_url("**wilayah=32.73**")
        assert page.locator(".trail [aria-current]").inner_text() == "Kota Bandung"
        assert page.locator(".outline-map").count() == 0
        assert page.console_errors == [], page.console_errors
    finally:
        page.context.close()
        Boundary.objects.all().delete()
