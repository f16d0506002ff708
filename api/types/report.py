"""``Report``: one annual report of one agency — its tables, consistency, issues and neighbours in time."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from sqlalchemy import Row
from strawberry.types import Info

from api.context import Context
from api.types.applications import Applications
from api.types.consistency import Consistency, ParseIssue, ValueProvenance
from api.types.enums import IssueSeverity, ParseIssueCode, Template
from api.types.proactive import Proactive, proactive_from_rows
from api.types.reviews import Reviews
from api.types.revision import Revision, ValueChange, changed_values, revisions
from api.types.source import SourceLine, ValueSource, find_value_source, read_lines

if TYPE_CHECKING:
    from api.types.agency import Agency


@strawberry.type(description="Where a report came from and which parser read it.")
class Source:
    uri: str
    format: str
    sha256: str
    parser_version: str


@strawberry.type(description="One annual report (政府信息公开工作年度报告) of one agency for one year.")
class Report:
    id: int
    year: int
    template: Template = strawberry.field(description="National template: T2019 (years 2019–2020) or T2021.")
    title: str
    published_at: date | None
    source: Source
    agency_source: str | None = strawberry.field(
        description="Where the agency's name was read: title, publisher (the page's 发布机构), page_header (the line "
        "above the title) or manifest (given when the report was loaded)."
    )
    year_source: str | None = strawberry.field(
        description="Where the report year was read: title, body (e.g. 2022年度 or the statistical period) or manifest."
    )
    agency_id: strawberry.Private[int]
    summary: strawberry.Private[Row[Any]]
    # Filled by a list resolver that loaded these for a whole page at once (see ``prefetch``): the fields
    # then resolve without an awaitable per report.
    prefetched: strawberry.Private[dict[str, Any]] = dataclasses.field(default_factory=dict)

    @classmethod
    def from_row(cls, row: Row[Any]) -> Report:
        return cls(
            id=row.id,
            year=row.year,
            template=Template(row.template),
            title=row.title,
            published_at=row.published_at,
            agency_source=row.agency_source,
            year_source=row.year_source,
            source=Source(
                uri=row.source_uri, format=row.source_format, sha256=row.sha256, parser_version=row.parser_version
            ),
            agency_id=row.agency_id,
            summary=row,
        )

    @strawberry.field(description="The agency that published the report.")
    def agency(self, info: Info[Context, None]) -> Annotated[Agency, strawberry.lazy("api.types.agency")]:
        if "agency" in self.prefetched:
            return self.prefetched["agency"]
        return self._load_agency(info)  # type: ignore[return-value]  # graphql-core awaits it

    @strawberry.field(description="True for generated test data: its agency is synthetic and its title starts "
                      "with 【合成】.")
    async def synthetic(self, info: Info[Context, None]) -> bool:
        agency = self.prefetched.get("agency") or await self._load_agency(info)
        return agency.synthetic

    async def _load_agency(self, info: Info[Context, None]) -> Agency:
        from api.types.agency import load_agency

        agency = await load_agency(info, self.agency_id)
        assert agency is not None, "report.agency_id is a foreign key"
        return agency

    @strawberry.field(description="§2 proactive disclosure, shaped by the template.")
    async def proactive(self, info: Info[Context, None]) -> Proactive:
        return proactive_from_rows(str(self.template.value), await info.context.loaders.proactive.load(self.id))

    @strawberry.field(description="§3 applications received and processed.")
    def applications(self, info: Info[Context, None]) -> Applications:
        if "applications" in self.prefetched:
            return Applications.from_rows(str(self.template.value), self.prefetched["applications"])
        return self._load_applications(info)  # type: ignore[return-value]  # graphql-core awaits it

    async def _load_applications(self, info: Info[Context, None]) -> Applications:
        return Applications.from_rows(str(self.template.value), await info.context.loaders.applications.load(self.id))

    @strawberry.field(description="§4 administrative review and litigation.")
    async def reviews(self, info: Info[Context, None]) -> Reviews:
        return Reviews.from_rows(await info.context.loaders.reviews.load(self.id))

    @strawberry.field(description="Consistency checks: counts, and each check on demand.")
    def consistency(self) -> Consistency:
        row = self.summary
        return Consistency(
            passed=row.checks_passed,
            failed=row.checks_failed,
            not_checkable=row.checks_not_checkable,
            warnings=row.warnings,
            report_id=self.id,
        )

    @strawberry.field(description="Problems the parser found.")
    async def issues(self, info: Info[Context, None]) -> list[ParseIssue]:
        rows = await info.context.loaders.issues.load(self.id)
        return [ParseIssue(code=ParseIssueCode(r.code), severity=IssueSeverity(r.severity), line=r.line, message=r.message) for r in rows]

    @strawberry.field(description="Values inferred through an identity or missing (all others were read from cells).")
    async def provenance(self, info: Info[Context, None]) -> list[ValueProvenance]:
        rows = await info.context.loaders.provenance.load(self.id)
        return [ValueProvenance(path=r.path, provenance=r.provenance) for r in rows]

    @strawberry.field(
        description="Where the value at a dotted path (applications.granted.total) came from: its provenance, "
        "its line and span in the stored document text, and `context` lines either side."
    )
    async def value_source(self, info: Info[Context, None], path: str, context: int = 2) -> ValueSource:
        return await find_value_source(info.context.read_sessions, self.id, str(self.template.value), path, context)

    @strawberry.field(description="Lines of the stored document text, 1-based and inclusive (at most 200).")
    async def source_lines(self, info: Info[Context, None], first_line: int, last_line: int) -> list[SourceLine]:
        return await read_lines(info.context.read_sessions, self.id, first_line, last_line)

    @strawberry.field(
        description="Every version of the report, newest first: the current one, then those that corrected "
        "documents for the same agency and year replaced. The same bytes loaded again are no new version."
    )
    async def revisions(self, info: Info[Context, None]) -> list[Revision]:
        return await revisions(info, self.id, str(self.template.value), self.summary)

    @strawberry.field(
        description="The cells whose values differ between two revisions (`toRevision` defaults to the "
        "current one); an empty cell is null, and null → 0 is a change."
    )
    async def changed_values(self, info: Info[Context, None], from_revision: int,
                             to_revision: int | None = None) -> list[ValueChange]:
        return await changed_values(info, self.id, str(self.template.value), from_revision, to_revision)

    @strawberry.field(description="The same agency's report of the year before.")
    async def previous(self, info: Info[Context, None]) -> Report | None:
        row = await info.context.loaders.report_by_agency_year.load((self.agency_id, self.year - 1))
        return Report.from_row(row) if row else None

    @strawberry.field(description="The same agency's report of the year after.")
    async def next(self, info: Info[Context, None]) -> Report | None:
        row = await info.context.loaders.report_by_agency_year.load((self.agency_id, self.year + 1))
        return Report.from_row(row) if row else None


async def prefetch(info: Info[Context, None], reports: list[Report], node_fields: set[str]) -> None:
    """Load what ``node_fields`` (the fields asked of each report) need for the whole page, in one batch each."""
    from api.types.agency import Agency

    loaders = info.context.loaders
    # Both batches are asked for before either is awaited, so they run side by side.
    agencies = loaders.agency.load_many([r.agency_id for r in reports]) if "agency" in node_fields else None
    tables = loaders.applications.load_many([r.id for r in reports]) if "applications" in node_fields else None
    if agencies is not None:
        for report, row in zip(reports, await agencies, strict=True):
            assert row is not None, "a report's agency exists (foreign key)"
            report.prefetched["agency"] = Agency.from_row(row)
    if tables is not None:
        for report, table in zip(reports, await tables, strict=True):
            report.prefetched["applications"] = table
