"""The Indonesian catalogue translates every string the pages show, and both catalogues compile.

Strings are extracted from the templates the way `makemessages` does (Django's templatize), so a
page that gains a `{% translate %}` without a translation fails here, not in front of a citizen.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from babel.messages.pofile import read_po
from django.core.management import call_command
from django.test import Client
from django.utils.translation.template import templatize

FRONTEND = Path(__file__).resolve().parents[2] / "frontend"
LOCALE = FRONTEND / "locale"
_GETTEXT_CALL = re.compile(
    r"\b(?:gettext|gettext_lazy|pgettext|ngettext|_)\(\s*(u?'(?:[^'\\]|\\.)*'|u?\"(?:[^\"\\]|\\.)*\")"
)


def _catalogue(language: str) -> dict[str, str]:
    with (LOCALE / language / "LC_MESSAGES" / "django.po").open("rb") as source:
        catalogue = read_po(source)
    # A plural entry is found by its singular, which is what the extraction below sees.
    return {
        (message.id[0] if isinstance(message.id, tuple) else message.id): message.string
        for message in catalogue
        if message.id and not message.fuzzy
    }


def _strings_in_templates() -> dict[str, str]:
    found: dict[str, str] = {}
    for template in sorted((FRONTEND / "templates").rglob("*.html")):
        for literal in _GETTEXT_CALL.findall(templatize(template.read_text(), origin=str(template))):
            found.setdefault(ast.literal_eval(literal), str(template.relative_to(FRONTEND)))
    return found


def _strings_in_python() -> dict[str, str]:
    found: dict[str, str] = {}
    for module in sorted(FRONTEND.rglob("*.py")):
        if "node_modules" in module.parts:
            continue
        for literal in _GETTEXT_CALL.findall(module.read_text()):
            found.setdefault(ast.literal_eval(literal), str(module.relative_to(FRONTEND)))
    return found


def test_every_string_on_the_pages_has_an_indonesian_translation() -> None:
    indonesian = _catalogue("id")
    used = {**_strings_in_python(), **_strings_in_templates()}
    assert len(used) > 10  # the extraction itself works
    missing = {message: where for message, where in used.items() if not indonesian.get(message)}
    assert missing == {}, "untranslated (run makemessages, then translate frontend/locale/id): " + repr(missing)


def test_the_catalogues_hold_no_empty_or_fuzzy_indonesian_entries() -> None:
    with (LOCALE / "id" / "LC_MESSAGES" / "django.po").open("rb") as source:
        catalogue = read_po(source)
    empty = [message.id for message in catalogue if message.id and (not message.string or message.fuzzy)]
    assert empty == []


def test_pages_speak_indonesian_first_and_english_on_request(db: None) -> None:
    call_command("compile_catalogs", verbosity=0)
    client = Client()
    assert "Langsung ke isi utama" in client.get("/", HTTP_HOST="localhost").content.decode()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, HTTP_HOST="localhost")
    assert response.status_code == 302
    page = client.get("/", HTTP_HOST="localhost").content.decode()
    assert "Skip to main content" in page
    assert '<html lang="en">' in page
