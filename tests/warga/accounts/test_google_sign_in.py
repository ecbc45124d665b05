"""Google sign-in exists only when its OAuth client is configured (WARGA_GOOGLE_CLIENT_ID and
WARGA_GOOGLE_CLIENT_SECRET), and always runs on the central host, the one callback URL
registered with Google. The configured case runs in a process started with those variables,
as a deployment would be."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from django.db import connection
from django.test import Client

ROOT = Path(__file__).resolve().parents[3]

_PROBE = """
import json, django
django.setup()
from django.test import Client
page = Client().get("/akun/login/", HTTP_HOST="localhost").content.decode()
started = Client().post("/akun/google/login/", HTTP_HOST="localhost")
central = Client().get("/akun/google/login/", HTTP_HOST="kota-bandung.localhost")
print(json.dumps({"offered": "/akun/google/login/" in page, "status": started.status_code,
                  "location": started["Location"], "government_host": central["Location"]}))
"""


def test_without_a_client_google_is_neither_offered_nor_reachable(db: None) -> None:
    page = Client().get("/akun/login/", HTTP_HOST="localhost")
    assert page.status_code == 200
    assert "google" not in page.content.decode().lower()
    assert Client().post("/akun/google/login/", HTTP_HOST="localhost").status_code == 404


def test_with_a_client_the_login_page_offers_google_and_sends_the_citizen_there(db: None) -> None:
    database = connection.settings_dict
    socket_or_host = database["HOST"] or "localhost"
    url = f"postgresql://{database['USER']}@/{database['NAME']}?host={socket_or_host}"
    if database["PORT"]:
        url += f"&port={database['PORT']}"
    environment = os.environ | {
        "DATABASE_URL": url,
        "WARGA_GOOGLE_CLIENT_ID": "warga-uji.apps.googleusercontent.com",
        "WARGA_GOOGLE_CLIENT_SECRET": "rahasia-uji",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    result = subprocess.run(
        [sys.executable, "-c", _PROBE], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])

    assert seen["offered"] is True
    assert seen["status"] == 302
    target = urlsplit(seen["location"])
    assert (target.scheme, target.netloc, target.path) == ("https", "accounts.google.com", "/o/oauth2/v2/auth")
    query = parse_qs(target.query)
    assert query["client_id"] == ["warga-uji.apps.googleusercontent.com"]
    assert query["redirect_uri"] == ["http://localhost/akun/google/login/callback/"]
    assert set(query["scope"][0].split()) == {"openid", "email", "profile"}
    # On a government host the same address sends the citizen to the central host.
    assert urlsplit(seen["government_host"]).netloc == "localhost"
