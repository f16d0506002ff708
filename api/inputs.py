"""Text arguments checked before they reach SQL: a user error that names the argument, never the value.

PostgreSQL text holds no NUL and UTF-8 no lone surrogate; a name or a search longer than any agency's
is no search but a way to make every comparison slow. Such a value is refused in one line, without
echoing it back (it may be a megabyte long).
"""

from __future__ import annotations

from api.errors import UserError

MAX_TEXT_CHARS = 200  # longer than any agency or region name
MAX_SEARCH_CHARS = 100  # a part of a name to look for
YEAR_RANGE = (0, 9999)  # a year filter outside it is no year (and past what the year column holds)


def text_argument(name: str, value: str | None, max_chars: int = MAX_TEXT_CHARS) -> str | None:
    """``value`` unchanged, or a :class:`UserError` saying what is wrong with argument ``name``."""
    if value is None:
        return None
    if len(value) > max_chars:
        raise UserError(f"{name} is {len(value):,} characters long; at most {max_chars:,} are taken")
    if "\0" in value:
        raise UserError(f"{name} holds a NUL character, which no text here can")
    if any(0xD800 <= ord(c) <= 0xDFFF for c in value):
        raise UserError(f"{name} holds a lone surrogate (not valid Unicode text)")
    return value


def int_argument(name: str, value: int | None, low: int, high: int) -> int | None:
    """``value`` unchanged, or a :class:`UserError` when it lies outside ``low``–``high``."""
    if value is not None and not low <= value <= high:
        raise UserError(f"{name} must be between {low} and {high}, got {value}")
    return value
