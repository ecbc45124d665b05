"""Every privacy mode against every viewer, through the API as each would use it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tenants.models import Government
from tests.api.helpers import signed_in_client
from tests.factories import UserFactory
from tests.warga.reports.helpers import submit
from warga.accounts.models import User

PUBLIC = "localhost"
BANDUNG_HOST = "kota-bandung.localhost"
JAKARTA_HOST = "dki-jakarta.localhost"

# viewer -> mode -> (status, reporter identity visible)
EXPECTED: dict[str, dict[str, tuple[int, bool]]] = {
    "public": {"publik": (200, False), "anonim": (200, False), "rahasia": (404, False)},
    "other_citizen": {"publik": (200, False), "anonim": (200, False), "rahasia": (404, False)},
    "owner": {"publik": (200, False), "anonim": (200, False), "rahasia": (200, False)},
    "official_of_owner": {"publik": (200, True), "anonim": (200, False), "rahasia": (200, False)},
    "official_of_other_government": {"publik": (404, False), "anonim": (404, False), "rahasia": (404, False)},
}
CASES = [(viewer, mode, *outcome) for viewer, modes in EXPECTED.items() for mode, outcome in modes.items()]


def _client(user: User | None = None) -> Client:
    return signed_in_client(user)


@pytest.mark.parametrize(("viewer", "mode", "status", "identity_shown"), CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_privacy_mode_against_viewer(
    bandung: Government, jakarta: Government, viewer: str, mode: str, status: int, identity_shown: bool
) -> None:
    reporter = UserFactory(full_name="Siti Pelapor")
    number = submit(reporter, privacy=mode).tracking_number
    user: Any = {"public": None, "owner": reporter}.get(viewer, UserFactory())
    host = {"official_of_owner": BANDUNG_HOST, "official_of_other_government": JAKARTA_HOST}.get(viewer, PUBLIC)

    response = _client(user).get(f"/api/v1/reports/{number}/", HTTP_HOST=host)

    assert response.status_code == status
    text = response.content.decode()
    assert (str(reporter.pk) in text) is identity_shown
    assert reporter.email not in text
    assert "Siti Pelapor" not in text
    if status == 200 and host == PUBLIC:
        assert response.json()["is_mine"] is (viewer == "owner")
