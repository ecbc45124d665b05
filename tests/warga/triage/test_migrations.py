"""The move of the desk's holds and offers from warga.national to warga.triage keeps every row
(docs/decisions/0110): from the migration state before the move, with rows in both tables,
migrating forward leaves them in place and readable through the new models."""

from __future__ import annotations

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tenants.models import Government
from warga.triage.models import Offer, OfferStatus, TriageHold

BEFORE = [("national", "0007_covering_indexes_for_the_pages"), ("triage", None)]


def _executor() -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    return executor


def test_holds_and_offers_written_before_the_move_are_read_through_the_triage_app(bandung: Government) -> None:
    with connection.cursor() as cursor:
        # Deferred foreign-key checks would stop the migrations in this transaction.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    executor = _executor()
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE[0]).apps
    assert ("triage", "offer") not in executor.loader.project_state(BEFORE[0]).models
    now = timezone.now()
    old.get_model("national", "TriageHold").objects.create(
        tracking_number="NAS-2026-000001", reason="Lokasi diragukan", held_at=now
    )
    old.get_model("national", "Offer").objects.create(
        tracking_number="NAS-2026-000002",
        government_id=bandung.pk,
        type="keluhan",
        category_code="jalan-rusak",
        district_code="32.73.01",
        village_code="32.73.01.1001",
        report_created_at=now,
        offered_at=now,
    )

    executor = _executor()
    executor.migrate(executor.loader.graph.leaf_nodes())

    hold = TriageHold.objects.get(tracking_number="NAS-2026-000001")
    assert (hold.reason, hold.held_at, hold.released_at) == ("Lokasi diragukan", now, None)
    offer = Offer.objects.get(tracking_number="NAS-2026-000002")
    assert (offer.government_id, offer.status, offer.village_code) == (bandung.pk, OfferStatus.PENDING, "32.73.01.1001")
    # The tables and their constraints are the ones the rows were written to.
    assert (TriageHold._meta.db_table, Offer._meta.db_table) == ("national_triage_hold", "national_offer")
    new = executor.loader.project_state(executor.loader.graph.leaf_nodes()).apps
    assert new.get_model("triage", "Offer").objects.filter(government_id=bandung.pk).count() == 1
    assert ("national", "offer") not in executor.loader.project_state(executor.loader.graph.leaf_nodes()).models
