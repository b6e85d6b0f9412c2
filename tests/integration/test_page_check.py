"""A machine look at every page, as a reader would see it (issue 17, item 7).

PDF: no two words overlap (pdftotext -bbox-layout word boxes, a few points of tolerance) and no
word runs outside the text column or off the page. HTML in Chromium at 1280 and 390 px: nothing
scrolls the page sideways, no table cell breaks a number, id or hash over two lines, and at 1280 px
every table fits the text column. No figure
text holds mathtext (`mathdefault`, `$`). Runs on both engines' HTML and PDF of the China demo,
the second demo and the real IRA sample (ira538), and `takedown compare` of the two demos: the
session's renders, Quarto's composed from the built-in renders' notebook cache (skipped without a
Quarto, failed under CI). Under CI every
page of every checked PDF is kept as a PNG in artifacts/pages/ (<dataset>-<engine>-<page>.png).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections import Counter
from pathlib import Path
from xml.etree import ElementTree

import pytest

from tests.conftest import ROOT, run_cli
from tests.integration.chromium import open_page

pytestmark = pytest.mark.slow

TOLERANCE = 2.0  # points two word boxes may share (kerning, italic overhang)
EDGE = 3.0  # points a word may reach past the text column (optical margin, rounding)
MATHTEXT = re.compile(r"mathdefault|\$")
# Colour emoji: the bitmap font's boxes are taller than its glyphs, so they are left out of the
# overlap test (the page images show them). Text from the data may hold `$`, so the PDF text is
# searched for mathtext's own `mathdefault` only; figure text (SVG) for `$` as well.
_EMOJI = re.compile("[\u200d\u2600-\u27bf\ufe0f\U0001f000-\U0001faff]")


def pdf_words(pdf: Path) -> list[dict]:
    """Every page's size and word boxes, from poppler's pdftotext -bbox-layout."""
    xml = subprocess.run(
        ["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    xml = re.sub(r"<!DOCTYPE[^>]*>", "", xml).replace(' xmlns="http://www.w3.org/1999/xhtml"', "")
    pages = []
    for page in ElementTree.fromstring(xml).iter("page"):
        words = [
            {"text": w.text or "", **{k: float(w.get(k)) for k in ("xMin", "yMin", "xMax", "yMax")}}
            for w in page.iter("word")
        ]
        pages.append({"width": float(page.get("width")), "height": float(page.get("height")),
                      "words": words})  # fmt: skip
    return pages


def overlaps(words: list[dict], tol: float = TOLERANCE) -> list[tuple[str, str]]:
    """Pairs of words whose boxes, each shrunk by `tol`, still intersect."""
    boxes = sorted(
        (w["yMin"] + tol, w["yMax"] - tol, w["xMin"] + tol, w["xMax"] - tol, w["text"])
        for w in words
        if w["xMax"] - w["xMin"] > 2 * tol
        and w["yMax"] - w["yMin"] > 2 * tol
        and not _EMOJI.search(w["text"])
    )
    found = []
    for i, (y0, y1, x0, x1, t) in enumerate(boxes):
        for v0, v1, u0, u1, s in boxes[i + 1 :]:
            if v0 >= y1:
                break
            if u0 < x1 and x0 < u1 and v0 < y1 and y0 < v1:
                found.append((t, s))
    return found


def text_column(pages: list[dict]) -> tuple[float, float]:
    """Left and right edges of the text column: most lines start at the left margin, and the
    page templates of both engines have equal left and right margins."""
    starts = Counter(round(min(w["xMin"] for w in p["words"])) for p in pages if p["words"])
    left = starts.most_common(1)[0][0]
    return left, pages[0]["width"] - left


def page_problems(pdf: Path) -> list[str]:
    """Overlapping words and words outside the text column or the page, one line each."""
    pages = pdf_words(pdf)
    left, right = text_column(pages)
    problems = []
    for n, p in enumerate(pages, 1):
        for a, b in overlaps(p["words"])[:5]:
            problems.append(f"page {n}: {a!r} overlaps {b!r}")
        for w in p["words"]:
            if w["xMin"] < left - EDGE or w["xMax"] > right + EDGE:
                problems.append(f"page {n}: {w['text']!r} outside the text column")
            elif w["yMin"] < 0 or w["yMax"] > p["height"]:
                problems.append(f"page {n}: {w['text']!r} off the page")
        mathtext = [w["text"] for w in p["words"] if "mathdefault" in w["text"]]
        problems += [f"page {n}: mathtext {t!r}" for t in mathtext]
    return problems


def keep_page_images(pdf: Path, name: str) -> None:
    """Under CI, a 50 dpi PNG of every page in artifacts/pages/ (name-1.png, ...)."""
    if not os.environ.get("CI"):
        return
    out = ROOT / "artifacts" / "pages"
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(pdf), str(out / name)], check=True)


# For each text node inside a table cell: every whitespace-free token must sit on one line. A
# token that wraps has client rects on more than one line.
BROKEN_JS = """() => {
  const broken = [];
  for (const cell of document.querySelectorAll('main td, main th')) {
    const walk = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walk.nextNode(); node; node = walk.nextNode()) {
      const re = /\\S+/g;
      let m;
      while ((m = re.exec(node.data)) !== null) {
        // numbers, ids and hashes: a token with a digit, or code; a word may break at its
        // hyphen, and a token longer than any column (over 30 characters) anywhere, but code
        // (an id, a version) never
        const code = cell.contains(node.parentElement.closest('code'));
        if (!/\\d/.test(m[0]) && !code) continue;
        if (m[0].length > 30 && !code) continue;
        if (/[\\u2e80-\\u9fff\\uac00-\\ud7a3\\uff00-\\uffef]/.test(m[0])) continue;
        const r = document.createRange();
        r.setStart(node, m.index);
        r.setEnd(node, m.index + m[0].length);
        const tops = new Set(Array.from(r.getClientRects()).filter(q => q.width > 0)
          .map(q => Math.round(q.top)));
        if (tops.size > 1) broken.push(m[0]);
      }
    }
  }
  const main = document.querySelector('main') || document.body;
  const wide = Array.from(main.querySelectorAll('table'))
    .filter(t => t.getBoundingClientRect().right > main.getBoundingClientRect().right + 1)
    .map(t => t.id || (t.closest('[id]') || {}).id);
  const doc = document.documentElement;
  const svgText = Array.from(document.querySelectorAll('figure svg text, svg text'))
    .map(t => t.textContent);
  return {broken, wide, scroll: doc.scrollWidth - window.innerWidth, svgText};
}"""


def browser_problems(html: Path) -> list[str]:
    """Broken tokens in table cells and sideways scrolling at 1280 and 390 px, one line each."""
    from tests.integration.test_browser import CHROMIUM

    if CHROMIUM is None:
        pytest.fail("Debian's chromium is not installed; .ci/run installs it")
    from playwright.sync_api import sync_playwright

    problems = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for width in (1280, 390):
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.goto(html.as_uri())
            state = page.evaluate(BROKEN_JS)
            page.close()
            problems += [f"{width} px: {t!r} breaks" for t in sorted(set(state["broken"]))]
            if width == 1280:  # on a wide screen every table fits its column, unscrolled
                problems += [
                    f"{width} px: table {t} is wider than the column" for t in state["wide"]
                ]
            if state["scroll"] > 0:
                problems.append(f"{width} px: the page scrolls {state['scroll']} px sideways")
            problems += [
                f"{width} px: mathtext {t!r}" for t in state["svgText"] if MATHTEXT.search(t)
            ]
        browser.close()
    return problems


def figure_text_problems(folder: Path) -> list[str]:
    """Mathtext in any figure's own text (the text of SVG outputs), or `mathdefault` anywhere in
    an executed notebook's outputs (a tick label's repr)."""
    problems = []
    for nb in sorted((folder / "notebooks").glob("*.ipynb")):
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        text = json.dumps([c.get("outputs", []) for c in cells])
        for m in re.finditer(r"<text[^>]*>([^<]*)</text>", text.replace("\\n", "\n")):
            if MATHTEXT.search(m.group(1)):
                problems.append(f"{nb.name}: mathtext {m.group(1)!r}")
        if "mathdefault" in text:
            problems.append(f"{nb.name}: mathdefault in its outputs")
    return problems


def check(folder: Path, name: str) -> list[str]:
    """Every problem of one version folder's PDF, HTML and figures."""
    keep_page_images(folder / "report.pdf", name)
    return (
        [f"PDF {p}" for p in page_problems(folder / "report.pdf")]
        + [f"HTML {p}" for p in browser_problems(folder / "report.html")]
        + figure_text_problems(folder)
    )


