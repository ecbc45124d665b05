"""The gate of every page on a government's host, answered by warga.access.policy.

The host first (404 elsewhere, whoever asks), then who asks: what the page answers to a refusal
is `warga.access.guards.page_refusal` (sign-in, TOTP set-up or prompt, or a 403 saying why).
The view gets the government; a refusal a service raises later (the seat ended meanwhile) is
the same 403.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect

from warga.access.guards import access_denied, government_of, page_refusal
from warga.access.policy import Action, ActionForbidden, policy_decide

View = Callable[..., HttpResponse]


def government_page(
    action: Action, *, off_host: str, anywhere: bool = False, levels: Collection[str] | None = None
) -> Callable[[View], View]:
    """Allow the view to officials whose seat allows `action` (anywhere in the government with
    `anywhere`), on a government's host of one of `levels` (any level when None)."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            government = government_of(request)
            if government is None or (levels is not None and government.level not in levels):
                raise Http404(off_host)
            if not request.user.is_authenticated:
                return HttpResponseRedirect("/akun/login/?" + urlencode({"next": request.get_full_path()}))
            decision = policy_decide(actor=request.user, government=government, action=action, anywhere=anywhere)
            refusal = page_refusal(request, decision)
            if refusal is not None:
                return refusal
            try:
                return view(request, government, *args, **kwargs)
            except ActionForbidden as refused:
                return access_denied(request, refused.message)

        return wrapped

    return decorate
