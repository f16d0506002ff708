"""The root ``Mutation``: ``ingestReport``, the ``xxgk load`` pipeline for one document, behind an API key."""

from __future__ import annotations

import base64
import binascii
from datetime import date
from enum import Enum
from typing import TYPE_CHECKING

import strawberry
from strawberry.types import Info

from api.auth import bearer_token, is_api_key
from api.context import Context
from api.dataloaders import Loaders, SessionReads
from api.errors import NotAuthorizedError, UserError
from api.inputs import text_argument
from api.types.report import Report
from services.prepare import REPORT_YEARS

if TYPE_CHECKING:
    from loaders.pipeline import Overrides


@strawberry.enum(description="How `content` is encoded.")
class ContentEncoding(Enum):
    TEXT = "text"
    BASE64 = "base64"


@strawberry.input(description="What the caller knows better than the text; each field overrides it.")
class IngestMetadata:
    agency: str | None = None
    region_code: str | None = None
    year: int | None = None
    source_url: str | None = None
    published_at: date | None = None
    synthetic: bool = False


@strawberry.type(description="What became of an ingested document.")
class IngestResult:
    status: str = strawberry.field(description="loaded, replaced, unchanged or failed.")
    reason: str | None = strawberry.field(description="Why it failed, in one line.")
    report: Report | None = strawberry.field(description="The stored report, with its issues and checks.")


def require_api_key(info: Info[Context, None]) -> None:
    """Refuse unless the request carries ``Authorization: Bearer <XXGK_API_KEY>``."""
    configured = info.context.settings.api_key
    if not configured:
        raise NotAuthorizedError("writes are disabled: the server has no XXGK_API_KEY")
    header = info.context.request.headers.get("authorization", "")
    if bearer_token(header) is None:
        raise NotAuthorizedError("ingestReport needs an 'Authorization: Bearer <API key>' header")
    if not is_api_key(header, configured):
        raise NotAuthorizedError("the API key is not valid")


def _decode(content: str, encoding: ContentEncoding, max_mb: int) -> bytes:
    if encoding is ContentEncoding.TEXT:
        data = content.encode("utf-8", "surrogatepass")
    else:
        try:
            data = base64.b64decode(content, validate=True)
        except (binascii.Error, ValueError):
            raise UserError("content is not valid base64") from None
    if len(data) > max_mb * 1024 * 1024:
        raise UserError(f"the document is larger than {max_mb} MB (XXGK_MAX_UPLOAD_MB)")
    return data


def _overrides(metadata: IngestMetadata) -> Overrides:
    from loaders.pipeline import Overrides

    if metadata.year is not None and metadata.year not in REPORT_YEARS:
        raise UserError(f"metadata.year {metadata.year} is not a report year ({REPORT_YEARS[0]}–{REPORT_YEARS[-1]})")
    return Overrides(
        agency=text_argument("metadata.agency", metadata.agency),
        region_code=text_argument("metadata.regionCode", metadata.region_code, 12),
        year=metadata.year,
        # Without it, the text's own 原文链接, else ``upload:NAME`` (services.prepare.prepare_upload).
        source_url=text_argument("metadata.sourceUrl", metadata.source_url, 2000),
        published_at=metadata.published_at,
    )


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Parse, check and store one report document (txt, md, html, docx, pdf), as `xxgk load` does. "
        "Needs 'Authorization: Bearer <XXGK_API_KEY>'."
    )
    async def ingest_report(
        self,
        info: Info[Context, None],
        filename: str,
        content: str,
        encoding: ContentEncoding = ContentEncoding.TEXT,
        metadata: IngestMetadata | None = None,
    ) -> IngestResult:
        require_api_key(info)
        from db.writer import store_reports

        text_argument("filename", filename, 1000)
        metadata = metadata or IngestMetadata()
        overrides = _overrides(metadata)
        data = _decode(content, encoding, info.context.settings.max_upload_mb)
        # Reading is CPU work, and a document may be built to take all the memory it can: another process.
        prepared = await info.context.uploads.prepare(filename, data, overrides, metadata.synthetic)
        if prepared.incoming is None:
            return IngestResult(status="failed", reason=prepared.reason, report=None)
        (stored,) = await store_reports(info.context.write_url, [prepared.incoming])
        if stored.report_id is None:
            if stored.status == "unchanged":
                return await _unchanged(info, prepared.sha256)
            return IngestResult(status=stored.status, reason=stored.reason, report=None)
        # Read the new rows from the primary: a replica may not have them yet.
        info.context.loaders = Loaders(SessionReads(info.context.write_sessions))
        row = await info.context.loaders.report.load(stored.report_id)
        return IngestResult(status=stored.status, reason=None, report=Report.from_row(row) if row else None)


async def _unchanged(info: Info[Context, None], sha256: str | None) -> IngestResult:
    """The same document was loaded before: return the stored report."""
    from sqlalchemy import select

    from api.dataloaders import REPORT_COLUMNS, fetch
    from db import models

    info.context.loaders = Loaders(SessionReads(info.context.write_sessions))
    rows = await fetch(info.context.write_sessions, select(*REPORT_COLUMNS).where(models.Report.sha256 == sha256))
    report = Report.from_row(rows[0]) if rows else None
    return IngestResult(status="unchanged", reason="this document was loaded before", report=report)
