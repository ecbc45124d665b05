"""Compile the translation catalogues (`*.po` under LOCALE_PATHS) into the `*.mo` files Django
reads, with Babel: no system gettext needed. Set-up runs it (deploy/dev.py); fuzzy entries are
left out, as msgfmt does.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Compile the .po translation catalogues into .mo files (no gettext needed)."

    def handle(self, *args: Any, **options: Any) -> None:
        catalogues = sorted(po for folder in settings.LOCALE_PATHS for po in Path(folder).glob("*/LC_MESSAGES/*.po"))
        if not catalogues:
            raise CommandError(f"No catalogues found under {', '.join(map(str, settings.LOCALE_PATHS))}.")
        for po_path in catalogues:
            try:
                with po_path.open("rb") as source:
                    catalogue = read_po(source, abort_invalid=True)
            except PoFileError as error:
                raise CommandError(f"{po_path}: {error}") from error
            with po_path.with_suffix(".mo").open("wb") as target:
                write_mo(target, catalogue, use_fuzzy=False)
            translated = sum(1 for message in catalogue if message.id and message.string and not message.fuzzy)
            if options["verbosity"] >= 1:
                self.stdout.write(f"{po_path.parent.parent.name}: {translated}/{len(catalogue)} messages translated")
