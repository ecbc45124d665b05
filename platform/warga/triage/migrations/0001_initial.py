# The triage desk's holds and offers move here from warga.national with their tables, which keep
# their names and rows: only the migration state changes hands (docs/decisions/0110).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('national', '0007_covering_indexes_for_the_pages'),
        ('tenants', '0001_initial'),
    ]

    state_operations = [
        migrations.CreateModel(
            name='TriageHold',
            fields=[
                ('id', models.BigAutoField(primary_key=True, serialize=False)),
                ('tracking_number', models.CharField(max_length=32)),
                ('reason', models.TextField()),
                ('held_at', models.DateTimeField()),
                ('released_at', models.DateTimeField(blank=True, null=True)),
            ],
            options={
                'db_table': 'national_triage_hold',
                'ordering': ['-held_at', '-id'],
                'indexes': [models.Index(fields=['tracking_number'], name='triage_hold_number')],
                'constraints': [models.UniqueConstraint(condition=models.Q(('released_at__isnull', True)), fields=('tracking_number',), name='triage_hold_active_once')],
            },
        ),
        migrations.CreateModel(
            name='Offer',
            fields=[
                ('id', models.BigAutoField(primary_key=True, serialize=False)),
                ('tracking_number', models.CharField(max_length=32)),
                ('status', models.CharField(choices=[('pending', 'Menunggu keputusan'), ('accepted', 'Diterima'), ('declined', 'Ditolak'), ('withdrawn', 'Ditarik')], default='pending', max_length=12)),
                ('type', models.CharField(max_length=24)),
                ('category_code', models.CharField(max_length=40)),
                ('district_code', models.CharField(max_length=8)),
                ('village_code', models.CharField(max_length=13)),
                ('report_created_at', models.DateTimeField()),
                ('offered_at', models.DateTimeField()),
                ('decided_at', models.DateTimeField(blank=True, null=True)),
                ('decline_reason', models.TextField(blank=True)),
                ('government', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='tenants.government')),
            ],
            options={
                'db_table': 'national_offer',
                'ordering': ['offered_at', 'id'],
                'indexes': [models.Index(fields=['government', 'status', 'offered_at'], name='offer_government_status'), models.Index(fields=['tracking_number', 'status'], name='offer_number_status')],
                'constraints': [models.UniqueConstraint(fields=('tracking_number', 'government'), name='offer_once_per_government')],
            },
        ),
    ]

    operations = [migrations.SeparateDatabaseAndState(state_operations=state_operations)]
