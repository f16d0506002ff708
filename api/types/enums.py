"""GraphQL enums of the closed vocabularies: agency kind, template, check status and severity, issue severity and
code, region level.

A client reads and writes the canonical value itself (``township``, ``not_checkable``, ``ROW_MISSING``) — the
same word as in the exports and docs/report-format.md — so each Python member is named after its value. A
template (``2019``, ``2021``) cannot be a GraphQL name, which may not start with a digit: its members are
``T2019`` and ``T2021``, standing for the stored values ``2019`` and ``2021``. An unknown value is a
validation error that lists the allowed ones (:func:`list_allowed_values`).
"""

from __future__ import annotations

from enum import Enum
from typing import Any, cast, get_args

import strawberry
from graphql import GraphQLEnumType, GraphQLError, GraphQLSchema

from checks.result import CheckSeverity as _CheckSeverity
from checks.result import Status as _Status
from loaders.agency_kind import KINDS
from loaders.canonical import TEMPLATES
from loaders.canonical import Severity as _IssueSeverity
from loaders.issues import IssueCode

_KIND_LABELS = {
    "township": "乡镇 (镇, 乡, 苏木)",
    "street": "街道",
    "county_government": "县级人民政府",
    "city_government": "地级人民政府",
    "province_government": "省级人民政府",
    "department": "部门 (局, 委员会, 办公室, …)",
    "other": "其他",
}


@strawberry.enum(description="What kind of agency publishes the report.")
class AgencyKind(Enum):
    township = strawberry.enum_value("township", description=_KIND_LABELS["township"])
    street = strawberry.enum_value("street", description=_KIND_LABELS["street"])
    county_government = strawberry.enum_value("county_government", description=_KIND_LABELS["county_government"])
    city_government = strawberry.enum_value("city_government", description=_KIND_LABELS["city_government"])
    province_government = strawberry.enum_value(
        "province_government", description=_KIND_LABELS["province_government"])
    department = strawberry.enum_value("department", description=_KIND_LABELS["department"])
    other = strawberry.enum_value("other", description=_KIND_LABELS["other"])


@strawberry.enum(description="The national template a report follows (a GraphQL name cannot start with a digit).")
class Template(Enum):
    T2019 = strawberry.enum_value("2019", description="Template 2019 (国办公开办函〔2019〕60号), report years 2019–2020.")
    T2021 = strawberry.enum_value("2021", description="Template 2021 (国办公开办函〔2021〕30号), report years 2021 on.")


@strawberry.enum(description="The outcome of one consistency check.")
class CheckStatus(Enum):
    passed = "passed"
    failed = "failed"
    not_checkable = strawberry.enum_value("not_checkable", description="A value it needs is missing.")


@strawberry.enum(description="How serious a failed check is.")
class CheckSeverity(Enum):
    error = strawberry.enum_value("error", description="A broken identity.")
    warning = strawberry.enum_value("warning", description="An anomaly worth a look.")


@strawberry.enum(description="How serious a parse issue is.")
class IssueSeverity(Enum):
    error = "error"
    warning = "warning"
    info = "info"


@strawberry.enum(description="The level of an administrative division (GB/T 2260).")
class RegionLevel(Enum):
    province = "province"
    city = "city"
    county = "county"
    town = "town"


# The parse issue codes of the registry, each described as docs/issue-codes.md describes it.
ParseIssueCode: Any = cast(Any, strawberry.enum)(
    Enum("ParseIssueCode", {c.name: strawberry.enum_value(c.name, description=f"{c.english} {c.chinese}")
                            for c in IssueCode}),
    description="What a parse issue is about; see docs/issue-codes.md.",
)


def _values(enum: type[Enum]) -> list[Any]:
    return [member.value for member in enum]


# The enums follow the vocabularies they stand for.
assert _values(AgencyKind) == list(KINDS)
assert _values(Template) == list(TEMPLATES)
assert set(_values(CheckStatus)) == set(get_args(_Status))
assert set(_values(CheckSeverity)) == set(get_args(_CheckSeverity))
assert set(_values(IssueSeverity)) == set(get_args(_IssueSeverity))


def value_of(member: Enum | None) -> Any:
    """The stored value an enum argument stands for (None stays None)."""
    return None if member is None else member.value


def list_allowed_values(schema: GraphQLSchema) -> None:
    """Make every enum of ``schema`` name its values when it refuses one, in a literal or in variables.

    graphql-core says only that the value does not exist (with a suggestion when one is close); a client
    that sent ``kind: "乡镇"`` learns from the list what to send instead.
    """
    for graphql_type in schema.type_map.values():
        if isinstance(graphql_type, GraphQLEnumType) and not graphql_type.name.startswith("__"):
            _name_values(graphql_type)


def _name_values(enum: GraphQLEnumType) -> None:
    allowed = f" Allowed values: {', '.join(enum.values)}."
    literal, value = enum.coerce_input_literal, enum.coerce_input_value

    def coerce_input_literal(*args: Any, **kw: Any) -> Any:
        try:
            return literal(*args, **kw)
        except GraphQLError as error:
            raise GraphQLError(error.message + allowed, error.nodes, original_error=error.original_error) from error

    def coerce_input_value(*args: Any, **kw: Any) -> Any:
        try:
            return value(*args, **kw)
        except GraphQLError as error:
            raise GraphQLError(error.message + allowed, error.nodes, original_error=error.original_error) from error

    enum.coerce_input_literal = coerce_input_literal  # type: ignore[method-assign]
    enum.coerce_input_value = coerce_input_value  # type: ignore[method-assign]
