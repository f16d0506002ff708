"""Errors a client may see, and the masking of everything else (no stack traces, no SQL).

Every error a client may read is an :class:`~core.errors.XxgkError` below 500: outside GraphQL the app's
one handler (:func:`error_response`) answers its ``http_status`` with ``{"error": message}``; inside
GraphQL its message reaches the client as the field's error. Anything else is masked.
"""

from __future__ import annotations

import re

from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from strawberry.extensions import MaskErrors

from core.errors import UsageError, XxgkError

MASKED_MESSAGE = "Internal error. The request was logged; please try again or report it."
TIMEOUT_MESSAGE = "The query took too long and was cancelled; ask for less (smaller pages, narrower filters)."
BAD_INPUT_MESSAGE = ("A value in the request cannot be used: a number out of range, or text no database can "
                     "hold (NUL, a lone surrogate).")


class UserError(UsageError):
    """A mistake in the request (bad cursor, page too large, unknown key): its message reaches the client."""


class NotAuthorizedError(UserError):
    """The mutation needs ``Authorization: Bearer <XXGK_API_KEY>``, or writes are disabled."""

    http_status = 401


def is_for_the_client(error: BaseException | None) -> bool:
    """Whether the client may read this error's message: the client's own mistake, never a server fault."""
    return isinstance(error, XxgkError) and error.http_status < 500


async def error_response(request: Request, exc: Exception) -> Response:
    """The app's handler of :class:`XxgkError`: its status, and its message unless the server is at fault."""
    assert isinstance(exc, XxgkError)
    message = str(exc) if is_for_the_client(exc) else MASKED_MESSAGE
    return JSONResponse({"error": message}, status_code=exc.http_status)


def is_user_facing(error: GraphQLError) -> bool:
    """Whether a GraphQL error describes the request, so its message reaches the client (and needs no log)."""
    # Syntax and validation errors (limits included) carry no original error; they describe the query.
    # graphql-core's own error about a variable's value (raised before execution, so at no path) too.
    original = error.original_error
    return (original is None or is_for_the_client(original)
            or (isinstance(original, GraphQLError) and not error.path))


def _causes(error: GraphQLError) -> list[BaseException]:
    """The error the resolver raised and what it wraps (SQLAlchemy's ``orig``, ``__cause__``), a few deep."""
    found: list[BaseException] = []
    pending: list[BaseException | None] = [error.original_error]
    while pending and len(found) < 8:
        cause = pending.pop()
        if cause is None or any(cause is seen for seen in found):
            continue
        found.append(cause)
        pending += [getattr(cause, "orig", None), cause.__cause__, cause.__context__]
    return found


def _is_bad_input(error: GraphQLError) -> bool:
    # A value the driver cannot send (a number past its column, text that is not UTF-8) or PostgreSQL
    # refuses as data (SQLSTATE class 22): the request's fault, whichever resolver passed it on.
    for cause in _causes(error):
        if isinstance(cause, UnicodeEncodeError):
            return True
        if type(cause).__name__ == "DataError" and type(cause).__module__.startswith("asyncpg"):
            return True
        if str(getattr(cause, "sqlstate", "") or "").startswith("22"):
            return True
    return False


def _is_timeout(error: GraphQLError) -> bool:
    # SQLAlchemy wraps asyncpg's QueryCanceledError (statement_timeout); match on the name to stay driver-neutral.
    original = error.original_error
    causes = [original, getattr(original, "orig", None), getattr(getattr(original, "orig", None), "__cause__", None)]
    return any(type(c).__name__ == "QueryCanceledError" for c in causes if c is not None)


class MaskInternalErrors(MaskErrors):
    """Replace internal errors by one neutral message (a statement timeout and a value the database cannot
    take by their own), keep user-facing ones."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=lambda error: not is_user_facing(error), error_message=MASKED_MESSAGE)

    def _process_result(self, result: object) -> None:
        # As Strawberry's, without its isinstance against a runtime-checkable Protocol, which walked the
        # protocol's attributes on every request (a few per cent of a small request's time).
        errors = getattr(result, "errors", None)
        if errors:
            result.errors = self._process_errors(errors)  # type: ignore[attr-defined]

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        processed = super()._process_errors(errors)
        for error in processed:
            error.message = shortened(error.message)  # a name or value quoted from the request may be huge
        return processed

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        masked = super().anonymise_error(error)
        if _is_timeout(error):
            masked.message = TIMEOUT_MESSAGE
        elif _is_bad_input(error):
            masked.message = BAD_INPUT_MESSAGE
        return masked


_LONG_WORD = re.compile(r"\S{61,}")
_MAX_MESSAGE = 1000


def shortened(message: str) -> str:
    """An error message without a megabyte of the request in it: a long word (a field name, a quoted value)
    cut to its first 40 characters and its length, and the whole at most 1,000 characters."""
    message = _LONG_WORD.sub(lambda m: f"{m.group()[:40]}… ({len(m.group()):,} characters)", message)
    return message if len(message) <= _MAX_MESSAGE else message[:_MAX_MESSAGE] + "…"


def shown(value: str, chars: int = 40) -> str:
    """A value quoted in an error message: whole when short, else its start and its length."""
    return repr(value) if len(value) <= chars else f"{value[:chars]!r}… ({len(value):,} characters)"
