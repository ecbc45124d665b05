"""allauth's sign-up and code pages with Warga's limits (docs/security.md, items "Sign-in codes",
"SMS pumping" and "Over a rate limit").

- Over a rate limit, a page answers 429 with `Retry-After` and words a citizen understands, and
  nothing is created: sign-up checks the phone-code limits before it saves the account, and
  runs in one transaction so a limit reached in between rolls everything back.
- A spent hourly SMS budget answers 503 the same way.
- A wrong sign-in code counts towards the number's lock-out; a locked-out number's code page
  ends the attempt.
"""

from __future__ import annotations

from typing import Any

from allauth.account import views as allauth_views
from allauth.account.internal.stagekit import clear_login
from allauth.core.exceptions import RateLimited
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse

from tenants.context import current_schema
from warga.accounts.limits import DEFAULT_RETRY_AFTER_SECONDS, allauth_limit_wait_seconds
from warga.accounts.signin_codes import SMS_BUDGET_MESSAGE, signin_code_failure_record, signin_code_locked_message
from warga.accounts.sms import SmsBudgetExhausted, sms_budget_left

TOO_MANY_MESSAGE = (
    "Terlalu banyak permintaan dari jaringan Anda dalam waktu singkat. Banyak orang bisa memakai "
    "jaringan seluler yang sama, jadi ini bisa terjadi walau Anda baru mencoba sekali. "
    "Tidak ada yang tersimpan."
)
SIGNUP_TOO_MANY_MESSAGE = (
    "Terlalu banyak pendaftaran dengan nomor HP dari jaringan Anda, atau kode untuk nomor ini baru saja dikirim. "
    "Akun Anda belum dibuat dan tidak ada yang tersimpan."
)
SIGNUP_SMS_BUDGET_MESSAGE = (
    "Layanan SMS Warga sedang penuh, jadi kode untuk nomor HP tidak bisa dikirim sekarang. "
    "Akun Anda belum dibuat dan tidak ada yang tersimpan. Anda juga bisa mendaftar tanpa nomor HP."
)
SMS_BUDGET_RETRY_SECONDS = 3600


def _wait_words(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} detik"
    minutes = -(-seconds // 60)
    if minutes < 120:
        return f"{minutes} menit"
    return f"{-(-minutes // 60)} jam"


def limit_reached_page(
    request: HttpRequest, *, retry_after: int, message: str = TOO_MANY_MESSAGE, status: int = 429
) -> HttpResponse:
    """The page for a request refused by a limit: what happened, that nothing was kept, and
    when to try again (also as `Retry-After`, in seconds)."""
    response = render(
        request,
        "frontend/limit_reached.html",
        {"message": message, "wait": _wait_words(retry_after), "status": status, "schema": current_schema()},
        status=status,
    )
    response["Retry-After"] = str(retry_after)
    return response


def handler429(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """allauth's 429 answer (its `respond_429` looks for `handler429` in the URL conf)."""
    return limit_reached_page(request, retry_after=DEFAULT_RETRY_AFTER_SECONDS)


class RateLimitedMiddleware:
    """A `RateLimited` that escapes an allauth view (its phone-code flows raise it from deep
    inside) becomes the 429 page instead of a server error. Views that write first run in a
    transaction (see urls), which has rolled back by the time the exception arrives here."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response: HttpResponse = self.get_response(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, RateLimited):
            clear_login(request)
            return limit_reached_page(request, retry_after=DEFAULT_RETRY_AFTER_SECONDS)
        if isinstance(exception, SmsBudgetExhausted):
            clear_login(request)
            return limit_reached_page(
                request, retry_after=SMS_BUDGET_RETRY_SECONDS, message=SMS_BUDGET_MESSAGE, status=503
            )
        return None


class SignupView(allauth_views.SignupView):
    """Sign-up that either completes (account saved, code sent) or changes nothing."""

    def form_valid(self, form: Any) -> HttpResponse:
        phone = form.cleaned_data.get("phone")
        if phone:
            wait = allauth_limit_wait_seconds(self.request, action="verify_phone", key=phone)
            if wait is not None:
                return limit_reached_page(self.request, retry_after=wait, message=SIGNUP_TOO_MANY_MESSAGE)
            if sms_budget_left() <= 0:
                return limit_reached_page(
                    self.request, retry_after=SMS_BUDGET_RETRY_SECONDS, message=SIGNUP_SMS_BUDGET_MESSAGE, status=503
                )
        try:
            with transaction.atomic():
                response: HttpResponse = super().form_valid(form)
        except RateLimited:
            # Reached between the check above and the code's sending (a concurrent request).
            clear_login(self.request)
            wait = allauth_limit_wait_seconds(self.request, action="verify_phone", key=phone)
            return limit_reached_page(
                self.request, retry_after=wait or DEFAULT_RETRY_AFTER_SECONDS, message=SIGNUP_TOO_MANY_MESSAGE
            )
        except SmsBudgetExhausted:
            clear_login(self.request)
            return limit_reached_page(
                self.request, retry_after=SMS_BUDGET_RETRY_SECONDS, message=SIGNUP_SMS_BUDGET_MESSAGE, status=503
            )
        return response


signup = SignupView.as_view()


class ConfirmLoginCodeView(allauth_views.ConfirmLoginCodeView):
    """Typing the sign-in code: every wrong code counts towards the number's (or address's)
    lock-out, whether or not it has an account; once locked, the attempt ends here."""

    def _key(self) -> str | None:
        state = self._process.state
        key = state.get("phone") or state.get("email")
        return str(key) if key else None

    def _end_locked(self, message: str) -> HttpResponse:
        self._process.abort()
        messages.error(self.request, message)
        return HttpResponseRedirect(reverse("account_request_login_code"))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        key = self._key()
        locked = signin_code_locked_message(key=key) if key else None
        if locked:
            return self._end_locked(locked)
        response: HttpResponse = super().post(request, *args, **kwargs)
        return response

    def form_invalid(self, form: Any) -> HttpResponse:
        key = self._key()
        if key and signin_code_failure_record(key=key):
            return self._end_locked(signin_code_locked_message(key=key) or "")
        response: HttpResponse = super().form_invalid(form)
        return response


confirm_login_code = ConfirmLoginCodeView.as_view()
