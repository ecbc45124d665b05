"""Routing's per-process configuration cache (warga.routing.configuration, decisions 0061 and
0140): every writer invalidates it in its own transaction, and one government's entry is never
served to another. It also holds the webhook endpoints and the channel choices a submission
reads, whose writers are enumerated here too."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tenants.context import government_context
from tenants.models import Government
from tests.api.helpers import signed_in_client
from tests.factories import UserFactory
from tests.warga.reports.helpers import BANDUNG_POINT, BANDUNG_VILLAGE, submit
from tests.warga.reports.images import image_bytes
from tests.warga.routing.conftest import DLH, PUPR
from tests.warga.webhooks.receiver import local_receiver
from warga.accounts.models import User
from warga.intake.models import ReportIndex
from warga.notifications.models import ChannelPreference, Notification
from warga.notifications.services import channel_preference_set
from warga.organization.models import Membership, Unit
from warga.organization.services import membership_end, unit_rename
from warga.reports.models import Report
from warga.routing.configuration import (
    CONFIGURATION_MODELS,
    RoutingConfiguration,
    configuration_version,
    routing_configuration,
    routing_configuration_forget,
)
from warga.routing.models import ConfigurationVersion
from warga.routing.selectors import RoutingPlan, routing_plan
from warga.routing.services import rule_set_save
from warga.webhooks.models import Delivery, Endpoint, EndpointState
from warga.webhooks.services import delivery_attempt, endpoint_create, endpoint_delete, endpoint_pause, endpoint_resume
from warga.workcalendar.services import day_off_add

# A Monday morning in Bandung: the first step's deadline falls on working days after it.
START = datetime.datetime(2026, 11, 30, 2, 0, tzinfo=datetime.UTC)
VERSION_TABLE = ConfigurationVersion._meta.db_table
CONFIGURATION_TABLES = {model._meta.db_table for model in CONFIGURATION_MODELS}


def _plan(**overrides: Any) -> RoutingPlan:
    fields: dict[str, Any] = {
        "category_code": "jalan_rusak",
        "village_code": BANDUNG_VILLAGE,
        "type": "pengaduan",
        "priority": "normal",
        "start": START,
    }
    return routing_plan(**(fields | overrides))


def _tables_read(queries: CaptureQueriesContext) -> set[str]:
    return {
        table
        for query in queries.captured_queries
        for table in re.findall(r'(?:FROM|JOIN)\s+"?(\w+)"?', query["sql"], flags=re.IGNORECASE)
    }


def test_every_table_routing_reads_has_the_version_trigger(bandung: Government, jakarta: Government) -> None:
    """The writers are enumerated by the database: a table routing reads is either listed in
    CONFIGURATION_MODELS, whose tables carry the trigger in every schema, or this test fails."""
    with government_context(bandung):
        routing_configuration_forget()
        with CaptureQueriesContext(connection) as cold:
            _plan()
        with CaptureQueriesContext(connection) as warm:
            _plan()
    assert _tables_read(cold) - {"pg_class"} <= CONFIGURATION_TABLES | {VERSION_TABLE}
    assert len(warm) == 1
    assert _tables_read(warm) == {VERSION_TABLE}
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT g.tgname, n.nspname, c.relname FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid
                 JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE g.tgname LIKE 'routing_configuration_changed%%' AND NOT g.tgisinternal
                  AND n.nspname = ANY(%s)""",
            [[settings.TENANT_BASE_SCHEMA, bandung.schema_name, jakarta.schema_name]],
        )
        found = cursor.fetchall()
    for schema in (settings.TENANT_BASE_SCHEMA, bandung.schema_name, jakarta.schema_name):
        statement = {table for trigger, name, table in found if name == schema and not trigger.endswith("_row")}
        assert statement == CONFIGURATION_TABLES
        # Their updates are caught row by row instead, when a held column changes (decision 0140).
        rows = {table for trigger, name, table in found if name == schema and trigger.endswith("_row")}
        assert rows == {Endpoint._meta.db_table, ChannelPreference._meta.db_table}


