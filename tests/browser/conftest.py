"""Browser tests: Debian's Chromium driven by Playwright against a live server.

Nothing downloads a browser. Without a Chromium the tests are skipped, and say so, except
under CI=true, where a missing browser fails the run.
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.helpers import index_for_search

HERE = Path(__file__).parent
SCREENSHOTS = HERE / "screenshots"
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"
# Playwright's sync API keeps an event loop running in this thread; the tests' own ORM calls
# are still synchronous and run while no request is in flight.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
IN_CI = os.environ.get("CI", "").lower() == "true"
# As root, in a container, without a desktop, on a closed network: no sandbox, no GPU, and no
# background calls home that would fail and fill the log.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _missing(what: str) -> None:
    if IN_CI:
        pytest.fail(f"{what} (CI=true: browser tests must run)", pytrace=False)
    pytest.skip(f"{what}: browser tests skipped")


@pytest.fixture(scope="session")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        _missing(f"No Chromium at {CHROMIUM} (apt-get install chromium, or set CHROMIUM)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def axe_source():
    """axe-core from the npm registry, installed by npm ci from the lock file beside this."""
    if not AXE.exists():
        if not shutil.which("npm"):
            _missing("npm is not installed, so axe-core cannot be installed")
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund", "--prefix", str(HERE)],
            check=True,
            capture_output=True,
        )
    return AXE.read_text()


@pytest.fixture
def catalogue(live_server, transactional_db):
    """The seed catalogue behind a live server, searchable."""
    call_command("loaddata", "seed", verbosity=0)
    index_for_search()
    return live_server


@pytest.fixture
def page(browser, catalogue):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=catalogue.url)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.errors = errors
    elsewhere = []
    page.on(
        "request",
        lambda request: (
            None
            if request.url.startswith((catalogue.url, "data:"))
            else elsewhere.append(request.url)
        ),
    )
    yield page
    context.close()
    assert errors == [], "the pages logged errors"
    assert elsewhere == [], "a page asked another host for something"
