"""Generation as a whole: operations by name, size limits, the block path's bounded memory, and
the code phrase past 8**8 tweets."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from takedown import demo
from takedown.demo import text as demo_text
from tests.conftest import run_cli

# Peak RSS of the child's own address space: VmHWM (ru_maxrss would carry over pytest's peak
# across fork and exec).
_RSS = """
import re, sys, tempfile
from pathlib import Path
from takedown import demo
with tempfile.TemporaryDirectory() as d:
    demo.generate(d, accounts=2000, tweets=int(sys.argv[1]), block_tweets=int(sys.argv[2]))
print(int(re.search(r"VmHWM:\\s+(\\d+)", Path("/proc/self/status").read_text()).group(1)) // 1024)
"""


def _peak_mib(tweets: int, block: int) -> int:
    out = subprocess.run(
        [sys.executable, "-c", _RSS, str(tweets), str(block)],
        capture_output=True, text=True, check=True, timeout=600,
    )  # fmt: skip
    return int(out.stdout.split()[-1])


def test_operations_are_named_and_synthetic() -> None:
    assert set(demo.OPERATIONS) == {"china", "russia"} and demo.DEFAULT_OPERATION == "china"
    assert demo.OPERATIONS["china"].tweets_file == demo.TWEETS_FILE == "demo_tweets_csv_hashed.csv"
    prefixes = {op.file_prefix for op in demo.OPERATIONS.values()}
    assert len(prefixes) == len(demo.OPERATIONS)  # distinct archive operation names


@pytest.mark.slow
def test_unknown_operation_is_one_line_and_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown demo operation 'nope'; choose one of: china"):
        demo.generate(tmp_path / "x", operation="nope")
    res = run_cli("demo", tmp_path / "y", "--operation", "nope")
    assert res.returncode != 0
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and "unknown demo operation 'nope'" in lines[0], res.stderr
    assert "china, russia" in lines[0]
    assert not (tmp_path / "y").exists()


@pytest.mark.slow
def test_cli_writes_the_second_operation(tmp_path: Path) -> None:
    res = run_cli("demo", tmp_path, "--operation", "russia", "--accounts", "60", "--tweets", "300")
    assert res.returncode == 0, res.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "demo_russia_tweets_csv_hashed.csv", "demo_russia_users_csv_hashed.csv", "truth.json"
    ]  # fmt: skip


def test_size_limits(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at most 100,000,000"):
        demo.generate(tmp_path, accounts=100, tweets=demo.MAX_TWEETS + 1)
    with pytest.raises(ValueError, match="at most 2,500,000 for 50 accounts"):
        demo.generate(tmp_path, accounts=50, tweets=2_500_001)
    assert not list(tmp_path.iterdir())
    assert demo.MAX_TWEETS >= 45_000_000


@pytest.mark.slow
def test_blocks_bound_memory() -> None:
    """Ten times the tweets in blocks of 10,000 barely moves peak RSS; the same tweets in one
    block (what the block size protects against) grows it several times as much."""
    small, large = _peak_mib(20_000, 10_000), _peak_mib(120_000, 10_000)
    whole = _peak_mib(120_000, 1_000_000)
    assert large - small < 40, (small, large)
    assert whole - small > 100, (small, whole)


def test_code_phrase_extends_past_8_pow_8() -> None:
    """Output positions past 8**8 (archives above ~16.7M tweets) get distinct code values and
    phrases; below 8**8 the values are what they always were."""
    op, m = demo.OPERATIONS["china"], demo_text.COMBO_M
    i = np.array([0, 1, m - 1, m, m + 1, 2 * m + 5, 7 * m + 3])
    v = demo_text.combo_value(i, salt=123)
    assert len(set(v.tolist())) == i.size
    assert (v[:3] == (demo_text.COMBO_MUL * i[:3] + 123) % m).all()
    for block in range(3):
        phrases = {demo_text.normalize_text(demo_text.code(op, block, int(c))) for c in v}
        assert len(phrases) == i.size
    assert demo_text.code(op, 1, int(v[3])).endswith(".1")
    clusters = 2000 * 128  # at most per block, times blocks
    assert demo_text.COMBO_HI * m > demo.MAX_TWEETS + clusters
