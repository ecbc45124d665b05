"""The government's outbound webhooks: register, pause, resume, test and delete endpoints (the
signing secret shown once), and each endpoint's delivery log with replay (docs/webhooks.md)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from frontend.console.base import CONSOLE_PATH, console_page, page, refusal_into
from tenants.models import Government
from warga.access.policy import Action
from warga.organization.models import UnitKind
from warga.organization.selectors import units_for_choice
from warga.webhooks.models import GOVERNMENT_EVENTS, Event
from warga.webhooks.selectors import deliveries_list, delivery_get, endpoint_get, endpoints_list
from warga.webhooks.services import (
    URL_MAX,
    WebhookInvalid,
    WebhookNotFound,
    delivery_replay,
    endpoint_create,
    endpoint_delete,
    endpoint_pause,
    endpoint_ping,
    endpoint_resume,
)

WEBHOOKS_PATH = f"{CONSOLE_PATH}webhook/"


class EndpointForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name (the receiving system)"), max_length=100)
    url = forms.CharField(label=gettext_lazy("Address (https://…)"), max_length=URL_MAX)
    events = forms.MultipleChoiceField(
        label=gettext_lazy("Events to send"),
        choices=[(event.value, event.label) for event in GOVERNMENT_EVENTS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    unit = forms.TypedChoiceField(
        label=gettext_lazy("Or: the webhook of an external organisation (receives the reports forwarded to it)"),
        coerce=int,
        empty_value=None,
        required=False,
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        external = [unit for unit in units_for_choice() if unit.kind == UnitKind.EXTERNAL]
        self.fields["unit"].choices = [  # type: ignore[attr-defined]
            ("", _("— none —")),
            *((u.pk, u.name) for u in external),
        ]


_ACTIONS = {"jeda": endpoint_pause, "lanjutkan": endpoint_resume, "uji": endpoint_ping, "hapus": endpoint_delete}


def _done(action: str) -> str:
    return {
        "jeda": _("Webhook paused: nothing is sent to it until it is resumed."),
        "lanjutkan": _("Webhook resumed: the deliveries waiting are being sent."),
        "uji": _("A test delivery (ping) is on its way; see its result in the delivery log."),
        "hapus": _("Webhook deleted."),
    }[action]


@require_http_methods(["GET", "POST"])
@console_page(Action.WEBHOOKS_MANAGE)
def webhooks_page(request: HttpRequest, government: Government) -> HttpResponse:
    form = EndpointForm(request.POST or None)
    issued = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            issued = endpoint_create(name=data["name"], url=data["url"], events=data["events"], unit_id=data["unit"])
        except WebhookInvalid as error:
            refusal_into(form, error.field, error.message, {"unit_id": "unit"})
        else:
            form = EndpointForm()
    response = page(
        request,
        government,
        "webhooks.html",
        {"form": form, "endpoints": list(endpoints_list()), "issued": issued},
        section="webhooks",
        status=201 if issued else 200,
    )
    # The secret is on this page once: never kept by a cache.
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@console_page(Action.WEBHOOKS_MANAGE)
def webhook_action(request: HttpRequest, government: Government, endpoint_id: int, action: str) -> HttpResponse:
    if action not in _ACTIONS:
        raise Http404(_("Unknown webhook action."))
    try:
        _ACTIONS[action](endpoint_id=endpoint_id)
    except WebhookNotFound as error:
        raise Http404(error.message) from error
    messages.success(request, _done(action))
    return HttpResponseRedirect(WEBHOOKS_PATH if action == "hapus" else f"{WEBHOOKS_PATH}{endpoint_id}/")


@require_http_methods(["GET"])
@console_page(Action.WEBHOOKS_MANAGE)
def webhook_page(request: HttpRequest, government: Government, endpoint_id: int) -> HttpResponse:
    endpoint = endpoint_get(endpoint_id=endpoint_id)
    if endpoint is None:
        raise Http404(_("That webhook does not exist in this government."))
    return page(
        request,
        government,
        "webhook.html",
        {"endpoint": endpoint, "deliveries": deliveries_list(endpoint_id=endpoint_id), "ping": Event.PING.value},
        section="webhooks",
    )


@require_POST
@console_page(Action.WEBHOOKS_MANAGE)
def delivery_replay_action(request: HttpRequest, government: Government, delivery_id: int) -> HttpResponse:
    delivery = delivery_get(delivery_id=delivery_id)
    if delivery is None:
        raise Http404(_("That delivery does not exist in this government."))
    delivery_replay(delivery_id=delivery_id)
    messages.success(request, _("Sent again as a new delivery."))
    return HttpResponseRedirect(f"{WEBHOOKS_PATH}{delivery.endpoint_id}/")
