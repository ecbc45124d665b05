"""URLs of the public hosts: the shared citizen app, accounts, the operator admin."""

from django.contrib import admin
from django.urls import include, path

from api.health import healthz
from frontend import account_views, privacy_views, views

urlpatterns = [
    path("", views.public_home, name="public-home"),
    path("healthz", healthz, name="healthz"),
    path("api/v1/", include("api.v1.urls")),
    path("akun/lanjut/", account_views.central_continue, name="account-continue"),
    path("akun/data/", privacy_views.data_rights, name="data-rights"),
    path("akun/data/unduh/", privacy_views.data_export, name="data-export"),
    path("akun/data/hapus/", privacy_views.data_delete, name="data-delete"),
    path("akun/", include("allauth.urls")),
    path("privasi/", privacy_views.privacy_notice, name="privacy-notice"),
    path("operator/", admin.site.urls),
]
