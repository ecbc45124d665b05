"""Officials merge a duplicate into the report it repeats; its people follow the survivor."""

from __future__ import annotations

import pytest

from tenants.context import government_context
from tenants.models import Government
from tests.factories import UserFactory
from tests.warga.reports.helpers import JAKARTA_POINT, JAKARTA_VILLAGE, counts, submit
from warga.accounts.models import User
from warga.intake.models import ReportIndex
from warga.intake.selectors import report_lookup_public
from warga.intake.services import report_support, report_transfer
from warga.outbox.models import OutboxEvent
from warga.reports.errors import InvalidTransition, ReportInvalid, ReportNotFound
from warga.reports.models import Report, ReportEvent, ReportFollower
from warga.reports.selectors import Follower, report_followers
from warga.reports.services import report_merge, report_transition


def _state(government: Government) -> list[tuple[str, str, str, int]]:
    with government_context(government):
        return list(
            Report.objects.order_by("id").values_list("tracking_number", "status", "merged_into", "support_count")
        )


def _report_id(government: Government, number: str) -> int:
    with government_context(government):
        return Report.objects.get(tracking_number=number).pk


def test_merge_closes_the_duplicate_and_its_people_follow_the_survivor(bandung: Government, official: User) -> None:
    first_reporter, second_reporter, supporter_of_first = UserFactory(), UserFactory(), UserFactory()
    supporter_of_both = UserFactory()
    survivor = submit(first_reporter).tracking_number
    duplicate = submit(second_reporter).tracking_number
    report_support(supporter=supporter_of_first, tracking_number=survivor)
    report_support(supporter=supporter_of_both, tracking_number=survivor)
    report_support(supporter=supporter_of_both, tracking_number=duplicate)
    report_support(supporter=first_reporter, tracking_number=duplicate)  # the survivor's own reporter

    with government_context(bandung):
        outcome = report_merge(
            actor=official, duplicate_tracking_number=duplicate, into_tracking_number=survivor, note="Lubang yang sama."
        )
    assert (outcome.duplicate.status, outcome.into.tracking_number, outcome.followers_added) == ("merged", survivor, 1)

    assert _state(bandung) == [(survivor, "received", "", 2), (duplicate, "merged", survivor, 2)]
    with government_context(bandung):
        events = list(
            ReportEvent.objects.order_by("id").values_list(
                "report__tracking_number", "from_status", "to_status", "actor_id", "note"
            )
        )[-2:]
        assert events == [
            (duplicate, "received", "merged", official.pk, f"Digabung ke {survivor}: Lubang yang sama."),
            (
                survivor,
                "received",
                "received",
                official.pk,
                f"Laporan {duplicate} digabungkan ke laporan ini: Lubang yang sama.",
            ),
        ]
        kinds = list(OutboxEvent.objects.order_by("id").values_list("kind", flat=True))[-2:]
        assert kinds == ["report.status_changed", "report.merged_in"]
        followers = report_followers(report_id=Report.objects.get(tracking_number=survivor).pk)
    assert followers == [
        Follower(user_id=first_reporter.pk, reason="reporter"),
        Follower(user_id=supporter_of_first.pk, reason="supporter"),
        Follower(user_id=supporter_of_both.pk, reason="supporter"),
        Follower(user_id=second_reporter.pk, reason="merged_reporter"),
    ]
    assert ReportIndex.objects.get(tracking_number=duplicate).status == "merged"
    found = report_lookup_public(tracking_number=duplicate, viewer=second_reporter)
    assert found is not None
    assert (found.status, found.merged_into) == ("merged", survivor)


