"""How many notebooks a render runs at once when the user names no number."""

from __future__ import annotations

import os

from takedown.pipeline.render import EXTRA_JOB_BELOW, default_jobs


def test_one_worker_per_core_and_one_more_on_a_small_dataset():
    cores = os.cpu_count() or 2
    assert default_jobs(348_608) == cores + 1  # the China demo: kernel starts leave a core idle
    assert default_jobs(EXTRA_JOB_BELOW - 1) == cores + 1
    assert default_jobs(EXTRA_JOB_BELOW) == cores  # CPU- and memory-bound: one per core
