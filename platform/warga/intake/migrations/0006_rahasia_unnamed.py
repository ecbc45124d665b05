from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("intake", "0005_reporter_digest")]

    operations = [
        migrations.AddConstraint(
            model_name="reportindex",
            constraint=models.CheckConstraint(
                condition=models.Q(("privacy", "rahasia"), _negated=True) | models.Q(("reporter__isnull", True)),
                name="report_index_rahasia_unnamed",
            ),
        ),
    ]
