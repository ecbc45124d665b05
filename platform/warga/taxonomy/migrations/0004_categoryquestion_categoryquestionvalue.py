import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("taxonomy", "0003_category_default_priority")]

    operations = [
        migrations.CreateModel(
            name="CategoryQuestion",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                (
                    "code",
                    models.SlugField(help_text="Stable key of the answer in reports.", max_length=40),
                ),
                (
                    "datatype",
                    models.CharField(
                        choices=[
                            ("string", "Teks singkat"),
                            ("number", "Angka"),
                            ("text", "Teks panjang"),
                            ("datetime", "Tanggal dan jam"),
                            ("singlevaluelist", "Pilih satu"),
                            ("multivaluelist", "Pilih satu atau lebih"),
                        ],
                        max_length=16,
                    ),
                ),
                ("required", models.BooleanField(default=False)),
                ("order", models.PositiveSmallIntegerField(default=0)),
                ("description_id", models.CharField(max_length=200, verbose_name="pertanyaan (Bahasa Indonesia)")),
                ("description_en", models.CharField(max_length=200, verbose_name="question (English)")),
                ("is_active", models.BooleanField(default=True)),
                (
                    "category",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="questions",
                        to="taxonomy.category",
                    ),
                ),
            ],
            options={
                "verbose_name": "pertanyaan kategori",
                "verbose_name_plural": "pertanyaan kategori",
                "db_table": "taxonomy_category_question",
                "ordering": ["category", "order", "code"],
                "constraints": [
                    models.UniqueConstraint(fields=("category", "code"), name="taxonomy_question_code_unique"),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("datatype__in", ["string", "number", "text", "datetime", "singlevaluelist", "multivaluelist"])
                        ),
                        name="taxonomy_question_datatype_known",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="CategoryQuestionValue",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("key", models.SlugField(max_length=40)),
                ("name_id", models.CharField(max_length=120, verbose_name="nama (Bahasa Indonesia)")),
                ("name_en", models.CharField(max_length=120, verbose_name="name (English)")),
                ("order", models.PositiveSmallIntegerField(default=0)),
                (
                    "question",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="values",
                        to="taxonomy.categoryquestion",
                    ),
                ),
            ],
            options={
                "verbose_name": "pilihan jawaban",
                "verbose_name_plural": "pilihan jawaban",
                "db_table": "taxonomy_category_question_value",
                "ordering": ["question", "order", "key"],
                "constraints": [
                    models.UniqueConstraint(fields=("question", "key"), name="taxonomy_question_value_unique")
                ],
            },
        ),
    ]
