"""The privacy notice (every host) and the data-rights page (central host)."""

from __future__ import annotations

from allauth.account.decorators import reauthentication_required
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_http_methods, require_POST

from tenants.context import current_schema
from warga.access.guards import government_of
from warga.personaldata.selectors import data_requests_for
from warga.personaldata.services import account_delete, personal_data_export
from warga.privacy.selectors import privacy_settings_current

DELETE_CONFIRMATION = "HAPUS"


def privacy_notice(request: HttpRequest) -> HttpResponse:
    government = government_of(request)
    context: dict[str, object] = {"schema": current_schema(), "government": government}
    if government is None:
        context |= {"controller": settings.WARGA_PRIVACY_CONTROLLER, "dpo_email": settings.WARGA_PRIVACY_DPO_EMAIL}
    else:
        context |= {"controller": government.name, "privacy": privacy_settings_current()}
    return render(request, "frontend/privacy_notice.html", context)


@login_required
@require_http_methods(["GET"])
def data_rights(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "frontend/data_rights.html",
        {
            "requests": data_requests_for(user_id=request.user.pk),  # type: ignore[arg-type]
            "confirmation": DELETE_CONFIRMATION,
            "schema": current_schema(),
        },
    )


@login_required
@require_POST
def data_export(request: HttpRequest) -> HttpResponse:
    archive = personal_data_export(user=request.user)  # type: ignore[arg-type]
    response = HttpResponse(archive, content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="warga-data-pribadi.zip"'
    return response


@require_POST
@reauthentication_required
def data_delete(request: HttpRequest) -> HttpResponse:
    if request.POST.get("konfirmasi", "").strip() != DELETE_CONFIRMATION:
        messages.error(request, f"Ketik {DELETE_CONFIRMATION} untuk menghapus akun. (Type it to confirm.)")
        return HttpResponseRedirect("/akun/data/")
    user = request.user
    logout(request)
    account_delete(user=user)  # type: ignore[arg-type]
    messages.success(request, "Akun dan data pribadi Anda telah dihapus. (Your account and data were deleted.)")
    return HttpResponseRedirect("/")
