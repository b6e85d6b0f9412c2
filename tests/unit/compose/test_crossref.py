"""Long tokens in PDF table cells wrap without invisible characters: a copied hash is exact."""

from __future__ import annotations

import hashlib

import pytest
from pypdf import PdfReader

from takedown.compose import md_table, render
from tests.unit.compose.test_shortcodes import write_project


@pytest.mark.slow
def test_a_hash_in_a_cell_is_cut_and_a_long_token_copies_exactly(tmp_path):
    digest = hashlib.sha256(b"takedown").hexdigest()
    rows = [
        {"file": "a_tweets_csv_hashed.csv", "sha256": digest, "note": "wrap me", "n": 1},
        {"file": "b.csv", "sha256": "x" * 8 + ".(method)[x];#y" + "z" * 20, "note": "-", "n": 2},
    ]
    body = f"# Files\n\n{md_table(rows)}\n: Checksums. {{#tbl-files}}\n"
    res = render(write_project(tmp_path / "p", body), tmp_path / "out", formats=("pdf",))
    text = "".join(p.extract_text() for p in PdfReader(res["pdf"]).pages)
    assert "\u200b" not in text
    assert digest[:12] + "…" in text  # a hash is shown cut, in one piece (md_table)
    # a long token, wrapped or not, copies as it is: nothing but a line break is added
    assert "xxxxxxxx.(method)[x];#yzzzzzzz" in text.replace("\n", "")


@pytest.mark.slow
def test_a_hyphen_in_an_id_stays_a_hyphen_in_the_pdf(tmp_path):
    # The comparison PDF set the version id's first hyphen as a minus (U+2212): a break box put
    # "-0" at the start of a text run, where Typst reads a minus sign.
    version = "20261203T092926Z-03edcc47-3392e48b"
    long = "x" * 15 + "-0123456-89012345-678901234"
    rows = [{"version": version, "token": long, "n": 1}]
    body = f"# Inputs\n\n{md_table(rows)}\n: Versions. {{#tbl-inputs}}\n"
    res = render(write_project(tmp_path / "p", body), tmp_path / "out", formats=("pdf",))
    text = "".join(p.extract_text() for p in PdfReader(res["pdf"]).pages)
    assert "\u2212" not in text
    assert version in text  # 34 characters: under the cap, never broken
    assert long in text.replace("\n", "")


@pytest.mark.slow
def test_no_line_ends_after_the_hash_of_a_cjk_hashtag(tmp_path):
    # A narrower text column put "#" at a line end and "新冠肺炎" on the next line, so pdftotext
    # copied "#\n新冠肺炎": the template keeps a CJK hashtag in one box.
    import re
    import subprocess

    texts = ["今天" * k + "大家出去走走吧 #新冠肺炎 #香港 好" for k in range(1, 13)]
    rows = [{"n": i, "text": t, "note": "x " * 12} for i, t in enumerate(texts)]
    body = f"# Tags\n\n{md_table(rows)}\n: Tags. {{#tbl-tags}}\n"
    res = render(write_project(tmp_path / "p", body), tmp_path / "out", formats=("pdf",))
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(res["pdf"]), "-"],
                          capture_output=True, text=True, check=True).stdout  # fmt: skip
    assert text.count("#新冠肺炎") == len(texts)
    assert not re.search(r"#\s+[\u4e00-\u9fff]", text)
