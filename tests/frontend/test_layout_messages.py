"""Messages (django.contrib.messages) are shown by the layout alone, each once, at the top of
the page: green with role "status" when something was done, red with role "alert" when it was
refused. A page that printed them too showed every message twice."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from tests.api.helpers import signed_in_client
from tests.personas import verified_user
from warga.data_rights.models import DataRequest, DataRequestStatus

ROOT = Path(__file__).resolve().parents[2]
LAYOUT = ROOT / "frontend" / "templates" / "frontend" / "layouts" / "_skeleton.html"
NOTICE = re.compile(r'<p class="notice notice--(\w+)" role="(\w+)">([^<]*)</p>')


def test_no_template_but_the_layout_shows_messages() -> None:
    templates = sorted((ROOT / "frontend" / "templates").rglob("*.html"))
    assert LAYOUT in templates
    showing = [
        str(path.relative_to(ROOT))
        for path in templates
        if path != LAYOUT and re.search(r"{%\s*for\s+\w+\s+in\s+messages\s*%}", path.read_text())
    ]
    assert showing == []


def _notices(html: str) -> list[tuple[str, str, str]]:
    """(level, role, text) of each notice the layout shows."""
    return [(level, role, text) for level, role, text in NOTICE.findall(html)]


def test_a_done_message_is_green_and_a_refusal_red_each_once(db: None) -> None:
    citizen = verified_user("pesan-sekali@example.id")
    browser = signed_in_client(citizen)

    asked = browser.post("/akun/data/unduh/", HTTP_HOST="localhost", follow=True)
    html = asked.content.decode()
    [(level, role, text)] = _notices(html)
    assert (level, role) == ("success", "status")
    assert text.startswith("Permintaan unduh data diterima.")
    assert html.count("Permintaan unduh data diterima.") == 1
    # Shown, so gone from the next page.
    assert _notices(browser.get("/akun/data/", HTTP_HOST="localhost").content.decode()) == []

    DataRequest.objects.filter(user_id=citizen.pk).update(status=DataRequestStatus.DONE, completed_at=timezone.now())
    refused = browser.post("/akun/data/unduh/", HTTP_HOST="localhost")
    assert refused.status_code == 429
    html = refused.content.decode()
    [(level, role, text)] = _notices(html)
    assert (level, role) == ("error", "alert")
    hours = settings.WARGA_PERSONAL_DATA_EXPORT_INTERVAL_HOURS
    assert text.startswith(f"Anda sudah meminta unduhan data pribadi dalam {hours} jam terakhir.")
    assert html.count("Anda sudah meminta unduhan data pribadi") == 1
