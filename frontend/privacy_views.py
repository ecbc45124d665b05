"""The privacy notice (every host), the data-rights pages (central host) and, on a government's
host, the designated official's page revealing who sent a `rahasia` report."""

from __future__ import annotations

from allauth.account.decorators import reauthentication_required
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseForbidden, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from tenants.host_kinds import EVERY, answers_on
from warga.access.guards import government_of, official_required
from warga.access.policy import Action, ActionForbidden, policy_decide
from warga.data_rights.selectors import data_request_export_for_owner, data_requests_for
from warga.data_rights.services import DataExportTooSoon, account_delete_start, data_request_export_start
from warga.privacy.selectors import identity_views_for_report, privacy_settings_current, report_privacy_here
from warga.privacy.services import RevealRateLimited, reporter_identity_reveal
from warga.reports.errors import ReportInvalid
from warga.reports.models import Privacy

DELETE_CONFIRMATION = "HAPUS"
EXPORT_DOWNLOAD_NAME = "warga-data-pribadi.zip"


@answers_on(EVERY)
def privacy_notice(request: HttpRequest) -> HttpResponse:
    government = government_of(request)
    context: dict[str, object] = {"government": government}
    if government is None:
        context |= {"controller": settings.WARGA_PRIVACY_CONTROLLER, "dpo_email": settings.WARGA_PRIVACY_DPO_EMAIL}
    else:
        context |= {"controller": government.name, "privacy": privacy_settings_current()}
    return render(request, "frontend/privacy_notice.html", context)


def _data_rights_page(request: HttpRequest, *, status: int = 200) -> HttpResponse:
    return render(
        request,
        "frontend/data_rights.html",
        {
            "requests": data_requests_for(user_id=request.user.pk),  # type: ignore[arg-type]
            "now": timezone.now(),
            "export_days": settings.WARGA_PERSONAL_DATA_EXPORT_DAYS,
            "confirmation": DELETE_CONFIRMATION,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET"])
def data_rights(request: HttpRequest) -> HttpResponse:
    return _data_rights_page(request)


@login_required
@require_POST
def data_export(request: HttpRequest) -> HttpResponse:
    try:
        data_request_export_start(user=request.user)  # type: ignore[arg-type]
    except DataExportTooSoon as too_soon:
        # The page itself, not a redirect: the refusal and when to come back, above the
        # exports that are still there to download.
        messages.error(request, too_soon.message)
        response = _data_rights_page(request, status=429)
        response["Retry-After"] = str(too_soon.retry_after)
        return response
    messages.success(
        request,
        "Permintaan unduh data diterima. Berkasnya sedang disiapkan; muat ulang halaman ini untuk melihat "
        "kemajuannya. (Your download is being prepared; reload this page to see its progress.)",
    )
    return HttpResponseRedirect("/akun/data/")


@login_required
@require_http_methods(["GET"])
def data_export_download(request: HttpRequest, request_id: int) -> FileResponse:
    """The owner's finished export, while it is kept; anyone else (and a late owner) gets 404."""
    found = data_request_export_for_owner(user_id=request.user.pk, request_id=request_id)  # type: ignore[arg-type]
    if found is None or not default_storage.exists(found.export_file):
        raise Http404("Berkas data ini tidak ada atau sudah dihapus. Minta unduhan baru di halaman Data pribadi.")
    response = FileResponse(
        default_storage.open(found.export_file, "rb"), as_attachment=True, filename=EXPORT_DOWNLOAD_NAME
    )
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@reauthentication_required
def data_delete(request: HttpRequest) -> HttpResponse:
    if request.POST.get("konfirmasi", "").strip() != DELETE_CONFIRMATION:
        messages.error(request, f"Ketik {DELETE_CONFIRMATION} untuk menghapus akun. (Type it to confirm.)")
        return HttpResponseRedirect("/akun/data/")
    account_delete_start(user=request.user)  # type: ignore[arg-type]
    logout(request)
    return HttpResponseRedirect("/akun/data/dihapus/")


@require_http_methods(["GET"])
def data_deleted(request: HttpRequest) -> HttpResponse:
    """The confirmation after a deletion request; the browser is signed out by then."""
    return render(request, "frontend/data_deleted.html")


def _forbidden(request: HttpRequest, message: str) -> HttpResponse:
    page = render_to_string("frontend/access_denied.html", {"message": message}, request=request)
    return HttpResponseForbidden(page)


@official_required
@require_http_methods(["GET", "POST"])
def reporter_identity(request: HttpRequest, tracking_number: str) -> HttpResponse:
    """Government host, `/kantor/laporan/<nomor>/identitas-pelapor/`: the reason form and the
    list of earlier looks; after a POST with a reason, the identity, shown in that answer only.

    For the government's designated role only (warga.access.policy, `identity.reveal`); the
    reveal itself is the same service the API calls, which logs every look."""
    decision = policy_decide(actor=request.user, government=government_of(request), action=Action.IDENTITY_REVEAL)
    if not decision.allowed:
        return _forbidden(request, decision.message)
    privacy = report_privacy_here(tracking_number=tracking_number)
    if privacy is None:
        raise Http404("Laporan dengan nomor itu tidak ditemukan di pemerintah daerah ini.")
    context: dict[str, object] = {
        "government": government_of(request),
        "tracking_number": tracking_number,
        "is_rahasia": privacy == Privacy.RAHASIA,
        "reason": "",
        "errors": [],
    }
    status = 200
    if request.method == "POST":
        reason = request.POST.get("alasan", "")
        try:
            context["identity"] = reporter_identity_reveal(
                actor_id=request.user.pk,  # type: ignore[arg-type]
                tracking_number=tracking_number,
                reason=reason,
            )
        except ReportInvalid as invalid:
            context["errors"] = [error.message for errors in invalid.errors.values() for error in errors]
            context["reason"] = reason[:500]
            status = 400
        except RevealRateLimited as limited:
            context["errors"] = [limited.message]
            context["reason"] = reason[:500]
            context["retry_after"] = limited.retry_after
            status = 429
        except ActionForbidden as refused:  # the seat ended between the check above and now
            return _forbidden(request, refused.message)
    context["looks"] = identity_views_for_report(tracking_number=tracking_number)
    response = render(request, "frontend/reporter_identity.html", context, status=status)
    # The identity is shown once: no copy in the browser's cache or history.
    response["Cache-Control"] = "no-store"
    if "retry_after" in context:
        response["Retry-After"] = str(context["retry_after"])
    return response
