"""The organisation admin's services: units, positions, memberships, invitations. Each write
is checked by the policy, validated before anything is written, one transaction, one event."""

from __future__ import annotations

import datetime
import hashlib
import re
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.db.models import Model

from tenants.context import government_context, tenant_connection
from tenants.models import Government
from tests.personas import membership_in, verified_user, with_totp
from warga.access.policy import ActionForbidden
from warga.accounts.models import User
from warga.organization import personal_data, services
from warga.organization.errors import (
    InvitationEmailMismatch,
    InvitationRateLimited,
    InvitationUnavailable,
    OrganizationInvalid,
    OrganizationNotFound,
)
from warga.organization.models import (
    Invitation,
    Membership,
    OrganizationEvent,
    Position,
    PositionKind,
    Unit,
    UnitKind,
)
from warga.organization.selectors import invitation_by_token, today_in
from warga.organization.services import (
    invitation_accept,
    invitation_create,
    invitation_resend,
    invitation_revoke,
    invitations,
    membership_end,
    membership_set_acting,
    position_create,
    position_rename,
    unit_create,
    unit_rename,
)
from warga.personal_data_registry import ERASED_USER_ID
from warga.web.ratelimit import Limit

BANDUNG_ORIGIN = "http://kota-bandung.localhost"
LINK = re.compile(r"http://kota-bandung\.localhost/undangan/([A-Za-z0-9_-]+)/")


def _counts() -> dict[str, int]:
    models: list[type[Model]] = [Unit, Position, Membership, Invitation, OrganizationEvent]
    return {model.__name__: model.objects.count() for model in models}


def _events() -> list[tuple[str, dict[str, Any]]]:
    return [(e.action, e.data) for e in OrganizationEvent.objects.order_by("id")]


def _root() -> Unit:
    return Unit.objects.get(kind=UnitKind.GOVERNMENT)


def _invite(actor: User, email: str = "calon@example.id", **fields: Any) -> Invitation:
    position = fields.pop("position", None) or Position.objects.filter(kind=PositionKind.LURAH).order_by("id").first()
    assert position is not None
    return invitation_create(
        acting_user=actor.pk,
        email=email,
        position_id=position.pk,
        starts_on=fields.pop("starts_on", None) or today_in(government=_government()),
        link_origin=BANDUNG_ORIGIN,
        **fields,
    )


def _government() -> Government:
    government = tenant_connection().tenant
    assert isinstance(government, Government)
    return government


def _token_of(message: Any) -> str:
    found = LINK.search(message.body)
    assert found is not None, message.body
    return found.group(1)


# --- units and positions ------------------------------------------------------------------------


def test_an_admin_adds_and_renames_an_agency_and_each_change_is_recorded(bandung: Government, admin: User) -> None:
    with government_context(bandung):
        unit = unit_create(acting_user=admin.pk, name="  Badan   Riset Daerah ", kind=UnitKind.AGENCY)
        renamed = unit_rename(acting_user=admin.pk, unit_id=unit.pk, name="Badan Riset dan Inovasi Daerah")
        unit_rename(acting_user=admin.pk, unit_id=unit.pk, name="Badan Riset dan Inovasi Daerah")  # no change, no event
        pln = unit_create(acting_user=admin.pk, name="PLN UP3 Bandung", kind=UnitKind.EXTERNAL)

        assert (unit.name, unit.kind, unit.parent_id, unit.region_code) == (
            "Badan Riset Daerah",
            "agency",
            _root().pk,
            "",
        )
        assert renamed.name == "Badan Riset dan Inovasi Daerah"
        assert _events() == [
            (
                "unit.create",
                {"name": [None, "Badan Riset Daerah"], "kind": [None, "agency"], "parent_id": [None, _root().pk]},
            ),
            ("unit.rename", {"name": ["Badan Riset Daerah", "Badan Riset dan Inovasi Daerah"]}),
            (
                "unit.create",
                {"name": [None, "PLN UP3 Bandung"], "kind": [None, "external"], "parent_id": [None, _root().pk]},
            ),
        ]
        assert set(OrganizationEvent.objects.values_list("actor_id", flat=True)) == {admin.pk}
        assert OrganizationEvent.objects.filter(action="unit.create").values_list("object_id", flat=True).count() == 2
        assert pln.kind == "external"


