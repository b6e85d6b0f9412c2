"""The process operations run in: `python -m takedown.pipeline.archive.worker`.

It reads one operation spec per line on stdin and runs them one after another; each row comes
back as one line of stdout, its stages go to stderr. A process of its own keeps a crash, a leak
or a killed render away from the Dask worker. Kept across operations (fanout.py), it starts the
kernel zygote and the notebook workers once (pipeline/kept.py), while its first ingest runs.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from takedown.pipeline.archive.discover import Operation
from takedown.pipeline.archive.operation import run_operation

ROW_PREFIX = "takedown-archive-row: "


def run_spec(spec: dict[str, Any]) -> dict[str, Any]:
    """One operation, from the JSON spec fanout sends."""
    op = Operation(spec["name"], Path(spec["folder"]), tuple(Path(f) for f in spec["files"]),
                   Path(spec["profile"]) if spec.get("profile") else None)  # fmt: skip
    return run_operation(
        op, data_dir=Path(spec["data_dir"]), out_root=Path(spec["out_root"]),
        profiles=Path(spec["profiles"]), engine=spec["engine"], jobs=spec["jobs"],
        say=lambda stage: print(f"{op.name}: {stage}", file=sys.stderr, flush=True),
    )  # fmt: skip


def main() -> int:
    """Serve operations until stdin closes; the kept kernels start with the first one."""
    import takedown.ingest  # noqa: F401 - imported once here, not inside the first ingest's time
    from takedown.pipeline import kept

    try:
        for line in sys.stdin:
            if not line.strip():
                continue
            spec = json.loads(line)
            kept.keep(spec["jobs"])
            row = run_spec(spec)
            print(ROW_PREFIX + json.dumps(row, sort_keys=True), flush=True)
    finally:
        kept.release()
    return 0


if __name__ == "__main__":
    sys.exit(main())
