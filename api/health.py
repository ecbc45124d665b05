from __future__ import annotations

import hmac

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from tenants.host_kinds import EVERY, PUBLIC, answers_on
from tenants.models import Level
from warga.access.operator import operator_may_enter
from warga.health.metrics import metrics_render
from warga.health.selectors import health_report
from warga.web.hosts import government_of


@answers_on(EVERY)
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


@answers_on(PUBLIC)
@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus metrics for a scraper holding WARGA_METRICS_TOKEN (as a bearer token); without
    the setting the path does not exist. Public host only (deploy/README.md, "Metrics")."""
    token = settings.WARGA_METRICS_TOKEN
    if not token:
        raise Http404
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not hmac.compare_digest(given.encode(), token.encode()):
        response = HttpResponse("Token metrik tidak sah.\n", status=401, content_type="text/plain; charset=utf-8")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(metrics_render(), content_type="text/plain; version=0.0.4; charset=utf-8")