def test_units_refused_with_a_reason_and_nothing_written(bandung: Government, admin: User) -> None:
    with government_context(bandung):
        external = Unit.objects.create(parent=_root(), kind=UnitKind.EXTERNAL, name="PDAM Tirtawening")
        before = _counts()
        cases: list[tuple[dict[str, Any], str, str]] = [
            ({"name": "Kecamatan Baru", "kind": "kecamatan"}, "kind", "invalid_kind"),
            ({"name": "   ", "kind": "agency"}, "name", "required"),
            ({"name": "x" * 201, "kind": "agency"}, "name", "too_long"),
            ({"name": "pdam tirtawening", "kind": "agency"}, "name", "duplicate"),
            ({"name": "Bidang Air", "kind": "agency", "parent_id": external.pk}, "parent_id", "external_parent"),
        ]
        for fields, field, code in cases:
            with pytest.raises(OrganizationInvalid) as refused:
                unit_create(acting_user=admin.pk, **fields)
            assert (refused.value.field, refused.value.field_code) == (field, code), fields
        with pytest.raises(OrganizationNotFound):
            unit_create(acting_user=admin.pk, name="Bidang", kind="agency", parent_id=10**9)
        pln = Unit.objects.create(parent=_root(), kind=UnitKind.EXTERNAL, name="PLN")
        before = _counts()
        with pytest.raises(OrganizationInvalid) as duplicate:
            unit_rename(acting_user=admin.pk, unit_id=pln.pk, name="PDAM  tirtawening")
        assert (duplicate.value.field, duplicate.value.field_code) == ("name", "duplicate")
        with pytest.raises(OrganizationNotFound):
            unit_rename(acting_user=admin.pk, unit_id=10**9, name="Apa Saja")
        assert Unit.objects.get(pk=pln.pk).name == "PLN"
        assert _counts() == before


def test_positions_are_added_and_renamed_within_the_rules(bandung: Government, admin: User) -> None:
    with government_context(bandung):
        kelurahan = Unit.objects.filter(kind=UnitKind.KELURAHAN).order_by("id").first()
        assert kelurahan is not None
        petugas = position_create(
            acting_user=admin.pk, unit_id=kelurahan.pk, kind=PositionKind.PETUGAS_LAPANGAN, title="Petugas Kebersihan"
        )
        pimpinan = position_create(acting_user=admin.pk, unit_id=_root().pk, kind=PositionKind.PIMPINAN, title="Sekda")
        position_rename(acting_user=admin.pk, position_id=pimpinan.pk, title="Sekretaris Daerah")
        before = _counts()
        for fields, code in [
            ({"unit_id": _root().pk, "kind": PositionKind.WALIKOTA, "title": "Wali Kota Kedua"}, "seeded_only"),
            ({"unit_id": kelurahan.pk, "kind": PositionKind.ADMIN_KOORDINATOR, "title": "Admin"}, "government_wide"),
            ({"unit_id": kelurahan.pk, "kind": "raja", "title": "Raja"}, "invalid_kind"),
            ({"unit_id": kelurahan.pk, "kind": PositionKind.LURAH, "title": ""}, "required"),
        ]:
            with pytest.raises(OrganizationInvalid) as refused:
                position_create(acting_user=admin.pk, **fields)
            assert refused.value.field_code == code
        with pytest.raises(OrganizationNotFound):
            position_rename(acting_user=admin.pk, position_id=10**9, title="X")
        assert _counts() == before
        assert (petugas.unit_id, petugas.kind, petugas.title) == (
            kelurahan.pk,
            "petugas_lapangan",
            "Petugas Kebersihan",
        )
        assert Position.objects.get(pk=pimpinan.pk).title == "Sekretaris Daerah"
        assert _events()[-1] == ("position.rename", {"title": ["Sekda", "Sekretaris Daerah"]})


# --- memberships ---------------------------------------------------------------------------------


def test_ending_a_membership_and_marking_plt(bandung: Government, admin: User) -> None:
    lurah = verified_user("lurah@bandung.go.id")
    held = membership_in(bandung, lurah, kind="lurah")
    with government_context(bandung):
        today = today_in(government=bandung)
        ended = membership_end(acting_user=admin.pk, membership_id=held.pk, ends_on=today)
        acting = membership_set_acting(acting_user=admin.pk, membership_id=held.pk, is_acting=True)
        assert (ended.ends_on, acting.is_acting) == (today, True)
        assert _events() == [
            ("membership.end", {"ends_on": [None, today.isoformat()]}),
            ("membership.acting", {"is_acting": [False, True]}),
        ]
        with pytest.raises(OrganizationInvalid) as before_start:
            membership_end(acting_user=admin.pk, membership_id=held.pk, ends_on=datetime.date(2025, 12, 31))
        assert before_start.value.field_code == "before_start"
        Membership.objects.filter(pk=held.pk).update(ends_on=datetime.date(2026, 2, 1))
        with pytest.raises(OrganizationInvalid) as already:
            membership_end(acting_user=admin.pk, membership_id=held.pk, ends_on=today)
        assert already.value.field_code == "already_ended"
        assert Membership.objects.get(pk=held.pk).ends_on == datetime.date(2026, 2, 1)


