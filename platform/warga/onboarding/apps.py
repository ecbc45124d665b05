from django.apps import AppConfig


class OnboardingConfig(AppConfig):
    name = "warga.onboarding"
    label = "onboarding"
    verbose_name = "Penyiapan pemerintah daerah"
    scope = "public"
