"""The plain-leaf path of ``api.execution`` answers exactly as graphql-core's ordinary path does."""

from __future__ import annotations

from collections import Counter
from enum import Enum
from typing import Any

import pytest
import strawberry
import strawberry.extensions
import strawberry.permission
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from api.execution import ExecutionContext
from tests.api.conftest import open_api


@strawberry.enum
class Colour(Enum):
    RED = "red"


@strawberry.type
class Cell:
    count: int | None
    required: int
    label: str
    ratio: float | None
    flag: bool
    colour: Colour | None

    @strawberry.field
    def doubled(self, times: int = 2) -> int | None:
        return None if self.count is None else self.count * times


def _cells() -> list[Cell]:
    return [
        Cell(count=1, required=2, label="一", ratio=0.5, flag=True, colour=Colour.RED),
        Cell(count=None, required=3, label="二", ratio=None, flag=False, colour=None),
        # Values the scalars refuse, and a null in a non-null field: field errors, with paths.
        Cell(count=2**40, required=None, label="三", ratio=1.0, flag=True, colour=None),  # type: ignore[arg-type]
        Cell(count="x", required=4, label=5, ratio="y", flag=True, colour=None),  # type: ignore[arg-type]
    ]


@strawberry.type
class Query:
    @strawberry.field
    def cells(self) -> list[Cell | None]:
        return _cells()


QUERY = """{ cells { count required label ratio flag colour doubled twice: doubled(times: 2) __typename
             ...F } } fragment F on Cell { alias: count }"""


@strawberry.type
class Row:
    a: int
    b: str | None


@strawberry.type
class Table:
    rows: list[Row]
    maybe_rows: list[Row | None] | None


@strawberry.type
class Tables:
    @strawberry.field
    def tables(self) -> list[Table]:
        return [
            Table(rows=[Row(a=1, b="x"), Row(a=2, b=None)], maybe_rows=[Row(a=3, b="y"), None]),
            Table(rows=[Row(a=4, b="z"), Row(a=None, b="w")], maybe_rows=None),  # type: ignore[arg-type]
            Table(rows=[], maybe_rows=[Row(a=2**31, b="big")]),
        ]


@strawberry.type
class Place:
    code: str
    name: str | None


@strawberry.type
class Counts:
    place: Place | None
    total: int | None


@strawberry.type
class Group:
    year: int | None
    place: Place | None
    home: Place  # non-null: a None here is an error the ordinary path reports
    counts: Counts

    @strawberry.field
    def label(self) -> str:
        return f"group {self.year}"


@strawberry.type
class Groups:
    @strawberry.field
    def groups(self) -> list[Group | None]:
        here = Place(code="510000", name="四川省")
        return [
            Group(year=2021, place=here, home=here, counts=Counts(place=here, total=3)),
            Group(year=None, place=None, home=Place(code="500000", name=None), counts=Counts(place=None, total=None)),
            # A value the scalar refuses two levels down, and a null in a non-null object field.
            Group(year=2022, place=here, home=here, counts=Counts(place=Place(code="x", name=["no"]), total=1)),  # type: ignore[arg-type]
            Group(year=2023, place=here, home=None, counts=Counts(place=here, total=2**31)),  # type: ignore[arg-type]
        ]


PLAIN_QUERIES = [
    QUERY,
    "{ cells { count label } }",
    "{ cells { required } }",
    "{ cells { __typename count flag } }",
    "{ cells { colour count } }",
]
TABLE_QUERIES = [
    "{ tables { rows { a b __typename } maybeRows { a b } } }",
    "{ tables { rows { b } maybeRows { first: b second: b } } }",
    "{ tables { maybeRows { ... on Row { a } b } } }",
]


GROUP_QUERIES = [
    "{ groups { year place { code name } counts { total place { name } } } }",
    "{ groups { label year place { __typename code } } }",  # a resolver beside the plain objects
    "{ groups { home { code } } }",
    "{ groups { counts { place { ... on Place { code } n: name } } here: place { code } there: place { name } } }",
    "{ groups { ...G } } fragment G on Group { year counts { total } }",
]


