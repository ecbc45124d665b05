"""Officials read the answers to the category's questions on the report page."""

from __future__ import annotations

from tenants.context import government_context
from tests.api.helpers import signed_in_client
from tests.frontend.office.conftest import BANDUNG_HOST, Bandung
from warga.reports.models import Report


def test_the_report_page_shows_each_answer_under_its_question(scene: Bandung) -> None:
    with government_context(scene.government):
        # Stored as intake cleaned it, plus the answer of a question since retired.
        Report.objects.filter(tracking_number=scene.number).update(
            answers={"ukuran_kerusakan": "sedang", "dulu_ditanya": "ya"}
        )
    response = signed_in_client(scene.kepala_pupr).get(f"/kantor/laporan/{scene.number}/", HTTP_HOST=BANDUNG_HOST)
    assert response.status_code == 200
    body = response.content.decode()
    assert (
        '<dt>Perkiraan ukuran kerusakan jalan</dt><dd data-answer="ukuran_kerusakan">Sedang (30 cm sampai 1 m)</dd>'
    ) in body
    assert '<dt>dulu_ditanya</dt><dd data-answer="dulu_ditanya">ya</dd>' in body
