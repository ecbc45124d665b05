"""Each category's default priority: what a new report of it starts with.

Urgent where waiting endangers people or property now (floods, fallen or dangerous trees,
and the emergencies that are referred to 112 anyway); high where the harm grows by the
hour (blocked drains flood the street at the next rain, dead traffic lights cause
collisions); every other category starts normal. Officials raise or lower a report's own
priority with a reason.
"""

from django.db import migrations, models

DEFAULTS = {
    "banjir": "urgent",
    "pohon_tumbang": "urgent",
    "kebakaran": "urgent",
    "kejahatan": "urgent",
    "saluran_tersumbat": "high",
    "lalu_lintas": "high",
}


def set_defaults(apps, schema_editor):
    Category = apps.get_model("taxonomy", "Category")
    for code, priority in DEFAULTS.items():
        Category.objects.filter(code=code).update(default_priority=priority)


class Migration(migrations.Migration):
    dependencies = [("taxonomy", "0002_national_categories")]

    operations = [
        migrations.AddField(
            model_name="category",
            name="default_priority",
            field=models.CharField(
                choices=[("normal", "Biasa"), ("high", "Tinggi"), ("urgent", "Darurat")],
                default="normal",
                max_length=8,
            ),
        ),
        migrations.RunPython(set_defaults, migrations.RunPython.noop),
    ]
