"""The notifications page (every host) and the service worker that shows web push messages.

Everything but switching web push on works without JavaScript: the list is plain HTML and the
channel choices a plain form. The "Nyalakan notifikasi" button exists only where the browser
and the installation can do web push (notifications.js reveals it).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from tenants.host_kinds import EVERY, GOVERNMENT, PUBLIC, answers_on
from warga.intake.selectors import notifications_of_citizen
from warga.notifications.models import Channel
from warga.notifications.selectors import channel_preference_for, notification_channels_offered, notifications_for_user
from warga.notifications.services import ChannelPreferencesRateLimited, ChannelUnavailable, channel_preference_set

PAGE_SIZE = 50
_SERVICE_WORKER = Path(__file__).resolve().parent / "static" / "frontend" / "service-worker.js"


@cache
def _service_worker_source() -> bytes:
    return _SERVICE_WORKER.read_bytes()


@answers_on(EVERY)
@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """`/service-worker.js`, served from the site root so that its scope is the whole host
    (a worker under /static/ could only control /static/)."""
    response = HttpResponse(_service_worker_source(), content_type="text/javascript; charset=utf-8")
    # Browsers check for a new worker on each visit; a cached copy would pin an old one.
    response["Cache-Control"] = "no-cache"
    return response


def _choices_from(request: HttpRequest, offered: tuple[Channel, ...]) -> dict[str, bool]:
    return {
        channel.value: channel.value in request.POST.getlist("saluran")
        for channel in (Channel.EMAIL, Channel.SMS, Channel.WHATSAPP, Channel.PUSH)
        if channel in offered
    }


def _page_context() -> dict[str, object]:
    offered = notification_channels_offered()
    return {"vapid_public_key": settings.WARGA_VAPID_PUBLIC_KEY if Channel.PUSH in offered else ""}


@answers_on(PUBLIC)
@login_required
@require_http_methods(["GET", "POST"])
def citizen_notifications_page(request: HttpRequest) -> HttpResponse:
    """`/notifikasi/` on the public host: my notifications from every government."""
    page = notifications_of_citizen(user_id=request.user.pk, limit=PAGE_SIZE)  # type: ignore[arg-type]
    context = _page_context() | {"across": True, "items": page.items, "unread": page.unread}
    return render(request, "frontend/notifications.html", context)


@answers_on(GOVERNMENT)
@login_required
@require_http_methods(["GET", "POST"])
def notifications_page(request: HttpRequest) -> HttpResponse:
    """`/notifikasi/` on a government's host: my notifications there and my channels."""
    user_id = request.user.pk
    offered = notification_channels_offered()
    context = _page_context()
    if request.method == "POST":
        choices = _choices_from(request, offered)
        try:
            channel_preference_set(
                user_id=user_id,  # type: ignore[arg-type]
                email=choices.get("email", False),
                sms=choices.get("sms", False),
                whatsapp=choices.get("whatsapp", False),
                push=choices.get("push", False),
            )
        except (ChannelUnavailable, ChannelPreferencesRateLimited) as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Pilihan saluran notifikasi disimpan. (Your channels are saved.)")
        return HttpResponseRedirect("/notifikasi/")

    preference = channel_preference_for(user_id=user_id)  # type: ignore[arg-type]
    context |= {
        "across": False,
        "government": request.tenant,  # type: ignore[attr-defined]
        "rows": notifications_for_user(user_id=user_id)[:PAGE_SIZE],  # type: ignore[arg-type]
        "channels": [
            (channel.value, channel.label, bool(getattr(preference, channel.value)))
            for channel in (Channel.EMAIL, Channel.SMS, Channel.WHATSAPP, Channel.PUSH)
            if channel in offered
        ],
    }
    return render(request, "frontend/notifications.html", context)
