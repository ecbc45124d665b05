from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "warga.accounts"
    label = "accounts"
    verbose_name = "Akun"
    scope = "public"
