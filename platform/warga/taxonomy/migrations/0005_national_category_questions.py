"""The national categories' first questions (docs/decisions/0060).

Upserted by (category, code) like the categories themselves, so editing a wording here and
migrating again updates it. All optional: a citizen who cannot tell (a pole without a
visible number) can still report, and every channel that submits today keeps working.
"""

from django.db import migrations

# category, code, datatype, required, question (id), question (en), [(key, name_id, name_en)]
QUESTIONS = [
    (
        "jalan_rusak", "ukuran_kerusakan", "singlevaluelist", False,
        "Perkiraan ukuran kerusakan jalan", "Approximate size of the damage",
        [
            ("kecil", "Kecil (kurang dari 30 cm, sebesar piring)", "Small (under 30 cm, the size of a plate)"),
            ("sedang", "Sedang (30 cm sampai 1 m)", "Medium (30 cm to 1 m)"),
            ("besar", "Besar (lebih dari 1 m, selebar ban mobil atau lebih)", "Large (over 1 m, a car's width or more)"),
        ],
    ),
    (
        "banjir", "kedalaman_air_cm", "number", False,
        "Perkiraan kedalaman air (cm)", "Approximate water depth (cm)", [],
    ),
    (
        "saluran_tersumbat", "kedalaman_genangan_cm", "number", False,
        "Perkiraan kedalaman genangan di jalan (cm)", "Approximate depth of the standing water on the street (cm)", [],
    ),
    (
        "lampu_jalan", "nomor_tiang", "string", False,
        "Nomor tiang lampu (tertulis di tiang, jika terlihat)", "Pole number (written on the pole, if visible)", [],
    ),
    (
        "lampu_jalan", "mati_sejak", "datetime", False,
        "Sejak kapan lampu mati?", "Since when has the light been out?", [],
    ),
    (
        "sampah", "jenis_sampah", "multivaluelist", False,
        "Jenis sampah yang terlihat", "Kinds of rubbish seen",
        [
            ("rumah_tangga", "Sampah rumah tangga", "Household rubbish"),
            ("plastik", "Plastik", "Plastic"),
            ("puing", "Puing bangunan", "Building rubble"),
            ("berbahaya", "Berbahaya (B3: baterai, oli, limbah medis)", "Hazardous (batteries, oil, medical waste)"),
        ],
    ),
]


def load(apps, schema_editor):
    Question = apps.get_model("taxonomy", "CategoryQuestion")
    Value = apps.get_model("taxonomy", "CategoryQuestionValue")
    for order, (category, code, datatype, required, text_id, text_en, values) in enumerate(QUESTIONS, start=1):
        question, _ = Question.objects.update_or_create(
            category_id=category,
            code=code,
            defaults={
                "datatype": datatype,
                "required": required,
                "order": order * 10,
                "description_id": text_id,
                "description_en": text_en,
                "is_active": True,
            },
        )
        for position, (key, name_id, name_en) in enumerate(values, start=1):
            Value.objects.update_or_create(
                question=question, key=key, defaults={"name_id": name_id, "name_en": name_en, "order": position * 10}
            )


class Migration(migrations.Migration):
    dependencies = [("taxonomy", "0004_categoryquestion_categoryquestionvalue")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
