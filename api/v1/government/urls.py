"""v1 routes of a government's host (`<slug>.<base domain>`), mounted at /api/v1/ by
config.urls_tenant. Each route answers only on the kinds of host its view declares
(tenants.host_kinds): the triage desk on the national host, its offers on a province's,
regency's or city's, national oversight on the national host and a province's.
"""

from django.urls import URLPattern, URLResolver

from api.v1 import every_host_urls
from api.v1.government import (
    apikeys,
    calendar,
    conversation,
    government_settings,
    handling,
    national,
    notifications,
    organization,
    ownership,
    privacy,
    reports,
    response_templates,
    routing,
    triage,
    webhooks,
)
from tenants.host_kinds import host_path

urlpatterns: list[URLPattern | URLResolver] = [
    host_path("api-keys/", apikeys.ApiKeyListView.as_view(), name="v1-api-keys"),
    host_path("api-keys/<int:key_id>/revoke/", apikeys.ApiKeyRevokeView.as_view(), name="v1-api-key-revoke"),
    host_path("webhooks/", webhooks.WebhookListView.as_view(), name="v1-webhooks"),
    host_path("webhooks/<int:endpoint_id>/", webhooks.WebhookDetailView.as_view(), name="v1-webhook"),
    host_path(
        "webhooks/<int:endpoint_id>/deliveries/", webhooks.WebhookDeliveriesView.as_view(), name="v1-webhook-deliveries"
    ),
    host_path(
        "webhooks/<int:endpoint_id>/<slug:action>/", webhooks.WebhookActionView.as_view(), name="v1-webhook-action"
    ),
    host_path(
        "webhook-deliveries/<int:delivery_id>/replay/",
        webhooks.WebhookDeliveryReplayView.as_view(),
        name="v1-webhook-delivery-replay",
    ),
    host_path("reports/<str:tracking_number>/", reports.ReportDetailView.as_view(), name="v1-report-detail"),
    host_path(
        "reports/<str:tracking_number>/transition/",
        handling.ReportTransitionView.as_view(),
        name="v1-report-transition",
    ),
    host_path(
        "reports/<str:tracking_number>/photos/<int:photo_id>/",
        reports.ReportPhotoView.as_view(),
        name="v1-report-photo",
    ),
    host_path(
        "reports/<str:tracking_number>/transfer/", ownership.ReportTransferView.as_view(), name="v1-report-transfer"
    ),
    host_path("reports/<str:tracking_number>/resolve/", handling.ReportResolveView.as_view(), name="v1-report-resolve"),
    host_path(
        "reports/<str:tracking_number>/reporter-identity/",
        privacy.ReporterIdentityView.as_view(),
        name="v1-report-reporter-identity",
    ),
    host_path("reports/<str:tracking_number>/merge/", ownership.ReportMergeView.as_view(), name="v1-report-merge"),
    host_path(
        "reports/<str:tracking_number>/priority/", handling.ReportPriorityView.as_view(), name="v1-report-priority"
    ),
    host_path(
        "reports/<str:tracking_number>/internal-notes/",
        conversation.ReportInternalNotesView.as_view(),
        name="v1-report-internal-notes",
    ),
    host_path(
        "reports/<str:tracking_number>/external-forwards/",
        conversation.ReportExternalForwardsView.as_view(),
        name="v1-report-external-forwards",
    ),
    host_path(
        "reports/<str:tracking_number>/external-forwards/<int:forward_id>/answer/",
        conversation.ReportExternalForwardAnswerView.as_view(),
        name="v1-report-external-forward-answer",
    ),
    host_path("reports/<str:tracking_number>/assign/", handling.ReportAssignView.as_view(), name="v1-report-assign"),
    host_path(
        "reports/<str:tracking_number>/unit-transfer/",
        ownership.ReportUnitTransferView.as_view(),
        name="v1-report-unit-transfer",
    ),
    host_path(
        "reports/<str:tracking_number>/comments/", conversation.ReportReplyView.as_view(), name="v1-report-comments"
    ),
    host_path(
        "response-templates/", response_templates.ResponseTemplateListView.as_view(), name="v1-response-templates"
    ),
    host_path(
        "response-templates/<int:template_id>/",
        response_templates.ResponseTemplateDetailView.as_view(),
        name="v1-response-template",
    ),
    host_path("national/dashboard/", national.NationalDashboardView.as_view(), name="v1-national-dashboard"),
    host_path("national/export/", national.NationalExportView.as_view(), name="v1-national-export"),
    host_path("triage/queue/", triage.TriageQueueView.as_view(), name="v1-triage-queue"),
    host_path(
        "triage/reports/<str:tracking_number>/assign/", triage.TriageAssignView.as_view(), name="v1-triage-assign"
    ),
    host_path("triage/reports/<str:tracking_number>/hold/", triage.TriageHoldView.as_view(), name="v1-triage-hold"),
    host_path(
        "triage/reports/<str:tracking_number>/release/", triage.TriageReleaseView.as_view(), name="v1-triage-release"
    ),
    host_path("triage/offers/", triage.OfferListView.as_view(), name="v1-triage-offers"),
    host_path("triage/offers/<int:offer_id>/accept/", triage.OfferAcceptView.as_view(), name="v1-triage-offer-accept"),
    host_path(
        "triage/offers/<int:offer_id>/decline/", triage.OfferDeclineView.as_view(), name="v1-triage-offer-decline"
    ),
    host_path("routing/rule-sets/", routing.RuleSetListView.as_view(), name="v1-routing-rule-sets"),
    host_path(
        "routing/rule-sets/<int:version>/restore/", routing.RuleSetRestoreView.as_view(), name="v1-routing-restore"
    ),
    host_path("routing/rules/", routing.RulesView.as_view(), name="v1-routing-rules"),
    host_path("routing/simulate/", routing.SimulateView.as_view(), name="v1-routing-simulate"),
    host_path("inbox/", routing.InboxView.as_view(), name="v1-inbox"),
    host_path("notifications/", notifications.NotificationListView.as_view(), name="v1-notifications"),
    host_path(
        "notifications/unread-count/",
        notifications.NotificationUnreadCountView.as_view(),
        name="v1-notifications-unread",
    ),
    host_path(
        "notifications/read-all/", notifications.NotificationReadAllView.as_view(), name="v1-notifications-read-all"
    ),
    host_path(
        "notifications/preferences/",
        notifications.NotificationPreferenceView.as_view(),
        name="v1-notification-preferences",
    ),
    host_path(
        "notifications/<int:notification_id>/read/",
        notifications.NotificationReadView.as_view(),
        name="v1-notification-read",
    ),
    host_path("organization/units/", organization.UnitListView.as_view(), name="v1-organization-units"),
    host_path("organization/units/tree/", organization.UnitTreeView.as_view(), name="v1-organization-unit-tree"),
    host_path("organization/units/<int:unit_id>/", organization.UnitDetailView.as_view(), name="v1-organization-unit"),
    host_path("organization/positions/", organization.PositionListView.as_view(), name="v1-organization-positions"),
    host_path(
        "organization/positions/<int:position_id>/",
        organization.PositionDetailView.as_view(),
        name="v1-organization-position",
    ),
    host_path("organization/memberships/", organization.MembershipView.as_view(), name="v1-organization-memberships"),
    host_path(
        "organization/memberships/<int:membership_id>/end/",
        organization.MembershipEndView.as_view(),
        name="v1-organization-membership-end",
    ),
    host_path(
        "organization/memberships/<int:membership_id>/acting/",
        organization.MembershipActingView.as_view(),
        name="v1-organization-membership-acting",
    ),
    host_path(
        "organization/invitations/", organization.InvitationListView.as_view(), name="v1-organization-invitations"
    ),
    host_path(
        "organization/invitations/<int:invitation_id>/resend/",
        organization.InvitationResendView.as_view(),
        name="v1-organization-invitation-resend",
    ),
    host_path(
        "organization/invitations/<int:invitation_id>/revoke/",
        organization.InvitationRevokeView.as_view(),
        name="v1-organization-invitation-revoke",
    ),
    host_path("privacy/settings/", government_settings.PrivacySettingsView.as_view(), name="v1-privacy-settings"),
    host_path("branding/", government_settings.BrandingView.as_view(), name="v1-branding"),
    host_path("calendar/", calendar.CalendarView.as_view(), name="v1-calendar"),
    host_path("calendar/days-off/", calendar.DayOffListView.as_view(), name="v1-calendar-days-off"),
    host_path("calendar/days-off/<int:day_off_id>/", calendar.DayOffDetailView.as_view(), name="v1-calendar-day-off"),
    host_path("calendar/days-worked/", calendar.DayWorkedListView.as_view(), name="v1-calendar-days-worked"),
    host_path(
        "calendar/days-worked/<int:day_worked_id>/",
        calendar.DayWorkedDetailView.as_view(),
        name="v1-calendar-day-worked",
    ),
    host_path("calendar/sla-targets/", calendar.SlaTargetView.as_view(), name="v1-calendar-sla-targets"),
    *every_host_urls.urlpatterns,
]
