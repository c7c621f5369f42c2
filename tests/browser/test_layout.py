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


def test_the_provenance_table_stays_readable_on_a_phone(browser, catalogue):
    """At 375 px each value of "Where this record comes from" takes the table's width under its
    term, instead of the sliver beside a long term it once had (one character wide)."""
    context = browser.new_context(viewport={"width": 375, "height": 800}, base_url=catalogue.url)
    page = context.new_page()
    for url in ["/occupations/ai-trainer/", "/zh-hans/occupations/ai-trainer/"]:
        page.goto(url)
        table = page.eval_on_selector(".provenance dl", "e => e.getBoundingClientRect().width")
        values = page.eval_on_selector_all(
            ".provenance dd", "els => els.map(e => e.getBoundingClientRect().width)"
        )
        assert len(values) >= 3, url
        narrowest = min(values)
        assert narrowest >= 0.9 * table, f"{url}: a value is {narrowest:.0f}px of {table:.0f}px"
    context.close()
