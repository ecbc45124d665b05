"""Reports in the owning government's schema (tenant scope).

A report references public data by plain code or id with no database constraint (the
reporter's account, the category, the region codes), so a government's schema holds only
its own tables and stays ready for schema-based sharding. Table names carry the app label,
which keeps them distinct from every public table (a tenant connection also searches public).
"""

from __future__ import annotations

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models.functions import Upper

from warga.append_only import AppendOnlyModel
from warga.reports.lifecycle import Status
from warga.reports.words import DESCRIPTION_WORDS


class ReportType(models.TextChoices):
    PENGADUAN = "pengaduan", "Pengaduan"
    ASPIRASI = "aspirasi", "Aspirasi"
    PERMINTAAN_INFORMASI = "permintaan_informasi", "Permintaan informasi"


class Privacy(models.TextChoices):
    PUBLIK = "publik", "Publik"
    # Name hidden from the public and from officials.
    ANONIM = "anonim", "Anonim"
    # Content hidden from the public entirely.
    RAHASIA = "rahasia", "Rahasia"


class Priority(models.TextChoices):
    """How urgently a report needs handling. Citizens do not choose it: a report starts with
    its category's default (the national taxonomy) and officials change it with a reason."""

    NORMAL = "normal", "Biasa"
    HIGH = "high", "Tinggi"
    URGENT = "urgent", "Darurat"


# Most urgent first: the inbox sorts by this rank, not by the stored text.
PRIORITY_RANK: dict[str, int] = {Priority.URGENT: 0, Priority.HIGH: 1, Priority.NORMAL: 2}


class Report(models.Model):
    id = models.BigAutoField(primary_key=True)
    tracking_number = models.CharField(max_length=32, unique=True)
    type = models.CharField(max_length=24, choices=ReportType.choices)
    category_code = models.CharField(max_length=40, db_index=True)
    description = models.TextField()
    # The answers to the category's questions, keyed by question code, as intake cleaned them
    # (warga.taxonomy.questions); a question retired later keeps its answers here.
    answers = models.JSONField(default=dict, blank=True)
    latitude = models.FloatField()
    longitude = models.FloatField()
    province_code = models.CharField(max_length=2)
    regency_code = models.CharField(max_length=5)
    district_code = models.CharField(max_length=8)
    village_code = models.CharField(max_length=13, db_index=True)
    privacy = models.CharField(max_length=8, choices=Privacy.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RECEIVED)
    priority = models.CharField(max_length=8, choices=Priority.choices, default=Priority.NORMAL)
    # The handling unit once verified; units live in this same schema, so a real key.
    unit = models.ForeignKey(
        "organization.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="reports"
    )
    reporter_id = models.UUIDField(db_index=True)
    support_count = models.PositiveIntegerField(default=0)
    # The reporter's rating of the resolution, 1-5, given once.
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)
    # Set when officials merged this report into the one it repeats (same schema).
    merged_into = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField()
    status_changed_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "reports_report"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="report_status_created"),
            # The inbox's default page (newest first) for a head of government, who sees every
            # report: walked in order instead of sorting a million rows (docs/performance.md).
            models.Index(fields=["-created_at", "-id"], name="report_newest"),
            models.Index(fields=["latitude", "longitude"], name="report_lat_lon"),
            # The inbox's search box, for part of a tracking number, any case (`icontains` compares
            # UPPER(...)): found through trigrams instead of reading every report. Descriptions
            # have no trigram index: a word in most of them sent the planner through it for
            # seconds (docs/performance.md, docs/decisions/0076).
            GinIndex(OpClass(Upper("tracking_number"), name="gin_trgm_ops"), name="report_tracking_number_trgm"),
            # The search box's words of descriptions (warga.reports.words): full-text, whose
            # statistics tell a rare word from a common one (docs/decisions/0077).
            GinIndex(DESCRIPTION_WORDS, name="report_description_words"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180),
                name="report_coordinates_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="report_rating_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return self.tracking_number


class ReportEvent(AppendOnlyModel):
    """One entry of a report's audit trail: written once, never changed."""

    id = models.BigAutoField(primary_key=True)
    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="events")
    # Plain reference to the account in public; null for system actions.
    actor_id = models.UUIDField(null=True, blank=True)
    from_status = models.CharField(max_length=16, blank=True, help_text="Empty for the submission itself.")
    to_status = models.CharField(max_length=16)
    note = models.TextField(blank=True)
    at = models.DateTimeField()

    class Meta:
        db_table = "reports_event"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.report_id}: {self.from_status or '-'} -> {self.to_status}"


