"""A government's representative asks to join in a real browser: finds the government, meets
the form's errors, sends, confirms from the emailed link, and follows the status while the
government is set up. Screenshots of the form and the status page at 360 and 1280 px."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core import mail
from django.db import connection

from tests.e2e.pages import check_page
from warga.onboarding.models import JoinEvent, JoinRequest, JoinStatus, JoinStep

EMAIL = "ridwan.e2e@sabangkota.go.id"


@pytest.fixture
def cleanup(committed_db: None) -> Iterator[None]:
    yield
    requests = JoinRequest.objects.filter(email=EMAIL)
    JoinEvent.objects.filter(request__in=requests).delete()
    requests.delete()
    # Queries here ran on a connection of their own (Playwright's loop): close it so that the
    # test database can be dropped at the end.
    connection.close()


def test_a_representative_asks_confirms_and_follows_the_status(phone: Any, site_port: int, cleanup: None) -> None:
    origin = f"http://localhost:{site_port}"
    phone.goto(f"{origin}/bergabung/")
    phone.fill("#cari", "sabang")
    phone.locator("main form button[type=submit]").click()
    phone.get_by_role("link", name="Ajukan Kota Sabang bergabung").click()
    phone.wait_for_url(f"{origin}/bergabung/ajukan/11.72/")

    phone.fill("#requester_name", "Teuku Ridwan")
    phone.fill("#email", "ridwan@gmail.com")
    phone.locator("main form button[type=submit]").click()
    summary = phone.locator(".error-summary")
    assert "Masukkan jabatan Anda" in summary.inner_text()
    assert "bukan email pribadi" in summary.inner_text()
    assert phone.input_value("#requester_name") == "Teuku Ridwan"
    check_page(phone, "joining/form-errors")

    phone.fill("#requester_position", "Kepala Dinas Komunikasi dan Informatika")
    phone.fill("#email", EMAIL)
    phone.fill("#phone", "0652 21234")
    phone.locator("main form button[type=submit]").click()
    phone.wait_for_url(re.compile(rf"{re.escape(origin)}/bergabung/permintaan/[0-9a-f-]+/"))
    assert "Periksa email Anda" in phone.locator("main").inner_text()

    link = re.search(rf"{re.escape(origin)}/bergabung/konfirmasi/\S+/", mail.outbox[-1].body)
    assert link is not None
    phone.goto(link.group(0))
    phone.get_by_role("button", name="Konfirmasi").click()
    phone.wait_for_url(re.compile(rf"{re.escape(origin)}/bergabung/permintaan/[0-9a-f-]+/"))
    assert "Alamat Anda sudah dikonfirmasi" in phone.locator("main").inner_text()
    request = JoinRequest.objects.get(email=EMAIL)
    assert request.status == JoinStatus.PENDING

    # As the status page shows it while the task works (the worker test runs the real task).
    JoinRequest.objects.filter(pk=request.pk).update(
        status=JoinStatus.PROVISIONING, step=JoinStep.TERRITORY, progress=50
    )
    phone.reload()
    main = phone.locator("main").inner_text()
    assert "sedang disiapkan" in main
    assert "50%" in main
    assert phone.locator("progress#kemajuan").get_attribute("value") == "50"
    check_page(phone, "joining/status")
    # The one error the console saw is the form's own answer to the mistakes (400).
    assert [error for error in phone.console_errors if "status of 400" not in error] == []
    assert len(phone.console_errors) == 1
