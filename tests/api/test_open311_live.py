"""A real Open311 client against a real HTTP server: the `georeport` package from PyPI lists
the services and reads requests back (in JSON and in XML); it has no call that files a
request, so the POST is plain urllib with the `api_key` form field, as any GeoReport client
sends it. The national intake's key files the request on the national host; Kota Bandung,
which owns the place, changes its status; the client sees the change and the update.

The server reads committed data, so this test commits and removes what it wrote.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode
from urllib.request import Request, urlopen

import pytest
from django.test import Client
from django.utils import timezone
from georeport import GeoReport

from tenants.models import Government, Level
from tests.live_http import live_http_server
from tests.warga.reports.helpers import BANDUNG_POINT, BANDUNG_VILLAGE
from tests.worker.support import committed_citizen
from warga.access.models import ApiKey
from warga.access.services import api_key_create
from warga.accounts.models import User
from warga.intake.models import ReportIndex


@pytest.fixture
def port(committed_db: None) -> Iterator[int]:
    with live_http_server() as port:
        yield port


def _call(url: str, data: dict[str, str] | None = None) -> tuple[int, Any]:
    body = urlencode(data).encode() if data is not None else None
    with urlopen(Request(url, data=body, method="POST" if body else "GET"), timeout=30) as answer:  # noqa: S310
        return answer.status, json.loads(answer.read())


def test_an_open311_client_lists_files_reads_back_and_sees_a_status_change(port: int) -> None:
    root = f"http://localhost:{port}/open311/v2"
    national = Government.objects.get(level=Level.NATIONAL)
    bandung = Government.objects.get(code="32.73")
    keys_before = ApiKey.objects.count()
    with committed_citizen(email_prefix="open311") as reporter:
        # The intake key acts through the committed citizen, whose reports are removed afterwards.
        intake = api_key_create(government=national, name="Klien 311", scopes=["reports:submit"], acting_user=None)
        status = api_key_create(government=bandung, name="Sistem dinas", scopes=["reports:status"], acting_user=None)
        service_account = intake.key.account
        ApiKey.objects.filter(pk=intake.key.pk).update(account=reporter)
        service_account.delete()
        try:
            client = GeoReport(root, api_key=intake.raw)
            in_xml = GeoReport(root, output_format="xml")
            services = client.get_service_list()
            assert "jalan_rusak" in [service["service_code"] for service in services]
            assert [s["service_code"] for s in in_xml.get_service_list()] == [s["service_code"] for s in services]
            definition = in_xml.get_service_definition("jalan_rusak")
            assert definition["attributes"]["attribute"]["code"] == "ukuran_kerusakan"

            started = timezone.now() - timedelta(seconds=1)
            code, filed = _call(
                f"{root}/requests.json",
                {
                    "api_key": intake.raw,
                    "service_code": "jalan_rusak",
                    "lat": str(BANDUNG_POINT[0]),
                    "long": str(BANDUNG_POINT[1]),
                    "address_id": BANDUNG_VILLAGE,
                    "description": "Aspal ambles di tikungan, sudah ada motor jatuh.",
                    "attribute[ukuran_kerusakan]": "sedang",
                },
            )
            assert code == 201
            number = filed[0]["service_request_id"]
            assert ReportIndex.objects.get(tracking_number=number).government == bandung

            read = client.get_service_request(number)
            assert (read["status"], read["status_notes"], read["agency_responsible"]) == (
                "open",
                "Diterima (received)",
                "Kota Bandung",
            )
            assert in_xml.get_service_request(number)["service_request_id"] == number
            assert number in [r["service_request_id"] for r in client.get_service_requests(service_code="jalan_rusak")]

            changed = Client().post(
                f"/api/v1/reports/{number}/transition/",
                json.dumps({"to_status": "verified"}),
                content_type="application/json",
                HTTP_HOST="kota-bandung.localhost",
                HTTP_AUTHORIZATION=f"Bearer {status.raw}",
            )
            assert changed.status_code == 200, changed.content

            read = client.get_service_request(number)
            assert (read["status"], read["status_notes"]) == ("open", "Diverifikasi (verified)")
            query = urlencode({"jurisdiction_id": "32.73", "start_date": started.isoformat()})
            _, updates = _call(f"{root}/servicerequestupdates.json?{query}")
            assert [(u["service_request_id"], u["description"]) for u in updates] == [
                (number, "Diverifikasi (verified)")
            ]
        finally:
            accounts = [status.key.account_id]
            ApiKey.objects.filter(pk__in=[intake.key.pk, status.key.pk]).delete()
            User.objects.filter(pk__in=accounts).delete()
    # Nothing this test committed stays behind.
    assert not ReportIndex.objects.filter(tracking_number=number).exists()
    assert ApiKey.objects.count() == keys_before