def test_the_last_admin_koordinator_cannot_be_ended(bandung: Government, admin: User) -> None:
    with government_context(bandung):
        own = Membership.objects.get(user_id=admin.pk)
        with pytest.raises(OrganizationInvalid) as refused:
            membership_end(acting_user=admin.pk, membership_id=own.pk, ends_on=today_in(government=bandung))
        assert refused.value.field_code == "last_admin"
        assert Membership.objects.get(pk=own.pk).ends_on is None
        assert OrganizationEvent.objects.count() == 0
    successor = with_totp(verified_user("pengganti@bandung.go.id"))
    membership_in(bandung, successor)
    with government_context(bandung):
        membership_end(acting_user=successor.pk, membership_id=own.pk, ends_on=today_in(government=bandung))
        assert Membership.objects.get(pk=own.pk).ends_on == today_in(government=bandung)


def test_other_officials_change_nothing(bandung: Government, admin: User, lurah: User) -> None:
    with government_context(bandung):
        held = Membership.objects.get(user_id=admin.pk)
        before = _counts()
        attempts = [
            lambda: unit_create(acting_user=lurah.pk, name="Dinas Bayangan", kind="agency"),
            lambda: unit_rename(acting_user=lurah.pk, unit_id=_root().pk, name="Kota Lain"),
            lambda: position_create(acting_user=lurah.pk, unit_id=_root().pk, kind="pimpinan", title="X"),
            lambda: membership_end(acting_user=lurah.pk, membership_id=held.pk, ends_on=today_in(government=bandung)),
            lambda: membership_set_acting(acting_user=lurah.pk, membership_id=held.pk, is_acting=True),
            lambda: _invite(lurah),
        ]
        for attempt in attempts:
            with pytest.raises(ActionForbidden):
                attempt()
        assert _counts() == before
        assert _root().name == "Kota Bandung"
        assert Membership.objects.get(pk=held.pk).ends_on is None
    assert mail.outbox == []


# --- invitations ---------------------------------------------------------------------------------


def test_an_invitation_is_emailed_after_commit_and_only_its_hash_is_kept(
    bandung: Government, admin: User, django_capture_on_commit_callbacks: Any
) -> None:
    with government_context(bandung), django_capture_on_commit_callbacks(execute=True) as callbacks:
        invitation = _invite(admin, "Calon.Lurah@Example.ID", is_acting=True)
        assert mail.outbox == []  # nothing leaves before the commit
    assert len(callbacks) == 1
    [message] = mail.outbox
    token = _token_of(message)
    assert message.to == ["calon.lurah@example.id"]
    assert message.subject.startswith("Undangan jabatan Lurah ")
    assert message.subject.endswith(" di Kota Bandung (Warga)")
    assert "Asep Sunandar mengundang Anda untuk memegang jabatan Plt. Lurah " in message.body
    assert "Asep Sunandar has invited you to hold the position (acting) Lurah " in message.body
    with government_context(bandung):
        stored = Invitation.objects.get()
        assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
        assert token not in str(list(Invitation.objects.values_list()))
        assert token not in str(list(OrganizationEvent.objects.values_list()))
        assert (stored.email, stored.is_acting, stored.invited_by_id, stored.send_count) == (
            "calon.lurah@example.id",
            True,
            admin.pk,
            1,
        )
        assert stored.expires_at - stored.created_at == datetime.timedelta(days=7)
        assert invitation_by_token(token=token) == invitation
        assert _events() == [
            (
                "invitation.create",
                {
                    "position_id": [None, stored.position_id],
                    "starts_on": [None, stored.starts_on.isoformat()],
                    "ends_on": [None, None],
                    "is_acting": [None, True],
                },
            )
        ]


