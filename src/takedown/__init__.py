"""takedown-report: reproducible research reports for information-operation takedown datasets."""

__version__ = "0.1.0"
