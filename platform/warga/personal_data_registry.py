"""Who holds a person's data: each app registers how to export and erase what it keeps.

A `public` contributor runs once, in the public schema. A `tenant` contributor runs in every
ready government's schema. Apps register in their AppConfig.ready(); the export and the
deletion (warga.data_rights.services) only ever go through this list, so an app that keeps
personal data and does not register is the one place to look when a search finds leftovers.

It sits beside `warga.errors`, below every app, because every app registers here and
`warga.data_rights` in turn needs some of them (the account, its sessions): inside
`data_rights` it made each of those a cycle.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

Scope = Literal["public", "tenant"]


@dataclass(frozen=True)
class Contributor:
    name: str
    scope: Scope
    personal_data_for: Callable[[uuid.UUID], dict[str, Any]]
    personal_data_erase: Callable[[uuid.UUID], int]


_contributors: dict[str, Contributor] = {}


# What an erased account's id becomes where a row must stay (an audit event, a report): the
# record keeps its meaning, nobody is identifiable in it.
ERASED_USER_ID = uuid.UUID(int=0)


def personal_data_register(
    *,
    name: str,
    scope: Scope,
    personal_data_for: Callable[[uuid.UUID], dict[str, Any]],
    personal_data_erase: Callable[[uuid.UUID], int],
) -> None:
    """Register (or re-register, idempotently) one app's export and erase functions.

    `personal_data_for(user_id)` returns JSON-serialisable data; `personal_data_erase(user_id)`
    deletes or anonymises it and returns how many rows it changed."""
    _contributors[name] = Contributor(name, scope, personal_data_for, personal_data_erase)


def contributors(*, scope: Scope) -> list[Contributor]:
    return sorted((c for c in _contributors.values() if c.scope == scope), key=lambda c: c.name)
