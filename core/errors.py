"""The failures a user can cause and fix, as one family: a one-line message, an exit code, an HTTP status.

The command line prints ``error: <message>`` and exits with ``exit_code``; the API answers ``http_status``
with the message (or, inside GraphQL, an error carrying it). Anything that is not an :class:`XxgkError`
is a bug: the command line names it in one line (exit code 70), the API masks it.
"""

from __future__ import annotations

from typing import ClassVar


class XxgkError(Exception):
    """Something went wrong that the user can act on; the message is one line for people."""

    exit_code: ClassVar[int] = 1
    http_status: ClassVar[int] = 500


class UsageError(XxgkError):
    """A bad invocation or request: a missing file, a malformed manifest, a filter that cannot be used."""

    exit_code = 2
    http_status = 400


class ConfigError(UsageError):
    """A setting has a value that cannot be used."""

    http_status = 500  # a server misconfigured is not the client's mistake


class NotFoundError(UsageError):
    """The request names something that does not exist (an export table, say)."""

    http_status = 404


class UnavailableError(XxgkError):
    """A service xxgk needs cannot be reached or used: the database, the embedded server."""

    http_status = 503
