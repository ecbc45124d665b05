"""The operator admin signs in through allauth with TOTP; officials act only from a session that
typed its TOTP code, on every host; TOTP secrets are encrypted at rest; the user admin grants
no superuser and audits contact changes. Each attack goes through HTTP and changes nothing."""

from __future__ import annotations

import datetime
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.cache import caches
from django.test import Client

from tenants.context import government_context
from tenants.models import Government
from tests.personas import PASSWORD, membership_in, verified_user
from tests.warga.accounts.test_sign_in_across_hosts import Browser
from warga.access.officials import MESSAGES
from warga.accounts.mfa_adapter import ENCRYPTED_PREFIX, mfa_decrypt, mfa_encrypt
from warga.accounts.models import AccountAuditEvent, User
from warga.workcalendar.models import CalendarAuditEvent, DayOff

BANDUNG = "kota-bandung.localhost"
DAY_OFF = {"date": "2026-10-01", "name": "Libur", "kind": "decree"}


def _code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


def _with_secret(user: User) -> str:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    # allauth counts failed sign-ins per account in the cache, which outlives a test.
    caches["default"].clear()


@pytest.fixture
def staff_official(bandung: Government) -> tuple[User, str]:
    """An operator (staff) who also holds the admin koordinator seat in Bandung, with TOTP."""
    user = verified_user("operator.pejabat@example.id", is_staff=True)
    membership_in(bandung, user)
    return user, _with_secret(user)


def _calendar(bandung: Government) -> tuple[int, int]:
    with government_context(bandung):
        return DayOff.objects.count(), CalendarAuditEvent.objects.count()


def _hand_over_to_bandung(browser: Browser) -> None:
    start = browser.get(f"http://{BANDUNG}/akun/login/?next=/kantor/")
    handoff = browser.get(start["Location"])
    assert handoff["Location"].startswith(f"http://{BANDUNG}/akun/sambung/?token="), handoff["Location"]
    browser.get(handoff["Location"])


def test_the_operator_login_form_signs_nobody_in(staff_official: tuple[User, str]) -> None:
    """Django's admin login took a password and skipped TOTP and allauth's limits."""
    user, _ = staff_official
    browser = Client()
    response = browser.post(
        "/operator/login/?next=/operator/",
        {"username": user.email, "password": PASSWORD, "next": "/operator/"},
        HTTP_HOST="localhost",
    )
    assert response.status_code == 302
    assert response["Location"] == "/akun/login/?next=%2Foperator%2F"
    assert "_auth_user_id" not in browser.session
    assert browser.get("/operator/", HTTP_HOST="localhost")["Location"].startswith("/operator/login/")


def test_the_operator_signs_in_through_allauth_and_its_totp_step(staff_official: tuple[User, str]) -> None:
    user, secret = staff_official
    browser = Client()
    to_login = browser.get("/operator/", HTTP_HOST="localhost")
    assert to_login["Location"] == "/operator/login/?next=/operator/"
    to_allauth = browser.get(to_login["Location"], HTTP_HOST="localhost")
    assert to_allauth["Location"].startswith("/akun/login/?next=")
    password = browser.post("/akun/login/", {"login": user.email, "password": PASSWORD}, HTTP_HOST="localhost")
    assert password["Location"] == "/akun/2fa/authenticate/"
    assert "_auth_user_id" not in browser.session  # the password alone opens nothing
    assert browser.get("/operator/", HTTP_HOST="localhost").status_code == 302
    code = browser.post("/akun/2fa/authenticate/", {"code": _code(secret)}, HTTP_HOST="localhost")
    assert code.status_code == 302
    assert browser.get("/operator/", HTTP_HOST="localhost").status_code == 200


def test_operator_sign_in_failures_hit_allauths_limit(staff_official: tuple[User, str]) -> None:
    user, _ = staff_official
    browser = Client()
    for _ in range(5):
        wrong = browser.post("/akun/login/", {"login": user.email, "password": "salah-sekali-1"}, HTTP_HOST="localhost")
        assert wrong.status_code == 200
    # The right password no longer gets as far as the TOTP step.
    blocked = browser.post("/akun/login/", {"login": user.email, "password": PASSWORD}, HTTP_HOST="localhost")
    assert blocked.status_code in (200, 429)
    assert blocked.get("Location") != "/akun/2fa/authenticate/"
    assert "_auth_user_id" not in browser.session


def test_a_staff_session_without_totp_opens_no_admin_page_and_is_sent_to_type_the_code(
    staff_official: tuple[User, str],
) -> None:
    user, secret = staff_official
    browser = Client()
    browser.force_login(user, backend="django.contrib.auth.backends.ModelBackend")  # password only
    assert browser.get("/operator/accounts/user/", HTTP_HOST="localhost")["Location"].startswith("/operator/login/")
    gate = browser.get("/operator/login/?next=/operator/", HTTP_HOST="localhost")
    assert gate["Location"] == "/akun/2fa/reauthenticate/?next=%2Foperator%2F"
    typed = browser.post("/akun/2fa/reauthenticate/?next=/operator/", {"code": _code(secret)}, HTTP_HOST="localhost")
    assert typed["Location"] == "/operator/"
    assert browser.get("/operator/", HTTP_HOST="localhost").status_code == 200


