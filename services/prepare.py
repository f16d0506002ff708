"""One document made ready for the writer: read, parsed, overridden, placed and checked.

``prepare`` runs in the loader's worker processes (and in the API's ingest process): it returns a
picklable :class:`Prepared`, so the parent process only writes. It never raises: whatever goes wrong
with one document — a reader or the parser failing, a place that cannot be resolved, a check that
breaks, a value no column can hold — is that document's failure, with a one-line reason.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TypeVar

from checks import check_report
from db.writer import Incoming, Source
from loaders.canonical import Report
from loaders.gazetteer import region_chain
from loaders.parse import PARSER_VERSION
from loaders.pipeline import Overrides, ParseFailure, apply_overrides, parse_bytes
from loaders.placement import place_report
from loaders.readers.limits import ReadLimits, expansion_limits
from synthetic.marking import SYNTHETIC_MARK, mark_synthetic

T = TypeVar("T")
# §3 and §4 cells are stored as PostgreSQL integer; a value past it is no count of anything.
MAX_COUNT = 2**31 - 1
REPORT_YEARS = range(2008, 2101)  # a year a report can be for (the Regulations took effect in 2008)


@dataclass(slots=True)
class Prepared:
    """A document ready to write, or the reason it cannot be (``incoming`` is then ``None``).

    ``path`` is printable and storable: a name that is not valid UTF-8 has its bytes escaped (``\\xff``).
    """

    path: str
    sha256: str | None
    incoming: Incoming | None = None
    reason: str | None = None
    issue_counts: dict[str, int] = field(default_factory=dict)
    skipped: bool = False  # not a report: ``reason`` says what it is


class _Failed(Exception):
    """This document cannot be stored; the message says why (``skipped``: it is not a report)."""

    def __init__(self, message: str, *, skipped: bool = False) -> None:
        super().__init__(message)
        self.skipped = skipped


def shown(path: str) -> str:
    """A path as text that can be printed and stored: bytes of a name that is not UTF-8 escaped as ``\\xff``."""
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def prepare(path: str, overrides: Overrides | None = None, *, synthetic: bool = False,
            name: str | None = None, source: str | None = None) -> Prepared:
    """Read, parse, place and check one document (runs in a worker process). Never raises.

    ``name`` is the path to report (an upload's own name rather than its temporary copy's). The report's
    source is the published URL when known (``overrides.source_url``, else the text's 原文链接), else
    ``source`` (a path relative to the folder loaded), else the file's name: never a local absolute path.
    """
    overrides = overrides or Overrides()
    label = shown(name or path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        return Prepared(label, None, reason=f"cannot read file: {exc.strerror or type(exc).__name__}")
    sha = hashlib.sha256(data).hexdigest()
    try:
        incoming, counts = _prepare(path, data, sha, overrides, synthetic, source or shown(Path(name or path).name))
    except _Failed as exc:
        return Prepared(label, sha, reason=shown(str(exc)), skipped=exc.skipped)
    return Prepared(label, sha, incoming, issue_counts=counts)


def _prepare(path: str, data: bytes, sha: str, overrides: Overrides, synthetic: bool,
             local: str) -> tuple[Incoming, dict[str, int]]:
    try:
        report, text, fmt = parse_bytes(data, shown(Path(path).name), overrides)
    except ParseFailure as exc:
        raise _Failed(str(exc), skipped=exc.not_a_report) from None
    except Exception as exc:  # noqa: BLE001 - a bug met by this document fails this document only
        raise _Failed(_bug("reading", exc)) from None
    report = apply_overrides(report, overrides)
    missing = [what for what, value in (("year", report.year), ("agency", report.agency_name)) if value is None]
    if missing:
        names = " and ".join({"year": "report year", "agency": "agency name"}[m] for m in missing)
        options = " and ".join(f"--{m}" for m in missing)
        raise _Failed(f"the text gives no {names}: name it with {options} or a manifest")
    if not synthetic and (report.agency_name or "").startswith(SYNTHETIC_MARK):
        raise _Failed(f"the agency name starts with {SYNTHETIC_MARK}, the mark of synthetic test data: a real report "
                      "never carries it")
    if (beyond := _beyond_storage(report)) is not None:
        raise _Failed(beyond)
    if overrides.region_code and not _known_region(overrides.region_code):
        raise _Failed(f"region code {overrides.region_code[:20]!r} is not a GB/T 2260 code the gazetteer knows")
    placement = _stage("placing its agency", lambda: place_report(report, region_code=overrides.region_code))
    report.issues.extend(placement.issues)
    if synthetic:  # placed by its plain name, stored under the mark so it never reads as a real agency's report
        report = mark_synthetic(report)
    source_uri = overrides.source_url or report.source_url or local
    source = Source(source_uri, "synthetic" if synthetic else fmt, sha, synthetic, text, PARSER_VERSION)
    counts: dict[str, int] = {}
    for issue in report.issues:
        counts[issue.severity] = counts.get(issue.severity, 0) + 1
    incoming = Incoming(report, source, placement, _stage("checking it", lambda: check_report(report)))
    _stage("checking it", incoming.encode_checks)
    return incoming, counts


def _known_region(code: str) -> bool:
    try:
        region_chain(code)
    except KeyError:
        return False
    return True


def _stage(what: str, step: Callable[[], T]) -> T:
    try:
        return step()
    except Exception as exc:  # noqa: BLE001 - a bug met by this document fails this document only
        raise _Failed(_bug(what, exc)) from None


def _bug(what: str, exc: Exception) -> str:
    message = " ".join(str(exc).split())[:200]
    return f"internal error while {what}: {type(exc).__name__}" + (f": {message}" if message else "")


def _beyond_storage(report: Report) -> str | None:
    """Why a §3/§4 value cannot be stored (it is past what a count can be), or None."""
    for table, rows in (("§3", report.applications), ("§4", report.reviews)):
        for row, cells in rows.items():
            for column, value in cells.items():
                if isinstance(value, int | Decimal) and not -MAX_COUNT <= value <= MAX_COUNT:
                    digits = str(value)
                    shown_value = digits if len(digits) <= 24 else f"{digits[:20]}… ({len(digits)} digits)"
                    return (f"{table} {row} / {column} is {shown_value}, larger than any count can be "
                            f"({MAX_COUNT:,}): a misread cell?")
    return None


def upload_name(name: str) -> str:
    """A safe file name for an upload's temporary copy: its last part, without NUL, slashes or lone
    surrogates, at most 100 characters before its extension (which picks the reader)."""
    clean = "".join(c for c in name.replace("\\", "/").rsplit("/", 1)[-1]
                    if c != "\0" and not 0xD800 <= ord(c) <= 0xDFFF)
    stem, dot, suffix = clean.rpartition(".")
    if not dot:
        stem, suffix = clean, ""
    stem = stem[:100] or "document"
    return f"{stem}.{suffix[:10]}" if suffix else stem


def warm_up() -> None:
    """Nothing: called in a new parser process, it makes the process import this module (and the parser)."""


def prepare_upload(name: str, data: bytes, overrides: Overrides, synthetic: bool, limits: ReadLimits) -> Prepared:
    """``prepare`` for a document received whole (``ingestReport``): a temporary copy named like the upload (its
    extension picks the reader), read within ``limits``."""
    name = upload_name(name)
    with tempfile.TemporaryDirectory(prefix="xxgk-ingest-") as folder, expansion_limits(limits):
        path = Path(folder) / name
        path.write_bytes(data)
        return prepare(str(path), overrides, synthetic=synthetic, name=name, source=f"upload:{name}")
