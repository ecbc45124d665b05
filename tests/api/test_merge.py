from __future__ import annotations

import json
from typing import Any

from django.test import Client

from tenants.context import government_context
from tenants.models import Government
from tests.api.helpers import signed_in_client
from tests.factories import UserFactory
from tests.personas import official_of
from tests.warga.reports.helpers import JAKARTA_POINT, JAKARTA_VILLAGE, counts, submit
from warga.reports.models import Report

PUBLIC = "localhost"
BANDUNG_HOST = "kota-bandung.localhost"
JAKARTA_HOST = "dki-jakarta.localhost"


def _merge(client: Client, number: str, host: str, **data: Any) -> Any:
    return client.post(
        f"/api/v1/reports/{number}/merge/", json.dumps(data), content_type="application/json", HTTP_HOST=host
    )


def _statuses(government: Government) -> list[tuple[str, str, str]]:
    with government_context(government):
        return list(Report.objects.order_by("id").values_list("tracking_number", "status", "merged_into"))


def test_official_merges_a_duplicate_on_the_government_host(bandung: Government) -> None:
    survivor = submit(UserFactory()).tracking_number
    duplicate = submit(UserFactory()).tracking_number
    response = _merge(
        signed_in_client(official_of(bandung)),
        duplicate,
        BANDUNG_HOST,
        into_tracking_number=survivor,
        note="Lubang sama.",
    )
    assert response.status_code == 200
    assert response.json() == {
        "tracking_number": duplicate,
        "status": "merged",
        "merged_into": survivor,
        "followers_added": 1,
    }
    detail = Client().get(f"/api/v1/reports/{duplicate}/", HTTP_HOST=PUBLIC).json()
    assert (detail["status"], detail["merged_into"]) == ("merged", survivor)


def test_merge_is_refused_with_a_message_and_needs_an_official_on_a_government_host(bandung: Government) -> None:
    survivor = submit(UserFactory()).tracking_number
    duplicate = submit(UserFactory()).tracking_number
    official = signed_in_client(official_of(bandung))

    no_note = _merge(official, duplicate, BANDUNG_HOST, into_tracking_number=survivor, note=" ")
    assert no_note.status_code == 400
    assert no_note.json()["error"]["fields"]["note"][0]["code"] == "note_required"
    assert _merge(Client(), duplicate, BANDUNG_HOST, into_tracking_number=survivor, note="x").status_code == 403
    on_public = _merge(official, duplicate, PUBLIC, into_tracking_number=survivor, note="x")
    assert on_public.status_code == 404
    assert _statuses(bandung) == [(survivor, "received", ""), (duplicate, "received", "")]


def test_cross_tenant_merge_is_404_or_refused_and_changes_nothing(bandung: Government, jakarta: Government) -> None:
    in_bandung = submit(UserFactory()).tracking_number
    other_bandung = submit(UserFactory()).tracking_number
    in_jakarta = submit(
        UserFactory(), village_code=JAKARTA_VILLAGE, latitude=JAKARTA_POINT[0], longitude=JAKARTA_POINT[1]
    ).tracking_number
    before = (_statuses(bandung), _statuses(jakarta), counts(bandung), counts(jakarta))
    # Seated in both: the refusals below come from where each report lives, not from the seat.
    official = signed_in_client(official_of(bandung, jakarta))

    # A Jakarta report asked for through Bandung's host: not there.
    through_bandung = _merge(official, in_jakarta, BANDUNG_HOST, into_tracking_number=in_bandung, note="x")
    assert through_bandung.status_code == 404
    # Bandung's report asked for through Jakarta's host: not there either.
    through_jakarta = _merge(official, in_bandung, JAKARTA_HOST, into_tracking_number=other_bandung, note="x")
    assert through_jakarta.status_code == 404
    # Into another government's report: refused with what to do instead.
    across = _merge(official, in_bandung, BANDUNG_HOST, into_tracking_number=in_jakarta, note="x")
    assert across.status_code == 400
    assert across.json()["error"]["fields"]["into_tracking_number"] == [
        {
            "code": "not_in_this_government",
            "message": f"Laporan {in_jakarta} tidak ada di pemerintah ini. Penggabungan hanya untuk laporan dalam "
            "satu pemerintah; laporan pemerintah lain dialihkan (bukan wewenang) lebih dulu.",
        }
    ]
    assert (_statuses(bandung), _statuses(jakarta), counts(bandung), counts(jakarta)) == before
