"""A report described for people: what ``xxgk parse`` prints without ``--json``."""

from __future__ import annotations

from pathlib import Path

from loaders.canonical import Report


def describe(report: Report, path: Path | str) -> str:
    """A few lines: who, which year and template, the §3 headline figures, provenance and issues."""
    apps = report.applications
    new = apps.get("new_received", {}).get("total")
    granted = apps.get("granted", {}).get("total")
    inferred = sum(1 for v in report.provenance.values() if v == "inferred")
    missing = sum(1 for v in report.provenance.values() if v == "missing")
    lines = [
        f"{path}",
        f"  {report.title}",
        f"  agency {report.agency_name}" + (f" ({report.region_hint})" if report.region_hint else "")
        + f", year {report.year}, template {report.template}, published {report.published_at or 'unknown'}",
        f"  §3 新收申请 {_n(new)}, 予以公开 {_n(granted)}, 结转下年度 {_n(apps.get('carried_forward', {}).get('total'))}",
        f"  values: {inferred} inferred, {missing} missing; issues: {len(report.issues)}",
    ]
    for issue in report.issues:
        where = f"line {issue.line}" if issue.line else "-"
        lines.append(f"    {issue.severity:<7} {where:<9} {issue.code}: {issue.message}")
    return "\n".join(lines)


def _n(v: object) -> str:
    return "空" if v is None else str(v)


