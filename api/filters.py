"""The ``filter`` input of list fields and ``summary``, and the SQL conditions it stands for."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import strawberry
from sqlalchemy import ColumnElement, Select, and_, bindparam, exists, select

from api.errors import UserError, shown
from api.inputs import MAX_SEARCH_CHARS, YEAR_RANGE, int_argument, leaf_input, text_argument
from api.types.enums import AgencyKind, Template
from checks import CHECK_CODES
from db import models


@leaf_input
@strawberry.input(description="Narrows a list of reports (or of agencies, by their reports). Fields combine with AND.")
class ReportFilter:
    year: int | None = None
    year_from: int | None = strawberry.field(default=None, description="Report year at least this.")
    year_to: int | None = strawberry.field(default=None, description="Report year at most this.")
    region_code: str | None = strawberry.field(
        default=None, description="A region code at any level; agencies in its descendants match too."
    )
    kind: AgencyKind | None = strawberry.field(default=None, description="Agency kind, e.g. township.")
    template: Template | None = strawberry.field(default=None, description="National template: T2019 or T2021.")
    has_inconsistency: bool | None = strawberry.field(
        default=None, description="True: at least one consistency check failed; false: none failed."
    )
    failed_check: str | None = strawberry.field(default=None, description="A check code that failed, e.g. S3_ROW_SUM.")
    has_issues: bool | None = strawberry.field(default=None, description="True: the parser reported issues.")
    search: str | None = strawberry.field(
        default=None, description=f"Part of the agency name (at most {MAX_SEARCH_CHARS} characters).")
    agency_id: int | None = strawberry.field(default=None, description="One agency's reports (Agency.id).")
    synthetic: bool | None = strawberry.field(
        default=None, description="True: only synthetic test data; false: only real reports (the default).")
    include_synthetic: bool = strawberry.field(
        default=False, description="Also keep synthetic test data (left out unless asked for; `synthetic` wins).")


def region_subtree(code: str, name: str = "region_tree") -> Select[Any]:
    """The codes of a region and of every region below it (a recursive CTE over parent_code, named ``name``:
    two in one statement need two names)."""
    region = models.Region
    tree = select(region.code).where(region.code == bindparam("filter_region_code", code)).cte(name, recursive=True)
    tree = tree.union_all(select(region.code).where(region.parent_code == tree.c.code))
    return select(tree.c.code)


def synthetic_conditions(f: ReportFilter | None, synthetic: Any) -> list[ColumnElement[bool]]:
    """Synthetic test data is left out unless the filter includes it or asks for it alone (``synthetic`` wins)."""
    if f is not None and f.synthetic is not None:
        return [synthetic.is_(f.synthetic)]
    if f is not None and f.include_synthetic:
        return []
    return [synthetic.is_(False)]


def agency_conditions(f: ReportFilter | None) -> list[ColumnElement[bool]]:
    """Conditions on ``agency`` alone (region, kind, name, agency id, synthetic)."""
    a = models.Agency
    if f is None:
        return synthetic_conditions(f, a.synthetic)
    conditions: list[ColumnElement[bool]] = []
    _validate(f)
    if f.agency_id is not None:
        conditions.append(a.id == bindparam("filter_agency_id", f.agency_id))
    if f.region_code is not None:
        conditions.append(a.region_code.in_(region_subtree(f.region_code)))
    if f.kind is not None:
        conditions.append(a.kind == bindparam("filter_kind", f.kind.value))
    if f.search:
        conditions.append(a.name.ilike(bindparam("filter_search", _contains(f.search)), escape="/"))
    return conditions + synthetic_conditions(f, a.synthetic)


def _contains(search: str) -> str:
    """The ILIKE pattern of a name containing ``search`` (stripped), its wildcards taken literally."""
    escaped = search.strip().replace("/", "//").replace("%", "/%").replace("_", "/_")
    return f"%{escaped}%"


def _validate(f: ReportFilter) -> None:
    """Refuse values no condition may be built from, in the words of the field that holds them."""
    for name, value in (("year", f.year), ("yearFrom", f.year_from), ("yearTo", f.year_to)):
        int_argument(f"filter.{name}", value, *YEAR_RANGE)
    text_argument("filter.regionCode", f.region_code)
    text_argument("filter.search", f.search, MAX_SEARCH_CHARS)
    if f.failed_check is not None and f.failed_check not in CHECK_CODES:
        raise UserError(f"unknown check code {shown(f.failed_check)}; known: {', '.join(sorted(CHECK_CODES))}")


def bound(f: ReportFilter | None) -> tuple[Hashable, dict[str, Any]]:
    """The filter as a statement compiled once sees it: its shape (what the SQL text depends on: the fields
    set, the values of the yes/no ones) and the values the conditions bind, by their parameter names.

    Validates as the conditions do, so a statement found by its shape refuses the same filters.
    """
    if f is None:
        return None, {}
    _validate(f)
    values = {name: value for name, value in (
        ("filter_year", f.year), ("filter_year_from", f.year_from), ("filter_year_to", f.year_to),
        ("filter_template", f.template.value if f.template is not None else None),
        ("filter_failed_check", f.failed_check), ("filter_agency_id", f.agency_id),
        ("filter_region_code", f.region_code), ("filter_kind", f.kind.value if f.kind is not None else None),
        ("filter_search", _contains(f.search) if f.search else None),
    ) if value is not None}
    shape = (tuple(values), f.has_inconsistency, f.has_issues, f.synthetic, f.include_synthetic)
    return shape, values


def year_template_conditions(f: ReportFilter, year: Any, template: Any) -> list[ColumnElement[bool]]:
    """year / yearFrom / yearTo / template over the given columns (of report, or of the summary rollup)."""
    conditions: list[ColumnElement[bool]] = []
    _validate(f)
    if f.year is not None:
        conditions.append(year == bindparam("filter_year", f.year, type_=year.type))
    if f.year_from is not None:
        conditions.append(year >= bindparam("filter_year_from", f.year_from, type_=year.type))
    if f.year_to is not None:
        conditions.append(year <= bindparam("filter_year_to", f.year_to, type_=year.type))
    if f.template is not None:
        conditions.append(template == bindparam("filter_template", f.template.value))
    return conditions


def report_only_conditions(f: ReportFilter | None) -> list[ColumnElement[bool]]:
    """Conditions on ``report`` alone (year, template, consistency, issues)."""
    if f is None:
        return []
    r = models.Report
    conditions = year_template_conditions(f, r.year, r.template)
    if f.has_inconsistency is not None:
        conditions.append(r.checks_failed > 0 if f.has_inconsistency else r.checks_failed == 0)
    if f.has_issues is not None:
        conditions.append(r.issue_count > 0 if f.has_issues else r.issue_count == 0)
    if f.failed_check is not None:
        c = models.CheckResult
        conditions.append(exists().where(
            c.report_id == r.id, c.code == bindparam("filter_failed_check", f.failed_check), c.status == "failed"))
    return conditions


def report_conditions(f: ReportFilter | None) -> list[ColumnElement[bool]]:
    """Every condition, for a statement over ``report JOIN agency``."""
    return agency_conditions(f) + report_only_conditions(f)


def agencies_conditions(f: ReportFilter | None) -> list[ColumnElement[bool]]:
    """For a list of agencies: agency fields directly, report fields as "has at least one such report"."""
    conditions = agency_conditions(f)
    on_reports = report_only_conditions(f)
    if on_reports:
        r = models.Report
        conditions.append(exists().where(r.agency_id == models.Agency.id, and_(*on_reports)))
    return conditions


def report_table_conditions(f: ReportFilter | None) -> list[ColumnElement[bool]]:
    """The filter over ``report`` alone: agency fields narrow ``agency_id`` through a semi-join."""
    r, a = models.Report, models.Agency
    conditions = report_only_conditions(f)
    on_agency = agency_conditions(f)
    if on_agency:
        conditions.append(r.agency_id.in_(select(a.id).where(*on_agency)))
    return conditions


__all__ = ["ReportFilter", "agencies_conditions", "bound", "region_subtree", "report_conditions", "report_table_conditions",
           "synthetic_conditions"]
