"""A citizen asks for a download of their personal data in a real browser: the request is
confirmed once, in green; asking again the same day, after the first download was prepared, is
refused once, in red with role "alert". Both states pass the page checks at 360 and 1280 px
and are photographed for docs/screenshots/citizen/."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import timezone

from tests.e2e.pages import check_page, notices, said_once
from tests.e2e.sessions import signed_in_page, signed_in_session
from tests.personas import verified_user
from warga.accounts.models import User
from warga.data_rights.models import DataRequest, DataRequestKind, DataRequestStatus


@pytest.fixture
def citizen(committed_db: None) -> Iterator[tuple[User, str]]:
    user = verified_user(f"warga-data-{uuid.uuid4().hex[:8]}@example.id", full_name="Nining Suryani")
    session_key = signed_in_session(user)
    yield user, session_key
    DataRequest.objects.filter(user_id=user.pk).delete()
    Session.objects.filter(session_key=session_key).delete()
    user.delete()
    connection.close()


def _the_one_notice(page: Any, *, starting: str, level: str, role: str) -> None:
    """The layout shows exactly one notice, this one, and the page does not repeat it."""
    found = notices(page)
    assert len(found) == 1, found
    text, classes, given_role = found[0]
    assert text.startswith(starting)
    assert (classes, given_role) == (f"notice notice--{level}", role)
    said_once(page, starting)


def test_a_download_request_is_confirmed_once_and_a_second_refused_once(
    browser: Any, site_port: int, citizen: tuple[User, str]
) -> None:
    user, session_key = citizen
    page = signed_in_page(browser, session_key, "localhost")
    base = f"http://localhost:{site_port}"
    try:
        page.goto(f"{base}/akun/data/")
        with page.expect_navigation():
            page.get_by_role("button", name="Minta unduhan data saya").click()
        _the_one_notice(page, starting="Permintaan unduh data diterima.", level="success", role="status")
        check_page(page, "citizen/account-data-export")

        # The worker prepared it (no file kept here); a second request the same day is refused.
        DataRequest.objects.filter(user_id=user.pk, kind=DataRequestKind.EXPORT).update(
            status=DataRequestStatus.DONE, completed_at=timezone.now()
        )
        with page.expect_navigation():
            page.get_by_role("button", name="Minta unduhan data saya").click()
        _the_one_notice(page, starting="Anda sudah meminta unduhan data pribadi", level="error", role="alert")
        assert DataRequest.objects.filter(user_id=user.pk, kind=DataRequestKind.EXPORT).count() == 1
        # Answered at /akun/data/unduh/, the page is still the account menu's "Data pribadi".
        assert page.url.endswith("/akun/data/unduh/")
        current = page.locator('.account-nav a[aria-current="page"]')
        assert current.all_inner_texts() == ["Data pribadi"]
        check_page(page, "citizen/account-data-export-too-soon")
    finally:
        page.context.close()
