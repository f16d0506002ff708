"""One document made ready for the writer: read, parsed, overridden, placed and checked.

``prepare`` runs in the loader's worker processes (and in the API's ingest mutation): it returns a
picklable :class:`Prepared`, so the parent process only writes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from checks import check_report
from db.writer import Incoming, Source
from loaders.parse import PARSER_VERSION
from loaders.pipeline import Overrides, ParseFailure, apply_overrides, parse_bytes
from loaders.placement import place_report


@dataclass(slots=True)
class Prepared:
    """A document ready to write, or the reason it cannot be (``incoming`` is then ``None``)."""

    path: str
    sha256: str | None
    incoming: Incoming | None = None
    reason: str | None = None
    issue_counts: dict[str, int] = field(default_factory=dict)
    skipped: bool = False  # not a report: ``reason`` says what it is


def prepare(path: str, overrides: Overrides | None = None, *, synthetic: bool = False) -> Prepared:
    """Read, parse, place and check one document (runs in a worker process)."""
    overrides = overrides or Overrides()
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        return Prepared(path, None, reason=f"cannot read file: {exc.strerror}")
    sha = hashlib.sha256(data).hexdigest()
    try:
        report, text, fmt = parse_bytes(data, Path(path).name, overrides)
    except ParseFailure as exc:
        return Prepared(path, sha, reason=str(exc), skipped=exc.not_a_report)
    report = apply_overrides(report, overrides)
    missing = [what for what, value in (("year", report.year), ("agency", report.agency_name)) if value is None]
    if missing:
        names = " and ".join({"year": "report year", "agency": "agency name"}[m] for m in missing)
        options = " and ".join(f"--{m}" for m in missing)
        return Prepared(path, sha, reason=f"the text gives no {names}: name it with {options} or a manifest")
    placement = place_report(report, region_code=overrides.region_code)
    report.issues.extend(placement.issues)
    source_uri = overrides.source_url or report.source_url or Path(path).absolute().as_uri()
    source = Source(source_uri, "synthetic" if synthetic else fmt, sha, synthetic, text, PARSER_VERSION)
    counts: dict[str, int] = {}
    for issue in report.issues:
        counts[issue.severity] = counts.get(issue.severity, 0) + 1
    incoming = Incoming(report, source, placement, check_report(report))
    incoming.encode_checks()
    return Prepared(path, sha, incoming, issue_counts=counts)
