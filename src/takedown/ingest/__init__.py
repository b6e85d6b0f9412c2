"""Ingest: raw archive files to normalized Parquet plus dataset.json."""

from takedown.ingest.dataset import Dataset, load_dataset
from takedown.ingest.twitter import ingest

__all__ = ["Dataset", "ingest", "load_dataset"]
