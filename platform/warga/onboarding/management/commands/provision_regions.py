from __future__ import annotations

import statistics
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from tenants.services import template_ensure
from warga.onboarding.services import (
    DEMO_CODES,
    ProvisioningError,
    government_provision,
    plan_all,
    plan_for_codes,
    plan_for_province,
    plan_national,
)
from warga.regions.selectors import dataset_current


class Command(BaseCommand):
    help = (
        "Create regional governments (tenants) from Kemendagri codes, a whole province, or --all, "
        "plus the national government. Idempotent and resumable: run it again after a crash."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("codes", nargs="*", help="Province (PP) or regency/city (PP.KK) codes, e.g. 31 32.73")
        parser.add_argument("--province", action="append", default=[], help="A province and all its regencies/cities.")
        parser.add_argument(
            "--all",
            dest="everything",
            action="store_true",
            help="All 38 provinces and their autonomous regencies/cities.",
        )
        parser.add_argument("--demo", action="store_true", help=f"The demo set: {', '.join(DEMO_CODES)}.")

    def handle(
        self, *args: Any, codes: list[str], province: list[str], everything: bool, demo: bool, **options: Any
    ) -> None:
        if dataset_current() is None:
            raise CommandError("No region data imported yet: run `manage.py import_regions` first.")
        try:
            if everything:
                plans = plan_all()
            else:
                selected = list(codes) + (list(DEMO_CODES) if demo else [])
                plans = plan_for_codes(codes=selected)
                for province_code in province:
                    plans += [p for p in plan_for_province(province_code=province_code) if p not in plans]
        except ProvisioningError as error:
            raise CommandError(str(error)) from error
        plans = [plan_national(), *plans]

        verbosity = options["verbosity"]
        template_ensure(verbosity=max(verbosity - 1, 0))
        outcomes = []
        with tqdm(plans, unit="pemda", desc="provisioning", disable=verbosity == 0) as bar:
            for planned in bar:
                bar.set_postfix_str(planned.code or planned.slug)
                outcomes.append(government_provision(planned=planned))

        created = [o for o in outcomes if o.created]
        self.stdout.write(
            f"{len(outcomes)} governments: {len(created)} created, {len(outcomes) - len(created)} already ready."
        )
        if created:
            seconds = [o.seconds for o in created]
            slowest = max(created, key=lambda o: o.seconds)
            self.stdout.write(
                f"Per government: median {statistics.median(seconds) * 1000:.0f} ms, "
                f"max {slowest.seconds * 1000:.0f} ms ({slowest.government.name}), total {sum(seconds):.1f} s."
            )
            if verbosity > 1:
                for outcome in created:
                    self.stdout.write(
                        f"  {outcome.government.code or '-':>6} {outcome.government.slug:<40} "
                        f"{outcome.units:>6} units {outcome.seconds * 1000:>7.0f} ms"
                    )
