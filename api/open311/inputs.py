"""Reading GeoReport v2 parameters: bounded, and refused with a sentence a client can act on."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from warga.intake.open311 import CLOSED, DEFAULT_WINDOW, MAX_REQUESTS, OPEN, RequestQuery

# Tracking numbers (`32.73-2026-000123`, `NAS-2026-000001`) and category codes are short.
MAX_ID_LENGTH = 40
MAX_TEXT_LENGTH = 10_000
_ATTRIBUTE = re.compile(r"^attribute\[(?P<code>[A-Za-z0-9_.:-]{1,64})\](?:\[\])?$")


class Open311Error(Exception):
    """A refusal in the specification's error list: `status` is also each error's `code`."""

    def __init__(self, status: int, *descriptions: str) -> None:
        super().__init__("; ".join(descriptions))
        self.status = status
        self.descriptions = list(descriptions)


def bad_request(description: str) -> Open311Error:
    return Open311Error(400, description)


def _text(params: Mapping[str, object], name: str, *, max_length: int = MAX_TEXT_LENGTH) -> str:
    value = params.get(name)
    text = value.strip() if isinstance(value, str) else ""
    if len(text) > max_length:
        raise bad_request(f"{name} paling panjang {max_length} karakter. ({name} is at most {max_length} characters.)")
    return text


def _list(params: Mapping[str, object], name: str) -> tuple[str, ...]:
    items = tuple(item.strip() for item in _text(params, name).split(",") if item.strip())
    if len(items) > MAX_REQUESTS:
        raise bad_request(f"{name}: paling banyak {MAX_REQUESTS} nilai. ({name} takes at most {MAX_REQUESTS} values.)")
    if any(len(item) > MAX_ID_LENGTH for item in items):
        raise bad_request(f"{name}: nilai terlalu panjang. ({name}: a value is too long.)")
    return items


def _moment(params: Mapping[str, object], name: str) -> datetime | None:
    text = _text(params, name, max_length=40)
    if not text:
        return None
    moment = parse_datetime(text)
    if moment is None or timezone.is_naive(moment):
        raise bad_request(
            f"{name} harus berformat W3C dengan zona waktu, misalnya 2026-12-01T00:00:00+07:00. "
            f"({name} must be a W3C date-time with its time zone, e.g. 2026-12-01T00:00:00Z.)"
        )
    return moment


def window(params: Mapping[str, object]) -> tuple[datetime, datetime]:
    """start_date/end_date: at most 90 days apart; the most recent 90 days when neither is given."""
    start, end = _moment(params, "start_date"), _moment(params, "end_date")
    if start is not None and end is not None:
        if end < start:
            raise bad_request("end_date harus sesudah start_date. (end_date must come after start_date.)")
        if end - start > DEFAULT_WINDOW:
            raise bad_request(
                "Rentang start_date sampai end_date paling lama 90 hari. "
                "(start_date and end_date may not span more than 90 days.)"
            )
        return start, end
    if start is not None:
        return start, start + DEFAULT_WINDOW
    end = end or timezone.now()
    return end - DEFAULT_WINDOW, end


def request_query(params: Mapping[str, object]) -> RequestQuery:
    """GET requests' parameters. Given service_request_id, the others are ignored (as the
    specification says)."""
    ids = _list(params, "service_request_id")
    if ids:
        return RequestQuery(ids=ids)
    statuses = _list(params, "status")
    unknown = sorted(set(statuses) - {OPEN, CLOSED})
    if unknown:
        raise bad_request(f"status harus open atau closed, bukan {', '.join(unknown)}. (status is open or closed.)")
    start, end = window(params)
    return RequestQuery(service_codes=_list(params, "service_code"), start=start, end=end, statuses=statuses)


def _coordinate(params: Mapping[str, object], name: str) -> float:
    text = _text(params, name, max_length=40)
    if not text:
        raise bad_request(
            f"{name} wajib diisi: lat dan long titik lokasi (WGS84). ({name} is required: the location's lat and long.)"
        )
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise bad_request(f"{name} harus berupa angka desimal. ({name} must be a decimal number.)")
    return value


@dataclass(frozen=True)
class NewRequest:
    """POST requests' fields. Contact details (email, first_name, last_name, phone, device_id,
    account_id) are not taken: the key's own account is the reporter, so no citizen's
    identity is stored or ever shown."""

    service_code: str
    description: str
    lat: float
    long: float
    address_id: str
    jurisdiction_id: str
    privacy: str
    type: str
    idempotency_key: str
    answers: dict[str, str | list[str]] = field(default_factory=dict)


def new_request(params: Mapping[str, object], lists: Mapping[str, list[str]], *, idempotency_key: str) -> NewRequest:
    service_code = _text(params, "service_code", max_length=MAX_ID_LENGTH)
    if not service_code:
        raise bad_request("service_code wajib diisi: kode layanan dari services. (service_code is required.)")
    answers: dict[str, str | list[str]] = {}
    for name, values in lists.items():
        match = _ATTRIBUTE.match(name)
        if match is None:
            continue
        cleaned = [value.strip()[:MAX_TEXT_LENGTH] for value in values if value.strip()]
        if cleaned:
            answers[match["code"]] = cleaned if name.endswith("[]") or len(cleaned) > 1 else cleaned[0]
    return NewRequest(
        service_code=service_code,
        description=_text(params, "description"),
        lat=_coordinate(params, "lat"),
        long=_coordinate(params, "long"),
        address_id=_text(params, "address_id", max_length=MAX_ID_LENGTH),
        jurisdiction_id=_text(params, "jurisdiction_id", max_length=MAX_ID_LENGTH),
        privacy=_text(params, "privacy", max_length=MAX_ID_LENGTH) or "publik",
        type=_text(params, "type", max_length=MAX_ID_LENGTH) or "pengaduan",
        idempotency_key=idempotency_key,
        answers=answers,
    )
