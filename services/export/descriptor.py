"""The Frictionless Data Package descriptor (datapackage.json) of an export."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from services.export.filters import ALL_REPORTS, ExportFilter
from services.export.jsonl import JSONL_FILE
from services.export.tables import TABLES, Table

LICENSE = {"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0",
           "path": "https://creativecommons.org/licenses/by/4.0/"}


def datapackage(flt: ExportFilter = ALL_REPORTS, *, created: datetime | None = None,
                path: Callable[[str], str] = lambda file: file, tables: Mapping[str, Table] = TABLES
                ) -> dict[str, Any]:
    """The Frictionless Data Package descriptor; ``path`` maps a file name to its path or URL."""
    created = created or datetime.now(UTC)
    scope = ", ".join(f"{k} {v}" for k, v in (("year", flt.year), ("region", flt.region)) if v is not None)
    scope = (scope or "all reports") + ("; synthetic test data included, its titles and agency names marked 【合成】"
                                        if flt.include_synthetic else "; synthetic test data left out")
    resources: list[dict[str, Any]] = [_resource(t, path(t.file)) for t in tables.values()]
    resources.append({
        "name": "reports-jsonl", "path": path(JSONL_FILE), "type": "file", "format": "jsonl",
        "mediatype": "application/x-ndjson", "encoding": "utf-8",
        "title": "Whole reports as JSON Lines (完整报告)",
        "description": "One report a line in the `xxgk parse --json` shape plus id, agency_id, synthetic and source "
                       "(uri, format, sha256, parser_version). Values are numbers or null; amounts are strings "
                       "so no digit is lost.",
    })
    return {
        "profile": "data-package",
        "name": "xxgk-disclosure-reports",
        "title": "Government information-disclosure annual reports (政府信息公开工作年度报告)",
        "description": "Figures of the annual reports Chinese agencies publish under Article 50 of the "
                       "Regulations on the Disclosure of Government Information, read into the national format's "
                       f"tables by xxgk. Selection: {scope}. Empty cells are missing values, never zero; "
                       "value_provenance marks values inferred through an identity, missing, or read by OCR.",
        "licenses": [LICENSE],
        "sources": [{
            "title": "Agencies' annual reports on government information disclosure (public government "
                     "information); reports.source_uri and reports.sha256 identify each document",
        }],
        "created": created.isoformat(timespec="seconds"),
        "keywords": ["政府信息公开", "government information disclosure", "China", "annual reports"],
        "xxgk:filter": flt.describe(),
        "resources": resources,
    }


def _resource(table: Table, path: str) -> dict[str, Any]:
    fields = []
    for f in table.fields:
        field: dict[str, Any] = {"name": f.name, "type": f.type, "description": f.description}
        constraints: dict[str, Any] = {}
        if f.required:
            constraints["required"] = True
        if f.enum:
            constraints["enum"] = list(f.enum)
        if constraints:
            field["constraints"] = constraints
        fields.append(field)
    schema: dict[str, Any] = {"fields": fields, "missingValues": [""], "primaryKey": list(table.primary_key)}
    if table.foreign_keys:
        schema["foreignKeys"] = [{"fields": col, "reference": {"resource": ref, "fields": "id"}}
                                 for col, ref in table.foreign_keys]
    return {
        "name": table.name, "path": path, "profile": "tabular-data-resource", "type": "table", "format": "csv",
        "mediatype": "text/csv", "encoding": "utf-8", "title": table.title, "description": table.description,
        "schema": schema,
    }
