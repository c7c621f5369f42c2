"""Phone and desktop: screenshots to look at, and no sideways scrolling on a phone."""

import pytest

from .conftest import SCREENSHOTS

PAGES = {
    "home": "/",
    "list": "/occupations/?q=训练师",
    "detail": "/occupations/ai-trainer/",
    "insights": "/insights/",
}
WIDTHS = [375, 1280]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_screenshots_and_no_horizontal_scrolling_on_a_phone(browser, catalogue, language):
    SCREENSHOTS.mkdir(exist_ok=True)
    prefix = "" if language == "en" else f"/{language}"
    for width in WIDTHS:
        context = browser.new_context(
            viewport={"width": width, "height": 800}, base_url=catalogue.url
        )
        page = context.new_page()
        for name, url in PAGES.items():
            page.goto(prefix + url)
            page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
            page.screenshot(path=SCREENSHOTS / f"{name}-{language}-{width}.png", full_page=True)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{prefix}{url} scrolls sideways by {overflow}px at {width}px"
        context.close()
