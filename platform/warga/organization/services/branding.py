"""The government's branding: display name, colour and logo."""

from __future__ import annotations

import hashlib
import io
import re
import uuid
from typing import Any

from django.db import transaction
from PIL import Image, ImageOps

from tenants.scope import any_scope, tenant_scoped
from warga.access.policy import Action
from warga.errors import FieldError
from warga.organization.errors import OrganizationInvalid
from warga.organization.models import Branding, OrganizationAction
from warga.organization.services._common import NAME_MAX, require_allowed
from warga.organization.services.events import organization_event_record
from warga.photos import ACCEPTED_FORMATS, photo_check

COLOUR_PATTERN = re.compile(r"#[0-9a-f]{6}")
LOGO_MAX_BYTES = 1024 * 1024
LOGO_MAX_DIMENSION = 512
# White text sits on the colour (the header, buttons): WCAG AA asks for 4.5:1.
MIN_CONTRAST_WITH_WHITE = 4.5


def _relative_luminance(colour: str) -> float:
    def channel(hex_pair: str) -> float:
        value = int(hex_pair, 16) / 255
        return value / 12.92 if value <= 0.03928 else float(((value + 0.055) / 1.055) ** 2.4)

    red, green, blue = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


@any_scope
def colour_contrast_with_white(colour: str) -> float:
    return 1.05 / (_relative_luminance(colour) + 0.05)


def _clean_colour(colour: str) -> str:
    value = (colour or "").strip().lower()
    if not value:
        return ""
    if not COLOUR_PATTERN.fullmatch(value):
        raise OrganizationInvalid(
            "colour",
            "invalid_colour",
            "Warna harus ditulis sebagai kode heksadesimal #rrggbb, misalnya #1d4ed8. (Write the colour as #rrggbb.)",
        )
    contrast = colour_contrast_with_white(value)
    if contrast < MIN_CONTRAST_WITH_WHITE:
        raise OrganizationInvalid(
            "colour",
            "low_contrast",
            f"Warna {value} terlalu terang: tulisan putih di atasnya sulit dibaca (kontras {contrast:.1f}:1, "
            f"paling sedikit {MIN_CONTRAST_WITH_WHITE}:1). Pilih warna yang lebih gelap. "
            "(Too light for white text; choose a darker colour.)",
        )
    return value


def _clean_logo(data: bytes) -> tuple[bytes, str]:
    """The logo checked like a citizen's photo (type by content, pixel bomb, truncation), then
    written out again as a PNG without metadata, at most LOGO_MAX_DIMENSION a side."""
    if len(data) > LOGO_MAX_BYTES:
        raise OrganizationInvalid(
            "logo",
            "too_large",
            f"Logo lebih besar dari {LOGO_MAX_BYTES // 1024 // 1024} MB. Kecilkan ukurannya. (The logo is too large.)",
        )
    checked = photo_check(data=data, position=1)
    if isinstance(checked, FieldError):
        messages = {
            "too_many_pixels": "Logo terlalu besar ukuran pikselnya. (The logo has too many pixels.)",
            "too_large": "Logo terlalu besar. (The logo is too large.)",
        }
        raise OrganizationInvalid(
            "logo",
            checked.code,
            messages.get(
                checked.code,
                "Logo bukan gambar JPEG, PNG, WebP atau HEIC yang utuh. (The logo is not a complete image.)",
            ),
        )
    with Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS) as opened:
        image = ImageOps.exif_transpose(opened).convert("RGBA")
    image.thumbnail((LOGO_MAX_DIMENSION, LOGO_MAX_DIMENSION), Image.Resampling.LANCZOS)
    image.info.clear()
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    content = out.getvalue()
    return content, hashlib.sha256(content).hexdigest()


@tenant_scoped
def branding_update(
    *,
    acting_user: uuid.UUID,
    display_name: str,
    colour: str,
    logo: bytes | None = None,
    remove_logo: bool = False,
) -> Branding:
    """Set the government's display name (empty: its official name), colour (#rrggbb dark
    enough for white text; empty: Warga's) and, when given, a new logo (or remove it). Every
    input is checked before anything is written; one audit event says what changed."""
    require_allowed(acting_user=acting_user, action=Action.BRANDING_EDIT)
    name = " ".join((display_name or "").split())
    if len(name) > NAME_MAX:
        raise OrganizationInvalid(
            "display_name", "too_long", f"Nama tampilan paling panjang {NAME_MAX} karakter. (The name is too long.)"
        )
    clean_colour = _clean_colour(colour)
    new_logo = _clean_logo(logo) if logo is not None else None
    with transaction.atomic():
        branding = Branding.objects.select_for_update().first() or Branding()
        changes: dict[str, list[Any]] = {}
        if branding.display_name != name:
            changes["display_name"] = [branding.display_name, name]
            branding.display_name = name
        if branding.colour != clean_colour:
            changes["colour"] = [branding.colour, clean_colour]
            branding.colour = clean_colour
        if new_logo is not None and new_logo[1] != branding.logo_sha256:
            changes["logo_sha256"] = [branding.logo_sha256, new_logo[1]]
            branding.logo, branding.logo_sha256 = new_logo
        elif remove_logo and new_logo is None and branding.logo_sha256:
            changes["logo_sha256"] = [branding.logo_sha256, ""]
            branding.logo, branding.logo_sha256 = None, ""
        if changes or branding.pk is None:
            branding.save()
        if changes:
            organization_event_record(
                acting_user=acting_user, action=OrganizationAction.BRANDING_UPDATE, object_id=branding.pk, data=changes
            )
    return branding
