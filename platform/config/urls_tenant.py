"""URLs of a government's host (`<slug>.<base domain>`): served from that government's schema."""

from django.urls import path

from api.health import healthz
from frontend import views

urlpatterns = [
    path("", views.government_home, name="government-home"),
    path("healthz", healthz, name="healthz"),
]
