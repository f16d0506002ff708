"""Every root field, nested types, filters, ordering and pagination, against a loaded database."""

from __future__ import annotations

import pytest

REPORT_NODE = "id year template agency { name }"


async def _reports(api, filter: str, extra: str = "") -> list[dict]:
    """Reports of the filter, real and synthetic alike (the synthetic agencies hold most of the test data)."""
    filter = filter if "synthetic" in filter else f"includeSynthetic: true, {filter}"
    data = await api.data(f"{{ reports(first: 100, filter: {{{filter}}}) {{ totalCount edges {{ node {{ {REPORT_NODE} {extra} }} }} }} }}")
    nodes = [e["node"] for e in data["reports"]["edges"]]
    assert data["reports"]["totalCount"] == len(nodes)
    return nodes


async def _report_id(api, agency: str, year: int) -> int:
    nodes = await _reports(api, f'search: "{agency}", year: {year}')
    assert len(nodes) == 1, nodes
    return nodes[0]["id"]


async def test_years_list_each_year_with_its_template_and_count(api):
    data = await api.data("{ years(filter: {includeSynthetic: true}) { year template reportCount } }")
    # Seeds: 2021, 2020, 2022, 2021, 2024; synthetic: 胡家镇 and 南坝镇 2019–2024, 平田乡 2019–2023, 生态环境局 2020–2023.
    assert data["years"] == [
        {"year": 2019, "template": "T2019", "reportCount": 3},
        {"year": 2020, "template": "T2019", "reportCount": 5},
        {"year": 2021, "template": "T2021", "reportCount": 6},
        {"year": 2022, "template": "T2021", "reportCount": 5},
        {"year": 2023, "template": "T2021", "reportCount": 4},
        {"year": 2024, "template": "T2021", "reportCount": 3},
    ]


async def test_report_by_id_carries_source_and_typed_proactive_of_2021(api):
    report_id = await _report_id(api, "红椿镇", 2021)
    data = await api.data(
        """query($id: Int!) { report(id: $id) { year template title source { uri format sha256 parserVersion }
             proactive { __typename ... on Proactive2021 { licensing { decisions } penalties { decisions }
                         enforcement { decisions } regulations { issued repealed inForce } } } } }""",
        {"id": report_id},
    )
    report = data["report"]
    assert report["template"] == "T2021" and report["title"].startswith("红椿镇2021年")
    assert report["source"]["uri"] == "fixture:003_f873e43823df0c69.txt" and len(report["source"]["sha256"]) == 64
    # As printed in the fixture's §2: 行政许可 40, 行政处罚 7, 行政强制 0; 规章 0 / 0 / 0.
    assert report["proactive"] == {
        "__typename": "Proactive2021",
        "licensing": {"decisions": 40},
        "penalties": {"decisions": 7},
        "enforcement": {"decisions": 0},
        "regulations": {"issued": 0, "repealed": 0, "inForce": 0},
    }


async def test_unknown_report_is_null(api):
    assert (await api.data("{ report(id: 999999) { id } }"))["report"] is None


async def test_2019_report_has_the_2019_shapes(api):
    report_id = await _report_id(api, "胡家镇", 2019)
    data = await api.data(
        """query($id: Int!) { report(id: $id) { template
             proactive { __typename ... on Proactive2019 { procurement { items amount } otherServices { change } } }
             applications { rows { key label } other: row(key: "other") { label } fee: row(key: "other_unpaid_fee") { key } }
             reviews { review { upheld corrected other pending total } } } }""",
        {"id": report_id},
    )
    report = data["report"]
    assert report["template"] == "T2019" and report["proactive"]["__typename"] == "Proactive2019"
    keys = [row["key"] for row in report["applications"]["rows"]]
    assert len(keys) == 23 and keys[0] == "new_received" and keys[-1] == "carried_forward"
    assert report["applications"]["other"]["label"] == "（六）其他处理"
    assert report["applications"]["fee"] is None  # no such row in the 2019 template
    review = report["reviews"]["review"]
    # Synthetic reports are consistent unless told otherwise: identity 4.
    assert review["upheld"] + review["corrected"] + review["other"] + review["pending"] == review["total"]


async def test_application_rows_balance_and_unknown_row_is_refused(api):
    report_id = await _report_id(api, "南坝镇", 2021)
    data = await api.data(
        """query($id: Int!) { report(id: $id) { applications { rows { key naturalPerson commercialEnterprise
             researchInstitution publicInterestOrg legalServiceOrg otherOrg total } } } }""",
        {"id": report_id},
    )
    rows = {row["key"]: row for row in data["report"]["applications"]["rows"]}
    assert len(rows) == 25
    for row in rows.values():  # identity 2: the six applicant columns add up to the total
        assert sum(v for k, v in row.items() if k not in ("key", "total")) == row["total"]
    assert rows["new_received"]["total"] + rows["carried_over"]["total"] == (
        rows["outcome_total"]["total"] + rows["carried_forward"]["total"]
    )
    message = await api.error(
        'query($id: Int!) { report(id: $id) { applications { row(key: "bogus") { total } } } }', {"id": report_id}
    )
    assert "unknown §3 row 'bogus'" in message


