"""The console's billing page (`/kantor/admin/tagihan/`): the government's standing, the plans
offered to it with a Stripe Checkout button each, Stripe's Customer Portal, the invoicing
details (NPWP and address), and the return page Checkout comes back to. Every write is one
call of `warga.billing.services`; Stripe failures are shown, saying nothing changed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from frontend.console.base import acting_user, console_page, page, refusal_into
from tenants.models import Government
from warga.access.policy import Action
from warga.billing.errors import BillingError, BillingInvalid, BillingNotFound, BillingUnavailable
from warga.billing.models import BillingAudit
from warga.billing.selectors import (
    BILLING_PAGE_PATH,
    billing_account_of,
    billing_enabled,
    is_billed,
    next_invoice,
    plan_offers,
    standing_of,
)
from warga.billing.services import (
    billing_checkout_result,
    billing_checkout_start,
    billing_details_set,
    billing_portal_start,
)


class DetailsForm(forms.Form):
    billing_name = forms.CharField(label=gettext_lazy("Name on invoices"), max_length=200)
    npwp = forms.CharField(label=gettext_lazy("NPWP (15 or 16 digits)"), max_length=24)
    address_line = forms.CharField(label=gettext_lazy("Street address"), max_length=200)
    address_city = forms.CharField(label=gettext_lazy("City or regency"), max_length=100)
    address_postal_code = forms.CharField(label=gettext_lazy("Postal code"), max_length=5)
    address_province = forms.CharField(label=gettext_lazy("Province"), max_length=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["npwp"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})
        self.fields["address_postal_code"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "postal-code"})
        self.fields["address_line"].widget.attrs.update({"autocomplete": "street-address"})


def _origin(request: HttpRequest) -> str:
    return f"{request.scheme}://{request.get_host()}"


def _billing_page(
    request: HttpRequest,
    government: Government,
    *,
    form: DetailsForm | None = None,
    problem: str = "",
    status: int = 200,
) -> HttpResponse:
    account = billing_account_of(government=government) if is_billed(government) else None
    if form is None:
        initial = (
            {name: getattr(account, name) for name in DetailsForm.base_fields} if account is not None else {}
        ) or {"billing_name": f"Pemerintah {government.name}"}
        form = DetailsForm(initial=initial)
    context = {
        "enabled": billing_enabled(),
        "billed": is_billed(government),
        "account": account,
        "standing": standing_of(government=government, account=account, now=timezone.now()),
        # Plans the operator has not priced in Stripe are not offered.
        "offers": [offer for offer in plan_offers(government=government) if offer.intervals]
        if billing_enabled() and is_billed(government)
        else [],
        "next_invoice": next_invoice(account) if account is not None else None,
        "history": list(BillingAudit.objects.filter(account=account)[:10]) if account is not None else [],
        "form": form,
        "problem": problem,
    }
    return page(request, government, "billing.html", context, section="billing", status=status)


@require_GET
@console_page(Action.BILLING_MANAGE)
def billing_page(request: HttpRequest, government: Government) -> HttpResponse:
    return _billing_page(request, government)


@require_POST
@console_page(Action.BILLING_MANAGE)
def billing_details(request: HttpRequest, government: Government) -> HttpResponse:
    form = DetailsForm(request.POST)
    if form.is_valid():
        try:
            billing_details_set(government=government, acting_user=acting_user(request), **form.cleaned_data)
        except BillingInvalid as error:
            refusal_into(form, error.field, error.message)
        else:
            messages.success(request, _("Invoicing details saved."))
            return HttpResponseRedirect(BILLING_PAGE_PATH)
    return _billing_page(request, government, form=form)


@require_POST
@console_page(Action.BILLING_MANAGE)
def billing_checkout(request: HttpRequest, government: Government) -> HttpResponse:
    try:
        url = billing_checkout_start(
            government=government,
            acting_user=acting_user(request),
            plan_code=request.POST.get("plan", ""),
            interval=request.POST.get("interval", ""),
            origin=_origin(request),
        )
    except BillingUnavailable as error:
        return _billing_page(request, government, problem=error.message, status=503)
    except BillingError as error:
        return _billing_page(request, government, problem=error.message, status=400)
    return HttpResponseRedirect(url, status=303)


@require_POST
@console_page(Action.BILLING_MANAGE)
def billing_portal(request: HttpRequest, government: Government) -> HttpResponse:
    try:
        url = billing_portal_start(government=government, acting_user=acting_user(request), origin=_origin(request))
    except BillingUnavailable as error:
        return _billing_page(request, government, problem=error.message, status=503)
    except BillingError as error:
        return _billing_page(request, government, problem=error.message, status=400)
    return HttpResponseRedirect(url, status=303)


@require_http_methods(["GET"])
@console_page(Action.BILLING_MANAGE)
def billing_return(request: HttpRequest, government: Government) -> HttpResponse:
    """Where Stripe Checkout sends the admin back: what became of the checkout."""
    try:
        result = billing_checkout_result(
            government=government, acting_user=acting_user(request), session_id=request.GET.get("session_id", "")
        )
    except BillingNotFound as error:
        raise Http404(error.message) from error
    except BillingUnavailable as error:
        return _billing_page(request, government, problem=error.message, status=503)
    except BillingError as error:
        return _billing_page(request, government, problem=error.message, status=400)
    return page(request, government, "billing_return.html", {"result": result}, section="billing")
