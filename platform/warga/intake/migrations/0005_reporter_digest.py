"""The public index keeps a keyed hash, not the account, for rahasia reports (docs/decisions/0029).

Existing rahasia rows are converted here: the hash is computed from the account id, then the
account is cleared. The reverse finds each hash's account again (hashing every account id once)
and puts it back. The constraint that a rahasia row names nobody follows in 0005, in its own
transaction (PostgreSQL refuses ALTER TABLE after updates with deferred foreign-key checks).
"""

from django.conf import settings
from django.db import migrations, models

from warga.intake.reporters import reporter_digest

BATCH = 2000


def hash_rahasia_reporters(apps, schema_editor):
    ReportIndex = apps.get_model("intake", "ReportIndex")
    rows = ReportIndex.objects.filter(privacy="rahasia", reporter__isnull=False).values_list("pk", "reporter_id")
    for pk, reporter_id in rows.iterator(chunk_size=BATCH):
        ReportIndex.objects.filter(pk=pk).update(reporter=None, reporter_digest=reporter_digest(reporter_id))


def name_rahasia_reporters_again(apps, schema_editor):
    ReportIndex = apps.get_model("intake", "ReportIndex")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    wanted = set(ReportIndex.objects.exclude(reporter_digest="").values_list("reporter_digest", flat=True))
    for user_id in User.objects.values_list("pk", flat=True).iterator(chunk_size=BATCH):
        if not wanted:
            break
        digest = reporter_digest(user_id)
        if digest in wanted:
            ReportIndex.objects.filter(reporter_digest=digest).update(reporter_id=user_id, reporter_digest="")
            wanted.discard(digest)
    # Hashes whose account is gone stay unnamed (as an erased account's rows are).
    ReportIndex.objects.exclude(reporter_digest="").update(reporter_digest="")


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0004_map_cells"),
        ("tenants", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="reportindex",
            name="reporter_digest",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
        migrations.AddIndex(
            model_name="reportindex",
            index=models.Index(
                condition=models.Q(("reporter_digest", ""), _negated=True),
                fields=["reporter_digest", "-created_at"],
                name="report_index_digest_recent",
            ),
        ),
        migrations.AddConstraint(
            model_name="reportindex",
            constraint=models.UniqueConstraint(
                condition=models.Q(("reporter_digest", ""), _negated=True),
                fields=("reporter_digest", "idempotency_key"),
                name="report_index_idempotency_digest",
            ),
        ),
        migrations.RunPython(hash_rahasia_reporters, name_rahasia_reporters_again),
    ]