def compare_demos(rendered: dict, rendered_russia: dict, engine: str) -> dict:
    """`takedown compare demo russia` of the session's two built-in renders, by `engine`: a data
    and a reports folder of links to them (compare reads both from one place), nothing rendered
    again but the comparison notebook and the compose."""
    base = rendered["base"] / f"compare-pages-{engine}"
    data, out = base / "data", base / "reports"
    for name, r in (("demo", rendered), ("russia", rendered_russia)):
        (data / name).parent.mkdir(parents=True, exist_ok=True)
        (data / name).symlink_to(r["data"] / name)
        (out / name).mkdir(parents=True)
        (out / name / r["folder"].name).symlink_to(r["folder"])
    r = run_cli("compare", "demo", "russia", "--engine", engine, "--data-dir", data, "--out", out,
                cwd=ROOT, env={"TAKEDOWN_CACHE_DIR": str(rendered["cache"])})  # fmt: skip
    assert r.returncode == 0, r.stderr[-3000:] + r.stdout
    (folder,) = (p for p in (out / "compare").iterdir() if not p.name.startswith("."))
    versions = {"demo": rendered["folder"].name, "russia": rendered_russia["folder"].name}
    return {"folder": folder, "versions": versions}


@pytest.fixture(scope="module")
def compared_builtin(rendered, rendered_russia) -> dict:
    """The comparison of the two demos, composed by the built-in composer."""
    return compare_demos(rendered, rendered_russia, "builtin")


