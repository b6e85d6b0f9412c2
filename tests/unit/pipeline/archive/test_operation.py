"""Which profile an archive's operation renders with, and when its draft is written anew."""

from __future__ import annotations

from takedown.ingest import ingest
from takedown.pipeline.archive.discover import Operation
from takedown.pipeline.archive.operation import pick_profile
from takedown.pipeline.profile_draft import DRAFTED_BY, drafted_by
from tests.conftest import make_archive


def test_a_draft_is_kept_until_the_data_or_the_library_changes(tmp_path):
    raw, data, profiles = make_archive(tmp_path / "raw"), tmp_path / "data", tmp_path / "p"
    ingest([raw], "op", data)
    op = Operation(name="op", folder=raw, files=())
    path, is_draft = pick_profile(op, data, profiles, changed=False)
    assert is_draft and path == profiles / "drafts" / "op.yml"
    text = path.read_text(encoding="utf-8")
    assert text.startswith(drafted_by()) and drafted_by().startswith(DRAFTED_BY)
    path.write_text(text + "# a mark\n", encoding="utf-8")
    pick_profile(op, data, profiles, changed=False)  # same library, same data: kept
    assert path.read_text(encoding="utf-8").endswith("# a mark\n")
    # A draft another library wrote (before from_data: its drafted hours read as declared).
    path.write_text(
        text.replace(drafted_by(), f"{DRAFTED_BY}0.0.9+000000000000.\n"), encoding="utf-8"
    )
    pick_profile(op, data, profiles, changed=False)
    assert path.read_text(encoding="utf-8").startswith(drafted_by())
    (profiles / "op.yml").write_text(text, encoding="utf-8")  # the researcher's own wins
    assert pick_profile(op, data, profiles, changed=True) == (profiles / "op.yml", False)
