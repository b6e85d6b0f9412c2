"""dataset.json: what was read, what was kept, and the fingerprint the later stages key on."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from takedown.errors import TakedownError
from takedown.schema import Coverage


class FileRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    source: str
    kind: str
    sha256: str
    bytes: int
    rows_read: int
    rows_kept: int
    rows_rejected: int


class Counts(BaseModel):
    model_config = ConfigDict(extra="forbid")
    users: int
    tweets: int
    rejected: int
    duplicate_tweetids: int
    duplicate_userids: int
    tweets_without_user: int


class Dataset(BaseModel):
    """The manifest of one ingested dataset; `created_at` is kept out of the fingerprint."""

    model_config = ConfigDict(extra="forbid")
    name: str
    operation: str
    variant: str
    schema_version: int
    ingest_version: str
    cache_key: str
    fingerprint: str
    created_at: str
    files: list[FileRecord]
    counts: Counts
    columns: dict[str, list[str]]
    extra_columns: dict[str, list[str]]
    ignored_files: list[str]
    tweet_time_min: str | None
    tweet_time_max: str | None
    input_stats: dict[str, list[int]]
    synthetic: bool = False
    # Per table and column: present in the input, and how many values. None: an older ingest.
    coverage: Coverage | None = None
    # How the files were read: the adapter, what it did (for the data appendix), the clock.
    source_format: str = "twitter"
    source_notes: list[str] = []
    source_timezone: str = "UTC"


# Folder names are at most 255 bytes; scratch and version folders add a prefix and suffix.
MAX_NAME_BYTES = 100


def check_dataset_name(name: str, option: str) -> None:
    """Dataset names become folder names under --data-dir and --out: no paths."""
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        raise TakedownError(
            f"{option}: name too long ({len(name.encode('utf-8'))} bytes, at most "
            f"{MAX_NAME_BYTES}); use a short name such as china_052020"
        )
    if not name or "/" in name or "\\" in name or name.startswith("."):
        raise TakedownError(f"{option} {name!r}: use a plain name such as china_052020")


def load_dataset(dataset_dir: Path) -> Dataset:
    """Read and validate DATA_DIR/NAME/dataset.json."""
    path = dataset_dir / "dataset.json"
    if not path.exists():
        raise TakedownError(
            f"{dataset_dir}: no dataset.json; run `takedown ingest PATH --dataset "
            f"{dataset_dir.name}` first"
        )
    try:
        ds = Dataset.model_validate(json.loads(path.read_text()))
    except (ValueError, ValidationError) as exc:
        first = str(exc).splitlines()[0]
        raise TakedownError(
            f"{path}: invalid dataset.json ({first}); re-run takedown ingest"
        ) from None
    for table in ("users.parquet", "tweets.parquet"):
        if not (dataset_dir / table).is_file():
            raise TakedownError(f"{dataset_dir / table}: missing; re-run takedown ingest")
    return ds


def write_dataset(ds: Dataset, path: Path) -> None:
    path.write_text(
        json.dumps(ds.model_dump(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    )
