"""v1 routes, mounted at /api/v1/ on the public host and on every government's host.

Each view answers only on the kind of host it belongs to (see api.v1.reports).
"""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from api.v1 import reports

urlpatterns = [
    path("reports/", reports.ReportSubmitView.as_view(), name="v1-report-submit"),
    # Before the detail route: "similar" is not a tracking number.
    path("reports/similar/", reports.ReportSimilarView.as_view(), name="v1-report-similar"),
    path("reports/<str:tracking_number>/", reports.ReportDetailView.as_view(), name="v1-report-detail"),
    path(
        "reports/<str:tracking_number>/transition/",
        reports.ReportTransitionView.as_view(),
        name="v1-report-transition",
    ),
    path(
        "reports/<str:tracking_number>/photos/<int:photo_id>/",
        reports.ReportPhotoView.as_view(),
        name="v1-report-photo",
    ),
    path("reports/<str:tracking_number>/support/", reports.ReportSupportView.as_view(), name="v1-report-support"),
    path("reports/<str:tracking_number>/dispute/", reports.ReportDisputeView.as_view(), name="v1-report-dispute"),
    path("reports/<str:tracking_number>/withdraw/", reports.ReportWithdrawView.as_view(), name="v1-report-withdraw"),
    path("reports/<str:tracking_number>/transfer/", reports.ReportTransferView.as_view(), name="v1-report-transfer"),
    path("reports/<str:tracking_number>/resolve/", reports.ReportResolveView.as_view(), name="v1-report-resolve"),
    path("reports/<str:tracking_number>/rate/", reports.ReportRateView.as_view(), name="v1-report-rate"),
    path("reports/<str:tracking_number>/comments/", reports.ReportCommentView.as_view(), name="v1-report-comments"),
    path("me/reports/", reports.MyReportsView.as_view(), name="v1-my-reports"),
    path("schema/", SpectacularAPIView.as_view(), name="v1-schema"),
]
