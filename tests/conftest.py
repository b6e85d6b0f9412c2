"""Shared fixtures: tiny archives written by hand, independent of the demo generator."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from takedown.schema import TWEET_COLUMNS, USER_COLUMNS

ROOT = Path(__file__).resolve().parents[1]
IN_CI = os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")
QUARTO_HOW = (
    "install Quarto (quarto.org, or conda-forge: environment.yml) or run "
    "`bash ../shared/quarto/setup.sh .quarto-engine $PWD/.venv/bin/python` and put "
    ".quarto-engine/bin on PATH"
)


def require(what: str, available: bool, how: str) -> None:
    """Skip with the reason on a developer's machine; under CI=true a missing need fails."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{what} is missing and CI=true requires it: {how}", pytrace=False)
    pytest.skip(f"{what} is missing: {how}")


def shared_dir() -> Path | None:
    """The team's shared/ folder beside the checkout (CI) or beside the worktrees' parent."""
    env = os.environ.get("TAKEDOWN_SHARED")
    for c in ([Path(env)] if env else []) + [ROOT.parent / "shared", ROOT.parent.parent / "shared"]:
        if c.is_dir():
            return c
    return None


@pytest.fixture(scope="session")
def quarto_bin() -> str:
    """Path of the `quarto` on PATH; skipped with the reason without one (a failure in CI)."""
    path = shutil.which("quarto")
    require("quarto on PATH", path is not None, QUARTO_HOW)
    return str(path)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """../shared/data (real archives); skipped with the reason without it (a failure in CI)."""
    base = shared_dir()
    data = base / "data" if base else None
    require(
        "../shared/data",
        data is not None and data.is_dir(),
        "tests on real archives need the team's shared/data folder beside the checkout "
        "(or TAKEDOWN_SHARED=/path/to/shared)",
    )
    return data  # type: ignore[return-value]


def user_row(i: int, **over: str) -> dict[str, str]:
    row = {c: "" for c in USER_COLUMNS}
    row.update(
        userid=f"u{i}",
        user_display_name=f"User {i}",
        user_screen_name=f"user{i}",
        follower_count=str(i % 3),
        following_count="5",
        account_creation_date="2019-09-0" + str(1 + i % 9),
        account_language="zh-cn",
    )
    row.update(over)
    return row


def tweet_row(i: int, user: int = 0, **over: str) -> dict[str, str]:
    row = {c: "" for c in TWEET_COLUMNS}
    row.update(
        tweetid=str(1000 + i),
        userid=f"u{user}",
        follower_count="0.0",
        following_count="5.0",
        account_creation_date="2019-09-01",
        tweet_language="zh",
        tweet_text=f"tweet {i}",
        tweet_time=f"2020-01-{1 + i % 28:02d} {i % 24:02d}:{i % 60:02d}",
        tweet_client_name="Twitter Web App",
        is_retweet="False",
        latitude="absent",
        longitude="absent",
        quote_count="0",
        reply_count="0",
        like_count=str(i % 4),
        retweet_count="0",
        hashtags="[]",
        urls="[]",
        user_mentions="[]",
    )
    row.update(over)
    return row


def write_csv(path: Path, rows: list[dict[str, str]], columns: list[str] | None = None) -> Path:
    columns = columns or list(rows[0])
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=columns, extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)
    return path


def make_archive(
    folder: Path,
    op: str = "test_012020",
    users: int = 3,
    tweets: int = 10,
    *,
    required_only: bool = False,
) -> Path:
    """A minimal valid archive: op_users_csv_hashed.csv and op_tweets_csv_hashed.csv.

    `required_only` writes only the columns ingest requires (REQUIRED_*_COLUMNS): every optional
    column is absent from the files, as in exports that lack engagement counts or entities.
    """
    from takedown.schema import REQUIRED_TWEET_COLUMNS, REQUIRED_USER_COLUMNS

    folder.mkdir(parents=True, exist_ok=True)
    write_csv(
        folder / f"{op}_users_csv_hashed.csv",
        [user_row(i) for i in range(users)],
        list(REQUIRED_USER_COLUMNS) if required_only else None,
    )
    write_csv(
        folder / f"{op}_tweets_csv_hashed.csv",
        [tweet_row(i, i % users) for i in range(tweets)],
        list(REQUIRED_TWEET_COLUMNS) if required_only else None,
    )
    return folder


def run_cli(
    *args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The real `takedown` command in a subprocess: exit code, stdout and stderr as a user sees them."""
    return subprocess.run(
        [sys.executable, "-m", "takedown.cli", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        timeout=900,
    )


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    return make_archive(tmp_path / "raw")
