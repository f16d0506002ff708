"""Synthetic test data in the exports: left out of every file unless asked for, then marked in each row."""

from __future__ import annotations

import asyncio
import csv
import dataclasses
import hashlib
import io
import json
from collections.abc import AsyncIterator
from pathlib import Path

import frictionless
import httpx
import pytest

from api.app import create_app
from core.settings import Settings
from db.writer import Source, store_reports
from services.export import TABLES, ExportFilter, FilterError
from synthetic import SYNTHETIC_MARK, mark_synthetic
from tests.export.conftest import REPORTS, built_report, source
from tests.export.test_export import export, rows

# A synthetic agency of the same name and place as a real one: the mark and the flag keep them apart.
SYNTHETIC = {("官渡镇", "万源市", 2021): "synthetic-guandu-2021", ("水利局", "阳城县", 2022): "synthetic-shuili-2022"}


def _synthetic_source(tag: str) -> Source:
    return Source(f"synthetic://test/{tag}", "synthetic", hashlib.sha256(tag.encode()).hexdigest(), True, tag, "test")


@pytest.fixture(scope="module")
def mixed_url(module_db_url: str) -> str:
    """The export fixtures' real reports beside two synthetic ones."""
    items = [(built_report(*key), source(tag)) for key, tag in REPORTS.items()]
    items += [(mark_synthetic(built_report(*key)), _synthetic_source(tag)) for key, tag in SYNTHETIC.items()]
    results = asyncio.run(store_reports(module_db_url, items))
    assert [r.status for r in results] == ["loaded"] * len(items)
    return module_db_url


def _row_counts(outdir: Path) -> dict[str, int]:
    return {name: len(rows(outdir / spec.file)) for name, spec in TABLES.items()}


