"""One render's settled inputs and places, passed whole instead of as a dozen parameters."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from takedown.ingest.dataset import Dataset
from takedown.profile import Profile


@dataclass(frozen=True)
class RenderJob:
    """What one render has settled before it runs anything: sources, pinned data, places."""

    root: Path  # the project: _quarto.yml, report/, notebooks/
    ds: Dataset
    dataset_dir: Path  # the pinned version folder
    profile: Profile
    profile_path: Path
    base: Path  # out_root/dataset
    cache_dir: Path
    engine: str
