"""URLs of a government's host (`<slug>.<base domain>`): served from that government's schema."""

from django.urls import include, path

from api.health import healthz
from frontend import account_views, invitation_views, notification_views, privacy_views, triage_views, views
from frontend.national import views as national

urlpatterns = [
    path("", views.government_home, name="government-home"),
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("api.v1.urls")),
    path("notifikasi/", notification_views.notifications_page, name="notifications-page"),
    path("service-worker.js", notification_views.service_worker, name="service-worker"),
    path("kantor/", account_views.official_workspace, name="official-workspace"),
    path(
        "kantor/laporan/<str:tracking_number>/identitas-pelapor/",
        privacy_views.reporter_identity,
        name="reporter-identity",
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
