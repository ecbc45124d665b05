"""The policy's answer, and the one exception a refusal is raised as."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied

from warga.access.policy.grants import Action
from warga.access.policy.messages import Reason
from warga.errors import Forbidden


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: Reason | None = None
    message: str = ""


ALLOWED = Decision(allowed=True)


class ActionForbidden(Forbidden, PermissionDenied):
    """The one refusal of the policy: 403 with the reason as its code and its message."""

    def __init__(self, *, action: Action, decision: Decision) -> None:
        assert decision.reason is not None
        self.action = action
        self.reason: Reason = decision.reason
        super().__init__(decision.message, code=str(decision.reason))


def denied(reason: Reason, message: str) -> Decision:
    return Decision(allowed=False, reason=reason, message=message)
