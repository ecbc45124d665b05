# The outbox moves here from warga.reports with its table, which keeps its name and rows in
# every government's schema: only the migration state changes hands (docs/decisions/0111).

from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('reports', '0012_report_description_words'),
    ]

    state_operations = [
        migrations.CreateModel(
            name='OutboxEvent',
            fields=[
                ('id', models.BigAutoField(primary_key=True, serialize=False)),
                ('aggregate_type', models.CharField(max_length=32)),
                ('aggregate_id', models.BigIntegerField()),
                ('kind', models.CharField(max_length=64)),
                ('payload', models.JSONField()),
                ('created_at', models.DateTimeField()),
                ('relayed_at', models.DateTimeField(blank=True, null=True)),
            ],
            options={
                'db_table': 'reports_outbox',
                'ordering': ['id'],
                'indexes': [models.Index(condition=models.Q(('relayed_at__isnull', True)), fields=['id'], name='outbox_pending')],
            },
        ),
    ]

    operations = [migrations.SeparateDatabaseAndState(state_operations=state_operations)]
