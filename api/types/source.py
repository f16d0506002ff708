"""Where a report's values came from: the lines of the stored document text, and each value's place in them.

The parser records, for every value it read from the text, ``[line, start, end]``: the 1-based line of
``report.raw_text`` and the 0-based span of the value within it (end exclusive). The writer keeps them in
``report.locations``, keyed by the value's dotted canonical path. Only the lines asked for leave the
database: PostgreSQL splits the text and slices the array.
"""

from __future__ import annotations

import json
from typing import Any

import strawberry
from sqlalchemy import ARRAY, Select, Text, func, select, type_coerce
from sqlalchemy.sql.elements import Grouping

from api.dataloaders import Sessions, fetch
from api.errors import UserError
from db import models
from loaders.canonical import APPLICANT_COLUMNS, APPLICATION_ROWS, PROACTIVE_METRICS, REVIEW_GROUPS, REVIEW_RESULTS

MAX_LINES = 200
MAX_CONTEXT = 20

def _lines(report_id: int, first: int, last: int) -> Select[Any]:
    """Lines ``first``..``last`` of the stored text, split and sliced in PostgreSQL (a text[] of them)."""
    r = models.Report
    # Parenthesised: PostgreSQL subscripts a function call only inside brackets.
    lines = Grouping(type_coerce(func.string_to_array(r.raw_text, "\n"), ARRAY(Text)))[first:last]
    return select(lines.label("lines")).where(r.id == report_id)


def _value(report_id: int, path: str) -> Select[Any]:
    """The location of one value (its entry in ``report.locations``) and its provenance, if it has one."""
    r, p = models.Report, models.ValueProvenance
    provenance = select(p.provenance).where(p.report_id == r.id, p.path == path).scalar_subquery()
    return select(r.locations[path].label("location"), provenance.label("provenance")).where(r.id == report_id)


@strawberry.type(description="One line of the document text as stored (1-based number).")
class SourceLine:
    number: int
    text: str


@strawberry.type(description="Where a value was read: a line of the stored text and its span in that line.")
class ValueLocation:
    line: int = strawberry.field(description="1-based line of the stored document text.")
    start: int = strawberry.field(description="0-based offset of the value's first character in the line.")
    end: int = strawberry.field(description="0-based offset just past the value's last character.")


@strawberry.type(description="Where one value of a report came from.")
class ValueSource:
    path: str = strawberry.field(description="Dotted canonical path, e.g. applications.new_received.total.")
    provenance: str = strawberry.field(
        description="stated (read from its cell), inferred (through an identity), ocr (recognised in a scan) "
        "or missing."
    )
    location: ValueLocation | None = strawberry.field(description="Null when the value was not read from the text.")
    lines: list[SourceLine] = strawberry.field(description="The located line with the context lines around it.")


def value_paths(template: str) -> frozenset[str]:
    """Every dotted path a report of ``template`` has a value at."""
    proactive = [f"proactive.{c}.{m}" for c, metrics in PROACTIVE_METRICS[template].items() for m in metrics]
    applications = [f"applications.{r}.{c}" for r in APPLICATION_ROWS[template] for c in APPLICANT_COLUMNS]
    reviews = [f"reviews.{g}.{r}" for g in REVIEW_GROUPS for r in REVIEW_RESULTS]
    return frozenset(proactive + applications + reviews)


_PATHS = {template: value_paths(template) for template in PROACTIVE_METRICS}


async def read_lines(sessions: Sessions, report_id: int, first: int, last: int) -> list[SourceLine]:
    """Lines ``first``..``last`` (1-based, inclusive) of the stored text; fewer at its end."""
    if first < 1 or last < first:
        raise UserError(f"lines {first}..{last}: firstLine must be at least 1 and lastLine at least firstLine")
    if last - first + 1 > MAX_LINES:
        raise UserError(f"at most {MAX_LINES} lines at a time, not {last - first + 1}")
    rows = await fetch(sessions, _lines(report_id, first, last))
    lines = rows[0].lines if rows and rows[0].lines else []
    # A document stored with Windows line ends keeps its \r: it is no part of the line.
    return [SourceLine(number=first + n, text=line.removesuffix("\r")) for n, line in enumerate(lines)]


async def find_value_source(sessions: Sessions, report_id: int, template: str, path: str, context: int) -> ValueSource:
    """The provenance, location and surrounding lines of the value at ``path``."""
    if path not in _PATHS[template]:
        raise UserError(f"no value {path!r} in a report of template {template}; paths look like "
                        "applications.new_received.total, proactive.fees.amount_10k_yuan or reviews.review.upheld")
    if not 0 <= context <= MAX_CONTEXT:
        raise UserError(f"context must be between 0 and {MAX_CONTEXT}, got {context}")
    [row] = await fetch(sessions, _value(report_id, path))
    location = _location(row.location)
    lines = []
    if location is not None:
        lines = await read_lines(sessions, report_id, max(1, location.line - context), location.line + context)
    return ValueSource(path=path, provenance=row.provenance or "stated", location=location, lines=lines)


def _location(raw: Any) -> ValueLocation | None:
    value = json.loads(raw) if isinstance(raw, str) else raw
    if not (isinstance(value, list) and len(value) == 3 and all(isinstance(v, int) for v in value)):
        return None
    line, start, end = value
    return ValueLocation(line=line, start=start, end=end)
