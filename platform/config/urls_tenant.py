"""URLs of a government's host (`<slug>.<base domain>`): served from that government's schema.

Mounted by tenants.middleware on every government's host. Every route answers only on the kinds
of host it declares (tenants.host_kinds): the triage desk on the national host, its offers on a
province's, regency's or city's, national oversight on the national host and a province's.
`page(...)` mounts a page of every government's host that declares nothing itself.
"""

from functools import partial

from django.urls import URLPattern, URLResolver, include

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
from tenants.host_kinds import EVERY, GOVERNMENT, host_path

# allauth's 429 answer (its respond_429 looks it up in ROOT_URLCONF, which is this module).
handler429 = signin_views.handler429
# A database or broker that cannot be reached answers 503 with Retry-After (config.errors).
handler500 = errors.handler500
# A v1 path served on another kind of host answers 404 saying where (api.v1.elsewhere).
handler404 = errors.handler404

# A page of every government's host that declares no kinds itself.
page = partial(host_path, kinds=GOVERNMENT)

urlpatterns: list[URLPattern | URLResolver] = [
    page("", views.government_home, name="government-home"),
    host_path("healthz", healthz, name="healthz"),
    host_path("i18n/", include("django.conf.urls.i18n"), kinds=EVERY),
    page("api/v1/", include("api.v1.government.urls")),
    host_path("open311/v2/", include("api.open311.urls"), kinds=EVERY),
    # The API's reference, read from /api/v1/schema/ (frontend/api_docs_views.py).
    host_path("api/docs/", api_docs_views.swagger_page, name="api-docs"),
    host_path("api/redoc/", api_docs_views.redoc_page, name="api-redoc"),
    page("notifikasi/", notification_views.notifications_page, name="notifications-page"),
    host_path("service-worker.js", notification_views.service_worker, name="service-worker"),
    # The officials' workspace: the inbox, its CSV, a report and its actions.
    page("kantor/", inbox_views.inbox_page, name="official-workspace"),
    page("kantor/ekspor.csv", inbox_views.inbox_export, name="office-inbox-export"),
    # The admin console (frontend/console/): the admin koordinator's set-up of the government.
    page("kantor/admin/", console.console_home, name="console-home"),
    page("kantor/admin/unit/", console_org.units_page, name="console-units"),
    page("kantor/admin/unit/<int:unit_id>/", console_org.unit_page, name="console-unit"),
    page("kantor/admin/undangan/", console_org.invitations_page, name="console-invitations"),
    page("kantor/admin/penerusan/", console_routing.routing_page, name="console-routing"),
    page("kantor/admin/penerusan/aturan/baru/", console_routing.rule_page, name="console-rule-new"),
    page("kantor/admin/penerusan/aturan/<int:order>/", console_routing.rule_page, name="console-rule"),
    page("kantor/admin/penerusan/aturan/<int:order>/pindah/", console_routing.rule_move, name="console-rule-move"),
    page("kantor/admin/penerusan/versi/<int:version>/", console_routing.version_page, name="console-version"),
    page("kantor/admin/penerusan/versi/<int:version>/pulihkan/", console_routing.version_restore),
    page("kantor/admin/kalender/", console_calendar.calendar_page, name="console-calendar"),
    page("kantor/admin/privasi/", console_settings.privacy_page, name="console-privacy"),
    page("kantor/admin/tampilan/", console_settings.branding_page, name="console-branding"),
    page("kantor/admin/audit/", console_audit.audit_page, name="console-audit"),
    page("kantor/admin/webhook/", console_webhooks.webhooks_page, name="console-webhooks"),
    page("kantor/admin/webhook/<int:endpoint_id>/", console_webhooks.webhook_page, name="console-webhook"),
    page("kantor/admin/webhook/<int:endpoint_id>/<slug:action>/", console_webhooks.webhook_action),
    page(
        "kantor/admin/webhook/pengiriman/<int:delivery_id>/ulang/",
        console_webhooks.delivery_replay_action,
        name="console-webhook-replay",
    ),
    page("kantor/admin/tagihan/", console_billing.billing_page, name="console-billing"),
    page("kantor/admin/tagihan/rincian/", console_billing.billing_details, name="console-billing-details"),
    page("kantor/admin/tagihan/bayar/", console_billing.billing_checkout, name="console-billing-checkout"),
    page("kantor/admin/tagihan/portal/", console_billing.billing_portal, name="console-billing-portal"),
    page("kantor/admin/tagihan/selesai/", console_billing.billing_return, name="console-billing-return"),
    host_path("merek.css", console_settings.brand_stylesheet, name="brand-stylesheet"),
    host_path("merek/logo.png", console_settings.brand_logo, name="brand-logo"),
    page(
        "kantor/laporan/<str:tracking_number>/identitas-pelapor/",
        privacy_views.reporter_identity,
        name="reporter-identity",
    ),
    page("kantor/laporan/<str:tracking_number>/", report_views.report_page, name="office-report"),
    page(
        "kantor/laporan/<str:tracking_number>/<slug:action>/", report_views.report_action, name="office-report-action"
    ),
    page("kantor/templat-balasan/", template_views.templates_page, name="office-response-templates"),
    page(
        "kantor/templat-balasan/<int:template_id>/arsipkan/",
        template_views.template_archive,
        name="office-response-template-archive",
    ),
    host_path("privasi/", privacy_views.privacy_notice, name="privacy-notice"),
    page("undangan/<str:token>/", invitation_views.invitation_page, name="invitation"),
    host_path("meja-triase/", triage_views.triage_queue_page, name="triage-queue"),
    host_path("meja-triase/laporan/<str:tracking_number>/", triage_views.triage_report_page, name="triage-report"),
    host_path("tawaran-triase/", triage_views.offers_page, name="triage-offers"),
    host_path("tawaran-triase/<int:offer_id>/terima/", triage_views.offer_accept_page, name="triage-offer-accept"),
    host_path("tawaran-triase/<int:offer_id>/tolak/", triage_views.offer_decline_page, name="triage-offer-decline"),
    # National oversight: the national host (the country) and province hosts (their province);
    # not mounted elsewhere (the views declare OVERSIGHT).
    host_path("pantauan/", national.dashboard_page, name="national-dashboard"),
    host_path("pantauan/peringkat/", national.rankings_page, name="national-rankings"),
    host_path("pantauan/lonjakan/", national.surges_page, name="national-surges"),
    host_path("pantauan/data-terbuka/", national.open_data_page, name="national-open-data"),
    page("akun/sambung/", account_views.government_connect, name="account-connect"),
    page("akun/", account_views.government_account_redirect, name="account-redirect"),
    page("akun/<path:rest>", account_views.government_account_redirect, name="account-redirect-path"),
]