async def test_previous_and_next_are_the_same_agencys_adjacent_years(api):
    report_id = await _report_id(api, "胡家镇", 2021)
    data = await api.data(
        """query($id: Int!) { report(id: $id) { year agency { name }
             previous { year agency { name } previous { year previous { year previous { year } } } } next { year } } }""",
        {"id": report_id},
    )
    report = data["report"]
    assert report["previous"]["year"] == 2020 and report["previous"]["agency"]["name"] == "【合成】胡家镇"
    assert report["next"]["year"] == 2022
    assert report["previous"]["previous"]["year"] == 2019
    assert report["previous"]["previous"]["previous"] is None


async def test_consistency_lists_the_failed_check_of_a_faulty_report(api):
    report_id = await _report_id(api, "胡家镇", 2020)
    data = await api.data(
        """query($id: Int!) { report(id: $id) { consistency { ok failed passed
             checks(status: failed) { code status severity location description crossYear } } } }""",
        {"id": report_id},
    )
    consistency = data["report"]["consistency"]
    assert consistency["ok"] is False and consistency["failed"] >= 1 and consistency["passed"] > 0
    codes = {check["code"] for check in consistency["checks"]}
    assert "S3_ROW_SUM" in codes
    assert all(check["status"] == "failed" for check in consistency["checks"])
    everything = await api.data(
        """query($id: Int!) { report(id: $id) { consistency { passed failed notCheckable warnings
             checks { status severity crossYear code } } } }""",
        {"id": report_id},
    )
    summary = everything["report"]["consistency"]
    checks = summary["checks"]
    # Passed checks are listed too; error failures and warnings are counted apart.
    assert len(checks) == summary["passed"] + summary["failed"] + summary["notCheckable"] + summary["warnings"]
    assert sum(c["status"] == "passed" for c in checks) == summary["passed"]
    # 2020 follows 2019 for the same agency: the carried-over check across years is there.
    assert any(c["crossYear"] and c["code"] == "X_CARRIED_FORWARD" for c in checks)


async def test_agency_by_id_and_by_name_and_region(api):
    found = await api.data('{ agencies(filter: {search: "胡家镇", includeSynthetic: true}) '
                           '{ edges { node { id name kind region { code } } } } }')
    node = found["agencies"]["edges"][0]["node"]
    assert node["kind"] == "township" and node["region"]["code"] == "511722"  # 宣汉县
    by_id = await api.data(f'{{ agency(id: {node["id"]}) {{ name }} }}')
    assert by_id["agency"]["name"] == "【合成】胡家镇"  # a lookup by id answers for a synthetic agency too
    by_name = await api.data('{ agency(name: "【合成】胡家镇", regionCode: "511722") { id } }')
    assert by_name["agency"]["id"] == node["id"]
    assert (await api.data('{ agency(name: "胡家镇", regionCode: "110101") { id } }'))["agency"] is None
    assert "needs an id" in await api.error('{ agency(name: "胡家镇") { id } }')


async def test_agency_reports_report_and_data_quality(api):
    data = await api.data(
        """{ agency(name: "【合成】胡家镇", regionCode: "511722") {
             all: reports { totalCount edges { node { year } } }
             some: reports(years: [2020, 2021]) { totalCount edges { node { year } } }
             paged: reports(first: 2) { edges { node { year } } pageInfo { hasNextPage } }
             report(year: 2023) { year } missing: report(year: 2018) { year }
             dataQuality { reports inconsistentReports checksPassed checksFailed passRate } } }"""
    )
    agency = data["agency"]
    assert [e["node"]["year"] for e in agency["all"]["edges"]] == [2019, 2020, 2021, 2022, 2023, 2024]
    assert agency["some"]["totalCount"] == 2
    assert [e["node"]["year"] for e in agency["paged"]["edges"]] == [2019, 2020]
    assert agency["paged"]["pageInfo"]["hasNextPage"] is True
    assert agency["report"]["year"] == 2023 and agency["missing"] is None
    quality = agency["dataQuality"]
    assert quality["reports"] == 6 and quality["inconsistentReports"] >= 1  # 2020 has a broken row sum
    assert 0 < quality["passRate"] < 1
    assert quality["passRate"] == quality["checksPassed"] / (quality["checksPassed"] + quality["checksFailed"])


