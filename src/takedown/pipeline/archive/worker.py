"""The process one operation runs in: `python -m takedown.pipeline.archive.worker < spec.json`.

A process per operation keeps a crash, a leak or a killed render inside that operation; its
row comes back as the last line of stdout, its stages go to stderr.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from takedown.pipeline.archive.discover import Operation
from takedown.pipeline.archive.operation import run_operation

ROW_PREFIX = "takedown-archive-row: "


def main() -> int:
    spec = json.loads(sys.stdin.read())
    op = Operation(spec["name"], Path(spec["folder"]), tuple(Path(f) for f in spec["files"]),
                   Path(spec["profile"]) if spec.get("profile") else None)  # fmt: skip
    row = run_operation(
        op, data_dir=Path(spec["data_dir"]), out_root=Path(spec["out_root"]),
        profiles=Path(spec["profiles"]), engine=spec["engine"], jobs=spec["jobs"],
        say=lambda stage: print(f"{op.name}: {stage}", file=sys.stderr, flush=True),
    )  # fmt: skip
    print(ROW_PREFIX + json.dumps(row, sort_keys=True), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
