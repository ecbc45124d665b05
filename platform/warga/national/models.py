"""The national read model (public scope): PII-free facts about every report in the country.

Filled only by the relay (warga.national.services.relay_drain) from each government's outbox;
nothing here is ever written by a request. Rows carry codes, statuses, times and counts: no
description, no coordinates, no identity (UU 27/2022). Why it lives in public and not in the
national government's schema: docs/decisions/0009-national-read-model.md.
"""

from __future__ import annotations

from django.db import models


class RegionLevel(models.TextChoices):
    PROVINCE = "province", "Provinsi"
    REGENCY = "regency", "Kabupaten/kota"
    DISTRICT = "district", "Kecamatan"


class ReportFact(models.Model):
    """One report, wherever it lives now, keyed by its nationally unique tracking number
    (kept when a report moves between governments; the per-schema id is not)."""

    id = models.BigAutoField(primary_key=True)
    tracking_number = models.CharField(max_length=32, unique=True)
    # Kemendagri code of the government holding the report, or NAS for the triage desk.
    owner_code = models.CharField(max_length=5)
    # When the current owner received it: events of earlier owners older than this only fill in history.
    owner_since = models.DateTimeField()
    province_code = models.CharField(max_length=2)
    regency_code = models.CharField(max_length=5)
    district_code = models.CharField(max_length=8)
    village_code = models.CharField(max_length=13)
    category_code = models.CharField(max_length=40)
    type = models.CharField(max_length=24)
    privacy = models.CharField(max_length=8)
    status = models.CharField(max_length=16)
    is_open = models.BooleanField()
    created_at = models.DateTimeField()
    # The national reporting day (WIB) of created_at: the roll-ups' day.
    created_day = models.DateField()
    first_response_at = models.DateTimeField(null=True, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    in_progress_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Met (True) or missed (False) against the owner's own target and working calendar; null
    # while the step is not done or the owner sets no target for it.
    sla_verify_met = models.BooleanField(null=True, blank=True)
    sla_follow_up_met = models.BooleanField(null=True, blank=True)
    sla_resolve_met = models.BooleanField(null=True, blank=True)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    support_count = models.PositiveIntegerField(default=0)
    transfer_count = models.PositiveIntegerField(default=0)
    # Times the reporter disputed a resolution (each dispute reopens the report).
    dispute_count = models.PositiveIntegerField(default=0, db_default=0)
    # Last applied outbox id per source government code: {"32.73": 41, "31": 7}. An event at
    # or below its source's cursor was applied already and is ignored (at-least-once delivery).
    source_cursors = models.JSONField(default=dict)
    # created_at of the newest event applied, and when it was applied: the freshness of this row.
    last_event_at = models.DateTimeField()
    applied_at = models.DateTimeField()

    class Meta:
        db_table = "national_report_fact"
        indexes = [
            models.Index(fields=["created_day", "province_code"], name="fact_day_province"),
            models.Index(fields=["province_code", "created_day"], name="fact_province_day"),
            models.Index(fields=["regency_code", "created_day"], name="fact_regency_day"),
            models.Index(fields=["owner_code"], name="fact_owner"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="fact_rating_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return self.tracking_number


class Rollup(models.Model):
    """Report counts per national day x region (at three levels) x category x type x status,
    with the additive sums every dashboard figure needs, so no dashboard query reads facts:
    SLA steps met and known, the ratings' sum and count, and disputes.

    Derived entirely from facts: recomputed for each (day, province) a relay batch touched,
    so it can always be rebuilt and never drifts (docs/decisions/0009, 0066).
    """

    id = models.BigAutoField(primary_key=True)
    day = models.DateField()
    level = models.CharField(max_length=8, choices=RegionLevel.choices)
    region_code = models.CharField(max_length=8)
    province_code = models.CharField(max_length=2)
    category_code = models.CharField(max_length=40)
    type = models.CharField(max_length=24)
    status = models.CharField(max_length=16)
    reports = models.PositiveIntegerField()
    # SLA steps (verify, follow-up, resolve) met, and known (met or missed), over these reports.
    sla_met = models.PositiveIntegerField(default=0, db_default=0)
    sla_known = models.PositiveIntegerField(default=0, db_default=0)
    rating_sum = models.PositiveIntegerField(default=0, db_default=0)
    ratings = models.PositiveIntegerField(default=0, db_default=0)
    # Disputes raised, and reports disputed at least once.
    disputes = models.PositiveIntegerField(default=0, db_default=0)
    disputed_reports = models.PositiveIntegerField(default=0, db_default=0)

    class Meta:
        db_table = "national_rollup"
        constraints = [
            models.UniqueConstraint(
                fields=["day", "level", "region_code", "category_code", "type", "status"], name="rollup_cell"
            )
        ]
        indexes = [
            # The categories chart of the country reads only the index (docs/decisions/0080).
            models.Index(
                fields=["level", "day"],
                include=["category_code", "type", "reports", "region_code"],
                name="rollup_level_day_categories",
            ),
            # A drilled region's categories: its own rows only.
            models.Index(fields=["level", "region_code", "day"], name="rollup_region_day"),
            models.Index(fields=["province_code", "day"], name="rollup_province_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.region_code} {self.category_code} {self.status}: {self.reports}"


class DurationMeasure(models.TextChoices):
    FIRST_RESPONSE = "first_response", "Waktu hingga tanggapan pertama"
    RESOLUTION = "resolution", "Waktu hingga selesai"


class DurationHistogram(models.Model):
    """How many reports took how long, per national day x region (three levels) x category x
    measure, in fixed buckets (warga.national.histograms: bucket 0 is under a minute, then
    each bucket 5 % wider than the one before). Only non-empty buckets have a row. Rebuilt
    with the roll-ups from the facts; the dashboard's medians come from here, not from the
    facts (docs/decisions/0042)."""

    id = models.BigAutoField(primary_key=True)
    day = models.DateField()
    level = models.CharField(max_length=8, choices=RegionLevel.choices)
    region_code = models.CharField(max_length=8)
    province_code = models.CharField(max_length=2)
    category_code = models.CharField(max_length=40)
    measure = models.CharField(max_length=16, choices=DurationMeasure.choices)
    bucket = models.PositiveSmallIntegerField()
    reports = models.PositiveIntegerField()

    class Meta:
        db_table = "national_duration_histogram"
        constraints = [
            models.UniqueConstraint(
                fields=["day", "level", "region_code", "category_code", "measure", "bucket"],
                name="duration_histogram_cell",
            )
        ]
        indexes = [
            models.Index(fields=["level", "day"], name="histogram_level_day"),
            models.Index(fields=["province_code", "day"], name="histogram_province_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.region_code} {self.category_code} {self.measure}[{self.bucket}]: {self.reports}"


# The country as one region in `RegionDuration` and `RegionCategory` (its counts are the sum of
# 38 province rows).
COUNTRY_LEVEL = "country"
COUNTRY_CODE = "ID"
# The levels of the folds that keep a country row.
COUNTRY_FOLD_LEVELS = [
    (COUNTRY_LEVEL, "Indonesia"),
    (RegionLevel.PROVINCE, "Provinsi"),
    (RegionLevel.REGENCY, "Kabupaten/kota"),
]


REGION_DAY_SUMS = [
    "reports",
    "open",
    "resolved",
    "sla_met",
    "sla_known",
    "rating_sum",
    "ratings",
    "disputes",
    "disputed_reports",
]


class RegionDay(models.Model):
    """One row per national day x region (province, regency, district): the roll-ups' sums with
    category, type and status folded in (open and resolved are columns). What the dashboard's
    KPIs, map, drill-down, series and rankings read: a 30-day country view sums 38 x 30 rows,
    the kab/kota rankings 514 x 30, instead of every category x type x status row
    (docs/decisions/0080). Rebuilt from `national_rollup` with it, for each (day, province)."""

    id = models.BigAutoField(primary_key=True)
    day = models.DateField()
    level = models.CharField(max_length=8, choices=RegionLevel.choices)
    region_code = models.CharField(max_length=8)
    province_code = models.CharField(max_length=2)
    reports = models.PositiveIntegerField()
    open = models.PositiveIntegerField()
    resolved = models.PositiveIntegerField()
    sla_met = models.PositiveIntegerField()
    sla_known = models.PositiveIntegerField()
    rating_sum = models.PositiveIntegerField()
    ratings = models.PositiveIntegerField()
    disputes = models.PositiveIntegerField()
    disputed_reports = models.PositiveIntegerField()

    class Meta:
        db_table = "national_region_day"
        constraints = [models.UniqueConstraint(fields=["day", "level", "region_code"], name="region_day_cell")]
        # The pages read these indexes alone (index-only scans once autovacuum has passed): a
        # region's days, a level's days, a level's days inside one province.
        indexes = [
            models.Index(
                fields=["level", "region_code", "day"], include=REGION_DAY_SUMS, name="region_day_region_sums"
            ),
            models.Index(
                fields=["level", "day"], include=["region_code", *REGION_DAY_SUMS], name="region_day_level_day_sums"
            ),
            models.Index(
                fields=["level", "province_code", "day"],
                include=["region_code", *REGION_DAY_SUMS],
                name="region_day_level_province_sums",
            ),
            models.Index(fields=["province_code", "day"], name="region_day_province_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.region_code}: {self.reports}"


class CountryFold(models.Model):
    """A per-region fold with a country row kept as the running sum of its province rows
    (`rollup_recompute` adds each province's change to it): the columns every such fold has.
    `reports` of a country row may pass through 0 and is signed for that reason."""

    id = models.BigAutoField(primary_key=True)
    day = models.DateField()
    level = models.CharField(max_length=8, choices=COUNTRY_FOLD_LEVELS)
    region_code = models.CharField(max_length=8)
    province_code = models.CharField(max_length=2)
    reports = models.IntegerField()

    class Meta:
        abstract = True


class RegionDuration(CountryFold):
    """Duration histograms per national day x region x measure x bucket, categories summed:
    the dashboard's medians read the rows of the one region looked at (`country` for the whole
    country, kept as the running sum of the province rows) instead of every category of every
    province (docs/decisions/0042, 0080). Rebuilt from `national_duration_histogram` with it."""

    measure = models.CharField(max_length=16, choices=DurationMeasure.choices)
    bucket = models.PositiveSmallIntegerField()

    class Meta:
        db_table = "national_region_duration"
        constraints = [
            models.UniqueConstraint(
                fields=["day", "level", "region_code", "measure", "bucket"], name="region_duration_cell"
            )
        ]
        indexes = [
            models.Index(
                fields=["level", "region_code", "day"],
                include=["measure", "bucket", "reports"],
                name="region_duration_region_buckets",
            ),
            models.Index(fields=["province_code", "day"], name="region_duration_province"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.region_code} {self.measure} {self.bucket}: {self.reports}"


class RegionCategory(CountryFold):
    """Report counts per national day x region x category x type, statuses summed: the
    dashboard's categories chart reads the rows of the one region looked at (`country` for the
    whole country, kept as the running sum of the province rows, like `RegionDuration`) instead
    of every status of every province (~30 x 38 x categories x types x statuses index entries
    for the country's month; docs/decisions/0171). Rebuilt from `national_rollup` with it, for
    each (day, province)."""

    category_code = models.CharField(max_length=40)
    type = models.CharField(max_length=24)

    class Meta:
        db_table = "national_region_category"
        constraints = [
            models.UniqueConstraint(
                fields=["day", "level", "region_code", "category_code", "type"], name="region_category_cell"
            )
        ]
        indexes = [
            models.Index(
                fields=["level", "region_code", "day"],
                include=["category_code", "type", "reports"],
                name="region_category_region",
            ),
            models.Index(fields=["province_code", "day"], name="region_category_province"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.region_code} {self.category_code}: {self.reports}"


class RelayBatch(models.Model):
    """One committed relay batch of one government: how many events and how late they were
    applied (applied_at - outbox created_at). Freshness is read from these rows."""

    id = models.BigAutoField(primary_key=True)
    source_code = models.CharField(max_length=5)
    finished_at = models.DateTimeField(db_index=True)
    events = models.PositiveIntegerField()
    first_event_id = models.BigIntegerField()
    last_event_id = models.BigIntegerField()
    lag_p95_seconds = models.FloatField()
    lag_max_seconds = models.FloatField()

    class Meta:
        db_table = "national_relay_batch"
        ordering = ["-finished_at", "-id"]

    def __str__(self) -> str:
        return f"{self.source_code} {self.first_event_id}-{self.last_event_id}"


class RelaySource(models.Model):
    """Where one government's relay stands: the last event it applied and, while it cannot
    move on, the event it keeps failing on. Written by the relay itself (a committed batch
    clears the failure); /healthz and the dashboard read it (docs/decisions/0009)."""

    id = models.BigAutoField(primary_key=True)
    source_code = models.CharField(max_length=5, unique=True)
    last_event_id = models.BigIntegerField()
    last_batch_at = models.DateTimeField(null=True, blank=True)
    # The first event of the batch that failed (the event itself when it was found invalid),
    # why, since when, and how many runs in a row failed on it.
    failing_event_id = models.BigIntegerField(null=True, blank=True)
    failing_error = models.CharField(max_length=500, blank=True)
    failing_since = models.DateTimeField(null=True, blank=True)
    failures = models.PositiveIntegerField()
    last_failure_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "national_relay_source"
        ordering = ["source_code"]

    def __str__(self) -> str:
        return f"{self.source_code} @ {self.last_event_id}"


class SurgeFlag(models.Model):
    """A region x category whose reports far exceed its trailing baseline, recorded once per
    episode: one open flag per cell (the partial unique constraint), kept open while the
    cell surges today or surged yesterday, resolved after that. National overseers (and the
    province's leaders) are notified once, when the flag is created."""

    id = models.BigAutoField(primary_key=True)
    level = models.CharField(max_length=8, choices=RegionLevel.choices)
    region_code = models.CharField(max_length=8)
    province_code = models.CharField(max_length=2)
    category_code = models.CharField(max_length=40)
    window_days = models.PositiveSmallIntegerField()
    baseline_days = models.PositiveSmallIntegerField()
    # The last national day of the windows it was first and last seen surging in.
    first_day = models.DateField()
    last_day = models.DateField()
    # Reports in the latest surging window, and what the baseline predicted for it.
    recent = models.PositiveIntegerField()
    expected = models.FloatField()
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "national_surge_flag"
        ordering = ["-first_seen", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["level", "region_code", "category_code"],
                condition=models.Q(resolved_at__isnull=True),
                name="surge_flag_open_once",
            )
        ]
        indexes = [models.Index(fields=["province_code", "first_seen"], name="surge_flag_province")]

    def __str__(self) -> str:
        return f"{self.region_code} {self.category_code} {self.first_day}: {self.recent} vs {self.expected}"
