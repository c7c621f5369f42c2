"""What a visitor does: search as they type, filter, page, open, switch language."""

import re

from playwright.sync_api import expect

from catalogue.models import Occupation
from tests.factories import OccupationFactory
from tests.helpers import index_for_search


def test_autocomplete_suggests_as_typed_and_the_keyboard_chooses(page):
    page.goto("/")
    box = page.get_by_label("Search occupations in Chinese or English, or by code")
    box.press_sequentially("人工智能", delay=30)
    options = page.get_by_role("option")
    expect(options.first).to_contain_text("人工智能训练师")
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("status").filter(has_text="suggestion")).to_have_count(1)
    box.press("ArrowDown")
    expect(options.first).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", options.first.get_attribute("id"))
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/occupations/ai-trainer/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("人工智能训练师")


def test_escape_closes_the_suggestions_and_enter_searches(page):
    page.goto("/")
    box = page.get_by_label("Search occupations in Chinese or English, or by code")
    box.press_sequentially("trainer", delay=30)
    expect(page.get_by_role("listbox")).to_be_visible()
    box.press("Escape")
    expect(page.get_by_role("listbox")).to_be_hidden()
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/occupations/\?q=trainer$"))
    expect(page.locator(".result-count")).to_contain_text("matching “trainer”")


def test_facets_filter_and_back_and_forward_walk_the_history(page):
    page.goto("/occupations/")
    total = _count(page)
    facets = page.get_by_role("complementary", name="Filters")
    facets.locator("section", has_text="Digital (S)").get_by_role(
        "link", name=re.compile("^yes")
    ).click()
    expect(page).to_have_url(re.compile(r"digital=yes"))
    digital = _count(page)
    assert 0 < digital < total
    facets.locator("section", has_text="Major group").get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(r"digital=yes.*major=\d|major=\d.*digital=yes"))
    both = _count(page)
    assert both <= digital
    page.go_back()
    expect(page).to_have_url(re.compile(r"/occupations/\?digital=yes$"))
    assert _count(page) == digital
    page.go_back()
    assert _count(page) == total
    page.go_forward()
    page.go_forward()
    expect(page).to_have_url(re.compile(r"major="))
    assert _count(page) == both
    # An active facet is marked and removes itself when clicked again.
    active = facets.locator("a[aria-current=true]")
    expect(active).to_have_count(2)
    active.first.click()
    expect(facets.locator("a[aria-current=true]")).to_have_count(1)


def test_pages_of_results_follow_one_another(page):
    for n in range(30):
        OccupationFactory(code=f"4-99-99-{n:02d}", name_en=f"Pager test {n:02d}")
    index_for_search()
    page.goto("/occupations/?sort=code")
    pagination = page.get_by_role("navigation", name="Pages")
    total = Occupation.objects.published().count()
    expect(pagination).to_contain_text(f"Page 1 of {-(-total // 25)}")
    first_page = page.locator(".occupation-list h2").all_inner_texts()
    pagination.get_by_role("link", name="Next").click()
    expect(page).to_have_url(re.compile(r"page=2"))
    expect(pagination).to_contain_text("Page 2 of")
    second_page = page.locator(".occupation-list h2").all_inner_texts()
    assert second_page and not set(first_page) & set(second_page)
    expect(page.locator(".occupation-list")).to_have_attribute("start", "26")
    pagination.get_by_role("link", name="Previous").click()
    assert page.locator(".occupation-list h2").all_inner_texts() == first_page


def test_a_result_opens_its_detail_page(page):
    page.goto("/occupations/?q=训练师")
    page.locator(".occupation-list").get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(r"/occupations/ai-trainer/$"))
    expect(page.get_by_role("heading", name="Definition")).to_be_visible()
    expect(page.locator(".breadcrumbs")).to_contain_text("4-04-05")
    expect(page.locator("script[type='application/ld+json']")).to_have_count(1)


def test_the_language_switcher_keeps_the_page_and_its_search(page):
    page.goto("/occupations/?q=训练师&digital=yes")
    page.get_by_role("navigation", name="Language").get_by_role("link", name="简体中文").click()
    expect(page).to_have_url(re.compile(r"/zh-hans/occupations/\?q=.*&digital=yes$"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.get_by_role("heading", level=1)).to_have_text("职业")
    expect(page.locator(".result-count")).to_contain_text("与“训练师”匹配")
    page.locator(".occupation-list").get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(r"/zh-hans/occupations/ai-trainer/$"))
    expect(page.get_by_role("heading", name="定义")).to_be_visible()
    page.get_by_role("navigation", name="语言").get_by_role("link", name="English").click()
    expect(page).to_have_url(re.compile(r"/occupations/ai-trainer/$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_autocomplete_speaks_the_page_language(page):
    page.goto("/zh-hans/")
    box = page.get_by_label("用中文、英文或代码搜索职业")
    box.press_sequentially("训练", delay=30)
    expect(page.get_by_role("listbox", name="搜索建议")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="条建议")).to_have_count(1)


def _count(page) -> int:
    text = page.locator(".result-count").inner_text()
    return int(re.match(r"[\d,]+", text).group(0).replace(",", ""))
