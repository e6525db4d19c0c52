"""The one exception family the CLI turns into a one-line message and exit status 2."""


class QAError(Exception):
    """A problem the user can fix; the message says how."""
