"""Strict reading of settings from the environment.

Every setting that varies between machines comes through here. A value that cannot be
parsed stops start-up with an error naming the variable, so a typo in production fails
loudly at boot instead of quietly running with a default. A variable `NAME_FILE` may
name a file holding the value (for secrets mounted by the orchestrator).
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_UNSET = object()
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _raw(name: str) -> str | None:
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text().strip()
        except OSError as error:
            raise ImproperlyConfigured(f"{name}_FILE names {file_name!r}, which cannot be read: {error}") from error
    return os.environ.get(name)


def string(name: str, default: str | object = _UNSET) -> str:
    value = _raw(name)
    if value is None:
        if default is _UNSET:
            raise ImproperlyConfigured(f"The environment variable {name} is required and not set.")
        return str(default)
    return value


def boolean(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean; use one of 1/0, true/false, yes/no, on/off.")


def integer(name: str, default: int, *, minimum: int | None = None) -> int:
    value = _raw(name)
    if value is None:
        return default
    try:
        parsed = int(value)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from error
    if minimum is not None and parsed < minimum:
        raise ImproperlyConfigured(f"{name}={parsed} is below the minimum of {minimum}.")
    return parsed


def string_list(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def database(name: str) -> dict[str, object]:
    """Parse a `postgresql://user:password@host:port/name?host=/socket/dir` URL."""
    url = string(name, default="")
    if not url:
        raise ImproperlyConfigured(
            f"{name} is not set. Run the project through `python3 deploy/dev.py run|test|manage`, which "
            f"starts the embedded PostgreSQL and sets it, or set {name}=postgresql://user@host:5432/dbname."
        )
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql"}:
        raise ImproperlyConfigured(f"{name} must start with postgresql://, got scheme {parts.scheme!r}.")
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    name_in_url = unquote(parts.path.lstrip("/"))
    if not name_in_url:
        raise ImproperlyConfigured(f"{name} names no database (the part after the last '/').")
    options: dict[str, object] = {}
    return {
        "NAME": name_in_url,
        "USER": unquote(parts.username or "postgres"),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": query.pop("host", None) or parts.hostname or "",
        "PORT": str(parts.port or ""),
        "OPTIONS": options | query,
    }
