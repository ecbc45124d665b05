"""Notifications over HTTP: channel preferences (with channels that are off refused), web push
subscriptions on every host, a citizen's notifications across governments on the public host,
and the notifications page and service worker."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve
from django.utils import translation

from api.v1.government import notifications
from api.v1.public import notifications as public_notifications
from tenants.context import government_context
from tenants.host_kinds import HostKind, serving
from tenants.models import Government
from tests.api.helpers import signed_in_client
from tests.factories import UserFactory
from tests.warga.notifications.fakes import VAPID_KEY, Browser, b64url, point
from tests.warga.reports.helpers import submit
from warga.accounts.models import User
from warga.notifications.models import ChannelPreference, EventKind, Notification
from warga.notifications.services import CHANNEL_SAVES_PER_HOUR, ChannelPreferencesRateLimited, notifications_send
from warga.notifications_public.models import NotificationGovernment, PushSubscription
from warga.routing.models import ConfigurationVersion

BANDUNG_HOST = "kota-bandung.localhost"
JAKARTA_HOST = "dki-jakarta.localhost"
PUBLIC_HOST = "localhost"
PREFERENCES = "/api/v1/notifications/preferences/"
SUBSCRIPTIONS = "/api/v1/me/push-subscriptions/"
ENDPOINT = "https://fcm.googleapis.com/fcm/send/perangkat-uji"


@pytest.fixture
def push_on(settings: Any) -> None:
    settings.WARGA_VAPID_PRIVATE_KEY = b64url(VAPID_KEY.private_numbers().private_value.to_bytes(32, "big"))
    settings.WARGA_VAPID_PUBLIC_KEY = b64url(point(VAPID_KEY))
    settings.WARGA_VAPID_SUBJECT = "mailto:operator@warga.example"


@pytest.fixture
def channels_off(settings: Any) -> None:
    settings.WARGA_WHATSAPP_SENDER = ""
    settings.WARGA_VAPID_PRIVATE_KEY = settings.WARGA_VAPID_PUBLIC_KEY = settings.WARGA_VAPID_SUBJECT = ""


def test_the_notification_routes_keep_their_names_and_live_in_their_own_module() -> None:
    with serving(HostKind.CITY):
        for path in ("/api/v1/notifications/", "/api/v1/notifications/1/read/", PREFERENCES):
            match = resolve(path, urlconf="config.urls_tenant")
            assert match.func.view_class.__module__ == notifications.__name__  # type: ignore[attr-defined]
        assert resolve(PREFERENCES, urlconf="config.urls_tenant").url_name == "v1-notification-preferences"
    with serving(HostKind.PUBLIC):
        match = resolve("/api/v1/me/notifications/", urlconf="config.urls_public")
        assert match.func.view_class.__module__ == public_notifications.__name__  # type: ignore[attr-defined]


def test_preferences_offer_only_configured_channels_and_refuse_the_others(
    bandung: Government, jakarta: Government, channels_off: None, settings: Any
) -> None:
    user = UserFactory()
    client = signed_in_client(user)
    saved = client.put(
        PREFERENCES, {"email": False, "sms": True}, content_type="application/json", HTTP_HOST=BANDUNG_HOST
    )
    assert saved.status_code == 200
    assert saved.json() == {
        "in_app": True,
        "email": False,
        "sms": True,
        "whatsapp": False,
        "push": False,
        "offered": ["in_app", "email", "sms"],
    }
    refused = client.put(
        PREFERENCES,
        {"email": True, "sms": False, "whatsapp": True},
        content_type="application/json",
        HTTP_HOST=BANDUNG_HOST,
    )
    assert refused.status_code == 400
    message = "Notifikasi lewat WhatsApp tidak tersedia di Warga ini."
    assert refused.json() == {
        "error": {
            "code": "channel_unavailable",
            "message": message,
            "fields": {"whatsapp": [{"code": "channel_unavailable", "message": message}]},
        }
    }
    # Nothing of the refused request was stored.
    assert client.get(PREFERENCES, HTTP_HOST=BANDUNG_HOST).json()["email"] is False

    settings.WARGA_WHATSAPP_SENDER = "warga.notifications.whatsapp.ConsoleWhatsAppSender"
    turned_on = client.put(
        PREFERENCES,
        {"email": True, "sms": False, "whatsapp": True},
        content_type="application/json",
        HTTP_HOST=BANDUNG_HOST,
    )
    assert turned_on.json() == {
        "in_app": True,
        "email": True,
        "sms": False,
        "whatsapp": True,
        "push": False,
        "offered": ["in_app", "email", "sms", "whatsapp"],
    }
    # Per government: Jakarta still has the defaults, and no row there.
    assert client.get(PREFERENCES, HTTP_HOST=JAKARTA_HOST).json()["whatsapp"] is False
    with government_context(jakarta):
        assert not ChannelPreference.objects.filter(user_id=user.pk).exists()


def _subscription(endpoint: str = ENDPOINT) -> dict[str, Any]:
    browser = Browser()
    return {
        "endpoint": endpoint,
        "expirationTime": None,
        "keys": {"p256dh": browser.p256dh, "auth": b64url(browser.auth)},
    }


def test_push_subscriptions_on_the_public_and_government_hosts(db: None, push_on: None) -> None:
    owner, other = UserFactory(), UserFactory()
    client = signed_in_client(owner)
    first = client.post(SUBSCRIPTIONS, _subscription(), content_type="application/json", HTTP_HOST=PUBLIC_HOST)
    assert (first.status_code, first.json()) == (201, {"subscribed": True})
    again = client.post(SUBSCRIPTIONS, _subscription(), content_type="application/json", HTTP_HOST=PUBLIC_HOST)
    assert again.status_code == 200
    laptop = _subscription("https://updates.push.services.mozilla.com/wpush/v2/laptop")
    assert (
        client.post(SUBSCRIPTIONS, laptop, content_type="application/json", HTTP_HOST=BANDUNG_HOST).status_code == 201
    )
    assert sorted(PushSubscription.objects.filter(user=owner).values_list("endpoint", flat=True)) == [
        ENDPOINT,
        laptop["endpoint"],
    ]

    # Someone else cannot remove it.
    denied = signed_in_client(other).delete(
        SUBSCRIPTIONS, {"endpoint": ENDPOINT}, content_type="application/json", HTTP_HOST=PUBLIC_HOST
    )
    assert denied.status_code == 404
    assert PushSubscription.objects.filter(user=owner).count() == 2
    removed = client.delete(
        SUBSCRIPTIONS, {"endpoint": ENDPOINT}, content_type="application/json", HTTP_HOST=JAKARTA_HOST
    )
    assert removed.status_code == 204
    assert list(PushSubscription.objects.filter(user=owner).values_list("endpoint", flat=True)) == [laptop["endpoint"]]


def test_a_push_subscription_that_cannot_be_used_is_refused_with_the_field(db: None, push_on: None) -> None:
    user = UserFactory()
    client = signed_in_client(user)
    refused = client.post(
        SUBSCRIPTIONS,
        _subscription("https://169.254.169.254/latest/meta-data"),
        content_type="application/json",
        HTTP_HOST=PUBLIC_HOST,
    )
    assert refused.status_code == 400
    message = "Layanan push 169.254.169.254 tidak dikenal: gunakan peramban yang didukung."
    assert refused.json()["error"]["fields"] == {"endpoint": [{"code": "invalid", "message": message}]}
    missing = client.post(SUBSCRIPTIONS, {"endpoint": ENDPOINT}, content_type="application/json", HTTP_HOST=PUBLIC_HOST)
    assert missing.status_code == 400
    assert list(missing.json()["error"]["fields"]) == ["keys"]
    anonymous = signed_in_client().post(
        SUBSCRIPTIONS, _subscription(), content_type="application/json", HTTP_HOST=PUBLIC_HOST
    )
    assert anonymous.status_code == 403
    assert not PushSubscription.objects.exists()


def test_push_subscriptions_are_refused_while_push_is_off(db: None, channels_off: None) -> None:
    answer = signed_in_client(UserFactory()).post(
        SUBSCRIPTIONS, _subscription(), content_type="application/json", HTTP_HOST=PUBLIC_HOST
    )
    assert answer.status_code == 409
    assert answer.json() == {
        "error": {"code": "channel_unavailable", "message": "Notifikasi peramban belum diaktifkan di Warga ini."}
    }
    assert not PushSubscription.objects.exists()


def _notify(government: Government, user: User, key: str, tracking_number: str) -> None:
    with government_context(government):
        notifications_send(
            recipient_ids=[user.pk],
            report_id=None,
            kind=EventKind.REPORT_STATUS_CHANGED,
            context={"tracking_number": tracking_number, "from_status": "verified", "to_status": "resolved"},
            dedup_key=key,
        )


def test_a_citizens_notifications_across_governments(bandung: Government, jakarta: Government) -> None:
    citizen, other = UserFactory(), UserFactory()
    number = submit(citizen).tracking_number  # Bandung tells the reporter it was received
    # Jakarta notifies the citizen about a report they follow there (no report of theirs in Jakarta).
    _notify(jakarta, citizen, "ikut:1", "31-2026-000005")
    _notify(bandung, other, "lain:1", "32.73-2026-999999")
    assert set(NotificationGovernment.objects.filter(user=citizen).values_list("government__code", flat=True)) == {
        "31",
        "32.73",
    }

    client = signed_in_client(citizen)
    answer = client.get("/api/v1/me/notifications/", HTTP_HOST=PUBLIC_HOST)
    assert answer.status_code == 200
    page = answer.json()
    assert [(n["government_code"], n["kind"], n["details"]["tracking_number"]) for n in page["results"]] == [
        ("31", "report_status_changed", "31-2026-000005"),
        ("32.73", "report_received", number),
    ]
    assert [n["government_slug"] for n in page["results"]] == ["dki-jakarta", "kota-bandung"]
    assert (page["unread"], page["next_offset"]) == (2, None)

    first = client.get("/api/v1/me/notifications/?limit=1", HTTP_HOST=PUBLIC_HOST).json()
    assert ([n["government_code"] for n in first["results"]], first["next_offset"]) == (["31"], 1)
    second = client.get("/api/v1/me/notifications/?limit=1&offset=1", HTTP_HOST=PUBLIC_HOST).json()
    assert ([n["government_code"] for n in second["results"]], second["next_offset"]) == (["32.73"], None)

    # Another citizen sees only their own; a government host does not answer; nobody anonymous.
    theirs = signed_in_client(other).get("/api/v1/me/notifications/", HTTP_HOST=PUBLIC_HOST).json()
    assert [n["details"]["tracking_number"] for n in theirs["results"]] == ["32.73-2026-999999"]
    assert client.get("/api/v1/me/notifications/", HTTP_HOST=BANDUNG_HOST).status_code == 404
    assert signed_in_client().get("/api/v1/me/notifications/", HTTP_HOST=PUBLIC_HOST).status_code == 403
    bad = client.get("/api/v1/me/notifications/?limit=0", HTTP_HOST=PUBLIC_HOST)
    assert (bad.status_code, list(bad.json()["error"]["fields"])) == (400, ["limit"])


def test_the_cross_government_list_costs_the_same_whatever_the_number_of_notifications(
    bandung: Government, jakarta: Government
) -> None:
    citizen = UserFactory()
    _notify(bandung, citizen, "q:1", "32.73-2026-000001")
    _notify(jakarta, citizen, "q:2", "31-2026-000001")
    client = signed_in_client(citizen)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/v1/me/notifications/", HTTP_HOST=PUBLIC_HOST).status_code == 200
        return len(captured)

    queries()  # the first request of a session also records it (allauth's session list)
    few = queries()
    for number in range(2, 12):
        _notify(bandung, citizen, f"q:b{number}", f"32.73-2026-{number:06d}")
        _notify(jakarta, citizen, f"q:j{number}", f"31-2026-{number:06d}")
    assert queries() == few
    assert len(client.get("/api/v1/me/notifications/", HTTP_HOST=PUBLIC_HOST).json()["results"]) == 20


def test_the_notifications_page_works_without_javascript(bandung: Government, channels_off: None) -> None:
    user = UserFactory()
    client = signed_in_client(user)
    page = client.get("/notifikasi/", HTTP_HOST=BANDUNG_HOST)
    assert page.status_code == 200
    html = page.content.decode()
    assert (
        '<input type="checkbox" id="saluran-email" name="saluran" value="email" checked>'
        '<label for="saluran-email">Email</label>'
    ) in html
    assert 'value="sms"><label for="saluran-sms">SMS</label>' in html
    assert 'value="whatsapp"' not in html
    assert "nyalakan-notifikasi" not in html  # push is off: no button, no script

    saved = client.post("/notifikasi/", {"saluran": ["sms"]}, HTTP_HOST=BANDUNG_HOST)
    assert (saved.status_code, saved["Location"]) == (302, "/notifikasi/")
    with government_context(bandung):
        stored = ChannelPreference.objects.get(user_id=user.pk)
    assert (stored.email, stored.sms, stored.whatsapp, stored.push) == (False, True, False, False)
    assert "Pilihan saluran notifikasi disimpan." in client.get("/notifikasi/", HTTP_HOST=BANDUNG_HOST).content.decode()


def test_channel_saves_are_limited_per_account_in_each_government(
    bandung: Government, jakarta: Government, channels_off: None
) -> None:
    """Each change of someone's channels empties the government's routing cache (decision
    0140): ten saves an hour per account, on the page and in the API alike."""
    user = UserFactory()
    client = signed_in_client(user)
    for number in range(CHANNEL_SAVES_PER_HOUR.amount):
        chosen = ["sms"] if number % 2 else ["email"]
        assert client.post("/notifikasi/", {"saluran": chosen}, HTTP_HOST=BANDUNG_HOST).status_code == 302
    client.get("/notifikasi/", HTTP_HOST=BANDUNG_HOST)  # shows (and clears) the ten confirmations
    with government_context(bandung):
        version = ConfigurationVersion.objects.get().version

    refused = client.post("/notifikasi/", {"saluran": ["email", "sms"]}, HTTP_HOST=BANDUNG_HOST)

    assert (refused.status_code, refused["Location"]) == (302, "/notifikasi/")
    page = client.get("/notifikasi/", HTTP_HOST=BANDUNG_HOST).content.decode()
    assert re.search(r"Pilihan saluran notifikasi Anda sudah terlalu sering diubah\. Coba lagi dalam \d+ menit\.", page)
    assert "Pilihan saluran notifikasi disimpan." not in page
    # Nothing was stored, and the routing cache was left alone.
    with government_context(bandung):
        stored = ChannelPreference.objects.get(user_id=user.pk)
        assert (stored.email, stored.sms) == (False, True)
        assert ConfigurationVersion.objects.get().version == version
    api = client.put(PREFERENCES, {"email": True, "sms": True}, content_type="application/json", HTTP_HOST=BANDUNG_HOST)
    assert api.status_code == 429
    assert api.json()["error"]["code"] == "rate_limited"
    assert 0 < int(api["Retry-After"]) <= 3600
    # Another government's budget is its own.
    jakarta_page = client.post("/notifikasi/", {"saluran": ["sms"]}, HTTP_HOST="dki-jakarta.localhost")
    assert jakarta_page.status_code == 302
    with government_context(jakarta):
        assert ChannelPreference.objects.get(user_id=user.pk).sms is True


def test_the_channel_limit_says_how_long_to_wait_in_both_languages() -> None:
    with translation.override("id"):
        assert str(ChannelPreferencesRateLimited(retry_after=125)) == (
            "Pilihan saluran notifikasi Anda sudah terlalu sering diubah. Coba lagi dalam 3 menit."
        )
    with translation.override("en"):
        assert str(ChannelPreferencesRateLimited(retry_after=125)) == (
            "Your notification channels were changed too often. Try again in 3 minutes."
        )


def test_the_public_page_lists_every_government_and_offers_push(
    bandung: Government, jakarta: Government, push_on: None
) -> None:
    citizen = UserFactory()
    _notify(jakarta, citizen, "hal:1", "31-2026-000077")
    html = signed_in_client(citizen).get("/notifikasi/", HTTP_HOST=PUBLIC_HOST).content.decode()
    assert "31-2026-000077 · Provinsi DKI Jakarta" in html
    assert f'data-vapid-key="{b64url(point(VAPID_KEY))}"' in html
    assert '<script src="/static/frontend/notifications.js" defer></script>' in html
    assert signed_in_client().get("/notifikasi/", HTTP_HOST=PUBLIC_HOST).status_code == 302


@pytest.mark.parametrize("host", [PUBLIC_HOST, BANDUNG_HOST])
def test_the_service_worker_is_served_from_the_site_root(bandung: Government, host: str) -> None:
    answer = signed_in_client().get("/service-worker.js", HTTP_HOST=host)
    assert answer.status_code == 200
    assert answer["Content-Type"] == "text/javascript; charset=utf-8"
    assert answer["Cache-Control"] == "no-cache"
    assert b'self.addEventListener("push"' in answer.content


def test_a_notification_for_jakarta_never_shows_in_bandung(bandung: Government, jakarta: Government) -> None:
    citizen = UserFactory()
    _notify(jakarta, citizen, "iso:1", "31-2026-000088")
    client = signed_in_client(citizen)
    assert client.get("/api/v1/notifications/", HTTP_HOST=BANDUNG_HOST).json() == {"results": []}
    assert [
        n["details"]["tracking_number"]
        for n in client.get("/api/v1/notifications/", HTTP_HOST=JAKARTA_HOST).json()["results"]
    ] == ["31-2026-000088"]
    with government_context(bandung):
        assert not Notification.objects.filter(recipient_id=citizen.pk).exists()
