"""Closed vocabularies are GraphQL enums: their values are the canonical ones, and a wrong one is refused with
the list of the right ones, in a literal and in variables alike."""

from __future__ import annotations

import pytest

from checks import CHECK_CODES
from loaders.agency_kind import KINDS
from loaders.canonical import TEMPLATES
from loaders.issues import ISSUE_CODES

ENUMS = """{ __schema { types { name kind enumValues { name } } } }"""


async def _enums(api) -> dict[str, list[str]]:
    types = (await api.data(ENUMS))["__schema"]["types"]
    return {t["name"]: [v["name"] for v in t["enumValues"]] for t in types if t["kind"] == "ENUM"}


async def test_enum_values_are_the_canonical_vocabulary(api):
    enums = await _enums(api)
    assert enums["AgencyKind"] == list(KINDS)
    assert enums["Template"] == [f"T{t}" for t in TEMPLATES]  # a GraphQL name cannot start with a digit
    assert enums["CheckStatus"] == ["passed", "failed", "not_checkable"]
    assert set(enums["CheckSeverity"]) == {c.severity for c in CHECK_CODES.values()} == {"error", "warning"}
    assert enums["IssueSeverity"] == ["error", "warning", "info"]
    assert enums["RegionLevel"] == ["province", "city", "county", "town"]
    assert enums["ParseIssueCode"] == list(ISSUE_CODES)


@pytest.mark.parametrize(("query", "variables", "allowed"), [
    ('{ reports(filter: {kind: "乡镇"}) { totalCount } }', None, "township, street, county_government"),
    ("query($f: ReportFilter) { reports(filter: $f) { totalCount } }", {"f": {"kind": "乡镇"}},
     "township, street, county_government"),
    ("query($k: AgencyKind) { summary(filter: {kind: $k}) { reports } }", {"k": "TOWNSHIP"}, "township, street"),
    ('{ agencies(filter: {template: "2021"}) { totalCount } }', None, "T2019, T2021"),
    ("query($f: ReportFilter) { years(filter: $f) { year } }", {"f": {"template": "2021"}}, "T2019, T2021"),
    ("{ regions(level: village) { totalCount } }", None, "province, city, county, town"),
    ("query($id: Int!) { report(id: $id) { consistency { checks(status: FAILED) { code } } } }", {"id": 1},
     "passed, failed, not_checkable"),
])
async def test_an_unknown_enum_value_is_a_validation_error_listing_the_allowed_ones(api, query, variables, allowed):
    body = await api.post(query, variables)
    assert body.get("data") is None, body  # refused before anything ran
    (error,) = body["errors"]
    assert f"Allowed values: {allowed}" in error["message"]


async def test_a_known_value_filters_as_the_canonical_word(api):
    query = """query($f: ReportFilter) { reports(first: 100, filter: $f) { totalCount
                 edges { node { template agency { kind } } } } }"""
    townships = (await api.data(query, {"f": {"kind": "township", "includeSynthetic": True}}))["reports"]
    assert townships["totalCount"] > 0 and {e["node"]["agency"]["kind"] for e in townships["edges"]} == {"township"}
    literal = await api.data("{ reports(filter: {kind: township, includeSynthetic: true}) { totalCount } }")
    assert literal["reports"]["totalCount"] == townships["totalCount"]
    old = (await api.data(query, {"f": {"template": "T2019", "includeSynthetic": True}}))["reports"]
    assert old["totalCount"] > 0 and {e["node"]["template"] for e in old["edges"]} == {"T2019"}
    issues = await api.data("{ reports(first: 100, filter: {hasIssues: true, includeSynthetic: true}) "
                            "{ edges { node { issues { code severity } } } } }")
    found = [i for e in issues["reports"]["edges"] for i in e["node"]["issues"]]
    assert found and all(i["code"] in ISSUE_CODES and i["severity"] in ("error", "warning", "info") for i in found)
