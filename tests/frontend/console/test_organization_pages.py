"""The console's units, positions and invitations pages: the admin koordinator changes the
organisation through plain forms; everyone else, and every other government, is refused with
nothing changed."""

from __future__ import annotations

from typing import Any

from django.core import mail
from django.utils.html import escape

from tenants.context import government_context
from tenants.models import Government
from tests.api.helpers import signed_in_client
from tests.factories import UserFactory
from tests.frontend.console.helpers import BANDUNG, JAKARTA, admin_client, lurah_client
from tests.personas import with_totp
from warga.access.policy import ROLE_MESSAGES, Action
from warga.organization.models import Invitation, Membership, OrganizationEvent, Position, PositionKind, Unit, UnitKind
from warga.organization.selectors import unit_root


def _root(government: Government) -> Unit:
    with government_context(government):
        root = unit_root()
        assert root is not None
        return root


def _events(government: Government) -> list[str]:
    with government_context(government):
        return list(OrganizationEvent.objects.order_by("id").values_list("action", flat=True))


def test_the_admin_sees_the_tree_and_adds_a_unit(bandung: Government) -> None:
    browser = admin_client(bandung)
    tree = browser.get("/kantor/admin/unit/", HTTP_HOST=BANDUNG)
    assert tree.status_code == 200
    html = tree.content.decode()
    assert '<a href="/kantor/admin/unit/' in html
    assert "Dinas Pekerjaan Umum dan Penataan Ruang" in html
    root = _root(bandung)
    added = browser.post(
        "/kantor/admin/unit/", {"name": "Dinas Sumber Daya Air", "kind": "agency", "parent": root.pk}, HTTP_HOST=BANDUNG
    )
    with government_context(bandung):
        unit = Unit.objects.get(name="Dinas Sumber Daya Air")
    assert unit.parent_id == root.pk
    assert unit.kind == UnitKind.AGENCY
    assert added.status_code == 302
    assert added["Location"] == f"/kantor/admin/unit/{unit.pk}/"
    assert _events(bandung) == ["unit.create"]


def test_a_refused_unit_shows_the_services_reason_by_its_field_and_adds_nothing(bandung: Government) -> None:
    browser = admin_client(bandung)
    root = _root(bandung)
    with government_context(bandung):
        before = Unit.objects.count()
    refused = browser.post(
        "/kantor/admin/unit/",
        {"name": "Dinas Pekerjaan Umum dan Penataan Ruang", "kind": "agency", "parent": root.pk},
        HTTP_HOST=BANDUNG,
    )
    assert refused.status_code == 400
    html = refused.content.decode()
    assert '<div class="error-summary"' in html
    assert 'id="id_name-error">Sudah ada unit bernama Dinas Pekerjaan Umum dan Penataan Ruang' in html
    with government_context(bandung):
        assert Unit.objects.count() == before
    assert _events(bandung) == []


def test_the_admin_renames_moves_adds_a_position_and_ends_a_unit(bandung: Government) -> None:
    browser = admin_client(bandung)
    root = _root(bandung)
    browser.post(
        "/kantor/admin/unit/", {"name": "Bidang Jalan", "kind": "agency", "parent": root.pk}, HTTP_HOST=BANDUNG
    )
    with government_context(bandung):
        unit = Unit.objects.get(name="Bidang Jalan")
        pupr = Unit.objects.get(name="Dinas Pekerjaan Umum dan Penataan Ruang")
    path = f"/kantor/admin/unit/{unit.pk}/"
    assert (
        browser.post(
            path, {"aksi": "rename", "rename-name": "Bidang Jalan dan Jembatan"}, HTTP_HOST=BANDUNG
        ).status_code
        == 302
    )
    assert browser.post(path, {"aksi": "move", "move-parent": pupr.pk}, HTTP_HOST=BANDUNG).status_code == 302
    assert (
        browser.post(
            path,
            {"aksi": "position", "position-title": "Kepala Bidang Jalan", "position-kind": "kepala_dinas"},
            HTTP_HOST=BANDUNG,
        ).status_code
        == 302
    )
    page = browser.get(path, HTTP_HOST=BANDUNG).content.decode()
    assert "Kepala Bidang Jalan" in page
    assert "Lowong" in page
    ended = browser.post(path, {"aksi": "end", "end-ends_on": "2099-12-31"}, HTTP_HOST=BANDUNG)
    assert ended.status_code == 302
    with government_context(bandung):
        unit.refresh_from_db()
    assert (unit.name, unit.parent_id, str(unit.ended_on)) == ("Bidang Jalan dan Jembatan", pupr.pk, "2099-12-31")
    assert _events(bandung) == ["unit.create", "unit.rename", "unit.move", "position.create", "unit.end"]