def _lurah_membership() -> Membership:
    return Membership.objects.get(position__unit__region_code=BANDUNG_VILLAGE, position__kind="lurah")


def _writers(admin: User) -> list[tuple[str, Callable[[], None], Callable[[RoutingPlan, RoutingPlan], bool]]]:
    """(writer, the write, whether a plan shows it). Each plan is made right after its write."""

    def rule_saved() -> None:
        rule = {
            "name": "semua ke DLH",
            "handling_unit_id": Unit.objects.get(name=DLH).pk,
            "notify": ["village_head", "handling_head"],
            "escalation": [{"target": "handling_head", "working_days": 3}],
        }
        rule_set_save(acting_user=None, rules=[rule])

    def unit_renamed() -> None:
        unit_rename(acting_user=admin.pk, unit_id=Unit.objects.get(name=DLH).pk, name="Dinas Lingkungan Hidup Baru")

    def seat_ended() -> None:
        membership = _lurah_membership()
        membership_end(
            acting_user=admin.pk, membership_id=membership.pk, ends_on=START.date() - datetime.timedelta(days=1)
        )

    def day_off_added() -> None:
        day_off_add(date=datetime.date(2026, 12, 1), name="Hari jadi kota", kind="local_holiday")

    def admin_saved() -> None:
        # The Django admin (and any code that saves a model) writes through Model.save().
        unit = Unit.objects.get(name="Dinas Lingkungan Hidup Baru")
        unit.name = "DLH (admin)"
        unit.save()

    def imported() -> None:
        # An import, a restore or a migration: SQL that no Django signal sees.
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO workcalendar_day_off (date, name, kind, source, created_at) "
                "VALUES ('2026-12-02', 'Impor', 'local_holiday', 'impor', now())"
            )

    lurah_user = None

    def lurah_gone(previous: RoutingPlan, plan: RoutingPlan) -> bool:
        was_notified = any(lurah_user in [h.user_id for h in n.holders] for n in previous.notified)
        return was_notified and all(lurah_user not in [h.user_id for h in n.holders] for n in plan.notified)

    def remember_lurah() -> None:
        nonlocal lurah_user
        lurah_user = _lurah_membership().user_id
        seat_ended()

    return [
        ("rule saved", rule_saved, lambda _, plan: plan.handling_unit is not None and plan.handling_unit.name == DLH),
        ("unit renamed", unit_renamed, lambda _, plan: plan.handling_unit.name == "Dinas Lingkungan Hidup Baru"),  # type: ignore[union-attr]
        ("seat ended", remember_lurah, lurah_gone),
        ("day off added", day_off_added, lambda previous, plan: plan.steps[0].due_at > previous.steps[0].due_at),
        ("admin save", admin_saved, lambda _, plan: plan.handling_unit.name == "DLH (admin)"),  # type: ignore[union-attr]
        ("import", imported, lambda previous, plan: plan.steps[0].due_at > previous.steps[0].due_at),
    ]


def test_each_writer_invalidates_the_cache_before_the_next_report_is_routed(
    bandung: Government, bandung_officials: dict[str, User]
) -> None:
    with government_context(bandung):
        before = _plan()
        assert before.handling_unit is not None
        assert before.handling_unit.name == PUPR
        assert any(h.user_id == bandung_officials["lurah"].pk for n in before.notified for h in n.holders)
        for writer, write, shows in _writers(bandung_officials["admin"]):
            version = configuration_version()
            assert routing_configuration(government=bandung).key[2] == version[1]  # warm
            write()
            assert configuration_version() != version, writer
            plan = _plan()
            assert shows(before, plan), writer
            before = plan


def test_a_write_rolled_back_leaves_no_entry_behind(bandung: Government) -> None:
    class RolledBack(Exception):
        pass

    def write_route_and_roll_back() -> None:
        with transaction.atomic():
            Unit.objects.filter(name=DLH).update(name="sementara")
            assert _plan(category_code="sampah").handling_unit.name == "sementara"  # type: ignore[union-attr]
            raise RolledBack

    with government_context(bandung):
        version = configuration_version()
        with pytest.raises(RolledBack):
            write_route_and_roll_back()
        assert configuration_version() == version
        assert _plan(category_code="sampah").handling_unit.name == DLH  # type: ignore[union-attr]


