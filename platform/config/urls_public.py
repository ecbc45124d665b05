"""URLs of the public hosts: the shared citizen app, accounts, the operator admin."""

from allauth.account import views as allauth_views
from django.contrib import admin
from django.db import transaction
from django.urls import include, path

from api.health import healthz, metrics
from api.stripe_webhook import stripe_webhook
from config import errors
from frontend import (
    account_views,
    api_docs_views,
    invitation_views,
    joining_views,
    notification_views,
    privacy_views,
    signin_views,
    views,
)
from frontend.citizen import map_views, mine_views, report_views

# allauth's 429 answer (its respond_429 looks it up in ROOT_URLCONF; both URL confs name it).
handler429 = signin_views.handler429
# A database or broker that cannot be reached answers 503 with Retry-After (config.errors).
handler500 = errors.handler500

urlpatterns = [
    path("", views.public_home, name="public-home"),
    path("healthz", healthz, name="healthz"),
    path("metrics", metrics, name="metrics"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("api.v1.government.urls")),
    path("open311/v2/", include("api.open311.urls")),
    # The API's reference, read from /api/v1/schema/ (frontend/api_docs_views.py).
    path("api/docs/", api_docs_views.swagger_page, name="api-docs"),
    path("api/redoc/", api_docs_views.redoc_page, name="api-redoc"),
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
    # Sign-up, phone verification and sign-in codes with Warga's limits; the flows that save
    # before they send a code run in one transaction, so a limit reached halfway keeps nothing.
    path("akun/signup/", signin_views.signup),
    path("akun/phone/verify/", transaction.atomic(allauth_views.verify_phone)),
    path("akun/phone/change/", transaction.atomic(allauth_views.change_phone)),
    path("akun/login/code/confirm/", signin_views.confirm_login_code),
    path("akun/", include("allauth.urls")),
    path("privasi/", privacy_views.privacy_notice, name="privacy-notice"),
    # The citizen app: the map, a report's page and its actions, the lookup, my reports.
    path("peta/", map_views.map_page, name="citizen-map"),
    path("lacak/", report_views.lookup, name="citizen-lookup"),
    path("laporan-saya/", mine_views.my_reports, name="citizen-my-reports"),
    path("laporan/<str:tracking_number>/", report_views.report_page, name="citizen-report"),
    path("laporan/<str:tracking_number>/dukung/", report_views.report_support_post, name="citizen-report-support"),
    path("laporan/<str:tracking_number>/komentar/", report_views.report_comment_post, name="citizen-report-comment"),
    path("laporan/<str:tracking_number>/cabut/", report_views.report_withdraw_post, name="citizen-report-withdraw"),
    path("laporan/<str:tracking_number>/nilai/", report_views.report_rate_post, name="citizen-report-rate"),
    path("laporan/<str:tracking_number>/sanggah/", report_views.report_dispute_post, name="citizen-report-dispute"),
    # A government asks to join (docs/decisions/0055).
    path("bergabung/", joining_views.join_search, name="join-search"),
    path("bergabung/ajukan/<str:code>/", joining_views.join_form, name="join-form"),
    path("bergabung/konfirmasi/<str:token>/", joining_views.join_confirm, name="join-confirm"),
    path("bergabung/permintaan/<str:public_id>/", joining_views.join_status, name="join-status"),
    # Stripe's events (signature verified; warga.billing), on the public host only.
    path("stripe/webhook/", stripe_webhook, name="stripe-webhook"),
    path("operator/", admin.site.urls),
]
