from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("reports", "0008_external_forwards")]

    operations = [
        migrations.AddField(
            model_name="report",
            name="answers",
            field=models.JSONField(blank=True, default=dict),
        ),
    ]
