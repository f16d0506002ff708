"""What every resolver sees: built afresh for each request by ``get_context``."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.requests import Request
from starlette.responses import Response

from api.dataloaders import Loaders
from core.settings import Settings
from db.pool import ReadPool
from services.uploads import UploadParser


@dataclass(slots=True)
class Context:
    """Session factories (reads may go to a replica, writes to the primary), the read pool and this request's
    loaders.

    ``write_url`` is the primary's URL, for the bulk writer (which speaks asyncpg directly).
    """

    request: Request
    response: Response | None
    settings: Settings
    read_sessions: async_sessionmaker[AsyncSession]
    write_sessions: async_sessionmaker[AsyncSession]
    reads: ReadPool
    write_url: str = field(repr=False)
    uploads: UploadParser = field(repr=False)
    loaders: Loaders = field(init=False)
    summary_cost: int = 0  # what this request's summaries measured at run time cost (api.limits)

    def __post_init__(self) -> None:
        self.loaders = Loaders(self.reads)