@pytest.mark.parametrize("query", PLAIN_QUERIES + TABLE_QUERIES + GROUP_QUERIES)
async def test_the_plain_path_gives_the_ordinary_answer(query: str) -> None:
    root = Tables if query in TABLE_QUERIES else Groups if query in GROUP_QUERIES else Query
    ordinary = await strawberry.Schema(query=root).execute(query)
    fast = await strawberry.Schema(query=root, execution_context_class=ExecutionContext).execute(query)
    assert ordinary.data is not None or ordinary.errors
    assert fast.data == ordinary.data
    assert [(e.message, e.path) for e in fast.errors or []] == [(e.message, e.path) for e in ordinary.errors or []]


async def test_the_plain_path_reads_the_values() -> None:
    result = await strawberry.Schema(query=Query, execution_context_class=ExecutionContext).execute(
        "{ cells { count label flag } }"
    )
    assert result.data is not None
    assert result.data["cells"][0] == {"count": 1, "label": "一", "flag": True}
    assert result.data["cells"][1] == {"count": None, "label": "二", "flag": False}
    # 2**40 is beyond GraphQL's 32-bit Int: an error, not a silently wrong number.
    assert result.data["cells"][2] is not None and result.data["cells"][2]["count"] is None
    assert any("non 32-bit signed integer" in e.message for e in result.errors or [])


async def test_plain_objects_nest_and_errors_keep_their_paths() -> None:
    result = await strawberry.Schema(query=Groups, execution_context_class=ExecutionContext).execute(
        "{ groups { year place { code name } home { code } counts { total place { name } } } }"
    )
    assert result.data is not None
    groups = result.data["groups"]
    assert groups[0] == {"year": 2021, "place": {"code": "510000", "name": "四川省"}, "home": {"code": "510000"},
                         "counts": {"total": 3, "place": {"name": "四川省"}}}
    assert groups[1]["place"] is None and groups[1]["counts"] == {"total": None, "place": None}
    assert groups[2]["counts"]["place"] == {"name": None}  # a list is no String: an error at that field only
    assert groups[3] is None  # home is non-null: the error nulls the whole group
    # 2**31 is beyond Int too, but the group it sits in is already null: the spec lets either error stand.
    paths = sorted(e.path for e in result.errors or [])
    assert paths[0] == ["groups", 2, "counts", "place", "name"]
    assert paths[1:] in ([["groups", 3, "counts", "total"], ["groups", 3, "home"]], [["groups", 3, "home"]])


class Doubling(strawberry.extensions.FieldExtension):
    """A field extension changes what a resolver returns: such a field must keep the ordinary path."""

    def resolve(self, next_: Any, source: Any, info: Any, **kwargs: Any) -> Any:
        return next_(source, info, **kwargs) * 2


class Deny(strawberry.permission.BasePermission):
    """A permission check must never be skipped by the plain path."""

    message = "not allowed"

    def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
        return False


WIDTH_CALLS: Counter[str] = Counter()
SCALED_CALLS: Counter[str] = Counter()


@strawberry.type
class Frame:
    sheet: Sheet

    @strawberry.field
    def area(self) -> int:
        return self.sheet.width() * 2


@strawberry.type
class Sheet:
    name: str

    @strawberry.field(permission_classes=[Deny])
    def secret(self) -> str | None:
        return "秘密"

    @strawberry.field
    def lines(self) -> list[Row]:  # a self-only resolver: read directly, like Applications.rows
        return [Row(a=len(self.name), b=self.name), Row(a=0, b=None)]

    @strawberry.field
    def maybe_lines(self) -> list[Row | None] | None:
        return None if self.name == "空" else [None, Row(a=1, b="x")]

    @strawberry.field
    def strict_lines(self) -> list[Row]:
        return [Row(a=1, b="x"), None]  # type: ignore[list-item]  # a null in a non-null list: an error

    @strawberry.field
    def width(self) -> int:
        WIDTH_CALLS[self.name] += 1
        if self.name == "坏":
            raise ValueError("no width for 坏")
        return len(self.name)

    @strawberry.field
    def frame(self) -> Frame:  # a self-only resolver whose object holds one that raises
        return Frame(sheet=self)

    @strawberry.field
    def named(self, info: strawberry.Info) -> str:  # asks for info: the ordinary path
        return f"{info.field_name}:{self.name}"

    @strawberry.field
    async def later(self) -> int:  # async: the ordinary path
        return 7

    @strawberry.field(extensions=[Doubling()])
    def doubled(self) -> int:
        return len(self.name)

    @strawberry.field
    def scaled(self, by: int, unit: str = "字") -> str:  # arguments: read directly, like Applications.row
        SCALED_CALLS[self.name] += 1
        if by == 0:
            raise ValueError(f"cannot scale {self.name} by 0")
        return f"{len(self.name) * by}{unit}"

    @strawberry.field
    def scaled_line(self, by: int | None = None) -> Row | None:
        return None if by is None else Row(a=by, b=self.name)


