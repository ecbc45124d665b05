"""Sign in with a phone number and a one-time code sent by SMS (console sender)."""

from __future__ import annotations

import logging
import re

import pytest
from allauth.account.models import EmailAddress
from django.test import Client

from warga.accounts.models import User
from warga.accounts.phone import phone_normalise

PUBLIC = "localhost"


def _codes(caplog: pytest.LogCaptureFixture) -> list[tuple[str, str]]:
    found = []
    for record in caplog.records:
        if record.name == "warga.sms":
            match = re.search(r"SMS ke (\+\d+): Kode Warga Anda: (\d{8})\. ", record.getMessage())
            if match:
                found.append((match.group(1), match.group(2)))
    return found


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0812-3456-7890", "+6281234567890"),
        ("62 812 3456 7890", "+6281234567890"),
        ("+6281234567890", "+6281234567890"),
    ],
)
def test_indonesian_numbers_are_stored_in_e164(typed: str, stored: str) -> None:
    assert phone_normalise(typed) == stored


def test_a_citizen_signs_in_with_phone_and_sms_code(db: None, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="warga.sms")
    user = User.objects.create_user("hp@example.id", "rahasia-sekali-123", phone="+6281234567890", phone_verified=True)
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    browser = Client()

    sent = browser.post("/akun/login/code/", {"phone": "0812 3456 7890"}, HTTP_HOST=PUBLIC)
    assert sent.status_code == 302, sent.content.decode()
    assert sent["Location"] == "/akun/login/code/confirm/"
    [(to, code)] = _codes(caplog)
    assert to == "+6281234567890"
    assert "_auth_user_id" not in browser.session

    wrong = browser.post(
        "/akun/login/code/confirm/", {"code": "000000" if code != "000000" else "111111"}, HTTP_HOST=PUBLIC
    )
    assert wrong.status_code == 200
    assert "_auth_user_id" not in browser.session

    confirmed = browser.post("/akun/login/code/confirm/", {"code": code}, HTTP_HOST=PUBLIC)
    assert confirmed.status_code == 302
    assert browser.session["_auth_user_id"] == str(user.pk)


def test_an_unknown_number_gets_the_same_reply_and_no_sms(db: None, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="warga.sms")
    browser = Client()
    sent = browser.post("/akun/login/code/", {"phone": "081299990000"}, HTTP_HOST=PUBLIC)
    assert sent.status_code == 302
    assert sent["Location"] == "/akun/login/code/confirm/"
    # No text at all to a number without an account (SMS pumping, docs/security.md).
    assert [r.getMessage() for r in caplog.records if r.name == "warga.sms"] == []


def test_a_number_belongs_to_one_account(db: None) -> None:
    from django.db import IntegrityError, transaction

    User.objects.create_user("satu@example.id", phone="+6281234567890")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("dua@example.id", phone="+6281234567890")


def test_signing_up_with_a_phone_verifies_it_by_sms_then_the_email(db: None, caplog: pytest.LogCaptureFixture) -> None:
    from django.core import mail

    caplog.set_level(logging.INFO, logger="warga.sms")
    browser = Client()
    password = "Sandi-Warga-2026!"
    signup = browser.post(
        "/akun/signup/",
        {"email": "baru@example.id", "phone": "0812 1111 2222", "password1": password, "password2": password},
        HTTP_HOST=PUBLIC,
    )
    assert signup["Location"] == "/akun/phone/verify/"
    user = User.objects.get()
    assert (user.phone, user.phone_verified) == ("+6281211112222", False)
    [(to, code)] = _codes(caplog)
    assert to == "+6281211112222"

    verified = browser.post("/akun/phone/verify/", {"code": code}, HTTP_HOST=PUBLIC)
    assert verified["Location"] == "/akun/confirm-email/"
    user.refresh_from_db()
    assert user.phone_verified is True
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["baru@example.id"]
