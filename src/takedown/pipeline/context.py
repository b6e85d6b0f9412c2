"""Published context per report section, from the profile, as Quarto callouts.

Each section includes `_generated/context_<topic>.qmd` under its heading. The file is empty when
the profile says nothing about that section (e.g. generic.yml), so the core text stays neutral
and a claim about one operation appears only with its source named.
"""

from __future__ import annotations

from pathlib import Path

from takedown.compose.escape import md_escape
from takedown.profile import TOPICS, Context, Profile

TITLE = "What published analyses said"


def inert_shortcodes(markdown: str) -> str:
    """Profile Markdown with every `{{<` broken up (`{\\{<` renders as `{{<`), so neither Quarto
    nor the built-in composer can read it as a shortcode."""
    return markdown.replace("{{<", "{\\{<")


def entry_markdown(entry: Context) -> str:
    """One published statement: the author's Markdown, then its source in plain text."""
    source = "Source: " + md_escape(entry.source)
    if entry.via_press:
        source += " (as reported in the press)"
    return f"{inert_shortcodes(entry.text.strip())}\n\n{source}\n"


def context_markdown(profile: Profile, topic: str) -> str:
    """The callout for one section, or "" when the profile has no context for it."""
    entries = profile.context.get(topic, [])
    if not entries:
        return ""
    body = "\n".join(entry_markdown(e) for e in entries)
    return f'::: {{.callout-note title="{TITLE}"}}\n{body}:::\n'


def write_context(generated: Path, profile: Profile) -> list[Path]:
    """context_<topic>.qmd for EVERY section, so each section's include always resolves."""
    paths = []
    for topic in TOPICS:
        path = generated / f"context_{topic}.qmd"
        path.write_text(context_markdown(profile, topic), encoding="utf-8")
        paths.append(path)
    return paths
