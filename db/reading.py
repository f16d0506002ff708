"""Reading stored reports back into canonical form (cross-year checks, exports, ``xxgk check``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any

import asyncpg
import orjson
from sqlalchemy import JSON

from db import models
from db.engine import dsn
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

# Attributes of the canonical report read from its agency; the others are report columns of their own name.
_FROM_AGENCY = {"agency_name": "a.name", "region_hint": "a.region_hint"}
_HEAD = {f.name: _FROM_AGENCY.get(f.name, f"r.{f.name}") for f in fields(Report)
         if f.name in _FROM_AGENCY or f.name in models.Report.__table__.c}
_JSON = frozenset(name for name in _HEAD if name in models.Report.__table__.c
                  and isinstance(models.Report.__table__.c[name].type, JSON))


def _decoded(value: Any) -> Any:
    """A JSON column's value: text from a plain connection, already decoded from one SQLAlchemy set up."""
    return orjson.loads(value) if isinstance(value, str | bytes) else value


async def fetch_reports(conn: asyncpg.Connection, ids: Sequence[int]) -> dict[int, Report]:
    """Canonical reports by id, every value as stored (``None`` stays ``None``)."""
    ids = list(ids)
    heads = await conn.fetch(
        f"SELECT r.id, {', '.join(f'{column} AS {name}' for name, column in _HEAD.items())} "
        "FROM report r JOIN agency a ON a.id = r.agency_id WHERE r.id = ANY($1::int[])",
        ids,
    )
    out: dict[int, Report] = {}
    for h in heads:
        out[h["id"]] = Report(
            **{name: _decoded(h[name]) if name in _JSON else h[name] for name in _HEAD},
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
        "SELECT report_id, path, provenance, ocr_box FROM value_provenance WHERE report_id = ANY($1::int[])", ids
    ):
        out[row["report_id"]].provenance[row["path"]] = row["provenance"]
        if row["ocr_box"] is not None:
            out[row["report_id"]].ocr_boxes[row["path"]] = orjson.loads(row["ocr_box"])
    for row in await conn.fetch(
        "SELECT report_id, code, severity, line, message FROM parse_issue WHERE report_id = ANY($1::int[]) ORDER BY id",
        ids,
    ):
        out[row["report_id"]].issues.append(Issue(row["code"], row["severity"], row["line"], row["message"]))
    return out


@dataclass(frozen=True, slots=True)
class CheckFinding:
    """One check that did not pass, as ``xxgk check`` lists it."""

    code: str
    severity: str
    cross_year: bool
    location: str
    expected: Decimal | None
    actual: Decimal | None
    message: str


@dataclass(frozen=True, slots=True)
class ReportFindings:
    """A report and its findings of one severity."""

    report_id: int
    agency_name: str
    year: int
    source_uri: str
    findings: list[CheckFinding]


@dataclass(slots=True)
class CheckOverview:
    """What ``xxgk check`` prints: counts over every matching report, and the reports listed per severity."""

    reports: int = 0
    # severity → (reports with at least one such finding, findings)
    counts: dict[str, tuple[int, int]] = field(default_factory=dict)
    listed: dict[str, list[ReportFindings]] = field(default_factory=dict)


SEVERITIES = ("error", "warning")  # failed identities first, then anomaly warnings


async def check_overview(url: str, *, agency: str | None, year: int | None, limit: int) -> CheckOverview:
    """Failed checks of the stored reports matching ``agency`` (part of the name) and ``year``.

    Counts cover every matching report; at most ``limit`` reports are listed per severity, those with the
    most findings first.
    """
    where: list[str] = ["TRUE"]
    args: list[Any] = []
    if agency:
        args.append(f"%{agency}%")
        where.append(f"a.name LIKE ${len(args)}")
    if year:
        args.append(year)
        where.append(f"r.year = ${len(args)}")
    cond = " AND ".join(where)
    matching = f"FROM report r JOIN agency a ON a.id = r.agency_id WHERE {cond}"
    out = CheckOverview()
    conn = await asyncpg.connect(dsn(url))
    try:
        out.reports = await conn.fetchval(f"SELECT count(*) {matching}", *args)
        for row in await conn.fetch(
                f"SELECT c.severity, count(DISTINCT c.report_id) AS reports, count(*) AS findings "
                f"FROM check_result c JOIN report r ON r.id = c.report_id JOIN agency a ON a.id = r.agency_id "
                f"WHERE {cond} AND c.status = 'failed' GROUP BY c.severity", *args):
            out.counts[row["severity"]] = (row["reports"], row["findings"])
        severity_arg = f"${len(args) + 1}"
        for severity in SEVERITIES:
            heads = await conn.fetch(
                f"SELECT r.id, r.year, a.name, r.source_uri, n.findings FROM (SELECT c.report_id, count(*) AS findings "
                f"FROM check_result c WHERE c.status = 'failed' AND c.severity = {severity_arg} GROUP BY c.report_id) n "
                f"JOIN report r ON r.id = n.report_id JOIN agency a ON a.id = r.agency_id WHERE {cond} "
                f"ORDER BY n.findings DESC, a.name, r.year, r.id LIMIT {int(limit)}", *args, severity)
            rows = await conn.fetch(
                "SELECT report_id, code, severity, cross_year, location, expected, actual, message FROM check_result "
                "WHERE status = 'failed' AND severity = $2 AND report_id = ANY($1::int[]) "
                "ORDER BY report_id, code, location, id", [h["id"] for h in heads], severity)
            by_report: dict[int, list[CheckFinding]] = {}
            for r in rows:
                by_report.setdefault(r["report_id"], []).append(CheckFinding(
                    r["code"], r["severity"], r["cross_year"], r["location"], r["expected"], r["actual"],
                    r["message"]))
            out.listed[severity] = [ReportFindings(h["id"], h["name"], h["year"], h["source_uri"],
                                                   by_report.get(h["id"], [])) for h in heads]
    finally:
        await conn.close()
    return out
