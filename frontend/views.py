"""Pages. Thin: each calls selectors and renders a template."""

from __future__ import annotations

from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tenants.selectors import governments_ready
from warga.organization.models import UnitKind
from warga.organization.selectors import unit_counts_by_kind, unit_root
from warga.regions.selectors import dataset_current


def public_home(request: HttpRequest) -> HttpResponse:
    governments = governments_ready().order_by(F("code").asc(nulls_first=True))
    return render(
        request,
        "frontend/public_home.html",
        {"governments": governments, "dataset": dataset_current()},
    )


def government_home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "frontend/government_home.html",
        {
            "government": request.tenant,  # type: ignore[attr-defined]
            "root": unit_root(),
            "unit_counts": [(UnitKind(kind).label, total) for kind, total in unit_counts_by_kind().items()],
        },
    )
