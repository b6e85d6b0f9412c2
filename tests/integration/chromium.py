"""One report page open in Debian's chromium (Playwright), for the tests that read what a
person sees: layout, fonts."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


@contextmanager
def open_page(html: Path, width: int = 1280, height: int = 900) -> Iterator:
    """The page of `html` at width x height; the browser closes when the block ends."""
    from playwright.sync_api import sync_playwright

    from tests.integration.test_browser import CHROMIUM

    if CHROMIUM is None:
        pytest.fail("Debian's chromium is not installed; .ci/run installs it")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(html.as_uri())
            yield page
        finally:
            browser.close()
