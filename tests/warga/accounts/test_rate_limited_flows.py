"""Over one of allauth's limits, every sign-in flow answers 429 with Retry-After in words a
citizen understands, and keeps nothing (docs/security.md, "Over a rate limit").

Before: the fourth phone sign-up from one address within a minute raised allauth's
`RateLimited` inside phone verification (a 500), after the account row was saved and without
sending the code; the same email was then refused on retry.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client

from warga.accounts.models import User

PUBLIC = "localhost"
PASSWORD = "Sandi-Warga-2026!"


def _sms(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "warga.sms"]


def _signup(browser: Client, *, email: str, phone: str = "") -> Any:
    browser.get("/akun/signup/", HTTP_HOST=PUBLIC)
    data = {"email": email, "password1": PASSWORD, "password2": PASSWORD}
    if phone:
        data["phone"] = phone
    return browser.post("/akun/signup/", data, HTTP_HOST=PUBLIC)


def _assert_limit_page(response: Any, *, status: int = 429) -> int:
    assert response.status_code == status, response.content.decode()[:500]
    retry_after = int(response["Retry-After"])
    assert 1 <= retry_after <= 3600
    page = response.content.decode()
    assert "Tidak ada yang tersimpan" in page or "tidak ada yang tersimpan" in page
    assert "Silakan coba lagi dalam" in page
    return retry_after


def test_phone_sign_ups_over_the_ip_limit_answer_429_and_keep_nothing(
    db: None, settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """The attack of the report, with allauth's own per-IP limit for phone codes (3 a minute)."""
    settings.ACCOUNT_RATE_LIMITS = {"verify_phone": "1/30s/key,3/m/ip"}
    caplog.set_level(logging.INFO, logger="warga.sms")
    for n in range(3):
        made = _signup(Client(), email=f"warga{n}@example.id", phone=f"0812 0000 000{n}")
        assert (made.status_code, made["Location"]) == (302, "/akun/phone/verify/")
    assert len(_sms(caplog)) == 3

    fourth = Client()
    refused = _signup(fourth, email="keempat@example.id", phone="0812 0000 0009")
    retry_after = _assert_limit_page(refused)
    assert retry_after <= 60
    assert "Akun Anda belum dibuat" in refused.content.decode()
    # Nothing was made and nothing was sent.
    assert not User.objects.filter(email="keempat@example.id").exists()
    assert not User.objects.filter(phone="+6281200000009").exists()
    assert not EmailAddress.objects.filter(email="keempat@example.id").exists()
    assert len(_sms(caplog)) == 3
    assert "account_login" not in fourth.session  # no half-finished sign-up stashed in the session

    # A minute later (the IP's counter emptied), the same email signs up normally.
    settings.ACCOUNT_RATE_LIMITS = {"verify_phone": "1/30s/key,3/m/ip"}
    from django.core.cache import cache

    cache.clear()
    again = _signup(fourth, email="keempat@example.id", phone="0812 0000 0009")
    assert (again.status_code, again["Location"]) == (302, "/akun/phone/verify/")
    assert User.objects.get(email="keempat@example.id").phone == "+6281200000009"


