"""The composer's one error type, so callers can tell a bad report source from a bug."""

from takedown.errors import RenderError


class ComposeError(RenderError):
    """A report source, notebook or tool run is unusable; the message says where and what to do."""
