"""Category questions: what a category asks beyond the description, and the one check of the answers.

A category may ask a few more things (a pothole's size, a flood's depth, a street light's pole
number) with the datatypes of Open311 GeoReport v2: string, number, text, datetime,
singlevaluelist, multivaluelist. Every intake channel (the API, the report wizard, Open311)
passes the citizen's answers through `validate_answers`, so the rules live here once; the
report keeps the cleaned answers keyed by question code (docs/decisions/0060).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from warga.errors import FieldError, Invalid
from warga.taxonomy.models import CategoryQuestion, Datatype

# Bounds on what a client can make the server hold and store.
STRING_MAX_LENGTH = 200
TEXT_MAX_LENGTH = 2000
NUMBER_MAX_ABS = Decimal("1000000000")
NUMBER_MAX_LENGTH = 32
DATETIME_MAX_LENGTH = 40
MAX_ANSWERS = 50

# The field an answer's errors are reported under (API `fields`, the wizard's form).
ANSWERS_FIELD = "answers"


class AnswersInvalid(Invalid):
    """Answers to a category's questions that cannot be accepted: `fields` maps each answer (or
    `answers` as a whole) to what is wrong with it, in Bahasa Indonesia."""

    code = "answers_invalid"


def answer_field(code: str) -> str:
    return f"{ANSWERS_FIELD}.{code}"


Answer = str | int | float | list[str]


def _is_english(language: str) -> bool:
    """English for "en" and its regional tags ("en-us"); Bahasa Indonesia otherwise."""
    return language.lower().split("-")[0] == "en"


@dataclass(frozen=True)
class QuestionValue:
    key: str
    name_id: str
    name_en: str

    def name(self, language: str = "id") -> str:
        return self.name_en if _is_english(language) else self.name_id


@dataclass(frozen=True)
class Question:
    code: str
    datatype: str
    required: bool
    order: int
    description_id: str
    description_en: str
    values: tuple[QuestionValue, ...] = ()

    def description(self, language: str = "id") -> str:
        """The question in `language` (Bahasa Indonesia unless "en")."""
        return self.description_en if _is_english(language) else self.description_id

    def value_name(self, key: str, language: str = "id") -> str:
        """A list answer's words; an unknown key (a choice since retired) as it was stored."""
        return next((value.name(language) for value in self.values if value.key == key), key)


def _question(row: CategoryQuestion) -> Question:
    return Question(
        code=row.code,
        datatype=row.datatype,
        required=row.required,
        order=row.order,
        description_id=row.description_id,
        description_en=row.description_en,
        values=tuple(QuestionValue(key=v.key, name_id=v.name_id, name_en=v.name_en) for v in row.values.all()),
    )


def _load(category_code: str, *, active_only: bool) -> list[Question]:
    rows = CategoryQuestion.objects.filter(category_id=category_code)
    if active_only:
        rows = rows.filter(is_active=True)
    return [_question(row) for row in rows.order_by("order", "code").prefetch_related("values")]


def questions_for(category_code: str) -> list[Question]:
    """The active questions of a category, in the order they are asked (two queries)."""
    return _load(category_code, active_only=True)


def questions_by_category(category_codes: list[str] | None = None) -> dict[str, list[Question]]:
    """Every active question grouped by category code (two queries), for lists of categories."""
    rows = CategoryQuestion.objects.filter(is_active=True).order_by("category_id", "order", "code")
    if category_codes is not None:
        rows = rows.filter(category_id__in=category_codes)
    grouped: dict[str, list[Question]] = {}
    for row in rows.prefetch_related("values"):
        grouped.setdefault(row.category_id, []).append(_question(row))
    return grouped


def _is_empty(raw: object) -> bool:
    if raw is None:
        return True
    if isinstance(raw, str):
        return not raw.strip()
    if isinstance(raw, list | tuple):
        return all(_is_empty(item) for item in raw)
    return False


def _one_text(question: Question, raw: object) -> str:
    """A single answer as text: a list of one item (a repeated form field) counts as that item."""
    if isinstance(raw, list | tuple) and len(raw) == 1:
        raw = raw[0]
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        raise _Refusal("not_single", f"{question.description_id}: isi satu jawaban saja.")
    return str(raw).strip()


class _Refusal(Exception):
    def __init__(self, code: str, message: str) -> None:
        self.code = code
        self.message = message
        super().__init__(message)


def _clean_text(question: Question, raw: object, limit: int) -> str:
    text = _one_text(question, raw)
    if len(text) > limit:
        raise _Refusal(
            "too_long",
            f"{question.description_id}: paling panjang {limit} karakter (sekarang {len(text)}). Persingkat jawabannya.",
        )
    return text


def _clean_number(question: Question, raw: object) -> int | float:
    text = _one_text(question, raw).replace(",", ".")
    problem = _Refusal(
        "not_a_number",
        f"{question.description_id}: isi dengan angka saja, misalnya 30 atau 2.5 (tanpa satuan).",
    )
    if len(text) > NUMBER_MAX_LENGTH:
        raise problem
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise problem from None
    if not number.is_finite():
        raise problem
    if abs(number) > NUMBER_MAX_ABS:
        raise _Refusal(
            "out_of_range",
            f"{question.description_id}: angkanya terlalu besar (paling besar {NUMBER_MAX_ABS:,.0f}).".replace(
                ",", "."
            ),
        )
    if number == number.to_integral_value():
        return int(number)
    value = float(number)
    return value if math.isfinite(value) else int(number)


