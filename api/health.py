from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from tenants.models import Level
from warga.access.hosts import government_of
from warga.access.operator import operator_may_enter
from warga.health.selectors import health_report


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when healthy; 503 naming the failing parts when not. On the national host the
    checks' details (every government's relay errors) go to operators only (staff whose session
    typed its TOTP code); probes need only the status."""
    report = health_report()
    body = report.as_dict()
    government = government_of(request)
    if government is not None and government.level == Level.NATIONAL and not operator_may_enter(request):
        body = {"status": body["status"], "failing": body["failing"]}
    return JsonResponse(body, status=200 if report.healthy else 503)
