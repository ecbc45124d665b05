"""The dashboard's rankings over HTTP, from relayed reports and a population file loaded by
the operator's command: each row says how it was normalised and whose figure it used."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management import call_command

from tenants.context import government_context
from tenants.models import Government
from tests.api.helpers import signed_in_client
from tests.factories import UserFactory
from tests.personas import membership_in, verified_user, with_totp
from tests.warga.reports.helpers import JAKARTA_POINT, JAKARTA_VILLAGE, submit
from warga.national.services import relay_drain

NATIONAL_HOST = "nasional.localhost"
JAKARTA_HOST = "dki-jakarta.localhost"
SOURCE = "Angka uji (bukan data BPS)"


def _relayed_reports(bandung: Government, jakarta: Government) -> None:
    for _ in range(2):
        submit(UserFactory(), description="Jalan berlubang di depan pasar, membahayakan pengendara.")
    submit(
        UserFactory(),
        latitude=JAKARTA_POINT[0],
        longitude=JAKARTA_POINT[1],
        village_code=JAKARTA_VILLAGE,
        description="Jalan berlubang di depan pasar, membahayakan pengendara.",
    )
    for government in (bandung, jakarta):
        with government_context(government):
            relay_drain(government=government)


def test_the_dashboard_says_which_rows_are_per_100000_inhabitants(
    national: Government, bandung: Government, jakarta: Government, tmp_path: Path
) -> None:
    _relayed_reports(bandung, jakarta)
    figures = tmp_path / "penduduk.csv"
    figures.write_text(f"code,population,year,source\n32.73,2500000,2020,{SOURCE}\n", encoding="utf-8")
    call_command("import_population", str(figures), verbosity=0)
    user = with_totp(verified_user("pengawas@nasional.go.id"))
    membership_in(national, user, kind="pengawas_nasional")
    client = signed_in_client(user)

    response = client.get("/api/v1/national/dashboard/?min_volume=1", HTTP_HOST=NATIONAL_HOST)

    assert response.status_code == 200, response.content
    rankings: dict[str, Any] = response.json()["rankings"]
    assert rankings["ranked_counts"] == {"per_100k_inhabitants": 1, "per_report": 1}
    assert [
        (row["code"], row["rank"], row["normalisation"], row["reports_per_100k"], row["population"])
        for row in rankings["ranked"]
    ] == [
        # 2 reports of 2,500,000 inhabitants: 0.08 per 100,000.
        ("32.73", 1, "per_100k_inhabitants", 0.08, {"inhabitants": 2_500_000, "year": 2020, "source": SOURCE}),
        ("31.71", 1, "per_report", None, None),
    ]

    # A province's overseers rank their own regions, with the same figures.
    governor = with_totp(verified_user("admin@jakarta.go.id"))
    membership_in(jakarta, governor, kind="admin_koordinator")
    province = signed_in_client(governor).get("/api/v1/national/dashboard/?min_volume=1", HTTP_HOST=JAKARTA_HOST)
    assert [(row["code"], row["normalisation"]) for row in province.json()["rankings"]["ranked"]] == [
        ("31.71", "per_report")
    ]
