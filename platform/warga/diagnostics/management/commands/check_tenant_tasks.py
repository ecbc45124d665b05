from __future__ import annotations

import time
import uuid
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from tenants.models import Government, Level
from tenants.selectors import governments_ready
from warga.diagnostics.selectors import EchoArrival, echo_arrivals
from warga.diagnostics.services import echo_forget, echo_request

_POLL_SECONDS = 0.2


class Command(BaseCommand):
    help = (
        "Can the Celery workers reach every government? Sends one echo task into each ready "
        "government (or the ones named) and waits until each has been recorded in its own schema. "
        "Exits non-zero naming the governments that did not answer in time."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "codes", nargs="*", help="Kemendagri codes or slugs (e.g. 31 32.73 nasional); default: every ready one."
        )
        parser.add_argument("--timeout", type=float, default=60.0, help="Seconds to wait for all echoes (default 60).")

    def handle(self, *args: Any, codes: list[str], timeout: float, **options: Any) -> None:
        if timeout <= 0:
            raise CommandError(f"--timeout must be a positive number of seconds, got {timeout}.")
        governments = self._selected(codes)
        if not governments:
            raise CommandError("There is no ready government to check; provision one with `provision_regions`.")

        sent_at: dict[str, float] = {}
        tokens: dict[str, uuid.UUID] = {}
        for government in governments:
            tokens[government.schema_name] = echo_request(government=government, expires_seconds=timeout)
            sent_at[government.schema_name] = time.monotonic()

        arrived: dict[str, EchoArrival] = {}
        seen_after: dict[str, float] = {}
        deadline = time.monotonic() + timeout
        while True:
            waiting = {schema: token for schema, token in tokens.items() if schema not in arrived}
            for schema, arrival in echo_arrivals(tokens_by_schema=waiting).items():
                arrived[schema] = arrival
                seen_after[schema] = time.monotonic() - sent_at[schema]
            if len(arrived) == len(tokens) or time.monotonic() >= deadline:
                break
            time.sleep(_POLL_SECONDS)

        self._print_table(governments, arrived, seen_after)
        for government in governments:
            if government.schema_name in arrived:
                echo_forget(government=government, tokens=[tokens[government.schema_name]])

        missing = [g for g in governments if g.schema_name not in arrived]
        crossed = [
            g for g in governments if g.schema_name in arrived and arrived[g.schema_name].schema_seen != g.schema_name
        ]
        problems = []
        if crossed:
            problems.append(
                "ran in the wrong schema (tenant isolation broken): "
                + ", ".join(f"{g} saw {arrived[g.schema_name].schema_seen!r}" for g in crossed)
            )
        if missing:
            problems.append(
                f"no answer within {timeout:g} s from {len(missing)} of {len(governments)}: "
                + ", ".join(str(g) for g in missing)
                + ". Is a worker running and consuming the default queue, with the same broker?"
            )
        if problems:
            raise CommandError("; ".join(problems))
        self.stdout.write(f"All {len(governments)} governments answered.")

    def _selected(self, codes: list[str]) -> list[Government]:
        if not codes:
            return list(governments_ready().order_by("code", "slug"))
        found = {
            key: government
            for government in Government.objects.filter(Q(code__in=codes) | Q(slug__in=codes)).exclude(
                level=Level.TEMPLATE
            )
            for key in (government.code, government.slug)
            if key
        }
        unknown = [code for code in codes if code not in found]
        if unknown:
            raise CommandError(f"No government with code or slug: {', '.join(unknown)}.")
        selected = list(dict.fromkeys(found[code] for code in codes))
        not_ready = [g for g in selected if not g.is_ready]
        if not_ready:
            raise CommandError(
                "Not ready (not in service, workers refuse their tasks): "
                + ", ".join(str(g) for g in not_ready)
                + ". Finish provisioning them or leave them out."
            )
        return selected

    def _print_table(
        self, governments: list[Government], arrived: dict[str, EchoArrival], seen_after: dict[str, float]
    ) -> None:
        width = max([len("government"), *(len(str(g)) for g in governments)])
        schema_width = max([len("schema"), *(len(g.schema_name) for g in governments)])
        self.stdout.write(f"{'government':<{width}}  {'schema':<{schema_width}}  {'round trip':>12}")
        for government in governments:
            schema = government.schema_name
            if schema not in arrived:
                result = "NO ANSWER"
            elif arrived[schema].schema_seen != schema:
                result = f"WRONG SCHEMA {arrived[schema].schema_seen}"
            else:
                result = f"{seen_after[schema] * 1000:.0f} ms"
            self.stdout.write(f"{government!s:<{width}}  {schema:<{schema_width}}  {result:>12}")
