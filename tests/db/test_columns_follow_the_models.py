"""A column added to a model is written and exported without touching the writer or the export.

The column is added to a copy of the models' metadata (and, with ALTER TABLE, to a test database):
nothing else is changed. ``overview`` (the §1 narrative) is an attribute of the canonical report that the
schema does not store; a report column of such a name is filled from it. ``locations`` (where each value
was read), a model column of that kind, shows a JSON column: filled JSON encoded, kept out of the CSV.
"""

from __future__ import annotations

import asyncio
import csv
import hashlib
import json
from pathlib import Path

import asyncpg
import frictionless
from sqlalchemy import Column, Integer, MetaData, Text

from db.engine import dsn
from db.layout import layout
from db.models import NAMING_CONVENTION, Base
from db.writer import Source, store_reports
from services.export import export_dir, tables
from synthetic import generate

OVERVIEW_DOC = "The §1 narrative as the report writes it (总体情况)"


def with_a_throwaway_column() -> MetaData:
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    for table in Base.metadata.sorted_tables:
        table.to_metadata(metadata)
    metadata.tables["report"].append_column(Column("overview", Text, doc=OVERVIEW_DOC))
    metadata.tables["application_outcome"].append_column(Column("unclassified", Integer))
    return metadata


async def _sql(url: str, statement: str) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(dsn(url))
    try:
        return await conn.fetch(statement)
    finally:
        await conn.close()


async def _export(url: str, outdir: Path, metadata: MetaData) -> None:
    conn = await asyncpg.connect(dsn(url))
    try:
        await export_dir(conn, outdir, tables=tables(metadata))
    finally:
        await conn.close()


def test_the_models_own_columns_are_what_the_writer_copies():
    mine = layout(frozenset(f for f in Source.__dataclass_fields__), Base.metadata)
    assert mine.report.columns == (
        "id", "agency_id", "year", "template", "title", "agency_source", "year_source", "published_at", "source_uri", "source_format", "sha256",
        "parser_version", "raw_text", "checks_passed", "checks_failed", "checks_not_checkable", "warnings",
        "issue_count", "checks", "locations")  # loaded_at and cross_checks keep their server defaults
    assert mine.applications.columns[2:] == mine.application_cells == (
        "natural_person", "commercial_enterprise", "research_institution", "public_interest_org",
        "legal_service_org", "other_org", "total")


def test_a_column_added_to_a_model_is_written_and_exported(db_url, tmp_path):
    asyncio.run(_sql(db_url, "ALTER TABLE report ADD COLUMN overview text"))
    asyncio.run(_sql(db_url, "ALTER TABLE application_outcome ADD COLUMN unclassified integer"))
    metadata = with_a_throwaway_column()
    report = generate(17)
    assert report.overview  # generated reports state their §1
    report.locations = {"applications.new_received.total": (41, 12, 14)}
    source = Source("synthetic://throwaway", "txt", hashlib.sha256(b"throwaway").hexdigest(), raw_text="x",
                    parser_version="test")

    (stored,) = asyncio.run(store_reports(db_url, [(report, source)], metadata=metadata))

    assert stored.status == "loaded", stored
    rows = asyncio.run(_sql(db_url, "SELECT overview, locations::text FROM report"))
    assert [(r["overview"], json.loads(r["locations"])) for r in rows] == [
        (report.overview, {"applications.new_received.total": [41, 12, 14]})]
    assert layout(frozenset(Source.__dataclass_fields__), metadata).applications.columns[-1] == "unclassified"

    asyncio.run(_export(db_url, tmp_path, metadata))
    with (tmp_path / "reports.csv").open(encoding="utf-8", newline="") as fh:
        exported = list(csv.DictReader(fh))
    assert [r["overview"] for r in exported] == [report.overview]
    assert "locations" not in exported[0]  # its info keeps it out of the open data
    with (tmp_path / "application_outcomes.csv").open(encoding="utf-8", newline="") as fh:
        assert {r["unclassified"] for r in csv.DictReader(fh)} == {""}  # no canonical cell of that name: empty
    package = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    fields = {f["name"]: f for r in package["resources"] if r["name"] == "reports" for f in r["schema"]["fields"]}
    assert fields["overview"] == {"name": "overview", "type": "string", "description": OVERVIEW_DOC}
    validation = frictionless.validate(tmp_path / "datapackage.json")
    assert validation.valid, validation.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])


def test_the_models_themselves_export_no_such_column():
    assert "overview" not in {f.name for f in tables()["reports"].fields}
