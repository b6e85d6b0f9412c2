"""A real browser opens the report as a reader would: nothing leaves the page, no data runs as code."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import ROOT

pytestmark = [pytest.mark.slow, pytest.mark.browser]

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = ROOT / "artifacts"


@pytest.fixture(scope="module")
def page_report(rendered):
    if CHROMIUM is None:
        pytest.fail(
            "Debian's chromium is not installed; .ci/run installs it (apt-get install chromium)"
        )
    from playwright.sync_api import sync_playwright

    requests: list[str] = []
    console: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )  # fmt: skip
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.on("request", lambda r: requests.append(r.url))
        page.on("console", lambda m: console.append(m.text))
        page.goto((rendered["folder"] / "report.html").as_uri())
        page.wait_for_load_state("load")
        state = page.evaluate(
            """() => ({
                pwned: window.__pwned === undefined ? null : String(window.__pwned),
                scripts: document.querySelectorAll('script').length,
                images: Array.from(document.querySelectorAll('figure img, img')).map(i => ({
                    src: i.getAttribute('src').slice(0, 22), w: i.naturalWidth, h: i.naturalHeight,
                    shown: i.getBoundingClientRect().width})),
                text: document.body.innerText,
            })"""
        )
        ARTIFACTS.mkdir(exist_ok=True)
        shot = ARTIFACTS / "report-screenshot.png"
        page.screenshot(path=str(shot), full_page=False)
        fig = page.locator("figure img").first
        fig.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "report-figure.png"))
        browser.close()
    return {"requests": requests, "console": console, "state": state, "shot": shot}


def test_no_request_leaves_the_page(page_report, rendered):
    html_uri = (rendered["folder"] / "report.html").as_uri()
    outside = [u for u in page_report["requests"] if u != html_uri and not u.startswith("data:")]
    assert outside == []


def test_no_script_from_the_data_runs(page_report, rendered):
    st = page_report["state"]
    assert st["pwned"] is None
    assert st["scripts"] == 0
    text = " ".join(st["text"].split())
    shown = [s["value"] for s in rendered["truth"]["top_account_profiles"]
             if s["column"] == "user_display_name" and "<" in s["value"]]  # fmt: skip
    assert shown and all(v in text for v in shown), shown  # markup from the data shows as text


def test_figures_are_visible_images(page_report):
    imgs = page_report["state"]["images"]
    assert len(imgs) >= 5
    for im in imgs:
        assert im["src"].startswith("data:image/svg+xml")  # vector figures (issue 17 item 4)
        assert im["w"] > 100 and im["h"] > 50 and im["shown"] > 100


def test_headline_numbers_visible(page_report, rendered):
    text = page_report["state"]["text"]
    zero = f"{100 * rendered['findings']['followers.zero_share']['value']:.1f}%"
    assert zero in text
    assert "Synthetic demo data" in text
    assert f"version {rendered['folder'].name}" in text
    assert "Figure 1" in text


def test_screenshot_kept_as_artifact(page_report):
    assert page_report["shot"].exists() and page_report["shot"].stat().st_size > 10_000
