"""A profile's context, checked when the profile loads and written as the report will include it.

Each entry is read on its own as a Markdown fragment (pandoc, with Quarto's reader), checked
(context_ast), and written back by pandoc: that Markdown, read inside its callout, must give the
same blocks and close the callout where it should. Images must be files in the profile's own
folder (symlinks resolved); render copies them under report/_generated/context_media/. Every
error names the profile file and the line of the entry's `text:`.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from takedown.context_ast import fragment_problem, image_sources
from takedown.errors import ProfileError

if TYPE_CHECKING:
    from takedown.profile import Profile

FRAGMENT_LUA = Path(__file__).resolve().parent / "compose" / "templates" / "fragment.lua"
READER = "markdown-table_attributes"  # Quarto 1.10's reader, as compose.pandoc.READER
CALLOUT_TITLE = "What published analyses said"
CALLOUT_OPEN = f'::: {{.callout-note title="{CALLOUT_TITLE}"}}'
MEDIA_DIR = "_generated/context_media"  # relative to report/, where the sections live
IMAGE_MAX_BYTES = 10 * 2**20
MAGIC = {"png": (b"\x89PNG\r\n\x1a\n",), "jpg": (b"\xff\xd8\xff",), "jpeg": (b"\xff\xd8\xff",),
         "gif": (b"GIF87a", b"GIF89a")}  # fmt: skip
PANDOC_TIMEOUT_S = 20
# pandoc's reader is exponential in unclosed or nested `[` (15 take 8 s): pairs, two deep at most.
MAX_BRACKET_DEPTH = 2
_DIV_FENCE = re.compile(r"^[ \t]*:{3,}", re.MULTILINE)
_BRACKET = re.compile(r"\\.|[][]")  # an escaped character, or a bracket
_SOURCE, _AFTER = "sentinel-source", "sentinel-after"


@dataclass(frozen=True)
class Fragment:
    """One entry as the report includes it: Markdown, and the images it names."""

    markdown: str
    images: tuple[tuple[Path, str], ...]  # (file in the profile's folder, path under report/)


def context_fragments(profile: Profile, path: Path) -> dict[str, list[Fragment]]:
    """Every context entry of `profile` (read from `path`), checked and written back."""
    entries = [(t, i, e.text) for t, es in profile.context.items() for i, e in enumerate(es)]
    if not entries:
        return {}
    for topic, i, text in entries:
        why = text_problem(text)
        if why:
            raise _error(path, topic, i, why)
    media = [f"{MEDIA_DIR}/{topic}-{i + 1}" for topic, i, _ in entries]
    results = _read_fragments(path, [text for _, _, text in entries], media)
    folder = path.resolve().parent
    out: dict[str, list[Fragment]] = {}
    for (topic, i, _), prefix, result in zip(entries, media, results, strict=True):
        fragment, why = _fragment(result, folder, prefix)
        if why or fragment is None:
            raise _error(path, topic, i, why or "could not be read")
        out.setdefault(topic, []).append(fragment)
    return out


def _fragment(line: str, folder: Path, prefix: str) -> tuple[Fragment | None, str | None]:
    """One entry's Fragment from pandoc's reading of it (a JSON line), or why it is refused."""
    try:
        result = json.loads(line)
        why = fragment_problem(result["fragment"]) or _leaves_callout(result)
    except RecursionError:
        return None, "nested too deeply (quotes, lists or emphasis); simplify it"
    images: list[tuple[Path, str]] = []
    for src in [] if why else dict.fromkeys(image_sources(result["fragment"])):
        file, why = image_file(folder, src)
        if why or file is None:
            break
        images.append((file, media_name(prefix, src)))
    return Fragment(result["markdown"].strip(), tuple(images)), why


def media_name(prefix: str, src: str) -> str:
    """Where render copies image `src` (as fragment.lua renames it): prefix-<sha1>.<ext>."""
    ext = src.rsplit(".", 1)[-1].lower().replace("jpeg", "jpg")
    return f"{prefix}-{hashlib.sha1(src.encode()).hexdigest()[:12]}.{ext}"  # noqa: S324


def text_problem(text: str) -> str | None:
    """What in the raw text is refused before it is parsed: shortcodes and div fences."""
    if "{{<" in text or "{{%" in text:
        return "shortcodes ({{< ... >}}) are not allowed in context; write the value out"
    if _DIV_FENCE.search(text):
        return "a ':::' line would close the callout; remove it"
    if not _brackets_pair(text):
        return (
            f"square brackets must pair up, at most {MAX_BRACKET_DEPTH} deep; "
            "write \\[ for a literal bracket"
        )
    return None


def _brackets_pair(text: str) -> bool:
    """Whether every unescaped `[` is closed by a `]`, nested at most MAX_BRACKET_DEPTH deep."""
    depth = 0
    for m in _BRACKET.finditer(text):
        if m.group()[0] == "\\":
            continue
        depth += 1 if m.group() == "[" else -1
        if depth < 0 or depth > MAX_BRACKET_DEPTH:
            return False
    return depth == 0


def _para(word: str) -> dict:
    return {"t": "Para", "c": [{"t": "Str", "c": word}]}


def _leaves_callout(result: dict[str, Any]) -> str | None:
    """Why the written-back Markdown would not stay inside its callout, or None."""
    blocks = result["renamed"]["blocks"]
    wrapped = result["wrapped"]["blocks"]
    inside = (
        result["alone"]["blocks"] == blocks
        and not result["alone"].get("meta")
        and len(wrapped) == 2
        and wrapped[0]["t"] == "Div"
        and wrapped[0]["c"][1] == [*blocks, _para(_SOURCE)]
        and wrapped[1] == _para(_AFTER)
    )
    return None if inside else "this text would not stay inside its callout; simplify it"


def image_file(folder: Path, src: str) -> tuple[Path | None, str | None]:
    """The regular image file `src` names inside `folder` (symlinks resolved), or why not."""
    try:
        real = (folder / src).resolve(strict=True)
    except (OSError, RuntimeError):
        return None, f"image {src} is not a file in the profile's folder {folder}"
    if not real.is_relative_to(folder):
        return None, f"image {src} resolves outside the profile's folder {folder}; copy it there"
    try:
        head = read_image(real)[:8]
    except ValueError as exc:
        return None, f"image {src} {exc}"
    ext = src.rsplit(".", 1)[-1].lower()
    if not head.startswith(MAGIC[ext]):
        return None, f"image {src} is not a {ext.upper()} file"
    return real, None


def read_image(file: Path) -> bytes:
    """The bytes of a regular file of at most IMAGE_MAX_BYTES, not read through a last symlink."""
    fd = os.open(file, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise ValueError("is not a regular file")
        if st.st_size > IMAGE_MAX_BYTES:
            raise ValueError(f"is larger than {IMAGE_MAX_BYTES // 2**20} MiB")
        with os.fdopen(fd, "rb", closefd=False) as f:
            return f.read(IMAGE_MAX_BYTES + 1)[:IMAGE_MAX_BYTES]
    finally:
        os.close(fd)


def _read_fragments(path: Path, texts: list[str], media: list[str]) -> list[str]:
    """pandoc's reading of every entry (fragment.lua), in one pandoc run: a JSON line each."""
    import pypandoc

    request = {"reader": READER, "callout": CALLOUT_OPEN, "source": _SOURCE, "after": _AFTER,
               "entries": [{"text": t, "media": m} for t, m in zip(texts, media, strict=True)]}  # fmt: skip
    cmd = [pypandoc.get_pandoc_path(), "lua", str(FRAGMENT_LUA)]
    try:
        proc = subprocess.run(
            cmd, input=json.dumps(request), capture_output=True, text=True, check=False,
            timeout=PANDOC_TIMEOUT_S,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        raise ProfileError(
            f"{path}: reading the context took over {PANDOC_TIMEOUT_S}s; shorten it"
        ) from None
    if proc.returncode != 0:
        first = next((ln for ln in proc.stderr.splitlines() if ln.strip()), "no message")
        raise ProfileError(f"{path}: pandoc could not read the context: {first[:200]}")
    return proc.stdout.splitlines()


def _error(path: Path, topic: str, index: int, why: str) -> ProfileError:
    line = _text_line(path, topic, index)
    where = f" line {line}:" if line else ""
    return ProfileError(f"{path}:{where} field context.{topic}.{index}.text: {why}")


def _text_line(path: Path, topic: str, index: int) -> int | None:
    """The line of the `text:` key of context.<topic>[index], or None if it cannot be found."""
    try:
        node = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError, RecursionError):
        return None
    for key in ("context", topic, index):
        node = _child(node, key)
    found = _child(node, "text", key_node=True)
    return found.start_mark.line + 1 if found is not None else None


def _child(node: yaml.Node | None, key: str | int, *, key_node: bool = False) -> yaml.Node | None:
    """The value (or key) node under `key` of a mapping, or item `key` of a sequence."""
    if isinstance(node, yaml.SequenceNode) and isinstance(key, int):
        return node.value[key] if key < len(node.value) else None
    if isinstance(node, yaml.MappingNode):
        return next((k if key_node else v for k, v in node.value if k.value == key), None)
    return None
