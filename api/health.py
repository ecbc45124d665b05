from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from warga.health.selectors import health_report


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 with every check when healthy; 503 naming the failing parts when not."""
    report = health_report()
    return JsonResponse(report.as_dict(), status=200 if report.healthy else 503)
