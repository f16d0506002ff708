"""``xxgk check``: the failed consistency checks of stored reports, for people."""

from __future__ import annotations

import asyncpg

from db.writer import dsn


async def failed_checks(url: str, *, agency: str | None, year: int | None, limit: int
                        ) -> tuple[int, list[tuple[str, list[str]]]]:
    """How many reports match, and for those with failures: a heading and one line per failed check."""
    where, args = ["TRUE"], []
    if agency:
        args.append(f"%{agency}%")
        where.append(f"a.name LIKE ${len(args)}")
    if year:
        args.append(year)
        where.append(f"r.year = ${len(args)}")
    cond = " AND ".join(where)
    conn = await asyncpg.connect(dsn(url))
    try:
        checked = await conn.fetchval(f"SELECT count(*) FROM report r JOIN agency a ON a.id = r.agency_id WHERE {cond}",
                                      *args)
        heads = await conn.fetch(
            f"SELECT r.id, r.year, r.checks_failed, r.warnings, a.name, r.source_uri FROM report r "
            f"JOIN agency a ON a.id = r.agency_id WHERE {cond} AND (r.checks_failed > 0 OR r.warnings > 0) "
            f"ORDER BY a.name, r.year LIMIT {int(limit)}", *args)
        rows = await conn.fetch(
            "SELECT report_id, code, severity, location, message FROM check_result "
            "WHERE status = 'failed' AND report_id = ANY($1::int[]) ORDER BY report_id, severity, code, location",
            [h["id"] for h in heads])
    finally:
        await conn.close()
    by_report: dict[int, list[str]] = {}
    for r in rows:
        by_report.setdefault(r["report_id"], []).append(f"{r['severity']:<7} {r['code']} {r['location']}: {r['message']}")
    out = [(f"{h['name']} {h['year']} (report {h['id']}, {h['checks_failed']} failed, {h['warnings']} warning(s)) "
            f"{h['source_uri']}", by_report.get(h["id"], [])) for h in heads]
    return checked, out
