"""Session activity is recorded at most once a minute per session (warga.accounts.middleware)."""

from __future__ import annotations

import datetime

from allauth.usersessions.models import UserSession
from django.core.cache import caches
from django.test import Client

from warga.accounts.middleware import activity_mark_key
from warga.accounts.models import User

PASSWORD = "rahasia-sekali-123"
CENTRAL = "localhost"
AN_HOUR_AGO = datetime.datetime(2026, 1, 5, 8, 0, tzinfo=datetime.UTC)


def _signed_in(user: User) -> tuple[Client, str]:
    client = Client()
    response = client.post("/akun/login/", {"login": user.email, "password": PASSWORD}, HTTP_HOST=CENTRAL)
    assert response.status_code == 302
    return client, client.session.session_key


def _last_seen(session_key: str) -> datetime.datetime:
    return UserSession.objects.get(session_key=session_key).last_seen_at


def _age(session_key: str) -> None:
    UserSession.objects.filter(session_key=session_key).update(last_seen_at=AN_HOUR_AGO)


def test_the_first_request_of_a_session_records_its_activity(citizen: User) -> None:
    client, key = _signed_in(citizen)
    _age(key)

    client.get("/", HTTP_HOST=CENTRAL, HTTP_USER_AGENT="Warga Android 2.1")

    assert _last_seen(key) > AN_HOUR_AGO
    assert UserSession.objects.get(session_key=key).user_agent == "Warga Android 2.1"


def test_further_requests_within_the_minute_write_nothing(citizen: User) -> None:
    client, key = _signed_in(citizen)
    client.get("/", HTTP_HOST=CENTRAL)
    _age(key)

    client.get("/", HTTP_HOST=CENTRAL, HTTP_USER_AGENT="Warga Android 2.1")
    client.get("/akun/sessions/", HTTP_HOST=CENTRAL)

    row = UserSession.objects.get(session_key=key)
    assert row.last_seen_at == AN_HOUR_AGO
    assert row.user_agent == ""


def test_activity_is_recorded_again_once_the_minute_is_over(citizen: User) -> None:
    client, key = _signed_in(citizen)
    client.get("/", HTTP_HOST=CENTRAL)
    _age(key)
    caches["shared"].delete(activity_mark_key(key))  # what the mark's 60 s expiry does

    client.get("/", HTTP_HOST=CENTRAL)

    assert _last_seen(key) > AN_HOUR_AGO


def test_each_session_is_throttled_on_its_own(citizen: User) -> None:
    laptop, laptop_key = _signed_in(citizen)
    laptop.get("/", HTTP_HOST=CENTRAL)
    phone, phone_key = _signed_in(citizen)
    _age(phone_key)

    phone.get("/", HTTP_HOST=CENTRAL)

    assert laptop_key != phone_key
    assert _last_seen(phone_key) > AN_HOUR_AGO


def test_anonymous_requests_record_no_session(db: None) -> None:
    Client().get("/", HTTP_HOST=CENTRAL)

    assert not UserSession.objects.exists()
