"""What an API key may do: on which hosts it works and which actions its scopes grant. Decided
from the key alone, without a query."""

from __future__ import annotations

from tenants.models import Government, Level
from warga.access.models import ApiKey
from warga.access.policy.decision import ALLOWED, Decision, denied
from warga.access.policy.grants import SCOPE_ACTIONS, Action
from warga.access.policy.messages import KEY_NOT_ACCEPTED_MESSAGE, KEY_OTHER_GOVERNMENT_MESSAGE, KEY_SCOPE_MESSAGE


def api_key_of(actor: object) -> ApiKey | None:
    """The API key a request's user acts through (set by the API's key authentication on the
    key's service account), else None."""
    key = getattr(actor, "acting_api_key", None)
    return key if isinstance(key, ApiKey) else None


def policy_key_host(*, key: ApiKey, government: Government | None) -> Decision:
    """Whether `key` may be used on this host at all: its own government's host, and for the
    national government's keys also the public host (the national intake). No query."""
    own = key.government.level == Level.NATIONAL if government is None else government.pk == key.government_id
    if own:
        return ALLOWED
    return denied("other_government", KEY_OTHER_GOVERNMENT_MESSAGE.format(name=key.government.name))


def policy_key_decide(*, key: ApiKey, government: Government | None, action: Action | None) -> Decision:
    """Whether `key` may do `action` here: on a host where it works (policy_key_host) and with a
    scope granting the action, government-wide. `action` None is an operation that takes no
    key at all. No query."""
    on_host = policy_key_host(key=key, government=government)
    if not on_host.allowed:
        return on_host
    if action is None:
        return denied("key_not_accepted", KEY_NOT_ACCEPTED_MESSAGE)
    if any(action in SCOPE_ACTIONS.get(scope, frozenset()) for scope in key.scopes):
        return ALLOWED
    needed = next((scope for scope, actions in SCOPE_ACTIONS.items() if action in actions), None)
    if needed is None:
        return denied("key_not_accepted", KEY_NOT_ACCEPTED_MESSAGE)
    return denied("scope_missing", KEY_SCOPE_MESSAGE.format(scope=needed))
