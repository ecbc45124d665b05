"""Officials act only with an active membership in the host's government and TOTP activated;
`is_superuser` gives nothing in a government."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate
from rest_framework.views import APIView

from tenants.context import government_context
from tenants.models import Government
from tests.api.helpers import mark_session_mfa_passed
from tests.personas import PASSWORD, membership_in, verified_user, with_totp
from tests.unchanged import assert_nothing_changed
from warga.access.guards import IsOfficialWithMFA
from warga.access.officials import MESSAGES, official_requires_mfa
from warga.access.policy import ALLOWED, Decision, policy_official
from warga.accounts.models import User

BANDUNG = "kota-bandung.localhost"


def _signed_in_on(host: str, user: User) -> Client:
    """A browser signed in on `host` with its TOTP code typed (the hand-off and the code are
    tested in tests/warga/accounts and tests/warga/access/test_operator_and_mfa.py)."""
    browser = Client()
    browser.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = browser.session
    mark_session_mfa_passed(session, user)
    session.save()
    return browser


def test_only_an_active_membership_makes_an_official(bandung: Government, jakarta: Government) -> None:
    lurah = verified_user("lurah@example.id")
    membership_in(bandung, lurah, kind="lurah")
    former = verified_user("mantan@example.id")
    membership_in(bandung, former, starts_on=datetime.date(2020, 1, 1), ends_on=datetime.date(2021, 1, 1))
    future = verified_user("calon@example.id")
    membership_in(bandung, future, starts_on=datetime.date(2999, 1, 1))
    citizen = verified_user("warga@example.id")

    assert official_requires_mfa(user=lurah, government=bandung) is True
    assert official_requires_mfa(user=lurah, government=jakarta) is False
    assert official_requires_mfa(user=former, government=bandung) is False
    assert official_requires_mfa(user=future, government=bandung) is False
    assert official_requires_mfa(user=citizen, government=bandung) is False


@pytest.mark.parametrize(
    ("persona", "reason"),
    [
        ("anonymous", "anonymous"),
        ("citizen", "not_official"),
        ("superuser", "not_official"),
        ("official_of_jakarta", "not_official"),
        ("official_without_totp", "mfa_missing"),
        ("official_with_totp", None),
    ],
)
def test_the_official_gate_for_every_persona(
    bandung: Government, jakarta: Government, persona: str, reason: str | None
) -> None:
    from django.contrib.auth.models import AnonymousUser

    users: dict[str, Any] = {
        "anonymous": AnonymousUser(),
        "citizen": verified_user("warga@example.id"),
        "superuser": User.objects.create_superuser("operator@example.id", "x" * 12),
    }
    users["official_of_jakarta"] = with_totp(verified_user("jkt@example.id"))
    membership_in(jakarta, users["official_of_jakarta"])
    users["official_without_totp"] = verified_user("tanpa-totp@example.id")
    membership_in(bandung, users["official_without_totp"])
    users["official_with_totp"] = with_totp(verified_user("dengan-totp@example.id"))
    membership_in(bandung, users["official_with_totp"])

    expected = ALLOWED if reason is None else Decision(allowed=False, reason=reason, message=MESSAGES[reason])  # type: ignore[arg-type,index]
    assert policy_official(actor=users[persona], government=bandung) == expected


def test_nobody_acts_for_a_government_from_the_public_host(bandung: Government) -> None:
    official = with_totp(verified_user("dengan-totp@example.id"))
    membership_in(bandung, official)
    assert policy_official(actor=official, government=None).reason == "not_official"


def test_pages_send_an_official_without_totp_to_its_set_up_on_the_central_host(bandung: Government) -> None:
    official = verified_user("tanpa-totp@example.id")
    membership_in(bandung, official)
    response = _signed_in_on(BANDUNG, official).get("/kantor/", HTTP_HOST=BANDUNG)
    assert response.status_code == 302
    assert response["Location"] == "http://localhost/akun/2fa/totp/activate/"


def test_pages_serve_an_official_with_totp(bandung: Government) -> None:
    official = with_totp(verified_user("dengan-totp@example.id"))
    membership_in(bandung, official, kind="lurah")
    response = _signed_in_on(BANDUNG, official).get("/kantor/", HTTP_HOST=BANDUNG)
    assert response.status_code == 200
    assert [m.position.kind for m in response.context["memberships"]] == ["lurah"]
    assert response.context["desks"] == [("Notifikasi", "/notifikasi/")]
    assert "Lurah " in response.content.decode()


def test_the_workspace_links_only_the_desks_the_policy_allows(bandung: Government, national: Government) -> None:
    admin = with_totp(verified_user("admin@example.id"))
    membership_in(bandung, admin)
    response = _signed_in_on(BANDUNG, admin).get("/kantor/", HTTP_HOST=BANDUNG)
    assert response.context["desks"] == [
        ("Notifikasi", "/notifikasi/"),
        ("Tawaran dari meja triase", "/tawaran-triase/"),
    ]
    assert b'href="/tawaran-triase/"' in response.content

    overseer = with_totp(verified_user("pengawas@example.id"))
    membership_in(national, overseer, kind="pengawas_nasional")
    host = "nasional.localhost"
    response = _signed_in_on(host, overseer).get("/kantor/", HTTP_HOST=host)
    assert response.context["desks"] == [("Notifikasi", "/notifikasi/"), ("Meja triase nasional", "/meja-triase/")]


def test_a_superuser_without_membership_is_refused_on_a_government_host(bandung: Government) -> None:
    operator = with_totp(User.objects.create_superuser("operator@example.id", "x" * 12))
    response = _signed_in_on(BANDUNG, operator).get("/kantor/", HTTP_HOST=BANDUNG)
    assert response.status_code == 403
    assert MESSAGES["not_official"] in response.content.decode()
    # ...while the operator admin on the public host is theirs.
    admin = _signed_in_on("localhost", operator)
    assert admin.get("/operator/", HTTP_HOST="localhost").status_code == 200
    assert admin.get("/operator/", HTTP_HOST=BANDUNG).status_code == 404


def test_a_session_from_jakarta_officials_cannot_act_in_bandung(bandung: Government, jakarta: Government) -> None:
    official = with_totp(verified_user("jkt@example.id"))
    membership_in(jakarta, official)
    assert (
        _signed_in_on("dki-jakarta.localhost", official).get("/kantor/", HTTP_HOST="dki-jakarta.localhost").status_code
        == 200
    )
    client = _signed_in_on(BANDUNG, official)
    with assert_nothing_changed(bandung, jakarta):
        response = client.get("/kantor/", HTTP_HOST=BANDUNG)
    assert response.status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(bandung: Government) -> None:
    response = Client().get("/kantor/", HTTP_HOST=BANDUNG)
    assert response.status_code == 302
    assert response["Location"] == "/akun/login/?next=%2Fkantor%2F"


class _OfficialProbe(APIView):
    permission_classes = [IsOfficialWithMFA]

    def get(self, request: Any) -> Response:
        return Response({"ok": True})


def _api_call(government: Government, user: User) -> Response:
    request = APIRequestFactory().get("/api/v1/probe", HTTP_HOST=BANDUNG)
    request.tenant = government  # type: ignore[attr-defined]
    force_authenticate(request, user=user)
    with government_context(government):
        return _OfficialProbe.as_view()(request)  # type: ignore[return-value]


def test_the_api_answers_403_in_indonesian(bandung: Government) -> None:
    official = verified_user("tanpa-totp@example.id")
    membership_in(bandung, official)
    response = _api_call(bandung, official)
    assert response.status_code == 403
    assert response.data == {"detail": MESSAGES["mfa_missing"]}

    with_totp(official)
    assert _api_call(bandung, official).status_code == 200

    operator = User.objects.create_superuser("operator@example.id", "x" * 12)
    refused = _api_call(bandung, operator)
    assert refused.status_code == 403
    assert refused.data == {"detail": MESSAGES["not_official"]}


def test_an_official_can_activate_totp_on_the_central_host(bandung: Government) -> None:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import (
        SECRET_SESSION_KEY,
        format_hotp_value,
        hotp_value,
        yield_hotp_counters_from_time,
    )

    official = verified_user("tanpa-totp@example.id")
    membership_in(bandung, official)
    browser = Client()
    browser.force_login(official, backend="django.contrib.auth.backends.ModelBackend")
    # Activating MFA asks for the password again first.
    assert browser.get("/akun/2fa/totp/activate/", HTTP_HOST="localhost")["Location"] == (
        "/akun/reauthenticate/?next=%2Fakun%2F2fa%2Ftotp%2Factivate%2F"
    )
    assert browser.post("/akun/reauthenticate/", {"password": PASSWORD}, HTTP_HOST="localhost").status_code == 302
    page = browser.get("/akun/2fa/totp/activate/", HTTP_HOST="localhost")
    assert page.status_code == 200
    assert "data:image/svg+xml;base64," in page.content.decode()  # the QR code to scan
    secret = browser.session[SECRET_SESSION_KEY]
    code = format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))
    activated = browser.post("/akun/2fa/totp/activate/", {"code": code}, HTTP_HOST="localhost")
    assert activated.status_code == 302
    assert list(Authenticator.objects.filter(user_id=official.pk).values_list("type", flat=True).order_by("type")) == [
        "recovery_codes",
        "totp",
    ]
    assert policy_official(actor=official, government=bandung) == ALLOWED