def test_a_unit_the_rules_still_route_to_cannot_be_ended(bandung: Government) -> None:
    browser = admin_client(bandung)
    with government_context(bandung):
        pupr = Unit.objects.get(name="Dinas Pekerjaan Umum dan Penataan Ruang")
    refused = browser.post(
        f"/kantor/admin/unit/{pupr.pk}/", {"aksi": "end", "end-ends_on": "2099-12-31"}, HTTP_HOST=BANDUNG
    )
    assert refused.status_code == 400
    assert "Aturan penerusan yang berlaku masih meneruskan laporan" in refused.content.decode()
    with government_context(bandung):
        pupr.refresh_from_db()
    assert pupr.ended_on is None


def test_holders_today_are_listed_with_the_acting_mark(bandung: Government) -> None:
    admin = admin_client(bandung)
    holder = with_totp(UserFactory(full_name="Siti Aminah"))
    with government_context(bandung):
        lurah = Position.objects.filter(kind=PositionKind.LURAH).order_by("id").first()
        assert lurah is not None
        Membership.objects.create(position=lurah, user_id=holder.pk, starts_on="2024-01-01", is_acting=True)
    html = admin.get(f"/kantor/admin/unit/{lurah.unit_id}/", HTTP_HOST=BANDUNG).content.decode()
    assert '<span class="badge badge--info">Plt.</span> Siti Aminah' in html


def test_the_admin_invites_resends_and_revokes(bandung: Government) -> None:
    browser = admin_client(bandung)
    with government_context(bandung):
        position = Position.objects.filter(kind=PositionKind.LURAH).order_by("id").first()
        assert position is not None
    sent = browser.post(
        "/kantor/admin/undangan/",
        {"aksi": "invite", "email": "Lurah.Baru@Example.id", "position": position.pk, "starts_on": "2099-01-01"},
        HTTP_HOST=BANDUNG,
    )
    assert sent.status_code == 302
    with government_context(bandung):
        invitation = Invitation.objects.get(email="lurah.baru@example.id")
    page = browser.get("/kantor/admin/undangan/", HTTP_HOST=BANDUNG).content.decode()
    assert "lurah.baru@example.id" in page
    browser.post("/kantor/admin/undangan/", {"aksi": "resend", "undangan": invitation.pk}, HTTP_HOST=BANDUNG)
    browser.post("/kantor/admin/undangan/", {"aksi": "revoke", "undangan": invitation.pk}, HTTP_HOST=BANDUNG)
    with government_context(bandung):
        invitation.refresh_from_db()
    assert invitation.send_count == 2
    assert invitation.revoked_at is not None
    assert _events(bandung) == ["invitation.create", "invitation.resend", "invitation.revoke"]


def test_a_bad_invitation_is_explained_next_to_its_field(bandung: Government) -> None:
    browser = admin_client(bandung)
    with government_context(bandung):
        position = Position.objects.filter(kind=PositionKind.LURAH).order_by("id").first()
        assert position is not None
    refused = browser.post(
        "/kantor/admin/undangan/",
        {"aksi": "invite", "email": "lurah@example.id", "position": position.pk, "starts_on": "2020-01-01"},
        HTTP_HOST=BANDUNG,
    )
    assert refused.status_code == 400
    assert 'id="id_starts_on-error">Tanggal mulai tidak boleh sebelum hari ini' in refused.content.decode()
    with government_context(bandung):
        assert not Invitation.objects.exists()


