"""The bundles esbuild writes during set-up (frontend/build.mjs), by the name of their entry.

`frontend/static/frontend/dist/manifest.json` maps an entry's name (`citizen.js`) to its file
with a content hash in the name (`frontend/dist/citizen-5LOX2TR3.js`), which WhiteNoise serves
with a year-long cache lifetime. The manifest is read once per process; with DEBUG on it is read
again whenever it changes, so `node frontend/build.mjs --watch` needs no restart.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

MANIFEST = Path(__file__).resolve().parent / "static" / "frontend" / "dist" / "manifest.json"

_loaded: tuple[float, dict[str, str]] | None = None


def asset_path(name: str) -> str:
    """The static path of the bundle built from `frontend/src/entries/<name>`."""
    manifest = _manifest()
    try:
        return manifest[name]
    except KeyError:
        raise ImproperlyConfigured(
            f"No bundle named {name!r}: add frontend/src/entries/{name} and run `python3 deploy/dev.py setup`."
        ) from None


def _manifest() -> dict[str, str]:
    global _loaded
    if _loaded is not None and not settings.DEBUG:
        return _loaded[1]
    try:
        modified = MANIFEST.stat().st_mtime
    except FileNotFoundError:
        raise ImproperlyConfigured(
            "The front-end bundles are not built: run `python3 deploy/dev.py setup` (or `node frontend/build.mjs`)."
        ) from None
    if _loaded is None or _loaded[0] != modified:
        _loaded = (modified, json.loads(MANIFEST.read_text()))
    return _loaded[1]
