"""Category questions over the API: the categories list shows them, a submission's answers are
checked by intake (nothing written when one is wrong), and officials read them."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from tenants.context import government_context
from tenants.models import Government
from tests.api.helpers import signed_in_client
from tests.api.test_reports import _payload as submission_payload
from tests.api.test_reports import _post as post_json
from tests.personas import official_of
from tests.warga.reports.helpers import JAKARTA_POINT, JAKARTA_VILLAGE, counts
from warga.accounts.models import User
from warga.intake.models import ReportIndex
from warga.reports.models import Report
from warga.taxonomy.models import CategoryQuestion

PUBLIC = "localhost"
BANDUNG_HOST = "kota-bandung.localhost"
JAKARTA_HOST = "dki-jakarta.localhost"


def _payload(**overrides: Any) -> dict[str, Any]:
    return (
        submission_payload(
            category_code="jalan_rusak",
            description="Jalan berlubang di depan pasar.",
            idempotency_key="pertanyaan-0001",
        )
        | overrides
    )


def _post(client: Client, data: dict[str, Any]) -> Any:
    return post_json(client, "/api/v1/reports/", data)


@pytest.fixture
def required_question(db: None) -> CategoryQuestion:
    """The road question made required for this test (rolled back with it)."""
    CategoryQuestion.objects.filter(category_id="jalan_rusak", code="ukuran_kerusakan").update(required=True)
    return CategoryQuestion.objects.create(
        category_id="jalan_rusak", code="lebar_cm", datatype="number", order=20,
        description_id="Perkiraan lebar lubang (cm)", description_en="Approximate width of the hole (cm)",
    )  # fmt: skip


def test_the_categories_list_shows_each_categorys_questions_in_the_asked_language(
    db: None, django_assert_max_num_queries: Any
) -> None:
    client = Client()
    with django_assert_max_num_queries(6):
        english = client.get("/api/v1/categories/?language=en", HTTP_HOST=PUBLIC)
    assert english.status_code == 200
    road = next(c for c in english.json() if c["code"] == "jalan_rusak")
    assert road["name"] == "Damaged road or pothole"
    assert road["accepts_reports"] is True
    assert road["questions"] == [
        {
            "code": "ukuran_kerusakan",
            "datatype": "singlevaluelist",
            "required": False,
            "order": 10,
            "description": "Approximate size of the damage",
            "values": [
                {"key": "kecil", "name": "Small (under 30 cm, the size of a plate)"},
                {"key": "sedang", "name": "Medium (30 cm to 1 m)"},
                {"key": "besar", "name": "Large (over 1 m, a car's width or more)"},
            ],
        }
    ]
    # The same national list on a government's host, in Bahasa Indonesia by default.
    indonesian = client.get("/api/v1/categories/", HTTP_HOST=BANDUNG_HOST).json()
    flood = next(c for c in indonesian if c["code"] == "banjir")
    assert [(q["code"], q["datatype"], q["description"]) for q in flood["questions"]] == [
        ("kedalaman_air_cm", "number", "Perkiraan kedalaman air (cm)")
    ]
    assert next(c for c in indonesian if c["code"] == "kebakaran")["accepts_reports"] is False
    assert next(c for c in indonesian if c["code"] == "taman")["questions"] == []
    wrong = client.get("/api/v1/categories/?language=fr", HTTP_HOST=PUBLIC)
    assert wrong.status_code == 400
    assert wrong.json()["error"]["fields"]["language"][0]["message"] == (
        "Bahasa harus id (Bahasa Indonesia) atau en (English)."
    )


def test_answers_are_kept_as_cleaned_and_officials_read_them_in_words(
    bandung: Government, jakarta: Government, citizen: User, required_question: CategoryQuestion
) -> None:
    response = _post(signed_in_client(citizen), _payload(answers={"ukuran_kerusakan": "besar", "lebar_cm": "120"}))
    assert response.status_code == 201
    number = response.json()["tracking_number"]
    with government_context(bandung):
        assert Report.objects.get().answers == {"ukuran_kerusakan": "besar", "lebar_cm": 120}

    official = official_of(bandung, email="petugas-jalan@bandung.go.id")
    detail = signed_in_client(official).get(f"/api/v1/reports/{number}/", HTTP_HOST=BANDUNG_HOST)
    assert detail.json()["answers"] == [
        {
            "code": "ukuran_kerusakan",
            "question": "Perkiraan ukuran kerusakan jalan",
            "value": "besar",
            "text": "Besar (lebih dari 1 m, selebar ban mobil atau lebih)",
        },
        {"code": "lebar_cm", "question": "Perkiraan lebar lubang (cm)", "value": 120, "text": "120"},
    ]
    # Nobody sees them through another government's host.
    assert signed_in_client(official).get(f"/api/v1/reports/{number}/", HTTP_HOST=JAKARTA_HOST).status_code in (
        403,
        404,
    )
    # The public look-up shows the report, never the answers (free text may name people).
    assert "answers" not in Client().get(f"/api/v1/reports/{number}/", HTTP_HOST=PUBLIC).json()


def test_wrong_answers_are_refused_per_question_with_nothing_written(
    bandung: Government, citizen: User, required_question: CategoryQuestion
) -> None:
    client = signed_in_client(citizen)
    response = _post(client, _payload(answers={"lebar_cm": "satu meter", "warna": "hitam"}))
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "answers": [
            {
                "code": "unknown_question",
                "message": "Kategori ini tidak menanyakan warna. Pertanyaannya: lebar_cm, ukuran_kerusakan.",
            }
        ],
        "answers.ukuran_kerusakan": [
            {"code": "required", "message": "Perkiraan ukuran kerusakan jalan: wajib dijawab."}
        ],
        "answers.lebar_cm": [
            {
                "code": "not_a_number",
                "message": "Perkiraan lebar lubang (cm): isi dengan angka saja, misalnya 30 atau 2.5 (tanpa satuan).",
            }
        ],
    }
    not_an_object = _post(client, _payload(answers=["besar"]))
    assert not_an_object.status_code == 400
    assert not_an_object.json()["error"]["fields"]["answers"] == [
        {
            "code": "invalid",
            "message": 'Jawaban pertanyaan kategori harus berupa objek JSON, misalnya {"ukuran_kerusakan": "sedang"}.',
        }
    ]
    assert counts(bandung) == (0, 0, 0)
    assert not ReportIndex.objects.exists()


def test_a_multipart_submission_sends_its_answers_as_json_text(bandung: Government, citizen: User) -> None:
    """How the phone sends a report written offline (static/frontend/draft-sender.js)."""
    form = _payload(category_code="banjir", answers=json.dumps({"kedalaman_air_cm": "45"}))
    response = signed_in_client(citizen).post("/api/v1/reports/", form, HTTP_HOST=PUBLIC)
    assert response.status_code == 201
    with government_context(bandung):
        assert Report.objects.get().answers == {"kedalaman_air_cm": 45}
    broken = signed_in_client(citizen).post(
        "/api/v1/reports/", _payload(idempotency_key="pertanyaan-0002", answers="{kedalaman"), HTTP_HOST=PUBLIC
    )
    assert broken.status_code == 400
    assert broken.json()["error"]["fields"]["answers"][0]["code"] == "invalid"


def test_bandung_officials_cannot_read_jakartas_answers(
    bandung: Government, jakarta: Government, citizen: User
) -> None:
    payload = _payload(
        latitude=JAKARTA_POINT[0],
        longitude=JAKARTA_POINT[1],
        village_code=JAKARTA_VILLAGE,
        answers={"ukuran_kerusakan": "kecil"},
    )
    number = _post(signed_in_client(citizen), payload).json()["tracking_number"]
    bandung_official = signed_in_client(official_of(bandung, email="petugas-bdg@bandung.go.id"))
    for host in (BANDUNG_HOST, JAKARTA_HOST):
        refused = bandung_official.get(f"/api/v1/reports/{number}/", HTTP_HOST=host)
        assert refused.status_code in (403, 404)
        assert "kecil" not in refused.content.decode()
    with government_context(jakarta):
        assert Report.objects.get().answers == {"ukuran_kerusakan": "kecil"}
    assert counts(bandung) == (0, 0, 0)


def test_answers_move_with_a_transferred_report(bandung: Government, jakarta: Government, citizen: User) -> None:
    number = _post(signed_in_client(citizen), _payload(answers={"ukuran_kerusakan": "sedang"})).json()[
        "tracking_number"
    ]
    official = signed_in_client(official_of(bandung, jakarta, email="petugas-dua@bandung.go.id"))
    moved = official.post(
        f"/api/v1/reports/{number}/transfer/",
        json.dumps({"to_government_code": "31", "note": "jalan provinsi"}),
        content_type="application/json",
        HTTP_HOST=BANDUNG_HOST,
    )
    assert moved.status_code == 200
    arrived = official.get(f"/api/v1/reports/{number}/", HTTP_HOST=JAKARTA_HOST).json()
    assert [(a["code"], a["value"]) for a in arrived["answers"]] == [("ukuran_kerusakan", "sedang")]
