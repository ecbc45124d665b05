# The triage desk's holds and offers now belong to warga.triage (docs/decisions/0110). Their
# tables stay: this removes the models from this app's state only and drops nothing.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('national', '0007_covering_indexes_for_the_pages'),
        ('triage', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='Offer'),
                migrations.DeleteModel(name='TriageHold'),
            ],
        ),
    ]
