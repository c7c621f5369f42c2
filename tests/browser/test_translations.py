"""The catalogue's translations as a visitor meets them in the browser."""

from playwright.sync_api import expect


def test_a_translated_name_in_the_suggestions_carries_its_mark(page):
    page.goto("/")
    box = page.get_by_label("Search occupations in Chinese or English, or by code")
    box.press_sequentially("全媒体", delay=30)
    option = page.get_by_role("option").first
    expect(option).to_contain_text("全媒体运营师")
    mark = option.locator(".tr-mark")
    expect(mark).to_have_text("tr.")
    expect(mark).to_have_attribute("title", "catalogue translation, unreviewed")
    # A name a source article gives has none.
    box.fill("")
    box.press_sequentially("人工智能训练", delay=30)
    expect(page.get_by_role("option").first).to_contain_text("AI trainer")
    expect(page.get_by_role("option").first.locator(".tr-mark")).to_have_count(0)


def test_the_chinese_pages_mark_translations_in_chinese(page):
    page.goto("/zh-hans/occupations/all-media-operator/")
    mark = page.locator("h1 .tr-mark")
    expect(mark.locator("[aria-hidden=true]")).to_have_text("译")
    expect(mark.locator(".visually-hidden")).to_have_text(" (本目录的翻译，未审校)")
    expect(mark).to_have_attribute("title", "本目录的翻译，未审校")
    page.get_by_role("contentinfo").get_by_role("link", name="关于翻译").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("关于翻译")
