"""Relay-style connections: opaque offset cursors, ``first`` between 0 and 100 (default 20)."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import strawberry
from strawberry.types import Info
from strawberry.types.nodes import SelectedField, Selection

from api.errors import UserError

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
_PREFIX = "xxgk:"
_MAX_CURSOR = 64  # longer than any cursor this API hands out
_MAX_OFFSET_DIGITS = 12  # an offset PostgreSQL's OFFSET takes, and more items than any list here holds
_SHOWN_CURSOR = 40  # a cursor quoted in an error: enough to recognise it, never a megabyte of it

T = TypeVar("T")


def encode_cursor(offset: int) -> str:
    """The cursor of the item at ``offset`` (0-based) in an ordered list."""
    return base64.urlsafe_b64encode(f"{_PREFIX}{offset}".encode()).decode()


def decode_cursor(cursor: str) -> int:
    """The offset a cursor stands for; a cursor this API did not hand out is a user error."""
    try:
        raw = base64.urlsafe_b64decode(cursor.encode()).decode() if len(cursor) <= _MAX_CURSOR else ""
        digits = raw[len(_PREFIX) :]
        if raw.startswith(_PREFIX) and digits.isdigit() and len(digits) <= _MAX_OFFSET_DIGITS:
            return int(digits)
    except (binascii.Error, UnicodeError, ValueError):
        pass
    shown = repr(cursor) if len(cursor) <= _SHOWN_CURSOR else f"{cursor[:_SHOWN_CURSOR]!r}… ({len(cursor):,} characters)"
    raise UserError(f"invalid cursor {shown}: pass an endCursor from a previous page")


@dataclass(frozen=True, slots=True)
class Page:
    """Which slice of an ordered list a client asked for: ``limit`` items from ``offset``."""

    offset: int
    limit: int

    @classmethod
    def from_args(cls, first: int | None, after: str | None) -> Page:
        """Validate ``first`` and ``after``; the item after the cursor starts the page."""
        limit = DEFAULT_PAGE_SIZE if first is None else first
        if limit < 0 or limit > MAX_PAGE_SIZE:
            raise UserError(f"first must be between 0 and {MAX_PAGE_SIZE}, got {limit}")
        offset = 0 if after is None else decode_cursor(after) + 1
        return cls(offset, limit)


@strawberry.type(description="Where a page sits in the whole list.")
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type(description="A page of a list, Relay style.")
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    _count: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="How many items the whole list holds (all pages).")
    async def total_count(self) -> int:
        return await self._count()


def connection(
    items: Sequence[T], page: Page, count: Callable[[], Awaitable[int]], *, fetched_extra: bool
) -> Connection[T]:
    """Wrap one fetched page. ``items`` may hold one item past the page (``fetched_extra``) to tell
    whether a next page exists without counting."""
    shown = list(items[: page.limit])
    edges = [Edge(cursor=encode_cursor(page.offset + i), node=node) for i, node in enumerate(shown)]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=len(items) > page.limit if fetched_extra else False,
            has_previous_page=page.offset > 0,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        _count=count,
    )


def connection_from_list(items: Sequence[T], page: Page) -> Connection[T]:
    """A page of a list already in memory (an agency's few reports)."""
    window = items[page.offset : page.offset + page.limit + 1]

    async def count() -> int:
        return len(items)

    return connection(window, page, count, fetched_extra=True)


def node_fields(info: Info[Any, Any], *path: str) -> set[str]:
    """The names of the fields a query selects under ``path`` of the current field, fragments included.

    ``node_fields(info, "edges", "node")`` in a connection resolver tells which fields of each item are
    wanted, so the resolver can load them for the whole page at once.
    """
    return {field.name for field in selected(info, *path)}


def selected(info: Info[Any, Any], *path: str) -> list[SelectedField]:
    """The fields a query selects under ``path`` of the current field (every alias), fragments included."""
    level = [child for field in info.selected_fields for child in _fields(field.selections)]
    for name in path:
        level = children(level, name)
    return level


def children(fields: Sequence[SelectedField], name: str) -> list[SelectedField]:
    """The fields selected under every field called ``name`` among ``fields``, fragments included."""
    return [child for field in fields if field.name == name for child in _fields(field.selections)]


def _fields(selections: Sequence[Selection]) -> list[SelectedField]:
    out: list[SelectedField] = []
    for selection in selections:
        if isinstance(selection, SelectedField):
            out.append(selection)
        else:  # a fragment spread or an inline fragment: its fields count as the parent's
            out.extend(_fields(selection.selections))
    return out
