"""The operator admin (`/operator/` on the central host) signs in through allauth, never through
Django's own login form: allauth's rate limits and lock-outs apply, and the session must have
completed TOTP before any admin page opens (for a staff account with no authenticator yet,
setting one up is the way in).

`operator_admin_secure` rewires the default admin site at start-up: its login view sends
anonymous visitors to allauth's sign-in and staff without a TOTP-verified session to the TOTP
prompt, and `has_permission` asks for that verified session on every admin request.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from allauth.account.decorators import secure_admin_login
from allauth.account.utils import get_next_redirect_url
from django.contrib.admin import AdminSite
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from warga.access.officials import user_has_totp
from warga.web.mfa import session_mfa_passed

MFA_SETUP_PATH = "/akun/2fa/totp/activate/"
MFA_REAUTHENTICATE_PATH = "/akun/2fa/reauthenticate/"


def operator_may_enter(request: HttpRequest) -> bool:
    """Staff, active, and this session typed a TOTP code."""
    user = request.user
    return bool(user.is_active and user.is_staff and session_mfa_passed(request))


@secure_admin_login
def _operator_login(request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
    # Reached by active staff only (secure_admin_login sends anyone else to allauth's sign-in
    # or refuses them); what remains is the second step.
    next_url = get_next_redirect_url(request) or reverse("admin:index")
    if session_mfa_passed(request):
        return HttpResponseRedirect(next_url)
    if user_has_totp(user_id=request.user.pk):  # type: ignore[arg-type]
        return HttpResponseRedirect(MFA_REAUTHENTICATE_PATH + "?" + urlencode({"next": next_url}))
    return HttpResponseRedirect(MFA_SETUP_PATH)


def operator_admin_secure(site: AdminSite) -> None:
    site.login = _operator_login  # type: ignore[method-assign]
    site.has_permission = operator_may_enter  # type: ignore[method-assign]
