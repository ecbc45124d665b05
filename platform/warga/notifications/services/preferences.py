"""A person's choice of optional channels."""

from __future__ import annotations

import uuid

from tenants.scope import tenant_scoped
from warga.errors import FieldError, Invalid
from warga.notifications.models import Channel, ChannelPreference
from warga.notifications.selectors import notification_channels_offered


class ChannelUnavailable(Invalid):
    """A person chose a channel this installation does not offer (its sender is not configured)."""

    code = "channel_unavailable"

    def __init__(self, channel: Channel) -> None:
        self.channel = channel
        message = f"Notifikasi lewat {channel.label} tidak tersedia di Warga ini."
        super().__init__(message, fields={channel.value: [FieldError(self.code, message)]})


@tenant_scoped
def channel_preference_set(
    *, user_id: uuid.UUID, email: bool, sms: bool, whatsapp: bool | None = None, push: bool | None = None
) -> ChannelPreference:
    """Store the person's channels in this government. A channel left as None keeps its
    stored value. Turning on a channel the installation does not offer raises
    ChannelUnavailable and stores nothing; turning one off is always allowed."""
    wanted = {"email": email, "sms": sms, "whatsapp": whatsapp, "push": push}
    offered = notification_channels_offered()
    for name, on in wanted.items():
        if on and Channel(name) not in offered:
            raise ChannelUnavailable(Channel(name))
    preference, _ = ChannelPreference.objects.update_or_create(
        user_id=user_id, defaults={name: on for name, on in wanted.items() if on is not None}
    )
    return preference
