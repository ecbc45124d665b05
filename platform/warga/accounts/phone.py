"""Indonesian mobile numbers as people type them, stored in E.164 (+62...).

Warga sends text messages (sign-in codes, notifications) only to Indonesian mobile numbers:
every SMS costs money, and numbers abroad or premium ranges are what SMS-pumping fraud
sends to (docs/security.md, "SMS pumping"). The number is parsed with `phonenumbers`
(Google's numbering plan data), not a pattern, so a number with the wrong length, a
landline or a number of another country is refused with a message the person can act on.
"""

from __future__ import annotations

from typing import Any

import phonenumbers
from allauth.account.fields import PhoneField
from django.core.exceptions import ValidationError

INDONESIA = "ID"
# Types that can receive an SMS. Indonesian mobile ranges parse as MOBILE; the combined type
# is kept in case the numbering data marks a range so.
_SMS_CAPABLE = {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}

NOT_INDONESIAN_MOBILE = (
    "Masukkan nomor HP Indonesia, misalnya 0812 3456 7890. Warga hanya mengirim SMS ke nomor HP Indonesia (+62)."
)


def phone_normalise(raw: str) -> str:
    """`0812-3456-7890`, `62812...`, `+62 812 ...` -> `+6281234567890`.

    Raises ValidationError (code `phone_not_indonesian_mobile`) for anything that is not a
    valid Indonesian mobile number: another country's number, a landline, a wrong length,
    letters. A national prefix written after the country code (`+62 0812...`) is the same
    number and is stored without it.
    """
    text = (raw or "").strip()
    if text.startswith("62"):
        text = "+" + text
    try:
        number = phonenumbers.parse(text, INDONESIA)
    except phonenumbers.NumberParseException as error:
        raise ValidationError(NOT_INDONESIAN_MOBILE, code="phone_not_indonesian_mobile") from error
    if (
        number.country_code != 62
        or not phonenumbers.is_valid_number(number)
        or phonenumbers.number_type(number) not in _SMS_CAPABLE
    ):
        raise ValidationError(NOT_INDONESIAN_MOBILE, code="phone_not_indonesian_mobile")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_is_indonesian_mobile(phone: str) -> bool:
    """True when `phone` (as stored) is a valid Indonesian mobile number in E.164."""
    try:
        return phone_normalise(phone) == phone
    except ValidationError:
        return False


class IndonesianPhoneField(PhoneField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label", "Nomor HP")
        kwargs.setdefault("help_text", "Nomor HP Indonesia. Contoh: 0812 3456 7890")
        # The E.164 pattern of allauth's field would accept any country: the parse below decides.
        kwargs.setdefault("validators", [])
        super().__init__(*args, **kwargs)

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        return phone_normalise(value) if value else value
