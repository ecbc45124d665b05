"""Pages of the national triage desk (national host) and of its offers (a regional host).

The desk: `/meja-triase/` lists the reports no government owns yet (filters, pages) and
`/meja-triase/laporan/<nomor>/` shows one, with forms to assign it to a ready government, hold
it with a reason and release it; for `triage.act` (warga.access.policy). The offers:
`/tawaran-triase/` lists what the desk offered this government, to accept or decline with a
reason; for `offer.decide`. Both call the services the API calls, work without JavaScript
(plain forms, post-redirect-get) and show each error next to its field. Off their hosts the
pages do not exist (404), whoever asks.
"""

from __future__ import annotations

from typing import Any, cast
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from frontend.gates import government_page
from tenants.host_kinds import NATIONAL, REGIONAL
from tenants.models import Government
from warga.access.policy import Action
from warga.accounts.models import User
from warga.errors import WargaError
from warga.regions.models import Province
from warga.reports.errors import ReportError, ReportInvalid, ReportNotFound
from warga.reports.lifecycle import OPEN_STATUSES, Status
from warga.reports.models import ReportType
from warga.reports.services import NOTE_MAX_LENGTH
from warga.taxonomy.selectors import categories_active, category_names
from warga.triage.models import OfferStatus
from warga.triage.selectors import (
    TRIAGE_PAGE_SIZE,
    HeldView,
    QueueReason,
    offers_with_places,
    triage_queue,
    triage_report,
)
from warga.triage.services import (
    OfferNotFound,
    TriageDeskUnavailable,
    offer_accept,
    offer_decline,
    triage_assign,
    triage_hold,
    triage_release,
)

DESK_PATH = "/meja-triase/"
OFFERS_PATH = "/tawaran-triase/"
NOT_AT_DESK = (
    "Laporan dengan nomor itu tidak ada di meja triase: mungkin sudah ditugaskan atau ditutup. "
    "(That report is not at the triage desk.)"
)
# Form fields named after the service's inputs: a refusal about `to_government_code` is shown
# by the "tujuan" field.
SERVICE_FIELDS = {"to_government_code": "tujuan", "note": "catatan", "reason": "alasan"}


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _refusal_into(form: forms.Form, error: WargaError) -> None:
    """A service's refusal shown by the field it concerns, else above the form."""
    if isinstance(error, ReportInvalid):
        for name, problems in error.errors.items():
            for problem in problems:
                field = SERVICE_FIELDS.get(name)
                form.add_error(field if field in form.fields else None, problem.message)
    else:
        form.add_error(None, error.message)


# --- The desk --------------------------------------------------------------------------------------


def _province_choices() -> list[tuple[str, str]]:
    return [("", "Semua provinsi")] + [
        (code, f"{code} {name}") for code, name in Province.objects.values_list("code", "name")
    ]


class QueueFilter(forms.Form):
    provinsi = forms.ChoiceField(required=False, label="Provinsi")
    kategori = forms.ChoiceField(required=False, label="Kategori")
    status = forms.ChoiceField(
        required=False,
        label="Status",
        choices=[("", "Semua status terbuka")] + [(s.value, s.label) for s in Status if s in OPEN_STATUSES],
    )
    ditahan = forms.ChoiceField(required=False, label="Penahanan", choices=HeldView.choices)
    halaman = forms.IntegerField(required=False, min_value=1, label="Halaman")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["provinsi"]).choices = _province_choices()
        cast(forms.ChoiceField, self.fields["kategori"]).choices = [("", "Semua kategori")] + [
            (category.code, category.name_id) for category in categories_active().order_by("sort_order", "code")
        ]


def _status_label(value: str) -> str:
    return str(Status(value).label) if value in Status.values else value


