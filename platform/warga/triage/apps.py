from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "warga.triage"
    label = "triage"
    verbose_name = "Meja triase nasional"
    # Holds and offers are public rows; the desk's reports live in the national government's
    # schema (docs/decisions/0012, 0110).
    scope = "public"
