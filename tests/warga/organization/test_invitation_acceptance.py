"""Accepting an invitation across hosts: the emailed link on the government host, sign-up or
sign-in on the central host, back through the hand-over, one POST to accept, then TOTP set-up.
A browser is modelled as one cookie jar per host, as browsers keep host-only cookies."""

from __future__ import annotations

import datetime
import re
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client

from frontend.invitation_views import ACCEPTED_MESSAGE
from tenants.context import government_context
from tenants.models import Government
from tests.personas import PASSWORD, verified_user, with_totp
from warga.accounts.models import User
from warga.organization.models import Invitation, Membership, Position, PositionKind
from warga.organization.selectors import today_in
from warga.organization.services import (
    INVITATION_NOT_FOUND,
    UNAVAILABLE_MESSAGES,
    invitation_create,
    invitation_email_mismatch_message,
    invitation_revoke,
)

BANDUNG = "kota-bandung.localhost"
JAKARTA = "dki-jakarta.localhost"
LINK = re.compile(r"(http://kota-bandung\.localhost/undangan/([A-Za-z0-9_-]+)/)")


class Browser:
    def __init__(self) -> None:
        self.jars: dict[str, Client] = {}

    def client(self, host: str) -> Client:
        return self.jars.setdefault(host, Client())

    def get(self, url: str) -> Any:
        host, path = _split(url)
        return self.client(host).get(path, HTTP_HOST=host)

    def post(self, url: str, data: dict[str, str] | None = None) -> Any:
        host, path = _split(url)
        return self.client(host).post(path, data or {}, HTTP_HOST=host)


