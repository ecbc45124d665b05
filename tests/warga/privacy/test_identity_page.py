"""The designated official's page revealing who sent a `rahasia` report, on the government's
host: a reason first, the identity once, every look listed; everyone else refused, nothing
logged for them."""

from __future__ import annotations

from urllib.parse import urlencode

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tenants.context import government_context
from tenants.models import Government
from tests.api.helpers import signed_in_client
from tests.personas import membership_in, official_of, verified_user, with_totp
from tests.unchanged import assert_nothing_changed
from tests.warga.reports.helpers import submit
from warga.privacy.models import IdentityView
from warga.privacy.selectors import identity_views_for_report

BANDUNG_HOST = "kota-bandung.localhost"
JAKARTA_HOST = "dki-jakarta.localhost"
REASON = "Perlu konfirmasi lokasi langsung kepada pelapor."


def _path(number: str) -> str:
    return f"/kantor/laporan/{number}/identitas-pelapor/"


def _logged(government: Government) -> list[tuple[str, str]]:
    with government_context(government):
        return list(IdentityView.objects.values_list("tracking_number", "reason"))


def _secret_report(email: str = "pelapor.halaman@example.id") -> str:
    reporter = verified_user(email, full_name="Dewi Lestari", phone="+6281311113333")
    return submit(reporter, privacy="rahasia").tracking_number


def test_the_designated_official_gives_a_reason_and_sees_the_identity_once(bandung: Government) -> None:
    number = _secret_report()
    coordinator = official_of(bandung, email="koordinator.halaman@bandung.go.id")
    coordinator.full_name = "Budi Santoso"
    coordinator.save(update_fields=["full_name"])
    browser = signed_in_client(coordinator)

    form = browser.get(_path(number), HTTP_HOST=BANDUNG_HOST)
    assert form.status_code == 200
    html = form.content.decode()
    assert '<label for="alasan">Alasan melihat identitas pelapor (wajib, paling sedikit 10 huruf)</label>' in html
    assert '<td colspan="3">Belum pernah dilihat.</td>' in html
    assert "pelapor.halaman@example.id" not in html
    assert _logged(bandung) == []

    shown = browser.post(_path(number), {"alasan": REASON}, HTTP_HOST=BANDUNG_HOST)
    assert shown.status_code == 200
    assert shown["Cache-Control"] == "no-store"
    html = shown.content.decode()
    assert "<dt>Nama</dt><dd>Dewi Lestari</dd>" in html
    assert "<dt>Email</dt><dd>pelapor.halaman@example.id</dd>" in html
    assert "<dt>Telepon</dt><dd>+6281311113333</dd>" in html
    assert f"<td>Budi Santoso</td><td>{REASON}</td>" in html
    assert _logged(bandung) == [(number, REASON)]

    # Coming back shows the log, not the identity.
    again = browser.get(_path(number), HTTP_HOST=BANDUNG_HOST).content.decode()
    assert "pelapor.halaman@example.id" not in again
    assert "Dewi Lestari" not in again
    assert f"<td>Budi Santoso</td><td>{REASON}</td>" in again


def test_a_missing_reason_is_explained_and_nothing_is_shown_or_logged(bandung: Government) -> None:
    number = _secret_report()
    browser = signed_in_client(official_of(bandung))
    refused = browser.post(_path(number), {"alasan": "cek"}, HTTP_HOST=BANDUNG_HOST)
    assert refused.status_code == 400
    html = refused.content.decode()
    assert (
        '<div id="alasan-galat" class="galat" role="alert"><p>Tuliskan alasan melihat identitas pelapor '
        "(paling sedikit 10 huruf).</p></div>"
    ) in html
    assert 'aria-invalid="true"' in html
    assert ">cek</textarea>" in html
    assert "pelapor.halaman@example.id" not in html
    assert _logged(bandung) == []


