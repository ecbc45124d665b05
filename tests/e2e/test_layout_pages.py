"""The layouts themselves: the shared app's home and a government's home pass the page checks;
on government hosts each page's content starts and ends where its header's and footer's do."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.sessions.models import Session
from django.db import connection

from tenants.context import government_context
from tenants.models import Government
from tests.e2e.pages import check_page, horizontal_overflow, page_weight
from tests.e2e.sessions import signed_in_page, signed_in_session
from tests.personas import membership_in, verified_user, with_totp
from warga.accounts.models import User
from warga.organization.models import Membership

# The left and right edges of the content of the header, the page and the footer (inside
# their padding), and where the page's heading starts.
_EDGES = """() => {
  const edges = (el) => {
    const box = el.getBoundingClientRect(), style = getComputedStyle(el);
    return [box.left + parseFloat(style.paddingLeft), box.right - parseFloat(style.paddingRight)];
  };
  return {
    header: edges(document.querySelector(".site-header__inner")),
    main: edges(document.querySelector("main")),
    footer: edges(document.querySelector(".site-footer__inner")),
    brand: document.querySelector(".brand").getBoundingClientRect().left,
    heading: document.querySelector("main h1").getBoundingClientRect().left,
  };
}"""


def test_the_home_page_is_light_accessible_and_fits_a_phone(phone: Any, site_port: int) -> None:
    phone.goto(f"http://localhost:{site_port}/")
    assert phone.locator("h1").inner_text() == "Warga"
    weight = page_weight(phone)
    print(f"home page weight: {weight / 1024:.1f} KB (budget 100 KB)")
    assert weight <= 100 * 1024
    assert phone.console_errors == [], phone.console_errors
    check_page(phone, "citizen/home")


def test_the_language_switch_remembers_english(phone: Any, site_port: int) -> None:
    phone.goto(f"http://localhost:{site_port}/")
    with phone.expect_navigation():
        phone.select_option("#bahasa", "en")
    assert phone.locator("html").get_attribute("lang") == "en"
    assert phone.get_by_role("link", name="Report a problem").is_visible()
    phone.goto(f"http://localhost:{site_port}/")
    assert phone.locator("html").get_attribute("lang") == "en"


def test_a_government_home_passes_the_page_checks(phone: Any, site_port: int) -> None:
    phone.goto(f"http://kota-bandung.localhost:{site_port}/")
    check_page(phone, "government/home")


def test_the_app_is_installable_from_any_public_page(phone: Any, site_port: int) -> None:
    """The manifest and the theme colour come with the public layout, not only with the wizard:
    Chromium finds the manifest, its icons load, and nothing stands in the way of installing."""
    session = phone.context.new_cdp_session(phone)
    for path in ("/", "/peta/", "/akun/login/", "/lacak/"):
        phone.goto(f"http://localhost:{site_port}{path}")
        assert phone.locator('meta[name="theme-color"]').get_attribute("content") == "#b3261e"
        manifest = session.send("Page.getAppManifest")
        assert manifest["url"] == f"http://localhost:{site_port}/lapor/manifest.webmanifest", (path, manifest)
        assert manifest["errors"] == [], (path, manifest["errors"])
        assert '"start_url": "/lapor/"' in manifest["data"]
        # A test browser's profile is always an incognito one, which Chromium names but which no citizen has.
        errors = session.send("Page.getInstallabilityErrors")["installabilityErrors"]
        assert [error["errorId"] for error in errors if error["errorId"] != "in-incognito"] == [], path


@pytest.fixture
def officials(committed_db: None) -> Iterator[dict[str, str]]:
    """Signed-in sessions of Kota Bandung's admin koordinator (inbox, offers, console) and of a
    national overseer (dashboard, triage desk), by host."""
    national = Government.objects.get(level="national")
    bandung = Government.objects.get(code="32.73")
    marker = uuid.uuid4().hex[:8]
    admin = with_totp(verified_user(f"admin-tata-{marker}@bandung.go.id", full_name="Dani Admin"))
    overseer = with_totp(verified_user(f"pengawas-tata-{marker}@nasional.go.id", full_name="Ratna Pengawas"))
    seats = [
        (bandung, membership_in(bandung, admin)),
        (national, membership_in(national, overseer, kind="pengawas_nasional")),
    ]
    sessions = {"kota-bandung.localhost": signed_in_session(admin), "nasional.localhost": signed_in_session(overseer)}
    yield sessions
    for government, seat in seats:
        with government_context(government):
            Membership.objects.filter(pk=seat.pk).delete()
    Session.objects.filter(session_key__in=sessions.values()).delete()
    Authenticator.objects.filter(user__in=[admin, overseer]).delete()
    User.objects.filter(pk__in=[admin.pk, overseer.pk]).delete()
    connection.close()


GOVERNMENT_PAGES = {
    "kota-bandung.localhost": ("/", "/kantor/", "/notifikasi/", "/tawaran-triase/", "/kantor/admin/"),
    "nasional.localhost": ("/", "/kantor/", "/meja-triase/", "/pantauan/", "/notifikasi/"),
}


@pytest.mark.parametrize("host", GOVERNMENT_PAGES)
def test_a_government_page_s_content_starts_where_its_header_does(
    browser: Any, site_port: int, officials: dict[str, str], host: str
) -> None:
    """The officials' pages are wider than the citizens' (their tables are dense); the header
    and footer take the same width, at a laptop's 1280 px and on a wider screen, and nothing is
    wider than a 360 px phone."""
    page = signed_in_page(browser, officials[host], host)
    try:
        for path in GOVERNMENT_PAGES[host]:
            page.set_viewport_size({"width": 1280, "height": 800})
            response = page.goto(f"http://{host}:{site_port}{path}")
            assert response is not None, (host, path)
            assert response.status == 200, (host, path)
            for width in (1280, 1920):
                page.set_viewport_size({"width": width, "height": 800})
                edges = page.evaluate(_EDGES)
                where = (host, path, width, edges)
                assert edges["header"] == edges["main"] == edges["footer"], where
                assert edges["brand"] == edges["heading"] == edges["header"][0], where
            page.set_viewport_size({"width": 360, "height": 640})
            assert horizontal_overflow(page) == 0, (host, path)
    finally:
        page.context.close()
