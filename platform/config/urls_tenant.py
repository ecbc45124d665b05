"""URLs of a government's host (`<slug>.<base domain>`): served from that government's schema."""

from django.urls import include, path

from api.health import healthz
from frontend import account_views, privacy_views, views

urlpatterns = [
    path("", views.government_home, name="government-home"),
    path("healthz", healthz, name="healthz"),
    path("api/v1/", include("api.v1.urls")),
    path("kantor/", account_views.official_workspace, name="official-workspace"),
    path("privasi/", privacy_views.privacy_notice, name="privacy-notice"),
    path("akun/sambung/", account_views.government_connect, name="account-connect"),
    path("akun/", account_views.government_account_redirect, name="account-redirect"),
    path("akun/<path:rest>", account_views.government_account_redirect, name="account-redirect-path"),
]
