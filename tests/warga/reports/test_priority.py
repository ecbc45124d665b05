"""A report's priority: its category's default at intake, changed by officials with a reason."""

from __future__ import annotations

import datetime

import pytest

from tenants.context import government_context
from tenants.models import Government
from tests.factories import UserFactory
from tests.personas import membership_in, with_totp
from tests.warga.reports.helpers import JAKARTA_POINT, JAKARTA_VILLAGE, counts, submit
from warga.access.policy import ActionForbidden
from warga.accounts.models import User
from warga.intake.services import report_transfer
from warga.organization.models import Membership, Position, PositionKind
from warga.outbox.models import OutboxEvent
from warga.reports.errors import ReportInvalid, ReportNotFound
from warga.reports.models import Report, ReportEvent
from warga.reports.services import report_priority_set, report_transition
from warga.routing.models import ReportRouting
from warga.taxonomy.models import Category

PUPR = "Dinas Pekerjaan Umum dan Penataan Ruang"
DLH = "Dinas Lingkungan Hidup"


def _kepala_dinas(government: Government, agency: str) -> User:
    user = UserFactory()
    with government_context(government):
        position = Position.objects.get(unit__name=agency, kind=PositionKind.KEPALA_DINAS)
        Membership.objects.create(position=position, user_id=user.pk, starts_on=datetime.date(2024, 1, 1))
    return with_totp(user)


def _admin(*governments: Government) -> User:
    user = UserFactory()
    for government in governments:
        membership_in(government, user)
    return with_totp(user)


def _report(government: Government, number: str) -> Report:
    with government_context(government):
        return Report.objects.get(tracking_number=number)


def _state(government: Government, number: str) -> tuple[str, list[tuple[str, str, str]], int]:
    """(priority, audit trail, outbox events) of one report."""
    with government_context(government):
        report = Report.objects.get(tracking_number=number)
        trail = list(ReportEvent.objects.filter(report=report).values_list("from_status", "to_status", "note"))
        return report.priority, trail, OutboxEvent.objects.filter(aggregate_id=report.pk).count()


def test_the_taxonomy_gives_urgent_and_high_defaults_to_the_dangerous_categories(db: None) -> None:
    defaults = dict(Category.objects.exclude(default_priority="normal").values_list("code", "default_priority"))
    assert defaults == {
        "banjir": "urgent",
        "pohon_tumbang": "urgent",
        "kebakaran": "urgent",
        "kejahatan": "urgent",
        "saluran_tersumbat": "high",
        "lalu_lintas": "high",
    }
    assert Category.objects.filter(default_priority="normal").count() == 23 - 6


@pytest.mark.parametrize(
    ("category_code", "priority"), [("banjir", "urgent"), ("saluran_tersumbat", "high"), ("jalan_rusak", "normal")]
)
def test_a_new_report_starts_with_its_categorys_default_priority(
    bandung: Government, category_code: str, priority: str
) -> None:
    number = submit(UserFactory(), category_code=category_code).tracking_number
    with government_context(bandung):
        report = Report.objects.get(tracking_number=number)
        assert report.priority == priority
        # The national fact's first event carries it (the relay ignores keys it does not read).
        submitted = OutboxEvent.objects.get(aggregate_id=report.pk, kind="report.submitted")
        assert submitted.payload["priority"] == priority


def test_an_official_changes_the_priority_with_a_reason_and_the_trail_says_so(bandung: Government) -> None:
    number = submit(UserFactory(), category_code="jalan_rusak").tracking_number
    official = _kepala_dinas(bandung, PUPR)
    report = _report(bandung, number)
    with government_context(bandung):
        routing_before = ReportRouting.objects.values().get(report_id=report.pk)
        changed = report_priority_set(
            actor=official, report_id=report.pk, priority="urgent", note="  Lubang di jalur ambulans.  "
        )
        assert changed.priority == "urgent"
        last = ReportEvent.objects.filter(report=report).order_by("-id").first()
        assert last is not None
        assert (last.actor_id, last.from_status, last.to_status, last.note) == (
            official.pk,
            "received",
            "received",
            "Prioritas diubah dari biasa ke darurat: Lubang di jalur ambulans.",
        )
        # Not routed again: the routing row is exactly as it was.
        assert ReportRouting.objects.values().get(report_id=report.pk) == routing_before
    priority, trail, outbox = _state(bandung, number)
    assert (priority, len(trail), outbox) == ("urgent", 2, 1)

    # The priority it already has: nothing written.
    with government_context(bandung):
        report_priority_set(actor=official, report_id=report.pk, priority="urgent", note="Sekali lagi.")
    assert _state(bandung, number) == (priority, trail, outbox)


