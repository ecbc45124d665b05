"""URLs of a government's host (`<slug>.<base domain>`): served from that government's schema."""

from django.urls import include, path

from api.health import healthz
from config import errors
from frontend import (
    account_views,
    api_docs_views,
    invitation_views,
    notification_views,
    privacy_views,
    signin_views,
    triage_views,
    views,
)
from frontend.console import audit as console_audit
from frontend.console import billing as console_billing
from frontend.console import calendar as console_calendar
from frontend.console import organization as console_org
from frontend.console import routing as console_routing
from frontend.console import settings as console_settings
from frontend.console import views as console
from frontend.console import webhooks as console_webhooks
from frontend.national import views as national
from frontend.office import inbox_views, report_views, template_views

# allauth's 429 answer (its respond_429 looks it up in ROOT_URLCONF, which is this module).
handler429 = signin_views.handler429
# A database or broker that cannot be reached answers 503 with Retry-After (config.errors).
handler500 = errors.handler500

urlpatterns = [
    path("", views.government_home, name="government-home"),
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("api.v1.urls")),
    path("open311/v2/", include("api.open311.urls")),
    # The API's reference, read from /api/v1/schema/ (frontend/api_docs_views.py).
    path("api/docs/", api_docs_views.swagger_page, name="api-docs"),
    path("api/redoc/", api_docs_views.redoc_page, name="api-redoc"),
    path("notifikasi/", notification_views.notifications_page, name="notifications-page"),
    path("service-worker.js", notification_views.service_worker, name="service-worker"),
    # The officials' workspace: the inbox, its CSV, a report and its actions.
    path("kantor/", inbox_views.inbox_page, name="official-workspace"),
    path("kantor/ekspor.csv", inbox_views.inbox_export, name="office-inbox-export"),
    # The admin console (frontend/console/): the admin koordinator's set-up of the government.
    path("kantor/admin/", console.console_home, name="console-home"),
    path("kantor/admin/unit/", console_org.units_page, name="console-units"),
    path("kantor/admin/unit/<int:unit_id>/", console_org.unit_page, name="console-unit"),
    path("kantor/admin/undangan/", console_org.invitations_page, name="console-invitations"),
    path("kantor/admin/penerusan/", console_routing.routing_page, name="console-routing"),
    path("kantor/admin/penerusan/aturan/baru/", console_routing.rule_page, name="console-rule-new"),
    path("kantor/admin/penerusan/aturan/<int:order>/", console_routing.rule_page, name="console-rule"),
    path("kantor/admin/penerusan/aturan/<int:order>/pindah/", console_routing.rule_move, name="console-rule-move"),
    path("kantor/admin/penerusan/versi/<int:version>/", console_routing.version_page, name="console-version"),
    path("kantor/admin/penerusan/versi/<int:version>/pulihkan/", console_routing.version_restore),
    path("kantor/admin/kalender/", console_calendar.calendar_page, name="console-calendar"),
    path("kantor/admin/privasi/", console_settings.privacy_page, name="console-privacy"),
    path("kantor/admin/tampilan/", console_settings.branding_page, name="console-branding"),
    path("kantor/admin/audit/", console_audit.audit_page, name="console-audit"),
    path("kantor/admin/webhook/", console_webhooks.webhooks_page, name="console-webhooks"),
    path("kantor/admin/webhook/<int:endpoint_id>/", console_webhooks.webhook_page, name="console-webhook"),
    path("kantor/admin/webhook/<int:endpoint_id>/<slug:action>/", console_webhooks.webhook_action),
    path(
        "kantor/admin/webhook/pengiriman/<int:delivery_id>/ulang/",
        console_webhooks.delivery_replay_action,
        name="console-webhook-replay",
    ),
    path("kantor/admin/tagihan/", console_billing.billing_page, name="console-billing"),
    path("kantor/admin/tagihan/rincian/", console_billing.billing_details, name="console-billing-details"),
    path("kantor/admin/tagihan/bayar/", console_billing.billing_checkout, name="console-billing-checkout"),
    path("kantor/admin/tagihan/portal/", console_billing.billing_portal, name="console-billing-portal"),
    path("kantor/admin/tagihan/selesai/", console_billing.billing_return, name="console-billing-return"),
    path("merek.css", console_settings.brand_stylesheet, name="brand-stylesheet"),
    path("merek/logo.png", console_settings.brand_logo, name="brand-logo"),
    path(
        "kantor/laporan/<str:tracking_number>/identitas-pelapor/",
        privacy_views.reporter_identity,
        name="reporter-identity",
    ),
    path("kantor/laporan/<str:tracking_number>/", report_views.report_page, name="office-report"),
    path(
        "kantor/laporan/<str:tracking_number>/<slug:action>/", report_views.report_action, name="office-report-action"
    ),
    path("kantor/templat-balasan/", template_views.templates_page, name="office-response-templates"),
    path(
        "kantor/templat-balasan/<int:template_id>/arsipkan/",
        template_views.template_archive,
        name="office-response-template-archive",
    ),
    path("privasi/", privacy_views.privacy_notice, name="privacy-notice"),
    path("undangan/<str:token>/", invitation_views.invitation_page, name="invitation"),
    path("meja-triase/", triage_views.triage_queue_page, name="triage-queue"),
    path("meja-triase/laporan/<str:tracking_number>/", triage_views.triage_report_page, name="triage-report"),
    path("tawaran-triase/", triage_views.offers_page, name="triage-offers"),
    path("tawaran-triase/<int:offer_id>/terima/", triage_views.offer_accept_page, name="triage-offer-accept"),
    path("tawaran-triase/<int:offer_id>/tolak/", triage_views.offer_decline_page, name="triage-offer-decline"),
    # National oversight: the national host (the country) and province hosts (their province); 404 elsewhere.
    path("pantauan/", national.dashboard_page, name="national-dashboard"),
    path("pantauan/peringkat/", national.rankings_page, name="national-rankings"),
    path("pantauan/lonjakan/", national.surges_page, name="national-surges"),
    path("pantauan/data-terbuka/", national.open_data_page, name="national-open-data"),
    path("akun/sambung/", account_views.government_connect, name="account-connect"),
    path("akun/", account_views.government_account_redirect, name="account-redirect"),
    path("akun/<path:rest>", account_views.government_account_redirect, name="account-redirect-path"),
]
