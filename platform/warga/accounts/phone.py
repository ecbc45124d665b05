"""Indonesian phone numbers as people type them, stored in E.164 (+62...)."""

from __future__ import annotations

import re
from typing import Any

from allauth.account.fields import PhoneField


def phone_normalise(raw: str) -> str:
    """`0812-3456-7890`, `62812...`, `+62 812 ...` -> `+6281234567890`; anything else unchanged
    (the E.164 validator then says what is wrong)."""
    digits = re.sub(r"[\s\-().]", "", raw or "")
    if digits.startswith("0"):
        return "+62" + digits[1:]
    if digits.startswith("62"):
        return "+" + digits
    return digits


class IndonesianPhoneField(PhoneField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label", "Nomor HP")
        kwargs.setdefault("help_text", "Contoh: 0812 3456 7890")
        super().__init__(*args, **kwargs)

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        return phone_normalise(value) if value else value
