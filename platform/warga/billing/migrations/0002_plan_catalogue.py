from django.db import migrations

from warga.billing.catalogue import plan_catalogue


def seed(apps, schema_editor):
    Plan = apps.get_model("billing", "Plan")
    for plan in plan_catalogue():
        Plan.objects.update_or_create(code=plan["code"], defaults=plan)


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