def _split(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.netloc or "localhost", parts.path + (f"?{parts.query}" if parts.query else "")


def _invited(
    bandung: Government, admin: User, capture: Any, email: str = "calon.lurah@example.id"
) -> tuple[Invitation, str]:
    with government_context(bandung), capture(execute=True):
        position = Position.objects.filter(kind=PositionKind.LURAH).order_by("id").first()
        assert position is not None
        invitation = invitation_create(
            acting_user=admin.pk,
            email=email,
            position_id=position.pk,
            starts_on=today_in(government=bandung),
            link_origin=f"http://{BANDUNG}",
        )
    found = LINK.search(mail.outbox[-1].body)
    assert found is not None
    return invitation, found.group(1)


def _memberships(government: Government, user_id: Any) -> list[tuple[str, bool]]:
    with government_context(government):
        return list(Membership.objects.filter(user_id=user_id).values_list("position__kind", "is_acting"))


def _accept(browser: Browser, link: str) -> Any:
    page = browser.get(link)
    assert page.status_code == 200
    assert 'id="terima"' in page.content.decode()
    return browser.post(link)


def test_a_new_invitee_signs_up_without_verifying_the_email_again_and_accepts(
    bandung: Government, jakarta: Government, admin: User, django_capture_on_commit_callbacks: Any
) -> None:
    invitation, link = _invited(bandung, admin, django_capture_on_commit_callbacks)
    browser = Browser()

    to_central = browser.get(link)
    assert to_central.status_code == 302
    assert to_central["Location"].startswith("http://localhost/akun/undangan/?u=")

    to_signup = browser.get(to_central["Location"])
    back = "/akun/lanjut/?" + urlencode({"ke": link})
    assert to_signup.status_code == 302
    signup_path = urlsplit(to_signup["Location"])
    assert signup_path.path == "/akun/signup/"
    assert parse_qs(signup_path.query)["next"] == [back]
    form = browser.get(to_signup["Location"])
    assert form.status_code == 200
    assert form.context["form"].fields["email"].initial == "calon.lurah@example.id"

    signed_up = browser.post(
        to_signup["Location"],
        {
            "email": "calon.lurah@example.id",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "next": back,
        },
    )
    assert signed_up.status_code == 302
    assert signed_up["Location"] == back
    invitee = User.objects.get(email="calon.lurah@example.id")
    assert list(EmailAddress.objects.filter(user=invitee).values_list("email", "verified")) == [
        ("calon.lurah@example.id", True)
    ]
    assert len(mail.outbox) == 1  # the invitation only: no "confirm your address" email

    # The central host first fetches this browser's state from Bandung (a cookie there).
    state_fetch = browser.get(browser.get(signed_up["Location"])["Location"])
    handoff = browser.get(state_fetch["Location"])
    assert handoff["Location"].startswith(f"http://{BANDUNG}/akun/sambung/?token=")
    connected = browser.get(handoff["Location"])
    assert connected["Location"] == urlsplit(link).path

    accepted = _accept(browser, link)
    assert accepted.status_code == 302
    assert accepted["Location"] == urlsplit(link).path
    # No TOTP yet: the page says so and links to its set-up on the central host, where the
    # workspace would send the new official too.
    done = browser.get(link)
    assert done.status_code == 200
    assert ACCEPTED_MESSAGE in done.content.decode()
    assert 'href="http://localhost/akun/2fa/totp/activate/" id="lanjut"' in done.content.decode()
    workspace = browser.get(f"http://{BANDUNG}/kantor/")
    assert workspace["Location"] == "http://localhost/akun/2fa/totp/activate/"

    assert _memberships(bandung, invitee.pk) == [("lurah", False)]
    assert _memberships(jakarta, invitee.pk) == []
    with government_context(bandung):
        assert Invitation.objects.get(pk=invitation.pk).accepted_by_id == invitee.pk
    # The link is spent for anyone else, and accepting twice changes nothing.
    used = Browser().get(link)
    assert used.status_code == 410
    assert UNAVAILABLE_MESSAGES["accepted"] in used.content.decode()
    assert browser.post(link).status_code == 200
    assert _memberships(bandung, invitee.pk) == [("lurah", False)]


def test_an_invitee_with_an_account_signs_in_centrally_and_accepts(
    bandung: Government, admin: User, django_capture_on_commit_callbacks: Any
) -> None:
    invitee = verified_user("calon.lurah@example.id")
    _, link = _invited(bandung, admin, django_capture_on_commit_callbacks)
    browser = Browser()
    to_login = browser.get(browser.get(link)["Location"])
    assert to_login["Location"].startswith("/akun/login/?next=")
    logged_in = browser.post(to_login["Location"], {"login": invitee.email, "password": PASSWORD})
    assert logged_in["Location"] == "/akun/lanjut/?" + urlencode({"ke": link})
    state_fetch = browser.get(browser.get(logged_in["Location"])["Location"])  # a state from Bandung
    browser.get(browser.get(state_fetch["Location"])["Location"])  # hand-over to Bandung
    assert _accept(browser, link)["Location"] == urlsplit(link).path
    assert _memberships(bandung, invitee.pk) == [("lurah", False)]
    with_totp(invitee)
    assert 'href="/kantor/" id="lanjut"' in browser.get(link).content.decode()
    # The authenticator was added elsewhere: this session has not typed a code from it yet.
    assert browser.get(f"http://{BANDUNG}/kantor/")["Location"].startswith("http://localhost/akun/2fa/reauthenticate/")


def test_someone_signed_in_with_another_address_is_refused_and_nothing_is_created(
    bandung: Government, admin: User, django_capture_on_commit_callbacks: Any
) -> None:
    stranger = verified_user("orang.lain@example.id")
    invitation, link = _invited(bandung, admin, django_capture_on_commit_callbacks)
    browser = Browser()
    browser.client(BANDUNG).force_login(stranger, backend="django.contrib.auth.backends.ModelBackend")

    page = browser.get(link)
    assert page.status_code == 403
    assert invitation_email_mismatch_message("calon.lurah@example.id") in page.content.decode()
    assert 'id="terima"' not in page.content.decode()
    refused = browser.post(link)
    assert refused.status_code == 403
    assert _memberships(bandung, stranger.pk) == []
    with government_context(bandung):
        assert Invitation.objects.get(pk=invitation.pk).accepted_at is None


def test_a_bandung_link_on_jakartas_host_is_a_404_and_creates_nothing_there(
    bandung: Government, jakarta: Government, admin: User, django_capture_on_commit_callbacks: Any
) -> None:
    invitee = verified_user("calon.lurah@example.id")
    _, link = _invited(bandung, admin, django_capture_on_commit_callbacks)
    browser = Browser()
    browser.client(JAKARTA).force_login(invitee, backend="django.contrib.auth.backends.ModelBackend")
    on_jakarta = link.replace(BANDUNG, JAKARTA)
    for response in (browser.get(on_jakarta), browser.post(on_jakarta)):
        assert response.status_code == 404
        assert INVITATION_NOT_FOUND in response.content.decode()
    assert _memberships(jakarta, invitee.pk) == []
    assert _memberships(bandung, invitee.pk) == []


@pytest.mark.parametrize("state", ["expired", "revoked"])
def test_closed_invitations_answer_a_clear_page(
    bandung: Government, admin: User, django_capture_on_commit_callbacks: Any, state: str
) -> None:
    invitee = verified_user("calon.lurah@example.id")
    invitation, link = _invited(bandung, admin, django_capture_on_commit_callbacks)
    with government_context(bandung):
        if state == "expired":
            Invitation.objects.filter(pk=invitation.pk).update(
                expires_at=invitation.created_at - datetime.timedelta(seconds=1)
            )
        else:
            invitation_revoke(acting_user=admin.pk, invitation_id=invitation.pk)
    browser = Browser()
    browser.client(BANDUNG).force_login(invitee, backend="django.contrib.auth.backends.ModelBackend")
    for response in (browser.get(link), browser.post(link), Browser().get(link)):
        assert response.status_code == 410
        assert UNAVAILABLE_MESSAGES[state] in response.content.decode()
    assert _memberships(bandung, invitee.pk) == []


def test_unknown_tokens_and_forged_notes_are_refused(bandung: Government) -> None:
    assert Browser().get(f"http://{BANDUNG}/undangan/bukan-token/").status_code == 404
    forged = Browser().get("http://localhost/akun/undangan/?u=eyJlbWFpbCI6ImFAYi5pZCJ9:forged")
    assert forged.status_code == 400
    assert "Tautan undangan ini tidak valid" in forged.content.decode()
