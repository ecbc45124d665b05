"""v1 routes, mounted at /api/v1/ on the public host and on every government's host.

Each view answers only on the kind of host it belongs to (see api.v1.government.reports).
"""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from api.v1 import categories, regions
from api.v1.government import (
    apikeys,
    calendar,
    government_settings,
    national,
    notifications,
    organization,
    privacy,
    reports,
    routing,
    triage,
    webhooks,
)
from api.v1.public import feed

urlpatterns = [
    path("api-keys/", apikeys.ApiKeyListView.as_view(), name="v1-api-keys"),
    path("api-keys/<int:key_id>/revoke/", apikeys.ApiKeyRevokeView.as_view(), name="v1-api-key-revoke"),
    path("webhooks/", webhooks.WebhookListView.as_view(), name="v1-webhooks"),
    path("webhooks/<int:endpoint_id>/", webhooks.WebhookDetailView.as_view(), name="v1-webhook"),
    path(
        "webhooks/<int:endpoint_id>/deliveries/", webhooks.WebhookDeliveriesView.as_view(), name="v1-webhook-deliveries"
    ),
    path("webhooks/<int:endpoint_id>/<slug:action>/", webhooks.WebhookActionView.as_view(), name="v1-webhook-action"),
    path(
        "webhook-deliveries/<int:delivery_id>/replay/",
        webhooks.WebhookDeliveryReplayView.as_view(),
        name="v1-webhook-delivery-replay",
    ),
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
    path("reports/<str:tracking_number>/priority/", reports.ReportPriorityView.as_view(), name="v1-report-priority"),
    path(
        "reports/<str:tracking_number>/internal-notes/",
        reports.ReportInternalNotesView.as_view(),
        name="v1-report-internal-notes",
    ),
    path(
        "reports/<str:tracking_number>/external-forwards/",
        reports.ReportExternalForwardsView.as_view(),
        name="v1-report-external-forwards",
    ),
    path(
        "reports/<str:tracking_number>/external-forwards/<int:forward_id>/answer/",
        reports.ReportExternalForwardAnswerView.as_view(),
        name="v1-report-external-forward-answer",
    ),
    path("reports/<str:tracking_number>/assign/", reports.ReportAssignView.as_view(), name="v1-report-assign"),
    path("reports/<str:tracking_number>/rate/", reports.ReportRateView.as_view(), name="v1-report-rate"),
    path("reports/<str:tracking_number>/comments/", reports.ReportCommentView.as_view(), name="v1-report-comments"),
    path("response-templates/", reports.ResponseTemplateListView.as_view(), name="v1-response-templates"),
    path(
        "response-templates/<int:template_id>/",
        reports.ResponseTemplateDetailView.as_view(),
        name="v1-response-template",
    ),
    path("categories/", categories.CategoryListView.as_view(), name="v1-categories"),
    path("feed/", feed.FeedView.as_view(), name="v1-feed"),
    path("regions/villages/", regions.VillageSearchView.as_view(), name="v1-village-search"),
    path("me/reports/", reports.MyReportsView.as_view(), name="v1-my-reports"),
    path("national/dashboard/", national.NationalDashboardView.as_view(), name="v1-national-dashboard"),
    path("national/export/", national.NationalExportView.as_view(), name="v1-national-export"),
    path("open-data/reports/", national.OpenDataView.as_view(), name="v1-open-data-reports"),
    path("triage/queue/", triage.TriageQueueView.as_view(), name="v1-triage-queue"),
    path("triage/reports/<str:tracking_number>/assign/", triage.TriageAssignView.as_view(), name="v1-triage-assign"),
    path("triage/reports/<str:tracking_number>/hold/", triage.TriageHoldView.as_view(), name="v1-triage-hold"),
    path("triage/reports/<str:tracking_number>/release/", triage.TriageReleaseView.as_view(), name="v1-triage-release"),
    path("triage/offers/", triage.OfferListView.as_view(), name="v1-triage-offers"),
    path("triage/offers/<int:offer_id>/accept/", triage.OfferAcceptView.as_view(), name="v1-triage-offer-accept"),
    path("triage/offers/<int:offer_id>/decline/", triage.OfferDeclineView.as_view(), name="v1-triage-offer-decline"),
    path("routing/rule-sets/", routing.RuleSetListView.as_view(), name="v1-routing-rule-sets"),
    path("routing/rule-sets/<int:version>/restore/", routing.RuleSetRestoreView.as_view(), name="v1-routing-restore"),
    path("routing/rules/", routing.RulesView.as_view(), name="v1-routing-rules"),
    path("routing/simulate/", routing.SimulateView.as_view(), name="v1-routing-simulate"),
    path("inbox/", routing.InboxView.as_view(), name="v1-inbox"),
    path("notifications/", notifications.NotificationListView.as_view(), name="v1-notifications"),
    path(
        "notifications/unread-count/",
        notifications.NotificationUnreadCountView.as_view(),
        name="v1-notifications-unread",
    ),
    path("notifications/read-all/", notifications.NotificationReadAllView.as_view(), name="v1-notifications-read-all"),
    path(
        "notifications/preferences/",
        notifications.NotificationPreferenceView.as_view(),
        name="v1-notification-preferences",
    ),
    path(
        "notifications/<int:notification_id>/read/",
        notifications.NotificationReadView.as_view(),
        name="v1-notification-read",
    ),
    path("me/notifications/", notifications.MyNotificationsView.as_view(), name="v1-my-notifications"),
    path("me/push-subscriptions/", notifications.PushSubscriptionView.as_view(), name="v1-push-subscriptions"),
    path("organization/units/", organization.UnitListView.as_view(), name="v1-organization-units"),
    path("organization/units/tree/", organization.UnitTreeView.as_view(), name="v1-organization-unit-tree"),
    path("organization/units/<int:unit_id>/", organization.UnitDetailView.as_view(), name="v1-organization-unit"),
    path("organization/positions/", organization.PositionListView.as_view(), name="v1-organization-positions"),
    path(
        "organization/positions/<int:position_id>/",
        organization.PositionDetailView.as_view(),
        name="v1-organization-position",
    ),
    path("organization/memberships/", organization.MembershipView.as_view(), name="v1-organization-memberships"),
    path(
        "organization/memberships/<int:membership_id>/end/",
        organization.MembershipEndView.as_view(),
        name="v1-organization-membership-end",
    ),
    path(
        "organization/memberships/<int:membership_id>/acting/",
        organization.MembershipActingView.as_view(),
        name="v1-organization-membership-acting",
    ),
    path("organization/invitations/", organization.InvitationListView.as_view(), name="v1-organization-invitations"),
    path(
        "organization/invitations/<int:invitation_id>/resend/",
        organization.InvitationResendView.as_view(),
        name="v1-organization-invitation-resend",
    ),
    path(
        "organization/invitations/<int:invitation_id>/revoke/",
        organization.InvitationRevokeView.as_view(),
        name="v1-organization-invitation-revoke",
    ),
    path("privacy/settings/", government_settings.PrivacySettingsView.as_view(), name="v1-privacy-settings"),
    path("branding/", government_settings.BrandingView.as_view(), name="v1-branding"),
    path("calendar/", calendar.CalendarView.as_view(), name="v1-calendar"),
    path("calendar/days-off/", calendar.DayOffListView.as_view(), name="v1-calendar-days-off"),
    path("calendar/days-off/<int:day_off_id>/", calendar.DayOffDetailView.as_view(), name="v1-calendar-day-off"),
    path("calendar/days-worked/", calendar.DayWorkedListView.as_view(), name="v1-calendar-days-worked"),
    path(
        "calendar/days-worked/<int:day_worked_id>/",
        calendar.DayWorkedDetailView.as_view(),
        name="v1-calendar-day-worked",
    ),
    path("calendar/sla-targets/", calendar.SlaTargetView.as_view(), name="v1-calendar-sla-targets"),
    path("schema/", SpectacularAPIView.as_view(), name="v1-schema"),
]
