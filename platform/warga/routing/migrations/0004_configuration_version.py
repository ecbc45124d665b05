"""The version routing's per-process cache is keyed by (docs/decisions/0061).

A statement-level trigger on every table routing's configuration is read from gives the one
row of `routing_configuration_version` a new random value in the writer's own transaction,
whoever the writer is: services, imports, the Django admin, migrations, raw SQL. The trigger
function lives in public and names the table through the schema of the table written, so it
never depends on the writer's search_path. It is created under an advisory lock because the
fleet migrates several schemas at once.
"""

from django.db import migrations, models

# Every table the cache (warga.routing.configuration) reads; tests check that each has the trigger.
CONFIGURATION_TABLES = (
    "routing_rule_set",
    "routing_rule",
    "organization_unit",
    "organization_position",
    "organization_membership",
    "workcalendar_office_hours",
    "workcalendar_day_off",
    "workcalendar_day_worked",
    "workcalendar_sla_target",
)

FUNCTION = """
SELECT pg_advisory_xact_lock(hashtext('public.warga_routing_configuration_changed'));
CREATE OR REPLACE FUNCTION public.warga_routing_configuration_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format(
        'INSERT INTO %I.routing_configuration_version (id, version, changed_at) '
        'VALUES (1, gen_random_uuid(), clock_timestamp()) '
        'ON CONFLICT (id) DO UPDATE SET version = excluded.version, changed_at = excluded.changed_at',
        TG_TABLE_SCHEMA
    );
    RETURN NULL;
END
$$;
"""

TRIGGER = (
    "CREATE TRIGGER routing_configuration_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
    "FOR EACH STATEMENT EXECUTE FUNCTION public.warga_routing_configuration_changed()"
)


class Migration(migrations.Migration):
    dependencies = [
        ("organization", "0005_units_end_branding"),
        ("workcalendar", "0002_audit_event"),
        ("routing", "0003_routing_report_relation"),
    ]

    operations = [
        migrations.CreateModel(
            name="ConfigurationVersion",
            fields=[
                ("id", models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False)),
                ("version", models.UUIDField()),
                ("changed_at", models.DateTimeField()),
            ],
            options={
                "db_table": "routing_configuration_version",
                "constraints": [models.CheckConstraint(condition=models.Q(id=1), name="one_configuration_version")],
            },
        ),
        migrations.RunSQL(FUNCTION, reverse_sql=migrations.RunSQL.noop),
        migrations.RunSQL(
            [TRIGGER.format(table=table) for table in CONFIGURATION_TABLES]
            + ["INSERT INTO routing_configuration_version (id, version, changed_at) VALUES (1, gen_random_uuid(), now())"],
            reverse_sql=[
                f"DROP TRIGGER routing_configuration_changed ON {table}" for table in CONFIGURATION_TABLES
            ],
        ),
    ]
