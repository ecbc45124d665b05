"""What every page test checks as its user would: no serious accessibility problem (axe-core from
the front-end packages, injected into the page), nothing wider than a 360 px phone, and
screenshots at 360 and 1280 px written to docs/screenshots/ for a person to look at.

    from tests.e2e.pages import check_page
    check_page(phone, "citizen/home")          # audits the page as it is now, then screenshots

`page_weight(page)` is what the page transferred: HTML, CSS, JS and fonts (not images, tiles or
API calls), in bytes, for the budgets in docs/performance.md.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "docs" / "screenshots"
SERIOUS = ("serious", "critical")

_WEIGHT = """() => {
  const entries = [...performance.getEntriesByType("navigation"), ...performance.getEntriesByType("resource")];
  const counted = entries.filter((e) => e.entryType === "navigation" || /\\.(js|mjs|css|woff2?)(\\?|$)/.test(e.name));
  return counted.reduce((sum, e) => sum + (e.transferSize || e.encodedBodySize || 0), 0);
}"""


def accessibility_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the page as it is now (WCAG 2.1 A and AA)."""
    # Evaluated as a script rather than a <script> tag: the pages' CSP allows no inline script.
    page.evaluate(AXE.read_text())
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in SERIOUS
    ]


def horizontal_overflow(page: Any) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth"))


def page_weight(page: Any) -> int:
    return int(page.evaluate(_WEIGHT))


def screenshot(page: Any, name: str) -> None:
    """Full-page screenshots of the page at 360 px and 1280 px wide: docs/screenshots/<name>-360.png, -1280.png."""
    original = page.viewport_size
    for width in (360, 1280):
        page.set_viewport_size({"width": width, "height": 800 if width > 360 else 640})
        target = SCREENSHOTS / f"{name}-{width}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(target), full_page=True)
    page.set_viewport_size(original)


def check_page(page: Any, name: str) -> None:
    """Audit the page (axe-core, 360 px overflow), then write its screenshots."""
    violations = accessibility_violations(page)
    assert violations == [], f"{name}: " + json.dumps(violations, ensure_ascii=False, indent=1)
    width = page.viewport_size["width"]
    page.set_viewport_size({"width": 360, "height": 640})
    overflow = horizontal_overflow(page)
    page.set_viewport_size({"width": width, "height": page.viewport_size["height"]})
    assert overflow == 0, f"{name}: {overflow} px wider than a 360 px screen"
    screenshot(page, name)


def notices(page: Any) -> list[tuple[str, str, str]]:
    """(text, class, role) of each notice the layout shows above the page (its messages)."""
    found = page.locator("main .messages .notice").evaluate_all(
        "nodes => nodes.map(n => [n.innerText.trim(), n.className, n.getAttribute('role')])"
    )
    return [tuple(notice) for notice in found]


def said_once(page: Any, text: str) -> None:
    """`text` appears exactly once in the page's main content (a message not repeated by the page)."""
    assert page.locator("main").inner_text().count(text) == 1, page.locator("main").inner_text()
