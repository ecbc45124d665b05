"""The routing row's `report_id` becomes a relation for the ORM only (no foreign key in the
database: a report that moves to another government is deleted here while its routing row
stays). The column, its type and its unique constraint are unchanged, so nothing runs in the
database."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0005_report_newest_index"),
        ("routing", "0002_routing_running_due_at"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="reportrouting", name="report_id"),
                migrations.AddField(
                    model_name="reportrouting",
                    name="report",
                    field=models.OneToOneField(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="routing",
                        to="reports.report",
                    ),
                ),
            ],
            database_operations=[],
        )
    ]
