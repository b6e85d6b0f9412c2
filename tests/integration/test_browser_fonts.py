"""Chinese in the HTML is drawn with the font subset the page embeds (issue 17 item 5).

Chromium reports, through the DevTools protocol, which font drew a table cell of Chinese text: it
must be the page's own web font (Noto Sans CJK SC, custom), for both engines' HTML. The same
page with the embedded @font-face removed draws it with no custom font, so the check can fail.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from takedown.compose.webfont import CJK_FAMILY, EMOJI_FAMILY, STYLE_ID
from tests.integration.chromium import open_page

pytestmark = [pytest.mark.slow, pytest.mark.browser]

# Mark the first table cell whose text is Chinese, so the protocol can find it.
MARK_JS = """() => {
  const cells = Array.from(document.querySelectorAll('td'));
  const cell = cells.find(td => /^[#\\s]*[\\u4e00-\\u9fff]{2,}$/.test(td.textContent.trim()));
  const emoji = cells.find(td => /\\p{Extended_Pictographic}/u.test(td.textContent));
  if (emoji) emoji.id = 'emoji-probe';
  if (!cell) return null;
  cell.id = 'han-probe';
  return cell.textContent.trim();
}"""


def fonts_for_han(html: Path) -> dict:
    """The Han cell's text, the fonts that drew it, and the state of the page's CJK face."""
    with open_page(html) as page:
        page.evaluate("() => document.fonts.ready.then(() => true)")
        text = page.evaluate(MARK_JS)
        assert text, f"{html}: no table cell of Chinese text"
        page.locator("#han-probe").scroll_into_view_if_needed()
        page.evaluate("() => document.fonts.ready.then(() => true)")
        cdp = page.context.new_cdp_session(page)
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument")["root"]["nodeId"]
        fonts, emoji = (
            cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"] if node else []
            for node in (
                cdp.send("DOM.querySelector", {"nodeId": root, "selector": sel})["nodeId"]
                for sel in ("#han-probe", "#emoji-probe")
            )
        )
        faces = page.evaluate(
            "() => Array.from(document.fonts).map(f => [f.family.replace(/\"/g, ''), f.status])"
        )
    return {"text": text, "fonts": fonts, "emoji": emoji, "faces": dict(faces)}


def check_embedded(html: Path, tmp_path: Path) -> None:
    seen = fonts_for_han(html)
    assert seen["faces"].get(CJK_FAMILY) == "loaded", seen["faces"]
    # every glyph of the cell came from the page's own subset of Noto Sans CJK SC
    assert seen["fonts"], seen
    assert all(f["isCustomFont"] for f in seen["fonts"]), seen["fonts"]
    assert {f["familyName"] for f in seen["fonts"]} == {"Noto Sans CJK SC"}, seen["fonts"]
    # without the embedded faces the same cell gets no custom font: the check can fail
    bare = tmp_path / "bare.html"
    page = html.read_text(encoding="utf-8")
    bare.write_text(re.sub(f'<style id="{STYLE_ID}">.*?</style>', "", page, flags=re.S), "utf-8")
    control = fonts_for_han(bare)
    assert control["text"] == seen["text"]
    assert not any(f["isCustomFont"] for f in control["fonts"]), control["fonts"]


def test_builtin_html_draws_chinese_with_its_embedded_font(rendered, tmp_path):
    check_embedded(rendered["folder"] / "report.html", tmp_path)


def test_quarto_html_draws_chinese_with_its_embedded_font(quarto_rendered, tmp_path):
    check_embedded(quarto_rendered["folder"] / "report.html", tmp_path)


def test_builtin_html_draws_emoji_with_its_embedded_font(rendered):
    """Its stacks name no system emoji font, so the page's own subset draws them everywhere."""
    seen = fonts_for_han(rendered["folder"] / "report.html")
    assert seen["faces"].get(EMOJI_FAMILY) == "loaded", seen["faces"]
    custom = [f for f in seen["emoji"] if f["isCustomFont"] and "Emoji" in f["familyName"]]
    assert custom, seen["emoji"]
