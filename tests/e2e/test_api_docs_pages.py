"""The API's reference pages in a real browser: Swagger UI and Redoc render the schema's areas
and operations from our own static files under the site's CSP, with no console error (a CSP
refusal is one) and no request leaving the machine. Screenshots at 1280 and 360 px go to
docs/screenshots/api/."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from tests.e2e.pages import SCREENSHOTS

# Redoc's side menu always shows Redocly's logo from their CDN; the CSP refuses it (img-src), so
# nothing is fetched, but the browser reports the refusal. Only that refusal is tolerated.
REDOCLY_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"
AREAS = ("Laporan", "Kunci API", "Meja triase", "Nasional & data terbuka")


def _watch_requests_elsewhere(page: Any) -> list[str]:
    """Addresses off this machine that the page actually fetched (a request the CSP refused
    never leaves: it fails rather than finishes)."""
    elsewhere: list[str] = []
    page.on("requestfinished", lambda request: None if _local(request.url) else elsewhere.append(request.url))
    return elsewhere


def _local(url: str) -> bool:
    host = urlparse(url).hostname or ""
    return url.startswith(("data:", "blob:")) or host == "localhost" or host.endswith(".localhost")


def _screenshots(page: Any, name: str) -> None:
    """The top of the page as a reader first sees it, 1280 px and 360 px wide."""
    for width, height in ((1280, 800), (360, 640)):
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(300)
        target = SCREENSHOTS / "api" / f"{name}-{width}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(target))


def _policy(response: Any) -> str:
    policy = str(response.headers["content-security-policy"])
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    return policy


def test_swagger_ui_shows_every_area_and_an_operations_description(phone: Any, site_port: int) -> None:
    elsewhere = _watch_requests_elsewhere(phone)
    phone.set_viewport_size({"width": 1280, "height": 800})

    response = phone.goto(f"http://kota-bandung.localhost:{site_port}/api/docs/")

    assert response.status == 200
    assert "style-src 'self' 'nonce-" in _policy(response)
    phone.wait_for_selector(".opblock-tag-section", timeout=20_000)
    tags = phone.locator(".opblock-tag").all_inner_texts()
    for area in AREAS:
        assert any(tag.startswith(area) for tag in tags), (area, tags)
    phone.locator("#operations-Laporan-v1_reports_create .opblock-summary-control").click()
    opened = phone.locator("#operations-Laporan-v1_reports_create")
    opened.locator(".opblock-description-wrapper").first.wait_for()
    text = opened.inner_text()
    assert "Who may call:" in text
    assert "Host:" in text
    assert "API key:" in text
    assert "Jalan berlubang" in text  # the Indonesian example
    assert phone.console_errors == []
    assert elsewhere == []
    _screenshots(phone, "swagger-ui")


def test_redoc_shows_every_area_offline(phone: Any, site_port: int) -> None:
    elsewhere = _watch_requests_elsewhere(phone)
    phone.set_viewport_size({"width": 1280, "height": 800})

    response = phone.goto(f"http://localhost:{site_port}/api/redoc/")

    assert response.status == 200
    assert "'sha256-" in _policy(response)
    phone.wait_for_selector("h1", timeout=20_000)
    phone.wait_for_selector("[role=menu] label", timeout=20_000)
    text = phone.evaluate("document.body.textContent")
    for area in (*AREAS, "Submit a report", "Who may call:", "Jalan berlubang"):
        assert area in text, area
    assert [e for e in phone.console_errors if REDOCLY_LOGO not in e] == []
    assert elsewhere == []
    _screenshots(phone, "redoc")
