"""Whole reports as JSON Lines: the ``xxgk parse --json`` shape plus id, agency_id, synthetic and source."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable

import asyncpg

from db.export import read_only, report_ids, report_sources
from db.reading import fetch_reports
from services.export.filters import ALL_REPORTS, ExportFilter

JSONL_FILE = "reports.jsonl"


async def iter_jsonl(conn: asyncpg.Connection, flt: ExportFilter = ALL_REPORTS,
                     counter: Callable[[int], None] | None = None) -> AsyncIterator[bytes]:
    """Whole reports, one JSON object a line, a slice of reports per chunk; ``counter`` hears lines written."""
    async with read_only(conn):
        async for ids in report_ids(conn, year=flt.year, region=flt.region,
                                        include_synthetic=flt.include_synthetic):
            reports = await fetch_reports(conn, ids)
            lines = []
            for h in await report_sources(conn, ids):
                source = {"uri": h["source_uri"], "format": h["source_format"], "sha256": h["sha256"],
                          "parser_version": h["parser_version"]}
                record = {"id": h["id"], "agency_id": h["agency_id"], "synthetic": h["synthetic"], "source": source, **reports[h["id"]].to_json()}
                lines.append(json.dumps(record, ensure_ascii=False) + "\n")
            yield "".join(lines).encode("utf-8")
            if counter:
                counter(len(lines))
