"""A government's own settings over HTTP (government hosts only): privacy (how long a closed
report keeps its reporter's identity, which seat kind may reveal a `rahasia` reporter) and
branding (display name, colour, logo). Officials of the government read them; changing them is
`settings.edit` in warga.access.policy (the admin koordinator), decided again in the service.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from api.v1 import openapi
from api.v1.base import ApiView, host_government, signed_in_user
from api.v1.bounds import BoundedSerializer
from tenants.host_kinds import GOVERNMENT
from warga.access.guards import IsOfficialWithMFA
from warga.access.policy import Action, permission_for
from warga.organization.models import PositionKind
from warga.organization.selectors import branding_current
from warga.organization.services import LOGO_MAX_BYTES, branding_update
from warga.privacy.selectors import privacy_settings_current
from warga.privacy.services import RETENTION_DAYS_MAX, RETENTION_DAYS_MIN, privacy_settings_set

MayEditSettings = permission_for(Action.SETTINGS_EDIT)
MayEditBranding = permission_for(Action.BRANDING_EDIT)
LOGO_PATH = "/merek/logo.png"


class PrivacySettingsSerializer(BoundedSerializer):
    retention_days = serializers.IntegerField(
        help_text=f"Days a closed report keeps its reporter's identity ({RETENTION_DAYS_MIN}-{RETENTION_DAYS_MAX})."
    )
    identity_viewer_kind = serializers.ChoiceField(
        choices=PositionKind.choices, help_text="The one seat kind that may reveal a rahasia report's reporter."
    )
    dpo_name = serializers.CharField(read_only=True)
    dpo_email = serializers.CharField(read_only=True)


class PrivacySettingsView(ApiView):
    host_kinds = GOVERNMENT

    def get_permissions(self) -> list[permissions.BasePermission]:
        gate = IsOfficialWithMFA if self.request.method == "GET" else MayEditSettings
        return [permissions.IsAuthenticated(), gate()]

    @extend_schema(
        description=openapi.describe(
            (
                "How long closed reports keep their reporter's identity, who may reveal a rahasia "
                "report's reporter, and the data protection officer."
            ),
            who=openapi.OFFICIAL,
            host=openapi.GOVERNMENT_HOST,
        ),
        responses={200: PrivacySettingsSerializer},
        summary="The government's privacy settings",
    )
    def get(self, request: Request) -> Response:
        return Response(PrivacySettingsSerializer(privacy_settings_current()).data)

    @extend_schema(
        description=openapi.describe(
            ("Sets the retention period (days) and the one position kind that may reveal a rahasia report's reporter."),
            who=openapi.ADMIN,
            host=openapi.GOVERNMENT_HOST,
            errors={"400 invalid": "Retention out of range, or an unknown position kind."},
        ),
        request=PrivacySettingsSerializer,
        responses={200: PrivacySettingsSerializer},
        summary="Set the retention period and the designated identity viewer (admin koordinator)",
    )
    def put(self, request: Request) -> Response:
        given = PrivacySettingsSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        saved = privacy_settings_set(actor_id=signed_in_user(request).pk, **given.validated_data)
        return Response(PrivacySettingsSerializer(saved).data)


class BrandingOutput(BoundedSerializer):
    name = serializers.CharField(help_text="What pages and emails show: the display name, else the official name.")
    display_name = serializers.CharField()
    colour = serializers.CharField(help_text="#rrggbb, or empty for Warga's colour.")
    logo_url = serializers.CharField(allow_null=True)


class BrandingInput(BoundedSerializer):
    display_name = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    colour = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    logo = serializers.FileField(required=False, help_text=f"JPEG, PNG, WebP or HEIC, at most {LOGO_MAX_BYTES} bytes.")
    remove_logo = serializers.BooleanField(required=False, default=False)


def branding_body(request: Request) -> dict[str, Any]:
    branding = branding_current(government=host_government(request))
    return {
        "name": branding.name,
        "display_name": branding.display_name,
        "colour": branding.colour,
        "logo_url": f"{LOGO_PATH}?v={branding.logo_sha256[:12]}" if branding.logo_sha256 else None,
    }


class BrandingView(ApiView):
    host_kinds = GOVERNMENT

    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get_permissions(self) -> list[permissions.BasePermission]:
        gate = IsOfficialWithMFA if self.request.method == "GET" else MayEditBranding
        return [permissions.IsAuthenticated(), gate()]

    @extend_schema(
        description=openapi.describe(
            "The government's display name, colour and logo address.",
            who=openapi.OFFICIAL,
            host=openapi.GOVERNMENT_HOST,
        ),
        responses={200: BrandingOutput},
        summary="The government's branding",
    )
    def get(self, request: Request) -> Response:
        return Response(branding_body(request))

    @extend_schema(
        description=openapi.describe(
            (
                "Sets the display name and colour, and uploads (or with `remove_logo` removes) the logo "
                "(multipart, PNG or JPEG)."
            ),
            who=openapi.ADMIN,
            host=openapi.GOVERNMENT_HOST,
            errors={
                "400 invalid": "A colour too light for text, a name too long, or a logo that is not an image or too big."
            },
        ),
        request={"multipart/form-data": BrandingInput},
        responses={200: BrandingOutput},
        summary="Set the display name, colour and logo (admin koordinator)",
    )
    def put(self, request: Request) -> Response:
        given = BrandingInput(data=request.data)
        given.is_valid(raise_exception=True)
        logo = given.validated_data.get("logo")
        branding_update(
            acting_user=signed_in_user(request).pk,
            display_name=given.validated_data["display_name"],
            colour=given.validated_data["colour"],
            logo=logo.read(LOGO_MAX_BYTES + 1) if logo is not None else None,
            remove_logo=given.validated_data["remove_logo"],
        )
        return Response(branding_body(request))