@strawberry.type
class Sheets:
    @strawberry.field
    def sheets(self) -> list[Sheet]:
        return [Sheet(name="四川"), Sheet(name="空"), Sheet(name="坏")]


SHEET_QUERIES = [
    "{ sheets { name lines { a b } maybeLines { a } } }",
    "{ sheets { width lines { b } } }",  # a resolver that raises: its error and path as before
    "{ sheets { strictLines { a } } }",
    "{ sheets { named later doubled lines { a } } }",
    "{ sheets { secret name } }",
    "{ sheets { ... on Sheet { lines { __typename a } } w: width } }",
    '{ sheets { name scaled(by: 2) s: scaled(by: 3, unit: "个") scaledLine(by: 4) { a b } n: scaledLine { a } } }',
    "{ sheets { scaled(by: 0) name } }",  # a resolver with arguments that raises: its error and path as before
]


@pytest.mark.parametrize("query", SHEET_QUERIES)
async def test_self_only_resolvers_answer_as_the_ordinary_path(query: str) -> None:
    ordinary = await strawberry.Schema(query=Sheets).execute(query)
    fast = await strawberry.Schema(query=Sheets, execution_context_class=ExecutionContext).execute(query)
    assert ordinary.data is not None or ordinary.errors
    assert fast.data == ordinary.data
    assert [(e.message, e.path) for e in fast.errors or []] == [(e.message, e.path) for e in ordinary.errors or []]


async def test_self_only_resolvers_skip_the_ordinary_path(ordinary_fields: set[str]) -> None:
    """Lists from a self-only resolver are built by the plain path: graphql-core runs no field of them."""
    schema = strawberry.Schema(query=Sheets, execution_context_class=ExecutionContext)
    result = await schema.execute("{ sheets { name lines { a b } } }")
    assert result.errors is None and result.data is not None
    assert result.data["sheets"][0] == {"name": "四川", "lines": [{"a": 2, "b": "四川"}, {"a": 0, "b": None}]}
    assert ordinary_fields == set()
    # The same selection with a field that needs info goes the ordinary way for that object's fields.
    result = await schema.execute("{ sheets { named lines { a } } }")
    assert result.data is not None and result.data["sheets"][2]["named"] == "named:坏"
    assert "Sheet.named" in ordinary_fields


REAL_QUERIES = [
    """{ summary(groupBy: [YEAR, PROVINCE]) { year province { code name level } reports inconsistentReports
         applications { rows { key label naturalPerson total } row(key: "granted") { total } }
         reviews { review { upheld total } litigationDirect { total } } } }""",
    "{ summary(groupBy: [KIND], filter: {hasInconsistency: true}) { kind reports applications { rows { key total } } } }",
    """{ reports(first: 30, filter: {includeSynthetic: true}) { totalCount edges { cursor node { id year template title synthetic
         agency { name kind region { name parent { name } } dataQuality { passRate } }
         applications { rows { key label naturalPerson commercialEnterprise otherOrg total } }
         reviews { review { upheld corrected other pending total } litigationAfterReview { total } }
         consistency { ok passed failed notCheckable checks(status: failed) { code status message } }
         issues { code severity line }
         proactive { __typename ... on Proactive2021 { licensing { decisions } } ... on Proactive2019 {
           procurement { items } } }
         previous { year } } } } }""",
    """{ regions(level: province) { totalCount pageInfo { hasNextPage } edges { node { code name level
         children { code name } } } } years { year template reportCount } }""",
]


@pytest.fixture(scope="module")
async def ordinary_api(loaded_url):
    """The API over the same database with ``XXGK_PLAIN_FIELDS=0``."""
    client_api, client = await open_api(loaded_url, plain_fields=False)
    yield client_api
    await client.aclose()
    await client_api.app.state.xxgk.dispose()


