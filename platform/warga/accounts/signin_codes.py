"""Limits on sign-in codes per number (or email address): a daily budget and a lock-out.

allauth alone limits a code to three wrong tries and a number to three codes a minute: about
13,000 guesses a day at one number. Here, on top of that, counted in the `shared` cache (one
count for every process and host), per number or address:

- at most `WARGA_SIGNIN_CODES_PER_DAY` codes are requested in 24 hours;
- after `WARGA_SIGNIN_CODE_FAILURES_BEFORE_LOCKOUT` wrong codes in 24 hours, sign-in by code
  is locked for `WARGA_SIGNIN_CODE_LOCKOUT_SECONDS`, and the account holder is told (an SMS to
  the verified number, or a mail to the address).

Requests and wrong codes are counted alike for numbers with and without an account, so the
answers do not tell which numbers are registered. The arithmetic that shows a year of guessing
stays under a 1 % chance is in docs/security.md ("Sign-in codes"). Keys are hashed: the cache
never holds a number or an address.
"""

from __future__ import annotations

import datetime
import hashlib
import logging

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.cache import caches
from django.core.mail import send_mail
from django.utils import timezone

from warga.accounts.models import User
from warga.accounts.sms import SmsBudgetExhausted, SmsNotAllowed, sms_budget_left, sms_sender
from warga.errors import TooManyRequests

logger = logging.getLogger("warga.accounts.signin_codes")

_DAY_SECONDS = 24 * 3600

LOCKED_MESSAGE = (
    "Masuk dengan kode untuk {what} ini dikunci sementara karena terlalu banyak kode yang salah. "
    "Coba lagi setelah {until} WIB, atau masuk dengan email dan kata sandi."
)
DAILY_BUDGET_MESSAGE = (
    "Kode masuk untuk {what} ini sudah diminta {count} kali dalam 24 jam terakhir. "
    "Coba lagi besok, atau masuk dengan email dan kata sandi."
)
SMS_BUDGET_MESSAGE = "Layanan SMS Warga sedang penuh. Coba lagi dalam satu jam, atau masuk dengan email dan kata sandi."


class SignInCodeRefused(TooManyRequests):
    """No code may be sent to this number or address now; the message says why and what to do
    (a lock after wrong codes, the hour's SMS budget, or the day's codes for this key), and
    `retry_after` when it may be asked again."""

    code = "sign_in_code_refused"


def _hash(key: str) -> str:
    return hashlib.sha256(key.strip().lower().encode()).hexdigest()


def _what(key: str) -> str:
    return "nomor" if key.startswith("+") else "alamat email"


def _lock_key(key: str) -> str:
    return f"signin-code-lock:{_hash(key)}"


def signin_code_locked_until(*, key: str) -> datetime.datetime | None:
    """When the lock-out of `key` (an E.164 number or an email address) ends; None if none."""
    until = caches["shared"].get(_lock_key(key))
    return datetime.datetime.fromtimestamp(until, tz=datetime.UTC) if until else None


def _wib(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.timezone(datetime.timedelta(hours=7))).strftime("%d-%m-%Y %H:%M")


def signin_code_locked_message(*, key: str) -> str | None:
    """The words shown to the person while `key` is locked out, or None."""
    until = signin_code_locked_until(key=key)
    return LOCKED_MESSAGE.format(what=_what(key), until=_wib(until)) if until else None


def _count_in_day(name: str) -> int:
    shared = caches["shared"]
    shared.add(name, 0, _DAY_SECONDS)
    try:
        return int(shared.incr(name))
    except ValueError:  # expired between add and incr
        shared.add(name, 1, _DAY_SECONDS)
        return 1


def signin_code_request_allow(*, key: str, by_sms: bool) -> None:
    """Count one code request for `key`, or raise SignInCodeRefused (nothing is sent then).

    Refused while the key is locked out, once the day's budget of codes for it is used, and,
    for a code by SMS, while the installation's hourly SMS budget is spent.
    """
    locked = signin_code_locked_message(key=key)
    if locked:
        until = signin_code_locked_until(key=key)
        wait = int((until - timezone.now()).total_seconds()) if until else settings.WARGA_SIGNIN_CODE_LOCKOUT_SECONDS
        raise SignInCodeRefused(locked, retry_after=max(wait, 1))
    if by_sms and sms_budget_left() <= 0:
        raise SignInCodeRefused(SMS_BUDGET_MESSAGE, retry_after=SmsBudgetExhausted.retry_after_seconds)
    limit = settings.WARGA_SIGNIN_CODES_PER_DAY
    name = f"signin-code-requests:{_hash(key)}"
    if int(caches["shared"].get(name, 0)) >= limit:
        raise SignInCodeRefused(DAILY_BUDGET_MESSAGE.format(what=_what(key), count=limit), retry_after=_DAY_SECONDS)
    _count_in_day(name)


def signin_code_failure_record(*, key: str) -> bool:
    """Count one wrong code for `key`; lock sign-in by code for it when this was one too many.
    Returns True when `key` is locked out (now or already)."""
    if signin_code_locked_until(key=key):
        return True
    failures = _count_in_day(f"signin-code-failures:{_hash(key)}")
    if failures < settings.WARGA_SIGNIN_CODE_FAILURES_BEFORE_LOCKOUT:
        return False
    shared = caches["shared"]
    until = timezone.now() + datetime.timedelta(seconds=settings.WARGA_SIGNIN_CODE_LOCKOUT_SECONDS)
    if not shared.add(_lock_key(key), until.timestamp(), settings.WARGA_SIGNIN_CODE_LOCKOUT_SECONDS):
        return True  # another request locked it a moment ago and sent the notice
    shared.delete(f"signin-code-failures:{_hash(key)}")
    logger.warning("Sign-in by code locked after %s wrong codes (key %s)", failures, _hash(key)[:12])
    _notify_lockout(key=key, until=until)
    return True


def _notify_lockout(*, key: str, until: datetime.datetime) -> None:
    """Tell the account holder, and only an account holder: a number or address without an
    account gets nothing (no text messages to strangers)."""
    when = _wib(until)
    if key.startswith("+"):
        user = User.objects.filter(phone=key, phone_verified=True, is_active=True).first()
        if user is None:
            return
        try:
            sms_sender().send(
                to=key,
                text=(
                    f"Warga: ada banyak kode masuk salah untuk nomor Anda. Masuk dengan kode dikunci sampai {when} WIB. "
                    "Jika itu bukan Anda, abaikan pesan ini; akun Anda tetap aman."
                ),
            )
        except (SmsBudgetExhausted, SmsNotAllowed, Exception) as error:  # a failed notice must not undo the lock
            logger.warning("Lock-out notice not sent by SMS: %s", error)
        return
    address = EmailAddress.objects.filter(email__iexact=key, verified=True, user__is_active=True).first()
    if address is None:
        return
    send_mail(
        "Masuk dengan kode dikunci sementara",
        (
            f"Ada banyak kode masuk yang salah untuk alamat email ini di Warga. Masuk dengan kode dikunci sampai "
            f"{when} WIB.\n\nJika itu bukan Anda, abaikan pesan ini; akun Anda tetap aman. Anda tetap bisa masuk "
            "dengan kata sandi.\n"
        ),
        None,
        [address.email],
        fail_silently=True,
    )
