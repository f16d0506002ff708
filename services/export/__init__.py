"""Open-data export: one CSV per table, whole reports as JSON Lines, and a Frictionless Data Package.

Rows stream inside one read-only transaction (see ``db.export``), so memory stays flat however many
reports there are. Cells follow the canonical vocabulary: ``None`` is an empty cell (never ``0``),
decimals are written exactly. ``filters`` validates a selection, ``tables`` describes the tables,
``csv`` and ``jsonl`` write them, ``descriptor`` writes datapackage.json, ``directory`` writes them all.
"""

from services.export.csv import cell, iter_csv
from services.export.descriptor import LICENSE, datapackage
from services.export.directory import DESCRIPTOR_FILE, export_dir, files
from services.export.filters import ALL_REPORTS, ExportFilter, FilterError
from services.export.jsonl import JSONL_FILE, iter_jsonl
from services.export.tables import TABLES, Field, Table, tables

__all__ = [
    "ALL_REPORTS",
    "DESCRIPTOR_FILE",
    "JSONL_FILE",
    "LICENSE",
    "TABLES",
    "ExportFilter",
    "Field",
    "FilterError",
    "Table",
    "cell",
    "datapackage",
    "export_dir",
    "files",
    "iter_csv",
    "iter_jsonl",
    "tables",
]