async def test_regions_nest_three_levels_deep(api):
    data = await api.data(
        """{ region(code: "510000") { name level parent { code }
             children { code children { code name agencies(first: 5, includeSynthetic: true) { totalCount edges { node { name
               reports(years: [2024], first: 1) { edges { node { year applications { row(key: "new_received") { total } } } } } } } } } } } }"""
    )
    sichuan = data["region"]
    assert sichuan["name"] == "四川省" and sichuan["level"] == "province" and sichuan["parent"] is None
    dazhou = next(c for c in sichuan["children"] if c["code"] == "511700")
    xuanhan = next(c for c in dazhou["children"] if c["code"] == "511722")
    names = sorted(e["node"]["name"] for e in xuanhan["agencies"]["edges"])
    assert names == ["【合成】南坝镇", "【合成】胡家镇"]
    for edge in xuanhan["agencies"]["edges"]:
        (report,) = [e["node"] for e in edge["node"]["reports"]["edges"]]
        assert report["year"] == 2024 and isinstance(report["applications"]["row"]["total"], int)


async def test_regions_list_by_level_and_parent(api):
    data = await api.data('{ regions(level: province, first: 100) { totalCount edges { node { code name } } } }')
    codes = {e["node"]["code"] for e in data["regions"]["edges"]}
    assert {"510000", "500000", "610000"} <= codes
    assert all(code.endswith("0000") for code in codes)
    children = await api.data('{ regions(parentCode: "500000") { edges { node { code level } } } }')
    assert {"code": "500236", "level": "county"} in [e["node"] for e in children["regions"]["edges"]]


async def test_filters_by_year_range_template_kind_search(api):
    synthetic = "synthetic: true"
    assert len(await _reports(api, f"{synthetic}, year: 2021")) == 4
    assert len(await _reports(api, f"{synthetic}, yearFrom: 2023")) == 6
    assert len(await _reports(api, f"{synthetic}, yearTo: 2019")) == 3
    assert len(await _reports(api, f"{synthetic}, yearFrom: 2020, yearTo: 2021")) == 8
    assert len(await _reports(api, f'{synthetic}, template: T2019')) == 7
    assert {n["agency"]["name"] for n in await _reports(api, f'{synthetic}, kind: department')} == {"【合成】生态环境局"}
    assert len(await _reports(api, f'{synthetic}, search: "胡家"')) == 6
    assert len(await _reports(api, "synthetic: false")) == 5
    assert "Allowed values: T2019, T2021." in await api.error('{ reports(filter: {template: T2020}) { totalCount } }')


async def test_region_filter_takes_any_level_and_its_descendants(api):
    for code in ("510000", "511700", "511722"):  # province, city, county of 宣汉县
        nodes = await _reports(api, f'synthetic: true, regionCode: "{code}"')
        assert {n["agency"]["name"] for n in nodes} == {"【合成】胡家镇", "【合成】南坝镇"} and len(nodes) == 12
    # 奉节县 sits directly under 重庆市: the province still finds it.
    assert len(await _reports(api, 'synthetic: true, regionCode: "500000"')) == 5
    assert await _reports(api, 'regionCode: "110000"') == []


async def test_consistency_filters(api):
    failing = await _reports(api, 'synthetic: true, failedCheck: "S3_ROW_SUM"')
    assert {(n["agency"]["name"], n["year"]) for n in failing} == {("【合成】胡家镇", 2020), ("【合成】平田乡人民政府", 2021)}
    group_sum = await _reports(api, 'synthetic: true, failedCheck: "S4_GROUP_SUM"')
    assert {(n["agency"]["name"], n["year"]) for n in group_sum} == {("【合成】南坝镇", 2022)}
    bad = await _reports(api, "hasInconsistency: true", "consistency { failed }")
    good = await _reports(api, "hasInconsistency: false", "consistency { failed }")
    assert all(n["consistency"]["failed"] > 0 for n in bad) and all(n["consistency"]["failed"] == 0 for n in good)
    assert len(bad) + len(good) == 26
    assert {n["id"] for n in failing} <= {n["id"] for n in bad}
    assert "unknown check code" in await api.error('{ reports(filter: {failedCheck: "NOPE"}) { totalCount } }')


async def test_issue_filter(api):
    with_issues = await _reports(api, "hasIssues: true", "issues { code severity line message }")
    without = await _reports(api, "hasIssues: false", "issues { code }")
    assert all(n["issues"] for n in with_issues) and not any(n["issues"] for n in without)
    assert len(with_issues) + len(without) == 26


