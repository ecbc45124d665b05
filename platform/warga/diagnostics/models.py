"""Evidence that a Celery worker reached a government's schema (tenant scope).

One row per echo task that ran: the token the sender chose, and the schema the database
connection was really using when the task wrote the row. A row in the wrong schema, or a
`schema_seen` that differs from the schema holding the row, is a tenant-isolation bug.
"""

from __future__ import annotations

from django.db import models


class TaskEcho(models.Model):
    token = models.UUIDField(unique=True)
    schema_seen = models.CharField(max_length=63)
    task_id = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "diagnostics_task_echo"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.token} @ {self.schema_seen}"
