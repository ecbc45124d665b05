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
