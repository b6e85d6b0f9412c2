"""Published context per report section, from the profile, as Quarto callouts.

Each section includes `_generated/context_<topic>.qmd` under its heading. The file is empty when
the profile says nothing about that section (e.g. generic.yml), so the core text stays neutral
and a claim about one operation appears only with its source named. Each entry is the Markdown
profile_context wrote back from the checked fragment, so it cannot leave its callout; its images
are copied from the profile's folder under `_generated/context_media/`.
"""

from __future__ import annotations

from pathlib import Path

from takedown.compose.escape import md_escape
from takedown.errors import ProfileError
from takedown.profile import TOPICS, Context, Profile
from takedown.profile_context import (
    CALLOUT_OPEN,
    CALLOUT_TITLE,
    Fragment,
    context_fragments,
    read_image,
)

TITLE = CALLOUT_TITLE


def inert_shortcodes(markdown: str) -> str:
    """Profile Markdown with every `{{<` broken up (`{\\{<` renders as `{{<`), so neither Quarto
    nor the built-in composer can read it as a shortcode (a second guard: load refuses them)."""
    return markdown.replace("{{<", "{\\{<")


def entry_markdown(entry: Context, fragment: Fragment) -> str:
    """One published statement: the checked Markdown, then its source in plain text."""
    source = "Source: " + md_escape(entry.source)
    if entry.via_press:
        source += " (as reported in the press)"
    return f"{inert_shortcodes(fragment.markdown)}\n\n{source}\n"


def context_markdown(profile: Profile, topic: str, fragments: dict[str, list[Fragment]]) -> str:
    """The callout for one section, or "" when the profile has no context for it."""
    entries = profile.context.get(topic, [])
    if not entries:
        return ""
    pairs = zip(entries, fragments[topic], strict=True)
    body = "\n".join(entry_markdown(e, f) for e, f in pairs)
    return f"{CALLOUT_OPEN}\n{body}:::\n"


def write_context(generated: Path, profile: Profile, profile_path: Path) -> list[Path]:
    """context_<topic>.qmd for EVERY section, so each section's include always resolves; the
    images the context names, copied beside them."""
    fragments = context_fragments(profile, profile_path)
    for fragment in (f for fs in fragments.values() for f in fs):
        for src, name in fragment.images:
            _copy_image(src, generated.parent / name, profile_path)
    paths = []
    for topic in TOPICS:
        path = generated / f"context_{topic}.qmd"
        path.write_text(context_markdown(profile, topic, fragments), encoding="utf-8")
        paths.append(path)
    return paths


def _copy_image(src: Path, dest: Path, profile_path: Path) -> None:
    """Copy one checked image (read again without following a last symlink, still bounded)."""
    try:
        data = read_image(src)
    except (OSError, ValueError) as exc:
        raise ProfileError(
            f"{profile_path}: context image {src.name} cannot be read: {exc}"
        ) from None
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_bytes(data)
