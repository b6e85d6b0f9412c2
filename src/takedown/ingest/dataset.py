"""dataset.json: what was read, what was kept, and the fingerprint the later stages key on.

Layout: each ingest lands a complete, read-only folder DATA_DIR/NAME/versions/<id> (id: a hash
of its content) and then switches the symlink DATA_DIR/NAME/current to it by rename, which is
atomic. A render resolves `current` once and reads that folder for its whole run, holding a
shared lock on it so an ingest never prunes a version still being read (ingest/publish.py).
DATA_DIR/NAME/takedown-store.json proves ingest made the folder and lists its versions with
their checksums (ingest/store.py). DATA_DIR/NAME/users.parquet, tweets.parquet, dataset.json
and rejects.csv are links through `current`, for people and tools that look there. A folder
with the Parquet files directly in it (an ingest from before versions) is still read as it is.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from takedown.errors import TakedownError
from takedown.hashing import sha256_file, sha256_json
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


# reports/compare/ holds `takedown compare`'s reports: a dataset of that name would mix with them.
RESERVED_NAMES = ("compare",)


def check_new_dataset_name(name: str, option: str) -> None:
    """A name a dataset may be ingested or rendered under: plain, short, and not reserved."""
    check_dataset_name(name, option)
    if name in RESERVED_NAMES:
        raise TakedownError(
            f"{option} {name}: reserved for the reports of `takedown compare` (reports/{name}/); "
            f"pick another name such as {name}_1"
        )


CURRENT = "current"
VERSIONS = "versions"
FILES = ("users.parquet", "tweets.parquet", "dataset.json", "rejects.csv", "rejects.jsonl")


def resolve_dataset(dataset_dir: Path) -> Path:
    """The folder holding the data right now: the version `current` points to, read once.

    A version folder itself, or a folder from before versions, resolves to itself.
    """
    pointer = dataset_dir / CURRENT
    if pointer.is_symlink():
        target = dataset_dir / VERSIONS / Path(os.readlink(pointer)).name
        if not (target / "dataset.json").is_file():
            raise TakedownError(
                f"{dataset_dir}: the current version {target.name} is missing; re-run "
                f"`takedown ingest PATH --dataset {dataset_dir.name} --force`"
            )
        return target.resolve()
    return dataset_dir


def load_dataset(dataset_dir: Path) -> Dataset:
    """Read and validate DATA_DIR/NAME/dataset.json (of the current version)."""
    dataset_dir = resolve_dataset(dataset_dir)
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


def data_id(folder: Path) -> str:
    """Identity of exactly the data in `folder`: a version's name, else its dataset.json hash.

    Notebook caches key on this, never on a name that can point elsewhere later.
    """
    if folder.parent.name == VERSIONS:
        return folder.name
    return sha256_file(folder / "dataset.json")


def content_id(folder: Path) -> str:
    """Content address of a finished ingest: dataset.json (without its times) and rejects."""
    doc = json.loads((folder / "dataset.json").read_text(encoding="utf-8"))
    for volatile in ("created_at", "input_stats"):
        doc.pop(volatile, None)
    rejects = folder / "rejects.csv"
    return sha256_json(
        {"dataset": doc, "rejects": sha256_file(rejects) if rejects.exists() else None}
    )[:20]


def write_dataset(ds: Dataset, path: Path) -> None:
    path.write_text(
        json.dumps(ds.model_dump(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    )