def test_merges_chain_and_followers_move_with_a_transfer(
    bandung: Government, jakarta: Government, official: User
) -> None:
    reporters = [UserFactory() for _ in range(3)]
    a, b, c = (submit(reporter).tracking_number for reporter in reporters)
    with government_context(bandung):
        report_merge(actor=official, duplicate_tracking_number=c, into_tracking_number=b, note="sama")
        report_merge(actor=official, duplicate_tracking_number=b, into_tracking_number=a, note="sama")
        assert [f.reason for f in report_followers(report_id=Report.objects.get(tracking_number=a).pk)] == [
            "reporter",
            "merged_reporter",
            "merged_reporter",
        ]
    report_transfer(actor=official, tracking_number=a, from_government=bandung, to_government_code="31", note="DKI")
    with government_context(jakarta):
        moved = report_followers(report_id=Report.objects.get(tracking_number=a).pk)
    assert [f.user_id for f in moved] == [reporter.pk for reporter in reporters]
    assert {f.user_id for f in moved} == {r.pk for r in reporters}
    with government_context(bandung):
        # Only the merged duplicate b keeps its own record of who followed it.
        assert list(ReportFollower.objects.values_list("report__tracking_number", flat=True)) == [b]


def test_a_merged_report_is_final_and_cannot_be_moved_by_a_plain_transition(
    bandung: Government, official: User
) -> None:
    a, b = submit(UserFactory()).tracking_number, submit(UserFactory()).tracking_number
    with government_context(bandung):
        with pytest.raises(ReportInvalid) as invalid:
            report_transition(actor=official, tracking_number=b, to_status="merged")
        assert invalid.value.errors["to_status"][0].code == "merge_required"
        report_merge(actor=official, duplicate_tracking_number=b, into_tracking_number=a, note="sama")
        with pytest.raises(InvalidTransition) as refused:
            report_transition(actor=official, tracking_number=b, to_status="verified")
        assert refused.value.allowed == ()
        with pytest.raises(InvalidTransition):
            report_merge(actor=official, duplicate_tracking_number=b, into_tracking_number=a, note="lagi")


@pytest.mark.parametrize(
    ("case", "field", "code"),
    [
        ("same", "into_tracking_number", "same_report"),
        ("no_note", "note", "note_required"),
        ("unknown_into", "into_tracking_number", "not_in_this_government"),
        ("into_archived", "into_tracking_number", "not_open"),
    ],
)
def test_refusals_say_why_and_change_nothing(
    bandung: Government, official: User, case: str, field: str, code: str
) -> None:
    a, b = submit(UserFactory()).tracking_number, submit(UserFactory()).tracking_number
    with government_context(bandung):
        if case == "into_archived":
            report_transition(actor=official, tracking_number=a, to_status="archived", note="ganda")
    before = (_state(bandung), counts(bandung))
    into = {"same": b, "unknown_into": "32.73-2026-999999"}.get(case, a)
    with government_context(bandung), pytest.raises(ReportInvalid) as invalid:
        report_merge(
            actor=official,
            duplicate_tracking_number=b,
            into_tracking_number=into,
            note="" if case == "no_note" else "x",
        )
    assert [e.code for e in invalid.value.errors[field]] == [code]
    assert (_state(bandung), counts(bandung)) == before


def test_cross_government_merge_is_refused_and_changes_nothing(
    bandung: Government, jakarta: Government, official: User
) -> None:
    in_bandung = submit(UserFactory()).tracking_number
    in_jakarta = submit(
        UserFactory(), village_code=JAKARTA_VILLAGE, latitude=JAKARTA_POINT[0], longitude=JAKARTA_POINT[1]
    ).tracking_number
    before = (_state(bandung), _state(jakarta), counts(bandung), counts(jakarta))

    with government_context(bandung), pytest.raises(ReportInvalid) as invalid:
        report_merge(actor=official, duplicate_tracking_number=in_bandung, into_tracking_number=in_jakarta, note="x")
    assert invalid.value.errors["into_tracking_number"][0].message.startswith(
        f"Laporan {in_jakarta} tidak ada di pemerintah ini. Penggabungan hanya untuk laporan dalam satu pemerintah"
    )
    # From Bandung, Jakarta's report is not there at all.
    with government_context(bandung), pytest.raises(ReportNotFound):
        report_merge(actor=official, duplicate_tracking_number=in_jakarta, into_tracking_number=in_bandung, note="x")
    assert (_state(bandung), _state(jakarta), counts(bandung), counts(jakarta)) == before
    with government_context(bandung):
        assert report_followers(report_id=_report_id(jakarta, in_jakarta) + 10_000) == []
