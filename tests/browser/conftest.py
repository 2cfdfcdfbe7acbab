"""Real-browser tests: Playwright drives Debian's chromium against Django's live server."""

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PASSWORD = "pw-for-tests-1"
TIMEOUT_MS = 10_000
# Set it to a folder to keep screenshots of the pages the journeys pass through, for a look.
SCREENSHOT_DIR = os.environ.get("SERVICEDESK_SCREENSHOT_DIR", "")


# Package scope: one browser for all the browser tests (pytest-django runs them together, after
# the others), closed before any test that follows them.
@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    if not os.path.exists(CHROMIUM):
        pytest.skip("chromium is not installed (Debian: apt-get install chromium)")
    # Playwright's sync API keeps an event loop running in this thread, which Django takes for
    # async code and refuses ORM calls in. The tests and the live server stay synchronous, so
    # lift that guard while the browser runs, and restore it once the browser tests are done.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
            ],
        )  # fmt: skip
        yield browser
        browser.close()


@pytest.fixture
def open_page(browser, live_server) -> Iterator[Callable[..., Page]]:
    """Open a page in a browser context of its own (its own cookies: one person per context).

    A server error or an uncaught script error on any page fails the test at teardown, so a
    journey cannot pass over a broken page that happened to contain the text it looked for.
    """
    contexts, problems = [], []

    def open_(**options) -> Page:
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": 1280, "height": 900}, **options
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.on(
            "response",
            lambda r: (
                problems.append(f"HTTP {r.status} on {r.request.method} {r.url}")
                if r.status >= 500
                else None
            ),
        )
        page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
        return page

    yield open_
    for context in contexts:
        context.close()
    assert not problems, "\n".join(problems)


@pytest.fixture
def page(open_page) -> Page:
    return open_page()


def sign_in(page: Page, username: str, password: str = PASSWORD) -> None:
    """Sign in through the login form and wait to land on the page it redirects to."""
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    if "/accounts/login/" in page.url:
        raise AssertionError(f"signing in as {username!r} failed: {page.inner_text('main')}")


def screenshot(page: Page, name: str) -> None:
    """Save the whole page as ``<name>.png`` when SERVICEDESK_SCREENSHOT_DIR is set."""
    if SCREENSHOT_DIR:
        page.screenshot(path=str(Path(SCREENSHOT_DIR) / f"{name}.png"), full_page=True)
