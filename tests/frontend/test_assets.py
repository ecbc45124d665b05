"""The bundles named by the build's manifest are served, with a year-long cache lifetime since their
names change with their content."""

from __future__ import annotations

from typing import Any

from django.test import Client

from frontend.assets import asset_path


def test_every_page_bundle_is_served_and_cached_for_a_year(db: None, settings: Any) -> None:
    # As production serves them after collectstatic; the tests read the build's folder instead.
    settings.WHITENOISE_USE_FINDERS = True
    client = Client()
    page = client.get("/", HTTP_HOST="localhost").content.decode()
    for name in ("citizen.css", "citizen.js"):
        path = asset_path(name)
        assert f"/static/{path}" in page
        response = client.get(f"/static/{path}", HTTP_HOST="localhost")
        assert response.status_code == 200
        assert "max-age=315360000" in response["Cache-Control"]
        assert "immutable" in response["Cache-Control"]
        response.close()  # a file response holds the file open until closed
