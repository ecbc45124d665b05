"""allauth adapter: the phone number lives on the account; codes go out by SMS."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from warga.access.client_ip import client_ip
from warga.accounts.models import User
from warga.accounts.phone import IndonesianPhoneField
from warga.accounts.sms import sms_sender


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
