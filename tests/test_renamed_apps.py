"""Apps renamed in Python keep what an existing database knows them by (docs/decisions/0121).

`warga.notifications_public` was `warga.recipients` and `warga.data_rights` was
`warga.personaldata`. Their labels stay `recipients` and `personaldata`: the migration history,
the tables, the content types and the operator admin's URLs of a database made before the
rename are theirs without a single migration. These tests hold that promise: rows written
into the tables as they are today are read back through the renamed models, and the migration
executor finds nothing to apply for either label.
"""

from __future__ import annotations

import datetime

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from tenants.models import Government
from tests.factories import UserFactory
from warga.data_rights.models import DataRequest, DataRequestPart
from warga.notifications_public.models import NotificationGovernment, PushSubscription

RENAMED = {
    "recipients": (
        "warga.notifications_public",
        {
            "PushSubscription": "recipients_push_subscription",
            "NotificationGovernment": "recipients_notification_government",
        },
    ),
    "personaldata": (
        "warga.data_rights",
        {"DataRequest": "personaldata_request", "DataRequestPart": "personaldata_request_part"},
    ),
}


def test_the_renamed_packages_keep_their_labels_and_their_tables() -> None:
    for label, (package, tables) in RENAMED.items():
        config = apps.get_app_config(label)
        assert config.name == package
        assert {model.__name__: model._meta.db_table for model in config.get_models()} == tables


def test_a_database_from_before_the_rename_needs_no_migration_and_keeps_its_rows(db: None) -> None:
    user = UserFactory()
    bandung = Government.objects.get(code="32.73")
    now = timezone.now()
    # Written straight into the tables, as the apps wrote them under their former names.
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO recipients_push_subscription (user_id, endpoint, p256dh, auth, user_agent, created_at)"
            " VALUES (%s, 'https://push.example/abc', 'p', 'a', 'Firefox', %s)",
            [user.pk, now],
        )
        cursor.execute(
            "INSERT INTO recipients_notification_government (user_id, government_id, first_notified_at)"
            " VALUES (%s, %s, %s)",
            [user.pk, bandung.pk, now],
        )
        cursor.execute(
            "INSERT INTO personaldata_request (user_id, subject_digest, kind, status, requested_at,"
            " governments_total, export_file) VALUES (%s, 'digest', 'export', 'running', %s, 3, '') RETURNING id",
            [user.pk, now - datetime.timedelta(hours=1)],
        )
        (request_id,) = cursor.fetchone()
        cursor.execute(
            "INSERT INTO personaldata_request_part (request_id, government_id, data, done_at)"
            " VALUES (%s, %s, '{\"laporan\": [1]}', %s)",
            [request_id, bandung.pk, now],
        )

    executor = MigrationExecutor(connection)
    applied = set(MigrationRecorder(connection).applied_migrations())
    on_disk = {key for key in executor.loader.disk_migrations if key[0] in RENAMED}
    assert {label for label, _ in on_disk} == set(RENAMED)
    assert on_disk <= applied
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    assert [migration for migration, _ in plan if migration.app_label in RENAMED] == []

    subscription = PushSubscription.objects.get(user_id=user.pk)
    assert (subscription.endpoint, subscription.user_agent) == ("https://push.example/abc", "Firefox")
    assert list(NotificationGovernment.objects.filter(user_id=user.pk).values_list("government_id", flat=True)) == [
        bandung.pk
    ]
    request = DataRequest.objects.get(pk=request_id)
    assert (request.user_id, request.kind, request.status, request.governments_total) == (
        user.pk,
        "export",
        "running",
        3,
    )
    assert [(part.government_id, part.data) for part in DataRequestPart.objects.filter(request=request)] == [
        (bandung.pk, {"laporan": [1]})
    ]


@pytest.mark.parametrize(
    ("model", "label"),
    [
        (PushSubscription, "recipients"),
        (NotificationGovernment, "recipients"),
        (DataRequest, "personaldata"),
        (DataRequestPart, "personaldata"),
    ],
)
def test_content_types_stay_under_the_old_label(db: None, model: type, label: str) -> None:
    content_type = ContentType.objects.get_for_model(model)
    assert content_type.app_label == label
    assert ContentType.objects.filter(app_label=label, model=model._meta.model_name).count() == 1
