"""Sessions as production keeps them (REDIS_URL set): read from Redis, written through to the
database, cached under the `shared` alias (docs/decisions/0150).

What could go wrong is a session that ends in the database but lives on in the cache: the
central host and the government hosts must read one cache entry per session, and every way a
session ends (sign-out, the session list, closing the account) must remove that entry.
"""

from __future__ import annotations

from typing import Any

import redis
from django.contrib.sessions.backends.cached_db import KEY_PREFIX
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from tenants.models import Government
from tests.conftest import PRODUCTION_REDIS_URL
from tests.warga.accounts.test_sign_in_across_hosts import BANDUNG, CENTRAL, Browser, _signed_in_centrally, _token_for
from tests.warga.reports.helpers import submission_fields
from tests.warga.reports.images import image_bytes
from warga.accounts.models import User
from warga.accounts.personal_data import account_sessions_end


def _redis_keys_of(session_key: str) -> list[str]:
    client = redis.Redis.from_url(PRODUCTION_REDIS_URL)
    try:
        return sorted(key.decode() for key in client.scan_iter(match=f"*{KEY_PREFIX}{session_key}"))
    finally:
        client.close()


def _signed_in_on_bandung(citizen: User) -> Browser:
    browser = _signed_in_centrally(citizen)
    browser.get(f"http://kota-bandung.localhost/akun/sambung/?token={_token_for(browser, BANDUNG)}&next=/")
    # Bandung checks the central session on every request: it is now cached from there too.
    assert browser.get("http://kota-bandung.localhost/").wsgi_request.user == citizen
    return browser


def test_one_entry_per_session_whichever_host_reads_it(citizen: User, production_caches: str) -> None:
    browser = _signed_in_on_bandung(citizen)
    central = browser.session(CENTRAL).session_key
    bandung = browser.session(BANDUNG).session_key

    # Written through: the rows are in the database.
    assert Session.objects.filter(session_key__in=[central, bandung]).count() == 2
    # Cached once each, in the namespace common to all hosts (no schema in the key), although
    # the central session was read both on the central host and on Bandung.
    assert _redis_keys_of(central) == [f"{production_caches}:shared:1:{KEY_PREFIX}{central}"]
    assert _redis_keys_of(bandung) == [f"{production_caches}:shared:1:{KEY_PREFIX}{bandung}"]


def test_a_signed_in_citizen_submits_on_the_shared_app_without_reading_the_session_row(
    citizen: User, bandung: Government, production_caches: str
) -> None:
    browser = _signed_in_on_bandung(citizen)

    with CaptureQueriesContext(connection) as queries:
        response = browser.client(CENTRAL).post(
            "/api/v1/reports/",
            submission_fields(
                photos=[SimpleUploadedFile("a.jpg", image_bytes())], idempotency_key="kunci-sesi-tersimpan-0001"
            ),
            HTTP_HOST=CENTRAL,
        )

    assert response.status_code == 201, response.content
    assert response.wsgi_request.user == citizen
    assert not [query["sql"] for query in queries.captured_queries if '"django_session"' in query["sql"]]


def test_a_session_survives_a_redis_restart(citizen: User, production_caches: str) -> None:
    browser = _signed_in_centrally(citizen)
    central = browser.session(CENTRAL).session_key
    client = redis.Redis.from_url(PRODUCTION_REDIS_URL)
    client.delete(*_redis_keys_of(central))
    client.close()

    assert browser.get("/").wsgi_request.user == citizen
    # Read from the database, and cached again.
    assert _redis_keys_of(central) == [f"{production_caches}:shared:1:{KEY_PREFIX}{central}"]


def test_signing_out_centrally_ends_the_government_session_at_once(citizen: User, production_caches: str) -> None:
    browser = _signed_in_on_bandung(citizen)
    central = browser.session(CENTRAL).session_key

    assert browser.post("/akun/logout/", {})["Location"] == "/"

    assert _redis_keys_of(central) == []
    assert browser.get("http://kota-bandung.localhost/").wsgi_request.user.is_anonymous
    assert browser.get("/").wsgi_request.user.is_anonymous


def test_sessions_revoked_from_the_list_end_on_every_host(citizen: User, production_caches: str) -> None:
    laptop = _signed_in_on_bandung(citizen)
    ended = [laptop.session(CENTRAL).session_key, laptop.session(BANDUNG).session_key]

    # From another device: "sign out other sessions" on the central host.
    phone = _signed_in_centrally(citizen)
    assert phone.post("/akun/sessions/", {}).status_code == 302

    assert [_redis_keys_of(key) for key in ended] == [[], []]
    assert laptop.get("/").wsgi_request.user.is_anonymous
    assert laptop.get("http://kota-bandung.localhost/").wsgi_request.user.is_anonymous
    assert phone.get("/").wsgi_request.user == citizen


def test_ending_every_session_of_an_account_also_empties_the_cache(
    citizen: User, production_caches: str, django_capture_on_commit_callbacks: Any
) -> None:
    """Closing an account (warga.data_rights) deletes its sessions with a query, in a
    transaction: the cached copies go too, and again at commit, after a request of the session
    that read the row before the commit has put it back."""
    browser = _signed_in_on_bandung(citizen)
    ended = [browser.session(CENTRAL).session_key, browser.session(BANDUNG).session_key]
    entries = {key: caches["shared"].get(KEY_PREFIX + key) for key in ended}

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        assert account_sessions_end(user_id=citizen.pk) == 2
        assert [_redis_keys_of(key) for key in ended] == [[], []]
        for key, data in entries.items():
            caches["shared"].set(KEY_PREFIX + key, data)

    assert [_redis_keys_of(key) for key in ended] == [[], []]
    assert not Session.objects.filter(session_key__in=ended).exists()
    assert browser.get("/").wsgi_request.user.is_anonymous
    assert browser.get("http://kota-bandung.localhost/").wsgi_request.user.is_anonymous
