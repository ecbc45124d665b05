"""Offer notifications: the people who may decide a government's offers (its admin
koordinator) are told once per batch of offers, in that government's schema, on their
channels; nobody else is told, and a rerun that offers nothing tells nobody."""

from __future__ import annotations

import datetime

from django.core import mail

from tenants.context import government_context
from tenants.models import Government
from tests.factories import UserFactory
from tests.personas import membership_in
from tests.warga.reports.helpers import submit
from tests.warga.triage.test_offers import official
from warga.accounts.models import User
from warga.intake.services import report_transfer
from warga.notifications.models import Channel, EventKind, Notification
from warga.notifications.services import notification_deliver
from warga.triage.models import Offer
from warga.triage.services import offer_decline, offers_for_government, offers_remind


def _to_desk(bandung: Government, refuser: User) -> str:
    number = submit(UserFactory()).tracking_number
    report_transfer(
        actor=refuser, tracking_number=number, from_government=bandung, to_government_code="NAS", note="Milik BBWS"
    )
    return number


def _told(government: Government) -> list[tuple[object, str, str, str]]:
    with government_context(government):
        return list(
            Notification.objects.filter(kind=EventKind.REPORT_OFFERED)
            .order_by("dedup_key")
            .values_list("recipient_id", "channel", "status", "dedup_key")
        )


def test_each_batch_of_offers_tells_the_admin_koordinators_once(
    national: Government, bandung: Government, jakarta: Government
) -> None:
    refuser = official(bandung, "walikota")
    admin = official(bandung)
    second_admin = official(bandung)
    second_admin.language = "en"
    second_admin.save(update_fields=["language"])
    membership_in(bandung, UserFactory(), kind="lurah")
    ended = UserFactory()
    membership_in(bandung, ended, starts_on=datetime.date(2025, 1, 1), ends_on=datetime.date(2025, 12, 31))
    official(jakarta)
    official(national, "pengawas_nasional")
    numbers = [_to_desk(bandung, refuser), _to_desk(bandung, refuser)]

    with government_context(national):
        assert offers_for_government(government=bandung) == 2

    first = min(Offer.objects.filter(government=bandung).values_list("pk", flat=True))
    told = sorted(
        (recipient, channel, status, f"offered:{first}:{recipient}:{channel}")
        for recipient in (admin.pk, second_admin.pk)
        for channel, status in ((Channel.IN_APP, "sent"), (Channel.EMAIL, "queued"))
    )
    assert sorted(_told(bandung)) == told
    with government_context(bandung):
        contexts = list(Notification.objects.filter(kind=EventKind.REPORT_OFFERED).values_list("context", flat=True))
    assert contexts == 4 * [
        {
            "government_name": "Kota Bandung",
            "count": 2,
            "tracking_numbers": numbers,
            "more": 0,
            "offers_path": "/tawaran-triase/",
        }
    ]
    # The walikota, a lurah, a seat that ended, other governments and the desk: nobody else.
    assert _told(jakarta) == []
    assert _told(national) == []

    # A rerun (a retried task) offers nothing and tells nobody again.
    with government_context(national):
        assert offers_for_government(government=bandung) == 0
    assert sorted(_told(bandung)) == told

    # A later batch is a new notification.
    third = _to_desk(bandung, refuser)
    with government_context(national):
        assert offers_for_government(government=bandung) == 1
    later = Offer.objects.get(government=bandung, tracking_number=third).pk
    assert len(_told(bandung)) == 8
    assert {key.split(":")[1] for *_, key in _told(bandung)} == {str(first), str(later)}


def test_the_email_names_the_reports_in_the_recipients_language(national: Government, bandung: Government) -> None:
    refuser = official(bandung, "walikota")
    admin = official(bandung)
    english = official(bandung)
    english.language = "en"
    english.save(update_fields=["language"])
    numbers = [_to_desk(bandung, refuser) for _ in range(12)]
    with government_context(national):
        assert offers_for_government(government=bandung) == 12

    with government_context(bandung):
        for recipient in (admin, english):
            email = Notification.objects.get(
                kind=EventKind.REPORT_OFFERED, recipient_id=recipient.pk, channel=Channel.EMAIL
            )
            assert notification_deliver(notification_id=email.pk) == "sent"

    indonesian, english_mail = mail.outbox
    assert indonesian.to == [admin.email]
    assert indonesian.subject == "12 laporan ditawarkan kepada Kota Bandung"
    assert f"{', '.join(numbers[:10])} dan 2 lainnya." in indonesian.body
    assert "halaman Tawaran meja triase (/tawaran-triase/)" in indonesian.body
    assert english_mail.subject == "12 report(s) offered to Kota Bandung"
    assert f"{', '.join(numbers[:10])} and 2 more." in english_mail.body


def test_offers_to_a_government_where_nobody_may_decide_yet_tell_nobody(
    national: Government, bandung: Government
) -> None:
    refuser = official(bandung, "walikota")
    _to_desk(bandung, refuser)
    with government_context(national):
        assert offers_for_government(government=bandung) == 1
    assert _told(bandung) == []


def test_a_decider_seated_after_the_offers_is_reminded_within_a_day_and_nobody_more_than_weekly(
    national: Government, bandung: Government, jakarta: Government
) -> None:
    refuser = official(bandung, "walikota")
    numbers = [_to_desk(bandung, refuser), _to_desk(bandung, refuser)]
    with government_context(national):
        assert offers_for_government(government=bandung) == 2
    assert _told(bandung) == []  # nobody could decide when the offers were made

    admin = official(bandung)  # seated later
    official(jakarta)  # a decider elsewhere, with nothing offered
    monday = datetime.date(2026, 11, 23)
    assert offers_remind(on=monday) == 1
    week = "offers-waiting:2026-W48"
    assert sorted(_told(bandung)) == [
        (admin.pk, Channel.EMAIL, "queued", f"{week}:{admin.pk}:{Channel.EMAIL}"),
        (admin.pk, Channel.IN_APP, "sent", f"{week}:{admin.pk}:{Channel.IN_APP}"),
    ]
    with government_context(bandung):
        context = Notification.objects.get(recipient_id=admin.pk, channel=Channel.IN_APP).context
    assert context["count"] == 2
    assert context["tracking_numbers"] == numbers
    assert _told(jakarta) == []

    # The rest of the week tells nobody again; the next week does, while offers still wait.
    assert offers_remind(on=monday + datetime.timedelta(days=6)) == 1
    assert len(_told(bandung)) == 2
    first = Offer.objects.filter(government=bandung).order_by("pk").first()
    assert first is not None
    offer_decline(acting_user=admin, government=bandung, offer_id=first.pk, reason="Bukan wilayah kami")
    assert offers_remind(on=monday + datetime.timedelta(days=7)) == 1
    with government_context(bandung):
        context = (
            Notification.objects.filter(recipient_id=admin.pk, channel=Channel.IN_APP).order_by("-id").first().context
        )
    assert context["count"] == 1
    assert context["tracking_numbers"] == numbers[1:]
    assert len(_told(bandung)) == 4


def test_no_reminder_when_nothing_waits(national: Government, bandung: Government) -> None:
    official(bandung)
    assert offers_remind(on=datetime.date(2026, 11, 23)) == 0
    assert _told(bandung) == []
