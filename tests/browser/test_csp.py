"""Every page works under the Content-Security-Policy: no violation, nothing blocked."""

from django.contrib.auth import get_user_model
from playwright.sync_api import expect

PUBLIC = [
    "/",
    "/occupations/?q=训练师&digital=yes",
    "/occupations/ai-trainer/",
    "/zh-hans/insights/",
    "/classification/",
    "/announcements/batch-2/",
    "/sources/internet-plus-new-employment-space/",
]


def violations(page):
    found = []
    page.on(
        "console", lambda m: found.append(m.text) if "Content Security Policy" in m.text else None
    )
    return found


def test_public_pages_and_the_api_docs_run_under_the_policy(page):
    found = violations(page)
    for url in PUBLIC:
        response = page.goto(url)
        assert "default-src 'self'" in response.headers["content-security-policy"]
    page.goto("/")
    page.get_by_role("combobox").first.press_sequentially("训练", delay=30)
    expect(page.get_by_role("option").first).to_be_visible()
    page.goto("/api/v1/docs/")
    expect(page.locator(".opblock").first).to_be_visible()
    assert found == []


def test_the_admin_runs_under_the_policy(page):
    found = violations(page)
    get_user_model().objects.create_superuser("curator", "curator@example.org", "a-long-pass")
    page.goto("/admin/login/")
    page.get_by_label("Username").fill("curator")
    page.get_by_label("Password").fill("a-long-pass")
    page.get_by_role("button", name="Log in").click()
    page.goto("/admin/catalogue/occupation/?q=训练师")
    page.locator("#result_list tbody th a").first.click()
    # The autocomplete widgets and the prepopulated slug are the admin's own scripts.
    page.locator("#id_minor_group + .select2").click()
    expect(page.locator(".select2-results__option").first).to_be_visible()
    page.keyboard.press("Escape")
    page.get_by_role("link", name="History").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Change history")
    assert found == []
