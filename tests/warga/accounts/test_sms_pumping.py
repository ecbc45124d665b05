"""SMS pumping: text messages only to Indonesian mobile numbers, only where the flow needs one,
only to verified numbers for notifications, and within an hourly budget that alerts the
operators (docs/security.md, "SMS pumping").

Before: a code went to any number in any country (and `+620812...` was stored as typed), a
number without an account got a text on every request, and notification SMS went to numbers
nobody had verified.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client

from tenants.context import government_context
from tenants.models import Government
from tests.warga.notifications.fakes import FakeGateway
from warga.accounts.models import User
from warga.notifications.models import DeliveryStatus, EventKind, Notification
from warga.notifications.services import channel_preference_set, notification_deliver, notifications_send

PUBLIC = "localhost"
PASSWORD = "Sandi-Warga-2026!"
NOT_INDONESIAN = "Masukkan nomor HP Indonesia, misalnya 0812 3456 7890."


@pytest.fixture
def gateway(settings: Any) -> Iterator[FakeGateway]:
    """The SMS provider, replaced at the network boundary by a local HTTP server."""
    fake = FakeGateway()
    settings.WARGA_SMS_SENDER = "warga.notifications.sms.HttpSmsSender"
    settings.WARGA_SMS_HTTP_URL = fake.url
    settings.WARGA_SMS_HTTP_TOKEN = "token-uji"
    settings.WARGA_SMS_HTTP_TIMEOUT = 2.0
    yield fake
    fake.close()


def _signup(browser: Client, *, email: str, phone: str) -> Any:
    browser.get("/akun/signup/", HTTP_HOST=PUBLIC)
    return browser.post(
        "/akun/signup/",
        {"email": email, "phone": phone, "password1": PASSWORD, "password2": PASSWORD},
        HTTP_HOST=PUBLIC,
    )


def _member(email: str, phone: str) -> User:
    user = User.objects.create_user(email, PASSWORD, phone=phone, phone_verified=True)
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    return user


@pytest.mark.parametrize(
    "typed",
    [
        "+1 415 555 0100",  # another country
        "+44 7700 900123",  # a mobile abroad
        "+62 22 1234567",  # an Indonesian landline: cannot receive SMS
        "0812 345",  # too short
        "+6281234567890123",  # too long
    ],
)
def test_numbers_that_are_not_indonesian_mobiles_get_no_code(
    db: None, gateway: FakeGateway, typed: str, caplog: pytest.LogCaptureFixture
) -> None:
    asked = Client().post("/akun/login/code/", {"phone": typed}, HTTP_HOST=PUBLIC)
    assert asked.status_code == 200
    assert NOT_INDONESIAN in asked.content.decode()

    signed_up = _signup(Client(), email="luar@example.id", phone=typed)
    assert signed_up.status_code == 200
    assert NOT_INDONESIAN in signed_up.content.decode()
    assert not User.objects.filter(email="luar@example.id").exists()
    assert gateway.received == []


def test_a_national_prefix_after_62_is_stored_as_the_real_number(db: None, gateway: FakeGateway) -> None:
    """`+62 0812...` (typed with the trunk 0) was stored as `+620812...`, a number that does not
    exist; it is the same number as `0812...` and is stored and texted as `+62812...`."""
    made = _signup(Client(), email="nol@example.id", phone="+62 0812 1111 2222")
    assert made.status_code == 302
    assert User.objects.get(email="nol@example.id").phone == "+6281211112222"
    assert [message["to"] for message in gateway.received] == ["+6281211112222"]


def test_no_text_goes_to_a_number_without_an_account_or_to_one_signing_up_twice(db: None, gateway: FakeGateway) -> None:
    for _ in range(3):
        asked = Client().post("/akun/login/code/", {"phone": "0812 9999 0000"}, HTTP_HOST=PUBLIC)
        assert (asked.status_code, asked["Location"]) == (302, "/akun/login/code/confirm/")
    _member("ada@example.id", "+6281234567890")
    again = _signup(Client(), email="lain@example.id", phone="0812 3456 7890")
    assert again.status_code == 302  # the same answer as for a new number (no enumeration)
    assert gateway.received == []


def test_notification_sms_need_a_verified_number(db: None, bandung: Government, gateway: FakeGateway) -> None:
    """Someone signs up with a stranger's number, never verifies it, and asks for SMS
    notifications: the stranger gets nothing."""
    made = _signup(Client(), email="iseng@example.id", phone="0812 7777 0001")
    assert made.status_code == 302
    gateway.received.clear()  # the sign-up's own verification code
    user = User.objects.get(email="iseng@example.id")
    assert (user.phone, user.phone_verified) == ("+6281277770001", False)
    with government_context(bandung):
        channel_preference_set(user_id=user.pk, email=False, sms=True)
        [queued] = notifications_send(
            recipient_ids=[user.pk],
            report_id=None,
            kind=EventKind.REPORT_STATUS_CHANGED,
            context={"tracking_number": "3273-2026-000009", "from_status": "received", "to_status": "verified"},
            dedup_key="uji:tidak-terverifikasi",
        )
        assert notification_deliver(notification_id=queued) == "failed"
        row = Notification.objects.get(pk=queued)
        assert (row.status, row.last_error) == (
            DeliveryStatus.FAILED,
            "Penerima tidak memiliki nomor telepon yang terverifikasi.",
        )
    assert gateway.received == []


def test_the_hourly_sms_budget_is_shared_and_alerts_the_operators(
    db: None, bandung: Government, gateway: FakeGateway, settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    settings.WARGA_SMS_BUDGET_PER_HOUR = 3
    settings.ADMINS = [("Operator", "operator@example.id")]
    caplog.set_level(logging.ERROR, logger="warga.sms.budget")
    numbers = [f"+62812000011{n}{n}" for n in range(5)]
    for n, number in enumerate(numbers):
        _member(f"anggota{n}@example.id", number)

    for number in numbers[:3]:
        asked = Client().post("/akun/login/code/", {"phone": number}, HTTP_HOST=PUBLIC)
        assert asked.status_code == 302
    assert len(gateway.received) == 3
    # Reached: an error in the log and a mail to the operators, once.
    assert [r.levelname for r in caplog.records if r.name == "warga.sms.budget"] == ["ERROR"]
    assert [m.to for m in mail.outbox if "SMS budget" in m.subject] == [["operator@example.id"]]

    refused = Client().post("/akun/login/code/", {"phone": numbers[3]}, HTTP_HOST=PUBLIC)
    assert refused.status_code == 200
    assert "Layanan SMS Warga sedang penuh" in refused.content.decode()

    # A sign-up with a phone is refused before anything is saved (503, try again later).
    signup = _signup(Client(), email="baru@example.id", phone="0812 0000 2222")
    assert signup.status_code == 503
    assert signup["Retry-After"] == "3600"
    assert not User.objects.filter(email="baru@example.id").exists()

    # The same budget holds for a government's notifications (another schema, a worker).
    member = User.objects.get(phone=numbers[4])
    with government_context(bandung):
        channel_preference_set(user_id=member.pk, email=False, sms=True)
        [queued] = notifications_send(
            recipient_ids=[member.pk],
            report_id=None,
            kind=EventKind.REPORT_STATUS_CHANGED,
            context={"tracking_number": "3273-2026-000010", "from_status": "received", "to_status": "verified"},
            dedup_key="uji:anggaran",
        )
        assert notification_deliver(notification_id=queued) == "retry"
    assert len(gateway.received) == 3
    assert len([m for m in mail.outbox if "SMS budget" in m.subject]) == 1
