"""File → text → canonical report: the steps ``xxgk parse`` and ``xxgk load`` share.

``prepare`` runs in worker processes: it reads, parses, places and checks one document and returns a
picklable result, so the parent process only writes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from loaders.canonical import NotAReportError, Report
from loaders.readers import UnreadableDocumentError, read_document


class ParseFailure(ValueError):
    """A document that yields no report; the message is one line for people."""


@dataclass(frozen=True, slots=True)
class Overrides:
    """What a manifest row or ``--agency/--year`` says, which wins over the text."""

    agency: str | None = None
    region_code: str | None = None
    year: int | None = None
    source_url: str | None = None
    published_at: date | None = None


@dataclass(slots=True)
class Prepared:
    """A document ready to write, or the reason it cannot be (``incoming`` is then ``None``)."""

    path: str
    sha256: str | None
    incoming: object | None = None  # db.writer.Incoming; typed loosely so loaders never import db
    reason: str | None = None
    issue_counts: dict[str, int] = field(default_factory=dict)


def parse_bytes(data: bytes, filename: str, overrides: Overrides | None = None) -> tuple[Report, str, str]:
    """Parse a document's bytes; returns the report, its text and its format. Raises ParseFailure.

    A year or agency in ``overrides`` is given to the parser, so that the template follows the year given.
    """
    from loaders.parse import parse_text

    overrides = overrides or Overrides()
    try:
        document = read_document(data, filename)
        report = parse_text(document.text, year=overrides.year, agency=overrides.agency)
        return report, document.text, document.format
    except (UnreadableDocumentError, NotAReportError) as exc:
        raise ParseFailure(str(exc).splitlines()[0]) from None


def parse_path(path: Path) -> Report:
    """Parse one file (any supported format)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ParseFailure(f"cannot read {path}: {exc.strerror}") from None
    return parse_bytes(data, path.name)[0]


def apply_overrides(report: Report, overrides: Overrides) -> Report:
    changes: dict[str, object] = {}
    if overrides.agency:
        changes["agency_name"] = overrides.agency
    if overrides.year:
        changes["year"] = overrides.year
    if overrides.published_at:
        changes["published_at"] = overrides.published_at
    return replace(report, **changes) if changes else report


def prepare(path: str, overrides: Overrides | None = None, *, synthetic: bool = False) -> Prepared:
    """Read, parse, place and check one document (runs in a worker process)."""
    from checks import check_report
    from db.writer import Incoming, Source
    from loaders.parse import PARSER_VERSION
    from loaders.placement import place_report

    overrides = overrides or Overrides()
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        return Prepared(path, None, reason=f"cannot read file: {exc.strerror}")
    sha = hashlib.sha256(data).hexdigest()
    try:
        report, text, fmt = parse_bytes(data, Path(path).name, overrides)
    except ParseFailure as exc:
        return Prepared(path, sha, reason=str(exc))
    report = apply_overrides(report, overrides)
    missing = [what for what, value in (("year", report.year), ("agency", report.agency_name)) if value is None]
    if missing:
        names = " and ".join({"year": "report year", "agency": "agency name"}[m] for m in missing)
        options = " and ".join(f"--{m}" for m in missing)
        return Prepared(path, sha, reason=f"the text gives no {names}: name it with {options} or a manifest")
    placement = place_report(report, region_code=overrides.region_code)
    report.issues.extend(placement.issues)
    source_uri = overrides.source_url or report.source_url or Path(path).absolute().as_uri()
    source = Source(source_uri, "synthetic" if synthetic else fmt, sha,
                    synthetic, text, PARSER_VERSION)
    counts: dict[str, int] = {}
    for issue in report.issues:
        counts[issue.severity] = counts.get(issue.severity, 0) + 1
    incoming = Incoming(report, source, placement, check_report(report))
    incoming.encode_checks()
    return Prepared(path, sha, incoming, issue_counts=counts)

