"""The category's questions in the report wizard without JavaScript: asked on the description
step as plain form fields, checked by the same function as every channel, kept in the session
draft, shown in the summary and stored with the report."""

from __future__ import annotations

import pytest
from django.test import Client

from tenants.context import government_context
from tenants.models import Government
from tests.api.helpers import signed_in_client
from tests.factories import UserFactory
from tests.frontend.test_report_wizard import DESCRIPTION, _get, _main, _post, _text
from tests.warga.reports.helpers import BANDUNG_POINT, BANDUNG_VILLAGE
from warga.intake.models import ReportIndex
from warga.reports.models import Report
from warga.taxonomy.models import CategoryQuestion

# Make it unlikely that a similar report of another test stands between the steps.
POINT = (BANDUNG_POINT[0] + 0.002, BANDUNG_POINT[1] - 0.002)


@pytest.fixture
def road_questions(db: None) -> None:
    """The road's size question made required, and a width question (rolled back after)."""
    CategoryQuestion.objects.filter(category_id="jalan_rusak", code="ukuran_kerusakan").update(required=True)
    CategoryQuestion.objects.create(
        category_id="jalan_rusak", code="lebar_cm", datatype="number", order=20,
        description_id="Perkiraan lebar lubang (cm)", description_en="Approximate width of the hole (cm)",
    )  # fmt: skip


def _to_details(client: Client, category: str = "jalan_rusak") -> None:
    assert _post(client, "/lapor/foto/", {"action": "skip"})["Location"] == "/lapor/tempat/"
    place = {"latitude": str(POINT[0]), "longitude": str(POINT[1]), "village_code": BANDUNG_VILLAGE, "action": "next"}
    assert _post(client, "/lapor/tempat/", place)["Location"] == "/lapor/kategori/"
    assert _post(client, "/lapor/kategori/", {"category_code": category})["Location"] == "/lapor/uraian/"


def test_the_description_step_asks_the_categorys_questions_and_the_report_keeps_the_answers(
    bandung: Government, road_questions: None
) -> None:
    client = signed_in_client(UserFactory())
    _to_details(client)
    page = _main(_get(client, "/lapor/uraian/"))
    assert "<legend>Perkiraan ukuran kerusakan jalan</legend>" in page
    assert 'type="radio" name="answer-ukuran_kerusakan" id="answer-ukuran_kerusakan-besar" value="besar"' in page
    # Optional questions say so; a required list has no "I don't know".
    assert "Perkiraan lebar lubang (cm) <span" in page
    assert 'id="answer-ukuran_kerusakan-"' not in page

    wrong = _post(
        client, "/lapor/uraian/", {"description": DESCRIPTION, "privacy": "publik", "answer-lebar_cm": "lebar"}
    )
    assert wrong.status_code == 400
    html = _main(wrong)
    assert 'href="#answer-ukuran_kerusakan"' in html
    assert 'href="#answer-lebar_cm"' in html
    text = _text(wrong)
    assert any(words in text for words in ("Jawab pertanyaan ini.", "Answer this question."))
    assert any(words in text for words in ("Isi dengan angka saja", "Enter a number only"))
    # What was typed stays in the form.
    assert 'value="lebar"' in html
    assert DESCRIPTION in html

    answers = {"answer-ukuran_kerusakan": "besar", "answer-lebar_cm": "120"}
    done = _post(client, "/lapor/uraian/", {"description": DESCRIPTION, "privacy": "publik", **answers})
    assert done["Location"] == "/lapor/serupa/"
    assert client.session["report_wizard"]["answers"] == {"ukuran_kerusakan": "besar", "lebar_cm": 120}
    summary = _text(_get(client, "/lapor/kirim/"))
    assert "Perkiraan ukuran kerusakan jalan Besar (lebih dari 1 m" in summary
    assert "Perkiraan lebar lubang (cm) 120" in summary

    sent = _post(client, "/lapor/kirim/", {})
    assert sent.status_code == 302, _text(sent)
    number = sent["Location"].removeprefix("/lapor/selesai/").rstrip("/")
    with government_context(bandung):
        assert Report.objects.get(tracking_number=number).answers == {"ukuran_kerusakan": "besar", "lebar_cm": 120}


def test_another_category_drops_the_answers_and_a_refusal_at_sending_points_to_the_step(
    bandung: Government, road_questions: None
) -> None:
    client = signed_in_client(UserFactory())
    _to_details(client, category="banjir")
    answered = {"description": DESCRIPTION, "privacy": "publik", "answer-kedalaman_air_cm": "40"}
    assert _post(client, "/lapor/uraian/", answered)["Location"] == "/lapor/serupa/"
    assert client.session["report_wizard"]["answers"] == {"kedalaman_air_cm": 40}
    assert _post(client, "/lapor/kategori/", {"category_code": "jalan_rusak"})["Location"] == "/lapor/uraian/"
    assert "answers" not in client.session["report_wizard"]
    # Sent without answering the road's required question (it became required meanwhile).
    session = client.session
    session["report_wizard"]["answers"] = {}
    session.save()
    refused = _post(client, "/lapor/kirim/", {})
    assert refused.status_code == 400
    assert 'href="#uraian"' in _main(refused)
    assert "Perkiraan ukuran kerusakan jalan: wajib dijawab." in _text(refused)
    assert ReportIndex.objects.count() == 0


def test_the_offline_copy_of_the_description_step_carries_every_categorys_questions_disabled(db: None) -> None:
    client = signed_in_client(UserFactory())
    copy = client.get("/lapor/uraian/", HTTP_HOST="localhost", HTTP_X_WARGA_SHELL="1")
    assert copy.status_code == 200
    html = _main(copy)
    for code in ("jalan_rusak", "banjir", "saluran_tersumbat", "lampu_jalan", "sampah"):
        assert f'data-questions-for="{code}" disabled hidden' in html
    assert 'name="answer-nomor_tiang"' in html
    assert 'type="checkbox" name="answer-jenis_sampah"' in html
    assert 'type="datetime-local" id="answer-mati_sejak"' in html
