"""axe-core in the browser: no WCAG 2.1 A or AA violation on the pages people use most."""

import pytest
from playwright.sync_api import expect

PAGES = {
    "home": "/",
    "list with results": "/occupations/?q=训练师",
    "list with no results": "/occupations/?q=zzzzqqq",
    "detail": "/occupations/ai-trainer/",
    "detail with translations": "/occupations/all-media-operator/",
    "about the translations": "/about/translations/",
    "classification": "/classification/",
    "insights": "/insights/",
    "announcements": "/announcements/",
    "source": "/sources/internet-plus-new-employment-space/",
    "admin login": "/admin/login/",
    "home in Chinese": "/zh-hans/",
    "list in Chinese": "/zh-hans/occupations/?q=训练师&digital=yes",
    "detail in Chinese": "/zh-hans/occupations/ai-trainer/",
    "insights in Chinese": "/zh-hans/insights/",
}
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page, axe_source):
    # Evaluated by the browser's debugger protocol, which the page's CSP does not govern (an
    # injected <script> would be blocked by it, as it should be).
    page.evaluate(axe_source)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_21_AA
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(node["target"][0] for node in v["nodes"][:5])
        for v in result["violations"]
    ]


def assert_accessible(page, axe_source):
    violations = axe_violations(page, axe_source)
    assert not violations, f"{page.url}:\n" + "\n".join(violations)


@pytest.mark.parametrize("url", PAGES.values(), ids=PAGES.keys())
def test_no_wcag_violations(page, axe_source, url):
    page.goto(url)
    # Open every disclosure so that what it hides is checked too.
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    assert_accessible(page, axe_source)


def test_no_wcag_violations_with_the_suggestions_open(page, axe_source):
    page.goto("/")
    page.get_by_role("combobox").first.press_sequentially("人工", delay=30)
    expect(page.get_by_role("option").first).to_be_visible()
    page.get_by_role("combobox").first.press("ArrowDown")
    assert_accessible(page, axe_source)


def test_skip_link_is_the_first_stop_and_moves_focus_to_the_content(page):
    page.goto("/occupations/ai-trainer/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def test_focus_is_visible_on_every_control(page):
    page.goto("/occupations/?q=训练师")
    for _ in range(12):
        page.keyboard.press("Tab")
        outline = page.evaluate(
            "() => { const s = getComputedStyle(document.activeElement);"
            " return [s.outlineStyle, s.outlineWidth]; }"
        )
        assert outline[0] != "none" and outline[1] != "0px", page.evaluate(
            "document.activeElement.outerHTML"
        )


def test_landmarks_and_languages(page):
    page.goto("/zh-hans/occupations/ai-trainer/")
    expect(page.get_by_role("banner")).to_have_count(1)
    expect(page.get_by_role("main")).to_have_count(1)
    expect(page.get_by_role("contentinfo")).to_have_count(1)
    expect(page.get_by_role("navigation", name="主导航")).to_have_count(1)
    # English text inside a Chinese page says so, and the other way round.
    expect(page.locator("h1 [lang=en]")).to_have_text("AI trainer")
    expect(page.locator("blockquote[lang=en]").first).to_be_visible()
