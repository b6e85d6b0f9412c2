"""The second synthetic operation: a report that is true about a dataset unlike the China set.

Moscow office hours (UTC+3), Russian and English text, no creation waves, and no engagement
counts, entity columns, client or account language in its files.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

# Names that belong to the China set's profile, never to the core text of another report.
CHINA_SPECIFIC = re.compile(
    r"ASPI|Stanford|\bSIO\b|\bPRC\b|Beijing|Hong Kong|Guo Wengui|Taiwan|China|Chinese|"
    r"simplified|traditional characters|COVID",
)


class _Prose(HTMLParser):
    """Visible text outside tables and code: what the report itself says."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in {"br", "img", "meta", "link", "hr", "input", "col", "wbr"}:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        while self.stack and self.stack.pop() != tag:
            pass

    def handle_data(self, data):
        if not {"td", "th", "pre", "code", "style", "head", "script"} & set(self.stack):
            self.text.append(data)


def _prose(folder) -> str:
    """The report's own text: the findings appendix, a reference list of every finding the tool
    computes (its labels name Chinese scripts on any dataset), is left out as its table was,
    and so is the Limitations' list of the unavailable ones by the same labels."""
    html = (folder / "report.html").read_text(encoding="utf-8")
    start = html.index('<section id="every-finding"')
    end = html.index("<section id=", html.index('<section id="findings-not-available-here"') - 1)
    # So is the Limitations' list of unavailable findings by those same labels.
    rest = re.sub(
        r'<div class="unavailable-list">.*?</div>', "", html[:start] + html[end:], flags=re.S
    )
    p = _Prose()
    p.feed(rest)
    return re.sub(r"\s+", " ", " ".join(p.text))


def _visible(folder) -> str:
    """All visible text, tables included (the appendix lists unavailable findings)."""
    p = _Prose()
    p.handle_data = lambda data: p.text.append(data)  # type: ignore[method-assign]
    p.feed((folder / "report.html").read_text(encoding="utf-8"))
    return re.sub(r"\s+", " ", " ".join(p.text))


def test_operator_clock_recovers_moscow_inside_its_uncertainty(rendered_russia):
    f = rendered_russia["findings"]
    best = f["posting_clock.best_utc_offset"]
    assert best["status"] == "ok" and best["value"] == 3
    lo, hi = best["interval"]
    assert lo <= 3 <= hi
    assert f["posting_clock.profile_offset_agrees"]["value"] is True


def test_absent_columns_give_unavailable_findings_with_reasons(rendered_russia):
    f = rendered_russia["findings"]
    truth = rendered_russia["truth"]
    for prefix in truth["expected_unavailable"]:
        hits = [v for k, v in f.items() if k.startswith(prefix)]
        assert hits, f"no finding starts with {prefix}"
        for v in hits:
            assert v["status"] == "unavailable", v
            assert v["reason"] and v["value"] is None
    # Every unavailable finding names its reason, and none is a zero standing in for nothing.
    for v in f.values():
        if v["status"] == "unavailable":
            assert v["reason"] and v["value"] is None


def test_report_names_nothing_from_the_china_set(rendered_russia):
    folder = rendered_russia["folder"]
    found = sorted(set(CHINA_SPECIFIC.findall(_prose(folder))))
    assert not found, f"China-specific text in the second operation's report: {found}"
    manifest = json.loads((folder / "manifest.json").read_text())
    assert "china" not in json.dumps(manifest.get("profile", "")).lower()


def test_every_unavailable_section_states_its_reason(rendered_russia):
    folder = rendered_russia["folder"]
    prose, visible = _prose(folder), _visible(folder)
    reasons = {
        v["reason"] for v in rendered_russia["findings"].values() if v["status"] == "unavailable"
    }
    assert reasons
    for reason in reasons:
        shown = reason in visible or reason.replace("'", "’") in visible
        assert shown, f"reason not shown: {reason}"
    # Without entity columns the content section reads the text, and says so (issue 16 item 3).
    assert "Hashtags, links and mentions are extracted from the tweet text" in prose


