"""Billing: what each government pays for, mirrored from Stripe. Public schema, one account
per government; the national government has none (it is never billed).

Stripe is the source of truth for subscriptions: Warga stores the plan catalogue (plans as
data, their Stripe Price ids come from the environment), each government's account with the
state last seen from Stripe, every Stripe event received (stored once, by its id), and an
audit row for every change of state (docs/billing.md, docs/decisions/0053).
"""

from __future__ import annotations

from django.db import models


class PlanLevel(models.TextChoices):
    PROVINCE = "province", "Provinsi"
    REGENCY = "regency", "Kabupaten"
    CITY = "city", "Kota"


class Interval(models.TextChoices):
    MONTH = "month", "Bulanan (monthly)"
    YEAR = "year", "Tahunan (yearly)"


class Plan(models.Model):
    """One tier: a government level and population band, and an edition. Premium features
    (custom domain, branding, CSV exports, API keys and webhooks) come with `includes_premium`."""

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120)
    level = models.CharField(max_length=16, choices=PlanLevel.choices)
    # Inhabitants, lower bound inclusive, upper bound exclusive (None: no upper bound).
    population_min = models.PositiveBigIntegerField(default=0)
    population_max = models.PositiveBigIntegerField(null=True, blank=True)
    includes_premium = models.BooleanField(default=False)
    # What the page shows; the amount charged is the Stripe Price's, which must agree.
    price_month_idr = models.PositiveBigIntegerField()
    price_year_idr = models.PositiveBigIntegerField()
    is_offered = models.BooleanField(default=True)

    class Meta:
        ordering = ["level", "population_min", "includes_premium"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(population_max__isnull=True)
                | models.Q(population_max__gt=models.F("population_min")),
                name="billing_plan_band_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.name


class BillingStatus(models.TextChoices):
    # No subscription (a trial ended without one, or nothing yet).
    NONE = "none", "Belum berlangganan (no subscription)"
    TRIALING = "trialing", "Masa uji coba (trialing)"
    ACTIVE = "active", "Aktif (active)"
    PAST_DUE = "past_due", "Tertunggak (past due)"
    UNPAID = "unpaid", "Tidak dibayar (unpaid)"
    CANCELED = "canceled", "Berhenti (canceled)"


class BillingAccount(models.Model):
    government = models.OneToOneField("tenants.Government", on_delete=models.PROTECT, related_name="billing_account")
    status = models.CharField(max_length=16, choices=BillingStatus.choices, default=BillingStatus.NONE)
    plan = models.ForeignKey(Plan, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    interval = models.CharField(max_length=8, choices=Interval.choices, blank=True)
    trial_ends_at = models.DateTimeField(null=True, blank=True)
    stripe_customer_id = models.CharField(max_length=64, unique=True, null=True, blank=True)
    # Part of the customer's idempotency key: a new customer after Stripe deleted the old one.
    customer_generation = models.PositiveIntegerField(default=0)
    stripe_subscription_id = models.CharField(max_length=64, blank=True)
    current_period_end = models.DateTimeField(null=True, blank=True)
    cancel_at_period_end = models.BooleanField(default=False)
    # After a downgrade the premium features stay until the end of the period paid for.
    premium_until = models.DateTimeField(null=True, blank=True)
    past_due_since = models.DateTimeField(null=True, blank=True)
    last_reminder_at = models.DateTimeField(null=True, blank=True)
    # When the subscription state stored here was current at Stripe (the event's `created`, or
    # the moment it was read back): an older event never overwrites it.
    stripe_state_at = models.DateTimeField(null=True, blank=True)
    # Invoicing details, sent to Stripe with the customer.
    npwp = models.CharField("NPWP", max_length=16, blank=True, help_text="15 or 16 digits, without punctuation.")
    billing_name = models.CharField(max_length=200, blank=True)
    address_line = models.CharField(max_length=200, blank=True)
    address_city = models.CharField(max_length=100, blank=True)
    address_postal_code = models.CharField(max_length=5, blank=True)
    address_province = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["government__code"]

    def __str__(self) -> str:
        return f"{self.government.name}: {self.status}"


class StripeEvent(models.Model):
    """A Stripe event as received (signature verified), stored once by its id."""

    class Outcome(models.TextChoices):
        PENDING = "", "Menunggu (pending)"
        APPLIED = "applied", "Diterapkan (applied)"
        STALE = "stale", "Lebih lama dari keadaan tersimpan (older than the stored state)"
        IGNORED = "ignored", "Tidak relevan (not relevant)"
        UNKNOWN_GOVERNMENT = "unknown_government", "Pemerintah tidak dikenal (unknown government)"

    id = models.CharField(max_length=255, primary_key=True)
    type = models.CharField(max_length=100)
    created = models.DateTimeField(help_text="When Stripe created the event.")
    livemode = models.BooleanField(default=False)
    payload = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=24, choices=Outcome.choices, blank=True)
    government_code = models.CharField(max_length=5, blank=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.id} {self.type}"


class BillingAudit(models.Model):
    """One change of a government's billing: state, plan, trial, details."""

    account = models.ForeignKey(BillingAccount, on_delete=models.PROTECT, related_name="audit")
    at = models.DateTimeField(auto_now_add=True)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    plan_code = models.CharField(max_length=60, blank=True)
    stripe_event_id = models.CharField(max_length=255, blank=True)
    actor_id = models.UUIDField(null=True, blank=True, help_text="Empty when Stripe or the platform made the change.")
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.account_id}: {self.from_status} -> {self.to_status}"
