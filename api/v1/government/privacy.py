"""Revealing who sent a `rahasia` report: one designated role, every look logged."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from api.v1 import openapi
from api.v1.base import ApiView
from api.v1.bounds import BoundedSerializer
from tenants.host_kinds import GOVERNMENT
from warga.access.guards import IsOfficialWithMFA
from warga.accounts.models import User
from warga.privacy.services import reporter_identity_reveal


class RevealInput(BoundedSerializer):
    reason = serializers.CharField(max_length=500, help_text="Why the identity is needed; kept in the log.")


class RevealOutput(BoundedSerializer):
    full_name = serializers.CharField()
    email = serializers.CharField()
    phone = serializers.CharField()
    note = serializers.CharField()


class ReporterIdentityView(ApiView):
    host_kinds = GOVERNMENT
    permission_classes = [IsOfficialWithMFA]

    @extend_schema(
        description=openapi.describe(
            (
                "Reveals the reporter (name, email, phone) of a rahasia report, with the `reason`. Only "
                "the position kind the privacy settings designate may; every reveal is logged and the "
                "data protection officer told; limited per official per day."
            ),
            who=(
                "An official of this government in the designated position, with two-step verification (TOTP) passed."
            ),
            host=openapi.GOVERNMENT_HOST,
            errors={
                "400 invalid": "No reason given, or the report is not rahasia.",
                "404 not_found": openapi.REPORT_NOT_FOUND,
                "429 rate_limited": "Too many reveals in the window.",
            },
        ),
        request=RevealInput,
        responses={200: RevealOutput},
        summary="Reveal the reporter of a rahasia report (the designated role only; logged)",
    )
    def post(self, request: Request, tracking_number: str) -> Response:
        given = RevealInput(data=request.data)
        given.is_valid(raise_exception=True)
        actor = request.user
        assert isinstance(actor, User)  # IsOfficialWithMFA let only a signed-in official through
        # The designated role is checked by the service (warga.access.policy), after the report
        # is known to be here: another government's number stays a 404 whoever asks.
        identity = reporter_identity_reveal(
            actor_id=actor.pk, tracking_number=tracking_number, reason=given.validated_data["reason"]
        )
        return Response(RevealOutput(identity).data)