# Han ideographs (CJK unified, extensions, compatibility, radicals) and the 🇨🇳 flag
HAN = re.compile(
    "[\u2e80-\u2fdf\u3005\u3007\u3021-\u3029\u3038-\u303b\u3400-\u4dbf\u4e00-\u9fff"
    "\uf900-\ufaff\U00020000-\U0003134f]|\U0001f1e8\U0001f1f3"
)
HEADLINE = (
    "overview.accounts",
    "overview.tweets",
    "overview.retweet_share",
    "coordination.clusters",
)


def test_report_holds_no_chinese_text(rendered_russia):
    import subprocess

    folder = rendered_russia["folder"]
    pdf = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(folder / "report.pdf"), "-"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    for name, text in (
        ("report.html", (folder / "report.html").read_text(encoding="utf-8")),
        ("report.pdf", pdf),
        ("findings.json", (folder / "findings.json").read_text(encoding="utf-8")),
    ):
        assert not HAN.search(text), (name, HAN.findall(text)[:10])


def test_headline_figures_are_its_own(rendered, rendered_russia):
    """Accounts, tweets, retweet share and cluster count: each the second operation's planted
    truth, and none equal to the China demo's."""
    ru, cn, truth = rendered_russia["findings"], rendered["findings"], rendered_russia["truth"]
    assert ru["overview.accounts"]["value"] == truth["accounts"] == 1_152
    assert ru["overview.tweets"]["value"] == truth["tweets"]
    assert abs(ru["overview.retweet_share"]["value"] - truth["retweet_share"]) <= 1e-6
    assert ru["coordination.clusters"]["value"] == len(truth["coordination"]["clusters"])
    for fid in HEADLINE:
        assert ru[fid]["status"] == cn[fid]["status"] == "ok", fid
        assert ru[fid]["value"] != cn[fid]["value"], fid
    text = _visible(rendered_russia["folder"])
    for fid in ("overview.accounts", "overview.tweets"):
        assert f"{cn[fid]['value']:,}" not in text, fid


def test_rerender_gives_byte_identical_findings(rendered_russia, tmp_path):
    """A cold render (its own cache and output folder) computes the same findings.json bytes."""
    from tests.conftest import ROOT, run_cli

    out = tmp_path / "reports"
    r = run_cli(
        "render", "russia", "--data-dir", rendered_russia["data"], "--out", out,
        "--profile", ROOT / "profiles/demo_russia.yml", cwd=ROOT,
        env={"TAKEDOWN_CACHE_DIR": str(tmp_path / "cache")},
    )  # fmt: skip
    assert r.returncode == 0, r.stderr[-3000:]
    (folder,) = (p for p in (out / "russia").iterdir() if not p.name.startswith("."))
    m = json.loads((folder / "manifest.json").read_text())
    assert {n["status"] for n in m["notebooks"]} == {"ok"}  # computed again, not from the cache
    assert (folder / "findings.json").read_bytes() == (
        rendered_russia["folder"] / "findings.json"
    ).read_bytes()


def test_entities_come_from_the_text_at_the_planted_shares(rendered_russia):
    """No hashtags, urls or user_mentions column: the shares are measured on the text and
    match the generator's planted shares (links exactly; hashtags within two tweets, as the
    generator counts only the tags it planted and a hostile text may carry one more)."""
    f, truth = rendered_russia["findings"], rendered_russia["truth"]
    tags, links = f["content.with_hashtag_share"], f["content.with_url_share"]
    assert (
        "extracted from the text" in tags["method"] and "extracted from the text" in links["method"]
    )
    assert abs(links["value"] - truth["text_url_share"]) < 1e-6
    assert abs(tags["value"] - truth["text_hashtag_share"]) <= 2 / tags["n"]
    assert f["content.top_hashtag"]["status"] == "ok"
