"""The change feed: reports added, replaced and removed, in commit order, as GraphQL and as JSON Lines.

Each change is a row of ``report_change`` (see ``db.revisions``); its cursor is its sequence number,
encoded, so a cursor stays valid across server restarts and later writes: the next page starts right
after it. ``GET /changes.jsonl?after=<cursor>&limit=<n>`` streams one change per line with the cursor of
that line, for a client that resumes where it stopped.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from enum import Enum
from typing import Any

import orjson
import strawberry
from sqlalchemy import func, select
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route
from strawberry.types import Info

from api.context import Context
from api.dataloaders import Sessions, fetch
from api.errors import UserError
from api.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, Connection, Page, connection
from api.state import AppState
from api.types.report import Report
from api.types.scalars import BigInt
from db import models

_PREFIX = "xxgk-change:"
_MAX_CURSOR = 64
_MAX_DIGITS = 19  # a bigint
DEFAULT_LINES = 1_000
MAX_LINES = 10_000


def encode_cursor(sequence: int) -> str:
    """The opaque cursor of the change numbered ``sequence``."""
    return base64.urlsafe_b64encode(f"{_PREFIX}{sequence}".encode()).decode()


def decode_cursor(cursor: str | None) -> int:
    """The sequence a cursor stands for (0 for none: the feed from its start); another text is a user error."""
    if cursor is None:
        return 0
    try:
        raw = base64.urlsafe_b64decode(cursor.encode()).decode() if len(cursor) <= _MAX_CURSOR else ""
        number = raw.removeprefix(_PREFIX)
        if raw.startswith(_PREFIX) and number.isdigit() and len(number) <= _MAX_DIGITS:
            return int(number)
    except (binascii.Error, UnicodeError, ValueError):
        pass
    shown = repr(cursor[:_MAX_CURSOR]) + ("…" if len(cursor) > _MAX_CURSOR else "")
    raise UserError(f"invalid change cursor {shown}: pass the cursor of a change from the feed")


async def read_changes(sessions: Sessions, after: int, limit: int) -> Sequence[Any]:
    """Up to ``limit`` changes after sequence ``after``, oldest first."""
    c = models.ReportChange
    return await fetch(sessions, select(c.sequence, c.report_id, c.kind, c.data_version, c.changed_at)
                       .where(c.sequence > after).order_by(c.sequence).limit(limit))


@strawberry.enum(description="What happened to a report.")
class ChangeKind(Enum):
    ADDED = "added"
    REPLACED = "replaced"
    REMOVED = "removed"


@strawberry.type(description="A report added, replaced by a corrected document, or removed (moved to another "
                             "agency or year).")
class ReportChange:
    report_id: int = strawberry.field(description="The report's id; after `REMOVED` it answers null until a "
                                                  "report for its agency and year is loaded again.")
    kind: ChangeKind
    data_version: BigInt = strawberry.field(description="The data version the change was committed in.")
    changed_at: datetime

    @strawberry.field(description="The report as it is now (null while removed).")
    async def report(self, info: Info[Context, None]) -> Report | None:
        row = await info.context.loaders.report.load(self.report_id)
        return Report.from_row(row) if row else None


async def changes_page(info: Info[Context, None], after: str | None, first: int | None) -> Connection[ReportChange]:
    """One page of the feed; ``endCursor`` resumes it, now or after a restart."""
    limit = DEFAULT_PAGE_SIZE if first is None else first
    if not 0 <= limit <= MAX_PAGE_SIZE:
        raise UserError(f"first must be between 0 and {MAX_PAGE_SIZE}, got {limit}")
    sessions = info.context.read_sessions
    rows = await read_changes(sessions, decode_cursor(after), limit + 1)

    async def count() -> int:
        return (await fetch(sessions, select(func.count()).select_from(models.ReportChange)))[0][0]

    changes = [ReportChange(report_id=r.report_id, kind=ChangeKind(r.kind), data_version=r.data_version,
                            changed_at=r.changed_at) for r in rows]
    return connection(changes, Page(1 if after else 0, limit), count, fetched_extra=True,
                      cursors=[encode_cursor(r.sequence) for r in rows[:limit]])


def _limit(raw: str | None) -> int:
    if raw is None:
        return DEFAULT_LINES
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LINES:
        raise UserError(f"limit must be a whole number from 1 to {MAX_LINES}, got {raw[:20]!r}")
    return int(raw)


async def changes_jsonl(request: Request) -> Response:
    """``GET /changes.jsonl?after=<cursor>&limit=<n>``: changes after the cursor, one JSON object a line."""
    after = decode_cursor(request.query_params.get("after"))
    limit = _limit(request.query_params.get("limit"))
    state: AppState = request.app.state.xxgk
    rows = await read_changes(state.read_sessions, after, limit)

    async def lines() -> AsyncIterator[bytes]:
        for r in rows:
            yield orjson.dumps({"cursor": encode_cursor(r.sequence), "report_id": r.report_id, "kind": r.kind,
                                "data_version": r.data_version, "changed_at": r.changed_at}) + b"\n"

    return StreamingResponse(lines(), media_type="application/x-ndjson; charset=utf-8")


def change_routes() -> list[Route]:
    """The routes to mount in the app."""
    return [Route("/changes.jsonl", changes_jsonl, name="changes_jsonl")]