@pytest.mark.parametrize("query", REAL_QUERIES)
async def test_the_real_schema_answers_the_same_without_the_plain_path(api, ordinary_api, query: str) -> None:
    """Over the loaded test database: the same body with the plain path as with graphql-core's own."""
    fast = await api.post(query)
    assert fast.get("data") and not fast.get("errors"), fast
    assert await ordinary_api.post(query) == fast


@pytest.fixture
def ordinary_fields(monkeypatch: pytest.MonkeyPatch) -> set[str]:
    """``Type.field`` of every field graphql-core's own ``execute_field`` runs from now on."""
    seen: set[str] = set()
    base = StrawberryGraphQLCoreExecutionContext.execute_field

    def counting(self: Any, parent_type: Any, source: Any, field_details_list: Any, *args: Any) -> Any:
        seen.add(f"{parent_type.name}.{field_details_list[0].node.name.value}")
        return base(self, parent_type, source, field_details_list, *args)

    monkeypatch.setattr(StrawberryGraphQLCoreExecutionContext, "execute_field", counting)
    return seen


# The shapes the plain path claims, on the real schema: (query, fields it builds itself, fields it leaves to
# graphql-core). Attributes (SummaryGroup.year), self-only resolvers (Applications.rows), objects of plain
# fields (SummaryGroup.province), lists of them (ApplicationRow), a resolver's list of them (the summary's
# groups, a report's issues), a resolver with scalar arguments (Applications.row); async resolvers
# (Report.agency) are not.
SHAPES = [
    ("""{ summary(groupBy: [YEAR, PROVINCE]) { year reports inconsistentReports province { code name level }
          applications { rows { key label naturalPerson total } }
          reviews { review { upheld total } litigationDirect { total } } } }""",
     {"SummaryGroup.year", "SummaryGroup.reports", "SummaryGroup.inconsistentReports", "SummaryGroup.province",
      "Region.code", "Region.name", "Region.level", "SummaryGroup.applications", "Applications.rows",
      "ApplicationRow.key", "ApplicationRow.label", "ApplicationRow.naturalPerson", "ApplicationRow.total",
      "SummaryGroup.reviews", "Reviews.review", "Reviews.litigationDirect", "ReviewCounts.upheld",
      "ReviewCounts.total"},
     {"Query.summary"}),
    ("""{ summary(groupBy: [KIND]) { kind applications { row(key: "granted") { total } rows { key } } } }""",
     {"SummaryGroup.kind", "Applications.rows", "ApplicationRow.key", "SummaryGroup.applications",
      "Applications.row", "ApplicationRow.total"},
     {"Query.summary"}),
    ("""query($k: String! = "granted") { summary(groupBy: [YEAR]) { year applications { row(key: $k) { total } } } }""",
     {"SummaryGroup.year", "SummaryGroup.applications", "Applications.row", "ApplicationRow.total"},
     {"Query.summary"}),
    ("""{ reports(first: 30) { edges { node { id year title agency { name }
          applications { rows { key naturalPerson total } } reviews { review { upheld total } }
          consistency { ok passed failed notCheckable } issues { code severity line } } } } }""",
     {"Applications.rows", "ApplicationRow.key", "ApplicationRow.naturalPerson", "ApplicationRow.total",
      "Reviews.review", "ReviewCounts.upheld", "ReviewCounts.total", "Consistency.ok", "Consistency.passed",
      "Consistency.failed", "Consistency.notCheckable", "ParseIssue.code", "ParseIssue.severity", "ParseIssue.line",
      "Report.id", "Report.year", "Report.title", "Agency.name"},
     {"Query.reports", "Report.agency", "Report.applications", "Report.issues"}),
]


@pytest.mark.parametrize("query, plain, ordinary", SHAPES)
async def test_the_real_schema_takes_the_plain_path_for_the_shapes_it_claims(api, ordinary_fields, query, plain,
                                                                               ordinary) -> None:
    body = await api.post(query)
    assert body.get("data") and not body.get("errors"), body
    assert ordinary <= ordinary_fields  # graphql-core ran these, so it would have been seen running the others
    assert plain & ordinary_fields == set()


@pytest.mark.parametrize("query, plain, ordinary", SHAPES)
async def test_xxgk_plain_fields_0_turns_the_plain_path_off(ordinary_api, ordinary_fields, query, plain,
                                                            ordinary) -> None:
    body = await ordinary_api.post(query)
    assert body.get("data") and not body.get("errors"), body
    assert plain | ordinary <= ordinary_fields


