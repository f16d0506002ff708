"""Where a report's agency sits: its identity key, kind and region chain, from the title or overrides."""

from __future__ import annotations

from dataclasses import dataclass, field

from loaders.canonical import Issue, Report
from loaders.gazetteer import RegionRow, region_chain
from loaders.issues import IssueCode, issue
from loaders.places import resolve_agency


@dataclass(frozen=True, slots=True)
class Placement:
    """An agency as stored: ``agency_key`` is unique per agency (name within its region)."""

    agency_key: str
    normalised_name: str
    kind: str
    region_code: str | None
    chain: tuple[RegionRow, ...] = ()
    issues: tuple[Issue, ...] = field(default_factory=tuple)


def place_report(report: Report, *, region_code: str | None = None, header: str | None = None) -> Placement:
    """Resolve the agency of ``report``; ``region_code`` (from a manifest) overrides what the text says."""
    # A report without an agency is refused before it is placed (services.prepare, db.writer).
    resolution = resolve_agency(report.agency_name or "", report.region_hint, header=header)
    issues = tuple(resolution.issues)
    chain: tuple[RegionRow, ...] = resolution.region.chain if resolution.region else ()
    if region_code:
        chain = tuple(region_chain(region_code))
        if not chain:
            issues += (issue(IssueCode.REGION_UNKNOWN, None, f"manifest region code {region_code} is unknown"),)
    code = chain[-1].code if chain else None
    # Unresolved places keep the words the report used, so two different 官亭镇 stay two agencies.
    where = code or f"?{report.region_hint or ''}"
    return Placement(f"{where}/{resolution.normalised_name}", resolution.normalised_name, resolution.kind, code,
                     chain, issues)
