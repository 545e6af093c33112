"""The one error hierarchy: every user-facing failure is a BackendkitError."""

from __future__ import annotations


class BackendkitError(Exception):
    """A failure reported to the user as one line, with an exit code."""

    exit_code = 1


class UsageError(BackendkitError):
    """Bad input from the user: a name, a field, an option or a file."""

    exit_code = 2


class TargetExistsError(UsageError):
    """The output directory exists and holds files."""


class CheckFailedError(BackendkitError):
    """A check ran and found problems."""

    exit_code = 1