def test_other_officials_citizens_and_strangers_are_refused_and_nothing_is_logged(bandung: Government) -> None:
    number = _secret_report()
    official_of(bandung)  # a coordinator exists; the others are not them
    browser = signed_in_client(official_of(bandung, email="koordinator.lihat@bandung.go.id"))
    browser.post(_path(number), {"alasan": REASON}, HTTP_HOST=BANDUNG_HOST)
    assert len(_logged(bandung)) == 1

    lurah = with_totp(verified_user("lurah.halaman@example.id"))
    membership_in(bandung, lurah, kind="lurah")
    for method in ("get", "post"):
        response = getattr(signed_in_client(lurah), method)(_path(number), {"alasan": REASON}, HTTP_HOST=BANDUNG_HOST)
        assert response.status_code == 403
        html = response.content.decode()
        assert "Hanya Admin Koordinator yang boleh melihat identitas pelapor laporan rahasia." in html
        assert REASON not in html  # not even the log of looks
    citizen = signed_in_client(verified_user("warga.biasa@example.id"))
    assert citizen.post(_path(number), {"alasan": REASON}, HTTP_HOST=BANDUNG_HOST).status_code == 403
    anonymous = Client().get(_path(number), HTTP_HOST=BANDUNG_HOST)
    assert anonymous["Location"] == "/akun/login/?" + urlencode({"next": _path(number)})
    no_totp = verified_user("koordinator.tanpa.totp@example.id")
    membership_in(bandung, no_totp)
    without = signed_in_client(no_totp).post(_path(number), {"alasan": REASON}, HTTP_HOST=BANDUNG_HOST)
    assert without["Location"] == "http://localhost/akun/2fa/totp/activate/"
    assert len(_logged(bandung)) == 1


def test_another_government_s_report_is_not_found_and_the_page_is_not_on_the_public_host(
    bandung: Government, jakarta: Government
) -> None:
    number = _secret_report()
    jakarta_coordinator = signed_in_client(official_of(jakarta))
    for method in ("get", "post"):
        with assert_nothing_changed(bandung, jakarta):
            response = getattr(jakarta_coordinator, method)(_path(number), {"alasan": REASON}, HTTP_HOST=JAKARTA_HOST)
        assert response.status_code == 404
        assert b"pelapor.halaman@example.id" not in response.content
    bandung_coordinator = signed_in_client(official_of(bandung))
    with assert_nothing_changed(bandung, jakarta):
        public = bandung_coordinator.post(_path(number), {"alasan": REASON}, HTTP_HOST="localhost")
    assert public.status_code == 404
    assert (_logged(bandung), _logged(jakarta)) == ([], [])


def test_a_report_that_is_not_rahasia_offers_no_reveal(bandung: Government) -> None:
    number = submit(verified_user("pelapor.terbuka@example.id")).tracking_number
    browser = signed_in_client(official_of(bandung))
    page = browser.get(_path(number), HTTP_HOST=BANDUNG_HOST).content.decode()
    assert "Laporan ini tidak rahasia" in page
    assert 'name="alasan"' not in page  # no reveal form (the footer's language form stays)
    refused = browser.post(_path(number), {"alasan": REASON}, HTTP_HOST=BANDUNG_HOST)
    assert refused.status_code == 400
    assert (
        "Identitas pelapor hanya disembunyikan pada laporan rahasia; laporan ini tidak rahasia."
        in refused.content.decode()
    )
    assert _logged(bandung) == []


def test_the_log_of_looks_costs_two_queries_however_long(bandung: Government) -> None:
    number = _secret_report()
    officials = [official_of(bandung, email=f"koordinator{n}@bandung.go.id") for n in range(4)]
    for official in officials:
        signed_in_client(official).post(_path(number), {"alasan": REASON}, HTTP_HOST=BANDUNG_HOST)
    with government_context(bandung), CaptureQueriesContext(connection) as queries:
        looks = identity_views_for_report(tracking_number=number)
    # Not counted: the SET search_path that entering the government's schema costs.
    reads = [
        q["sql"]
        for q in queries.captured_queries
        if not q["sql"].startswith(("SET search_path", "SET LOCAL search_path"))
    ]
    assert len(reads) == 2, reads
    assert [look.actor for look in looks] == [o.full_name or o.email for o in reversed(officials)]