def test_invitations_refused_with_a_reason_and_nothing_sent(bandung: Government, admin: User) -> None:
    with government_context(bandung):
        _invite(admin, "sudah@example.id")
        mail.outbox.clear()
        before = _counts()
        today = today_in(government=bandung)
        for email, fields, field, code in [
            ("bukan-email", {}, "email", "invalid_email"),
            ("a@example.id", {"starts_on": today - datetime.timedelta(days=1)}, "starts_on", "in_the_past"),
            ("a@example.id", {"ends_on": today - datetime.timedelta(days=1)}, "ends_on", "before_start"),
            ("SUDAH@example.id", {}, "email", "already_invited"),
        ]:
            with pytest.raises(OrganizationInvalid) as refused:
                _invite(admin, email, **fields)
            assert (refused.value.field, refused.value.field_code) == (field, code)
        with pytest.raises(OrganizationNotFound):
            invitation_create(
                acting_user=admin.pk,
                email="a@example.id",
                position_id=10**9,
                starts_on=today,
                link_origin=BANDUNG_ORIGIN,
            )
        assert _counts() == before
    assert mail.outbox == []


def test_a_failure_halfway_leaves_no_invitation_and_sends_nothing(
    bandung: Government, admin: User, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    def broken_event(**kwargs: Any) -> None:
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(invitations, "organization_event_record", broken_event)
    with government_context(bandung), django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError):
            _invite(admin)
        assert Invitation.objects.count() == 0
    assert mail.outbox == []


