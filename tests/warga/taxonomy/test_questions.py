"""Category questions: the seeded questions and the one check of the answers every channel uses."""

from __future__ import annotations

from typing import Any

import pytest

from warga.taxonomy.models import CategoryQuestion, CategoryQuestionValue
from warga.taxonomy.questions import (
    MAX_ANSWERS,
    STRING_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    AnswersInvalid,
    Question,
    QuestionValue,
    questions_by_category,
    questions_for,
    validate_answers,
)

SIZES = (
    QuestionValue("kecil", "Kecil", "Small"),
    QuestionValue("besar", "Besar", "Large"),
)
KINDS = (
    QuestionValue("plastik", "Plastik", "Plastic"),
    QuestionValue("puing", "Puing", "Rubble"),
    QuestionValue("b3", "Berbahaya", "Hazardous"),
)
# One question of every datatype; only the pole number is required.
QUESTIONS = [
    Question("nomor_tiang", "string", True, 10, "Nomor tiang", "Pole number"),
    Question("kedalaman_cm", "number", False, 20, "Kedalaman air (cm)", "Water depth (cm)"),
    Question("keterangan", "text", False, 30, "Keterangan lain", "Anything else"),
    Question("sejak", "datetime", False, 40, "Sejak kapan", "Since when"),
    Question("ukuran", "singlevaluelist", False, 50, "Ukuran", "Size", SIZES),
    Question("jenis", "multivaluelist", False, 60, "Jenis sampah", "Kinds of rubbish", KINDS),
]


def _check(answers: dict[str, Any]) -> dict[str, Any]:
    return validate_answers("taman", answers, questions=QUESTIONS)


def _refusal(answers: dict[str, Any]) -> dict[str, tuple[str, str]]:
    with pytest.raises(AnswersInvalid) as refused:
        _check(answers)
    return {field: (items[0].code, items[0].message) for field, items in (refused.value.fields or {}).items()}


def test_every_datatype_is_cleaned_and_unanswered_optional_questions_are_left_out() -> None:
    cleaned = _check(
        {
            "nomor_tiang": "  PJU-0417 ",
            "kedalaman_cm": "30",
            "keterangan": "Air masuk ke rumah warga.",
            "sejak": "2026-12-04T07:30",
            "ukuran": ["besar"],
            "jenis": ["b3", "plastik", "plastik"],
        }
    )
    assert cleaned == {
        "nomor_tiang": "PJU-0417",
        "kedalaman_cm": 30,
        "keterangan": "Air masuk ke rumah warga.",
        "sejak": "2026-12-04T07:30:00",
        "ukuran": "besar",
        "jenis": ["plastik", "b3"],
    }
    assert _check({"nomor_tiang": "7", "kedalaman_cm": "2,5", "sejak": "2026-12-04T07:30:00+07:00", "jenis": ""}) == {
        "nomor_tiang": "7",
        "kedalaman_cm": 2.5,
        "sejak": "2026-12-04T07:30:00+07:00",
    }
    assert _check({"nomor_tiang": "7", "kedalaman_cm": 12}) == {"nomor_tiang": "7", "kedalaman_cm": 12}


