"""The national triage desk over HTTP, and the offers it makes to newly ready governments.

On the national government's host, for its overseers (warga.access.policy `triage.act`, with
two-step verification): the queue of reports no government owns (yet), assigning one to a
ready government, holding it with a reason and releasing it. On a regional government's host,
for its admin koordinator (`offer.decide`): the reports the desk offered it when it joined,
to accept (the report moves into its schema) or decline with a reason. Everywhere else these
routes are not mounted (404), whoever asks.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from api.v1 import openapi
from api.v1.base import ApiView, host_government, signed_in_user
from api.v1.bounds import BoundedSerializer
from api.v1.government.ownership import TransferOutput
from tenants.host_kinds import NATIONAL, REGIONAL
from warga.access.policy import Action, permission_for
from warga.intake.services import TransferOutcome
from warga.reports.lifecycle import OPEN_STATUSES
from warga.triage.models import OfferStatus
from warga.triage.selectors import TRIAGE_PAGE_SIZE, TRIAGE_PAGE_SIZE_MAX, HeldView, offers_for, triage_queue
from warga.triage.services import offer_accept, offer_decline, triage_assign, triage_hold, triage_release

# --- The desk (national host) -------------------------------------------------------------------


class QueueQuery(BoundedSerializer):
    province = serializers.RegexField(r"^\d{2}$", required=False, help_text="Kode provinsi (PP), misalnya 32.")
    category = serializers.CharField(required=False, max_length=40, help_text="Kode kategori, misalnya banjir.")
    status = serializers.ChoiceField(
        choices=sorted(status.value for status in OPEN_STATUSES), required=False, help_text="Status laporan."
    )
    held = serializers.ChoiceField(
        choices=HeldView.choices,
        required=False,
        default=HeldView.EXCLUDE,
        help_text="exclude (bawaan): tanpa yang ditahan; only: hanya yang ditahan; all: semua.",
    )
    page = serializers.IntegerField(required=False, default=1, min_value=1)
    page_size = serializers.IntegerField(
        required=False, default=TRIAGE_PAGE_SIZE, min_value=1, max_value=TRIAGE_PAGE_SIZE_MAX
    )


class QueueOffer(BoundedSerializer):
    id = serializers.IntegerField()
    government_code = serializers.CharField(allow_null=True)
    government_name = serializers.CharField()
    status = serializers.ChoiceField(choices=OfferStatus.choices)
    offered_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)
    decline_reason = serializers.CharField()


class QueueHold(BoundedSerializer):
    reason = serializers.CharField()
    held_at = serializers.DateTimeField()


class QueueReadyOwner(BoundedSerializer):
    code = serializers.CharField()
    name = serializers.CharField()


class QueueItem(BoundedSerializer):
    tracking_number = serializers.CharField()
    type = serializers.CharField()
    category_code = serializers.CharField()
    privacy = serializers.CharField()
    status = serializers.CharField()
    province_code = serializers.CharField()
    regency_code = serializers.CharField()
    regency_name = serializers.CharField()
    district_code = serializers.CharField()
    village_code = serializers.CharField()
    support_count = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    reason = serializers.ChoiceField(
        choices=["not_onboarded", "disputed"],
        help_text="not_onboarded: wilayahnya belum bergabung; disputed: dialihkan ke sini sebagai bukan wewenang.",
    )
    transfer_note = serializers.CharField(help_text="Alasan pengalihan terakhir (untuk disputed).")
    hold = QueueHold(allow_null=True, help_text="Alasan dan waktu penahanan, bila ditahan.")
    ready_owner = QueueReadyOwner(
        allow_null=True, help_text="Pemerintah siap yang kini memiliki wilayah desanya (kode, nama), bila ada."
    )
    offers = QueueOffer(many=True)


class QueuePage(BoundedSerializer):
    count = serializers.IntegerField()
    page = serializers.IntegerField()
    page_size = serializers.IntegerField()
    results = QueueItem(many=True)


class TriageQueueView(ApiView):
    """The desk's open reports, oldest first; held ones only when asked for."""

    host_kinds = NATIONAL
    permission_classes = [permission_for(Action.TRIAGE_ACT)]

    @extend_schema(
        description=openapi.describe(
            (
                "The national triage desk's open reports (those no government has taken yet), oldest "
                "first, with the offers made and any hold; `held=true` includes held ones."
            ),
            who=openapi.NATIONAL_OVERSEER,
            host=openapi.NATIONAL_HOST,
        ),
        parameters=[QueueQuery],
        responses={200: QueuePage},
        summary="Antrean meja triase nasional",
    )
    def get(self, request: Request) -> Response:
        query = QueueQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        page = triage_queue(
            province_code=data.get("province"),
            category_code=data.get("category"),
            status=data.get("status"),
            held=data["held"],
            page=data["page"],
            page_size=data["page_size"],
        )
        return Response(QueuePage(page).data)


