"""The national category taxonomy: a small curated reference table in the public schema.

Every tenant maps these codes to its own units (the routing work); reports carry the code.
A category says how intake treats it: most go into a government's complaint queue, some are
forwarded to an external organisation (PLN, PDAM: forward, never close), and emergencies
(fire, crime) are referred to 112 and the police instead of being queued as complaints.
"""

from __future__ import annotations

from django.db import models


class Priority(models.TextChoices):
    """How urgently a report needs handling. Citizens do not choose it: a report starts with
    its category's default (the national taxonomy) and officials change it with a reason."""

    NORMAL = "normal", "Biasa"
    HIGH = "high", "Tinggi"
    URGENT = "urgent", "Darurat"


class Handling(models.TextChoices):
    COMPLAINT = "complaint", "Ditangani pemerintah daerah"
    EXTERNAL_FORWARD = "external_forward", "Diteruskan ke organisasi eksternal"
    EMERGENCY_REFERRAL = "emergency_referral", "Keadaan darurat: rujuk ke 112 / kepolisian"


class Category(models.Model):
    code = models.SlugField(max_length=40, primary_key=True, allow_unicode=False)
    name_id = models.CharField("nama (Bahasa Indonesia)", max_length=120)
    name_en = models.CharField("name (English)", max_length=120)
    handler_hint = models.CharField(
        max_length=200, help_text="The usual handler; each government routes the code to its own unit."
    )
    handling = models.CharField(max_length=24, choices=Handling.choices, default=Handling.COMPLAINT)
    referral_id = models.CharField(
        max_length=300, blank=True, help_text="What the citizen is told to do instead (emergencies, external)."
    )
    # What a new report of this category starts with; officials change a report's own
    # priority, never this national default.
    default_priority = models.CharField(max_length=8, choices=Priority.choices, default=Priority.NORMAL)
    sort_order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        db_table = "taxonomy_category"
        ordering = ["sort_order", "code"]
        verbose_name = "kategori"
        verbose_name_plural = "kategori"

    def __str__(self) -> str:
        return self.name_id

    @property
    def accepts_reports(self) -> bool:
        return self.is_active and self.handling != Handling.EMERGENCY_REFERRAL


class Datatype(models.TextChoices):
    """The kinds of answer a category question takes: Open311 GeoReport v2's attribute datatypes."""

    STRING = "string", "Teks singkat"
    NUMBER = "number", "Angka"
    TEXT = "text", "Teks panjang"
    DATETIME = "datetime", "Tanggal dan jam"
    SINGLEVALUELIST = "singlevaluelist", "Pilih satu"
    MULTIVALUELIST = "multivaluelist", "Pilih satu atau lebih"


LIST_DATATYPES = frozenset({Datatype.SINGLEVALUELIST, Datatype.MULTIVALUELIST})


class CategoryQuestion(models.Model):
    """One more thing a report of a category is asked (a pothole's size, a flood's depth).

    Curated with the national taxonomy; intake validates the answers on every channel
    (`warga.taxonomy.questions.validate_answers`) and the report keeps them under `code`.
    A retired question is made inactive, not deleted: reports keep their old answers.
    """

    id = models.BigAutoField(primary_key=True)
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="questions")
    code = models.SlugField(max_length=40, allow_unicode=False, help_text="Stable key of the answer in reports.")
    datatype = models.CharField(max_length=16, choices=Datatype.choices)
    required = models.BooleanField(default=False)
    order = models.PositiveSmallIntegerField(default=0)
    description_id = models.CharField("pertanyaan (Bahasa Indonesia)", max_length=200)
    description_en = models.CharField("question (English)", max_length=200)
    is_active = models.BooleanField(default=True)

    class Meta:
        db_table = "taxonomy_category_question"
        ordering = ["category", "order", "code"]
        verbose_name = "pertanyaan kategori"
        verbose_name_plural = "pertanyaan kategori"
        constraints = [
            models.UniqueConstraint(fields=["category", "code"], name="taxonomy_question_code_unique"),
            models.CheckConstraint(
                condition=models.Q(datatype__in=Datatype.values), name="taxonomy_question_datatype_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category_id}: {self.description_id}"


class CategoryQuestionValue(models.Model):
    """One choice of a list question, in both languages; `key` is what reports keep."""

    id = models.BigAutoField(primary_key=True)
    question = models.ForeignKey(CategoryQuestion, on_delete=models.CASCADE, related_name="values")
    key = models.SlugField(max_length=40, allow_unicode=False)
    name_id = models.CharField("nama (Bahasa Indonesia)", max_length=120)
    name_en = models.CharField("name (English)", max_length=120)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        db_table = "taxonomy_category_question_value"
        ordering = ["question", "order", "key"]
        verbose_name = "pilihan jawaban"
        verbose_name_plural = "pilihan jawaban"
        constraints = [models.UniqueConstraint(fields=["question", "key"], name="taxonomy_question_value_unique")]

    def __str__(self) -> str:
        return self.name_id
