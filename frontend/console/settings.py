"""The government's own settings: privacy (retention, who may reveal a confidential reporter)
and branding (display name, logo, colour), plus the two small files branding serves to every
page of the host: a stylesheet setting `--brand` (the CSP allows no inline style) and the logo."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from frontend.console.base import CONSOLE_PATH, acting_user, console_page, page, refusal_into
from tenants.host_kinds import GOVERNMENT, answers_on
from tenants.models import Government
from warga.access.policy import Action
from warga.organization.errors import OrganizationError, OrganizationInvalid
from warga.organization.models import PositionKind
from warga.organization.selectors import branding_current, branding_logo
from warga.organization.services import LOGO_MAX_BYTES, branding_update
from warga.privacy.selectors import privacy_settings_current
from warga.privacy.services import RETENTION_DAYS_MAX, RETENTION_DAYS_MIN, PrivacySettingsInvalid, privacy_settings_set
from warga.web.hosts import government_of

PRIVACY_PATH = f"{CONSOLE_PATH}privasi/"
BRANDING_PATH = f"{CONSOLE_PATH}tampilan/"
# A year: the URLs carry the colour or the logo's hash, so a change is a new URL.
IMMUTABLE = "public, max-age=31536000, immutable"


class PrivacyForm(forms.Form):
    retention_days = forms.IntegerField(
        label=gettext_lazy("Keep a reporter's identity after the report is closed for (days)"),
        min_value=RETENTION_DAYS_MIN,
        max_value=RETENTION_DAYS_MAX,
    )
    identity_viewer_kind = forms.ChoiceField(
        label=gettext_lazy("The one position that may reveal who sent a confidential report"),
        choices=PositionKind.choices,
    )


class BrandingForm(forms.Form):
    display_name = forms.CharField(
        label=gettext_lazy("Display name (empty: the official name)"), max_length=200, required=False
    )
    colour = forms.CharField(label=gettext_lazy("Colour (#rrggbb)"), max_length=7, required=False)
    logo = forms.FileField(label=gettext_lazy("Logo (JPEG, PNG, WebP or HEIC, at most 1 MB)"), required=False)
    remove_logo = forms.BooleanField(label=gettext_lazy("Remove the logo"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["colour"].widget.attrs.update({"type": "color"})
        self.fields["logo"].widget.attrs.update({"accept": "image/jpeg,image/png,image/webp,image/heic"})


@require_http_methods(["GET", "POST"])
@console_page(Action.SETTINGS_EDIT)
def privacy_page(request: HttpRequest, government: Government) -> HttpResponse:
    current = privacy_settings_current()
    form = PrivacyForm(
        request.POST or None,
        initial={"retention_days": current.retention_days, "identity_viewer_kind": current.identity_viewer_kind},
    )
    if request.method == "POST" and form.is_valid():
        try:
            privacy_settings_set(actor_id=acting_user(request).pk, **form.cleaned_data)
        except PrivacySettingsInvalid as error:
            refusal_into(form, error.field, error.message)
        else:
            messages.success(request, _("Privacy settings saved."))
            return HttpResponseRedirect(PRIVACY_PATH)
    return page(request, government, "privacy.html", {"form": form, "current": current}, section="privacy")


@require_http_methods(["GET", "POST"])
@console_page(Action.BRANDING_EDIT)
def branding_page(request: HttpRequest, government: Government) -> HttpResponse:
    current = branding_current(government=government)
    form = BrandingForm(
        request.POST or None,
        request.FILES or None,
        initial={"display_name": current.display_name, "colour": current.colour or "#b3261e"},
    )
    if request.method == "POST" and form.is_valid():
        logo = form.cleaned_data["logo"]
        try:
            branding_update(
                acting_user=acting_user(request).pk,
                display_name=form.cleaned_data["display_name"],
                colour=form.cleaned_data["colour"],
                logo=logo.read(LOGO_MAX_BYTES + 1) if logo else None,
                remove_logo=form.cleaned_data["remove_logo"],
            )
        except OrganizationInvalid as error:
            refusal_into(form, error.field, error.message)
        except OrganizationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Branding saved."))
            return HttpResponseRedirect(BRANDING_PATH)
    return page(request, government, "branding.html", {"form": form, "current": current}, section="branding")


@answers_on(GOVERNMENT)
@require_GET
def brand_stylesheet(request: HttpRequest) -> HttpResponse:
    """`--brand` for the host's government; the layout links it with the colour in the URL."""
    government = government_of(request)
    assert government is not None  # a government's host only (answers_on)
    colour = branding_current(government=government).colour
    body = f":root {{ --brand: {colour}; }}\n" if colour else ""
    response = HttpResponse(body, content_type="text/css; charset=utf-8")
    response["Cache-Control"] = IMMUTABLE if request.GET.get("v") == colour[1:] and colour else "no-cache"
    return response


@answers_on(GOVERNMENT)
@require_GET
def brand_logo(request: HttpRequest) -> HttpResponse:
    """The logo, re-encoded as a PNG when it was uploaded; 404 without one."""
    logo = branding_logo()
    if logo is None:
        raise Http404(_("This government has no logo."))
    content, digest = logo
    response = HttpResponse(content, content_type="image/png")
    response["Cache-Control"] = IMMUTABLE if request.GET.get("v") == digest[:12] else "no-cache"
    response["X-Content-Type-Options"] = "nosniff"
    return response
