"""Accepting an invitation to a seat (the organisation admin sends it by email).

- Government host, `/undangan/<token>/`: the invitation of *this* government behind the
  token (another government's token is a 404 here). A signed-in invitee accepts it with one
  POST; an anonymous visitor is sent to the central host to sign in or sign up first.
- Central host, `/akun/undangan/?u=...`: the government host's signed note of the invited
  address and the page to come back to. Holding the emailed link proves the address, so it
  is stashed as verified for allauth's sign-up (`stash_verified_email`): the invitee does not
  verify it a second time. Then sign-in or sign-up, and back through the usual hand-over
  (docs/decisions/0006).
"""

from __future__ import annotations

from urllib.parse import urlencode

from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from django.core import signing
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from warga.access.guards import MFA_SETUP_PATH, government_of
from warga.access.officials import user_has_totp
from warga.accounts.models import User
from warga.organization.errors import (
    InvitationEmailMismatch,
    InvitationUnavailable,
    OrganizationError,
    OrganizationNotFound,
)
from warga.organization.models import Invitation
from warga.organization.selectors import (
    InvitationState,
    invitation_addressed_to,
    invitation_by_token,
    invitation_state,
)
from warga.organization.services import (
    INVITATION_NOT_FOUND,
    UNAVAILABLE_MESSAGES,
    invitation_accept,
    invitation_email_mismatch_message,
)
from warga.web.hosts import central_origin, government_origin_of

_SALT = "warga.invitation.sign-in"
# The note only carries the visitor from the government host to the central one.
_NOTE_SECONDS = 3600
ACCEPTED_MESSAGE = "Undangan sudah Anda terima. (You have accepted this invitation.)"
BAD_NOTE = "Tautan undangan ini tidak valid atau sudah terlalu lama. Buka lagi tautan dari email undangan."


def _page(
    request: HttpRequest, *, status: int = 200, invitation: Invitation | None = None, **context: object
) -> HttpResponse:
    return render(
        request,
        "frontend/invitation.html",
        {"government": government_of(request), "invitation": invitation, **context},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def invitation_page(request: HttpRequest, token: str) -> HttpResponse:
    invitation = invitation_by_token(token=token)
    if invitation is None:
        return _page(request, status=404, message=INVITATION_NOT_FOUND)
    state = invitation_state(invitation)
    if state == InvitationState.ACCEPTED and invitation.accepted_by_id == getattr(request.user, "pk", None):
        return _accepted_page(request, invitation)
    if state != InvitationState.PENDING:
        return _page(request, status=410, invitation=invitation, message=UNAVAILABLE_MESSAGES[state])
    if not request.user.is_authenticated:
        note = signing.dumps({"email": invitation.email, "ke": request.build_absolute_uri()}, salt=_SALT)
        return HttpResponseRedirect(f"{central_origin(request)}/akun/undangan/?" + urlencode({"u": note}))
    if not invitation_addressed_to(invitation=invitation, user_id=request.user.pk):
        return _page(
            request, status=403, invitation=invitation, message=invitation_email_mismatch_message(invitation.email)
        )
    if request.method == "GET":
        return _page(request, invitation=invitation, can_accept=True)
    try:
        invitation_accept(acting_user=request.user.pk, token=token)
    except OrganizationNotFound as error:
        return _page(request, status=404, message=error.message)
    except InvitationEmailMismatch as error:
        return _page(request, status=403, invitation=invitation, message=error.message)
    except (InvitationUnavailable, OrganizationError) as error:
        return _page(request, status=409, invitation=invitation, message=error.message)
    # Back to this page (same host), which says what comes next. Redirecting the form straight
    # on to the central host's two-step set-up would be stopped by the browser: CSP form-action
    # also governs where a form's redirects may end.
    return HttpResponseRedirect(request.path)


def _accepted_page(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    needs_totp = not user_has_totp(user_id=request.user.pk)  # type: ignore[arg-type]
    return _page(
        request,
        invitation=invitation,
        accepted_by_me=True,
        message=ACCEPTED_MESSAGE,
        next_url=(central_origin(request) + MFA_SETUP_PATH) if needs_totp else "/kantor/",
        needs_totp=needs_totp,
    )


@require_http_methods(["GET"])
def invitation_continue(request: HttpRequest) -> HttpResponse:
    """Central host: stash the invited address as verified, then sign in or sign up, then back."""
    try:
        note = signing.loads(request.GET.get("u", ""), salt=_SALT, max_age=_NOTE_SECONDS)
    except signing.BadSignature:
        return HttpResponseBadRequest(BAD_NOTE)
    target, email = str(note.get("ke", "")), str(note.get("email", ""))
    if government_origin_of(target) is None or not email:
        return HttpResponseBadRequest(BAD_NOTE)
    back = "/akun/lanjut/?" + urlencode({"ke": target})
    if request.user.is_authenticated:
        return HttpResponseRedirect(back)
    has_account = (
        EmailAddress.objects.filter(email__iexact=email).exists() or User.objects.filter(email__iexact=email).exists()
    )
    if has_account:
        return HttpResponseRedirect("/akun/login/?" + urlencode({"next": back}))
    get_adapter(request).stash_verified_email(request, email)
    return HttpResponseRedirect("/akun/signup/?" + urlencode({"next": back}))
