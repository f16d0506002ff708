"""Relay-style connections: opaque cursors, ``first`` between 0 and 100 (default 20).

A cursor holds the item's offset in the ordered list and, for lists ordered by stored columns, the item's
sort keys with the name of the order: the next page then starts right after those keys (keyset
pagination, as fast on page 5,000 as on page 1) rather than after skipping ``offset`` rows. A cursor of
another order, or one without keys, pages by its offset.
"""

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
_MAX_CURSOR = 512  # longer than any cursor this API hands out (an offset, an order and its keys)
_MAX_OFFSET_DIGITS = 12  # an offset PostgreSQL's OFFSET takes, and more items than any list here holds
_SHOWN_CURSOR = 40  # a cursor quoted in an error: enough to recognise it, never a megabyte of it

T = TypeVar("T")


def encode_cursor(offset: int, order: str | None = None, keys: Sequence[str] = ()) -> str:
    """The cursor of the item at ``offset`` (0-based) in an ordered list, with its sort keys under ``order``."""
    raw = f"{_PREFIX}{offset}" if order is None else f"{_PREFIX}{offset}:{order}:{':'.join(keys)}"
    return base64.urlsafe_b64encode(raw.encode()).decode()


def decode_cursor(cursor: str) -> int:
    """The offset a cursor stands for; a cursor this API did not hand out is a user error."""
    return _decode(cursor)[0]


def _decode(cursor: str) -> tuple[int, str | None, tuple[str, ...]]:
    try:
        raw = base64.urlsafe_b64decode(cursor.encode()).decode() if len(cursor) <= _MAX_CURSOR else ""
        offset, _, rest = raw[len(_PREFIX) :].partition(":")
        if raw.startswith(_PREFIX) and offset.isdigit() and len(offset) <= _MAX_OFFSET_DIGITS:
            if not rest:
                return int(offset), None, ()
            order, _, keys = rest.partition(":")
            if order.isidentifier():
                return int(offset), order, tuple(keys.split(":"))
    except (binascii.Error, UnicodeError, ValueError):
        pass
    shown = repr(cursor) if len(cursor) <= _SHOWN_CURSOR else f"{cursor[:_SHOWN_CURSOR]!r}… ({len(cursor):,} characters)"
    raise UserError(f"invalid cursor {shown}: pass an endCursor from a previous page")


@dataclass(frozen=True, slots=True)
class Page:
    """Which slice of an ordered list a client asked for: ``limit`` items from ``offset``."""

    offset: int
    limit: int
    # The sort keys of the item before the page (as text) and the order they are keys of, if the cursor had them.
    order: str | None = None
    keys: tuple[str, ...] = ()

    @classmethod
    def from_args(cls, first: int | None, after: str | None) -> Page:
        """Validate ``first`` and ``after``; the item after the cursor starts the page."""
        limit = DEFAULT_PAGE_SIZE if first is None else first
        if limit < 0 or limit > MAX_PAGE_SIZE:
            raise UserError(f"first must be between 0 and {MAX_PAGE_SIZE}, got {limit}")
        if after is None:
            return cls(0, limit)
        offset, order, keys = _decode(after)
        return cls(offset + 1, limit, order, keys)

    def keys_of(self, order: str) -> tuple[str, ...] | None:
        """The keys to start after, when the cursor was one of ``order``."""
        return self.keys if self.order == order else None


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
    items: Sequence[T], page: Page, count: Callable[[], Awaitable[int]], *, fetched_extra: bool,
    cursors: Sequence[str] | None = None,
) -> Connection[T]:
    """Wrap one fetched page. ``items`` may hold one item past the page (``fetched_extra``) to tell
    whether a next page exists without counting; ``cursors`` are the items' own, else offset cursors."""
    shown = list(items[: page.limit])
    if cursors is None:
        cursors = [encode_cursor(page.offset + i) for i in range(len(shown))]
    edges = [Edge(cursor=cursor, node=node) for cursor, node in zip(cursors, shown, strict=False)]
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
