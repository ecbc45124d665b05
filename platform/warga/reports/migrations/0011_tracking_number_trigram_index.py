import django.contrib.postgres.indexes
import django.db.models.functions.text
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('organization', '0005_units_end_branding'),
        ('reports', '0010_waiting_index'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='report',
            index=django.contrib.postgres.indexes.GinIndex(django.contrib.postgres.indexes.OpClass(django.db.models.functions.text.Upper('tracking_number'), name='gin_trgm_ops'), name='report_tracking_number_trgm'),
        ),
    ]
