"""The console's front page: what the admin koordinator can set up, one link each."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from frontend.console.base import console_page, page
from tenants.models import Government
from warga.access.policy import Action


@require_GET
@console_page(Action.ORGANIZATION_EDIT)
def console_home(request: HttpRequest, government: Government) -> HttpResponse:
    return page(request, government, "index.html", {}, section="home")
