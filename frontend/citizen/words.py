"""How the citizen pages name statuses, privacy modes and categories: plain words, translated."""

from __future__ import annotations

from functools import cache

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from warga.taxonomy.selectors import categories_active

# (badge text, badge tone) per status: what a citizen reads on a card.
STATUS_BADGES = {
    "received": (_("Received"), "info"),
    "verified": (_("Checked"), "info"),
    "in_progress": (_("Being handled"), "warn"),
    "resolved": (_("Resolved"), "ok"),
    "closed": (_("Closed"), "ok"),
    "deferred": (_("Postponed"), "warn"),
    "transferred": (_("Passed to another government"), "info"),
    "archived": (_("Archived"), ""),
    "reopened": (_("Reopened"), "bad"),
    "withdrawn": (_("Withdrawn"), ""),
    "merged": (_("Merged into another report"), ""),
}

# One sentence per step of the timeline.
STATUS_STORIES = {
    "received": _("The report was received by the regional government."),
    "verified": _("An official checked the report and passed it to the unit that handles it."),
    "in_progress": _("The unit started working on it."),
    "resolved": _("The government says the problem is fixed."),
    "closed": _("The report was closed."),
    "deferred": _("Handling was postponed for now."),
    "transferred": _("The report was passed to the government that is responsible for it."),
    "archived": _("The report was archived without action."),
    "reopened": _("The reporter said the problem is not fixed; the report was reopened."),
    "withdrawn": _("The reporter withdrew the report."),
    "merged": _("The report was merged into another report about the same problem."),
}

PRIVACY_WORDS = {
    "publik": _("Public"),
    "anonim": _("Anonymous (the reporter's name is hidden)"),
    "rahasia": _("Confidential (only you can see it)"),
}


def status_badge(status: str) -> dict[str, str]:
    text, tone = STATUS_BADGES.get(status, (status, ""))
    return {"text": str(text), "tone": tone}


@cache
def _category_names() -> dict[str, tuple[str, str]]:
    return {category.code: (category.name_id, category.name_en) for category in categories_active()}


def category_name(code: str) -> str:
    names = _category_names().get(code)
    if names is None:
        return code.replace("_", " ")
    return names[1] if (get_language() or "id").startswith("en") else names[0]


def category_choices() -> list[tuple[str, str]]:
    return sorted(((code, category_name(code)) for code in _category_names()), key=lambda pair: pair[1])
