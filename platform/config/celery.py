"""The Celery application: tenant-aware (the sender's schema travels in the message headers)."""

from __future__ import annotations

import os

from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = CeleryApp("warga")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

from warga.health.worker import HeartbeatStep  # noqa: E402  (needs the app above)

app.steps["worker"].add(HeartbeatStep)
