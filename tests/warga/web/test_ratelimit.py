"""Rate limits per account and per IP, shared by every government host."""

from __future__ import annotations

import json
import uuid
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.test import Client

from tenants.context import government_context
from tenants.models import Government
from tests.personas import PASSWORD, verified_user
from warga.web.ratelimit import Limit, RateDecision, rate_limit_consume, too_many_requests

# 1_800_000_000 is a multiple of 60: the window [T, T+60) starts exactly at T.
T = 1_800_000_000.0
THREE_A_MINUTE = Limit(amount=3, seconds=60)
TEN_A_MINUTE = Limit(amount=10, seconds=60)


def _try(account_id: str | None, ip: str | None, now: float) -> RateDecision:
    return rate_limit_consume(
        action="report_submit", account_id=account_id, ip=ip, per_account=THREE_A_MINUTE, per_ip=TEN_A_MINUTE, now=now
    )


def test_an_account_gets_its_budget_per_window_then_a_wait(db: None) -> None:
    account = str(uuid.uuid4())
    assert [_try(account, None, T + 1).allowed for _ in range(3)] == [True, True, True]
    assert _try(account, None, T + 20) == RateDecision(allowed=False, retry_after=40)
    assert _try(account, None, T + 59.5) == RateDecision(allowed=False, retry_after=1)
    assert _try(account, None, T + 60) == RateDecision(allowed=True, retry_after=0)


def test_the_ip_budget_counts_across_accounts(db: None) -> None:
    ip = f"10.{uuid.uuid4().int % 250}.0.7"
    for _ in range(10):
        assert _try(str(uuid.uuid4()), ip, T + 5).allowed
    assert _try(str(uuid.uuid4()), ip, T + 5) == RateDecision(allowed=False, retry_after=55)


def test_using_two_government_hosts_does_not_double_the_budget(bandung: Government, jakarta: Government) -> None:
    account = str(uuid.uuid4())
    with government_context(bandung):
        assert [_try(account, None, T).allowed for _ in range(2)] == [True, True]
    with government_context(jakarta):
        assert _try(account, None, T).allowed is True
        assert _try(account, None, T).allowed is False
    with government_context(bandung):
        assert _try(account, None, T).allowed is False


def test_the_429_says_how_long_to_wait_in_indonesian_first() -> None:
    page = too_many_requests(retry_after=42)
    assert page.status_code == 429
    assert page["Retry-After"] == "42"
    assert page.content.decode() == (
        "Terlalu banyak percobaan. Silakan coba lagi dalam 42 detik. "
        "(Too many attempts. Please try again in 42 seconds.)"
    )
    api = too_many_requests(retry_after=42, as_json=True)
    assert api.status_code == 429
    assert api["Retry-After"] == "42"
    assert json.loads(api.content) == {"detail": page.content.decode(), "retry_after": 42}


def test_allauth_is_not_given_a_setting_it_does_not_read() -> None:
    """allauth 65 has no ACCOUNT_RATE_LIMITS_CACHE: its counters use the `default` cache, kept in
    one namespace because its pages are served on the central host only."""
    assert not hasattr(settings, "ACCOUNT_RATE_LIMITS_CACHE")


def test_allauth_login_limits_cannot_be_multiplied_through_government_hosts(db: None, settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    user = verified_user(f"{uuid.uuid4().hex[:12]}@example.id")
    attacker = Client(REMOTE_ADDR=f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.9")
    wrong = {"login": user.email, "password": "bukan-sandinya"}
    # allauth's default: 5 failed logins per account per 5 minutes, then the form refuses.
    for _ in range(5):
        attacker.post("/akun/login/", wrong, HTTP_HOST="localhost")
    locked = str(DefaultAccountAdapter.error_messages["too_many_login_attempts"])
    right = {"login": user.email, "password": PASSWORD}
    refused = attacker.post("/akun/login/", right, HTTP_HOST="localhost")
    assert refused.context["form"].non_field_errors() == [locked]
    # A government host processes no login: it sends the browser to the central one.
    elsewhere = attacker.post("/akun/login/", right, HTTP_HOST="kota-bandung.localhost")
    assert elsewhere.status_code == 302
    assert elsewhere["Location"].startswith("http://localhost/akun/lanjut/")
    assert "_auth_user_id" not in attacker.session