@pytest.mark.parametrize(
    ("answers", "field", "code", "words"),
    [
        ({}, "answers.nomor_tiang", "required", "Nomor tiang: wajib dijawab."),
        ({"nomor_tiang": "   "}, "answers.nomor_tiang", "required", "wajib dijawab"),
        ({"nomor_tiang": "x" * (STRING_MAX_LENGTH + 1)}, "answers.nomor_tiang", "too_long", "paling panjang 200"),
        ({"keterangan": "x" * (TEXT_MAX_LENGTH + 1)}, "answers.keterangan", "too_long", "paling panjang 2000"),
        ({"nomor_tiang": ["1", "2"]}, "answers.nomor_tiang", "not_single", "isi satu jawaban saja"),
        ({"kedalaman_cm": "tiga puluh"}, "answers.kedalaman_cm", "not_a_number", "isi dengan angka saja"),
        ({"kedalaman_cm": "NaN"}, "answers.kedalaman_cm", "not_a_number", "angka"),
        ({"kedalaman_cm": "1e400"}, "answers.kedalaman_cm", "out_of_range", "terlalu besar"),
        ({"kedalaman_cm": "9" * 40}, "answers.kedalaman_cm", "not_a_number", "angka"),
        ({"sejak": "kemarin sore"}, "answers.sejak", "not_a_datetime", "ISO 8601"),
        ({"sejak": "04/12/2026"}, "answers.sejak", "not_a_datetime", "2026-12-04T07:30"),
        ({"ukuran": "raksasa"}, "answers.ukuran", "unknown_value", "pilih salah satu dari: Kecil (kecil), Besar"),
        ({"jenis": ["plastik", "kaca"]}, "answers.jenis", "unknown_value", "pilih satu atau lebih dari: Plastik"),
        ({"jenis": ["plastik"] * 4}, "answers.jenis", "unknown_value", "pilih satu atau lebih"),
        ({"warna": "merah"}, "answers", "unknown_question", "tidak menanyakan warna"),
    ],
)
def test_each_wrong_answer_is_refused_in_words_a_citizen_can_act_on(
    answers: dict[str, Any], field: str, code: str, words: str
) -> None:
    answers = {"nomor_tiang": "7", **answers} if field != "answers.nomor_tiang" else answers
    refusal = _refusal(answers)
    assert refusal[field][0] == code
    assert words in refusal[field][1]


def test_every_wrong_answer_is_named_at_once_and_too_many_answers_are_refused_whole() -> None:
    refusal = _refusal({"kedalaman_cm": "dalam", "ukuran": "raksasa"})
    assert set(refusal) == {"answers.nomor_tiang", "answers.kedalaman_cm", "answers.ukuran"}
    flood = {f"q{n}": "x" for n in range(MAX_ANSWERS + 1)}
    assert _refusal(flood) == {
        "answers": ("too_many", f"Paling banyak {MAX_ANSWERS} jawaban pertanyaan kategori per laporan.")
    }


def test_a_category_without_questions_takes_no_answers(db: None) -> None:
    assert validate_answers("taman", {}) == {}
    assert validate_answers("taman", None) == {}
    with pytest.raises(AnswersInvalid) as refused:
        validate_answers("taman", {"nomor_tiang": "7"})
    assert (refused.value.fields or {})["answers"][0].message == (
        "Kategori ini tidak menanyakan nomor_tiang. Pertanyaannya: tidak ada."
    )


def test_the_national_categories_ask_their_seeded_questions_in_both_languages(
    db: None, django_assert_num_queries: Any
) -> None:
    assert [q.code for q in questions_for("lampu_jalan")] == ["nomor_tiang", "mati_sejak"]
    with django_assert_num_queries(2):
        road = questions_for("jalan_rusak")
    assert [(q.code, q.datatype, q.required) for q in road] == [("ukuran_kerusakan", "singlevaluelist", False)]
    assert [v.key for v in road[0].values] == ["kecil", "sedang", "besar"]
    assert road[0].description("en") == "Approximate size of the damage"
    assert road[0].value_name("besar", "id").startswith("Besar")
    assert questions_for("saluran_tersumbat")[0].datatype == "number"
    with django_assert_num_queries(2):
        grouped = questions_by_category()
    assert set(grouped) == {"jalan_rusak", "banjir", "saluran_tersumbat", "lampu_jalan", "sampah"}
    assert validate_answers("saluran_tersumbat", {"kedalaman_genangan_cm": "40"}) == {"kedalaman_genangan_cm": 40}


def test_retired_questions_are_no_longer_asked(db: None) -> None:
    question = CategoryQuestion.objects.create(
        category_id="taman", code="bangku", datatype="singlevaluelist", required=True, order=1,
        description_id="Bangku yang rusak", description_en="Broken bench",
    )  # fmt: skip
    CategoryQuestionValue.objects.create(question=question, key="satu", name_id="Satu", name_en="One")
    assert [q.code for q in questions_for("taman")] == ["bangku"]
    assert validate_answers("taman", {"bangku": "satu"}) == {"bangku": "satu"}
    question.is_active = False
    question.save()
    assert questions_for("taman") == []
