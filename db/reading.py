"""Reading stored reports back into canonical form (cross-year checks, exports, ``xxgk check``)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import asyncpg

from loaders.canonical import (
    APPLICANT_COLUMNS,
    DECIMAL_METRICS,
    REVIEW_RESULTS,
    Issue,
    Report,
    empty_applications,
    empty_proactive,
    empty_reviews,
)


async def fetch_reports(conn: asyncpg.Connection, ids: Sequence[int], *, with_text: bool = False) -> dict[int, Report]:
    """Canonical reports by id, every value as stored (``None`` stays ``None``)."""
    ids = list(ids)
    heads = await conn.fetch(
        "SELECT r.id, r.year, r.template, r.title, r.published_at, a.name, a.region_hint"
        + (", r.raw_text" if with_text else "")
        + " FROM report r JOIN agency a ON a.id = r.agency_id WHERE r.id = ANY($1::int[])",
        ids,
    )
    out: dict[int, Report] = {}
    for h in heads:
        out[h["id"]] = Report(
            agency_name=h["name"], year=h["year"], template=h["template"], title=h["title"],
            region_hint=h["region_hint"], published_at=h["published_at"],
            proactive=empty_proactive(h["template"]), applications=empty_applications(h["template"]),
            reviews=empty_reviews(),
        )
    for row in await conn.fetch(
        "SELECT report_id, category, metric, value FROM proactive_count WHERE report_id = ANY($1::int[])", ids
    ):
        value = row["value"]
        if value is not None and (row["category"], row["metric"]) not in DECIMAL_METRICS:
            value = int(value)
        elif value is not None:
            value = Decimal(value)
        out[row["report_id"]].proactive.setdefault(row["category"], {})[row["metric"]] = value
    for row in await conn.fetch(
        "SELECT * FROM application_outcome WHERE report_id = ANY($1::int[])", ids
    ):
        out[row["report_id"]].applications[row["row_key"]] = {c: row[c] for c in APPLICANT_COLUMNS}
    for row in await conn.fetch(
        'SELECT * FROM review_litigation WHERE report_id = ANY($1::int[])', ids
    ):
        out[row["report_id"]].reviews[row["group"]] = {c: row[c] for c in REVIEW_RESULTS}
    for row in await conn.fetch(
        "SELECT report_id, path, provenance FROM value_provenance WHERE report_id = ANY($1::int[])", ids
    ):
        out[row["report_id"]].provenance[row["path"]] = row["provenance"]
    for row in await conn.fetch(
        "SELECT report_id, code, severity, line, message FROM parse_issue WHERE report_id = ANY($1::int[]) ORDER BY id",
        ids,
    ):
        out[row["report_id"]].issues.append(Issue(row["code"], row["severity"], row["line"], row["message"]))
    return out
