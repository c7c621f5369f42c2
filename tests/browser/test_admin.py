"""A curator logs in, edits an occupation, publishes it, and the public sees it."""

import re

from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from catalogue.models import Occupation
from tests.factories import OccupationFactory


def test_curator_edits_and_publishes_and_the_public_sees_it(page, browser, catalogue):
    get_user_model().objects.create_superuser("curator", "curator@example.org", "a-long-pass")
    draft = OccupationFactory(
        code="4-99-99-01",
        slug="drone-pilot",
        name_zh="无人机驾驶员",
        name_en="",
        status=Occupation.Status.DRAFT,
    )
    visitor = browser.new_context(base_url=catalogue.url).new_page()
    assert visitor.goto("/occupations/drone-pilot/").status == 404

    page.goto("/admin/")
    page.get_by_label("Username").fill("curator")
    page.get_by_label("Password").fill("a-long-pass")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()

    page.goto(f"/admin/catalogue/occupation/{draft.pk}/change/")
    page.locator("#id_name_en").fill("Drone pilot")
    page.get_by_role("button", name="Save", exact=True).first.click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    page.goto("/admin/catalogue/occupation/?q=无人机")
    page.locator(f"input[name=_selected_action][value='{draft.pk}']").check()
    page.locator("select[name=action]").select_option("publish")
    page.get_by_role("button", name=re.compile("Run|Go")).click()
    expect(page.locator(".messagelist")).to_contain_text("1 of 1 occupation")

    response = visitor.goto("/occupations/drone-pilot/")
    assert response.status == 200
    expect(visitor.get_by_role("heading", level=1)).to_contain_text("Drone pilot")
    expect(visitor.locator(".provenance")).to_contain_text("last edited by curator")
    visitor.context.close()
