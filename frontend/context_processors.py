"""What every page's layout needs: which kind of host it is on, and the layout to extend.

Pages extend `frontend/base.html`, which extends the layout of the host kind:
- `frontend/layouts/public.html`: the shared citizen app on the public host;
- `frontend/layouts/government.html`: a government's host, with its name and colour;
- `frontend/layouts/national.html`: the national government's host.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from tenants.context import current_schema
from warga.web.hosts import central_origin, government_of, host_kind


def site(request: HttpRequest) -> dict[str, Any]:
    government = government_of(request)
    kind = host_kind(request)
    return {
        "host_kind": kind,
        "layout_template": f"frontend/layouts/{kind}.html",
        "government": government,
        "central_url": central_origin(request),
        "schema": current_schema(),
        "map_tile_url": settings.WARGA_MAP_TILE_URL,
        "map_tile_attribution": settings.WARGA_MAP_TILE_ATTRIBUTION,
    }
