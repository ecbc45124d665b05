from __future__ import annotations

from typing import Any


def test_the_shared_app_and_a_government_are_served_from_their_own_schemas(phone: Any, site_port: int) -> None:
    phone.goto(f"http://localhost:{site_port}/")
    assert phone.locator("html").get_attribute("lang") == "id"
    assert phone.locator("h1").inner_text() == "Warga"
    assert "Kota Bandung (32.73)" in phone.locator("main").inner_text()
    assert phone.locator("body").get_attribute("data-schema") == "public"

    phone.goto(f"http://kota-bandung.localhost:{site_port}/")
    assert phone.locator("h1").inner_text() == "Kota Bandung"
    assert phone.locator("body").get_attribute("data-schema") == "gov_32_73"
    # The stylesheet is served and applied: the header bar takes the brand colour.
    assert (
        phone.locator("header.site-header").evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(179, 38, 30)"
    )
    assert phone.console_errors == []


def test_an_unknown_host_shows_a_readable_404(phone: Any, site_port: int) -> None:
    response = phone.goto(f"http://kota-atlantis.localhost:{site_port}/")
    assert response.status == 404
    assert phone.locator("h1").inner_text() == "Alamat tidak dikenal"
    assert "kota-atlantis.localhost" in phone.locator("main").inner_text()


def test_pages_fit_a_small_phone_screen(phone: Any, site_port: int) -> None:
    phone.goto(f"http://kota-bandung.localhost:{site_port}/")
    overflow = phone.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow == 0
