"""agencyRanking, failedChecks and the agencyId filter, against figures summed here from the reports the API lists."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pytest

RANK_NODE = """rank reports applications processed granted grantRate checksPassed checksFailed
               inconsistentReports passRate agency { id name }"""


def _all(filter: dict[str, Any] | None) -> dict[str, Any]:
    """The filter over real and synthetic reports alike (the synthetic agencies hold most of the test data)."""
    return {"includeSynthetic": True, **(filter or {})}


async def _reports(api, filter: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Every report the filter keeps, with the figures a ranking sums (page by page)."""
    nodes, after, filter = [], None, _all(filter)
    while True:
        data = await api.data(
            """query($filter: ReportFilter, $after: String) { reports(filter: $filter, first: 100, after: $after) {
                 pageInfo { hasNextPage endCursor }
                 edges { node { id agency { id name } consistency { passed failed }
                   applications { rows { key total } } } } } }""",
            {"filter": filter, "after": after},
        )
        page = data["reports"]
        nodes += [e["node"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return nodes
        after = page["pageInfo"]["endCursor"]


def _add(a: int | None, b: int | None) -> int | None:
    return a if b is None else b if a is None else a + b


def _expected(reports: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    """Per agency id: the sums agencyRanking should give, computed from the reports one by one."""
    out: dict[int, dict[str, Any]] = defaultdict(lambda: {
        "reports": 0, "applications": None, "processed": None, "granted": None,
        "checksPassed": 0, "checksFailed": 0, "inconsistentReports": 0})
    for report in reports:
        totals = {row["key"]: row["total"] for row in report["applications"]["rows"]}
        figures = out[report["agency"]["id"]]
        figures["reports"] += 1
        figures["applications"] = _add(figures["applications"], totals.get("new_received"))
        figures["processed"] = _add(figures["processed"], totals.get("outcome_total"))
        figures["granted"] = _add(_add(figures["granted"], totals.get("granted")), totals.get("partially_granted"))
        figures["checksPassed"] += report["consistency"]["passed"]
        figures["checksFailed"] += report["consistency"]["failed"]
        figures["inconsistentReports"] += report["consistency"]["failed"] > 0
    for figures in out.values():
        processed, checked = figures["processed"], figures["checksPassed"] + figures["checksFailed"]
        figures["grantRate"] = figures["granted"] / processed if processed and figures["granted"] is not None else None
        figures["passRate"] = figures["checksPassed"] / checked if checked else None
    return out


async def _ranking(api, by: str, ascending: bool = False, filter: dict[str, Any] | None = None,
                   first: int = 100, after: str | None = None) -> dict[str, Any]:
    data = await api.data(
        f"""query($filter: ReportFilter, $by: AgencyMeasure!, $asc: Boolean!, $first: Int, $after: String) {{
             agencyRanking(filter: $filter, by: $by, ascending: $asc, first: $first, after: $after) {{
               totalCount pageInfo {{ hasNextPage endCursor }} edges {{ node {{ {RANK_NODE} }} }} }} }}""",
        {"filter": _all(filter), "by": by, "asc": ascending, "first": first, "after": after},
    )
    return data["agencyRanking"]


def _sort_key(measure: str, ascending: bool):
    def key(item: tuple[int, dict[str, Any]]) -> tuple[Any, ...]:
        agency_id, figures = item
        value = figures[measure]
        # Nulls last whichever the direction; ties by agency id.
        return (value is None, 0 if value is None else (value if ascending else -value), agency_id)
    return key


@pytest.mark.parametrize(("measure", "field", "ascending", "filter"), [
    ("APPLICATIONS", "applications", False, None),
    ("APPLICATIONS", "applications", False, {"year": 2021}),
    ("GRANT_RATE", "grantRate", False, None),
    ("CHECKS_FAILED", "checksFailed", False, None),
    ("PASS_RATE", "passRate", True, None),
    ("REPORTS", "reports", False, {"regionCode": "510000"}),
])
async def test_ranking_orders_all_agencies_by_the_measure_over_the_filtered_reports(api, measure, field, ascending,
                                                                                    filter):
    expected = _expected(await _reports(api, filter))
    ranking = await _ranking(api, measure, ascending, filter)
    nodes = [e["node"] for e in ranking["edges"]]
    assert ranking["totalCount"] == len(expected) == len(nodes) > 1
    order = [agency_id for agency_id, _ in sorted(expected.items(), key=_sort_key(field, ascending))]
    assert [n["agency"]["id"] for n in nodes] == order
    assert [n["rank"] for n in nodes] == list(range(1, len(nodes) + 1))
    for node in nodes:
        figures = expected[node["agency"]["id"]]
        for name, value in figures.items():
            if isinstance(value, float):
                assert node[name] == pytest.approx(value), (node["agency"]["name"], name)
            else:
                assert node[name] == value, (node["agency"]["name"], name)


async def test_ranking_by_applications_puts_the_busiest_agency_first_and_pages_on(api):
    whole = [e["node"] for e in (await _ranking(api, "APPLICATIONS"))["edges"]]
    assert whole[0]["applications"] == max(n["applications"] or 0 for n in whole) > 0
    first = await _ranking(api, "APPLICATIONS", first=3)
    assert first["pageInfo"]["hasNextPage"] is True
    second = await _ranking(api, "APPLICATIONS", first=3, after=first["pageInfo"]["endCursor"])
    paged = [e["node"] for e in first["edges"] + second["edges"]]
    assert paged == whole[:6]
    assert [n["rank"] for n in paged] == [1, 2, 3, 4, 5, 6]


async def test_ranking_search_and_an_empty_filter(api):
    found = await _ranking(api, "APPLICATIONS", filter={"search": "镇"})
    names = [e["node"]["agency"]["name"] for e in found["edges"]]
    assert names and all("镇" in name for name in names)
    nothing = await _ranking(api, "APPLICATIONS", filter={"search": "没有这个机关"})
    assert nothing == {"totalCount": 0, "pageInfo": {"hasNextPage": False, "endCursor": None}, "edges": []}


async def test_agency_id_filter_keeps_one_agencys_reports_in_lists_and_summaries(api):
    ranking = await _ranking(api, "REPORTS")
    top = ranking["edges"][0]["node"]
    agency_id = top["agency"]["id"]
    reports = await _reports(api, {"agencyId": agency_id})
    assert len(reports) == top["reports"] > 1
    assert {r["agency"]["id"] for r in reports} == {agency_id}
    data = await api.data(
        """query($f: ReportFilter) { summary(filter: $f, groupBy: [YEAR]) { year reports
             applications { row(key: "new_received") { total } } } }""",
        {"f": {"agencyId": agency_id, "includeSynthetic": True}},
    )
    assert sum(g["reports"] for g in data["summary"]) == top["reports"]
    assert sum(g["applications"]["row"]["total"] or 0 for g in data["summary"]) == (top["applications"] or 0)


async def test_failed_checks_count_the_failing_reports_per_code(api):
    # The fixtures break S3_ROW_SUM in two synthetic reports and S4_GROUP_SUM in one (tests/api/conftest.py).
    data = await api.data(
        """{ failedChecks(filter: {includeSynthetic: true}) { code severity reports failures description descriptionZh }
             reports(first: 100, filter: {includeSynthetic: true}) {
               totalCount edges { node { id consistency { checks(status: failed) { code } } } } } }"""
    )
    assert data["reports"]["totalCount"] == len(data["reports"]["edges"])
    counted: dict[str, set[int]] = defaultdict(set)
    failures: dict[str, int] = defaultdict(int)
    for edge in data["reports"]["edges"]:
        for check in edge["node"]["consistency"]["checks"]:
            counted[check["code"]].add(edge["node"]["id"])
            failures[check["code"]] += 1
    got = {c["code"]: c for c in data["failedChecks"]}
    assert set(got) == set(counted) >= {"S3_ROW_SUM", "S4_GROUP_SUM"}
    for code, check in got.items():
        assert check["reports"] == len(counted[code]) and check["failures"] == failures[code]
    assert got["S3_ROW_SUM"]["descriptionZh"].startswith("§3 各行") and got["S3_ROW_SUM"]["description"]
    assert [c["reports"] for c in data["failedChecks"]] == sorted((c["reports"] for c in data["failedChecks"]),
                                                                  reverse=True)
    # Follows the filter: one code, or a year without failures.
    only = await api.data('{ failedChecks(filter: {failedCheck: "S4_GROUP_SUM", includeSynthetic: true}) '
                          '{ code reports } }')
    assert {c["code"] for c in only["failedChecks"]} >= {"S4_GROUP_SUM"}
    none = await api.data('{ failedChecks(filter: {search: "没有这个机关"}) { code } }')
    assert none["failedChecks"] == []
