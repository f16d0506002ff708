"""Errors a client may see, and the masking of everything else (no stack traces, no SQL).

Every error a client may read is an :class:`~core.errors.XxgkError` below 500: outside GraphQL the app's
one handler (:func:`error_response`) answers its ``http_status`` with ``{"error": message}``; inside
GraphQL its message reaches the client as the field's error. Anything else is masked.
"""

from __future__ import annotations

from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from strawberry.extensions import MaskErrors

from core.errors import UsageError, XxgkError

MASKED_MESSAGE = "Internal error. The request was logged; please try again or report it."
TIMEOUT_MESSAGE = "The query took too long and was cancelled; ask for less (smaller pages, narrower filters)."


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


def _is_user_facing(error: GraphQLError) -> bool:
    # Syntax and validation errors (limits included) carry no original error; they describe the query.
    original = error.original_error
    return original is None or is_for_the_client(original)


def _is_timeout(error: GraphQLError) -> bool:
    # SQLAlchemy wraps asyncpg's QueryCanceledError (statement_timeout); match on the name to stay driver-neutral.
    original = error.original_error
    causes = [original, getattr(original, "orig", None), getattr(getattr(original, "orig", None), "__cause__", None)]
    return any(type(c).__name__ == "QueryCanceledError" for c in causes if c is not None)


class MaskInternalErrors(MaskErrors):
    """Replace internal errors by one neutral message (a statement timeout by its own), keep user-facing ones."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=lambda error: not _is_user_facing(error), error_message=MASKED_MESSAGE)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        masked = super().anonymise_error(error)
        if _is_timeout(error):
            masked.message = TIMEOUT_MESSAGE
        return masked
