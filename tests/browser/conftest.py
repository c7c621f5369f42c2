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
# npm installs from the manifest and lock file beside this into a git-ignored folder outside
# tests/, so that third-party code never sits among the project's tests.
NPM_PREFIX = HERE.parent.parent / ".cache" / "browser-tests"
AXE = NPM_PREFIX / "node_modules" / "axe-core" / "axe.min.js"
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


NO_CHROMIUM = f"No Chromium at {CHROMIUM} (apt-get install chromium, or set CHROMIUM)"
NO_NPM = "npm is not installed, so axe-core cannot be installed"


def _chromium_missing() -> bool:
    return not os.access(CHROMIUM, os.X_OK)


def _axe_missing() -> bool:
    return not AXE.exists() and not shutil.which("npm")


def pytest_collection_modifyitems(config, items):
    """Locally, what cannot run without a browser (or npm) is marked skipped, with the reason,
    before anything starts; under CI=true nothing is, and the fixtures below fail instead."""
    if IN_CI:
        return
    for item in items:
        if HERE not in item.path.parents:
            continue
        if _chromium_missing():
            item.add_marker(pytest.mark.skip(reason=f"{NO_CHROMIUM}: browser tests skipped"))
        elif "axe_source" in item.fixturenames and _axe_missing():
            item.add_marker(pytest.mark.skip(reason=f"{NO_NPM}: accessibility tests skipped"))


def _required(what: str) -> None:
    pytest.fail(f"{what} (CI=true: browser tests must run)", pytrace=False)


@pytest.fixture(scope="session")
def browser():
    if _chromium_missing():
        _required(NO_CHROMIUM)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def axe_source():
    """axe-core from the npm registry, installed by npm ci from the lock file beside this."""
    # A lock file newer than the installed copy (axe-core upgraded) installs again.
    if (
        AXE.exists()
        and (HERE / "package-lock.json").read_bytes()
        != (NPM_PREFIX / "package-lock.json").read_bytes()
    ):
        AXE.unlink()
    if not AXE.exists():
        if _axe_missing():
            _required(NO_NPM)
        NPM_PREFIX.mkdir(parents=True, exist_ok=True)
        for name in ("package.json", "package-lock.json"):
            shutil.copy(HERE / name, NPM_PREFIX / name)
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund", "--prefix", str(NPM_PREFIX)],
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
