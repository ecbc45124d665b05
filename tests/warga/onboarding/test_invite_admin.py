"""The first official: `manage.py invite_admin CODE EMAIL` and the operator admin's action send
the government's admin koordinator seat an invitation through the organisation's own flow."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from tenants.context import government_context
from tenants.models import Government
from tests.api.helpers import signed_in_client
from tests.personas import verified_user, with_totp
from warga.accounts.models import User
from warga.organization.models import Invitation, Membership, OrganizationEvent, PositionKind


def _invitations(government: Government) -> list[tuple[str, str, Any]]:
    with government_context(government):
        return list(Invitation.objects.values_list("email", "position__kind", "invited_by_id"))


def _run(*args: str, capture: Any) -> str:
    out = io.StringIO()
    with capture(execute=True):
        call_command("invite_admin", *args, stdout=out)
    return out.getvalue()


def test_the_command_invites_the_admin_koordinator_of_kota_bandung(
    bandung: Government, django_capture_on_commit_callbacks: Any
) -> None:
    printed = _run("32.73", "Admin@Bandung.go.id", "--port", "8000", capture=django_capture_on_commit_callbacks)

    assert _invitations(bandung) == [("admin@bandung.go.id", PositionKind.ADMIN_KOORDINATOR, None)]
    assert "Undangan admin koordinator Kota Bandung untuk admin@bandung.go.id dikirim" in printed
    assert "http://kota-bandung.localhost:8000/kantor/" in printed
    assert [m.to for m in mail.outbox] == [["admin@bandung.go.id"]]
    link = re.search(r"http://kota-bandung\.localhost:8000/undangan/\S+/", mail.outbox[0].body)
    assert link is not None
    with government_context(bandung):
        assert OrganizationEvent.objects.filter(action="invitation.create", actor_id=None).count() == 1


def test_running_it_again_resends_with_a_new_link(bandung: Government, django_capture_on_commit_callbacks: Any) -> None:
    _run("32.73", "admin@bandung.go.id", capture=django_capture_on_commit_callbacks)
    printed = _run("32.73", "admin@bandung.go.id", capture=django_capture_on_commit_callbacks)
    assert "dikirim ulang" in printed
    assert len(_invitations(bandung)) == 1
    first, second = (re.search(r"/undangan/(\S+)/", m.body).group(1) for m in mail.outbox)  # type: ignore[union-attr]
    assert first != second


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("99.99", "a@b.id"), "Tidak ada pemerintah dengan kode '99.99'"),
        (("32.73", "bukan-email"), "tidak valid"),
    ],
)
def test_clear_errors_and_nothing_written(bandung: Government, args: tuple[str, str], words: str) -> None:
    with pytest.raises(CommandError, match=re.escape(words)):
        call_command("invite_admin", *args, stdout=io.StringIO())
    assert _invitations(bandung) == []
    assert mail.outbox == []


def test_a_government_not_ready_is_refused(bandung: Government) -> None:
    Government.objects.filter(pk=bandung.pk).update(is_ready=False)
    with pytest.raises(CommandError, match="belum siap"):
        call_command("invite_admin", "32.73", "admin@bandung.go.id", stdout=io.StringIO())
    Government.objects.filter(pk=bandung.pk).update(is_ready=True)
    assert _invitations(bandung) == []


def test_the_invitee_accepts_and_holds_the_seat(bandung: Government, django_capture_on_commit_callbacks: Any) -> None:
    _run("32.73", "admin@bandung.go.id", capture=django_capture_on_commit_callbacks)
    path = re.search(r"http://kota-bandung\.localhost(/undangan/\S+/)", mail.outbox[0].body).group(1)  # type: ignore[union-attr]
    invitee = verified_user("admin@bandung.go.id")
    browser = signed_in_client(invitee)
    accepted = browser.post(path, HTTP_HOST="kota-bandung.localhost")
    assert accepted.status_code == 302
    with government_context(bandung):
        seat = Membership.objects.get(user_id=invitee.pk)
        assert (seat.position.kind, seat.created_by_id) == (PositionKind.ADMIN_KOORDINATOR, None)


def test_the_operator_admin_action_sends_the_same_invitation(
    bandung: Government, django_capture_on_commit_callbacks: Any
) -> None:
    # The operator admin wants a session that typed a TOTP code (security item 1).
    operator = with_totp(User.objects.create_superuser("operator@example.id", "x" * 12))
    admin = signed_in_client(operator)
    changelist = "/operator/tenants/government/"
    data = {"action": "invite_first_admin", "_selected_action": [str(bandung.pk)]}
    form = admin.post(changelist, data, HTTP_HOST="localhost")
    assert form.status_code == 200
    assert "Undang admin koordinator pertama: Kota Bandung" in form.content.decode()

    bad = admin.post(changelist, data | {"send": "1", "email": "bukan"}, HTTP_HOST="localhost")
    assert "Alamat email tidak valid" in bad.content.decode()
    assert _invitations(bandung) == []

    with django_capture_on_commit_callbacks(execute=True):
        sent = admin.post(changelist, data | {"send": "1", "email": "admin@bandung.go.id"}, HTTP_HOST="localhost")
    assert sent.status_code == 302
    assert _invitations(bandung) == [("admin@bandung.go.id", PositionKind.ADMIN_KOORDINATOR, operator.pk)]
    assert [m.to for m in mail.outbox] == [["admin@bandung.go.id"]]
