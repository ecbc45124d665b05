"""allauth adapter: the phone number lives on the account; codes go out by SMS."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

from warga.accounts.models import User
from warga.accounts.phone import IndonesianPhoneField
from warga.accounts.sms import sms_sender
from warga.web.client_ip import client_ip
from warga.web.hosts import is_warga_url


def _account(user: AbstractBaseUser) -> User:
    assert isinstance(user, User)
    return user


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request: HttpRequest) -> str:
        # allauth's login limits and session list follow the project's proxy policy
        # (docs/decisions/0011) rather than a proxy count of their own.
        ip = client_ip(request)
        if ip is None:
            raise PermissionDenied("Alamat IP klien tidak dapat ditentukan.")
        return ip

    def is_safe_url(self, url: str | None) -> bool:
        # `next` after sign-in, sign-up, sign-out: a path on this host, or a Warga host (the
        # hand-over's own pages take it from there). Not whatever DJANGO_ALLOWED_HOSTS or
        # CSRF_TRUSTED_ORIGINS happen to list (load balancers, 127.0.0.1).
        if not url:
            return False
        if url.startswith("/") and not url.startswith("//") and "\\" not in url:
            return url_has_allowed_host_and_scheme(url, allowed_hosts=None)
        return is_warga_url(url)

    def phone_form_field(self, **kwargs: Any) -> Any:
        return IndonesianPhoneField(**kwargs)

    def send_verification_code_sms(self, user: AbstractBaseUser, phone: str, code: str, **kwargs: Any) -> None:
        sms_sender().send(
            to=phone,
            text=f"Kode Warga Anda: {code}. Jangan berikan kode ini kepada siapa pun, termasuk petugas.",
        )

    def send_unknown_account_sms(self, phone: str, **kwargs: Any) -> None:
        # Nothing is sent to a number without an account: every SMS costs money, and a form that
        # texts any number on request is what SMS pumping abuses. The page answers as for a
        # known number (no enumeration); the person learns nothing by SMS, and the page says
        # to sign up first if no code comes.
        return None

    def send_account_already_exists_sms(self, phone: str) -> None:
        # Signing up with a number that has an account: no text either (same reason).
        return None

    def set_phone(self, user: AbstractBaseUser, phone: str, verified: bool) -> None:
        account = _account(user)
        account.phone = phone
        account.phone_verified = verified
        account.save(update_fields=["phone", "phone_verified"])

    def get_phone(self, user: AbstractBaseUser) -> tuple[str, bool] | None:
        account = _account(user)
        return (account.phone, account.phone_verified) if account.phone else None

    def set_phone_verified(self, user: AbstractBaseUser, phone: str) -> None:
        User.objects.filter(pk=user.pk, phone=phone).update(phone_verified=True)

    def get_user_by_phone(self, phone: str) -> AbstractBaseUser | None:
        return User.objects.filter(phone=phone).order_by("-phone_verified").first()