async def test_agencies_filter_by_report_fields(api):
    data = await api.data('{ agencies(filter: {failedCheck: "S4_GROUP_SUM", includeSynthetic: true}) '
                          '{ totalCount edges { node { name } } } }')
    assert [e["node"]["name"] for e in data["agencies"]["edges"]] == ["【合成】南坝镇"]
    everyone = await api.data('{ agencies(filter: {synthetic: true}, orderBy: NAME) { totalCount } }')
    assert everyone["agencies"]["totalCount"] == 4


async def test_order_by(api):
    data = await api.data("{ reports(first: 100, orderBy: YEAR_DESC) { edges { node { year id } } } }")
    years = [e["node"]["year"] for e in data["reports"]["edges"]]
    assert years == sorted(years, reverse=True) and years[0] == 2024
    data = await api.data("{ reports(first: 100, orderBy: AGENCY_NAME) { edges { node { agency { name } } } } }")
    names = [e["node"]["agency"]["name"] for e in data["reports"]["edges"]]
    assert names == sorted(names)


async def test_pagination_boundaries(api):
    zero = await api.data("{ reports(first: 0, filter: {includeSynthetic: true}) "
                          "{ totalCount edges { cursor } pageInfo { hasNextPage endCursor } } }")
    assert zero["reports"] == {"totalCount": 26, "edges": [], "pageInfo": {"hasNextPage": True, "endCursor": None}}
    hundred = await api.data("{ reports(first: 100, filter: {includeSynthetic: true}) "
                             "{ edges { cursor } pageInfo { hasNextPage hasPreviousPage } } }")
    assert len(hundred["reports"]["edges"]) == 26
    assert hundred["reports"]["pageInfo"] == {"hasNextPage": False, "hasPreviousPage": False}
    default = await api.data("{ reports(filter: {includeSynthetic: true}) { edges { cursor } } }")
    assert len(default["reports"]["edges"]) == 20
    assert "first must be between 0 and 100, got 101" in await api.error("{ reports(first: 101) { totalCount } }")
    assert "first must be between 0 and 100" in await api.error("{ reports(first: -1) { totalCount } }")
    assert "invalid cursor" in await api.error('{ reports(after: "not-a-cursor") { totalCount } }')


async def test_walking_the_pages_sees_every_report_once(api):
    seen: list[int] = []
    after = None
    while True:
        data = await api.data(
            "query($after: String) { reports(first: 7, after: $after, filter: {includeSynthetic: true}) "
            "{ edges { node { id } } "
            "pageInfo { hasNextPage hasPreviousPage endCursor } } }",
            {"after": after},
        )
        page = data["reports"]
        seen += [e["node"]["id"] for e in page["edges"]]
        assert page["pageInfo"]["hasPreviousPage"] is (after is not None)
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == 26 and len(set(seen)) == 26 and seen == sorted(seen)


async def test_matrix_holds_the_same_cells_as_the_rows(api):
    report_id = await _report_id(api, "南坝镇", 2021)
    data = await api.data(
        """query($id: Int!) { report(id: $id) { applications { matrix rows { key naturalPerson commercialEnterprise
             researchInstitution publicInterestOrg legalServiceOrg otherOrg total } } } }""",
        {"id": report_id},
    )
    apps = data["report"]["applications"]
    matrix = apps["matrix"]
    assert list(matrix)[:2] == ["newReceived", "carriedOver"] and len(matrix) == 25
    for row in apps["rows"]:
        key = row.pop("key")
        camel = key.split("_")[0] + "".join(p.title() for p in key.split("_")[1:])
        assert matrix[camel] == row


async def test_matrix_of_seed_000_reads_zero_applications(api):
    # Seed 000 line 50: 一、本年新收政府信息公开申请数量 0 0 0 0 0 0 0.
    report_id = await _report_id(api, "官渡镇", 2021)
    data = await api.data('query($id: Int!) { report(id: $id) { applications { matrix } } }', {"id": report_id})
    assert data["report"]["applications"]["matrix"]["newReceived"]["total"] == 0


@pytest.mark.parametrize("order, worst_first", [("PASS_RATE", True), ("PASS_RATE_DESC", False)])
async def test_agencies_sort_by_data_quality_with_unscored_last(api, order, worst_first):
    data = await api.data(f"{{ agencies(first: 100, orderBy: {order}, filter: {{includeSynthetic: true}}) "
                          "{ edges { node { dataQuality { passRate } } } } }")
    rates = [e["node"]["dataQuality"]["passRate"] for e in data["agencies"]["edges"]]
    scored = [r for r in rates if r is not None]
    assert rates[: len(scored)] == scored  # nothing checkable: at the end
    assert scored == sorted(scored, reverse=not worst_first)
    assert len(set(scored)) > 1  # the fixture data has agencies of different quality
