"""Cross-tenant reads for the shared citizen app, always through the public report index.

Each read goes from the index to the one schema that owns a report; nothing here walks every
schema. What leaves these functions for the public never names a reporter.

| module | what it reads |
|---|---|
| submission | before a report is sent: the owner of a village, villages near a point, similar reports |
| public_report | one report as the public, or its reporter, sees it |
| my_reports | a reporter's own reports across every government |
| notifications | a person's in-app notifications across the governments that hold some |
| feed | the public map and feed, from the index alone |
"""

from warga.intake.selectors.feed import (
    DEFAULT_FEED_MAX_BBOX_DEGREES,
    FEED_GRID_CELLS_PER_SIDE,
    FEED_PAGE_MAX,
    BoundingBox,
    FeedAnswer,
    FeedCell,
    FeedGrid,
    FeedItem,
    FeedPage,
    reports_feed,
    reports_feed_grid,
    reports_feed_or_grid,
)
from warga.intake.selectors.my_reports import MyReport, MyReportsPage, reports_of_reporter
from warga.intake.selectors.notifications import (
    CitizenNotification,
    CitizenNotificationsPage,
    governments_with_notifications_for,
    notifications_of_citizen,
)
from warga.intake.selectors.public_report import (
    PublicComment,
    PublicPhoto,
    PublicReport,
    TimelineEntry,
    hidden_from_public,
    report_lookup_public,
    report_photo_public,
)
from warga.intake.selectors.submission import (
    NEAR_POINT_DEGREES,
    index_for_idempotency_key,
    owner_for_village,
    reports_similar_before_submit,
    village_codes_near_point,
    villages_offered,
)

__all__ = [
    "DEFAULT_FEED_MAX_BBOX_DEGREES",
    "FEED_GRID_CELLS_PER_SIDE",
    "FEED_PAGE_MAX",
    "NEAR_POINT_DEGREES",
    "BoundingBox",
    "CitizenNotification",
    "CitizenNotificationsPage",
    "FeedAnswer",
    "FeedCell",
    "FeedGrid",
    "FeedItem",
    "FeedPage",
    "MyReport",
    "MyReportsPage",
    "PublicComment",
    "PublicPhoto",
    "PublicReport",
    "TimelineEntry",
    "governments_with_notifications_for",
    "hidden_from_public",
    "index_for_idempotency_key",
    "notifications_of_citizen",
    "owner_for_village",
    "report_lookup_public",
    "report_photo_public",
    "reports_feed",
    "reports_feed_grid",
    "reports_feed_or_grid",
    "reports_of_reporter",
    "reports_similar_before_submit",
    "village_codes_near_point",
    "villages_offered",
]
