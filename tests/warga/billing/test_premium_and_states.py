"""What the billing state changes: premium features locked in one place (the policy) with a
link to the billing page, on pages and in the API; citizens' reports and officials' work never
stopped; reminders during the grace period; the national government never billed; the
reconciliation with Stripe; production refusing to start without the webhook secret."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
from pathlib import Path

from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django.utils.html import escape

from tenants.context import government_context
from tenants.models import Government
from tests.factories import UserFactory
from tests.frontend.console.helpers import BANDUNG, admin_client
from tests.personas import official_of
from tests.warga.billing.fake_stripe import FakeStripe, subscription
from tests.warga.reports.helpers import submit
from warga.access.models import ApiKey
from warga.billing.models import BillingAccount, BillingStatus, Plan
from warga.billing.selectors import premium_refusal
from warga.billing.services import billing_grace_remind, start_trial
from warga.organization.models import Branding
from warga.reports.models import Report
from warga.reports.services import report_transition
from warga.routing.models import ReportRouting

ROOT = Path(__file__).resolve().parents[3]


def _canceled(government: Government) -> BillingAccount:
    return BillingAccount.objects.create(
        government=government,
        status=BillingStatus.CANCELED,
        plan=Plan.objects.get(code="kota-besar-lengkap"),
        stripe_subscription_id="sub_gone",
    )


def test_premium_features_are_locked_with_a_link_on_pages_and_in_the_api(
    fake_stripe: FakeStripe, bandung: Government
) -> None:
    _canceled(bandung)
    browser = admin_client(bandung)
    locked = premium_refusal(government=bandung)
    assert locked is not None
    assert "/kantor/admin/tagihan/" in locked

    branding = browser.post(
        "/kantor/admin/tampilan/", {"display_name": "Pemkot", "colour": "#1d4ed8"}, HTTP_HOST=BANDUNG
    )
    assert branding.status_code == 403
    assert escape(locked) in branding.content.decode()
    assert 'href="/kantor/admin/tagihan/"' in branding.content.decode()
    assert browser.get("/kantor/ekspor.csv", HTTP_HOST=BANDUNG).status_code == 403
    created = browser.post(
        "/api/v1/api-keys/",
        {"name": "SP4N-LAPOR!", "scopes": ["reports:read"]},
        content_type="application/json",
        HTTP_HOST=BANDUNG,
    )
    assert (created.status_code, created.json()["error"]) == (403, {"code": "premium", "message": locked})
    # Seeing and revoking keys, privacy settings and billing itself are never locked.
    assert browser.get("/api/v1/api-keys/", HTTP_HOST=BANDUNG).status_code == 200
    assert browser.get("/kantor/admin/privasi/", HTTP_HOST=BANDUNG).status_code == 200
    assert browser.get("/kantor/admin/tagihan/", HTTP_HOST=BANDUNG).status_code == 200
    assert not ApiKey.objects.filter(government=bandung).exists()
    with government_context(bandung):
        assert not Branding.objects.exists()


def test_citizen_intake_and_routing_into_a_canceled_government_still_work(
    fake_stripe: FakeStripe, bandung: Government, settings: object
) -> None:
    _canceled(bandung)
    assert premium_refusal(government=bandung) is not None
    number = submit(UserFactory()).tracking_number
    with government_context(bandung):
        report = Report.objects.get(tracking_number=number)
        routing = ReportRouting.objects.get(report_id=report.pk)
        assert routing.handling_unit_id is not None
        assert routing.position_ids
        report_transition(acting_user=official_of(bandung), tracking_number=number, to_status="verified")
        report.refresh_from_db()
        assert report.status == "verified"


def test_past_due_admins_are_reminded_during_the_grace_period_then_told_of_the_lock(
    fake_stripe: FakeStripe, bandung: Government
) -> None:
    admin = admin_client(bandung)  # seats an admin koordinator
    assert admin is not None
    now = timezone.now()
    BillingAccount.objects.create(
        government=bandung,
        status=BillingStatus.PAST_DUE,
        plan=Plan.objects.get(code="kota-besar-lengkap"),
        past_due_since=now - datetime.timedelta(days=2),
    )

    def origin(government: Government) -> str:
        return f"http://{government.slug}.localhost"

    assert billing_grace_remind(now=now, origin_of=origin) == 1
    assert billing_grace_remind(now=now + datetime.timedelta(days=1), origin_of=origin) == 0
    (first,) = mail.outbox
    assert "http://kota-bandung.localhost/kantor/admin/tagihan/" in first.body
    assert "gagal" in first.subject
    after = now + datetime.timedelta(days=13)
    assert premium_refusal(government=bandung, now=after) is not None
    assert billing_grace_remind(now=after, origin_of=origin) == 1
    assert "terkunci" in mail.outbox[1].subject
    assert billing_grace_remind(now=after + datetime.timedelta(days=4), origin_of=origin) == 0


def test_the_trial_and_the_national_government(
    fake_stripe: FakeStripe, bandung: Government, national: Government
) -> None:
    account = start_trial(bandung)
    assert account is not None
    assert account.status == BillingStatus.TRIALING
    assert account.trial_ends_at is not None
    assert (account.trial_ends_at - timezone.now()).days in (29, 30)
    assert start_trial(bandung) == account  # a second call changes nothing
    assert premium_refusal(government=bandung) is None
    assert premium_refusal(government=bandung, now=account.trial_ends_at + datetime.timedelta(seconds=1)) is not None
    assert start_trial(national) is None
    assert premium_refusal(government=national) is None
    assert not BillingAccount.objects.filter(government=national).exists()


def test_reconciliation_reports_differences_and_takes_stripes_state(
    fake_stripe: FakeStripe, bandung: Government, capsys: object
) -> None:
    BillingAccount.objects.create(
        government=bandung,
        status=BillingStatus.ACTIVE,
        plan=Plan.objects.get(code="kota-besar-lengkap"),
        interval="month",
        stripe_customer_id="cus_rc",
        stripe_subscription_id="sub_rc",
    )
    fake_stripe.subscriptions["sub_rc"] = subscription(
        "sub_rc", status="past_due", price="price_kotaBesarLengkapM", code="32.73", customer="cus_rc"
    )
    out = _run("billing_reconcile")
    assert out[0] == 1
    assert "32.73: status is 'active' here, 'past_due' at Stripe" in out[1]
    assert BillingAccount.objects.get(government=bandung).status == BillingStatus.ACTIVE
    assert _run("billing_reconcile", "--apply")[0] == 0
    assert BillingAccount.objects.get(government=bandung).status == BillingStatus.PAST_DUE
    assert _run("billing_reconcile") == (0, _run("billing_reconcile")[1])


def _run(*arguments: str) -> tuple[int, str]:
    import io

    out = io.StringIO()
    try:
        call_command(*arguments, stdout=out, stderr=io.StringIO())
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue()
    return 0, out.getvalue()


def test_production_with_billing_on_refuses_to_start_without_the_webhook_secret() -> None:
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "WARGA_"))}
    environment |= {
        "DJANGO_DEBUG": "0",
        "WARGA_STRIPE_SECRET_KEY": "sk_test_abc",
        "WARGA_VAR_DIR": os.environ.get("WARGA_VAR_DIR", "var/test"),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "WARGA_STRIPE_WEBHOOK_SECRET (or WARGA_STRIPE_WEBHOOK_SECRET_FILE) must be set" in result.stderr
