"""`xxgk export OUTDIR [--year] [--region]`: files, a one-line summary, usage errors with exit code 2."""

from __future__ import annotations

import csv

from typer.testing import CliRunner

from services.export import files
from xxgk.cli import app


def test_export_writes_the_files_and_says_how_many_rows(loaded_url, tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", loaded_url)
    out = tmp_path / "new" / "dir"
    result = CliRunner().invoke(app, ["export", str(out), "--year", "2021", "--region", "510000"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(files())
    with (out / "reports.csv").open(encoding="utf-8") as fh:
        assert [r["year"] for r in csv.DictReader(fh)] == ["2021"]  # 官渡镇 2021 only
    summary = result.output.strip().splitlines()[-1]
    assert summary.startswith(f"wrote 10 files to {out}")
    assert "reports 1," in summary and "application_outcomes 25," in summary and "reports.jsonl 1" in summary


def test_a_bad_region_is_a_usage_error(loaded_url, tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", loaded_url)
    result = CliRunner().invoke(app, ["export", str(tmp_path), "--region", "51"])
    assert result.exit_code == 2
    assert "region must be a GB/T 2260 code" in result.output
    assert not list(tmp_path.iterdir())


def test_an_outdir_that_is_a_file_is_a_usage_error(tmp_path):
    target = tmp_path / "file.txt"
    target.write_text("x")
    result = CliRunner().invoke(app, ["export", str(target)])
    assert result.exit_code == 2 and "not a directory" in result.output