@pytest.mark.parametrize("query", [
    "{ sheets { width lines { b } } }",
    "{ sheets { ... on Sheet { lines { __typename a } } w: width } }",
    "{ sheets { frame { area } name } }",  # raising two resolvers down, inside a list of plain objects
])
async def test_a_resolver_that_raises_is_called_once_as_on_the_ordinary_path(query: str) -> None:
    answers = []
    for schema in (strawberry.Schema(query=Sheets), strawberry.Schema(query=Sheets, execution_context_class=ExecutionContext)):
        WIDTH_CALLS.clear()
        result = await schema.execute(query)
        answers.append((result.data, [(e.message, e.path) for e in result.errors or []]))
        assert WIDTH_CALLS["坏"] == 1, (schema.execution_context_class, dict(WIDTH_CALLS))
    assert answers[0] == answers[1]
    assert answers[1][1] and answers[1][1][0][0] == "no width for 坏"


@pytest.mark.parametrize(("query", "variables"), [
    ("query($by: Int!) { sheets { name scaled(by: $by) } }", {"by": 5}),
    ("query($by: Int!) { sheets { name scaled(by: $by) } }", {"by": 0}),  # raises for every sheet
    ("query($by: Int) { sheets { scaledLine(by: $by) { a b } lines { a } } }", {"by": None}),
    ("query($by: Int!) { sheets { scaled(by: $by) } }", {"by": "x"}),  # a value graphql-core refuses
])
async def test_arguments_from_variables_answer_as_the_ordinary_path(query: str, variables: dict) -> None:
    answers = []
    for schema in (strawberry.Schema(query=Sheets), strawberry.Schema(query=Sheets, execution_context_class=ExecutionContext)):
        SCALED_CALLS.clear()
        result = await schema.execute(query, variable_values=variables)
        answers.append((result.data, [(e.message, e.path) for e in result.errors or []], dict(SCALED_CALLS)))
    assert answers[0] == answers[1]


async def test_a_field_with_arguments_skips_the_ordinary_path(ordinary_fields: set[str]) -> None:
    schema = strawberry.Schema(query=Sheets, execution_context_class=ExecutionContext)
    result = await schema.execute('{ sheets { scaled(by: 2, unit: "个") scaledLine(by: 1) { b } } }')
    assert result.errors is None and result.data is not None
    assert result.data["sheets"][0] == {"scaled": "4个", "scaledLine": {"b": "四川"}}
    assert ordinary_fields == set()


class Tracing(strawberry.extensions.SchemaExtension):
    """An extension with a ``resolve`` hook: it must see every field, plain or not."""

    resolved: list[str] = []

    def resolve(self, _next: Any, root: Any, info: Any, *args: Any, **kwargs: Any) -> Any:
        Tracing.resolved.append(f"{info.parent_type.name}.{info.field_name}")
        return _next(root, info, *args, **kwargs)


async def test_a_resolve_hook_turns_the_plain_path_off_and_says_so(caplog: pytest.LogCaptureFixture) -> None:
    """Not silently: the log names the extension once per schema, and the hook sees the plain fields too."""
    schema = strawberry.Schema(query=Sheets, extensions=[Tracing], execution_context_class=ExecutionContext)
    Tracing.resolved.clear()
    with caplog.at_level("WARNING", logger="xxgk.api.execution"):
        first = await schema.execute("{ sheets { name lines { a } } }")
        second = await schema.execute("{ sheets { name } }")
    assert first.errors is None and second.errors is None
    assert [r.getMessage() for r in caplog.records] == ["plain-field path off: Tracing must see every field it resolves"]
    assert "Sheet.name" in Tracing.resolved and "Row.a" in Tracing.resolved and "Sheet.lines" in Tracing.resolved
    ordinary = await strawberry.Schema(query=Sheets, extensions=[Tracing]).execute("{ sheets { name lines { a } } }")
    assert first.data == ordinary.data


async def test_a_permission_is_checked_on_the_plain_path_too() -> None:
    schema = strawberry.Schema(query=Sheets, execution_context_class=ExecutionContext)
    result = await schema.execute("{ sheets { secret name } }")
    assert result.data is not None and [s["secret"] for s in result.data["sheets"]] == [None, None, None]
    assert [e.message for e in result.errors or []] == ["not allowed"] * 3
