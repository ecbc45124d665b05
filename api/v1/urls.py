"""v1 routes, mounted at /api/v1/ on the public host and on every government's host.

Each view answers only on the kind of host it belongs to (see api.v1.reports).
"""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from api.v1 import feed, national, privacy, reports, routing

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
    path(
        "reports/<str:tracking_number>/reporter-identity/",
        privacy.ReporterIdentityView.as_view(),
        name="v1-report-reporter-identity",
    ),
    path("reports/<str:tracking_number>/merge/", reports.ReportMergeView.as_view(), name="v1-report-merge"),
    path("reports/<str:tracking_number>/rate/", reports.ReportRateView.as_view(), name="v1-report-rate"),
    path("reports/<str:tracking_number>/comments/", reports.ReportCommentView.as_view(), name="v1-report-comments"),
    path("feed/", feed.FeedView.as_view(), name="v1-feed"),
    path("me/reports/", reports.MyReportsView.as_view(), name="v1-my-reports"),
    path("national/dashboard/", national.NationalDashboardView.as_view(), name="v1-national-dashboard"),
    path("national/export/", national.NationalExportView.as_view(), name="v1-national-export"),
    path("open-data/reports/", national.OpenDataView.as_view(), name="v1-open-data-reports"),
    path("routing/rule-sets/", routing.RuleSetListView.as_view(), name="v1-routing-rule-sets"),
    path("routing/rule-sets/<int:version>/restore/", routing.RuleSetRestoreView.as_view(), name="v1-routing-restore"),
    path("routing/rules/", routing.RulesView.as_view(), name="v1-routing-rules"),
    path("routing/simulate/", routing.SimulateView.as_view(), name="v1-routing-simulate"),
    path("inbox/", routing.InboxView.as_view(), name="v1-inbox"),
    path("notifications/", routing.NotificationListView.as_view(), name="v1-notifications"),
    path("notifications/unread-count/", routing.NotificationUnreadCountView.as_view(), name="v1-notifications-unread"),
    path("notifications/read-all/", routing.NotificationReadAllView.as_view(), name="v1-notifications-read-all"),
    path(
        "notifications/preferences/", routing.NotificationPreferenceView.as_view(), name="v1-notification-preferences"
    ),
    path(
        "notifications/<int:notification_id>/read/", routing.NotificationReadView.as_view(), name="v1-notification-read"
    ),
    path("schema/", SpectacularAPIView.as_view(), name="v1-schema"),
]
