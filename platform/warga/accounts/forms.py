"""allauth forms with Warga's limits (configured in ACCOUNT_FORMS)."""

from __future__ import annotations

from typing import Any

from allauth.account.forms import RequestLoginCodeForm as AllauthRequestLoginCodeForm

from warga.accounts.signin_codes import SignInCodeRefused, signin_code_request_allow


class RequestLoginCodeForm(AllauthRequestLoginCodeForm):
    """Asking for a sign-in code: refused, with the reason next to the field and nothing sent,
    while the number or address is locked out or has used its codes for the day
    (warga.accounts.signin_codes)."""

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean()
        if self.errors:
            return cleaned
        for field, by_sms in (("phone", True), ("email", False)):
            key = cleaned.get(field)
            if key:
                try:
                    signin_code_request_allow(key=key, by_sms=by_sms)
                except SignInCodeRefused as refusal:
                    self.add_error(field, refusal.message)
        return cleaned