def test_a_limit_reached_inside_the_sign_up_rolls_it_back(
    db: None, settings: Any, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A concurrent request can use the last slot between the check and the code's sending:
    the sign-up runs in one transaction, so the account is rolled back and the answer is 429."""
    from frontend import signin_views

    settings.ACCOUNT_RATE_LIMITS = {"verify_phone": "1/30s/key,1/m/ip"}
    caplog.set_level(logging.INFO, logger="warga.sms")
    assert _signup(Client(), email="pertama@example.id", phone="0812 0000 0001").status_code == 302
    monkeypatch.setattr(signin_views, "allauth_limit_wait_seconds", lambda *args, **kwargs: None)
    refused = _signup(Client(), email="kedua@example.id", phone="0812 0000 0002")
    _assert_limit_page(refused)
    assert not User.objects.filter(email="kedua@example.id").exists()
    assert not EmailAddress.objects.filter(email="kedua@example.id").exists()
    assert len(_sms(caplog)) == 1


def test_email_sign_ups_over_the_ip_limit_answer_429_and_keep_nothing(db: None, settings: Any) -> None:
    settings.ACCOUNT_RATE_LIMITS = {"signup": "2/m/ip"}
    for n in range(2):
        assert _signup(Client(), email=f"surel{n}@example.id").status_code == 302
    assert len(mail.outbox) == 2  # the two verification mails
    refused = _signup(Client(), email="surel9@example.id")
    _assert_limit_page(refused)
    assert not User.objects.filter(email="surel9@example.id").exists()
    assert len(mail.outbox) == 2


def test_resending_the_email_verification_over_its_limit_sends_nothing_more(db: None, settings: Any) -> None:
    """Email verification by link: allauth skips the extra mail within the cooldown (no error page,
    nothing half-made); the person still holds the first link."""
    browser = Client()
    assert _signup(browser, email="ulang@example.id").status_code == 302
    assert len(mail.outbox) == 1
    user = User.objects.get(email="ulang@example.id")
    for _ in range(3):
        answer = browser.post("/akun/login/", {"login": "ulang@example.id", "password": PASSWORD}, HTTP_HOST=PUBLIC)
        assert answer.status_code in {200, 302}
    assert len(mail.outbox) == 1
    assert EmailAddress.objects.filter(user=user, verified=False).count() == 1


def test_asking_for_sign_in_codes_over_the_limit_is_refused_on_the_form(
    db: None, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="warga.sms")
    User.objects.create_user("kode@example.id", PASSWORD, phone="+6281234567890", phone_verified=True)
    for _ in range(3):
        assert Client().post("/akun/login/code/", {"phone": "0812 3456 7890"}, HTTP_HOST=PUBLIC).status_code == 302
    refused = Client().post("/akun/login/code/", {"phone": "0812 3456 7890"}, HTTP_HOST=PUBLIC)
    assert refused.status_code == 200
    assert len([m for m in _sms(caplog) if "Kode Warga" in m]) == 3


def test_password_resets_over_the_limit_answer_429_and_send_nothing(db: None) -> None:
    user = User.objects.create_user("lupa@example.id", PASSWORD)
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    for _ in range(5):
        sent = Client().post("/akun/password/reset/", {"email": "lupa@example.id"}, HTTP_HOST=PUBLIC)
        assert sent.status_code == 302
    assert len(mail.outbox) == 5
    refused = Client().post("/akun/password/reset/", {"email": "lupa@example.id"}, HTTP_HOST=PUBLIC)
    assert refused.status_code == 429
    assert re.fullmatch(r"\d+", refused["Retry-After"])
    assert "Silakan coba lagi dalam" in refused.content.decode()
    assert len(mail.outbox) == 5


def test_changing_the_phone_over_the_limit_answers_429_and_keeps_the_old_number(
    db: None, settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    settings.ACCOUNT_RATE_LIMITS = {"verify_phone": "1/30s/key,1/m/ip", "change_phone": "10/m/user"}
    caplog.set_level(logging.INFO, logger="warga.sms")
    user = User.objects.create_user("ganti@example.id", PASSWORD, phone="+6281234567890", phone_verified=True)
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    browser = Client()
    browser.force_login(user)
    session = browser.session
    session["account_authentication_methods"] = [{"method": "password", "at": 9e9}]
    session.save()
    first = browser.post("/akun/phone/change/", {"phone": "0812 5555 0001"}, HTTP_HOST=PUBLIC)
    assert first.status_code == 302, first.content.decode()[:300]
    refused = browser.post("/akun/phone/change/", {"phone": "0812 5555 0002"}, HTTP_HOST=PUBLIC)
    assert refused.status_code == 429
    assert refused["Retry-After"].isdigit()
    user.refresh_from_db()
    assert (user.phone, user.phone_verified) == ("+6281234567890", True)
    assert len(_sms(caplog)) == 1
