"""Long tokens in PDF table cells wrap without invisible characters: a copied hash is exact."""

from __future__ import annotations

import hashlib

from pypdf import PdfReader

from takedown.compose import md_table, render
from tests.unit.compose.test_shortcodes import write_project


def test_a_hash_in_a_narrow_cell_wraps_and_copies_exactly(tmp_path):
    digest = hashlib.sha256(b"takedown").hexdigest()
    rows = [
        {"file": "a_tweets_csv_hashed.csv", "sha256": digest, "note": "wrap me", "n": 1},
        {"file": "b.csv", "sha256": "x" * 8 + ".(method)[x];#y" + "z" * 20, "note": "-", "n": 2},
    ]
    body = f"# Files\n\n{md_table(rows)}\n: Checksums. {{#tbl-files}}\n"
    res = render(write_project(tmp_path / "p", body), tmp_path / "out", formats=("pdf",))
    text = "".join(p.extract_text() for p in PdfReader(res["pdf"]).pages)
    assert "\u200b" not in text
    assert digest not in text  # it did wrap inside its cell ...
    assert digest in text.replace("\n", "")  # ... and nothing but the line break was added
    assert "xxxxxxxx.(method)[x];#yzzzzzzz" in text.replace("\n", "")