@pytest.fixture(scope="module")
def compared_quarto(rendered, rendered_russia, quarto_bin) -> dict:
    """The comparison of the two demos, composed by Quarto."""
    return compare_demos(rendered, rendered_russia, "quarto")


# (fixture, artifact name) of every report the check reads: three datasets and the comparison of
# two, each by both engines.
REPORTS = [
    ("rendered", "china-builtin"),
    ("quarto_rendered", "china-quarto"),
    ("rendered_russia", "russia-builtin"),
    ("quarto_rendered_russia", "russia-quarto"),
    ("rendered_ira", "ira-builtin"),
    ("quarto_rendered_ira", "ira-quarto"),
    ("compared_builtin", "compare-builtin"),
    ("compared_quarto", "compare-quarto"),
]


@pytest.mark.browser
@pytest.mark.parametrize(("fixture", "name"), REPORTS, ids=[n for _, n in REPORTS])
def test_every_page_reads_cleanly(request, fixture, name):
    assert check(request.getfixturevalue(fixture)["folder"], name) == []


@pytest.mark.parametrize("fixture", ["compared_builtin", "compared_quarto"])
def test_the_comparison_pdf_copies_version_ids_as_written(request, fixture):
    """Issue 17 item 6: each input's version id comes out of the comparison's PDF exactly, its
    hyphens hyphens (no U+2212 minus sign), and the title block shows a date, not "Invalid
    Date"."""
    compared = request.getfixturevalue(fixture)
    folder = compared["folder"]
    text = subprocess.run(["pdftotext", "-raw", str(folder / "report.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout  # fmt: skip
    html = (folder / "report.html").read_text(encoding="utf-8")
    for version in compared["versions"].values():
        assert version in text
        assert version.replace("-", "\u2212") not in text
    assert "\u2212" not in "".join(re.findall(r"\d{8}T\d{6}Z\S*", text))
    date = folder.name[:4] + "-" + folder.name[4:6] + "-" + folder.name[6:8]
    assert date in text and "Invalid Date" not in text and "Invalid Date" not in html


# Each table's cell alignment, row by row (keyed by its tbl- id), its caption's, and how many "Source: <notebook>"
# links there are and how many of their elements draw something before their text (an icon).
LAYOUT_JS = """() => {
  const align = {};
  for (const t of document.querySelectorAll('main table')) {
    const owner = t.id.startsWith('tbl-') ? t : t.closest('[id^="tbl-"]');
    if (!owner) continue;
    const caption = t.querySelector('caption') || owner.querySelector('figcaption');
    align[owner.id + ' caption'] = caption ? [[getComputedStyle(caption).textAlign]] : [];
    align[owner.id] = Array.from(t.querySelectorAll('tr')).map(tr =>
      Array.from(tr.children).map(c => {
        const a = getComputedStyle(c).textAlign;
        return a === 'start' ? 'left' : a === 'end' ? 'right' : a;
      }));
  }
  const links = Array.from(document.querySelectorAll('a'))
    .filter(a => a.textContent.replace(/\\s+/g, ' ').trim().startsWith('Source: ')
      && (a.getAttribute('href') || '').endsWith('.ipynb'));
  let icons = 0;
  for (const a of links) {
    for (let e = a; e && e.tagName !== 'MAIN'; e = e.parentElement) {
      const before = getComputedStyle(e, '::before');
      if (before.content !== 'none' && before.content !== 'normal'
          && before.display !== 'none') icons += 1;
    }
  }
  return {align, links: links.length, icons};
}"""


def html_layout(html: Path) -> dict:
    """LAYOUT_JS's answer for one report's HTML at 1280 px."""
    with open_page(html) as page:
        return page.evaluate(LAYOUT_JS)


@pytest.mark.browser
def test_quarto_html_sets_tables_and_source_links_as_the_builtin(rendered, quarto_rendered):
    """Quarto's HTML tables align as the built-in's, cell by cell: text left, numbers right (its
    quarto-figure-center float centred every cell it did not align), captions left. Its "Source: <notebook>"
    links are plain links, one a notebook, as the built-in's (its theme drew an icon before each
    .quarto-notebook-link, twice per link)."""
    builtin = html_layout(rendered["folder"] / "report.html")
    quarto = html_layout(quarto_rendered["folder"] / "report.html")
    assert len(builtin["align"]) > 20 and set(quarto["align"]) == set(builtin["align"])
    for tbl, rows in builtin["align"].items():
        assert quarto["align"][tbl] == rows, tbl
    assert "center" not in {a for rows in quarto["align"].values() for r in rows for a in r}
    assert quarto["links"] == builtin["links"] > 5
    assert quarto["icons"] == builtin["icons"] == 0


def test_the_check_sees_overprinted_and_runaway_words(tmp_path):
    """The check can fail: overprinted words and a word past the right margin are reported."""
    import typst

    src = tmp_path / "bad.typ"
    body = "\n\n".join(["Body text that starts at the left margin of the page."] * 5)
    src.write_text(
        '#set page(paper: "a4", margin: 2.5cm)\n' + body + "\n\n"
        "#place(dx: 0pt, dy: 0pt)[Overprinted words]#place(dx: 3pt, dy: 1pt)[Overprinted words]\n\n"
        "#box(width: 120%)[#h(1fr) runaway]\n",
        encoding="utf-8",
    )
    typst.compile(str(src), output=str(tmp_path / "bad.pdf"))
    problems = page_problems(tmp_path / "bad.pdf")
    assert any("overlaps" in p for p in problems), problems
    assert any("'runa" in p and "outside the text column" in p for p in problems), problems