def test_one_governments_configuration_is_never_served_to_another(
    bandung: Government, jakarta: Government, bandung_officials: dict[str, User]
) -> None:
    lurah = bandung_officials["lurah"].pk
    with government_context(bandung):
        Endpoint.objects.create(
            name="Sistem aduan Bandung",
            url="https://aduan.bandung.example.org/warga",
            events=["report.created"],
            secret_encrypted="-",
            created_at=timezone.now(),
        )
        channel_preference_set(user_id=lurah, email=False, sms=False)
        bandung_plan = _plan()
        bandung_version = configuration_version()[1]
        assert routing_configuration(government=bandung).webhook_subscriptions
        assert lurah in routing_configuration(government=bandung).channel_preferences
    with government_context(jakarta):
        # Even with the very same version value in both schemas (which the triggers never
        # give), Jakarta reads its own rows.
        ConfigurationVersion.objects.update(version=bandung_version)
        assert configuration_version()[1] == bandung_version
        jakarta_plan = _plan(village_code="31.71.01.1001")
        assert routing_configuration(government=jakarta).key[0] == jakarta.schema_name
        assert {p.pk for p in routing_configuration(government=jakarta).positions}.isdisjoint(
            {n.position_id for n in bandung_plan.notified}
        ) or jakarta_plan.notified != bandung_plan.notified
        assert all(not n.title.endswith("Sukarasa") for n in jakarta_plan.notified)
        # Nor Bandung's webhooks or the channels its officials chose.
        assert routing_configuration(government=jakarta).webhook_subscriptions == ()
        assert lurah not in routing_configuration(government=jakarta).channel_preferences
        # Asked for Bandung's configuration from Jakarta's schema: refused.
        with pytest.raises(RuntimeError):
            routing_configuration(government=bandung)
    with government_context(bandung):
        assert _plan() == bandung_plan


def _subscribed(configuration: RoutingConfiguration) -> dict[int, frozenset[str]]:
    return {s.endpoint_id: s.events for s in configuration.webhook_subscriptions}


def test_each_webhook_and_channel_writer_invalidates_the_cache(
    bandung: Government, bandung_officials: dict[str, User]
) -> None:
    """The endpoints and channel choices a submission takes from the cache (decision 0140),
    written by their services, by Model.save() as the admin does and by raw SQL."""
    lurah = bandung_officials["lurah"].pk
    endpoint: Endpoint | None = None

    def added() -> None:
        nonlocal endpoint
        endpoint = Endpoint.objects.create(
            name="Sistem aduan kota",
            url="https://aduan.example.org/warga",
            events=["report.created"],
            secret_encrypted="-",
            created_at=timezone.now(),
        )

    def endpoint_id() -> int:
        assert endpoint is not None
        return endpoint.pk

    def events_changed() -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE webhooks_endpoint SET events = ARRAY['report.created', 'report.resolved'] WHERE id = %s",
                [endpoint_id()],
            )

    def paused_by_failures() -> None:
        # What the delivery worker does after a day of failures (webhooks.services.sending).
        Endpoint.objects.filter(pk=endpoint_id(), state=EndpointState.ACTIVE).update(
            state=EndpointState.PAUSED, paused_at=timezone.now(), paused_reason="Gagal terus"
        )

    def channels_by_sql() -> None:
        with connection.cursor() as cursor:
            cursor.execute("UPDATE notifications_channel_preference SET email = true WHERE user_id = %s", [lurah])

    def erased() -> None:
        # The erasure of a person's data (notifications.personal_data) deletes their choice.
        ChannelPreference.objects.filter(user_id=lurah).delete()

    writers: list[tuple[str, Callable[[], object], Callable[[RoutingConfiguration], bool]]] = [
        ("endpoint added", added, lambda c: _subscribed(c) == {endpoint_id(): frozenset({"report.created"})}),
        ("endpoint paused", lambda: endpoint_pause(endpoint_id=endpoint_id()), lambda c: _subscribed(c) == {}),
        (
            "endpoint resumed",
            lambda: endpoint_resume(endpoint_id=endpoint_id()),
            lambda c: endpoint_id() in _subscribed(c),
        ),
        (
            "events changed by SQL",
            events_changed,
            lambda c: _subscribed(c)[endpoint_id()] == {"report.created", "report.resolved"},
        ),
        ("paused by failures", paused_by_failures, lambda c: _subscribed(c) == {}),
        ("endpoint deleted", lambda: endpoint_delete(endpoint_id=endpoint_id()), lambda c: _subscribed(c) == {}),
        (
            "channels chosen",
            lambda: channel_preference_set(user_id=lurah, email=False, sms=False),
            lambda c: c.channel_preferences[lurah].email is False,
        ),
        ("channels by SQL", channels_by_sql, lambda c: c.channel_preferences[lurah].email is True),
        ("channels erased", erased, lambda c: lurah not in c.channel_preferences),
    ]
    with government_context(bandung):
        for writer, write, shows in writers:
            version = configuration_version()
            assert routing_configuration(government=bandung).key[2] == version[1]  # warm
            write()
            assert configuration_version() != version, writer
            assert shows(routing_configuration(government=bandung)), writer


