"""A person's choice of optional channels."""

from __future__ import annotations

import math
import uuid

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tenants.context import tenant_connection
from tenants.scope import tenant_scoped
from warga.errors import FieldError, Invalid, TooManyRequests
from warga.notifications.models import Channel, ChannelPreference
from warga.notifications.selectors import notification_channels_offered
from warga.web.ratelimit import Limit, rate_limit_consume

# Each change of someone's channels empties every process's routing cache of that government
# (decision 0140): a person changes them a few times, a loop would keep submissions cold.
CHANNEL_SAVES_PER_HOUR = Limit(amount=10, seconds=3600)


class ChannelUnavailable(Invalid):
    """A person chose a channel this installation does not offer (its sender is not configured)."""

    code = "channel_unavailable"

    def __init__(self, channel: Channel) -> None:
        self.channel = channel
        message = f"Notifikasi lewat {channel.label} tidak tersedia di Warga ini."
        super().__init__(message, fields={channel.value: [FieldError(self.code, message)]})


class ChannelPreferencesRateLimited(TooManyRequests):
    """A person saved their channels in this government more often than CHANNEL_SAVES_PER_HOUR."""

    default_message = _("Your notification channels were changed too often. Please try again later.")

    def __init__(self, *, retry_after: int) -> None:
        minutes = max(1, math.ceil(retry_after / 60))
        super().__init__(
            gettext("Your notification channels were changed too often. Try again in %(minutes)d minutes.")
            % {"minutes": minutes},
            retry_after=retry_after,
        )


def _channel_saves_spend(user_id: uuid.UUID) -> None:
    """One save from the person's budget in this government (the `shared` cache: the same
    budget whichever host or process the request reaches)."""
    decision = rate_limit_consume(
        action=f"notifications:channels:{tenant_connection().schema_name}",
        account_id=str(user_id),
        ip=None,
        per_account=CHANNEL_SAVES_PER_HOUR,
        per_ip=CHANNEL_SAVES_PER_HOUR,
    )
    if not decision.allowed:
        raise ChannelPreferencesRateLimited(retry_after=decision.retry_after)


@tenant_scoped
def channel_preference_set(
    *, user_id: uuid.UUID, email: bool, sms: bool, whatsapp: bool | None = None, push: bool | None = None
) -> ChannelPreference:
    """Store the person's channels in this government. A channel left as None keeps its
    stored value. Turning on a channel the installation does not offer raises
    ChannelUnavailable and stores nothing; turning one off is always allowed. More than
    CHANNEL_SAVES_PER_HOUR saves by the person in this government raise
    ChannelPreferencesRateLimited and store nothing."""
    wanted = {"email": email, "sms": sms, "whatsapp": whatsapp, "push": push}
    offered = notification_channels_offered()
    for name, on in wanted.items():
        if on and Channel(name) not in offered:
            raise ChannelUnavailable(Channel(name))
    _channel_saves_spend(user_id)
    preference, _ = ChannelPreference.objects.update_or_create(
        user_id=user_id, defaults={name: on for name, on in wanted.items() if on is not None}
    )
    return preference
