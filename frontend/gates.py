"""The gate of every page on a government's host, answered by warga.access.policy.

The page declares the kinds of host it answers on (`hosts`, tenants.host_kinds); its route is
not mounted anywhere else (404, whoever asks), which the URLconf enforces. Then who asks: what
the page answers to a refusal is `warga.access.guards.page_refusal` (sign-in, TOTP set-up or
prompt, or a 403 saying why). The view gets the government; a refusal a service raises later
(the seat ended meanwhile) is the same 403.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from tenants.host_kinds import GOVERNMENT, HostKinds, answers_on
from warga.access.guards import access_denied, government_of, page_refusal
from warga.access.policy import Action, ActionForbidden, policy_decide

View = Callable[..., HttpResponse]


def government_page(action: Action, *, anywhere: bool = False, hosts: HostKinds = GOVERNMENT) -> Callable[[View], View]:
    """Allow the view to officials whose seat allows `action` (anywhere in the government with
    `anywhere`), on the kinds of government host `hosts` (every government's by default)."""

    def decorate(view: View) -> View:
        @answers_on(hosts)
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            government = government_of(request)
            assert government is not None  # mounted on government hosts only
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
