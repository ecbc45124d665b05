"""The Prometheus counters that apps other than `health` count where the work happens: reports
submitted (intake), notification deliveries (notifications) and escalations (routing).

They sit below every app so that counting one imports no app: `warga.health.metrics`, which
exposes them with the rest, reads the national relay's state, and the apps counting here are
below `national` (docs/decisions/0131). Labels are bounded: government codes, channels, outcomes.
"""

from __future__ import annotations

from prometheus_client import Counter

REPORTS_SUBMITTED = Counter(
    "warga_reports_submitted", "Reports accepted by intake, by the government that owns them.", ["government"]
)
NOTIFICATIONS = Counter(
    "warga_notifications",
    "Notification deliveries by channel and outcome (sent, retry, failed).",
    ["channel", "outcome"],
)
ESCALATIONS = Counter("warga_escalations", "Reports escalated past an overdue deadline step.", ["government"])
