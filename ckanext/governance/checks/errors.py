"""The one exception the checks engine raises."""


class ChecksError(Exception):
    """Unreadable input or a usage problem; ``str(error)`` is a message for people."""
