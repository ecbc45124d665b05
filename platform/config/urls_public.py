"""URLs of the public hosts: the shared citizen app, accounts, the operator admin."""

from django.contrib import admin
from django.urls import include, path

from api.health import healthz
from frontend import account_views, invitation_views, notification_views, privacy_views, views

urlpatterns = [
    path("", views.public_home, name="public-home"),
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("api.v1.urls")),
    path("lapor/", include("frontend.citizen.wizard_urls")),
    path("notifikasi/", notification_views.notifications_page, name="notifications-page"),
    path("service-worker.js", notification_views.service_worker, name="service-worker"),
    path("akun/lanjut/", account_views.central_continue, name="account-continue"),
    path("akun/data/", privacy_views.data_rights, name="data-rights"),
    path("akun/data/unduh/", privacy_views.data_export, name="data-export"),
    path("akun/data/unduh/<int:request_id>/", privacy_views.data_export_download, name="data-export-download"),
    path("akun/data/hapus/", privacy_views.data_delete, name="data-delete"),
    path("akun/data/dihapus/", privacy_views.data_deleted, name="data-deleted"),
    path("akun/undangan/", invitation_views.invitation_continue, name="invitation-continue"),
    path("akun/", include("allauth.urls")),
    path("privasi/", privacy_views.privacy_notice, name="privacy-notice"),
    path("operator/", admin.site.urls),
]
