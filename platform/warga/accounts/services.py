"""Writes on accounts made by someone other than their owner."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from allauth.account.models import EmailAddress
from allauth.core.context import request_context
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.urls import get_urlconf, set_urlconf

from tenants.scope import public_scoped
from warga.accounts.models import AccountAuditEvent, User

CONTACT_FIELDS = ("email", "phone")

_OLD_ADDRESS_NOTICE = (
    "Alamat email atau nomor telepon akun Warga Anda diubah oleh operator platform. "
    "Jika Anda tidak memintanya, hubungi operator segera.\n\n"
    "(The email address or phone number of your Warga account was changed by the platform operator. "
    "If you did not ask for it, contact the operator at once.)"
)


def _confirmation_send(address: EmailAddress, request: HttpRequest) -> None:
    # The link points at the central host's pages, whichever URLconf is active when this runs.
    previous = get_urlconf()
    set_urlconf(settings.PUBLIC_SCHEMA_URLCONF)
    try:
        # allauth builds the link from the request it is serving, which after commit is over.
        with request_context(request):
            address.send_confirmation(request=request, signup=False)
    finally:
        set_urlconf(previous)


@public_scoped
def account_contact_changed(
    *, acting_user: User, user: User, changed: Iterable[str], old_email: str, request: HttpRequest | None = None
) -> AccountAuditEvent | None:
    """Record that `acting_user` changed `user`'s email and/or phone (already saved, in the
    caller's transaction or a new one) and make the new ones count for nothing until their
    owner proves them: the email becomes the account's only, unverified address (a confirmation
    goes to it when `request` is given), the phone becomes unverified, and the old address is
    told. Mail after commit. Returns the audit event, or None when neither contact changed."""
    fields = sorted(set(changed) & set(CONTACT_FIELDS))
    if not fields:
        return None
    with transaction.atomic():
        if "phone" in fields:
            User.objects.filter(pk=user.pk).update(phone_verified=False)
            user.phone_verified = False
        if "email" in fields:
            EmailAddress.objects.filter(user=user).delete()
            address = EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=False)
            if request is not None:
                transaction.on_commit(lambda: _confirmation_send(address, request))
            if old_email and old_email != user.email:
                transaction.on_commit(
                    lambda: send_mail("Akun Warga Anda diubah", _OLD_ADDRESS_NOTICE, None, [old_email])
                )
        return AccountAuditEvent.objects.create(
            user_id=user.pk,
            actor_id=acting_user.pk if isinstance(acting_user.pk, uuid.UUID) else None,
            kind=AccountAuditEvent.Kind.CONTACT_CHANGED,
            detail={"fields": fields, "reverification": True},
        )
