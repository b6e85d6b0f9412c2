"""Errors a user can act on: the CLI prints their message as one line on stderr and exits non-zero."""


class TakedownError(Exception):
    """Base for errors caused by input or configuration, not by a bug."""


class IngestError(TakedownError):
    """An input archive file cannot be read; the message names the file and what to do."""


class ProfileError(TakedownError):
    """A profile file is invalid; the message names the field."""


class RenderError(TakedownError):
    """A report could not be rendered."""
