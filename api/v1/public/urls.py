"""v1 routes of the public host (the shared citizen app), mounted at /api/v1/ by
config.urls_public. Each route answers only on the kinds of host its view declares
(tenants.host_kinds)."""

from django.urls import URLPattern, URLResolver

from api.v1 import every_host_urls
from api.v1.public import citizen_actions, feed, lookup, notifications, open_data, submission
from tenants.host_kinds import host_path

urlpatterns: list[URLPattern | URLResolver] = [
    host_path("reports/", submission.ReportSubmitView.as_view(), name="v1-report-submit"),
    # Before the look-up: "similar" is not a tracking number.
    host_path("reports/similar/", submission.ReportSimilarView.as_view(), name="v1-report-similar"),
    host_path("reports/<str:tracking_number>/", lookup.ReportLookupView.as_view(), name="v1-report-detail"),
    host_path(
        "reports/<str:tracking_number>/photos/<int:photo_id>/",
        lookup.ReportPhotoPublicView.as_view(),
        name="v1-report-photo",
    ),
    host_path(
        "reports/<str:tracking_number>/support/", citizen_actions.ReportSupportView.as_view(), name="v1-report-support"
    ),
    host_path(
        "reports/<str:tracking_number>/dispute/", citizen_actions.ReportDisputeView.as_view(), name="v1-report-dispute"
    ),
    host_path(
        "reports/<str:tracking_number>/withdraw/",
        citizen_actions.ReportWithdrawView.as_view(),
        name="v1-report-withdraw",
    ),
    host_path("reports/<str:tracking_number>/rate/", citizen_actions.ReportRateView.as_view(), name="v1-report-rate"),
    host_path(
        "reports/<str:tracking_number>/comments/",
        citizen_actions.ReportCommentView.as_view(),
        name="v1-report-comments",
    ),
    host_path("me/reports/", lookup.MyReportsView.as_view(), name="v1-my-reports"),
    host_path("feed/", feed.FeedView.as_view(), name="v1-feed"),
    host_path("open-data/reports/", open_data.OpenDataView.as_view(), name="v1-open-data-reports"),
    host_path("me/notifications/", notifications.MyNotificationsView.as_view(), name="v1-my-notifications"),
    *every_host_urls.urlpatterns,
]
