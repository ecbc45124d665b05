"""Who sent a `rahasia` report is visible only to the government's designated role, and every
look is logged; everyone else is refused and nothing is logged."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from tenants.context import government_context
from tenants.models import Government
from tests.api.helpers import signed_in_client
from tests.personas import membership_in, official_of, verified_user, with_totp
from tests.warga.reports.helpers import submit
from warga.privacy.models import IdentityView

BANDUNG_HOST = "kota-bandung.localhost"
JAKARTA_HOST = "dki-jakarta.localhost"
REASON = "Perlu konfirmasi lokasi langsung kepada pelapor."


def _reveal(client: Client, number: str, host: str, reason: str = REASON) -> Any:
    return client.post(
        f"/api/v1/reports/{number}/reporter-identity/",
        json.dumps({"reason": reason}),
        content_type="application/json",
        HTTP_HOST=host,
    )


def _logged(government: Government) -> list[tuple[str, str]]:
    with government_context(government):
        return list(IdentityView.objects.values_list("tracking_number", "reason"))


def test_the_designated_role_sees_who_sent_a_rahasia_report_and_the_look_is_logged(bandung: Government) -> None:
    reporter = verified_user("pelapor.rahasia@example.id", full_name="Dewi Lestari", phone="+6281311112222")
    number = submit(reporter, privacy="rahasia").tracking_number
    coordinator = official_of(bandung)  # admin koordinator: the default designated role

    response = _reveal(signed_in_client(coordinator), number, BANDUNG_HOST)

    assert response.status_code == 200
    assert response.json() == {
        "full_name": "Dewi Lestari",
        "email": "pelapor.rahasia@example.id",
        "phone": "+6281311112222",
        "note": "",
    }
    with government_context(bandung):
        look = IdentityView.objects.get()
        assert (look.tracking_number, look.actor_id, look.reason) == (number, coordinator.pk, REASON)


def test_other_officials_citizens_and_other_governments_are_refused_and_nothing_is_logged(
    bandung: Government, jakarta: Government
) -> None:
    reporter = verified_user("pelapor.rahasia2@example.id")
    number = submit(reporter, privacy="rahasia").tracking_number
    lurah = with_totp(verified_user("lurah.bandung@example.id"))
    membership_in(bandung, lurah, kind="lurah")

    not_designated = _reveal(signed_in_client(lurah), number, BANDUNG_HOST)
    assert not_designated.status_code == 403
    assert "Admin Koordinator" in not_designated.json()["error"]["message"]
    assert _reveal(signed_in_client(reporter), number, BANDUNG_HOST).status_code == 403
    assert _reveal(Client(), number, BANDUNG_HOST).status_code == 403
    # Jakarta's coordinator, through Jakarta's host: the report is not there.
    assert _reveal(signed_in_client(official_of(jakarta)), number, JAKARTA_HOST).status_code == 404
    # Not on the public host at all.
    assert _reveal(signed_in_client(official_of(bandung)), number, "localhost").status_code == 404
    assert _logged(bandung) == []
    assert _logged(jakarta) == []


def test_only_rahasia_reports_and_only_with_a_reason(bandung: Government) -> None:
    coordinator = signed_in_client(official_of(bandung))
    public_number = submit(verified_user("pelapor.publik@example.id")).tracking_number
    secret_number = submit(verified_user("pelapor.rahasia3@example.id"), privacy="rahasia").tracking_number

    not_secret = _reveal(coordinator, public_number, BANDUNG_HOST)
    assert not_secret.status_code == 400
    assert not_secret.json()["error"]["fields"]["tracking_number"][0]["code"] == "not_rahasia"
    no_reason = _reveal(coordinator, secret_number, BANDUNG_HOST, reason="  ")
    assert no_reason.status_code == 400
    assert _logged(bandung) == []
