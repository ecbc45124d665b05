"""The national oversight pages over real HTTP: the dashboard with its drill-down, rankings,
surges and open data on the national host and on a province's host; who is refused (and
that a refusal shows nothing); each table's CSV holds exactly the numbers on the page."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, time, timedelta
from html.parser import HTMLParser
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from tenants.models import Government
from tests.api.helpers import signed_in_client
from tests.personas import membership_in, verified_user, with_totp
from warga.national.models import ReportFact, SurgeFlag
from warga.national.services import national_day, rollup_recompute

NATIONAL_HOST = "nasional.localhost"
JAKARTA_HOST = "dki-jakarta.localhost"
BANDUNG_HOST = "kota-bandung.localhost"
PUBLIC_HOST = "localhost"
WIB = ZoneInfo("Asia/Jakarta")
PAGES = ("/pantauan/", "/pantauan/peringkat/", "/pantauan/lonjakan/")


def _facts(district: str, *, count: int, resolved: int = 0, day: date | None = None, category: str = "jalan_rusak"):
    day = day or timezone.localdate()
    moment = datetime.combine(day, time(9), tzinfo=WIB)
    return [
        ReportFact(
            tracking_number=f"{district}-{category[:6]}-{day:%m%d}-{n:03d}",
            owner_code=district[:5],
            owner_since=moment,
            province_code=district[:2],
            regency_code=district[:5],
            district_code=district,
            village_code=f"{district}.1001",
            category_code=category,
            type="pengaduan",
            privacy="publik",
            status="resolved" if n < resolved else "received",
            is_open=n >= resolved,
            created_at=moment,
            created_day=national_day(moment),
            first_response_at=moment + timedelta(hours=2),
            resolved_at=moment + timedelta(hours=10) if n < resolved else None,
            sla_verify_met=n % 2 == 0,
            rating=4 if n < resolved else None,
            last_event_at=moment,
            applied_at=moment,
        )
        for n in range(count)
    ]


@pytest.fixture
def planted(db: None) -> None:
    """Kota Bandung: 24 reports (Sukasari 20, Coblong 4), Kabupaten Bandung 3, Jakarta Pusat 6."""
    facts = (
        _facts("32.73.01", count=20, resolved=15)
        + _facts("32.73.02", count=4, category="sampah")
        + _facts("32.04.01", count=3)
        + _facts("31.71.01", count=6, resolved=2)
    )
    ReportFact.objects.bulk_create(facts)
    rollup_recompute(cells={(fact.created_day, fact.province_code) for fact in facts})


def _official(government: Government, email: str, kind: str = "admin_koordinator") -> Client:
    user = with_totp(verified_user(email))
    membership_in(government, user, kind=kind)
    return signed_in_client(user)


@pytest.fixture
def overseer(national: Government) -> Client:
    return _official(national, "pengawas@nasional.go.id", "pengawas_nasional")


class _Tables(HTMLParser):
    """Each <table id="tabel-..."> as rows of (shown text, data-value) per cell; and the KPI
    tiles as (label, shown, data-value)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[tuple[str, str]]]] = {}
        self.kpis: list[tuple[str, str, str]] = []
        self._table: str | None = None
        self._row: list[tuple[str, str]] | None = None
        self._cell: list[str] | None = None
        self._value = ""
        self._kpi: list[str] | None = None
        self._kpi_part: str | None = None
        self._kpi_value = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        if tag == "table" and (attributes.get("id") or "").startswith("tabel-"):
            self._table = (attributes["id"] or "")[6:]
            self.tables[self._table] = []
        elif tag == "tr" and self._table is not None:
            self._row = []
        elif tag == "td" and self._row is not None:
            self._cell, self._value = [], attributes.get("data-value") or ""
        elif tag == "li" and "kpi" in classes and "kpi--missing" not in classes:
            self._kpi = ["", ""]
        elif tag == "span" and self._kpi is not None and ("kpi__label" in classes or "kpi__value" in classes):
            self._kpi_part = "label" if "kpi__label" in classes else "value"
            if self._kpi_part == "value":
                self._kpi_value = attributes.get("data-value") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._cell is not None and self._row is not None:
            self._row.append(("".join(self._cell).strip(), self._value))
            self._cell = None
        elif tag == "tr" and self._row is not None and self._table is not None:
            if self._row:
                self.tables[self._table].append(self._row)
            self._row = None
        elif tag == "table":
            self._table = None
        elif tag == "span":
            self._kpi_part = None
        elif tag == "li" and self._kpi is not None:
            self.kpis.append((self._kpi[0].strip(), self._kpi[1].strip(), self._kpi_value))
            self._kpi = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        if self._kpi is not None and self._kpi_part is not None:
            self._kpi[0 if self._kpi_part == "label" else 1] += data