def test_sending_is_rate_limited_per_admin(
    bandung: Government, admin: User, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    monkeypatch.setattr(invitations, "INVITATIONS_PER_HOUR", Limit(amount=2, seconds=3600))
    with government_context(bandung), django_capture_on_commit_callbacks(execute=True):
        first = _invite(admin, "satu@example.id")
        _invite(admin, "dua@example.id")
        with pytest.raises(InvitationRateLimited) as limited:
            _invite(admin, "tiga@example.id")
        assert 0 < limited.value.retry_after <= 3600
        assert "Terlalu banyak undangan dikirim" in limited.value.message
        with pytest.raises(InvitationRateLimited):
            invitation_resend(acting_user=admin.pk, invitation_id=first.pk, link_origin=BANDUNG_ORIGIN)
        assert sorted(Invitation.objects.values_list("email", flat=True)) == ["dua@example.id", "satu@example.id"]
        assert Invitation.objects.get(pk=first.pk).send_count == 1
    assert [m.to for m in mail.outbox] == [["satu@example.id"], ["dua@example.id"]]


def test_resending_issues_a_new_link_and_the_old_one_stops_working(
    bandung: Government, admin: User, django_capture_on_commit_callbacks: Any
) -> None:
    with government_context(bandung), django_capture_on_commit_callbacks(execute=True):
        invitation = _invite(admin)
        Invitation.objects.filter(pk=invitation.pk).update(
            expires_at=invitation.created_at - datetime.timedelta(minutes=1)
        )
        resent = invitation_resend(acting_user=admin.pk, invitation_id=invitation.pk, link_origin=BANDUNG_ORIGIN)
    old, new = (_token_of(m) for m in mail.outbox)
    assert old != new
    with government_context(bandung):
        assert invitation_by_token(token=old) is None
        assert invitation_by_token(token=new) == invitation
        assert resent.send_count == 2
        assert resent.expires_at > invitation.created_at + datetime.timedelta(days=6)
        assert _events()[-1] == ("invitation.resend", {"send_count": [1, 2]})


def test_revoking_closes_the_invitation(bandung: Government, admin: User) -> None:
    invitee = verified_user("calon@example.id")
    with government_context(bandung):
        invitation = _invite(admin)
        revoked = invitation_revoke(acting_user=admin.pk, invitation_id=invitation.pk)
        assert (revoked.revoked_by_id, revoked.revoked_at is not None) == (admin.pk, True)
        with pytest.raises(InvitationUnavailable) as again:
            invitation_revoke(acting_user=admin.pk, invitation_id=invitation.pk)
        assert again.value.state == "revoked"
        with pytest.raises(InvitationUnavailable):
            invitation_resend(acting_user=admin.pk, invitation_id=invitation.pk, link_origin=BANDUNG_ORIGIN)
        # A new invitation to the same address and seat is allowed once the old one is closed.
        _invite(admin)
        assert Membership.objects.filter(user_id=invitee.pk).count() == 0


def test_accepting_creates_the_membership_here_only(
    bandung: Government, jakarta: Government, admin: User, django_capture_on_commit_callbacks: Any
) -> None:
    invitee = verified_user("calon@example.id")
    with government_context(bandung), django_capture_on_commit_callbacks(execute=True):
        invitation = _invite(admin, ends_on=today_in(government=bandung) + datetime.timedelta(days=365), is_acting=True)
    token = _token_of(mail.outbox[0])

    with government_context(jakarta):
        jakarta_before = Membership.objects.count()
        with pytest.raises(OrganizationNotFound):
            invitation_accept(acting_user=invitee.pk, token=token)
        assert Membership.objects.count() == jakarta_before

    with government_context(bandung):
        membership = invitation_accept(acting_user=invitee.pk, token=token)
        accepted = Invitation.objects.get(pk=invitation.pk)
        assert (
            membership.position_id,
            membership.user_id,
            membership.starts_on,
            membership.ends_on,
            membership.is_acting,
            membership.created_by_id,
        ) == (invitation.position_id, invitee.pk, invitation.starts_on, invitation.ends_on, True, admin.pk)
        assert (accepted.accepted_by_id, accepted.membership_id) == (invitee.pk, membership.pk)
        assert _events()[-1] == ("invitation.accept", {"membership_id": [None, membership.pk]})
        with pytest.raises(InvitationUnavailable) as used:
            invitation_accept(acting_user=invitee.pk, token=token)
        assert used.value.state == "accepted"
    with government_context(jakarta):
        assert Membership.objects.filter(user_id=invitee.pk).count() == 0


def test_only_the_owner_of_the_invited_address_accepts(
    bandung: Government, admin: User, django_capture_on_commit_callbacks: Any
) -> None:
    other = verified_user("orang.lain@example.id")
    unverified = User.objects.create_user("calon@example.id", "x" * 12)
    EmailAddress.objects.create(user=unverified, email="calon@example.id", primary=True, verified=False)
    with government_context(bandung), django_capture_on_commit_callbacks(execute=True):
        invitation = _invite(admin)
    token = _token_of(mail.outbox[0])
    with government_context(bandung):
        with pytest.raises(InvitationEmailMismatch) as mismatch:
            invitation_accept(acting_user=other.pk, token=token)
        assert mismatch.value.message.startswith("Undangan ini untuk calon@example.id, sedangkan Anda masuk")
        with pytest.raises(InvitationEmailMismatch) as not_verified:
            invitation_accept(acting_user=unverified.pk, token=token)
        assert "belum diverifikasi" in not_verified.value.message
        assert Membership.objects.filter(user_id__in=[other.pk, unverified.pk]).count() == 0
        assert Invitation.objects.get(pk=invitation.pk).accepted_at is None


def test_an_expired_invitation_cannot_be_accepted(
    bandung: Government, admin: User, django_capture_on_commit_callbacks: Any
) -> None:
    invitee = verified_user("calon@example.id")
    with government_context(bandung), django_capture_on_commit_callbacks(execute=True):
        invitation = _invite(admin)
    token = _token_of(mail.outbox[0])
    with government_context(bandung):
        Invitation.objects.filter(pk=invitation.pk).update(expires_at=invitation.created_at)
        with pytest.raises(InvitationUnavailable) as expired:
            invitation_accept(acting_user=invitee.pk, token=token)
        assert (expired.value.state, expired.value.message) == ("expired", services.UNAVAILABLE_MESSAGES["expired"])
        assert Membership.objects.filter(user_id=invitee.pk).count() == 0


def test_erasing_an_account_leaves_the_records_with_nobody_identifiable(
    bandung: Government, admin: User, django_capture_on_commit_callbacks: Any
) -> None:
    invitee = verified_user("calon@example.id")
    with government_context(bandung), django_capture_on_commit_callbacks(execute=True):
        accepted = _invite(admin)
        pending = _invite(admin, position=Position.objects.filter(kind=PositionKind.CAMAT).order_by("id").first())
    with government_context(bandung):
        invitation_accept(acting_user=invitee.pk, token=_token_of(mail.outbox[0]))
        exported = personal_data._export(invitee.pk)
        assert [(i["email"], i["diterima"] is not None) for i in exported["undangan"]] == [
            ("calon@example.id", True),
            ("calon@example.id", False),
        ]
        assert [e["tindakan"] for e in exported["perubahan_organisasi"]] == ["invitation.accept"]

        assert personal_data._erase(invitee.pk) > 0

        rows = {i.pk: i for i in Invitation.objects.all()}
        assert (rows[accepted.pk].email, rows[accepted.pk].accepted_by_id) == (
            f"dihapus-{accepted.pk}@invalid",
            ERASED_USER_ID,
        )
        assert (rows[pending.pk].email, rows[pending.pk].revoked_by_id) == (
            f"dihapus-{pending.pk}@invalid",
            ERASED_USER_ID,
        )
        assert OrganizationEvent.objects.filter(actor_id=invitee.pk).count() == 0
        assert personal_data._export(invitee.pk) == {"undangan": [], "perubahan_organisasi": []}