def test_the_files_leave_synthetic_data_out_unless_asked(mixed_url, tmp_path):
    real, everything = tmp_path / "real", tmp_path / "all"
    export(mixed_url, real)
    export(mixed_url, everything, ExportFilter(include_synthetic=True))

    reports = rows(real / "reports.csv")
    assert len(reports) == len(REPORTS) and {r["synthetic"] for r in reports} == {"false"}
    agencies = rows(real / "agencies.csv")
    assert not any(a["name"].startswith(SYNTHETIC_MARK) for a in agencies)
    assert {a["synthetic"] for a in agencies} == {"false"}
    lines = [json.loads(line) for line in (real / "reports.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(lines) == len(REPORTS) and not any(line["synthetic"] for line in lines)
    # Every table of report rows follows: no row of a synthetic report.
    ids = {r["id"] for r in reports}
    for name in ("proactive_counts", "application_outcomes", "review_litigation", "consistency_results"):
        assert {r["report_id"] for r in rows(real / TABLES[name].file)} == ids, name

    reports = rows(everything / "reports.csv")
    assert len(reports) == len(REPORTS) + len(SYNTHETIC)
    marked = [r for r in reports if r["synthetic"] == "true"]
    assert len(marked) == len(SYNTHETIC) and all(r["title"].startswith(SYNTHETIC_MARK) for r in marked)
    synthetic_agencies = [a for a in rows(everything / "agencies.csv") if a["synthetic"] == "true"]
    assert sorted(a["name"] for a in synthetic_agencies) == [f"{SYNTHETIC_MARK}官渡镇", f"{SYNTHETIC_MARK}水利局"]
    lines = [json.loads(line) for line in (everything / "reports.jsonl").read_text(encoding="utf-8").splitlines()]
    assert sum(line["synthetic"] for line in lines) == len(SYNTHETIC)
    counts_real, counts_all = _row_counts(real), _row_counts(everything)
    assert all(counts_all[name] >= counts_real[name] for name in TABLES)
    assert counts_all["application_outcomes"] > counts_real["application_outcomes"]


def test_a_real_and_a_synthetic_agency_never_share_a_name(mixed_url, tmp_path):
    export(mixed_url, tmp_path, ExportFilter(include_synthetic=True))
    agencies = rows(tmp_path / "agencies.csv")
    real = {a["name"] for a in agencies if a["synthetic"] == "false"}
    synthetic = {a["name"] for a in agencies if a["synthetic"] == "true"}
    assert "官渡镇" in real and f"{SYNTHETIC_MARK}官渡镇" in synthetic and not real & synthetic


def test_the_package_with_synthetic_data_is_valid_and_says_what_it_holds(mixed_url, tmp_path):
    export(mixed_url, tmp_path, ExportFilter(include_synthetic=True))
    report = frictionless.validate(tmp_path / "datapackage.json")
    assert report.valid, report.flatten(["title", "message"])[:5]
    descriptor = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    assert "synthetic test data included" in descriptor["description"]
    assert descriptor["xxgk:filter"]["include_synthetic"] is True
    fields = {f["name"]: f for r in descriptor["resources"] if r["name"] == "reports" for f in r["schema"]["fields"]}
    assert fields["synthetic"]["type"] == "boolean"
    export(mixed_url, tmp_path / "real")
    real = json.loads((tmp_path / "real" / "datapackage.json").read_text(encoding="utf-8"))
    assert "synthetic test data left out" in real["description"]


@pytest.mark.parametrize(("value", "expected"), [(None, False), ("true", True), ("1", True), ("false", False),
                                                 ("0", False), ("", False), (True, True)])
def test_include_synthetic_is_parsed_from_text(value, expected):
    assert ExportFilter.parse(include_synthetic=value).include_synthetic is expected


def test_a_bad_include_synthetic_is_refused():
    with pytest.raises(FilterError, match="include_synthetic must be true or false"):
        ExportFilter.parse(include_synthetic="maybe")


@pytest.fixture
async def client(mixed_url: str) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(dataclasses.replace(Settings.from_env(), database_url=mixed_url))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as c:
        yield c
    await app.state.xxgk.dispose()


async def test_the_http_routes_leave_synthetic_data_out_unless_asked(client):
    plain = await client.get("/export/reports.csv")
    assert plain.status_code == 200
    assert {r["synthetic"] for r in csv.DictReader(io.StringIO(plain.text))} == {"false"}
    asked = await client.get("/export/reports.csv?include_synthetic=true&year=2021")
    assert asked.headers["content-disposition"] == 'attachment; filename="reports-2021-synthetic.csv"'
    got = [(r["title"][:4], r["synthetic"]) for r in csv.DictReader(io.StringIO(asked.text))]
    assert sorted(got) == sorted([("万源市官", "false"), ("阳城县横", "false"), (SYNTHETIC_MARK[:4], "true")])
    jsonl = await client.get("/export/reports.jsonl?include_synthetic=1")
    assert sum(json.loads(line)["synthetic"] for line in jsonl.text.splitlines()) == len(SYNTHETIC)
    descriptor = (await client.get("/export/datapackage.json?include_synthetic=true")).json()
    assert all("include_synthetic=True" in r["path"] or "include_synthetic=true" in r["path"]
               for r in descriptor["resources"])
    bad = await client.get("/export/reports.csv?include_synthetic=maybe")
    assert bad.status_code == 400 and "include_synthetic must be true or false" in bad.text


def test_the_cli_includes_synthetic_data_only_when_asked(mixed_url, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from xxgk.cli import app

    monkeypatch.setenv("DATABASE_URL", mixed_url)
    runner = CliRunner()
    plain = runner.invoke(app, ["export", str(tmp_path / "plain"), "--quiet"])
    assert plain.exit_code == 0, plain.output
    assert len(rows(tmp_path / "plain" / "reports.csv")) == len(REPORTS)
    asked = runner.invoke(app, ["export", str(tmp_path / "all"), "--quiet", "--include-synthetic"])
    assert asked.exit_code == 0, asked.output
    assert len(rows(tmp_path / "all" / "reports.csv")) == len(REPORTS) + len(SYNTHETIC)
