"""The official list of kelurahan/desa, searched by typing (the report wizard's place step).

Open to everyone on every host: it is public reference data (idn-area-data, ODbL) and holds
nothing personal. With a point (`latitude`, `longitude`), the villages of earlier reports
around it come first, because a citizen dropping a pin there most likely means one of them.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from api.v1 import openapi
from api.v1.base import ApiView
from api.v1.bounds import BoundedSerializer
from tenants.host_kinds import EVERY
from warga.intake.selectors import villages_offered

VILLAGE_SEARCH_MAX = 20


class VillageSearchInput(BoundedSerializer):
    q = serializers.CharField(
        min_length=3,
        max_length=80,
        error_messages={
            "required": "Ketik paling sedikit 3 huruf nama kelurahan/desa.",
            "blank": "Ketik paling sedikit 3 huruf nama kelurahan/desa.",
            "min_length": "Ketik paling sedikit 3 huruf nama kelurahan/desa.",
            "max_length": "Nama kelurahan/desa paling panjang 80 huruf.",
        },
    )
    limit = serializers.IntegerField(
        min_value=1,
        max_value=VILLAGE_SEARCH_MAX,
        default=10,
        error_messages={
            "invalid": "Jumlah hasil harus angka.",
            "min_value": "Jumlah hasil paling sedikit 1.",
            "max_value": f"Jumlah hasil paling banyak {VILLAGE_SEARCH_MAX}.",
        },
    )
    within = serializers.RegexField(
        r"^\d{2}(\.\d{2}){0,2}$",
        required=False,
        error_messages={"invalid": "Kode wilayah harus seperti 32, 32.73 atau 32.73.01."},
    )
    latitude = serializers.FloatField(min_value=-90, max_value=90, required=False)
    longitude = serializers.FloatField(min_value=-180, max_value=180, required=False)


class VillageOutput(BoundedSerializer):
    code = serializers.CharField()
    name = serializers.CharField(help_text="The kelurahan or desa.")
    kind = serializers.CharField(help_text="kelurahan or desa.")
    district_code = serializers.CharField()
    district_name = serializers.CharField(help_text="The kecamatan.")
    regency_code = serializers.CharField()
    regency_name = serializers.CharField(help_text="The kabupaten or kota.")
    province_code = serializers.CharField()
    province_name = serializers.CharField()
    near = serializers.BooleanField(help_text="Offered first: an earlier report near the given point is there.")


class VillageSearchView(ApiView):
    host_kinds = EVERY
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        description=openapi.describe(
            (
                "Searches the Kemendagri list of kelurahan/desa by name (`q`, typo-tolerant), optionally "
                "within a region (`within`) and near a point (offered first, `near: true`)."
            ),
            who=openapi.ANYONE,
            host="Every host.",
            errors={"400 invalid": "`q` too short or too long."},
        ),
        parameters=[VillageSearchInput],
        responses={200: VillageOutput(many=True)},
        summary="Search the official list of kelurahan/desa by name (typo-tolerant)",
    )
    def get(self, request: Request) -> Response:
        given = VillageSearchInput(data=request.query_params)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        point = None
        if data.get("latitude") is not None and data.get("longitude") is not None:
            point = (data["latitude"], data["longitude"])
        offered = villages_offered(query=data["q"], limit=data["limit"], within=data.get("within"), point=point)
        return Response([VillageOutput({**vars(match), "near": near}).data for match, near in offered])
