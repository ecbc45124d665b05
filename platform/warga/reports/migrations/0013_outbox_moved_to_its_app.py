# The outbox now belongs to warga.outbox (docs/decisions/0111). Its table stays in every
# government's schema: this removes the model from this app's state only and drops nothing.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0012_report_description_words'),
        ('outbox', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='OutboxEvent')],
        ),
    ]
