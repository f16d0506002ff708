"""``summary_rollup``: the writer keeps it equal to the raw aggregation, and ``summary`` reads it when it can.

The raw side is computed here independently (GROUP BY over report, agency, application_outcome and
review_litigation) and compared cell by cell with the rollup's sums and non-null counts.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest
from conftest import Api, load_seeds, load_synthetic, open_api
from sqlalchemy import event

import api.aggregates
import api.queries
from db import models, rollup
from db.engine import dsn
from db.writer import Source, store_reports
from loaders.canonical import APPLICANT_COLUMNS, REVIEW_RESULTS, Report
from synthetic import generate, mark_synthetic

KEY = "r.year, r.template, a.kind, coalesce(a.region_code, ''), a.synthetic"


async def _fetch(url: str, query: str, *args: Any) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(dsn(url))
    try:
        return await conn.fetch(query, *args)
    finally:
        await conn.close()


async def _raw(url: str) -> tuple[dict, dict]:
    """Per rollup key: (reports, inconsistent); per (key, row or group, column): (sum, non-null count)."""
    counts = {
        tuple(row)[:5]: (row["n"], row["bad"])
        for row in await _fetch(url, f"SELECT {KEY}, count(*) AS n, count(*) FILTER (WHERE r.checks_failed > 0) AS bad "
                                     f"FROM report r JOIN agency a ON a.id = r.agency_id GROUP BY {KEY}")
    }
    cells = {}
    for table, key_column, columns in (("application_outcome", "row_key", APPLICANT_COLUMNS),
                                       ("review_litigation", '"group"', REVIEW_RESULTS)):
        aggregates = ", ".join(f'sum(t."{c}") AS "s_{c}", count(t."{c}") AS "n_{c}"' for c in columns)
        for row in await _fetch(url, f"SELECT {KEY}, t.{key_column} AS k, {aggregates} FROM report r "
                                     f"JOIN agency a ON a.id = r.agency_id JOIN {table} t ON t.report_id = r.id "
                                     f"GROUP BY {KEY}, t.{key_column}"):
            for c in columns:
                if row[f"n_{c}"]:
                    cells[(*tuple(row)[:5], row["k"], c)] = (row[f"s_{c}"], row[f"n_{c}"])
    return counts, cells


async def _rolled(url: str, grain: str = "region") -> tuple[dict, dict]:
    counts, cells = {}, {}
    for row in await _fetch(url, "SELECT * FROM summary_rollup WHERE grain = $1", grain):
        key = (row["year"], row["template"], row["kind"], row["region_code"], row["synthetic"])
        counts[key] = (row["reports"], row["inconsistent_reports"])
        for name, value in row.items():
            if "__" in name and not name.startswith("n__"):
                section, column = name.split("__")
                n = row[f"n__{name}"]
                assert (value is None) == (n == 0), (key, name, value, n)  # null exactly while nothing is counted
                if n:
                    cells[(*key, section, column)] = (value, n)
    return counts, cells


async def _assert_rollup_is_raw(url: str) -> None:
    raw_counts, raw_cells = await _raw(url)
    counts, cells = await _rolled(url)
    assert counts == raw_counts
    assert cells == raw_cells
    assert all(n > 0 for n, _ in counts.values())  # a group with no report left is deleted
    # The province grain: the same, with the agency's region replaced by its province.
    province = {row["code"]: row["province"] for row in await _fetch(url, PROVINCES)}
    by_province: dict = {}
    for (year, template, kind, region, synthetic), (n, bad) in raw_counts.items():
        key = (year, template, kind, province.get(region, ""), synthetic)
        reports, inconsistent = by_province.get(key, (0, 0))
        by_province[key] = (reports + n, inconsistent + bad)
    assert (await _rolled(url, "province"))[0] == by_province


# Each region code with its province: itself, or one or two parents up (the fixtures go down to counties).
PROVINCES = """SELECT r.code, coalesce(CASE WHEN r.level = 'province' THEN r.code END,
                    CASE WHEN p.level = 'province' THEN p.code END, pp.code) AS province
               FROM region r LEFT JOIN region p ON p.code = r.parent_code LEFT JOIN region pp ON pp.code = p.parent_code"""


_TOTAL = """query($f: ReportFilter) { reports(first: 1, orderBy: YEAR_DESC, filter: $f) { totalCount edges { node { id } } } }"""


async def _assert_total_counts_are_exact(url: str) -> None:
    """``reports { totalCount }``, summed from the rollup, equals ``count(*)`` over the reports for each year."""
    client_api, client = await open_api(url, response_cache_mb=0)
    try:
        counts = {row["year"]: (row["n"], row["real"]) for row in await _fetch(
            url, "SELECT r.year, count(*) AS n, count(*) FILTER (WHERE NOT a.synthetic) AS real "
                 "FROM report r JOIN agency a ON a.id = r.agency_id GROUP BY r.year")}
        for year in range(2019, 2026):
            n, real = counts.get(year, (0, 0))
            for f, want in (({"year": year, "includeSynthetic": True}, n), ({"year": year}, real)):
                assert (await client_api.data(_TOTAL, {"f": f}))["reports"]["totalCount"] == want, (f, want)
        assert (await client_api.data(_TOTAL, {"f": {"includeSynthetic": True}}))["reports"]["totalCount"] == sum(
            n for n, _ in counts.values())
    finally:
        await client.aclose()
        await client_api.app.state.xxgk.dispose()


async def _store(url: str, items: list[tuple[Report, Source]]) -> list[str]:
    return [r.status for r in await store_reports(url, items)]


def _synthetic(report: Report, tag: str) -> tuple[Report, Source]:
    uri = f"synthetic:{report.agency_name}/{report.year}/{tag}"
    text = uri + repr(report.to_json())
    return report, Source(uri, "synthetic", hashlib.sha256(text.encode()).hexdigest(), True, text, "test")


async def test_rollup_equals_raw_after_loads_and_rebuild(db_url):
    await load_seeds(db_url)
    await load_synthetic(db_url)
    await _assert_rollup_is_raw(db_url)
    await _assert_total_counts_are_exact(db_url)
    counts, _ = await _rolled(db_url)
    assert sum(n for n, _ in counts.values()) == 26
    before = await _fetch(db_url, "SELECT * FROM summary_rollup ORDER BY grain, year, template, kind, region_code, synthetic")
    conn = await asyncpg.connect(dsn(db_url))
    try:
        await rollup.rebuild(conn)
    finally:
        await conn.close()
    after = await _fetch(db_url, "SELECT * FROM summary_rollup ORDER BY grain, year, template, kind, region_code, synthetic")
    assert [dict(r) for r in after] == [dict(r) for r in before]


async def test_rollup_follows_a_replaced_report(db_url):
    await load_synthetic(db_url)
    old = mark_synthetic(generate(7, year=2021, agency_name="胡家镇", region_hint="宣汉县"))
    new = copy.deepcopy(old)
    # Blank one cell and change another: the sum must drop the old value, and the count the blank.
    new.applications["granted"]["natural_person"] = None
    new.applications["new_received"]["total"] = (old.applications["new_received"]["total"] or 0) + 1000
    assert await _store(db_url, [_synthetic(old, "v1")]) == ["replaced"]  # replaces load_synthetic's 胡家镇 2021
    assert await _store(db_url, [_synthetic(new, "v2")]) == ["replaced"]
    await _assert_rollup_is_raw(db_url)
    await _assert_total_counts_are_exact(db_url)


async def test_rollup_deletes_a_group_left_without_reports(db_url):
    await load_seeds(db_url)
    [(rid, key)] = await _fetch(db_url, f"SELECT r.id, ({KEY}) FROM report r JOIN agency a ON a.id = r.agency_id "
                                        "ORDER BY r.id LIMIT 1")
    conn = await asyncpg.connect(dsn(db_url))
    try:
        async with conn.transaction():
            emptied = await rollup.remove(conn, [rid])
            assert ("region", *key) in emptied  # the seeds have one report per region and year
            await rollup.prune(conn, emptied)
            left = await conn.fetch("SELECT grain, year, template, kind, region_code, synthetic FROM summary_rollup")
            assert {tuple(row) for row in left} & set(emptied) == set()
            assert await conn.fetchval("SELECT count(*) FROM summary_rollup WHERE reports = 0") == 0
            raise _Rollback
    except _Rollback:
        pass
    finally:
        await conn.close()


class _Rollback(Exception):
    pass


async def test_rollup_follows_inconsistency_flipped_by_a_neighbouring_year(db_url):
    later = generate(11, year=2022, agency_name="胡家镇", region_hint="宣汉县")
    earlier = generate(12, year=2021, agency_name="胡家镇", region_hint="宣汉县")
    for category in ("regulations", "normative_documents"):
        earlier.proactive[category]["in_force"] = None  # X_IN_FORCE not checkable: only carried-forward decides
    matching = copy.deepcopy(earlier)
    matching.applications["carried_forward"] = dict(later.applications["carried_over"])
    broken = copy.deepcopy(matching)
    broken.applications["carried_forward"]["natural_person"] += 1

    async def later_failed() -> int:
        return (await _fetch(db_url, "SELECT checks_failed FROM report WHERE year = 2022"))[0][0]

    assert await _store(db_url, [_synthetic(later, "2022")]) == ["loaded"]
    assert await later_failed() == 0
    assert await _store(db_url, [_synthetic(broken, "broken")]) == ["loaded"]
    assert await later_failed() > 0  # 2022's carried-over no longer matches 2021's carried-forward
    await _assert_rollup_is_raw(db_url)
    assert await _store(db_url, [_synthetic(matching, "matching")]) == ["replaced"]
    assert await later_failed() == 0
    await _assert_rollup_is_raw(db_url)


async def test_a_document_read_again_into_another_year_leaves_the_next_year_without_its_previous(db_url):
    """Read again (``reparse``) with another year, a document leaves its old place: the report of the year
    after that place loses its cross-year results and, with them, its inconsistency."""
    later = generate(11, year=2022, agency_name="胡家镇", region_hint="宣汉县")
    earlier = generate(12, year=2021, agency_name="胡家镇", region_hint="宣汉县")
    earlier.applications["carried_forward"] = dict(later.applications["carried_over"])
    earlier.applications["carried_forward"]["natural_person"] += 1  # 2022's carried-over disagrees
    report, source = _synthetic(earlier, "2021")
    assert await _store(db_url, [_synthetic(later, "2022"), (report, source)]) == ["loaded", "loaded"]

    async def state_of_2022() -> tuple[int, int, str]:
        [row] = await _fetch(db_url, "SELECT r.checks_failed, r.cross_checks::text AS cross, (SELECT count(*) "
                                     "FROM check_result c WHERE c.report_id = r.id AND c.cross_year) AS n "
                                     "FROM report r WHERE r.year = 2022")
        return row["checks_failed"], row["n"], row["cross"]

    failed, cross_rows, cross = await state_of_2022()
    assert failed > 0 and cross_rows > 0 and "X_CARRIED_FORWARD" in cross
    moved = copy.deepcopy(earlier)
    moved.year = 2024  # the same bytes, now read as 2024's: no neighbour of 2022 any more
    assert [r.status for r in await store_reports(db_url, [(moved, source)], reparse=True)] == ["replaced"]

    assert await state_of_2022() == (0, 0, "[]")
    years = await _fetch(db_url, "SELECT r.year, r.sha256 FROM report r ORDER BY r.year")
    assert [(r["year"], r["sha256"] == source.sha256) for r in years] == [(2022, False), (2024, True)]
    await _assert_rollup_is_raw(db_url)
    await _assert_total_counts_are_exact(db_url)  # 2021 lost its report, 2024 gained it


SUMMARY = """query($groupBy: [SummaryDimension!], $filter: ReportFilter) { summary(groupBy: $groupBy, filter: $filter) {
  year kind template province { code } city { code } county { code } reports inconsistentReports
  applications { rows { key naturalPerson commercialEnterprise researchInstitution publicInterestOrg legalServiceOrg
  otherOrg total } } reviews { review { upheld corrected other pending total } litigationDirect { upheld total }
  litigationAfterReview { other pending total } } } }"""


@pytest.fixture(scope="module")
async def observed(loaded_url: str) -> AsyncIterator[tuple[Api, list[str]]]:
    """The API over the loaded database, and the SQL statements it ran (cleared by each test).

    Without the response cache: every request runs its statements; without a cost limit: a summary by every
    dimension, which the limit refuses, is compared here too.
    """
    client_api, client = await open_api(loaded_url, response_cache_mb=0, max_query_cost=10**9)
    statements: list[str] = []
    engine = client_api.app.state.xxgk.read_engine.sync_engine

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    reads = client_api.app.state.xxgk.reads
    reads.loggers.append(statements.append)  # the rollup is read through the read pool
    yield client_api, statements
    reads.loggers.remove(statements.append)
    event.remove(engine, "before_cursor_execute", record)
    await client.aclose()
    await client_api.app.state.xxgk.dispose()


@pytest.mark.parametrize(
    ("group_by", "filter"),
    [
        ([], None),
        (["YEAR", "PROVINCE"], None),
        (["PROVINCE", "CITY", "COUNTY", "KIND", "TEMPLATE", "YEAR"], {"synthetic": True}),
        (["COUNTY"], {"regionCode": "510000", "yearFrom": 2020, "yearTo": 2023}),  # a province
        (["CITY", "YEAR"], {"regionCode": "511700", "template": "T2021", "includeSynthetic": True}),  # a city
        (["KIND"], {"regionCode": "500236", "synthetic": True}),  # a county of 重庆, under the province
        (["YEAR"], {"kind": "township", "year": 2022}),
        ([], {"year": 1990}),  # no report: one group of 0 reports, every sum null
        (["YEAR", "KIND"], {"includeSynthetic": True}),  # real and synthetic reports together
        (["TEMPLATE"], {"synthetic": False}),
    ],
)
async def test_summary_reads_the_rollup_and_answers_as_the_raw_rows_do(observed, monkeypatch, group_by, filter):
    client_api, statements = observed
    variables = {"groupBy": group_by, "filter": filter}
    statements.clear()
    from_rollup = await client_api.data(SUMMARY, variables)
    assert any("summary_rollup" in s for s in statements)
    assert not any("application_outcome" in s for s in statements)
    monkeypatch.setattr(api.aggregates, "rollup_answers", lambda f: False)
    statements.clear()
    from_rows = await client_api.data(SUMMARY, variables)
    assert not any("summary_rollup" in s for s in statements)
    assert from_rollup == from_rows
    assert from_rollup["summary"], "every case has at least one group"


@pytest.mark.parametrize("filter", [{"hasInconsistency": True}, {"search": "胡家"}, {"failedCheck": "S3_ROW_SUM"},
                                    {"hasIssues": False, "year": 2021}])
async def test_summary_filters_the_rollup_cannot_answer_use_the_rows(observed, loaded_url, filter):
    client_api, statements = observed
    statements.clear()
    groups = (await client_api.data(SUMMARY, {"groupBy": ["YEAR"], "filter": filter}))["summary"]
    assert not any("summary_rollup" in s for s in statements)
    assert sum("SET LOCAL work_mem" in s for s in statements) == 3  # one per statement over the raw rows
    assert sum(g["reports"] for g in groups) < 26  # narrowed, not the whole table


async def test_inconsistent_reports_by_year_match_sql(observed, loaded_url):
    client_api, _ = observed
    groups = (await client_api.data(SUMMARY, {"groupBy": ["YEAR"], "filter": {"includeSynthetic": True}}))["summary"]
    expected = await _fetch(loaded_url, "SELECT year, count(*) FILTER (WHERE checks_failed > 0) AS bad "
                                        "FROM report GROUP BY year ORDER BY year")
    assert [(g["year"], g["inconsistentReports"]) for g in groups] == [(r["year"], r["bad"]) for r in expected]
    assert sum(r["bad"] for r in expected) >= 3  # the three faults of conftest's synthetic agencies


_PROJECTED = [
    # A dashboard's chart: each row's total and one §4 total.
    ("{ summary(groupBy: [YEAR, PROVINCE]) { year applications { rows { key total } } reviews { review { total } } } }",
     None),
    # Aliases, fragments, one row by key, and several columns of a §4 group.
    ("""{ summary(groupBy: [YEAR]) { ...G } }
        fragment G on SummaryGroup {
          a: applications { rows { k: key naturalPerson } }
          applications { r: row(key: "new_received") { otherOrg total } __typename }
          reviews { ... on Reviews { litigationDirect { upheld pending } } }
        }""", None),
    ("query($k: String!) { summary(groupBy: [KIND]) { kind applications { row(key: $k) { label commercialEnterprise } } } }",
     {"k": "carried_over"}),
    ("{ summary(groupBy: [TEMPLATE]) { template applications { matrix } } }", None),
    ("{ summary { reports applications { __typename } reviews { __typename } } }", None),
]


@pytest.mark.parametrize(("query", "variables"), _PROJECTED)
async def test_summary_sums_only_what_the_query_reads_and_answers_the_same(observed, monkeypatch, query, variables):
    client_api, statements = observed
    statements.clear()
    projected = await client_api.data(query, variables)
    summed = [s.count("sum(summary_rollup.") for s in statements if "summary_rollup" in s]
    monkeypatch.setattr(api.queries, "wanted_cells", lambda fields: None)
    statements.clear()
    everything = await client_api.data(query, variables)
    assert [s.count("sum(summary_rollup.") for s in statements if "summary_rollup" in s] != summed or "matrix" in query
    assert projected == everything
    assert projected["summary"], "every case has at least one group"


async def test_summary_projection_sums_each_row_total_once(observed):
    client_api, statements = observed
    statements.clear()
    await client_api.data(_PROJECTED[0][0])
    (statement,) = [s for s in statements if "summary_rollup" in s]
    rows = {row for row, _, _ in models.ROLLUP_APPLICATION_CELLS}
    # reports, inconsistent reports, then one sum per §3 row total and the §4 review total.
    assert statement.count("sum(summary_rollup.") == 2 + len(rows) + 1
    assert all(f'"{row}__total"' in statement for row in rows)
    assert '"new_received__natural_person"' not in statement
