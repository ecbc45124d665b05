"""Guessing a number's sign-in codes: eight-digit codes, a daily budget per number, and a
lock-out that tells the owner (docs/security.md, "Sign-in codes").

Before: six-digit codes and allauth's limits only (three tries per code, three codes a minute
per number): about 13,000 guesses a day at one number, nobody told.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings as django_settings
from django.core import mail
from django.test import Client

from warga.accounts.models import User

PUBLIC = "localhost"
NUMBER = "+6281234567890"


def _sms(caplog: pytest.LogCaptureFixture) -> list[tuple[str, str]]:
    found = []
    for record in caplog.records:
        if record.name == "warga.sms":
            match = re.fullmatch(r"SMS ke (\+\d+): (.*)", record.getMessage(), re.DOTALL)
            assert match
            found.append((match.group(1), match.group(2)))
    return found


def _codes(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [m.group(1) for _, text in _sms(caplog) if (m := re.match(r"Kode Warga Anda: (\d+)\. ", text))]


def _owner() -> User:
    user = User.objects.create_user("pemilik@example.id", "Sandi-Warga-2026!", phone=NUMBER, phone_verified=True)
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    return user


def _wrong(code: str) -> str:
    return "12345678" if code != "12345678" else "87654321"


def _guess_until_locked(
    browser: Client, caplog: pytest.LogCaptureFixture, login: str, *, field: str = "phone"
) -> tuple[int, Any]:
    """Ask for codes and type wrong ones until the attempt is ended by the lock-out."""
    wrong_guesses = 0
    while True:
        asked = browser.post("/akun/login/code/", {field: login}, HTTP_HOST=PUBLIC)
        assert asked.status_code == 302, asked.content.decode()[:400]
        for _ in range(django_settings.ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS):
            codes = _codes(caplog)
            guess = _wrong(codes[-1] if codes else "") if field == "phone" else "BBBB-BBBB"
            answer = browser.post("/akun/login/code/confirm/", {"code": guess}, HTTP_HOST=PUBLIC)
            wrong_guesses += 1
            assert "_auth_user_id" not in browser.session
            said = " ".join(str(m) for m in answer.wsgi_request._messages)  # type: ignore[attr-defined]
            if answer.status_code == 302 and "dikunci" in said:
                return wrong_guesses, answer
            if answer.status_code == 302:
                break  # the code's tries are spent: ask for a new one
            assert answer.status_code == 200
        assert wrong_guesses < 100


@pytest.fixture
def _no_per_minute_limit(settings: Any) -> None:
    # allauth's three codes a minute per number would make the test wait minutes between codes;
    # the per-day budget and the lock-out are what is tested here.
    settings.ACCOUNT_RATE_LIMITS = {"request_login_code": "100/m/ip,100/m/key"}
    settings.WARGA_SIGNIN_CODES_PER_DAY = 100


def test_codes_are_eight_digits(db: None, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="warga.sms")
    _owner()
    assert Client().post("/akun/login/code/", {"phone": "0812 3456 7890"}, HTTP_HOST=PUBLIC).status_code == 302
    [code] = _codes(caplog)
    assert re.fullmatch(r"\d{8}", code)


@pytest.mark.usefixtures("_no_per_minute_limit")
def test_guessing_a_numbers_codes_locks_it_and_tells_the_owner(db: None, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="warga.sms")
    _owner()
    attacker = Client()
    wrong_guesses, ended = _guess_until_locked(attacker, caplog, "0812 3456 7890")
    assert wrong_guesses == django_settings.WARGA_SIGNIN_CODE_FAILURES_BEFORE_LOCKOUT
    assert ended["Location"] == "/akun/login/code/"
    assert "_auth_user_id" not in attacker.session
    # The owner is told, once, by SMS to the verified number.
    notices = [text for to, text in _sms(caplog) if "dikunci" in text]
    assert len(notices) == 1
    assert [to for to, text in _sms(caplog) if "dikunci" in text] == [NUMBER]
    codes_sent = len(_codes(caplog))

    # Locked: no further code goes out, to the attacker or anyone else asking, and the page says why.
    for browser in (attacker, Client()):
        refused = browser.post("/akun/login/code/", {"phone": "0812 3456 7890"}, HTTP_HOST=PUBLIC)
        assert refused.status_code == 200
        page = refused.content.decode()
        assert "dikunci sementara karena terlalu banyak kode yang salah" in page
        assert "masuk dengan email dan kata sandi" in page
    assert len(_codes(caplog)) == codes_sent
    assert len([text for _, text in _sms(caplog) if "dikunci" in text]) == 1

    # The owner can still sign in with the password.
    signed_in = Client().post(
        "/akun/login/", {"login": "pemilik@example.id", "password": "Sandi-Warga-2026!"}, HTTP_HOST=PUBLIC
    )
    assert signed_in.status_code == 302


@pytest.mark.usefixtures("_no_per_minute_limit")
def test_a_code_already_sent_stops_working_once_the_number_is_locked(
    db: None, caplog: pytest.LogCaptureFixture
) -> None:
    """The owner's own open attempt (or an attacker's) cannot use a code after the lock-out."""
    caplog.set_level(logging.INFO, logger="warga.sms")
    _owner()
    owner = Client()
    assert owner.post("/akun/login/code/", {"phone": "0812 3456 7890"}, HTTP_HOST=PUBLIC).status_code == 302
    owners_code = _codes(caplog)[-1]
    _guess_until_locked(Client(), caplog, "0812 3456 7890")
    late = owner.post("/akun/login/code/confirm/", {"code": owners_code}, HTTP_HOST=PUBLIC)
    assert late.status_code == 302
    assert late["Location"] == "/akun/login/code/"
    assert "_auth_user_id" not in owner.session


@pytest.mark.usefixtures("_no_per_minute_limit")
def test_a_number_without_an_account_locks_the_same_way_and_gets_no_sms(
    db: None, caplog: pytest.LogCaptureFixture
) -> None:
    """The same answers as for a registered number (no enumeration), and no text to a stranger."""
    caplog.set_level(logging.INFO, logger="warga.sms")
    wrong_guesses, _ = _guess_until_locked(Client(), caplog, "0812 9999 0000")
    assert wrong_guesses == django_settings.WARGA_SIGNIN_CODE_FAILURES_BEFORE_LOCKOUT
    refused = Client().post("/akun/login/code/", {"phone": "0812 9999 0000"}, HTTP_HOST=PUBLIC)
    assert "dikunci sementara" in refused.content.decode()
    assert _sms(caplog) == []


def test_a_number_gets_at_most_the_days_budget_of_codes(
    db: None, settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    settings.ACCOUNT_RATE_LIMITS = {"request_login_code": "100/m/ip,100/m/key"}
    caplog.set_level(logging.INFO, logger="warga.sms")
    _owner()
    for _ in range(settings.WARGA_SIGNIN_CODES_PER_DAY):
        assert Client().post("/akun/login/code/", {"phone": NUMBER}, HTTP_HOST=PUBLIC).status_code == 302
    refused = Client().post("/akun/login/code/", {"phone": NUMBER}, HTTP_HOST=PUBLIC)
    assert refused.status_code == 200
    assert "sudah diminta 5 kali dalam 24 jam terakhir" in refused.content.decode()
    assert len(_codes(caplog)) == settings.WARGA_SIGNIN_CODES_PER_DAY


def test_email_codes_lock_too_and_the_owner_gets_a_mail(
    db: None, settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    settings.ACCOUNT_RATE_LIMITS = {"request_login_code": "100/m/ip,100/m/key"}
    settings.WARGA_SIGNIN_CODES_PER_DAY = 100
    _owner()
    browser = Client()
    wrong, ended = _guess_until_locked(browser, caplog, "pemilik@example.id", field="email")
    assert (wrong, ended["Location"]) == (settings.WARGA_SIGNIN_CODE_FAILURES_BEFORE_LOCKOUT, "/akun/login/code/")
    notices = [m for m in mail.outbox if "dikunci" in m.subject]
    assert [m.to for m in notices] == [["pemilik@example.id"]]
    refused = browser.post("/akun/login/code/", {"email": "pemilik@example.id"}, HTTP_HOST=PUBLIC)
    assert "dikunci sementara" in refused.content.decode()


def test_a_year_of_guessing_stays_under_one_percent() -> None:
    """The promise of docs/security.md, recomputed from the settings in force: at most
    `failures before lock-out` wrong codes per 24 hours per number (then a lock-out of at least
    a day), each against a fresh code space of 10^8, and phone-verification guesses (codes per
    day x tries per code) on top."""
    space = 10 ** django_settings.ACCOUNT_PHONE_VERIFICATION_CODE_FORMAT["length"]
    per_day_sign_in = min(
        django_settings.WARGA_SIGNIN_CODE_FAILURES_BEFORE_LOCKOUT,
        django_settings.WARGA_SIGNIN_CODES_PER_DAY * django_settings.ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS,
    )
    per_day_verification = (
        django_settings.WARGA_SIGNIN_CODES_PER_DAY * django_settings.ACCOUNT_PHONE_VERIFICATION_MAX_ATTEMPTS
    )
    chance = 365 * (per_day_sign_in + per_day_verification) / space
    assert chance < 0.01
    assert chance < 0.0001  # the margin the docs state