def _parse(response: Any) -> _Tables:
    parser = _Tables()
    parser.feed(response.content.decode())
    return parser


def _csv(client: Client, host: str, path: str) -> list[list[str]]:
    response = client.get(path, HTTP_HOST=host)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(response.content.decode())))


def _shown_as_number(text: str) -> float | None:
    """A number as the page shows it in Bahasa Indonesia (1.234,5) back to 1234.5."""
    if text == "—":
        return None
    return float(text.replace(".", "").replace(",", "."))


def _same(shown: str, value: str) -> bool:
    if shown == (value or "—"):  # text, codes, dates
        return True
    if re.fullmatch(r"-?[\d.]+(,\d+)?", shown) and value:
        return _shown_as_number(shown) == float(value)
    return shown == (value or "—")


# --- The dashboard ------------------------------------------------------------------------------


def test_the_national_dashboard_shows_the_country_and_its_map(overseer: Client, planted: None) -> None:
    response = overseer.get("/pantauan/", HTTP_HOST=NATIONAL_HOST)
    assert response.status_code == 200
    page = _parse(response)
    kpis = {label: value for label, _, value in page.kpis}
    assert kpis["Laporan"] == "33"
    assert kpis["Terbuka"] == "16"
    assert kpis["Selesai"] == "17"
    # From the duration histograms: within 5 % of the exact 2 and 10 hours.
    assert abs(float(kpis["Median jam ke tanggapan pertama"]) - 2.0) <= 0.1
    assert abs(float(kpis["Median jam hingga selesai"]) - 10.0) <= 0.5
    assert [(row[0][0], row[1][0], row[2][0]) for row in page.tables["wilayah"]] == [
        ("Jawa Barat", "32", "27"),
        ("Daerah Khusus Ibukota Jakarta", "31", "6"),
    ]
    html = response.content.decode()
    # The tile-grid map: 38 cells, Jawa Barat darkest and a link into it.
    assert html.count('class="tile tile--p') == 38
    assert 'class="tile tile--p32 tile--s5"' in html
    assert 'class="tile tile--p11 tile--s0"' in html
    assert re.search(r'<a href="/pantauan/\?mulai=[\d-]+&amp;sampai=[\d-]+&amp;wilayah=32">', html)
    assert "Jawa Barat: 27" in html
    # Every table has its numbers; the chart only draws them.
    assert sum(int(row[1][1]) for row in page.tables["harian"]) == 33
    assert [(row[1][0], row[3][0]) for row in page.tables["kategori"]] == [("jalan_rusak", "29"), ("sampah", "4")]


def test_a_country_without_reports_shows_empty_tables_and_a_grey_map(overseer: Client) -> None:
    response = overseer.get("/pantauan/", HTTP_HOST=NATIONAL_HOST)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("tile--s0") == 38 + 1  # every cell, and the legend's one swatch
    assert _parse(response).tables["wilayah"] == []
    assert '<p class="table-empty">Tidak ada laporan pada periode ini.</p>' in html


