"""The dashboard's KPIs come from the roll-ups alone and equal what the facts say
(docs/decisions/0066); disputes reach the read model through the relay."""

from __future__ import annotations

import random
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tenants.context import government_context
from tenants.models import Government
from tests.factories import UserFactory
from tests.personas import official_of
from tests.warga.reports.helpers import resolve, submit
from warga.intake.services import report_dispute
from warga.national.models import ReportFact
from warga.national.selectors import NationalScope, dashboard_kpis
from warga.national.services import ROLLUP_GROUP_SQL, ROLLUP_INSERT_SQL, national_day, relay_drain, rollup_recompute
from warga.reports.lifecycle import OPEN_STATUSES
from warga.reports.services import report_transition

WIB = ZoneInfo("Asia/Jakarta")
DAYS = [date(2026, 11, 2), date(2026, 11, 3)]
DISTRICTS = ["32.73.01", "32.73.02", "32.04.01", "31.71.01"]
STATUSES = ["received", "verified", "in_progress", "resolved", "closed", "reopened", "withdrawn", "archived"]
MAYBE = [True, False, None]


def _random_facts(seed: int, count: int) -> list[ReportFact]:
    generator = random.Random(seed)
    facts = []
    for n in range(count):
        district = generator.choice(DISTRICTS)
        moment = datetime.combine(generator.choice(DAYS), time(generator.randrange(0, 24)), tzinfo=WIB)
        status = generator.choice(STATUSES)
        facts.append(
            ReportFact(
                tracking_number=f"{district}-k-{seed}-{n:05d}",
                owner_code=district[:5],
                owner_since=moment,
                province_code=district[:2],
                regency_code=district[:5],
                district_code=district,
                village_code=f"{district}.1001",
                category_code=generator.choice(["jalan_rusak", "sampah", "banjir"]),
                type="pengaduan",
                privacy="publik",
                status=status,
                is_open=status in OPEN_STATUSES,
                created_at=moment,
                created_day=national_day(moment),
                sla_verify_met=generator.choice(MAYBE),
                sla_follow_up_met=generator.choice(MAYBE),
                sla_resolve_met=generator.choice(MAYBE),
                rating=generator.choice([None, 1, 2, 3, 4, 5]),
                dispute_count=generator.choice([0, 0, 0, 1, 2]),
                last_event_at=moment,
                applied_at=moment,
            )
        )
    return facts


def _from_facts(where: str, params: list[Any]) -> dict[str, Any]:
    """The KPIs as the dashboard computed them from the facts before this change."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT count(*), count(*) FILTER (WHERE is_open), count(*) FILTER (WHERE status IN ('resolved', 'closed')),
                   count(*) FILTER (WHERE sla_verify_met) + count(*) FILTER (WHERE sla_follow_up_met)
                     + count(*) FILTER (WHERE sla_resolve_met),
                   count(sla_verify_met) + count(sla_follow_up_met) + count(sla_resolve_met),
                   round(avg(rating)::numeric, 2)::float, count(rating), coalesce(sum(dispute_count), 0),
                   count(*) FILTER (WHERE dispute_count > 0)
            FROM national_report_fact WHERE created_day BETWEEN %s AND %s AND {where}
            """,
            [DAYS[0], DAYS[-1], *params],
        )
        row = cursor.fetchone()
    assert row is not None
    keys = [
        "volume",
        "open",
        "resolved",
        "sla_met",
        "sla_known",
        "rating_mean",
        "ratings",
        "disputes",
        "disputed_reports",
    ]
    return dict(zip(keys, row, strict=True))


@pytest.mark.parametrize(
    ("scope", "where", "params"),
    [
        (NationalScope(), "TRUE", []),
        (NationalScope(province_code="32"), "province_code = %s", ["32"]),
        (NationalScope(region_code="32.73"), "regency_code = %s", ["32.73"]),
    ],
    ids=["country", "province", "regency"],
)
def test_kpis_from_the_rollups_equal_the_facts(db: None, scope: NationalScope, where: str, params: list[Any]) -> None:
    ReportFact.objects.bulk_create(_random_facts(seed=7, count=400))
    rollup_recompute(cells={(day, province) for day in DAYS for province in ("31", "32")})
    expected = _from_facts(where, params)
    with CaptureQueriesContext(connection) as queries:
        kpis = dashboard_kpis(scope=scope, start=DAYS[0], end=DAYS[-1])
    assert not [q["sql"] for q in queries.captured_queries if "national_report_fact" in q["sql"]]
    assert expected["volume"] > 0
    for key in ("volume", "open", "resolved", "rating_mean", "ratings", "disputes", "disputed_reports"):
        assert kpis[key] == expected[key], key
    assert kpis["sla_steps_known"] == expected["sla_known"]
    assert kpis["sla_compliance_percent"] == pytest.approx(100 * expected["sla_met"] / expected["sla_known"], abs=0.1)


def test_the_migration_builds_rollups_with_the_relays_statement() -> None:
    """Migration 0004 wrote the roll-up statement out; it must equal the relay's, whitespace aside."""
    migration = (
        Path(__file__).resolve().parents[3] / "platform/warga/national/migrations/0004_rollup_sums_and_disputes.py"
    ).read_text()
    assert " ".join((ROLLUP_INSERT_SQL + ROLLUP_GROUP_SQL).split()) in " ".join(migration.split())


def test_a_dispute_reaches_the_national_kpis_through_the_relay(bandung: Government, jakarta: Government) -> None:
    official = official_of(bandung, jakarta)
    reporter = UserFactory()
    number = submit(reporter).tracking_number
    with government_context(bandung):
        report_transition(acting_user=official, tracking_number=number, to_status="verified")
        report_transition(acting_user=official, tracking_number=number, to_status="in_progress")
    resolve(bandung, number, official)
    report_dispute(acting_user=reporter, tracking_number=number, note="Masih berlubang.")
    with government_context(bandung):
        relay_drain(government=bandung)
    fact = ReportFact.objects.get(tracking_number=number)
    assert (fact.status, fact.dispute_count) == ("reopened", 1)
    today = fact.created_day
    kpis = dashboard_kpis(scope=NationalScope(region_code="32.73"), start=today, end=today)
    assert (kpis["volume"], kpis["disputes"], kpis["disputed_reports"], kpis["open"]) == (1, 1, 1, 1)
    # Relayed again (the same events): nothing counts twice.
    with government_context(bandung):
        relay_drain(government=bandung)
    assert dashboard_kpis(scope=NationalScope(region_code="32.73"), start=today, end=today)["disputes"] == 1
