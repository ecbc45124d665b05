"""/lapor/: the report wizard (frontend.citizen.wizard_views), one step per screen."""

from django.urls import path

from frontend.citizen import wizard_views

urlpatterns = [
    path("", wizard_views.start, name="wizard-start"),
    path("foto/", wizard_views.photo, name="wizard-photo"),
    path("tempat/", wizard_views.place, name="wizard-place"),
    path("kategori/", wizard_views.category, name="wizard-category"),
    path("uraian/", wizard_views.details, name="wizard-details"),
    path("serupa/", wizard_views.similar, name="wizard-similar"),
    path("kirim/", wizard_views.submit, name="wizard-submit"),
    path("selesai/<str:tracking_number>/", wizard_views.done, name="wizard-done"),
    path("didukung/", wizard_views.supported, name="wizard-supported"),
    path("ulang/", wizard_views.restart, name="wizard-restart"),
    path("manifest.webmanifest", wizard_views.manifest, name="wizard-manifest"),
]
