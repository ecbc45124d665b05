"""URLs of the public hosts: the shared citizen app, accounts, the operator admin."""

from django.contrib import admin
from django.urls import include, path

from api.health import healthz
from frontend import views

urlpatterns = [
    path("", views.public_home, name="public-home"),
    path("healthz", healthz, name="healthz"),
    path("akun/", include("allauth.urls")),
    path("operator/", admin.site.urls),
]
