"""The per-reporter limit on new reports is decided with one query, however many windows it has
(every submission pays for it), and each window still counts only its own reports."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tenants.models import Government
from tests.factories import UserFactory
from warga.accounts.models import User
from warga.intake.models import ReportIndex
from warga.intake.reference import reference_version
from warga.intake.services.submission_limits import (
    RateLimited,
    _rate_limit_check,
    earlier_submissions_check,
    earlier_submissions_read,
)


def _sent(reporter: User, government: Government, *, hours_ago: list[float]) -> None:
    now = timezone.now()
    ReportIndex.objects.bulk_create(
        ReportIndex(
            tracking_number=f"32.73-2026-{index:06d}",
            government=government,
            report_id=index,
            reporter=reporter,
            idempotency_key=f"batas-{index:04d}",
            request_fingerprint="0" * 64,
            created_at=now - timedelta(hours=hours),
        )
        for index, hours in enumerate(hours_ago, start=1)
    )


@pytest.fixture
def limits(settings: Any) -> None:
    settings.WARGA_INTAKE_RATE_LIMITS = ((3600, 3), (86400, 5))


@pytest.mark.usefixtures("limits")
def test_under_every_window_is_allowed_with_one_query(bandung: Government) -> None:
    citizen = UserFactory()
    # Two in the last hour, four in the last day, one older than a day.
    _sent(citizen, bandung, hours_ago=[0.1, 0.5, 3, 20, 30])
    with CaptureQueriesContext(connection) as queries:
        _rate_limit_check(acting_user=citizen, now=timezone.now())
    assert len(queries.captured_queries) == 1


@pytest.mark.usefixtures("limits")
def test_a_full_hour_is_refused_until_its_oldest_report_leaves_the_hour(bandung: Government) -> None:
    citizen = UserFactory()
    _sent(citizen, bandung, hours_ago=[0.1, 0.2, 0.5])
    with CaptureQueriesContext(connection) as queries, pytest.raises(RateLimited) as limited:
        _rate_limit_check(acting_user=citizen, now=timezone.now())
    assert len(queries.captured_queries) == 1
    assert 1790 <= limited.value.retry_after <= 1800
    assert "per jam" in limited.value.message


@pytest.mark.usefixtures("limits")
def test_a_full_day_is_refused_until_its_fifth_newest_report_leaves_the_day(bandung: Government) -> None:
    citizen = UserFactory()
    # One in the last hour (the hour is not full), five in the day, one older than a day.
    _sent(citizen, bandung, hours_ago=[0.5, 2, 4, 6, 10, 30])
    with pytest.raises(RateLimited) as limited:
        _rate_limit_check(acting_user=citizen, now=timezone.now())
    assert 14 * 3600 - 10 <= limited.value.retry_after <= 14 * 3600
    assert "per hari" in limited.value.message


def test_another_reporters_reports_do_not_count(bandung: Government, settings: Any) -> None:
    settings.WARGA_INTAKE_RATE_LIMITS = ((3600, 1),)
    _sent(UserFactory(), bandung, hours_ago=[0.1])
    _rate_limit_check(acting_user=UserFactory(), now=timezone.now())


def test_no_limits_configured_means_no_query(settings: Any) -> None:
    # No `db` fixture: pytest-django refuses any query, so returning proves none was made.
    settings.WARGA_INTAKE_RATE_LIMITS = ()
    _rate_limit_check(acting_user=User(email="tanpa-batas@example.id"), now=timezone.now())


@pytest.mark.usefixtures("limits")
def test_the_retry_and_the_limit_are_one_query_and_an_old_key_is_still_found(bandung: Government) -> None:
    """The idempotency key's row comes first whatever its age, ahead of a window full of newer
    reports: a retry is answered, never refused, and a new key is refused by the full day."""
    citizen = UserFactory()
    # The oldest (batas-0001, 40 hours ago) is outside every window; five more fill the day.
    _sent(citizen, bandung, hours_ago=[40, 2, 3, 4, 5, 6])
    now = timezone.now()
    with CaptureQueriesContext(connection) as queries:
        earlier = earlier_submissions_read(acting_user=citizen, idempotency_key="batas-0001", now=now)
    # One statement, which also brings intake's reference version.
    assert len(queries.captured_queries) == 1
    assert earlier.reference_key == reference_version()
    assert earlier.same_key is True
    with pytest.raises(RateLimited) as limited:
        earlier_submissions_check(
            earlier_submissions_read(acting_user=citizen, idempotency_key="kunci-baru-01", now=now), now=now
        )
    assert "per hari" in limited.value.message
    # Another reporter's key is not theirs to replay; a reporter without rows still gets the
    # reference version, in the same one statement.
    someone_else = UserFactory()
    with CaptureQueriesContext(connection) as queries:
        stranger = earlier_submissions_read(acting_user=someone_else, idempotency_key="batas-0001", now=now)
    assert len(queries.captured_queries) == 1
    assert (stranger.same_key, stranger.created_at, stranger.reference_key) == (False, (), reference_version())
