"""The privacy settings and branding over HTTP on a government's host: officials read them,
the admin koordinator changes them; bad input is a 400 naming the field; another government's
admin and an official without the seat get 403 with the policy's reason; nothing changes."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import encode_multipart
from PIL import Image

from tenants.context import government_context
from tenants.models import Government
from tests.api.helpers import signed_in_client
from tests.personas import official_of, seated_official
from warga.access.policy import ROLE_MESSAGES, Action
from warga.organization.models import Branding, OrganizationEvent, PositionKind
from warga.privacy.models import PrivacySettings

BANDUNG = "kota-bandung.localhost"
JAKARTA = "dki-jakarta.localhost"


def _png(size: tuple[int, int] = (300, 300)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 60, 120)).save(out, "PNG")
    return out.getvalue()


def _unchanged(government: Government) -> bool:
    with government_context(government):
        return not (Branding.objects.exists() or PrivacySettings.objects.exists() or OrganizationEvent.objects.exists())


def test_the_admin_sets_privacy_settings(bandung: Government) -> None:
    admin = signed_in_client(official_of(bandung))
    read = admin.get("/api/v1/privacy/settings/", HTTP_HOST=BANDUNG)
    assert read.status_code == 200
    assert read.json() == {
        "retention_days": 730,
        "identity_viewer_kind": "admin_koordinator",
        "dpo_name": "",
        "dpo_email": "",
    }
    saved = admin.put(
        "/api/v1/privacy/settings/",
        {"retention_days": 400, "identity_viewer_kind": "walikota"},
        content_type="application/json",
        HTTP_HOST=BANDUNG,
    )
    assert saved.status_code == 200
    assert saved.json()["retention_days"] == 400
    assert saved.json()["identity_viewer_kind"] == "walikota"


def test_a_retention_out_of_range_is_a_400_naming_the_field(bandung: Government) -> None:
    admin = signed_in_client(official_of(bandung))
    refused = admin.put(
        "/api/v1/privacy/settings/",
        {"retention_days": 5, "identity_viewer_kind": "walikota"},
        content_type="application/json",
        HTTP_HOST=BANDUNG,
    )
    assert refused.status_code == 400
    error = refused.json()["error"]
    assert error["code"] == "invalid"
    assert error["fields"]["retention_days"][0]["message"].startswith("Masa simpan harus antara 30 dan 3650 hari")
    assert _unchanged(bandung)


def test_the_admin_uploads_a_logo_and_sets_name_and_colour(bandung: Government) -> None:
    admin = signed_in_client(official_of(bandung))
    saved = admin.put(
        "/api/v1/branding/",
        _multipart(display_name="Pemkot Bandung", colour="#0F5132", logo=_png()),
        content_type=MULTIPART,
        HTTP_HOST=BANDUNG,
    )
    assert saved.status_code == 200, saved.content
    body = saved.json()
    assert (body["name"], body["colour"]) == ("Pemkot Bandung", "#0f5132")
    assert body["logo_url"].startswith("/merek/logo.png?v=")
    logo = admin.get(body["logo_url"], HTTP_HOST=BANDUNG)
    assert logo.status_code == 200
    assert logo["Content-Type"] == "image/png"
    assert logo["Cache-Control"] == "public, max-age=31536000, immutable"
    stylesheet = admin.get("/merek.css?v=0f5132", HTTP_HOST=BANDUNG)
    assert stylesheet.content.decode() == ":root { --brand: #0f5132; }\n"
    # Every page of the host now shows them.
    home = signed_in_client().get("/", HTTP_HOST=BANDUNG).content.decode()
    assert '<link rel="stylesheet" href="/merek.css?v=0f5132">' in home
    assert '<span class="brand__sub">Pemkot Bandung</span>' in home
    assert f'<img src="{body["logo_url"]}"' in home


def test_bad_branding_is_a_400_naming_the_field_and_changes_nothing(bandung: Government) -> None:
    admin = signed_in_client(official_of(bandung))
    for fields, field, code in (
        ({"colour": "biru"}, "colour", "invalid_colour"),
        ({"colour": "#fefefe"}, "colour", "low_contrast"),
        ({"logo": b"GIF89a not really"}, "logo", "not_an_image"),
        ({"logo": b"\x89PNG" + b"0" * (1024 * 1024 + 10)}, "logo", "too_large"),
    ):
        refused = admin.put(
            "/api/v1/branding/", _multipart(display_name="X", **fields), content_type=MULTIPART, HTTP_HOST=BANDUNG
        )
        assert refused.status_code == 400, fields
        assert refused.json()["error"]["fields"][field][0]["code"] == code
    assert _unchanged(bandung)


def test_others_are_refused_with_the_policys_reason(bandung: Government, jakarta: Government) -> None:
    lurah = signed_in_client(seated_official(bandung, kind=PositionKind.LURAH))
    assert lurah.get("/api/v1/branding/", HTTP_HOST=BANDUNG).status_code == 200
    refused = lurah.put(
        "/api/v1/branding/", _multipart(display_name="X", colour="#000000"), content_type=MULTIPART, HTTP_HOST=BANDUNG
    )
    assert refused.status_code == 403
    assert refused.json()["error"] == {"code": "position_not_allowed", "message": ROLE_MESSAGES[Action.SETTINGS_EDIT]}
    jakarta_admin = signed_in_client(official_of(jakarta))
    for path, payload in (
        (
            "/api/v1/branding/",
            {"content_type": MULTIPART, "data": _multipart(display_name="Jakarta", colour="#000000")},
        ),
        (
            "/api/v1/privacy/settings/",
            {"content_type": "application/json", "data": {"retention_days": 30, "identity_viewer_kind": "lurah"}},
        ),
    ):
        cross = jakarta_admin.put(path, payload["data"], content_type=payload["content_type"], HTTP_HOST=BANDUNG)
        assert cross.status_code == 403
        assert cross.json()["error"]["code"] == "not_official"
    assert _unchanged(bandung)
    assert signed_in_client().get("/api/v1/branding/", HTTP_HOST="localhost").status_code == 404


MULTIPART = "multipart/form-data; boundary=BoUnDaRy"


def _multipart(**fields: object) -> bytes:
    """A multipart body for PUT (the test client encodes multipart for POST only)."""
    encoded = {
        name: SimpleUploadedFile("logo.png", value, content_type="image/png") if isinstance(value, bytes) else value
        for name, value in fields.items()
    }
    return encode_multipart("BoUnDaRy", encoded)
