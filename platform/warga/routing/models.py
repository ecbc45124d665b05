"""Routing rules as versioned data, and what routing decided for each report (tenant scope).

A government's rules form one rule set version; every change writes a whole new version
(rules are never edited in place), so a report routed under version 3 can always be
explained by version 3, and an earlier version can be restored by copying it forward.
Positions to notify and escalate to are written relative to the report (its village's head,
its camat, the head of government, the handling unit's kepala dinas), so one rule serves
every village of the territory.
"""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models

from warga.append_only import AppendOnlyModel


class Target(models.TextChoices):
    """A position named relative to the report being routed."""

    VILLAGE_HEAD = "village_head", "Lurah / kepala desa kelurahan/desa laporan"
    CAMAT = "camat", "Camat kecamatan laporan"
    AREA_HEAD = "area_head", "Wali kota/bupati administrasi wilayah laporan (DKI Jakarta)"
    HEAD_OF_GOVERNMENT = "head_of_government", "Kepala daerah (gubernur/bupati/wali kota)"
    HANDLING_HEAD = "handling_head", "Kepala dinas/badan unit penanganan"
    ADMIN_KOORDINATOR = "admin_koordinator", "Admin koordinator"


class RuleSet(models.Model):
    """One version of the government's rules. Exactly one version is active."""

    version = models.PositiveIntegerField(unique=True)
    is_active = models.BooleanField(default=False)
    note = models.CharField(max_length=500, blank=True)
    restored_from = models.PositiveIntegerField(null=True, blank=True)
    # The account lives in public: a plain id. Null for the defaults written at provisioning.
    created_by_id = models.UUIDField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        db_table = "routing_rule_set"
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=models.Q(is_active=True), name="one_active_rule_set"
            )
        ]

    def __str__(self) -> str:
        return f"v{self.version}"


class Rule(models.Model):
    """Conditions (all given ones must hold; an empty one matches anything) and a result.

    `escalation` is a list of steps `{"target": <Target>, "working_days": n}` (or
    `"working_minutes"`): the first step's holder owns the deadline from the report's
    arrival; when a step's time runs out the report escalates to the next step's holder.
    """

    rule_set = models.ForeignKey(RuleSet, on_delete=models.PROTECT, related_name="rules")
    order = models.PositiveIntegerField()
    name = models.CharField(max_length=200)
    category_codes = ArrayField(models.CharField(max_length=40), default=list, blank=True)
    area_prefix = models.CharField(max_length=13, blank=True, help_text="Kemendagri code prefix, e.g. 32.73.01")
    area_unit = models.ForeignKey(
        "organization.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    report_types = ArrayField(models.CharField(max_length=24), default=list, blank=True)
    priorities = ArrayField(models.CharField(max_length=16), default=list, blank=True)
    handling_unit = models.ForeignKey(
        "organization.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty: the government itself (the admin koordinator disposes it).",
    )
    notify = ArrayField(models.CharField(max_length=24, choices=Target.choices), default=list, blank=True)
    escalation = models.JSONField(default=list, blank=True)

    class Meta:
        db_table = "routing_rule"
        ordering = ["rule_set", "order"]
        constraints = [models.UniqueConstraint(fields=["rule_set", "order"], name="rule_order_unique_in_set")]

    def __str__(self) -> str:
        return f"{self.rule_set_id}#{self.order} {self.name}"


class RoutingAuditEvent(AppendOnlyModel):
    """A change to the rules (with its diff) or an escalation: written once, never changed."""

    id = models.BigAutoField(primary_key=True)
    kind = models.CharField(max_length=32)
    actor_id = models.UUIDField(null=True, blank=True)
    rule_set_version = models.PositiveIntegerField(null=True, blank=True)
    report_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    detail = models.JSONField(default=dict)
    at = models.DateTimeField()

    class Meta:
        db_table = "routing_audit_event"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} @ {self.at:%Y-%m-%d %H:%M}"


class ReportRouting(models.Model):
    """What routing decided for one report, and where its escalation stands.

    `report_id` is a plain id in the database, with no foreign key: a report that moves to
    another government is deleted from this schema, and its routing row must not stand in the
    way. The relation exists for the ORM only: the inbox reads a page in deadline order from
    routing rows and needs the report's own columns to break ties. `steps` is the escalation
    chain as planned at routing time: `{"target", "position_ids", "due_at"}` per step.
    """

    id = models.BigAutoField(primary_key=True)
    report = models.OneToOneField(
        "reports.Report", on_delete=models.DO_NOTHING, db_constraint=False, related_name="routing"
    )
    rule_set_version = models.PositiveIntegerField()
    rule = models.ForeignKey(Rule, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=500)
    handling_unit = models.ForeignKey(
        "organization.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    notified_position_ids = ArrayField(models.BigIntegerField(), default=list, blank=True)
    # Every position that must know: those notified and those the chain has reached so far.
    # What the officials' inbox looks reports up by.
    position_ids = ArrayField(models.BigIntegerField(), default=list, blank=True)
    steps = models.JSONField(default=list)
    current_step = models.PositiveSmallIntegerField(default=0)
    # The running step's deadline; null once the chain has run out.
    current_due_at = models.DateTimeField(null=True, blank=True)
    # The same deadline while the report is open, null while it is not: a deadline runs only
    # for an open report. Kept in the transaction of every status change
    # (routing_report_open_set) and of every deadline change (deadline_set in the services).
    # "What is overdue" reads this column: most of a government's reports are closed with
    # their last deadline long past, which would bury the running deadlines in
    # `current_due_at`'s index and in the planner's statistics (docs/decisions/0019).
    running_due_at = models.DateTimeField(null=True, blank=True)
    routed_at = models.DateTimeField()

    class Meta:
        db_table = "routing_report_routing"
        indexes = [
            models.Index(
                fields=["running_due_at"], name="routing_running_due", condition=models.Q(running_due_at__isnull=False)
            ),
            GinIndex(fields=["position_ids"], name="routing_position_ids"),
        ]

    def __str__(self) -> str:
        return f"report {self.report_id}: v{self.rule_set_version}"


class ConfigurationVersion(models.Model):
    """The version of everything routing reads (rules, units, positions, holders, calendar,
    SLA targets): one row, given a new random value by a database trigger on each of those
    tables in the same transaction as the write (migration 0004, docs/decisions/0061).
    Routing keeps what it read per process under this value; never written by code."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    version = models.UUIDField()
    changed_at = models.DateTimeField()

    class Meta:
        db_table = "routing_configuration_version"
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="one_configuration_version")]

    def __str__(self) -> str:
        return str(self.version)
