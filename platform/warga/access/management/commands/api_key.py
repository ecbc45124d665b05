"""The operator's way to make, list and revoke API keys, e.g. for the national intake:

    manage.py api_key create --government nasional --name "SP4N-LAPOR!" --scope reports:submit
    manage.py api_key list --government <code>
    manage.py api_key revoke --government <code> --id 12

The key is printed once, at creation; Warga keeps only its hash.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from tenants.models import Government
from warga.access.models import ApiScope
from warga.access.selectors import api_keys_of_government
from warga.access.services import api_key_create, api_key_revoke
from warga.errors import WargaError


class Command(BaseCommand):
    help = "Create, list or revoke a government's API keys (the operator's side)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["create", "list", "revoke"])
        parser.add_argument(
            "--government",
            required=True,
            help="The government's Kemendagri code or host name (nasional for the national intake).",
        )
        parser.add_argument("--name", default="", help="Who uses the key (create).")
        parser.add_argument(
            "--scope", action="append", default=[], choices=ApiScope.values, help="Repeat for several (create)."
        )
        parser.add_argument("--id", type=int, help="The key's id (revoke).")

    def handle(self, *args: Any, **options: Any) -> None:
        government = Government.objects.filter(Q(code=options["government"]) | Q(slug=options["government"])).first()
        if government is None:
            raise CommandError(f"No government has the code or host name {options['government']!r}.")
        try:
            if options["action"] == "create":
                issued = api_key_create(
                    government=government, name=options["name"], scopes=options["scope"], acting_user=None
                )
                self.stdout.write(f"id {issued.key.pk}, scopes {', '.join(issued.key.scopes)}")
                self.stdout.write("The key, shown once; store it now:")
                self.stdout.write(issued.raw)
            elif options["action"] == "revoke":
                if options["id"] is None:
                    raise CommandError("--id is required to revoke.")
                key = api_key_revoke(key_id=options["id"], government=government, acting_user=None)
                self.stdout.write(f"Revoked {key}.")
            else:
                for key in api_keys_of_government(government=government):
                    state = f"revoked {key.revoked_at:%Y-%m-%d %H:%M}" if key.revoked_at else "active"
                    used = f"{key.last_used_at:%Y-%m-%d %H:%M}" if key.last_used_at else "never"
                    self.stdout.write(
                        f"{key.pk}\t{key.prefix}\t{state}\tlast used {used}\t{','.join(key.scopes)}\t{key.name}"
                    )
        except WargaError as error:
            raise CommandError(str(error)) from error
