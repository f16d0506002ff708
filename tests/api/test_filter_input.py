"""``ReportFilter`` is built from its GraphQL value by ``api.inputs.leaf_input``, exactly as Strawberry builds it."""

from __future__ import annotations

import pytest
import strawberry

from api.filters import ReportFilter
from api.types.enums import AgencyKind

QUERIES = [
    ('{ f(filter: {year: 2022, kind: township, template: T2021, search: "a", hasInconsistency: false, '
     'includeSynthetic: true}) }', None),
    ("{ f(filter: {}) }", None),
    ("{ f(filter: {yearFrom: 2019, yearTo: 2020, agencyId: 3, synthetic: true, failedCheck: \"S3_ROW_SUM\"}) }", None),
    ("query($f: ReportFilter) { f(filter: $f) }", {"f": {"kind": "township", "regionCode": "11", "hasIssues": True}}),
    ("query($f: ReportFilter) { f(filter: $f) }", {"f": {"year": None, "includeSynthetic": False}}),
    ("query($f: ReportFilter) { f(filter: $f) }", {"f": None}),
    ("{ f }", None),
]


def _filters() -> list[ReportFilter | None]:
    seen: list[ReportFilter | None] = []

    @strawberry.type
    class Query:
        @strawberry.field
        def f(self, filter: ReportFilter | None = None) -> str:
            seen.append(filter)
            return ""

    schema = strawberry.Schema(query=Query)
    for query, variables in QUERIES:
        result = schema.execute_sync(query, variable_values=variables)
        assert not result.errors, result.errors
    return seen


def test_a_filter_is_built_as_strawberry_builds_it(monkeypatch: pytest.MonkeyPatch):
    definition = ReportFilter.__strawberry_definition__  # type: ignore[attr-defined]
    assert definition.from_input is not None
    fast = _filters()
    monkeypatch.setattr(definition, "from_input", None)  # Strawberry's own conversion, field by field
    assert fast == _filters()
    assert any(f is not None and isinstance(f.kind, AgencyKind) for f in fast)  # enum members, not their names
