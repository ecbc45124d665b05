"""A Bandung official chooses how to be told on the government's notifications page, in a real
browser; the eleventh save within the hour is refused with a message saying when to try again,
and nothing of it is stored. Both states are audited at 360 and 1280 px and screenshotted."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.db import connection

from tenants.context import government_context
from tenants.models import Government
from tests.e2e.pages import check_page
from tests.e2e.sessions import signed_in_page, signed_in_session
from tests.personas import membership_in, verified_user
from warga.accounts.models import User
from warga.notifications.models import ChannelPreference
from warga.notifications.services import CHANNEL_SAVES_PER_HOUR
from warga.organization.models import Membership


@pytest.fixture
def official(committed_db: None) -> Iterator[tuple[User, str]]:
    bandung = Government.objects.get(code="32.73")
    user = verified_user(f"lurah-{uuid.uuid4().hex[:8]}@bandung.go.id", full_name="Asep Sunandar")
    seat = membership_in(bandung, user, kind="lurah")
    session_key = signed_in_session(user)
    yield user, session_key
    with government_context(bandung):
        ChannelPreference.objects.filter(user_id=user.pk).delete()
        Membership.objects.filter(pk=seat.pk).delete()
    Session.objects.filter(session_key=session_key).delete()
    user.delete()
    connection.close()


def test_an_official_saves_channels_until_the_hour_s_budget_is_spent(
    browser: Any, site_port: int, official: tuple[User, str]
) -> None:
    user, session_key = official
    page = signed_in_page(browser, session_key, "kota-bandung.localhost")
    origin = f"http://kota-bandung.localhost:{site_port}"
    try:
        page.goto(f"{origin}/notifikasi/")
        page.get_by_role("checkbox", name="Email").check()
        page.get_by_role("button", name="Simpan").click()
        page.wait_for_load_state()
        assert "Pilihan saluran notifikasi disimpan" in page.locator("main").inner_text()
        check_page(page, "government/notifications")
        for _ in range(CHANNEL_SAVES_PER_HOUR.amount - 1):
            page.get_by_role("button", name="Simpan").click()
            page.wait_for_load_state()
        # The eleventh: refused, with the wait in minutes, and the choice not stored.
        page.get_by_role("checkbox", name="Email").uncheck()
        page.get_by_role("button", name="Simpan").click()
        page.wait_for_load_state()
        text = page.locator("main").inner_text()
        assert "terlalu sering diubah" in text
        assert "menit" in text
        assert page.get_by_role("checkbox", name="Email").is_checked()
        check_page(page, "government/notifications-too-often")
        with government_context(Government.objects.get(code="32.73")):
            assert ChannelPreference.objects.get(user_id=user.pk).email is True
    finally:
        page.context.close()
