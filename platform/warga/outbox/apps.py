from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "warga.outbox"
    label = "outbox"
    verbose_name = "Kotak keluar untuk pemantauan nasional"
    # Each government's outbox lives in its own schema, written in the transaction of the
    # change it records (docs/decisions/0009, 0111).
    scope = "tenant"
