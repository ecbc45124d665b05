"""Notification emails carry the brand of the government that sends them (display name, colour,
logo), in the text and the HTML part, and never another government's."""

from __future__ import annotations

import hashlib
import io
from email.mime.image import MIMEImage

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from PIL import Image

from tenants.context import government_context
from tenants.models import Government
from tests.factories import UserFactory
from warga.notifications.models import EventKind
from warga.notifications.services import WARGA_COLOUR, notification_deliver, notifications_send
from warga.organization.models import Branding


def _png(colour: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def _brand(government: Government, *, name: str, colour: str, logo: bytes | None) -> None:
    with government_context(government):
        Branding.objects.create(
            display_name=name,
            colour=colour,
            logo=logo,
            logo_sha256=hashlib.sha256(logo).hexdigest() if logo else "",
        )


def _email_of(government: Government, kind: str, *, language: str = "id") -> EmailMultiAlternatives:
    person = UserFactory(language=language)
    mail.outbox.clear()
    with government_context(government):
        ids = notifications_send(
            recipient_ids=[person.pk],
            report_id=None,
            kind=kind,
            context={
                "tracking_number": "32.73-2026-000042",
                "category_code": "jalan_rusak",
                "village_code": "32.73.01.1001",
                "handling_unit": "Dinas PUPR",
                "from_status": "received",
                "to_status": "verified",
                "due_at": "10-12-2026 16:00 WIB",
            },
            dedup_key=f"brand:{kind}:{person.pk}",
        )
        assert [notification_deliver(notification_id=pk) for pk in ids] == ["sent"]
    (message,) = mail.outbox
    assert isinstance(message, EmailMultiAlternatives)
    return message


def _html(message: EmailMultiAlternatives) -> str:
    (html, mimetype), *_ = message.alternatives
    assert mimetype == "text/html"
    return str(html)


def _logos(message: EmailMultiAlternatives) -> list[bytes]:
    return [part.get_payload(decode=True) for part in message.attachments if isinstance(part, MIMEImage)]


@pytest.mark.parametrize("kind", [kind.value for kind in EventKind])
def test_a_bandung_email_carries_bandungs_brand_and_never_jakartas(
    bandung: Government, jakarta: Government, kind: str
) -> None:
    bandung_logo, jakarta_logo = _png("#0a6e3c"), _png("#aa0000")
    _brand(bandung, name="Pemkot Bandung Juara", colour="#0a6e3c", logo=bandung_logo)
    _brand(jakarta, name="Jakarta Kota Kolaborasi", colour="#aa0000", logo=jakarta_logo)

    message = _email_of(bandung, kind)
    html = _html(message)
    assert "Pemkot Bandung Juara" in message.body
    assert "Pemkot Bandung Juara" in html
    assert "background:#0a6e3c" in html
    assert 'src="cid:logo"' in html
    assert _logos(message) == [bandung_logo]
    whole = message.message().as_string()
    assert "Jakarta Kota Kolaborasi" not in whole
    assert "aa0000" not in whole.lower()
    assert jakarta_logo not in message.message().as_bytes()

    other = _email_of(jakarta, kind, language="en")
    assert "Jakarta Kota Kolaborasi" in other.body
    assert "Sent by Jakarta Kota Kolaborasi through Warga" in other.body
    assert "background:#aa0000" in _html(other)
    assert _logos(other) == [jakarta_logo]
    assert "Bandung" not in other.message().as_string()


def test_without_branding_the_official_name_and_warga_colour_stand_in(bandung: Government) -> None:
    message = _email_of(bandung, EventKind.REPORT_ESCALATED)
    html = _html(message)
    assert bandung.name in message.body
    assert bandung.name in html
    assert f"background:{WARGA_COLOUR}" in html
    assert "cid:" not in html
    assert _logos(message) == []
    # The HTML part says what the text part says, escaped.
    assert "32.73-2026-000042" in html
    assert message.subject in html
