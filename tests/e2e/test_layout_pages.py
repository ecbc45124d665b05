"""The layouts themselves: the shared app's home and a government's home pass the page checks."""

from __future__ import annotations

from typing import Any

from tests.e2e.pages import check_page, page_weight


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
