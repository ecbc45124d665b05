"""The Celery application: tenant-aware (the sender's schema travels in the message headers)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from kombu.transport import TRANSPORT_ALIASES
from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# `filesystem://` is the development broker with atomic message writes (config.broker).
TRANSPORT_ALIASES["filesystem"] = "config.broker:Transport"

app = CeleryApp("warga")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

from warga.health.worker import HeartbeatStep  # noqa: E402  (needs the app above)

app.steps["worker"].add(HeartbeatStep)

_FILESYSTEM_FOLDER_OPTIONS = ("data_folder_in", "data_folder_out", "control_folder", "processed_folder")


@app.on_after_configure.connect
def filesystem_broker_folders_ensure(sender: Any = None, source: Any = None, **kwargs: Any) -> None:
    """Create the filesystem broker's folders, in every process that sends or consumes.

    kombu's filesystem transport creates none of them: on a fresh checkout the first
    `delay()` fails with "Cannot add file ... to directory" and the worker with a bare
    FileNotFoundError, neither naming the setting to fix.
    """
    conf = source if source is not None else app.conf
    if not str(conf.broker_url or "").startswith("filesystem"):
        return
    options = conf.broker_transport_options or {}
    for option in _FILESYSTEM_FOLDER_OPTIONS:
        if options.get(option):
            Path(options[option]).mkdir(parents=True, exist_ok=True)
