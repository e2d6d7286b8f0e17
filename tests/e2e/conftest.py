"""Headless Chromium (Debian's package) driven by Playwright against pytest-django's live server."""

import os
import shutil
from collections.abc import Iterator

import pytest
from django.db import connections

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    return (
        os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    )


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    executable = chromium_path()
    if not executable:
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread, and Django refuses ORM calls from
    # a thread with a running loop unless told otherwise. Only while the browser is open, and
    # never in the environment of other tests' subprocesses.
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
            yield browser
            browser.close()
            # The tests ran in the context Playwright's sync API gave this thread, and Django
            # keeps a connection per context: close the ones made there before it ends, or they
            # stay open past the run (the test database's DROP then finds "other users").
            connections.close_all()
    finally:
        if before is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


@pytest.fixture
def page(browser):  # type: ignore[no-untyped-def]
    """A browser tab; the test errors if the page broke the Content Security Policy."""
    context = browser.new_context(locale="en-GB")
    context.set_default_timeout(15_000)
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    yield page
    context.close()
    violations = [text for text in console if "Content Security Policy" in text]
    assert not violations, f"The page broke the Content Security Policy: {violations}"


@pytest.fixture
def page_without_javascript(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="en-GB", java_script_enabled=False)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def axe_page(browser):  # type: ignore[no-untyped-def]
    """A tab that may inject axe-core: the site's Content Security Policy forbids inline
    scripts, so this context alone bypasses it (the other e2e tests keep it and fail on it)."""
    context = browser.new_context(locale="en-GB", bypass_csp=True)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()