def _labelled(item: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    """`names`: the categories' names, looked up once for the page (category_names)."""
    return item | {
        "category_name": names.get(item["category_code"], item["category_code"]),
        "status_label": Status(item["status"]).label,
        "type_label": ReportType(item["type"]).label if item["type"] in ReportType.values else item["type"],
        "reason_label": QueueReason(item["reason"]).label,
        "offers": [offer | {"status_label": OfferStatus(offer["status"]).label} for offer in item["offers"]],
    }


@require_GET
@government_page(Action.TRIAGE_ACT, hosts=NATIONAL)
def triage_queue_page(request: HttpRequest, government: Government) -> HttpResponse:
    """`/meja-triase/`: the desk's open reports, oldest first, 50 a page."""
    query = QueueFilter(request.GET or None)
    context: dict[str, Any] = {"government": government, "form": query, "items": []}
    if request.GET and not query.is_valid():
        return render(request, "frontend/triage_queue.html", context, status=400)
    data = query.cleaned_data if request.GET else {}
    number = data.get("halaman") or 1
    page = triage_queue(
        province_code=data.get("provinsi") or None,
        category_code=data.get("kategori") or None,
        status=data.get("status") or None,
        held=data.get("ditahan") or HeldView.EXCLUDE,
        page=number,
        page_size=TRIAGE_PAGE_SIZE,
    )
    names = category_names(codes={item["category_code"] for item in page.results})
    filters = {name: value for name, value in request.GET.items() if name != "halaman" and value}
    pages = max((page.count + TRIAGE_PAGE_SIZE - 1) // TRIAGE_PAGE_SIZE, 1)
    context |= {
        "items": [_labelled(item, names) for item in page.results],
        "count": page.count,
        "page": number,
        "pages": pages,
        "previous": "?" + urlencode(filters | {"halaman": number - 1}) if number > 1 else "",
        "next": "?" + urlencode(filters | {"halaman": number + 1}) if number < pages else "",
    }
    return render(request, "frontend/triage_queue.html", context)


class AssignForm(forms.Form):
    tujuan = forms.CharField(
        max_length=5,
        label="Pemerintah tujuan (kode Kemendagri)",
        error_messages={"required": "Pilih atau tuliskan kode pemerintah tujuan."},
    )
    catatan = forms.CharField(max_length=NOTE_MAX_LENGTH, required=False, label="Catatan (tidak wajib)")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The browser suggests the province's ready governments (the page's datalist).
        self.fields["tujuan"].widget.attrs |= {"list": "calon-tujuan", "autocomplete": "off"}


class HoldForm(forms.Form):
    alasan = forms.CharField(
        max_length=NOTE_MAX_LENGTH,
        label="Alasan menahan",
        error_messages={"required": "Tuliskan mengapa laporan ini ditahan di meja triase."},
    )


class ReleaseForm(forms.Form):
    catatan = forms.CharField(max_length=NOTE_MAX_LENGTH, required=False, label="Catatan (tidak wajib)")


DESK_ACTIONS: dict[str, type[forms.Form]] = {"tugaskan": AssignForm, "tahan": HoldForm, "lepas": ReleaseForm}


@require_http_methods(["GET", "POST"])
@government_page(Action.TRIAGE_ACT, hosts=NATIONAL)
def triage_report_page(request: HttpRequest, government: Government, tracking_number: str) -> HttpResponse:
    """`/meja-triase/laporan/<nomor>/`: one report at the desk and the three decisions on it."""
    report = triage_report(tracking_number=tracking_number)
    if report is None:
        raise Http404(NOT_AT_DESK)
    owner = report["ready_owner"]
    bound: dict[str, forms.Form] = {
        "tugaskan": AssignForm(initial={"tujuan": owner["code"] if owner else ""}, prefix="tugaskan"),
        "tahan": HoldForm(prefix="tahan"),
        "lepas": ReleaseForm(prefix="lepas"),
    }
    status = 200
    if request.method == "POST":
        action = request.POST.get("aksi", "")
        if action not in DESK_ACTIONS:
            return HttpResponse("Aksi tidak dikenal. (Unknown action.)", status=400, content_type="text/plain")
        form = DESK_ACTIONS[action](request.POST, prefix=action)
        bound[action] = form
        if form.is_valid():
            data = form.cleaned_data
            try:
                if action == "tugaskan":
                    outcome = triage_assign(
                        acting_user=_user(request),
                        tracking_number=tracking_number,
                        to_government_code=data["tujuan"],
                        note=data["catatan"],
                    )
                    messages.success(
                        request,
                        f"Laporan {tracking_number} ditugaskan ke {outcome.to_government.name}. "
                        f"(Assigned to {outcome.to_government.name}.)",
                    )
                    return HttpResponseRedirect(DESK_PATH)
                if action == "tahan":
                    triage_hold(acting_user=_user(request), tracking_number=tracking_number, reason=data["alasan"])
                    messages.success(request, f"Laporan {tracking_number} ditahan. (The report is on hold.)")
                else:
                    triage_release(acting_user=_user(request), tracking_number=tracking_number, note=data["catatan"])
                    messages.success(request, f"Penahanan laporan {tracking_number} dilepas. (The hold is released.)")
                return HttpResponseRedirect(request.path)
            except ReportNotFound as missing:
                raise Http404(NOT_AT_DESK) from missing
            except (ReportError, TriageDeskUnavailable) as refused:
                _refusal_into(form, refused)
        status = 400
    context = {
        "government": government,
        "report": _labelled(report, category_names(codes=[report["category_code"]]))
        | {
            "trail": [
                event
                | {"from_label": _status_label(event["from_status"]), "to_label": _status_label(event["to_status"])}
                for event in report["trail"]
            ]
        },
        "assign": bound["tugaskan"],
        "hold": bound["tahan"],
        "release": bound["lepas"],
    }
    return render(request, "frontend/triage_report.html", context, status=status)


# --- Offers (the offered government's host) ---------------------------------------------------------


class DeclineForm(forms.Form):
    alasan = forms.CharField(
        max_length=NOTE_MAX_LENGTH,
        label="Alasan menolak",
        error_messages={"required": "Tuliskan mengapa laporan ini tidak diambil alih."},
    )


def _offers_page(
    request: HttpRequest, government: Government, *, failed: tuple[int, forms.Form] | None = None
) -> HttpResponse:
    pending = offers_with_places(government=government)
    names = category_names(codes={row["offer"].category_code for row in pending})
    rows = []
    for row in pending:
        offer = row["offer"]
        form = failed[1] if failed and failed[0] == offer.pk else DeclineForm(prefix=f"tawaran-{offer.pk}")
        rows.append(
            row
            | {
                "decline": form,
                "category_name": names.get(offer.category_code, offer.category_code),
                "type_label": ReportType(offer.type).label if offer.type in ReportType.values else offer.type,
            }
        )
    decided = offers_with_places(government=government, status=None)
    context = {
        "government": government,
        "rows": rows,
        "decided": [row for row in decided if row["offer"].status != OfferStatus.PENDING][-20:][::-1],
    }
    return render(request, "frontend/triage_offers.html", context, status=400 if failed else 200)


@require_GET
@government_page(Action.OFFER_DECIDE, hosts=REGIONAL)
def offers_page(request: HttpRequest, government: Government) -> HttpResponse:
    """`/tawaran-triase/`: the reports the desk offered this government, oldest first."""
    return _offers_page(request, government)


@require_POST
@government_page(Action.OFFER_DECIDE, hosts=REGIONAL)
def offer_accept_page(request: HttpRequest, government: Government, offer_id: int) -> HttpResponse:
    try:
        outcome = offer_accept(acting_user=_user(request), government=government, offer_id=offer_id)
    except OfferNotFound as missing:
        raise Http404(missing.message) from missing
    except ReportInvalid as refused:
        messages.error(request, _first(refused))
        return HttpResponseRedirect(OFFERS_PATH)
    except (ReportError, TriageDeskUnavailable) as refused:
        messages.error(request, refused.message)
        return HttpResponseRedirect(OFFERS_PATH)
    messages.success(
        request,
        f"Laporan {outcome.tracking_number} kini ditangani {government.name}. "
        f"(Report {outcome.tracking_number} is now {government.name}'s.)",
    )
    return HttpResponseRedirect(OFFERS_PATH)


def _first(invalid: ReportInvalid) -> str:
    return next((problem.message for problems in invalid.errors.values() for problem in problems), invalid.message)


@require_POST
@government_page(Action.OFFER_DECIDE, hosts=REGIONAL)
def offer_decline_page(request: HttpRequest, government: Government, offer_id: int) -> HttpResponse:
    form = DeclineForm(request.POST, prefix=f"tawaran-{offer_id}")
    if form.is_valid():
        try:
            offer = offer_decline(
                acting_user=_user(request), government=government, offer_id=offer_id, reason=form.cleaned_data["alasan"]
            )
        except OfferNotFound as missing:
            raise Http404(missing.message) from missing
        except ReportInvalid as refused:
            if "reason" not in refused.errors:
                # Decided meanwhile (by a colleague): no longer listed, so no field to show it by.
                messages.error(request, _first(refused))
                return HttpResponseRedirect(OFFERS_PATH)
            _refusal_into(form, refused)
        except (ReportError, TriageDeskUnavailable) as refused:
            messages.error(request, refused.message)
            return HttpResponseRedirect(OFFERS_PATH)
        else:
            messages.success(
                request,
                f"Tawaran laporan {offer.tracking_number} ditolak; laporan tetap di meja triase nasional. "
                "(Declined; the report stays at the national desk.)",
            )
            return HttpResponseRedirect(OFFERS_PATH)
    return _offers_page(request, government, failed=(offer_id, form))
