"""Text copied out of each PDF is the text as written (issue 17 item 6), in both engines.

pdftotext copies every finding id, every date-valued finding and the version id exactly as
findings.json and the folder name hold them (a hyphen never becomes a minus sign); every hash and
CJK hashtag as the notebooks' tables wrote them (no space after `#`).
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

HAN = "\u3400-\u9fff\uf900-\ufaff"
HASHTAG = re.compile(f"#[{HAN}]+")
HASH = re.compile(r"(?<![@\w])([0-9a-f]{12})…")  # a hashed account, cut; not a @mention
MINUS_IN_WORD = re.compile(r"[0-9A-Za-z]\u2212[0-9A-Za-z]")


def pdf_text(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def notebook_markdown(folder: Path) -> str:
    """Every text/markdown output of the executed notebooks, Markdown escapes removed."""
    parts = []
    for nb in sorted((folder / "notebooks").glob("*.ipynb")):
        for cell in json.loads(nb.read_text(encoding="utf-8"))["cells"]:
            for out in cell.get("outputs", []):
                md = out.get("data", {}).get("text/markdown")
                if md:
                    parts.append("".join(md) if isinstance(md, list) else md)
    return re.sub(r"\\(.)", r"\1", "\n".join(parts))


def copied_text_problems(folder: Path) -> list[str]:
    """Where the PDF's copied text differs from what findings.json and the notebooks wrote."""
    text = pdf_text(folder / "report.pdf")
    findings = json.loads((folder / "findings.json").read_text(encoding="utf-8"))["findings"]
    problems = [f"id {f['id']} not copied as written" for f in findings if f["id"] not in text]
    dates = {f["value"] for f in findings if f["unit"] == "date" and isinstance(f["value"], str)}
    problems += [f"date {d} not copied as written" for d in sorted(dates) if d not in text]
    if folder.name not in text:
        problems.append(f"version id {folder.name} not copied as written")
    problems += [f"minus sign inside {m!r}" for m in MINUS_IN_WORD.findall(text)]
    problems += [f"space after # in {m!r}" for m in re.findall(f"#\\s+[{HAN}]+", text)]
    source = notebook_markdown(folder)
    tags = set(HASHTAG.findall(text))
    problems += [
        f"hashtag {t} is not in the notebooks' output"
        for t in sorted(tags - set(HASHTAG.findall(source)))
    ]
    hashes = set(HASH.findall(text))
    written = {h[:12] for h in re.findall(r"\b[0-9a-f]{64}\b", source)}
    problems += [f"hash {h}… is not a hash the notebooks wrote" for h in sorted(hashes - written)]
    if not tags or len(hashes) < 5:
        problems.append(f"too little to compare: {len(tags)} CJK hashtags, {len(hashes)} hashes")
    return problems


def test_builtin_pdf_copies_ids_hashes_and_hashtags_as_written(rendered):
    assert copied_text_problems(rendered["folder"]) == []


def test_quarto_pdf_copies_ids_hashes_and_hashtags_as_written(quarto_rendered):
    assert copied_text_problems(quarto_rendered["folder"]) == []


def test_the_check_sees_a_minus_sign_and_a_space_after_the_hash(tmp_path):
    """A PDF with a minus sign in the version id and `# 新冠肺炎` fails the check."""
    import typst

    from takedown.fonts import font_dirs

    folder = tmp_path / "20260101T000000Z-aaaa-bbbb"
    (folder / "notebooks").mkdir(parents=True)
    (folder / "findings.json").write_text(
        json.dumps({"findings": [{"id": "overview.first_tweet", "unit": "date",
                                  "value": "2018-01-01"}]}), encoding="utf-8",
    )  # fmt: skip
    src = tmp_path / "bad.typ"
    src.write_text(
        '#set text(font: ("Libertinus Serif", "Noto Sans CJK SC"))\n'
        "overview.first_tweet 2018\u221201\u221201 20260101T000000Z\u2212aaaa\u2212bbbb "
        "\\# 新冠肺炎 0123456789ab…\n",
        encoding="utf-8",
    )
    typst.compile(str(src), output=str(folder / "report.pdf"),
                  font_paths=[str(d) for d in font_dirs()])  # fmt: skip
    problems = copied_text_problems(folder)
    assert "date 2018-01-01 not copied as written" in problems, problems
    assert f"version id {folder.name} not copied as written" in problems
    assert any(p.startswith("minus sign inside") for p in problems)
    assert any(p.startswith("space after # in") for p in problems)
    assert "hash 0123456789ab… is not a hash the notebooks wrote" in problems