class AssignInput(BoundedSerializer):
    to_government_code = serializers.CharField(
        max_length=5, help_text="Kode Kemendagri pemerintah tujuan yang sudah siap (PP atau PP.KK)."
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


# A transfer's outcome, as "bukan wewenang" answers it, under the name the schema gives the desk's.
class AssignOutput(TransferOutput):
    pass


class TriageAssignView(ApiView):
    host_kinds = NATIONAL
    permission_classes = [permission_for(Action.TRIAGE_ACT)]

    @extend_schema(
        description=openapi.describe(
            (
                "Assigns a report from the desk to a government that is ready (`government_code`): the "
                "report moves there and its reporter is told."
            ),
            who=openapi.NATIONAL_OVERSEER,
            host=openapi.NATIONAL_HOST,
            errors={
                "400 invalid": "The government is unknown or not ready.",
                "404 not_found": "No such report on the desk.",
            },
        ),
        request=AssignInput,
        responses={200: AssignOutput},
        summary="Tugaskan laporan dari meja triase ke pemerintah daerah yang siap",
    )
    def post(self, request: Request, tracking_number: str) -> Response:
        given = AssignInput(data=request.data)
        given.is_valid(raise_exception=True)
        outcome: TransferOutcome = triage_assign(
            acting_user=signed_in_user(request), tracking_number=tracking_number, **given.validated_data
        )
        return Response(AssignOutput(outcome).data)


class HoldInput(BoundedSerializer):
    reason = serializers.CharField(allow_blank=True, max_length=4000, help_text="Mengapa laporan ini ditahan.")


class ReleaseInput(BoundedSerializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class HoldOutput(BoundedSerializer):
    tracking_number = serializers.CharField()
    reason = serializers.CharField()
    held_at = serializers.DateTimeField()
    released_at = serializers.DateTimeField(allow_null=True)


class TriageHoldView(ApiView):
    host_kinds = NATIONAL
    permission_classes = [permission_for(Action.TRIAGE_ACT)]

    @extend_schema(
        description=openapi.describe(
            "Holds a report on the desk with a reason (e.g. waiting for information).",
            who=openapi.NATIONAL_OVERSEER,
            host=openapi.NATIONAL_HOST,
            errors={"400 invalid": "No reason, or already held.", "404 not_found": "No such report on the desk."},
        ),
        request=HoldInput,
        responses={200: HoldOutput},
        summary="Tahan laporan di meja triase, dengan alasan",
    )
    def post(self, request: Request, tracking_number: str) -> Response:
        given = HoldInput(data=request.data)
        given.is_valid(raise_exception=True)
        hold = triage_hold(acting_user=signed_in_user(request), tracking_number=tracking_number, **given.validated_data)
        return Response(HoldOutput(hold).data)


class TriageReleaseView(ApiView):
    host_kinds = NATIONAL
    permission_classes = [permission_for(Action.TRIAGE_ACT)]

    @extend_schema(
        description=openapi.describe(
            "Releases a held report back to the desk's queue.",
            who=openapi.NATIONAL_OVERSEER,
            host=openapi.NATIONAL_HOST,
            errors={"400 invalid": "Not held.", "404 not_found": "No such report on the desk."},
        ),
        request=ReleaseInput,
        responses={200: HoldOutput},
        summary="Lepaskan penahanan laporan",
    )
    def post(self, request: Request, tracking_number: str) -> Response:
        given = ReleaseInput(data=request.data)
        given.is_valid(raise_exception=True)
        hold = triage_release(
            acting_user=signed_in_user(request), tracking_number=tracking_number, **given.validated_data
        )
        return Response(HoldOutput(hold).data)


# --- Offers (the offered government's host) ------------------------------------------------------


class OfferQuery(BoundedSerializer):
    status = serializers.ChoiceField(
        choices=OfferStatus.choices, required=False, default=OfferStatus.PENDING, help_text="Bawaan: pending."
    )


class OfferOutput(BoundedSerializer):
    id = serializers.IntegerField()
    tracking_number = serializers.CharField()
    status = serializers.ChoiceField(choices=OfferStatus.choices)
    type = serializers.CharField()
    category_code = serializers.CharField()
    district_code = serializers.CharField()
    village_code = serializers.CharField()
    report_created_at = serializers.DateTimeField()
    offered_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)
    decline_reason = serializers.CharField()


class OfferListView(ApiView):
    """Reports the national desk offered this government, pending ones by default."""

    host_kinds = REGIONAL
    permission_classes = [permission_for(Action.OFFER_DECIDE)]

    @extend_schema(
        description=openapi.describe(
            ("Reports the national desk offered this government; pending ones unless `state` says otherwise."),
            who=openapi.ADMIN,
            host=openapi.REGIONAL_HOST,
        ),
        parameters=[OfferQuery],
        responses={200: OfferOutput(many=True)},
        summary="Tawaran dari meja triase nasional",
    )
    def get(self, request: Request) -> Response:
        query = OfferQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        offers = offers_for(government=host_government(request), status=query.validated_data["status"])
        return Response(OfferOutput(offers, many=True).data)


class OfferAcceptView(ApiView):
    host_kinds = REGIONAL
    permission_classes = [permission_for(Action.OFFER_DECIDE)]

    @extend_schema(
        description=openapi.describe(
            "Accepts an offer: the report moves to this government and is routed here.",
            who=openapi.ADMIN,
            host=openapi.REGIONAL_HOST,
            errors={
                "409 invalid_transition": "The offer is no longer pending.",
                "404 not_found": "No such offer to this government.",
            },
        ),
        request=None,
        responses={200: AssignOutput},
        summary="Terima tawaran: laporan pindah ke pemerintah ini",
    )
    def post(self, request: Request, offer_id: int) -> Response:
        outcome = offer_accept(
            acting_user=signed_in_user(request), government=host_government(request), offer_id=offer_id
        )
        return Response(AssignOutput(outcome).data)


class DeclineInput(BoundedSerializer):
    reason = serializers.CharField(allow_blank=True, max_length=4000, help_text="Mengapa laporan ini tidak diambil.")


class OfferDeclineView(ApiView):
    host_kinds = REGIONAL
    permission_classes = [permission_for(Action.OFFER_DECIDE)]

    @extend_schema(
        description=openapi.describe(
            "Declines an offer with a reason: the report stays on the desk.",
            who=openapi.ADMIN,
            host=openapi.REGIONAL_HOST,
            errors={
                "400 invalid": "No reason.",
                "409 invalid_transition": "The offer is no longer pending.",
                "404 not_found": "No such offer to this government.",
            },
        ),
        request=DeclineInput,
        responses={200: OfferOutput},
        summary="Tolak tawaran dengan alasan: laporan tetap di meja triase",
    )
    def post(self, request: Request, offer_id: int) -> Response:
        given = DeclineInput(data=request.data)
        given.is_valid(raise_exception=True)
        offer = offer_decline(
            acting_user=signed_in_user(request),
            government=host_government(request),
            offer_id=offer_id,
            **given.validated_data,
        )
        return Response(OfferOutput(offer).data)