def test_an_official_who_is_not_the_admin_is_refused_with_nothing_changed(bandung: Government) -> None:
    browser = lurah_client(bandung)
    root = _root(bandung)
    for path in ("/kantor/admin/", "/kantor/admin/unit/", f"/kantor/admin/unit/{root.pk}/"):
        refused = browser.get(path, HTTP_HOST=BANDUNG)
        assert refused.status_code == 403
        assert escape(ROLE_MESSAGES[Action.ORGANIZATION_EDIT]) in refused.content.decode()
    posted = browser.post(
        "/kantor/admin/unit/", {"name": "Dinas Siluman", "kind": "agency", "parent": root.pk}, HTTP_HOST=BANDUNG
    )
    assert posted.status_code == 403
    renamed = browser.post(f"/kantor/admin/unit/{root.pk}/", {"aksi": "rename", "rename-name": "X"}, HTTP_HOST=BANDUNG)
    assert renamed.status_code == 403
    invited = browser.post("/kantor/admin/undangan/", {"aksi": "invite", "email": "x@example.id"}, HTTP_HOST=BANDUNG)
    assert invited.status_code == 403
    assert escape(ROLE_MESSAGES[Action.MEMBERSHIP_INVITE]) in invited.content.decode()
    with government_context(bandung):
        assert not Unit.objects.filter(name__in=["Dinas Siluman", "X"]).exists()
        assert not Invitation.objects.exists()
    assert _events(bandung) == []


def test_an_admin_of_bandung_cannot_touch_jakartas_organisation_from_either_host(
    bandung: Government, jakarta: Government
) -> None:
    browser = admin_client(bandung)
    jakarta_root = _root(jakarta)
    with government_context(jakarta):
        names = dict(Unit.objects.values_list("pk", "name"))
    # On Jakarta's host the Bandung admin holds no seat.
    refused = browser.post(
        f"/kantor/admin/unit/{jakarta_root.pk}/", {"aksi": "rename", "rename-name": "Diambil alih"}, HTTP_HOST=JAKARTA
    )
    assert refused.status_code == 403
    assert browser.get("/kantor/admin/unit/", HTTP_HOST=JAKARTA).status_code == 403
    # On Bandung's host, a Jakarta unit's number names nothing of Jakarta's.
    missing = max(names) + 1000
    with government_context(jakarta):
        Unit.objects.create(pk=missing, parent=jakarta_root, kind=UnitKind.AGENCY, name="Dinas Jakarta")
    assert (
        browser.post(
            f"/kantor/admin/unit/{missing}/", {"aksi": "rename", "rename-name": "Diambil alih"}, HTTP_HOST=BANDUNG
        ).status_code
        == 404
    )
    with government_context(jakarta):
        assert dict(Unit.objects.exclude(pk=missing).values_list("pk", "name")) == names
        assert Unit.objects.get(pk=missing).name == "Dinas Jakarta"
    assert _events(jakarta) == []


def test_anonymous_visitors_are_sent_to_sign_in_and_the_public_host_has_no_console(bandung: Government) -> None:
    anonymous = signed_in_client()
    response = anonymous.get("/kantor/admin/unit/", HTTP_HOST=BANDUNG)
    assert response.status_code == 302
    assert response["Location"].startswith("/akun/login/?next=")
    assert anonymous.get("/kantor/admin/unit/", HTTP_HOST="localhost").status_code == 404
    assert mail.outbox == []


def test_a_position_is_renamed_from_its_units_page(bandung: Government) -> None:
    browser = admin_client(bandung)
    with government_context(bandung):
        position = Position.objects.filter(kind=PositionKind.LURAH).order_by("id").first()
        assert position is not None
    path = f"/kantor/admin/unit/{position.unit_id}/"
    refused = browser.post(
        path, {"aksi": "rename_position", "jabatan-position": position.pk, "jabatan-title": "  "}, HTTP_HOST=BANDUNG
    )
    assert refused.status_code == 400
    renamed = browser.post(
        path,
        {"aksi": "rename_position", "jabatan-position": position.pk, "jabatan-title": "Lurah Sukarasa (Plt. Camat)"},
        HTTP_HOST=BANDUNG,
    )
    assert renamed.status_code == 302
    with government_context(bandung):
        position.refresh_from_db()
    assert position.title == "Lurah Sukarasa (Plt. Camat)"
    assert _events(bandung) == ["position.rename"]


def test_the_pages_read_in_a_fixed_number_of_queries(bandung: Government, django_assert_max_num_queries: Any) -> None:
    browser = admin_client(bandung)
    root = _root(bandung)
    browser.get("/kantor/admin/unit/", HTTP_HOST=BANDUNG)  # warm the host and session caches
    # The tree of some 190 units, their form's choices, the gate and the layout's menu and brand.
    with django_assert_max_num_queries(11):
        assert browser.get("/kantor/admin/unit/", HTTP_HOST=BANDUNG).status_code == 200
    # The government's own unit with its seats and their holders today.
    with django_assert_max_num_queries(15):
        assert browser.get(f"/kantor/admin/unit/{root.pk}/", HTTP_HOST=BANDUNG).status_code == 200
