"""Who may do what in a government: the one place that answers it.

Every check of a role goes through `policy_decide` (or `policy_require`, or the DRF
permission from `permission_for`). The answer depends only on:

- the seats the person holds *today* in that government's own schema and time zone
  (`warga.organization.selectors.seats_held`, read through `warga.access.facts` like every
  fact another app owns); seats in another government count for nothing
  there, and `is_staff`/`is_superuser` count for nothing anywhere;
- an activated TOTP authenticator, and, while a request is served, a session in which its code
  was typed (`warga.web.mfa`): an official does nothing in a government without both, on
  any host, however the session was opened (the operator admin's sign-in included);
- the table `GRANTS` below: for each seat kind, which actions it allows and how far its reach
  goes: the whole government, its unit's subtree, or its own unit only;
- for `identity.reveal`, the one seat kind the government designated
  (`PrivacySettings.identity_viewer_kind`), which is data, not code;
- for the premium actions (`PREMIUM_ACTIONS`), the government's billing standing
  (`warga.billing.selectors.premium_refusal`): a seat that allows one is refused with the
  reason `premium` while the subscription does not cover it. This is the one place the
  premium lock is decided, so every page and the API show the same message.

The matrix is summarised in docs/architecture.md ("Who may do what"). The package reads, in
order: `grants` (the actions and what each seat kind and key scope allows), `messages` (every
refusal in words), `decision` (the answer and the one exception), `keys` (API keys) and
`decide` (the functions every caller uses); everything is re-exported here.
"""

from warga.access.policy.decide import (
    permission_for,
    policy_allowed_anywhere,
    policy_allows,
    policy_decide,
    policy_official,
    policy_require,
)
from warga.access.policy.decision import ALLOWED, ActionForbidden, Decision
from warga.access.policy.grants import DOMAINS_MANAGE, GRANTS, PREMIUM_ACTIONS, SCOPE_ACTIONS, Action, Reach
from warga.access.policy.keys import api_key_of, policy_key_decide, policy_key_host
from warga.access.policy.messages import (
    KEY_NOT_ACCEPTED_MESSAGE,
    KEY_OTHER_GOVERNMENT_MESSAGE,
    KEY_SCOPE_MESSAGE,
    OFFICIAL_MESSAGES,
    OUTSIDE_UNIT_MESSAGE,
    READ_ONLY_MESSAGE,
    ROLE_MESSAGES,
    Reason,
    identity_reveal_message,
)

__all__ = [
    "ALLOWED",
    "DOMAINS_MANAGE",
    "GRANTS",
    "KEY_NOT_ACCEPTED_MESSAGE",
    "KEY_OTHER_GOVERNMENT_MESSAGE",
    "KEY_SCOPE_MESSAGE",
    "OFFICIAL_MESSAGES",
    "OUTSIDE_UNIT_MESSAGE",
    "PREMIUM_ACTIONS",
    "READ_ONLY_MESSAGE",
    "ROLE_MESSAGES",
    "SCOPE_ACTIONS",
    "Action",
    "ActionForbidden",
    "Decision",
    "Reach",
    "Reason",
    "api_key_of",
    "identity_reveal_message",
    "permission_for",
    "policy_allowed_anywhere",
    "policy_allows",
    "policy_decide",
    "policy_key_decide",
    "policy_key_host",
    "policy_official",
    "policy_require",
]
