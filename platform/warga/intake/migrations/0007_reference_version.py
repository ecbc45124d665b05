"""The version intake's per-process reference cache is keyed by (docs/decisions/0085).

A statement-level trigger on every public table intake reads for a submission (categories,
their questions and choices, villages, districts, regencies, governments) gives the one row
of `intake_reference_version` a new random value in the writer's own transaction, whoever the
writer is: the admin, the region import, provisioning, migrations, raw SQL.
"""

from django.db import migrations, models

# Every table the cache (warga.intake.reference) reads; tests check that each has the trigger.
REFERENCE_TABLES = (
    "taxonomy_category",
    "taxonomy_category_question",
    "taxonomy_category_question_value",
    "regions_village",
    "regions_district",
    "regions_regency",
    "tenants_government",
)

FUNCTION = """
CREATE OR REPLACE FUNCTION public.warga_intake_reference_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO public.intake_reference_version (id, version, changed_at)
    VALUES (1, gen_random_uuid(), clock_timestamp())
    ON CONFLICT (id) DO UPDATE SET version = excluded.version, changed_at = excluded.changed_at;
    RETURN NULL;
END
$$;
"""

TRIGGER = (
    "CREATE TRIGGER intake_reference_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON public.{table} "
    "FOR EACH STATEMENT EXECUTE FUNCTION public.warga_intake_reference_changed()"
)


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0006_rahasia_unnamed"),
        ("regions", "0003_boundaries"),
        ("taxonomy", "0005_national_category_questions"),
        ("tenants", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="ReferenceVersion",
            fields=[
                ("id", models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False)),
                ("version", models.UUIDField()),
                ("changed_at", models.DateTimeField()),
            ],
            options={
                "db_table": "intake_reference_version",
                "constraints": [models.CheckConstraint(condition=models.Q(id=1), name="one_reference_version")],
            },
        ),
        migrations.RunSQL(
            [FUNCTION]
            + [TRIGGER.format(table=table) for table in REFERENCE_TABLES]
            + ["INSERT INTO intake_reference_version (id, version, changed_at) VALUES (1, gen_random_uuid(), now())"],
            reverse_sql=[f"DROP TRIGGER intake_reference_changed ON public.{table}" for table in REFERENCE_TABLES]
            + ["DROP FUNCTION public.warga_intake_reference_changed()"],
        ),
    ]