def test_a_session_that_skipped_totp_cannot_act_on_a_government_host(
    bandung: Government, staff_official: tuple[User, str]
) -> None:
    """The attack: an official with TOTP signs in by password alone (as the operator login
    allowed) and carries that session to Bandung through the hand-over."""
    user, secret = staff_official
    before = _calendar(bandung)
    browser = Browser()
    browser.client("localhost").force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    _hand_over_to_bandung(browser)
    assert browser.session(BANDUNG)["_auth_user_id"] == str(user.pk)

    api = browser.client(BANDUNG).post(
        "/api/v1/calendar/days-off/", DAY_OFF, content_type="application/json", HTTP_HOST=BANDUNG
    )
    assert api.status_code == 403
    assert api.json()["error"]["message"] == MESSAGES["mfa_not_passed"]
    page = browser.get(f"http://{BANDUNG}/kantor/")
    assert page.status_code == 302
    assert page["Location"].startswith("http://localhost/akun/2fa/reauthenticate/?next=")
    assert _calendar(bandung) == before

    # Typing the code on the central host, then the hand-over again, lets the same person act.
    next_url = parse_qs(urlsplit(page["Location"]).query)["next"][0]
    typed = browser.post("/akun/2fa/reauthenticate/?" + urlencode({"next": next_url}), {"code": _code(secret)})
    assert typed.status_code == 302
    # The hand-over from there brings the verified session's answer along.
    state_fetch = browser.get(browser.get(typed["Location"])["Location"])
    browser.get(browser.get(state_fetch["Location"])["Location"])
    assert browser.get(f"http://{BANDUNG}/kantor/").status_code == 200
    allowed = browser.client(BANDUNG).post(
        "/api/v1/calendar/days-off/", DAY_OFF, content_type="application/json", HTTP_HOST=BANDUNG
    )
    assert allowed.status_code == 201, allowed.content


def test_totp_secrets_are_stored_encrypted_and_still_work(staff_official: tuple[User, str]) -> None:
    user, secret = staff_official
    stored = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP).data["secret"]
    assert stored.startswith(ENCRYPTED_PREFIX)
    assert secret not in stored
    assert mfa_decrypt(stored) == secret
    # Rotation: a value written under the old key is read while both keys are listed.
    old = mfa_encrypt(secret, secrets=["kunci-lama"])
    assert mfa_decrypt(old, secrets=["kunci-baru", "kunci-lama"]) == secret
    with pytest.raises(ValueError, match="cannot be decrypted"):
        mfa_decrypt(old, secrets=["kunci-baru"])
    with pytest.raises(ValueError, match="unencrypted"):
        mfa_decrypt(secret)
    # And the code from the phone still signs in.
    browser = Client()
    browser.post("/akun/login/", {"login": user.email, "password": PASSWORD}, HTTP_HOST="localhost")
    assert browser.post("/akun/2fa/authenticate/", {"code": _code(secret)}, HTTP_HOST="localhost").status_code == 302
    assert browser.session["_auth_user_id"] == str(user.pk)


def _operator_browser() -> tuple[User, Client]:
    operator = verified_user("operator@example.id", is_staff=True, is_superuser=True)
    secret = _with_secret(operator)
    browser = Client()
    browser.post("/akun/login/", {"login": operator.email, "password": PASSWORD}, HTTP_HOST="localhost")
    browser.post("/akun/2fa/authenticate/", {"code": _code(secret)}, HTTP_HOST="localhost")
    assert browser.get("/operator/", HTTP_HOST="localhost").status_code == 200
    return operator, browser


def _change_form(user: User, **changes: str) -> dict[str, str]:
    data = {
        "email": user.email,
        "full_name": user.full_name,
        "phone": user.phone or "",
        "language": user.language,
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
        "_save": "Simpan",
    }
    data.update(changes)
    return data


def test_the_user_admin_cannot_grant_superuser_groups_or_permissions(db: None) -> None:
    _, browser = _operator_browser()
    target = verified_user("biasa@example.id")
    response = browser.post(
        f"/operator/accounts/user/{target.pk}/change/",
        _change_form(target, is_superuser="on", is_staff="on", groups="1", user_permissions="1"),
        HTTP_HOST="localhost",
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.is_superuser is False
    assert list(target.groups.all()) == []
    assert list(target.user_permissions.all()) == []
    page = browser.get(f"/operator/accounts/user/{target.pk}/change/", HTTP_HOST="localhost").content.decode()
    assert 'name="is_superuser"' not in page
    assert 'name="groups"' not in page


def test_changing_an_officials_email_or_phone_is_audited_and_needs_verifying_again(
    bandung: Government, django_capture_on_commit_callbacks: object
) -> None:
    operator, browser = _operator_browser()
    official = verified_user("lurah.lama@example.id", phone="+6281234567890", phone_verified=True)
    membership_in(bandung, official, kind="lurah", starts_on=datetime.date(2025, 1, 1))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        response = browser.post(
            f"/operator/accounts/user/{official.pk}/change/",
            _change_form(official, email="penyerang@example.id", phone="+6281299998888"),
            HTTP_HOST="localhost",
        )
    assert response.status_code == 302
    official.refresh_from_db()
    assert (official.email, official.phone, official.phone_verified) == (
        "penyerang@example.id",
        "+6281299998888",
        False,
    )
    assert list(EmailAddress.objects.filter(user=official).values_list("email", "verified")) == [
        ("penyerang@example.id", False)
    ]
    event = AccountAuditEvent.objects.get(user_id=official.pk)
    assert (event.actor_id, event.kind, event.detail) == (
        operator.pk,
        "contact_changed",
        {"fields": ["email", "phone"], "reverification": True},
    )
    assert sorted(m.to[0] for m in mail.outbox) == ["lurah.lama@example.id", "penyerang@example.id"]
    # Nothing is audited when neither contact changes.
    browser.post(f"/operator/accounts/user/{official.pk}/change/", _change_form(official, full_name="Bu Lurah"))
    assert AccountAuditEvent.objects.filter(user_id=official.pk).count() == 1
    assert Session.objects.exists()
