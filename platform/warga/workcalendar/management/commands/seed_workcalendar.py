from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tenants.context import government_context
from tenants.selectors import governments_ready
from warga.workcalendar.services import workcalendar_seed_defaults


class Command(BaseCommand):
    help = (
        "Give ready governments the default office hours and SLA targets (Keppres 68/1995 hours; "
        "LAPOR! 3 working days to verify, 5 to follow up). Idempotent: edited calendars are kept."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "codes", nargs="*", help="Kemendagri codes, e.g. 31 32.73; none means every ready government."
        )

    def handle(self, *args: Any, codes: list[str], **options: Any) -> None:
        governments = governments_ready()
        if codes:
            governments = governments.filter(code__in=codes)
            missing = sorted(set(codes) - set(governments.values_list("code", flat=True)))
            if missing:
                raise CommandError(f"No ready government with code {', '.join(missing)}: provision it first.")
        for government in governments.order_by("code"):
            with government_context(government):
                counts = workcalendar_seed_defaults()
            if options["verbosity"] >= 1:
                self.stdout.write(
                    f"{government.code or government.level} {government.name}: "
                    f"{counts['office_hours']} office days, {counts['sla_targets']} SLA targets"
                )