def test_a_delivery_outcome_keeps_the_cache(bandung: Government, settings: Any) -> None:
    """The delivery worker writes the endpoint after every attempt (`failing_since`); only a
    change of what the cache holds (state, unit, events) moves the version, so deliveries
    do not empty every process's cache."""
    with local_receiver(settings) as receiver:
        with government_context(bandung):
            issued = endpoint_create(name="Sistem aduan kota", url=receiver.url, events=["report.created"])
        receiver.secret = issued.secret
        submit(UserFactory())
        with government_context(bandung):
            delivery = Delivery.objects.get(endpoint=issued.endpoint)
            version = configuration_version()
            cached = routing_configuration(government=bandung)
            receiver.statuses = [500, 200]
            assert delivery_attempt(delivery_id=delivery.pk).outcome == "retry"
            assert Endpoint.objects.get(pk=issued.endpoint.pk).failing_since is not None
            Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
            assert delivery_attempt(delivery_id=delivery.pk).outcome == "delivered"
            assert Endpoint.objects.get(pk=issued.endpoint.pk).failing_since is None
            assert configuration_version() == version
            assert routing_configuration(government=bandung) is cached


def test_the_same_channels_saved_again_keep_the_cache(bandung: Government, bandung_officials: dict[str, User]) -> None:
    lurah = bandung_officials["lurah"].pk
    with government_context(bandung):
        channel_preference_set(user_id=lurah, email=False, sms=False)
        version = configuration_version()
        cached = routing_configuration(government=bandung)
        channel_preference_set(user_id=lurah, email=False, sms=False)  # "save" pressed again
        assert configuration_version() == version
        assert routing_configuration(government=bandung) is cached


