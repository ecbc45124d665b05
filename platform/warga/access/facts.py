"""The facts the policy decides with that other apps own, read through the readers those apps
hand over when Django starts.

The policy sits below the apps whose services ask it before they write (the organisation,
billing, privacy, reports, ...), so it cannot import them back without closing a cycle
(decision 0131). Each owner registers its reader in its `AppConfig.ready()` with
`policy_facts_register`:

| fact | registered by | read for |
|---|---|---|
| `seats_held`, `unit_ancestor_ids` | `warga.organization` | every decision; the reach of a unit or subtree grant |
| `premium_refusal`, `premium_page_path` | `warga.billing` | the premium actions; where a page sends the admin to settle |
| `identity_viewer_kind` | `warga.privacy` | `identity.reveal`: the one seat kind the government designated |

Every app is loaded before a request or a task is served, so a reader missing when asked is a
bug in start-up, raised as a `Defect` naming the app that should have registered it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Protocol

from tenants.models import Government
from warga.errors import Defect
from warga.seats import Seat


class SeatsHeld(Protocol):
    def __call__(self, *, government: Government, user_id: uuid.UUID) -> list[Seat]: ...


class UnitAncestorIds(Protocol):
    def __call__(self, *, unit_id: int) -> list[int]: ...


class PremiumRefusal(Protocol):
    def __call__(self, *, government: Government) -> str | None: ...


class IdentityViewerKind(Protocol):
    def __call__(self) -> str: ...


@dataclass
class _Readers:
    seats_held: SeatsHeld | None = None
    unit_ancestor_ids: UnitAncestorIds | None = None
    premium_refusal: PremiumRefusal | None = None
    premium_page_path: str | None = None
    identity_viewer_kind: IdentityViewerKind | None = None


_readers = _Readers()


def policy_facts_register(
    *,
    seats_held: SeatsHeld | None = None,
    unit_ancestor_ids: UnitAncestorIds | None = None,
    premium_refusal: PremiumRefusal | None = None,
    premium_page_path: str | None = None,
    identity_viewer_kind: IdentityViewerKind | None = None,
) -> None:
    """Hand the policy the readers of the facts an app owns (from its `AppConfig.ready()`);
    the arguments left out keep what another app registered."""
    if seats_held is not None:
        _readers.seats_held = seats_held
    if unit_ancestor_ids is not None:
        _readers.unit_ancestor_ids = unit_ancestor_ids
    if premium_refusal is not None:
        _readers.premium_refusal = premium_refusal
    if premium_page_path is not None:
        _readers.premium_page_path = premium_page_path
    if identity_viewer_kind is not None:
        _readers.identity_viewer_kind = identity_viewer_kind


def _missing(fact: str, app: str) -> Defect:
    return Defect(f"the policy has no reader for {fact}: warga.{app} registers it in its AppConfig.ready()")


def seats_held(*, government: Government, user_id: uuid.UUID) -> list[Seat]:
    """The seats the person holds today in `government` (read in its schema, which the caller
    made current)."""
    if _readers.seats_held is None:
        raise _missing("seats_held", "organization")
    return _readers.seats_held(government=government, user_id=user_id)


def unit_ancestor_ids(*, unit_id: int) -> list[int]:
    """The unit itself and every unit above it, in the current government's schema."""
    if _readers.unit_ancestor_ids is None:
        raise _missing("unit_ancestor_ids", "organization")
    return _readers.unit_ancestor_ids(unit_id=unit_id)


def premium_refusal(*, government: Government) -> str | None:
    """None when `government` may use premium features now, else the message saying why."""
    if _readers.premium_refusal is None:
        raise _missing("premium_refusal", "billing")
    return _readers.premium_refusal(government=government)


def premium_page_path() -> str:
    """The page where a government's admin settles its subscription."""
    if _readers.premium_page_path is None:
        raise _missing("premium_page_path", "billing")
    return _readers.premium_page_path


def identity_viewer_kind() -> str:
    """The seat kind the current government designated to reveal a `rahasia` reporter."""
    if _readers.identity_viewer_kind is None:
        raise _missing("identity_viewer_kind", "privacy")
    return _readers.identity_viewer_kind()