class TrackingCounter(models.Model):
    """The last tracking-number sequence used in this government's schema, per year.

    Incremented inside the submitting transaction under the row lock, so numbers have no
    gaps: a submission that rolls back takes its increment with it.
    """

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "reports_tracking_counter"

    def __str__(self) -> str:
        return f"{self.year}: {self.last_value}"


class PhotoKind(models.TextChoices):
    REPORT = "report", "Foto laporan"
    PROOF = "proof", "Foto bukti penanganan"


class PhotoState(models.TextChoices):
    # Checked in the request; the original waits in quarantine for the task. Never served.
    PROCESSING = "processing", "Sedang diproses"
    READY = "ready", "Siap"
    # The task could not decode it after all; never served, the report stands without it.
    REJECTED = "rejected", "Ditolak"


class ReportPhoto(models.Model):
    """A photo of a report (the citizen's, or an official's proof of the fix), stored
    re-encoded without metadata.

    `path` starts with the owning schema's name; files are only ever served through a view
    that finds the row in the current schema and checks the viewer may see the report.
    Proof photos also carry when and where they were taken, as the official's device said.
    """

    id = models.BigAutoField(primary_key=True)
    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="photos")
    kind = models.CharField(max_length=8, choices=PhotoKind.choices, default=PhotoKind.REPORT)
    position = models.PositiveSmallIntegerField()
    path = models.CharField(max_length=255, unique=True)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size_bytes = models.PositiveIntegerField()
    original_format = models.CharField(max_length=8)
    sha256 = models.CharField(max_length=64)
    perceptual_hash = models.CharField(max_length=16, db_index=True)
    # New rows start in processing: only the photo task (or a service that processed the
    # picture itself, as for proofs) marks a photo ready to be served.
    state = models.CharField(max_length=12, choices=PhotoState.choices, default=PhotoState.PROCESSING)
    thumbnail_path = models.CharField(max_length=255, blank=True)
    captured_at = models.DateTimeField(null=True, blank=True)
    captured_latitude = models.FloatField(null=True, blank=True)
    captured_longitude = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        db_table = "reports_photo"
        ordering = ["report", "position"]
        constraints = [models.UniqueConstraint(fields=["report", "position"], name="report_photo_position")]
        # The resend pass looks for photos still waiting for their task (report_photos_resend_waiting).
        indexes = [
            models.Index(fields=["created_at"], name="report_photo_waiting", condition=models.Q(state="processing"))
        ]

    def __str__(self) -> str:
        return self.path


class ReportSupport(models.Model):
    """One citizen's "saya juga" on someone else's report: at most one per citizen."""

    id = models.BigAutoField(primary_key=True)
    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="supports")
    user_id = models.UUIDField()
    created_at = models.DateTimeField()

    class Meta:
        db_table = "reports_support"
        constraints = [models.UniqueConstraint(fields=["report", "user_id"], name="report_support_once")]

    def __str__(self) -> str:
        return f"{self.report_id}: {self.user_id}"


class ReportForward(models.Model):
    """Left behind when a report moved to another government: where it went, who sent it.

    The report itself, its photos and its history now live in the new owner's schema; the
    public index points there. This row answers "where is my report?" from the old side.
    """

    id = models.BigAutoField(primary_key=True)
    tracking_number = models.CharField(max_length=32, unique=True)
    # Plain id of the new owner in the public registry (no constraint across schemas).
    to_government_id = models.BigIntegerField()
    actor_id = models.UUIDField()
    note = models.TextField()
    at = models.DateTimeField()

    class Meta:
        db_table = "reports_forward"

    def __str__(self) -> str:
        return f"{self.tracking_number} -> {self.to_government_id}"


class CommentRole(models.TextChoices):
    REPORTER = "reporter", "Pelapor"
    CITIZEN = "citizen", "Warga"
    OFFICIAL = "official", "Petugas"


