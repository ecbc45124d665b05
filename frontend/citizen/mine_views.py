"""My reports (`/laporan-saya/`): the citizen's own reports across every government, newest first."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from frontend.citizen.words import category_name, status_badge
from warga.intake.selectors import reports_of_reporter

PAGE_SIZE = 20


@login_required
@require_GET
def my_reports(request: HttpRequest) -> HttpResponse:
    try:
        offset = max(0, int(request.GET.get("dari", "0")))
    except ValueError:
        offset = 0
    page = reports_of_reporter(reporter=request.user, limit=PAGE_SIZE, offset=offset)  # type: ignore[arg-type]
    reports = [
        {"report": item, "category": category_name(item.category_code), "badge": status_badge(item.status)}
        for item in page.items
    ]
    return render(
        request,
        "frontend/citizen/my_reports.html",
        {
            "reports": reports,
            "next_offset": page.next_offset,
            "previous_offset": max(0, offset - PAGE_SIZE) if offset else None,
        },
    )
