"""Email sign-up, verification and login through django-allauth, on the public host only."""

from __future__ import annotations

import re
import uuid

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import mail
from django.test import Client

from tests.factories import UserFactory
from warga.accounts.models import User

PASSWORD = "Sandi-Warga-2026!"
PUBLIC = "localhost"


@pytest.fixture
def client() -> Client:
    return Client(HTTP_HOST=PUBLIC)


def _sign_up(client: Client, email: str) -> None:
    response = client.post(
        "/akun/signup/", {"email": email, "password1": PASSWORD, "password2": PASSWORD}, HTTP_HOST=PUBLIC
    )
    assert response.status_code == 302, response.content.decode()
    assert response["Location"] == "/akun/confirm-email/"


def _confirmation_link() -> str:
    assert len(mail.outbox) == 1
    match = re.search(r"http://localhost(/akun/confirm-email/[^/\s]+/)", str(mail.outbox[0].body))
    assert match is not None, mail.outbox[0].body
    return match.group(1)


def test_sign_up_confirm_and_log_in_with_email(db: None, client: Client) -> None:
    _sign_up(client, "Siti.Rahma@Example.id")

    user = User.objects.get()
    assert isinstance(user.pk, uuid.UUID)
    assert user.email == "siti.rahma@example.id"
    assert user.check_password(PASSWORD)
    assert "_auth_user_id" not in client.session  # not logged in before the address is confirmed
    message = mail.outbox[0]
    assert message.to == ["siti.rahma@example.id"]

    link = _confirmation_link()
    assert client.get(link, HTTP_HOST=PUBLIC).status_code == 200
    confirmed = client.post(link, HTTP_HOST=PUBLIC)
    assert confirmed.status_code == 302
    assert EmailAddress.objects.get(user=user).verified is True

    browser = Client(HTTP_HOST=PUBLIC)
    login = browser.post("/akun/login/", {"login": "siti.rahma@example.id", "password": PASSWORD}, HTTP_HOST=PUBLIC)
    assert login.status_code == 302
    assert login["Location"] == "/"
    assert browser.session["_auth_user_id"] == str(user.pk)
    home = browser.get("/", HTTP_HOST=PUBLIC)
    assert home.wsgi_request.user == user


def test_login_before_confirming_sends_to_verification_not_in(db: None, client: Client) -> None:
    _sign_up(client, "budi@example.id")
    browser = Client(HTTP_HOST=PUBLIC)
    response = browser.post("/akun/login/", {"login": "budi@example.id", "password": PASSWORD}, HTTP_HOST=PUBLIC)
    assert response.status_code == 302
    assert response["Location"] == "/akun/confirm-email/"
    assert "_auth_user_id" not in browser.session


def test_a_wrong_password_does_not_log_in(db: None) -> None:
    user = UserFactory.create()
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    browser = Client(HTTP_HOST=PUBLIC)
    response = browser.post("/akun/login/", {"login": user.email, "password": "bukan-sandinya"}, HTTP_HOST=PUBLIC)
    assert response.status_code == 200
    assert "_auth_user_id" not in browser.session


def test_an_email_already_registered_cannot_sign_up_again_and_is_not_revealed(db: None, client: Client) -> None:
    UserFactory.create(email="ani@example.id")
    # The reply is the same as for a new address (no account enumeration); the owner gets a notice.
    _sign_up(client, "ANI@example.id")
    assert User.objects.filter(email__iexact="ani@example.id").count() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ani@example.id"]
    assert "/akun/confirm-email/" not in str(mail.outbox[0].body)


def test_accounts_are_only_served_on_the_public_host(db: None) -> None:
    """A government host shows no sign-in form: it sends the browser to the central one."""
    browser = Client()
    response = browser.get("/akun/login/", HTTP_HOST="kota-bandung.localhost")
    assert response.status_code == 302
    state = browser.cookies[settings.WARGA_HANDOFF_STATE_COOKIE].value
    assert (
        response["Location"] == f"http://localhost/akun/lanjut/?ke=http%3A%2F%2Fkota-bandung.localhost%2F&state={state}"
    )
    assert (
        browser.post("/akun/login/", {"login": "a@example.id", "password": "x"}, HTTP_HOST="kota-bandung.localhost")[
            "Location"
        ]
        == f"http://localhost/akun/lanjut/?ke=http%3A%2F%2Fkota-bandung.localhost%2F&state={state}"
    )
