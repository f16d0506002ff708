"""File → text → canonical report: the pure steps ``xxgk parse`` and ``xxgk load`` share.

Storing is not done here: ``services.prepare`` takes a report from :func:`parse_bytes` to the writer.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from core.errors import XxgkError
from loaders.canonical import NotAReportError, Report
from loaders.readers import NoTextError, UnreadableDocumentError, read_document


class ParseFailure(XxgkError, ValueError):
    """A document that yields no report; the message is one line for people.

    ``not_a_report`` says the document was read and is something else — a cover letter, a picture of a
    seal, a blank scan — so a load skips it rather than counting it failed.
    """

    def __init__(self, message: str, *, not_a_report: bool = False) -> None:
        super().__init__(message)
        self.not_a_report = not_a_report


@dataclass(frozen=True, slots=True)
class Overrides:
    """What a manifest row or ``--agency/--year`` says, which wins over the text."""

    agency: str | None = None
    region_code: str | None = None
    year: int | None = None
    source_url: str | None = None
    published_at: date | None = None


def parse_bytes(data: bytes, filename: str, overrides: Overrides | None = None) -> tuple[Report, str, str]:
    """Parse a document's bytes; returns the report, its text and its format. Raises ParseFailure.

    A year or agency in ``overrides`` is given to the parser, so that the template follows the year given.
    """
    from loaders.parse import parse_text
    from loaders.readers.ocr.provenance import mark_ocr

    overrides = overrides or Overrides()
    try:
        document = read_document(data, filename)
        report = parse_text(document.text, year=overrides.year, agency=overrides.agency)
    except (NoTextError, NotAReportError) as exc:
        raise ParseFailure(str(exc).splitlines()[0], not_a_report=True) from None
    except UnreadableDocumentError as exc:
        raise ParseFailure(str(exc).splitlines()[0]) from None
    report.issues.extend(document.issues)
    mark_ocr(report, document)
    return report, document.text, document.format


def parse_path(path: Path) -> Report:
    """Parse one file (any supported format)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ParseFailure(f"cannot read {path}: {exc.strerror}") from None
    return parse_bytes(data, path.name)[0]


def apply_overrides(report: Report, overrides: Overrides) -> Report:
    """The report with what the overrides say in place of what its text says."""
    changes: dict[str, Any] = {}
    if overrides.agency:
        changes["agency_name"] = overrides.agency
    if overrides.year:
        changes["year"] = overrides.year
    if overrides.published_at:
        changes["published_at"] = overrides.published_at
    return replace(report, **changes) if changes else report