def test_drilling_down_narrows_everything_to_the_region(overseer: Client, planted: None) -> None:
    province = _parse(overseer.get("/pantauan/?wilayah=32", HTTP_HOST=NATIONAL_HOST))
    assert [(row[0][0], row[2][0]) for row in province.tables["wilayah"]] == [
        ("Kota Bandung", "24"),
        ("Kabupaten Bandung", "3"),
    ]
    assert dict((label, value) for label, _, value in province.kpis)["Laporan"] == "27"

    response = overseer.get("/pantauan/?wilayah=32.73", HTTP_HOST=NATIONAL_HOST)
    city = _parse(response)
    assert [(row[0][0], row[1][0], row[2][0]) for row in city.tables["wilayah"]] == [
        ("Sukasari", "32.73.01", "20"),
        ("Coblong", "32.73.02", "4"),
    ]
    assert dict((label, value) for label, _, value in city.kpis)["Laporan"] == "24"
    assert [(row[1][0], row[3][0]) for row in city.tables["kategori"]] == [("jalan_rusak", "20"), ("sampah", "4")]
    html = response.content.decode()
    # Kecamatan are the last level: not links. The trail leads back up.
    assert 'href="/pantauan/?mulai' in html
    assert "wilayah=32.73.01" not in html
    assert 'aria-current="location">Kota Bandung<' in html
    assert "tile--p" not in html


def test_a_province_host_shows_only_its_own_regions(jakarta: Government, planted: None) -> None:
    client = _official(jakarta, "gubernur@jakarta.go.id", "gubernur")
    response = client.get("/pantauan/", HTTP_HOST=JAKARTA_HOST)
    assert response.status_code == 200
    page = _parse(response)
    assert [(row[0][0], row[1][0], row[2][0]) for row in page.tables["wilayah"]] == [
        ("Kota Administrasi Jakarta Pusat", "31.71", "6")
    ]
    assert dict((label, value) for label, _, value in page.kpis)["Laporan"] == "6"
    main = response.content.decode().split("<main", 1)[1]
    for outside in ("Jawa Barat", "Bandung", "32.73", "Sukasari"):
        assert outside not in main
    # Drilling into another province's region, on any of the pages or their CSV, does not exist.
    for path in PAGES:
        assert client.get(path + "?wilayah=32.73", HTTP_HOST=JAKARTA_HOST).status_code == 404
        assert client.get(path + "?wilayah=32&unduh=wilayah", HTTP_HOST=JAKARTA_HOST).status_code == 404
    rows = _csv(client, JAKARTA_HOST, "/pantauan/?unduh=wilayah")
    assert [row[1] for row in rows[1:]] == ["31.71"]
    # The header and the nine measures.
    assert client.get("/pantauan/?unduh=ringkasan", HTTP_HOST=JAKARTA_HOST).content.decode().count("\n") == 10


def test_each_csv_holds_exactly_the_numbers_on_the_page(overseer: Client, planted: None) -> None:
    for path, keys in (
        ("/pantauan/?wilayah=32", ("wilayah", "kategori", "harian")),
        ("/pantauan/peringkat/?wilayah=32", ("per-penduduk", "per-laporan", "tepat-waktu", "belum-diperingkat")),
    ):
        page = _parse(overseer.get(path, HTTP_HOST=NATIONAL_HOST))
        for key in keys:
            rows = _csv(overseer, NATIONAL_HOST, f"{path}&unduh={key}")
            shown = [row for row in page.tables[key] if len(row) > 1]
            assert len(rows) - 1 == len(shown), key
            for csv_row, page_row in zip(rows[1:], shown, strict=True):
                assert [value for _, value in page_row] == csv_row, key
                assert all(_same(text, value) for (text, _), value in zip(page_row, csv_row, strict=True)), key
    page = _parse(overseer.get("/pantauan/?wilayah=32", HTTP_HOST=NATIONAL_HOST))
    summary = _csv(overseer, NATIONAL_HOST, "/pantauan/?wilayah=32&unduh=ringkasan")
    assert summary[0] == ["Ukuran", "Nilai"]
    assert [(label, value) for label, _, value in page.kpis] == [tuple(row) for row in summary[1:]]
    assert all(_same(shown, value) for _, shown, value in page.kpis)


