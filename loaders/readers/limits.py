"""How much a document may expand to while it is read: refused with one line, never read without bound.

A few KB of DOCX, PDF or HTML can stand for gigabytes: a zip part that inflates a thousandfold, a PDF
stream that does, a table cell spanning a million rows. Each reader calls the helpers here before (or
while) it expands anything, and a document past a limit is refused as unreadable, saying which limit:

- ``XXGK_MAX_UNPACKED_MB``: everything a document unpacks to, together (DOCX/XLSX parts, PDF streams);
- ``XXGK_MAX_PART_MB``: any one DOCX/XLSX part or PDF stream;
- ``XXGK_MAX_TABLE_CELLS``: the grid cells of a document's tables, each span counted cell by cell.

The limits in force are this context's (:func:`expansion_limits` sets them around a read, a parser worker
process sets them once with :func:`use_limits`), else the settings' defaults; :func:`one_document` counts a
document's expansion afresh.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from core.settings import Settings
from loaders.readers.document import UnreadableDocumentError

_MB = 1024 * 1024
_DEFAULTS = Settings()


@dataclass(frozen=True, slots=True)
class ReadLimits:
    """What one document may expand to; see the module docstring."""

    unpacked_bytes: int = _DEFAULTS.max_unpacked_mb * _MB
    part_bytes: int = _DEFAULTS.max_part_mb * _MB
    table_cells: int = _DEFAULTS.max_table_cells

    @classmethod
    def from_settings(cls, settings: Settings) -> ReadLimits:
        return cls(settings.max_unpacked_mb * _MB, settings.max_part_mb * _MB, settings.max_table_cells)


class ExpansionError(UnreadableDocumentError):
    """A document that would expand past a limit; the message names the limit and its setting."""


@dataclass(slots=True)
class _Spent:
    limits: ReadLimits
    unpacked: int = 0
    cells: int = 0


_DEFAULT_LIMITS = ReadLimits()
_LIMITS: ContextVar[ReadLimits | None] = ContextVar("read_limits", default=None)
_SPENT: ContextVar[_Spent | None] = ContextVar("read_spent", default=None)


def _limits() -> ReadLimits:
    return _LIMITS.get() or _DEFAULT_LIMITS


def use_limits(limits: ReadLimits) -> None:
    """Make ``limits`` this context's from now on (a parser worker process, once, as it starts)."""
    _LIMITS.set(limits)


@contextmanager
def expansion_limits(limits: ReadLimits) -> Iterator[None]:
    """``limits`` in force for the documents read within."""
    token = _LIMITS.set(limits)
    try:
        yield
    finally:
        _LIMITS.reset(token)


@contextmanager
def one_document() -> Iterator[None]:
    """One document's read: what it unpacks and the cells its tables span are counted from zero, unless a
    read is under way already (a reader handing its document to another counts as the same document)."""
    if _SPENT.get() is not None:
        yield
        return
    token = _SPENT.set(_Spent(_limits()))
    try:
        yield
    finally:
        _SPENT.reset(token)


def _spent() -> _Spent:
    return _SPENT.get() or _Spent(_limits())  # outside a read, each call counts on its own


def _mb(size: int) -> str:
    return f"{size / _MB:,.0f} MB" if size >= _MB else f"{size:,} bytes"


def check_zip(data: bytes, kind: str) -> None:
    """Refuse a DOCX/XLSX package whose parts, as its directory declares them, unpack past the limits.

    The declared sizes bound what Python's zip reader will inflate (it stops at a part's declared size),
    so checking them before the package is opened is enough.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            parts = [(info.filename, info.file_size) for info in package.infolist()]
    except (zipfile.BadZipFile, ValueError, OSError):
        return  # not a zip: the reader says so in its own words
    spent = _spent()
    for name, size in parts:
        if size > spent.limits.part_bytes:
            raise ExpansionError(f"{kind} part {name[:80]} unpacks to {_mb(size)}, more than the "
                                 f"{_mb(spent.limits.part_bytes)} a part may (XXGK_MAX_PART_MB)")
    unpack(sum(size for _, size in parts), f"{kind} parts")


def unpack(size: int, what: str) -> None:
    """Count ``size`` more bytes unpacked from the document; past ``XXGK_MAX_UNPACKED_MB`` it is refused."""
    spent = _spent()
    spent.unpacked += size
    if spent.unpacked > spent.limits.unpacked_bytes:
        raise ExpansionError(f"the document unpacks to more than {_mb(spent.limits.unpacked_bytes)} "
                             f"(XXGK_MAX_UNPACKED_MB), counting its {what}: a decompression bomb?")


def part_limit() -> int:
    """The most one part or stream may unpack to (``XXGK_MAX_PART_MB``)."""
    return _spent().limits.part_bytes


def stream_too_large(what: str) -> ExpansionError:
    """The error for one part or stream past ``XXGK_MAX_PART_MB``."""
    return ExpansionError(f"a {what} unpacks to more than {_mb(part_limit())} (XXGK_MAX_PART_MB): "
                          "a decompression bomb?")


def table_cells(count: int, kind: str) -> None:
    """Count ``count`` more grid cells of the document's tables; past ``XXGK_MAX_TABLE_CELLS`` it is refused."""
    spent = _spent()
    spent.cells += count
    if spent.cells > spent.limits.table_cells:
        raise ExpansionError(f"the {kind} tables span more than {spent.limits.table_cells:,} grid cells "
                             "(XXGK_MAX_TABLE_CELLS): a table out of all proportion?")
