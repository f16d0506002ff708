"""The exported tables as a Frictionless Table Schema sees them: fields, keys, titles.

Fields come from the columns ``db.export`` reads, which come from the models: a field's name is the
column's, its type follows the column's SQL type, its description is the column's ``doc``, and its
constraints the column's ``info`` (``required``, ``enum``) and keys. Only each table's title and
description are written here.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, Integer, MetaData, Numeric

from db.export import ExportTable, export_tables
from db.models import Base

# Table name → (title, description).
_ABOUT: dict[str, tuple[str, str]] = {
    "agencies": (
        "Agencies (发布机关)",
        "Agencies that publish reports, with their administrative division and its province, city and county.",
    ),
    "reports": (
        "Annual reports (政府信息公开工作年度报告)",
        "One row per report: where it came from (URI, SHA-256, parser version) and its consistency summary.",
    ),
    "proactive_counts": ("Proactive disclosure (主动公开政府信息情况)", "§2: one row per report, category and metric."),
    "application_outcomes": (
        "Applications received and processed (收到和处理政府信息公开申请情况)",
        "§3: one row per report and table row, with the seven applicant columns; empty cells are missing, not 0.",
    ),
    "review_litigation": (
        "Administrative review and litigation (行政复议、行政诉讼情况)",
        "§4: one row per report and group, with the five results.",
    ),
    "value_provenance": (
        "Value provenance (数值来源)",
        "Values not read directly from a typed cell: inferred through a stated identity, missing, or recognised "
        "by OCR on a page image (with the page and box). A value without a row here was read from its cell.",
    ),
    "consistency_results": (
        "Consistency checks (一致性检查结果)",
        "Every consistency check of every report, one row per location: the identities of the national format, "
        "cross-year links with the agency's previous report, and anomaly warnings.",
    ),
    "parse_issues": (
        "Parse issues (解析问题)",
        "Problems the parser found while reading a report, with the line in the source text.",
    ),
}


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    type: str
    description: str
    enum: tuple[str, ...] = ()
    required: bool = False


@dataclass(frozen=True, slots=True)
class Table:
    """One exported table: its file, Table Schema fields and keys, and where its rows come from."""

    name: str
    title: str
    description: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    # (column, referenced table) — always the referenced table's ``id``.
    foreign_keys: tuple[tuple[str, str], ...]
    rows: ExportTable

    @property
    def file(self) -> str:
        return f"{self.name}.csv"


def field_type(sql_type: Any) -> str:
    """The Table Schema type of a column's SQL type."""
    for kind, name in ((Boolean, "boolean"), (Integer, "integer"), (Numeric, "number"), (DateTime, "datetime"),
                       (Date, "date"), (JSON, "object")):
        if isinstance(sql_type, kind):
            return name
    return "string"


def _required(column: Any, source: ExportTable) -> bool:
    """A key, a reference that cannot be null, or a column whose ``info`` says so."""
    referencing = bool(column.foreign_keys) and column.nullable is False
    return bool(column.info.get("required") or column.name in source.primary_key or referencing)


@cache
def tables(metadata: MetaData = Base.metadata) -> dict[str, Table]:
    """Every exported table, by name, in the order of the package."""
    sources = export_tables(metadata)
    exported_as = {t.model.name: t.name for t in sources.values()}
    out: dict[str, Table] = {}
    for name, source in sources.items():
        fields = []
        foreign: list[tuple[str, str]] = []
        for c in (e.column for e in source.columns):
            references = [fk.column.table.name for fk in c.foreign_keys if fk.column.table.name in exported_as]
            foreign += [(c.name, exported_as[ref]) for ref in references if ref != source.model.name]
            fields.append(Field(c.name, field_type(c.type), c.doc or "", tuple(c.info.get("enum", ())),
                                _required(c, source)))
        title, description = _ABOUT.get(name, (name, ""))
        out[name] = Table(name, title, description, tuple(fields), source.primary_key, tuple(foreign), source)
    return out


TABLES = tables()
