"""Sign-in across hosts in a real browser, whose cookies are host-only on `*.localhost`
(Chromium does not honour `Domain=localhost`, one reason for decision 0006)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.contrib.sessions.models import Session
from django.db import connection

from warga.accounts.models import User

PASSWORD = "Sandi-Warga-2026!"


@pytest.fixture
def citizen(committed_db: None) -> Iterator[User]:
    user = User.objects.create_user("dewi.e2e@example.id", PASSWORD)
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    yield user
    user_id = str(user.pk)
    for session in Session.objects.all():
        if session.get_decoded().get("_auth_user_id") == user_id:
            session.delete()
    user.delete()
    # With Playwright's event loop in this thread, this fixture's queries ran on a connection
    # of their own; close it so that the test database can be dropped at the end.
    connection.close()


def test_signed_in_on_the_central_host_recognised_on_a_government_host(
    phone: Any, site_port: int, citizen: User
) -> None:
    phone.goto(f"http://localhost:{site_port}/akun/login/")
    phone.fill("input[name=login]", citizen.email)
    phone.fill("input[name=password]", PASSWORD)
    phone.locator("main form button[type=submit]").last.click()
    phone.wait_for_url(f"http://localhost:{site_port}/")

    phone.goto(f"http://kota-bandung.localhost:{site_port}/")
    assert phone.url == f"http://kota-bandung.localhost:{site_port}/"
    assert phone.locator("h1").inner_text() == "Kota Bandung"

    # Recognised: the officials' page refuses the citizen by name of the reason, rather than
    # asking to sign in.
    response = phone.goto(f"http://kota-bandung.localhost:{site_port}/kantor/")
    assert response.status == 403
    assert "tidak memegang jabatan aktif" in phone.locator("main").inner_text()

    cookies = {(cookie["domain"], cookie["name"]) for cookie in phone.context.cookies()}
    assert ("localhost", "sessionid") in cookies
    assert ("kota-bandung.localhost", "sessionid") in cookies
    # Jakarta was never visited, so it holds no session of this browser.
    assert not any(domain == "dki-jakarta.localhost" for domain, _ in cookies)


def test_the_sign_in_link_of_a_government_host_opens_the_central_form(phone: Any, site_port: int) -> None:
    phone.goto(f"http://kota-bandung.localhost:{site_port}/akun/login/?next=/kantor/")
    assert phone.url.startswith(f"http://localhost:{site_port}/akun/login/?next=")
    assert phone.locator("input[name=login]").count() == 1


def test_signing_in_from_a_government_page_comes_back_to_it(phone: Any, site_port: int, citizen: User) -> None:
    phone.goto(f"http://kota-bandung.localhost:{site_port}/kantor/")
    assert phone.url.startswith(f"http://localhost:{site_port}/akun/login/?next=")
    phone.fill("input[name=login]", citizen.email)
    phone.fill("input[name=password]", PASSWORD)
    phone.locator("main form button[type=submit]").last.click()
    phone.wait_for_url(f"http://kota-bandung.localhost:{site_port}/kantor/")
    assert "tidak memegang jabatan aktif" in phone.locator("main").inner_text()
