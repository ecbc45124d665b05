"""URLs of the public hosts: the shared citizen app, accounts, the operator admin.

Mounted by tenants.middleware on the public host only. Every route answers only on the kinds of
host it declares (tenants.host_kinds): a view declares them (`answers_on`, `host_kinds`);
`page(...)` mounts a page of this host that declares nothing, and an include of another
library names them.
"""

from functools import partial

from allauth.account import views as allauth_views
from django.contrib import admin
from django.db import transaction
from django.urls import URLPattern, URLResolver, include

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
from tenants.host_kinds import EVERY, PUBLIC, host_path

# allauth's 429 answer (its respond_429 looks it up in ROOT_URLCONF; both URL confs name it).
handler429 = signin_views.handler429
# A database or broker that cannot be reached answers 503 with Retry-After (config.errors).
handler500 = errors.handler500
# A v1 path served on another kind of host answers 404 saying where (api.v1.elsewhere).
handler404 = errors.handler404

# A page of the public host that declares no kinds itself.
page = partial(host_path, kinds=PUBLIC)

urlpatterns: list[URLPattern | URLResolver] = [
    page("", views.public_home, name="public-home"),
    host_path("healthz", healthz, name="healthz"),
    host_path("metrics", metrics, name="metrics"),
    host_path("i18n/", include("django.conf.urls.i18n"), kinds=EVERY),
    page("api/v1/", include("api.v1.public.urls")),
    host_path("open311/v2/", include("api.open311.urls"), kinds=EVERY),
    # The API's reference, read from /api/v1/schema/ (frontend/api_docs_views.py).
    host_path("api/docs/", api_docs_views.swagger_page, name="api-docs"),
    host_path("api/redoc/", api_docs_views.redoc_page, name="api-redoc"),
    page("lapor/", include("frontend.citizen.wizard_urls")),
    page("notifikasi/", notification_views.citizen_notifications_page, name="notifications-page"),
    host_path("service-worker.js", notification_views.service_worker, name="service-worker"),
    page("akun/lanjut/", account_views.central_continue, name="account-continue"),
    page("akun/data/", privacy_views.data_rights, name="data-rights"),
    page("akun/data/unduh/", privacy_views.data_export, name="data-export"),
    page("akun/data/unduh/<int:request_id>/", privacy_views.data_export_download, name="data-export-download"),
    page("akun/data/hapus/", privacy_views.data_delete, name="data-delete"),
    page("akun/data/dihapus/", privacy_views.data_deleted, name="data-deleted"),
    page("akun/undangan/", invitation_views.invitation_continue, name="invitation-continue"),
    # Sign-up, phone verification and sign-in codes with Warga's limits; the flows that save
    # before they send a code run in one transaction, so a limit reached halfway keeps nothing.
    page("akun/signup/", signin_views.signup),
    page("akun/phone/verify/", transaction.atomic(allauth_views.verify_phone)),
    page("akun/phone/change/", transaction.atomic(allauth_views.change_phone)),
    page("akun/login/code/confirm/", signin_views.confirm_login_code),
    page("akun/", include("allauth.urls")),
    host_path("privasi/", privacy_views.privacy_notice, name="privacy-notice"),
    # The citizen app: the map, a report's page and its actions, the lookup, my reports.
    page("peta/", map_views.map_page, name="citizen-map"),
    page("lacak/", report_views.lookup, name="citizen-lookup"),
    page("laporan-saya/", mine_views.my_reports, name="citizen-my-reports"),
    page("laporan/<str:tracking_number>/", report_views.report_page, name="citizen-report"),
    page("laporan/<str:tracking_number>/dukung/", report_views.report_support_post, name="citizen-report-support"),
    page("laporan/<str:tracking_number>/komentar/", report_views.report_comment_post, name="citizen-report-comment"),
    page("laporan/<str:tracking_number>/cabut/", report_views.report_withdraw_post, name="citizen-report-withdraw"),
    page("laporan/<str:tracking_number>/nilai/", report_views.report_rate_post, name="citizen-report-rate"),
    page("laporan/<str:tracking_number>/sanggah/", report_views.report_dispute_post, name="citizen-report-dispute"),
    # A government asks to join (docs/decisions/0055).
    page("bergabung/", joining_views.join_search, name="join-search"),
    page("bergabung/ajukan/<str:code>/", joining_views.join_form, name="join-form"),
    page("bergabung/konfirmasi/<str:token>/", joining_views.join_confirm, name="join-confirm"),
    page("bergabung/permintaan/<str:public_id>/", joining_views.join_status, name="join-status"),
    # Stripe's events (signature verified; warga.billing), on the public host only.
    page("stripe/webhook/", stripe_webhook, name="stripe-webhook"),
    page("operator/", admin.site.urls),
]
