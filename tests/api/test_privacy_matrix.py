"""Every privacy mode against every viewer, through the API as each would use it.

The national overseer (a membership in the national government) works on the national host,
whose API today serves PII-free roll-ups only (no report endpoint reaches a regional
government's schema from there): a regional report asked for there is a 404 in every mode.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tenants.models import Government
from tests.api.helpers import signed_in_client
from tests.factories import UserFactory
from tests.personas import membership_in, official_of, verified_user, with_totp
from tests.warga.reports.helpers import BOGOR_POINT, BOGOR_VILLAGE, submit
from warga.accounts.models import User

PUBLIC = "localhost"
BANDUNG_HOST = "kota-bandung.localhost"
JAKARTA_HOST = "dki-jakarta.localhost"
NATIONAL_HOST = "nasional.localhost"

# viewer -> mode -> (status, reporter identity visible)
EXPECTED: dict[str, dict[str, tuple[int, bool]]] = {
    "public": {"publik": (200, False), "anonim": (200, False), "rahasia": (404, False)},
    "other_citizen": {"publik": (200, False), "anonim": (200, False), "rahasia": (404, False)},
    "owner": {"publik": (200, False), "anonim": (200, False), "rahasia": (200, False)},
    "official_of_owner": {"publik": (200, True), "anonim": (200, False), "rahasia": (200, False)},
    "official_of_other_government": {"publik": (404, False), "anonim": (404, False), "rahasia": (404, False)},
    "national_overseer": {"publik": (404, False), "anonim": (404, False), "rahasia": (404, False)},
}
CASES = [(viewer, mode, *outcome) for viewer, modes in EXPECTED.items() for mode, outcome in modes.items()]


def _client(user: User | None = None) -> Client:
    return signed_in_client(user)


@pytest.mark.parametrize(("viewer", "mode", "status", "identity_shown"), CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_privacy_mode_against_viewer(
    bandung: Government,
    jakarta: Government,
    national: Government,
    viewer: str,
    mode: str,
    status: int,
    identity_shown: bool,
) -> None:
    reporter = UserFactory(full_name="Siti Pelapor")
    number = submit(reporter, privacy=mode).tracking_number
    user: Any = {"public": None, "owner": reporter}.get(viewer, UserFactory())
    # Officials are seated, with TOTP: on a government host only they get past the policy.
    if viewer == "official_of_owner":
        user = official_of(bandung)
    if viewer == "official_of_other_government":
        user = official_of(jakarta)
    if viewer == "national_overseer":
        user = with_totp(verified_user("pengawas-privasi@nasional.go.id"))
        membership_in(national, user, kind="pengawas_nasional")
    host = {
        "official_of_owner": BANDUNG_HOST,
        "official_of_other_government": JAKARTA_HOST,
        "national_overseer": NATIONAL_HOST,
    }.get(viewer, PUBLIC)

    response = _client(user).get(f"/api/v1/reports/{number}/", HTTP_HOST=host)

    assert response.status_code == status
    text = response.content.decode()
    assert (str(reporter.pk) in text) is identity_shown
    assert reporter.email not in text
    assert "Siti Pelapor" not in text
    if status == 200 and host == PUBLIC:
        assert response.json()["is_mine"] is (viewer == "owner")


@pytest.mark.parametrize("mode", ["publik", "anonim", "rahasia"])
def test_national_overseer_sees_the_triage_desk_reports_without_hidden_identities(
    national: Government, mode: str
) -> None:
    """The 404s above are about where the report lives, not about the overseer: a report on the
    national triage desk (no regional government owns its place yet) is theirs to read."""
    reporter = UserFactory(full_name="Siti Pelapor")
    number = submit(
        reporter, privacy=mode, village_code=BOGOR_VILLAGE, latitude=BOGOR_POINT[0], longitude=BOGOR_POINT[1]
    ).tracking_number
    overseer = with_totp(verified_user("pengawas-triase@nasional.go.id"))
    membership_in(national, overseer, kind="pengawas_nasional")

    response = _client(overseer).get(f"/api/v1/reports/{number}/", HTTP_HOST=NATIONAL_HOST)

    assert response.status_code == 200
    assert response.json()["reporter_id"] == (str(reporter.pk) if mode == "publik" else None)
    assert "Siti Pelapor" not in response.content.decode()