class ReportComment(models.Model):
    """A message on a report's public thread. The public sees the role, never the author."""

    id = models.BigAutoField(primary_key=True)
    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="comments")
    author_id = models.UUIDField()
    role = models.CharField(max_length=8, choices=CommentRole.choices)
    body = models.TextField()
    created_at = models.DateTimeField()

    class Meta:
        db_table = "reports_comment"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.report_id}: {self.role}"


class FollowReason(models.TextChoices):
    MERGED_REPORTER = "merged_reporter", "Pelapor laporan yang digabungkan"
    MERGED_SUPPORTER = "merged_supporter", "Pendukung laporan yang digabungkan"


class ReportFollower(models.Model):
    """Someone to tell when a report is resolved besides its reporter and its supporters: the
    reporter and supporters of a duplicate merged into it (they reported the same problem).
    Moves with the report when it is transferred."""

    id = models.BigAutoField(primary_key=True)
    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="followers")
    user_id = models.UUIDField()
    reason = models.CharField(max_length=20, choices=FollowReason.choices)
    # The duplicate that brought them here.
    from_tracking_number = models.CharField(max_length=32)
    created_at = models.DateTimeField()

    class Meta:
        db_table = "reports_follower"
        constraints = [models.UniqueConstraint(fields=["report", "user_id"], name="report_follower_once")]

    def __str__(self) -> str:
        return f"{self.report_id}: {self.user_id}"


class ReportInternalNote(models.Model):
    """An official's note on a report for the officials of its government only: never shown
    to the reporter or the public, never sent to the national level. Adding one leaves an
    audit event (without its text) on the report's trail. Deleted with the report's data."""

    id = models.BigAutoField(primary_key=True)
    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="internal_notes")
    # Plain reference to the account in public.
    author_id = models.UUIDField()
    body = models.TextField()
    created_at = models.DateTimeField()

    class Meta:
        db_table = "reports_internal_note"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.report_id}: note {self.pk}"


class ReportAssignment(models.Model):
    """Who works a report in the field: a petugas lapangan of its handling unit, chosen by an
    official who may act on it. A new assignment ends the previous one (`ended_at`); at most
    one is current per report (a database constraint)."""

    id = models.BigAutoField(primary_key=True)
    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="assignments")
    # Plain references to accounts in public.
    assignee_id = models.UUIDField(db_index=True)
    assigned_by_id = models.UUIDField()
    note = models.TextField(blank=True)
    created_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "reports_assignment"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["report"], condition=models.Q(ended_at__isnull=True), name="report_assignment_current"
            )
        ]

    def __str__(self) -> str:
        return f"{self.report_id} -> {self.assignee_id}"


class ResponseTemplate(models.Model):
    """A reply to citizens the government's officials start from: per government (this schema),
    for one category or (empty code) every category, with placeholders `{nomor}` (tracking
    number), `{unit}` (handling unit) and `{tanggal}` (today's date) filled in for the report."""

    id = models.BigAutoField(primary_key=True)
    title = models.CharField(max_length=120)
    body = models.TextField()
    category_code = models.CharField(max_length=40, blank=True, help_text="Empty: every category.")
    is_active = models.BooleanField(default=True)
    # Plain references to accounts in public.
    created_by_id = models.UUIDField()
    updated_by_id = models.UUIDField()
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        db_table = "reports_response_template"
        ordering = ["category_code", "title", "id"]

    def __str__(self) -> str:
        return self.title


class ExternalForward(models.Model):
    """A report forwarded to an external organisation (PLN, PDAM, Telkom: a unit of kind
    `external`) by email, or by its webhook (warga.webhooks; then `contact_email` is the empty
    string, which the service writes without model validation, so no migration was needed).
    The report stays open with its handler; the organisation's answer is entered when it
    comes back."""

    id = models.BigAutoField(primary_key=True)
    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="external_forwards")
    unit = models.ForeignKey("organization.Unit", on_delete=models.PROTECT, related_name="+")
    contact_email = models.EmailField()
    note = models.TextField()
    # Plain references to accounts in public.
    sent_by_id = models.UUIDField()
    sent_at = models.DateTimeField()
    answer = models.TextField(blank=True)
    answered_by_id = models.UUIDField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "reports_external_forward"
        ordering = ["sent_at", "id"]

    def __str__(self) -> str:
        return f"{self.report_id} -> {self.unit_id}"
