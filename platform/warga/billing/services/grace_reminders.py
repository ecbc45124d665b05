"""The reminders to the admin koordinators of a past-due government."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from tenants.context import government_context
from tenants.models import Government
from tenants.scope import public_scoped
from warga.accounts.models import User
from warga.billing.models import BillingAccount, BillingStatus
from warga.billing.selectors import BILLING_PAGE_PATH, billing_enabled, grace_end
from warga.organization.models import Membership, PositionKind
from warga.organization.selectors import membership_active_q, today_in


@public_scoped
def admin_emails(*, government: Government) -> list[str]:
    """The addresses of `government`'s admin koordinators seated today."""
    with government_context(government):
        user_ids = set(
            Membership.objects.filter(
                membership_active_q(on=today_in(government=government)), position__kind=PositionKind.ADMIN_KOORDINATOR
            ).values_list("user_id", flat=True)
        )
    return sorted(
        User.objects.filter(pk__in=user_ids, is_active=True).exclude(email="").values_list("email", flat=True)
    )


@public_scoped
def billing_grace_remind(*, now: datetime.datetime | None = None, origin_of: Callable[[Government], str]) -> int:
    """Email the admin koordinators of every past-due government, at most once every
    WARGA_BILLING_REMINDER_DAYS, while its grace period runs and once more after it ended.
    Returns how many governments were reminded."""
    if not billing_enabled():
        return 0
    now = now or timezone.now()
    every = datetime.timedelta(days=settings.WARGA_BILLING_REMINDER_DAYS)
    reminded = 0
    due = BillingAccount.objects.filter(status=BillingStatus.PAST_DUE).select_related("government")
    for account in due:
        if account.last_reminder_at is not None and now - account.last_reminder_at < every:
            continue
        ends = grace_end(account)
        if ends is not None and account.last_reminder_at is not None and account.last_reminder_at > ends:
            continue  # told after the grace period ended already
        recipients = admin_emails(government=account.government)
        if recipients:
            link = f"{origin_of(account.government)}{BILLING_PAGE_PATH}"
            if ends is not None and now < ends:
                subject = f"[Warga] Pembayaran {account.government.name} gagal (payment failed)"
                body = (
                    f"Pembayaran langganan Warga untuk {account.government.name} gagal. Fitur paket Lengkap "
                    f"(domain sendiri, tampilan, ekspor CSV, kunci API dan webhook) tetap berjalan sampai "
                    f"{timezone.localtime(ends):%d-%m-%Y %H:%M} WIB, lalu terkunci. Laporan warga tetap diterima "
                    f"dan ditangani seperti biasa.\nPerbarui cara pembayaran: {link}\n\n"
                    f"The payment for {account.government.name}'s Warga subscription failed. Premium features keep "
                    f"working until the date above, then lock. Citizens' reports keep arriving and being handled.\n"
                )
            else:
                subject = f"[Warga] Fitur paket Lengkap {account.government.name} terkunci (premium features locked)"
                body = (
                    f"Masa tenggang pembayaran {account.government.name} telah berakhir; fitur paket Lengkap "
                    f"terkunci sampai pembayaran diterima. Laporan warga tetap diterima dan ditangani.\n"
                    f"Selesaikan pembayaran: {link}\n\n"
                    f"The grace period has ended; premium features are locked until payment is received.\n"
                )
            send_mail(subject, body, None, recipients)
        account.last_reminder_at = now
        account.save(update_fields=["last_reminder_at", "updated_at"])
        reminded += 1
    return reminded
