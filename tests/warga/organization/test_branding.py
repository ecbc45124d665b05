"""Branding: the admin koordinator's display name, colour and logo. The logo is checked like a
citizen's photo and stored re-encoded as a PNG; every input is checked before anything is
written; another government's admin, or an official without the seat, changes nothing."""

from __future__ import annotations

import io
import os
from typing import Any

import pytest
from django.core import mail
from PIL import Image

from tenants.context import government_context
from tenants.models import Government
from tests.personas import membership_in, verified_user, with_totp
from warga.access.policy import ActionForbidden
from warga.accounts.models import User
from warga.organization.errors import OrganizationInvalid
from warga.organization.models import Branding, OrganizationEvent, Position, PositionKind
from warga.organization.selectors import branding_current, branding_logo, today_in
from warga.organization.services import LOGO_MAX_BYTES, branding_update, invitation_create


def png(width: int = 800, height: int = 400, colour: tuple[int, int, int, int] = (0, 80, 160, 255)) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (width, height), colour).save(out, "PNG")
    return out.getvalue()


def _state(government: Government) -> tuple[list[tuple[str, str, str]], list[str]]:
    with government_context(government):
        rows = list(Branding.objects.values_list("display_name", "colour", "logo_sha256"))
        events = list(OrganizationEvent.objects.values_list("action", flat=True))
    return rows, events


def test_the_admin_sets_name_colour_and_logo_and_the_logo_is_re_encoded(bandung: Government, admin: User) -> None:
    with government_context(bandung):
        branding_update(acting_user=admin.pk, display_name="  Pemkot   Bandung ", colour="#1D4ED8", logo=png())
        shown = branding_current(government=bandung)
        logo = branding_logo()
        event = OrganizationEvent.objects.get()
    assert (shown.name, shown.display_name, shown.colour) == ("Pemkot Bandung", "Pemkot Bandung", "#1d4ed8")
    assert logo is not None
    content, digest = logo
    with Image.open(io.BytesIO(content)) as stored:
        assert (stored.format, stored.size) == ("PNG", (512, 256))
    assert shown.logo_sha256 == digest
    assert event.action == "branding.update"
    assert event.data == {
        "display_name": ["", "Pemkot Bandung"],
        "colour": ["", "#1d4ed8"],
        "logo_sha256": ["", digest],
    }


def test_without_branding_the_official_name_stands(bandung: Government) -> None:
    with government_context(bandung):
        shown = branding_current(government=bandung)
        assert branding_logo() is None
    assert (shown.name, shown.colour, shown.logo_sha256) == ("Kota Bandung", "", "")


def test_removing_the_logo_keeps_the_rest(bandung: Government, admin: User) -> None:
    with government_context(bandung):
        branding_update(acting_user=admin.pk, display_name="Pemkot Bandung", colour="#1d4ed8", logo=png())
        branding_update(acting_user=admin.pk, display_name="Pemkot Bandung", colour="#1d4ed8", remove_logo=True)
        assert branding_logo() is None
        assert branding_current(government=bandung).name == "Pemkot Bandung"


@pytest.mark.parametrize(
    ("field", "code", "kwargs", "message"),
    [
        ("colour", "invalid_colour", {"colour": "merah"}, "Warna harus ditulis sebagai kode heksadesimal #rrggbb"),
        ("colour", "invalid_colour", {"colour": "#12345"}, "Warna harus ditulis sebagai kode heksadesimal #rrggbb"),
        ("colour", "low_contrast", {"colour": "#ffff00"}, "Warna #ffff00 terlalu terang"),
        ("logo", "not_an_image", {"logo": b"%PDF-1.7 bukan gambar"}, "Logo bukan gambar JPEG, PNG, WebP atau HEIC"),
        ("logo", "not_an_image", {"logo": png()[:200]}, "Logo bukan gambar JPEG, PNG, WebP atau HEIC"),
        ("logo", "too_large", {"logo": os.urandom(LOGO_MAX_BYTES + 1)}, "Logo lebih besar dari 1 MB"),
        ("logo", "too_many_pixels", {"logo": png(9000, 5000)}, "Logo terlalu besar ukuran pikselnya"),
        ("display_name", "too_long", {"display_name": "x" * 201}, "Nama tampilan paling panjang 200 karakter"),
    ],
)
def test_bad_input_is_refused_with_its_reason_and_nothing_is_written(
    bandung: Government, admin: User, field: str, code: str, kwargs: dict[str, object], message: str
) -> None:
    with government_context(bandung):
        branding_update(acting_user=admin.pk, display_name="Pemkot Bandung", colour="#1d4ed8")
    before = _state(bandung)
    arguments: dict[str, object] = {"display_name": "Nama Baru", "colour": "#0f5132", **kwargs}
    with government_context(bandung), pytest.raises(OrganizationInvalid) as refused:
        branding_update(acting_user=admin.pk, **arguments)  # type: ignore[arg-type]
    assert (refused.value.field, refused.value.field_code) == (field, code)
    assert refused.value.message.startswith(message)
    assert _state(bandung) == before


def test_an_official_without_the_seat_changes_nothing(bandung: Government, lurah: User) -> None:
    with government_context(bandung), pytest.raises(ActionForbidden) as refused:
        branding_update(acting_user=lurah.pk, display_name="Diambil alih", colour="#000000")
    assert refused.value.reason == "position_not_allowed"
    assert _state(bandung) == ([], [])


def test_an_admin_of_jakarta_cannot_brand_bandung(bandung: Government, jakarta: Government) -> None:
    jakarta_admin = with_totp(verified_user("admin@jakarta.go.id"))
    membership_in(jakarta, jakarta_admin)
    with government_context(bandung), pytest.raises(ActionForbidden) as refused:
        branding_update(acting_user=jakarta_admin.pk, display_name="Jakarta Raya", colour="#000000", logo=png())
    assert refused.value.reason == "not_official"
    assert _state(bandung) == ([], [])
    # Their own government's branding is theirs to set, and stays theirs.
    with government_context(jakarta):
        branding_update(acting_user=jakarta_admin.pk, display_name="Jakarta Raya", colour="#000000")
    assert _state(bandung) == ([], [])
    with government_context(jakarta):
        assert branding_current(government=jakarta).name == "Jakarta Raya"


def test_the_invitation_email_carries_the_display_name(
    bandung: Government, admin: User, django_capture_on_commit_callbacks: Any
) -> None:
    with government_context(bandung):
        branding_update(acting_user=admin.pk, display_name="Pemerintah Kota Bandung", colour="")
        position = Position.objects.filter(kind=PositionKind.LURAH).order_by("id").first()
        assert position is not None
        with django_capture_on_commit_callbacks(execute=True):
            invitation_create(
                acting_user=admin.pk,
                email="lurah.baru@example.id",
                position_id=position.pk,
                starts_on=today_in(government=bandung),
                link_origin="http://kota-bandung.localhost",
            )
    assert mail.outbox[-1].subject == f"Undangan jabatan {position.title} di Pemerintah Kota Bandung (Warga)"