def test_a_submission_that_fails_after_its_writes_leaves_nothing(
    bandung: Government, bandung_officials: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The submission's one transaction (BEGIN ... COMMIT; a savepoint under the test's own
    transaction): a failure in its last step, the notifications, takes back the report, its
    photo, audit and outbox rows, the webhook delivery, the routing and the index row."""
    citizen = UserFactory()
    with government_context(bandung):
        Endpoint.objects.create(
            name="Sistem aduan kota",
            url="https://aduan.example.org/warga",
            events=["report.created"],
            secret_encrypted="-",
            created_at=timezone.now(),
        )
        routing_configuration(government=bandung)  # the webhooks come from the cache
        before = (Report.objects.count(), Delivery.objects.count(), Notification.objects.count())

    def broken(**_: Any) -> list[int]:
        raise RuntimeError("notifications could not be written")

    monkeypatch.setattr("warga.routing.services.route.notifications_send_many", broken)
    with pytest.raises(RuntimeError):
        submit(citizen, idempotency_key="kunci-gagal-0001", photos=[SimpleUploadedFile("a.jpg", image_bytes())])
    with government_context(bandung):
        assert (Report.objects.count(), Delivery.objects.count(), Notification.objects.count()) == before
    assert not ReportIndex.objects.filter(idempotency_key="kunci-gagal-0001").exists()


def test_a_submission_costs_at_most_17_statements(bandung: Government, bandung_officials: dict[str, User]) -> None:
    """The whole request of a signed-in citizen with one photo, as the intake benchmark sends
    it: session, validation, routing from the warm cache, the writes. Counted on a later
    request of the session, every statement included (search_path; the savepoint pair is the
    transaction's BEGIN and COMMIT, which run as a savepoint inside the test's transaction),
    with the officials of the report's village seated (and no webhook endpoint): 33
    before the routing cache, 22 with it, 24 since a category's questions are read for their
    answers (the question and its choices), 25 since the government's webhooks are read to
    queue their deliveries, 20 since the category, its questions, the village and the owner
    come from intake's reference cache (one version row) and the retry and the rate limit
    share one query, 18 since the webhook endpoints and the channel choices come from
    routing's cache (decision 0140), 17 since intake's reference version is read with the
    reporter's index rows. Outside a test the first statement is not sent: the previous
    submission's switch to its government was a SET LOCAL that its COMMIT ended, so the
    connection is already on public (decision 0185, tests/tenants/test_search_path.py; the
    intake benchmark counts 16, and 15 with production's sessions). Here the test's own
    transaction never commits. docs/performance.md says where the rest go. Run with -s to see
    the list."""
    queries = _later_submission_statements()
    assert len(queries) <= 17, _listed(queries)
    # The reference version comes with the index rows, not on its own.
    assert [
        q["sql"] for q in queries if q["sql"].startswith("SELECT tableoid::bigint, version FROM public.intake")
    ] == []
    # Nothing the cache holds was read again.
    read_again = [
        q["sql"]
        for q in queries
        if re.search(r"FROM \"(webhooks_endpoint|notifications_channel_preference)\"", q["sql"])
    ]
    assert read_again == []


def test_with_production_caches_a_submission_costs_at_most_16_statements(
    bandung: Government, bandung_officials: dict[str, User], production_caches: str
) -> None:
    """The same request with the caches and session engine production has (REDIS_URL set):
    the session is read from Redis, not from its row (decision 0150). Run with -s to see the
    list."""
    queries = _later_submission_statements()
    assert len(queries) <= 16, _listed(queries)
    assert [q["sql"] for q in queries if '"django_session"' in q["sql"]] == []


def _listed(queries: list[dict[str, Any]]) -> str:
    return "\n".join(f"{n:2d}. {q['sql'][:150]}" for n, q in enumerate(queries, start=1))


def _later_submission_statements() -> list[dict[str, Any]]:
    """The statements of a signed-in citizen's second submission (one photo), the first having
    warmed the caches; printed (run with -s)."""
    citizen = UserFactory()
    client = signed_in_client(citizen)

    def post(number: int) -> Any:
        return client.post(
            "/api/v1/reports/",
            {
                "type": "pengaduan",
                "category_code": "jalan_rusak",
                "description": f"Jalan berlubang besar di depan sekolah nomor {number}.",
                "latitude": BANDUNG_POINT[0],
                "longitude": BANDUNG_POINT[1],
                "village_code": BANDUNG_VILLAGE,
                "privacy": "publik",
                "photos": [SimpleUploadedFile("a.jpg", image_bytes())],
                "idempotency_key": f"kunci-statement-{number:04d}",
            },
            HTTP_HOST="localhost",
        )

    first = post(1)
    assert first.status_code == 201, first.content
    with CaptureQueriesContext(connection) as queries:
        assert post(2).status_code == 201
    print(f"\nOne submission, a later request of the session:\n{_listed(queries.captured_queries)}")
    return queries.captured_queries
