"""A DuckDB query's rows through a polars function, batch by batch, on a thread pool.

polars releases the GIL while it works, so two batches are transformed at once while DuckDB
reads the next one: the cores share the regex. The batches come out in the query's order.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pyarrow is imported only where a large table is scanned
    import pyarrow as pa

BATCH = 500_000  # rows per polars call: large enough that its per-call cost vanishes


def mapped(
    reader: pa.RecordBatchReader, fn: Callable[[pa.RecordBatch], pa.RecordBatch]
) -> Iterator[pa.RecordBatch]:
    """fn of each batch of `reader`, in order, at most a batch per core ahead."""
    from concurrent.futures import ThreadPoolExecutor

    workers = os.cpu_count() or 2
    with ThreadPoolExecutor(workers) as pool:
        pending: deque = deque()
        for batch in reader:
            pending.append(pool.submit(fn, batch))
            if len(pending) > workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
