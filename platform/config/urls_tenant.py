"""URLs of a government's host (`<slug>.<base domain>`): served from that government's schema."""

from django.urls import include, path

from api.health import healthz
from frontend import (
    account_views,
    invitation_views,
    notification_views,
    privacy_views,
    signin_views,
    triage_views,
    views,
)
from frontend.office import inbox_views, report_views, template_views

# allauth's 429 answer (its respond_429 looks it up in ROOT_URLCONF, which is this module).
handler429 = signin_views.handler429

urlpatterns = [
    path("", views.government_home, name="government-home"),
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("api.v1.urls")),
    path("notifikasi/", notification_views.notifications_page, name="notifications-page"),
    path("service-worker.js", notification_views.service_worker, name="service-worker"),
    # The officials' workspace: the inbox, its CSV, a report and its actions.
    path("kantor/", inbox_views.inbox_page, name="official-workspace"),
    path("kantor/ekspor.csv", inbox_views.inbox_export, name="office-inbox-export"),
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
    path("akun/sambung/", account_views.government_connect, name="account-connect"),
    path("akun/", account_views.government_account_redirect, name="account-redirect"),
    path("akun/<path:rest>", account_views.government_account_redirect, name="account-redirect-path"),
]