@pytest.mark.parametrize(
    ("priority", "note", "field", "code"),
    [
        ("segera", "Alasan.", "priority", "unknown_priority"),
        ("high", "   ", "note", "note_required"),
        ("high", "x" * 2001, "note", "too_long"),
    ],
)
def test_a_bad_priority_or_reason_is_refused_and_nothing_changes(
    bandung: Government, priority: str, note: str, field: str, code: str
) -> None:
    number = submit(UserFactory()).tracking_number
    official = _admin(bandung)
    before = _state(bandung, number), counts(bandung)
    with government_context(bandung), pytest.raises(ReportInvalid) as refused:
        report_priority_set(actor=official, report_id=_report(bandung, number).pk, priority=priority, note=note)
    assert [e.code for e in refused.value.errors[field]] == [code]
    assert (_state(bandung, number), counts(bandung)) == before


def test_the_priority_of_a_report_no_longer_open_cannot_change(bandung: Government) -> None:
    number = submit(UserFactory()).tracking_number
    official = _admin(bandung)
    with government_context(bandung):
        report_transition(actor=official, tracking_number=number, to_status="archived", note="Bukan masalah publik.")
    before = _state(bandung, number)
    with government_context(bandung), pytest.raises(ReportInvalid) as refused:
        report_priority_set(actor=official, report_id=_report(bandung, number).pk, priority="high", note="Alasan.")
    assert refused.value.errors["report"][0].code == "not_open"
    assert _state(bandung, number) == before


def test_only_someone_who_may_act_on_the_report_changes_it_and_a_refusal_writes_nothing(bandung: Government) -> None:
    number = submit(UserFactory(), category_code="jalan_rusak").tracking_number  # routed to PUPR
    report_id = _report(bandung, number).pk
    seated_without_totp = UserFactory()
    membership_in(bandung, seated_without_totp)
    refusals = {
        "citizen": UserFactory(),
        "no_totp": seated_without_totp,
        # The head of another agency reaches its own agency's reports only.
        "other_agency": _kepala_dinas(bandung, DLH),
    }
    before = _state(bandung, number), counts(bandung)
    reasons = {}
    for who, actor in refusals.items():
        with government_context(bandung), pytest.raises(ActionForbidden) as refused:
            report_priority_set(actor=actor, report_id=report_id, priority="urgent", note="Alasan.")
        reasons[who] = refused.value.reason
    assert reasons == {"citizen": "not_official", "no_totp": "mfa_missing", "other_agency": "outside_unit"}
    assert (_state(bandung, number), counts(bandung)) == before
    # The handling agency's head may.
    with government_context(bandung):
        report_priority_set(actor=_kepala_dinas(bandung, PUPR), report_id=report_id, priority="high", note="Alasan.")
    assert _state(bandung, number)[0] == "high"


def test_a_jakarta_official_cannot_change_a_bandung_reports_priority(bandung: Government, jakarta: Government) -> None:
    in_bandung = submit(UserFactory()).tracking_number
    in_jakarta = submit(
        UserFactory(), village_code=JAKARTA_VILLAGE, latitude=JAKARTA_POINT[0], longitude=JAKARTA_POINT[1]
    ).tracking_number
    jakarta_admin = _admin(jakarta)
    before = (_state(bandung, in_bandung), counts(bandung), _state(jakarta, in_jakarta), counts(jakarta))

    # In Bandung's schema a Jakarta seat counts for nothing.
    with government_context(bandung), pytest.raises(ActionForbidden) as refused:
        report_priority_set(
            actor=jakarta_admin, report_id=_report(bandung, in_bandung).pk, priority="urgent", note="Alasan."
        )
    assert refused.value.reason == "not_official"
    # In Jakarta's schema, Bandung's report does not exist (an id never reaches another schema).
    missing_id = _report(bandung, in_bandung).pk + _report(jakarta, in_jakarta).pk + 1000
    with government_context(jakarta), pytest.raises(ReportNotFound):
        report_priority_set(actor=jakarta_admin, report_id=missing_id, priority="urgent", note="Alasan.")
    assert (_state(bandung, in_bandung), counts(bandung), _state(jakarta, in_jakarta), counts(jakarta)) == before


def test_the_priority_moves_with_a_transferred_report(bandung: Government, jakarta: Government) -> None:
    number = submit(UserFactory(), category_code="jalan_rusak").tracking_number
    official = _admin(bandung)
    with government_context(bandung):
        report_priority_set(actor=official, report_id=_report(bandung, number).pk, priority="urgent", note="Alasan.")
    report_transfer(actor=official, tracking_number=number, from_government=bandung, to_government_code="31", note="x")
    with government_context(jakarta):
        moved = Report.objects.get(tracking_number=number)
        arrived = OutboxEvent.objects.get(aggregate_id=moved.pk, kind="report.transferred_in")
    assert (moved.priority, arrived.payload["priority"]) == ("urgent", "urgent")