def _clean_datetime(question: Question, raw: object) -> str:
    text = _one_text(question, raw)
    problem = _Refusal(
        "not_a_datetime",
        f"{question.description_id}: isi tanggal dan jam dalam format ISO 8601, misalnya 2026-12-04T07:30 "
        "(jam setempat) atau 2026-12-04T07:30+07:00.",
    )
    if len(text) > DATETIME_MAX_LENGTH:
        raise problem
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise problem from None
    # A time without its offset is the citizen's wall-clock time at the place: kept as given.
    return moment.isoformat()


def _clean_single(question: Question, raw: object) -> str:
    key = _one_text(question, raw)
    if key not in {value.key for value in question.values}:
        raise _Refusal("unknown_value", f"{question.description_id}: {_choose_from(question)}")
    return key


def _clean_multiple(question: Question, raw: object) -> list[str]:
    items = list(raw) if isinstance(raw, list | tuple) else [raw]
    if len(items) > len(question.values):
        raise _Refusal("unknown_value", f"{question.description_id}: {_choose_from(question)}")
    keys = {_one_text(question, item) for item in items if not _is_empty(item)}
    known = [value.key for value in question.values]
    if not keys <= set(known):
        raise _Refusal("unknown_value", f"{question.description_id}: {_choose_from(question)}")
    return [key for key in known if key in keys]


def _choose_from(question: Question) -> str:
    names = ", ".join(f"{value.name_id} ({value.key})" for value in question.values)
    many = question.datatype == Datatype.MULTIVALUELIST
    return f"pilih {'satu atau lebih' if many else 'salah satu'} dari: {names}."


def _clean(question: Question, raw: object) -> Answer:
    if question.datatype == Datatype.NUMBER:
        return _clean_number(question, raw)
    if question.datatype == Datatype.DATETIME:
        return _clean_datetime(question, raw)
    if question.datatype == Datatype.SINGLEVALUELIST:
        return _clean_single(question, raw)
    if question.datatype == Datatype.MULTIVALUELIST:
        return _clean_multiple(question, raw)
    limit = TEXT_MAX_LENGTH if question.datatype == Datatype.TEXT else STRING_MAX_LENGTH
    return _clean_text(question, raw, limit)


def validate_answers(
    category_code: str,
    answers: Mapping[str, object] | None,
    *,
    questions: list[Question] | None = None,
) -> dict[str, Answer]:
    """The cleaned answers to `category_code`'s questions, keyed by question code.

    Numbers become JSON numbers, datetimes ISO 8601 text, list answers their values' keys
    (a multivaluelist in the order of its choices); an unanswered optional question is left
    out. Raises AnswersInvalid with one message per question, in Bahasa Indonesia, under
    `answers.<code>` (a required question unanswered, not a number, an unknown choice, a
    datetime that is not ISO 8601, too long) and under `answers` for answers to questions the
    category does not ask. `questions` spares the query when the caller has them already.
    """
    if questions is None:
        questions = questions_for(category_code)
    given: Mapping[str, object] = answers or {}
    errors: dict[str, list[FieldError]] = {}
    if not isinstance(given, Mapping):
        raise AnswersInvalid.on_field(
            ANSWERS_FIELD, "Jawaban pertanyaan kategori harus berupa pasangan kode pertanyaan dan jawaban."
        )
    if len(given) > MAX_ANSWERS:
        raise AnswersInvalid.on_field(
            ANSWERS_FIELD, f"Paling banyak {MAX_ANSWERS} jawaban pertanyaan kategori per laporan.", code="too_many"
        )
    asked = {question.code for question in questions}
    unknown = sorted(str(code)[:40] for code in given if code not in asked)
    if unknown:
        listed = ", ".join(sorted(asked)) or "tidak ada"
        errors[ANSWERS_FIELD] = [
            FieldError(
                "unknown_question",
                f"Kategori ini tidak menanyakan {', '.join(unknown)}. Pertanyaannya: {listed}.",
            )
        ]
    cleaned: dict[str, Answer] = {}
    for question in questions:
        raw = given.get(question.code)
        if _is_empty(raw):
            if question.required:
                errors[answer_field(question.code)] = [
                    FieldError("required", f"{question.description_id}: wajib dijawab.")
                ]
            continue
        try:
            cleaned[question.code] = _clean(question, raw)
        except _Refusal as refusal:
            errors[answer_field(question.code)] = [FieldError(refusal.code, refusal.message)]
    if errors:
        raise AnswersInvalid(fields=errors)
    return cleaned


@dataclass(frozen=True)
class DescribedAnswer:
    """A report's answer with its question's words, for the officials who read it."""

    code: str
    question: str
    value: Answer
    text: str


def answers_described(category_code: str, answers: Mapping[str, object], language: str = "id") -> list[DescribedAnswer]:
    """A report's stored answers in the order of its category's questions, each with the
    question and the answer in `language`; answers to questions retired since come last, under
    their code (two queries, none when there are no answers)."""
    if not answers:
        return []
    questions = {question.code: question for question in _load(category_code, active_only=False)}
    position = {code: index for index, code in enumerate(questions)}
    described = []
    for code in sorted(answers, key=lambda code: (position.get(code, len(position)), code)):
        value = answers[code]
        question = questions.get(code)
        keys = value if isinstance(value, list) else [value]
        if question is not None and question.datatype in {Datatype.SINGLEVALUELIST, Datatype.MULTIVALUELIST}:
            text = ", ".join(question.value_name(str(key), language) for key in keys)
        else:
            text = ", ".join(str(key) for key in keys)
        described.append(
            DescribedAnswer(
                code=code,
                question=question.description(language) if question is not None else code,
                value=value,  # type: ignore[arg-type]
                text=text,
            )
        )
    return described
