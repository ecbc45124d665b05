"""Compare every government's billing with Stripe and report the differences."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from tenants.models import Government
from warga.billing.errors import BillingUnavailable
from warga.billing.models import BillingAccount
from warga.billing.selectors import BILLED_LEVELS, billing_enabled
from warga.billing.services import billing_reconcile_one


class Command(BaseCommand):
    help = (
        "Compare every government's billing state and plan with its subscription at Stripe and print the "
        "differences (exit 1 when there are any). --apply takes Stripe's state."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--apply", action="store_true", help="Take Stripe's state where they differ.")

    def handle(self, *args: Any, apply: bool = False, **options: Any) -> None:
        if not billing_enabled():
            raise CommandError("Billing is off (WARGA_STRIPE_SECRET_KEY is not set): nothing to reconcile.")
        accounts = list(BillingAccount.objects.select_related("government", "plan").order_by("government__code"))
        without = Government.objects.filter(level__in=BILLED_LEVELS, is_ready=True, billing_account__isnull=True)
        differences = []
        unreachable = []
        for account in tqdm(
            accounts, desc="governments", unit="gov", file=self.stderr, disable=options["verbosity"] == 0
        ):
            try:
                differences.extend(billing_reconcile_one(account, apply=apply))
            except BillingUnavailable:
                unreachable.append(account.government.code or account.government.name)
        for difference in differences:
            self.stdout.write(
                f"{difference.government}: {difference.field} is {difference.warga!r} here, "
                f"{difference.stripe!r} at Stripe{' (now taken)' if apply else ''}"
            )
        for government in without.order_by("code"):
            self.stdout.write(f"{government.code}: no billing account (never had a trial or a subscription)")
        for code in unreachable:
            self.stderr.write(f"{code}: Stripe could not be read; compared nothing")
        self.stdout.write(
            f"{len(accounts)} accounts compared, {len(differences)} differences, {len(unreachable)} not readable."
        )
        if (differences and not apply) or unreachable:
            raise SystemExit(1)
