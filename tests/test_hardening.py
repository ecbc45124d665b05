"""Smaller doors closed over HTTP: the host cache's misses, sessions that outlive the central
one, `next` after sign-in, comment and "saya juga" floods, cookie names, session clean-up."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.test import Client
from django.utils import timezone

from tenants import hosts
from tenants.context import government_context
from tenants.models import Government
from tests.api.helpers import signed_in_client
from tests.factories import UserFactory
from tests.personas import PASSWORD, verified_user
from tests.test_settings import PRODUCTION_SERVICES, _manage
from tests.warga.accounts.test_sign_in_across_hosts import Browser
from tests.warga.reports.helpers import submit
from warga.accounts.models import User
from warga.accounts.tasks import sessions_clear_task
from warga.reports.models import ReportComment, ReportSupport

PUBLIC = "localhost"
BANDUNG = "kota-bandung.localhost"


@pytest.fixture(autouse=True)
def _fresh_counters() -> None:
    caches["shared"].clear()
    caches["default"].clear()


def test_invented_host_names_do_not_grow_the_host_cache_without_end(
    bandung: Government, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(hosts, "MISSES_MAX", 20)
    hosts.clear()
    for number in range(60):
        Client().get("/healthz", HTTP_HOST=f"tebakan-{number}.localhost")
    Client().get("/healthz", HTTP_HOST=BANDUNG)
    assert hosts.cached_count() == (1, 20)
    # A real government's entry stays, whatever the misses do.
    for number in range(60, 120):
        Client().get("/healthz", HTTP_HOST=f"tebakan-{number}.localhost")
    assert hosts.cached_count() == (1, 20)
    assert hosts.government_for_host(BANDUNG) == bandung


def test_a_government_session_ends_when_the_central_session_expires(bandung: Government) -> None:
    citizen = verified_user("kedaluwarsa@example.id")
    browser = Browser()
    browser.post("/akun/login/", {"login": citizen.email, "password": PASSWORD})
    start = browser.get(f"http://{BANDUNG}/akun/login/?next=/")
    browser.get(browser.get(start["Location"])["Location"])
    assert browser.get(f"http://{BANDUNG}/").wsgi_request.user == citizen

    # The central session expires; `clearsessions` has not run, so its row is still there.
    central_key = browser.session(PUBLIC).session_key
    Session.objects.filter(session_key=central_key).update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    assert browser.get(f"http://{BANDUNG}/").wsgi_request.user.is_anonymous
    assert "_auth_user_id" not in browser.session(BANDUNG)

    # And the scheduled clean-up deletes the expired rows.
    assert settings.CELERY_BEAT_SCHEDULE["accounts-sessions-clear"]["task"] == "accounts.sessions_clear"
    sessions_clear_task()
    assert not Session.objects.filter(session_key=central_key).exists()


@pytest.mark.parametrize(
    "target",
    [
        "http://127.0.0.1/phish",
        "http://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "https://localhost.evil/",
    ],
)
def test_next_after_sign_in_stays_on_warga(db: None, target: str) -> None:
    citizen = verified_user("lanjut@example.id")
    browser = Client()
    response = browser.post(
        "/akun/login/", {"login": citizen.email, "password": PASSWORD, "next": target}, HTTP_HOST=PUBLIC
    )
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_next_after_sign_in_may_be_a_warga_host(db: None) -> None:
    citizen = verified_user("lanjut-sah@example.id")
    response = Client().post(
        "/akun/login/",
        {"login": citizen.email, "password": PASSWORD, "next": f"http://{BANDUNG}/kantor/"},
        HTTP_HOST=PUBLIC,
    )
    assert response["Location"] == f"http://{BANDUNG}/kantor/"


def _post(client: Client, path: str) -> Any:
    return client.post(path, json.dumps({"body": "Di sini juga."}), content_type="application/json", HTTP_HOST=PUBLIC)


def test_a_comment_flood_from_one_account_is_refused_and_writes_nothing(bandung: Government, settings: Any) -> None:
    settings.WARGA_COMMENT_LIMIT_PER_HOUR = 3
    number = submit(UserFactory()).tracking_number
    spammer = signed_in_client(UserFactory())
    path = f"/api/v1/reports/{number}/comments/"
    assert [_post(spammer, path).status_code for _ in range(3)] == [201, 201, 201]
    refused = _post(spammer, path)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert refused.json()["error"]["message"].startswith("Terlalu banyak dalam waktu singkat.")
    with government_context(bandung):
        assert ReportComment.objects.count() == 3
    # Someone else is not held back by the spammer's budget.
    assert _post(signed_in_client(UserFactory()), path).status_code == 201


def test_saya_juga_from_a_script_is_refused_and_counts_nothing(bandung: Government, settings: Any) -> None:
    settings.WARGA_SUPPORT_LIMIT_PER_HOUR = 2
    numbers = [submit(UserFactory(), idempotency_key=f"dukungan-{i}").tracking_number for i in range(3)]
    script = signed_in_client(UserFactory())
    answers = [_post(script, f"/api/v1/reports/{number}/support/").status_code for number in numbers]
    assert answers == [200, 200, 429]
    with government_context(bandung):
        assert ReportSupport.objects.count() == 2


def test_production_cookies_are_host_only_by_name() -> None:
    """`__Host-` makes the browser refuse a cookie set for the whole domain by a sibling host."""
    result = _manage(
        "shell",
        "-c",
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.WARGA_HANDOFF_STATE_COOKIE, s.SESSION_COOKIE_SECURE)",
        DJANGO_SECRET_KEY="x" * 60,
        WARGA_BASE_DOMAIN="warga.go.id",
        **PRODUCTION_SERVICES,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == [
        "__Host-sessionid",
        "__Host-csrftoken",
        "__Host-warga_sambung",
        "True",
    ]


def test_an_expired_central_session_cannot_be_handed_over(bandung: Government) -> None:
    """The hand-over itself refuses a central session that has expired since the token."""
    user: User = verified_user("serah@example.id")
    browser = Browser()
    browser.post("/akun/login/", {"login": user.email, "password": PASSWORD})
    start = browser.get(f"http://{BANDUNG}/akun/login/?next=/")
    handoff = browser.get(start["Location"])
    Session.objects.filter(session_key=browser.session(PUBLIC).session_key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    browser.get(handoff["Location"])
    assert "_auth_user_id" not in browser.session(BANDUNG)