def test_an_unknown_table_or_a_bad_period_is_refused_in_words(overseer: Client, planted: None) -> None:
    assert overseer.get("/pantauan/?unduh=rahasia", HTTP_HOST=NATIONAL_HOST).status_code == 404
    response = overseer.get("/pantauan/?mulai=2026-12-01&sampai=2026-11-01", HTTP_HOST=NATIONAL_HOST)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Hari pertama harus sebelum atau sama dengan hari terakhir." in html
    assert 'class="error-summary"' in html
    assert 'id="tabel-wilayah"' not in html
    response = overseer.get("/pantauan/?mulai=kemarin", HTTP_HOST=NATIONAL_HOST)
    assert response.status_code == 400
    assert "Tuliskan tanggal seperti 2026-11-01." in response.content.decode()


# --- Who may see them ---------------------------------------------------------------------------


def _assert_refused_without_numbers(response: Any) -> None:
    assert response.status_code == 403
    html = response.content.decode()
    for leak in ("Jawa Barat", "tabel-", "kpi", "text/csv", "32.73"):
        assert leak not in html
    assert response["Content-Type"].startswith("text/html")


def test_a_citizen_and_officials_of_other_governments_are_refused_with_nothing_shown(
    national: Government, bandung: Government, jakarta: Government, planted: None
) -> None:
    citizen = signed_in_client(verified_user("warga@example.id"))
    bandung_official = _official(bandung, "camat@bandung.go.id")
    jakarta_official = _official(jakarta, "admin@jakarta.go.id")
    for path in (*PAGES, "/pantauan/?unduh=wilayah", "/pantauan/peringkat/?unduh=per-laporan"):
        for client in (citizen, bandung_official, jakarta_official):
            _assert_refused_without_numbers(client.get(path, HTTP_HOST=NATIONAL_HOST))
        # An official of the country is not an official of Jakarta.
        _assert_refused_without_numbers(bandung_official.get(path, HTTP_HOST=JAKARTA_HOST))
    refused = citizen.get("/pantauan/", HTTP_HOST=NATIONAL_HOST).content.decode()
    assert "Akun Anda tidak memegang jabatan aktif di pemerintah daerah ini" in refused

    # Without a session: sign in first; without two-step verification: set it up first.
    anonymous = Client().get("/pantauan/?wilayah=32", HTTP_HOST=NATIONAL_HOST)
    assert anonymous.status_code == 302
    assert anonymous["Location"] == "/akun/login/?next=%2Fpantauan%2F%3Fwilayah%3D32"
    no_totp = verified_user("tanpa-totp@nasional.go.id")
    membership_in(national, no_totp, kind="pengawas_nasional")
    response = signed_in_client(no_totp).get("/pantauan/", HTTP_HOST=NATIONAL_HOST)
    assert (response.status_code, response["Location"]) == (302, "http://localhost/akun/2fa/totp/activate/")


def test_the_pages_do_not_exist_off_the_national_and_province_hosts(
    bandung: Government, overseer: Client, planted: None
) -> None:
    bandung_official = _official(bandung, "walikota@bandung.go.id", "walikota")
    for path in (*PAGES, "/pantauan/data-terbuka/", "/pantauan/?unduh=wilayah"):
        assert bandung_official.get(path, HTTP_HOST=BANDUNG_HOST).status_code == 404
        assert overseer.get(path, HTTP_HOST=BANDUNG_HOST).status_code == 404
        assert overseer.get(path, HTTP_HOST=PUBLIC_HOST).status_code == 404


# --- Rankings, surges, open data ----------------------------------------------------------------


