"""An invited official's path in a real browser: the emailed link on Kota Bandung's host, sign-up
on the central host without confirming the address again, back, accept, then two-step set-up."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.contrib.sessions.models import Session
from django.core import mail
from django.db import connection

from tenants.context import government_context
from tenants.models import Government
from tests.personas import membership_in, with_totp
from warga.accounts.models import User
from warga.organization.models import Invitation, Membership, OrganizationEvent, Position, PositionKind
from warga.organization.selectors import today_in
from warga.organization.services import invitation_create

PASSWORD = "Sandi-Warga-2026!"
INVITEE = "lurah.baru.e2e@example.id"


@pytest.fixture
def bandung_admin(committed_db: None) -> Iterator[tuple[Government, User]]:
    bandung = Government.objects.get(code="32.73")
    admin = with_totp(User.objects.create_user("admin.e2e@bandung.go.id", PASSWORD))
    membership_in(bandung, admin)
    yield bandung, admin
    invitee_ids = list(User.objects.filter(email=INVITEE).values_list("pk", flat=True))
    with government_context(bandung):
        Invitation.objects.filter(invited_by_id=admin.pk).delete()
        Membership.objects.filter(user_id__in=[admin.pk, *invitee_ids]).delete()
        OrganizationEvent.objects.filter(actor_id__in=[admin.pk, *invitee_ids]).delete()
    people = {str(pk) for pk in [admin.pk, *invitee_ids]}
    for session in Session.objects.all():
        if session.get_decoded().get("_auth_user_id") in people:
            session.delete()
    User.objects.filter(pk__in=[admin.pk, *invitee_ids]).delete()
    # Queries here ran on a connection of their own (Playwright's loop): close it so that the
    # test database can be dropped at the end.
    connection.close()


def test_an_invitee_signs_up_from_the_email_link_and_becomes_an_official(
    phone: Any, site_port: int, bandung_admin: tuple[Government, User]
) -> None:
    bandung, admin = bandung_admin
    bandung_origin = f"http://kota-bandung.localhost:{site_port}"
    with government_context(bandung):
        position = Position.objects.filter(kind=PositionKind.LURAH).order_by("id").first()
        assert position is not None
        # Autocommit: the email goes out as soon as the invitation is stored.
        invitation_create(
            acting_user=admin.pk,
            email=INVITEE,
            position_id=position.pk,
            starts_on=today_in(government=bandung),
            link_origin=bandung_origin,
        )
    found = re.search(rf"{re.escape(bandung_origin)}/undangan/[A-Za-z0-9_-]+/", mail.outbox[-1].body)
    assert found is not None

    phone.goto(found.group(0))
    phone.wait_for_url(re.compile(rf"http://localhost:{site_port}/akun/signup/"))
    assert phone.locator("input[name=email]").input_value() == INVITEE
    phone.fill("input[name=password1]", PASSWORD)
    phone.fill("input[name=password2]", PASSWORD)
    phone.locator("main form button[type=submit]").last.click()

    phone.wait_for_url(found.group(0))
    assert INVITEE in phone.locator("main").inner_text()
    phone.locator("#terima").click()
    phone.wait_for_url(found.group(0))
    assert "Undangan sudah Anda terima" in phone.locator("main").inner_text()
    # The new official has no authenticator yet: next comes its set-up on the central host.
    phone.locator("#lanjut").click()
    phone.wait_for_url(re.compile(rf"http://localhost:{site_port}/akun/(reauthenticate|2fa/totp/activate)/"))

    invitee = User.objects.get(email=INVITEE)
    assert EmailAddress.objects.filter(user=invitee, email=INVITEE, verified=True).exists()
    with government_context(bandung):
        assert list(Membership.objects.filter(user_id=invitee.pk).values_list("position_id", flat=True)) == [
            position.pk
        ]
