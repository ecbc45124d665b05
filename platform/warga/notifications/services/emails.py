"""Notification emails: branded with the government's name, colour and logo, and sent over one
connection per batch of deliveries."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from email.mime.image import MIMEImage

from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.template.loader import render_to_string

from tenants.scope import any_scope
from warga.accounts.models import Language
from warga.notifications.services._common import _current_government
from warga.organization.selectors import branding_current, branding_logo

# The email connection a batch of deliveries shares (emails_batched), or None: one each.
_email_connection: ContextVar[BaseEmailBackend | None] = ContextVar("email_connection", default=None)


@any_scope
@contextmanager
def emails_batched() -> Iterator[None]:
    """Send the emails of every notification delivered inside the block over one connection
    to the mail server, opened at the first email and closed at the end (or after an error, to
    be opened afresh by the next email): a delivery task's batch costs one SMTP session
    instead of one per message. Other channels are unaffected."""
    backend = get_connection()
    token = _email_connection.set(backend)
    try:
        yield
    finally:
        _email_connection.reset(token)
        with suppress(OSError):  # the server went away; nothing is left to close
            backend.close()


# Warga's own colour, for a government that chose none (the pages use the same).
WARGA_COLOUR = "#b3261e"
LOGO_CID = "logo"
FOOTERS: dict[str, str] = {
    Language.INDONESIAN: "Pesan ini dikirim oleh {name} melalui Warga. Atur notifikasi Anda di /notifikasi/.",
    Language.ENGLISH: "Sent by {name} through Warga. Choose your notifications at /notifikasi/.",
}


def _branded_email(subject: str, body: str, to: str, *, language: str) -> EmailMultiAlternatives:
    """The email of a notification, in the current government's branding (warga.organization:
    its display name, colour and logo): a text part signed with its name, and an HTML part with
    its colour and its logo attached inline. Read from the schema the delivery runs in, so a
    government's email never carries another's brand."""
    government = _current_government()
    brand = branding_current(government=government)
    language = language if language in FOOTERS else Language.INDONESIAN
    footer = FOOTERS[language].format(name=brand.name)
    logo = branding_logo() if brand.logo_sha256 else None
    html = render_to_string(
        "notifications/email/branded.html",
        {
            "language": language,
            "subject": subject,
            "paragraphs": [line for line in body.splitlines() if line.strip()],
            "brand_name": brand.name,
            "colour": brand.colour or WARGA_COLOUR,
            "logo_cid": LOGO_CID if logo is not None else "",
            "footer": footer,
        },
    )
    message = EmailMultiAlternatives(subject, f"{body.rstrip()}\n\n-- \n{footer}\n", None, [to])
    message.attach_alternative(html, "text/html")
    if logo is not None:
        # multipart/related: the HTML refers to the logo by its Content-ID.
        message.mixed_subtype = "related"  # type: ignore[attr-defined]  # Django's, missing from the stubs
        image = MIMEImage(logo[0], "png")
        image.add_header("Content-ID", f"<{LOGO_CID}>")
        image.add_header("Content-Disposition", "inline", filename="logo.png")
        message.attach(image)
    return message


def _email(subject: str, body: str, to: str, *, language: str) -> None:
    message = _branded_email(subject, body, to, language=language)
    backend = _email_connection.get()
    if backend is None:
        message.send()
        return
    try:
        backend.open()  # no-op while open: one session for the batch
        message.connection = backend
        message.send()
    except OSError:
        backend.close()
        raise
