"""The move of the outbox from warga.reports to warga.outbox keeps every row of every
government's schema (docs/decisions/0111): from the migration state before the move, with
events in a government's outbox, migrating that schema forward leaves them in place, readable
through the new model and still waiting for the relay."""

from __future__ import annotations

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from tenants.context import government_context
from tenants.models import Government
from tests.factories import UserFactory
from tests.warga.reports.helpers import submit
from warga.outbox.models import OutboxEvent
from warga.outbox.selectors import governments_with_pending_relay, outbox_pending

BEFORE = [("reports", "0012_report_description_words"), ("outbox", None)]


def _executor() -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    return executor


def test_events_written_before_the_move_are_read_through_the_outbox_app(bandung: Government) -> None:
    submitted = submit(UserFactory()).tracking_number
    with government_context(bandung):
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        executor = _executor()
        executor.migrate(BEFORE)
        # Recorded in the government's own schema, as migrate_schemas does.
        assert ("outbox", "0001_initial") not in MigrationRecorder(connection).applied_migrations()
        old = executor.loader.project_state(BEFORE[0]).apps
        written = old.get_model("reports", "OutboxEvent").objects.create(
            aggregate_type="report",
            aggregate_id=1,
            kind="report.rated",
            payload={"tracking_number": submitted, "rating": 4},
            created_at=timezone.now(),
        )

        executor = _executor()
        executor.migrate(executor.loader.graph.leaf_nodes())
        assert ("outbox", "0001_initial") in MigrationRecorder(connection).applied_migrations()

        events = list(OutboxEvent.objects.filter(payload__tracking_number=submitted).order_by("id"))
        assert [event.kind for event in events] == ["report.submitted", "report.rated"]
        assert events[-1].pk == written.pk
        assert written.pk in [event.pk for event in outbox_pending(limit=1000)]
    assert governments_with_pending_relay([bandung]) == [bandung]