def test_rankings_rank_only_inside_the_region_and_explain_the_minimum(overseer: Client, planted: None) -> None:
    response = overseer.get("/pantauan/peringkat/?wilayah=32.73", HTTP_HOST=NATIONAL_HOST)
    page = _parse(response)
    # Kecamatan of Kota Bandung only; Coblong has 4 reports, under the minimum of 20.
    assert [(row[0][0], row[1][0]) for row in page.tables["per-laporan"]] == [("1", "32.73.01")]
    assert [row[0][0] for row in page.tables["belum-diperingkat"]] == ["32.73.02"]
    assert [(row[1][0], row[3][0]) for row in page.tables["tepat-waktu"]] == [("32.73.01", "50")]
    html = response.content.decode()
    assert "paling sedikit 20 laporan" in html
    assert "31.71" not in html

    country = _parse(overseer.get("/pantauan/peringkat/", HTTP_HOST=NATIONAL_HOST))
    assert [row[1][0] for row in country.tables["per-laporan"]] == ["32.73"]
    assert [row[0][0] for row in country.tables["belum-diperingkat"]] == ["31.71", "32.04"]


def test_the_surges_page_lists_open_and_past_flags_linked_to_the_map(
    overseer: Client, jakarta: Government, planted: None
) -> None:
    today = timezone.localdate()
    moment = timezone.now()
    going_on = SurgeFlag.objects.create(
        level="district",
        region_code="32.73.01",
        province_code="32",
        category_code="banjir",
        window_days=1,
        baseline_days=28,
        first_day=today,
        last_day=today,
        recent=24,
        expected=2.0,
        first_seen=moment,
        last_seen=moment,
    )
    SurgeFlag.objects.create(
        level="district",
        region_code="31.71.01",
        province_code="31",
        category_code="sampah",
        window_days=1,
        baseline_days=28,
        first_day=today - timedelta(days=5),
        last_day=today - timedelta(days=4),
        recent=15,
        expected=3.5,
        first_seen=moment - timedelta(days=5),
        last_seen=moment - timedelta(days=4),
        resolved_at=moment - timedelta(days=2),
    )
    response = overseer.get("/pantauan/lonjakan/", HTTP_HOST=NATIONAL_HOST)
    page = _parse(response)
    assert [[text for text, _ in row] for row in page.tables["berlangsung"]] == [
        ["Sukasari", "32.73.01", "Banjir dan genangan", str(today), str(today), "1", "24", "28", "2"]
    ]
    assert [row[0][0] for row in page.tables["berakhir"]] == ["Gambir"]
    html = response.content.decode()
    assert f'id="lonjakan-{going_on.pk}"' in html
    assert re.search(
        r'<a href="/pantauan/\?mulai=[\d-]+&amp;sampai=[\d-]+&amp;wilayah=32.73#wilayah-32.73.01">Sukasari</a>', html
    )
    # The dashboard's map marks the province.
    assert "tile tile--p32 tile--s5 tile--surge" in overseer.get("/pantauan/", HTTP_HOST=NATIONAL_HOST).content.decode()

    # Jakarta's officials see Jakarta's flags only.
    jakarta_page = _parse(
        _official(jakarta, "pimpinan@jakarta.go.id").get("/pantauan/lonjakan/", HTTP_HOST=JAKARTA_HOST)
    )
    assert jakarta_page.tables["berlangsung"] == []
    assert [row[0][0] for row in jakarta_page.tables["berakhir"]] == ["Gambir"]


def test_the_open_data_page_explains_and_links_to_everyone(db: None) -> None:
    response = Client().get("/pantauan/data-terbuka/", HTTP_HOST=NATIONAL_HOST)
    assert response.status_code == 200
    html = response.content.decode()
    assert "http://localhost/api/v1/open-data/reports/?start=" in html
    assert "&amp;output=csv" in html
    assert "di bawah 5 laporan" in html
    assert Client().get("/pantauan/data-terbuka/", HTTP_HOST=JAKARTA_HOST).status_code == 200
