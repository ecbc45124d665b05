"""People and hosts for the console's page tests."""

from __future__ import annotations

from django.test import Client

from tenants.models import Government
from tests.api.helpers import signed_in_client
from tests.personas import official_of, seated_official
from warga.organization.models import PositionKind

BANDUNG = "kota-bandung.localhost"
JAKARTA = "dki-jakarta.localhost"


def admin_client(*governments: Government) -> Client:
    """Signed in as an admin koordinator (TOTP active) of each of `governments`."""
    return signed_in_client(official_of(*governments))


def lurah_client(government: Government) -> Client:
    """Signed in as a lurah of `government`: an official, but not its admin koordinator."""
    return signed_in_client(seated_official(government, kind=PositionKind.LURAH))
