"""Exporting to a directory: a valid Frictionless package, empty stays empty, 0 stays 0, filters."""

from __future__ import annotations

import asyncio
import csv
import json
from pathlib import Path

import asyncpg
import frictionless
import pytest

from db.engine import dsn
from loaders.canonical import Report
from services.export import ExportFilter, FilterError, export_dir, files
from tests.export.conftest import REPORTS, built_report, source


def export(url: str, outdir: Path, flt: ExportFilter | None = None) -> dict[str, int]:
    async def run() -> dict[str, int]:
        conn = await asyncpg.connect(dsn(url))
        try:
            return await export_dir(conn, outdir, flt or ExportFilter())
        finally:
            await conn.close()

    return asyncio.run(run())


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def full(loaded_url: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("export")
    export(loaded_url, out)
    return out


def test_every_file_is_written_and_no_partial_file_is_left(full):
    assert sorted(p.name for p in full.iterdir()) == sorted(files())


def test_the_package_is_valid_and_its_foreign_keys_resolve(full):
    report = frictionless.validate(full / "datapackage.json")
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])
    assert len(report.tasks) == 9  # eight tables and the JSON Lines file


def test_a_dangling_foreign_key_is_caught_by_the_validator(full, tmp_path):
    broken = tmp_path / "broken"
    broken.mkdir()
    for name in files():
        (broken / name).write_bytes((full / name).read_bytes())
    reports = (broken / "reports.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (broken / "reports.csv").write_text("".join(reports[:-1]), encoding="utf-8")  # drop the last report
    report = frictionless.validate(broken / "datapackage.json")
    assert not report.valid
    assert "foreign-key" in {e.type for task in report.tasks for e in task.errors}


def test_an_empty_cell_stays_empty_and_a_zero_stays_zero(full):
    guandu = next(r["id"] for r in rows(full / "reports.csv") if r["source_uri"].endswith("guandu-2021.html"))
    outcomes = {r["row_key"]: r for r in rows(full / "application_outcomes.csv") if r["report_id"] == guandu}
    assert (outcomes["new_received"]["natural_person"], outcomes["new_received"]["commercial_enterprise"],
            outcomes["new_received"]["total"]) == ("3", "0", "3")
    reviews = {r["group"]: r for r in rows(full / "review_litigation.csv") if r["report_id"] == guandu}
    assert [reviews["review"][c] for c in ("upheld", "corrected", "other", "pending", "total")] == [""] * 5
    assert reviews["litigation_direct"]["total"] == "0"
    proactive = {(r["category"], r["metric"]): r["value"] for r in rows(full / "proactive_counts.csv")
                 if r["report_id"] == guandu}
    assert proactive[("fees", "amount_10k_yuan")] == "12.50"  # exact, trailing zero kept
    assert proactive[("licensing", "decisions")] == "0"
    assert proactive[("regulations", "issued")] == ""
    provenance = [r for r in rows(full / "value_provenance.csv") if r["report_id"] == guandu]
    assert [(r["path"], r["provenance"]) for r in provenance] == [("reviews.review.total", "missing")]


def test_a_review_group_left_empty_is_not_checkable_rather_than_passed(full):
    guandu = next(r["id"] for r in rows(full / "reports.csv") if r["source_uri"].endswith("guandu-2021.html"))
    review = [r for r in rows(full / "consistency_results.csv")
              if r["report_id"] == guandu and r["code"] == "S4_GROUP_SUM" and "review" in r["location"]
              and "litigation" not in r["location"]]
    assert [(r["status"], r["expected"], r["actual"]) for r in review] == [("not_checkable", "", "")]


def test_consistency_results_hold_every_check_passed_ones_included(full):
    results = rows(full / "consistency_results.csv")
    for report in rows(full / "reports.csv"):
        mine = [r for r in results if r["report_id"] == report["id"]]
        statuses = [r["status"] for r in mine]
        assert statuses.count("passed") == int(report["checks_passed"]) > 0
        assert statuses.count("not_checkable") == int(report["checks_not_checkable"])
        failed = [r for r in mine if r["status"] == "failed"]
        assert sum(r["severity"] == "error" for r in failed) == int(report["checks_failed"])
        assert sum(r["severity"] == "warning" for r in failed) == int(report["warnings"])
        assert all(r["message"] for r in failed)
    guandu = next(r["id"] for r in rows(full / "reports.csv") if r["source_uri"].endswith("guandu-2021.html"))
    # 官渡镇 2021, §3 row new_received: 3 natural persons, total 3 → S3_ROW_SUM passes with 3 = 3.
    [row_sum] = [r for r in results if r["report_id"] == guandu and r["code"] == "S3_ROW_SUM"
                 and r["location"] == "row=new_received"]
    assert (row_sum["status"], row_sum["expected"], row_sum["actual"], row_sum["cross_year"]) == (
        "passed", "3", "3", "false")


def test_reports_carry_their_provenance_and_agencies_their_region_chain(full):
    reports = {r["source_uri"].rsplit("/", 1)[1]: r for r in rows(full / "reports.csv")}
    assert len(reports) == len(REPORTS)
    r = reports["henghe-2021.html"]
    assert (r["year"], r["template"], r["sha256"], r["parser_version"], r["source_format"]) == (
        "2021", "2021", source("henghe-2021").sha256, "test-1", "html")
    agencies = {a["id"]: a for a in rows(full / "agencies.csv")}
    a = agencies[r["agency_id"]]
    assert (a["province_code"], a["province_name"], a["city_code"], a["city_name"], a["county_code"],
            a["county_name"], a["region_code"], a["synthetic"]) == (
        "140000", "山西省", "140500", "晋城市", "140522", "阳城县", "140522", "false")
    yunyang = agencies[reports["yunyang-2022.html"]["agency_id"]]
    assert (yunyang["province_name"], yunyang["city_code"], yunyang["county_name"]) == ("重庆市", "", "云阳县")


def test_the_jsonl_file_holds_whole_reports_in_the_parse_json_shape(full):
    lines = (full / "reports.jsonl").read_text(encoding="utf-8").splitlines()
    by_uri = {json.loads(line)["source"]["uri"]: json.loads(line) for line in lines}
    assert len(by_uri) == len(REPORTS)
    record = by_uri["https://example.gov.cn/guandu-2021.html"]
    expected = built_report("官渡镇", "万源市", 2021).to_json()
    assert {k: record[k] for k in expected} == expected
    assert record["reviews"]["review"]["total"] is None and record["reviews"]["litigation_direct"]["total"] == 0
    assert record["proactive"]["fees"]["amount_10k_yuan"] == "12.50"
    assert record["source"]["sha256"] == source("guandu-2021").sha256
    assert Report.from_json(record).applications == built_report("官渡镇", "万源市", 2021).applications


def test_the_descriptor_has_keys_licence_sources_and_bilingual_descriptions(full):
    pkg = json.loads((full / "datapackage.json").read_text(encoding="utf-8"))
    assert pkg["licenses"][0]["name"] == "CC-BY-4.0" and pkg["sources"] and pkg["created"]
    res = {r["name"]: r for r in pkg["resources"]}
    outcomes = res["application_outcomes"]["schema"]
    assert outcomes["primaryKey"] == ["report_id", "row_key"]
    assert outcomes["foreignKeys"] == [{"fields": "report_id", "reference": {"resource": "reports", "fields": "id"}}]
    natural = next(f for f in outcomes["fields"] if f["name"] == "natural_person")
    assert natural["type"] == "integer" and "自然人" in natural["description"]
    assert res["reports"]["schema"]["foreignKeys"][0]["reference"]["resource"] == "agencies"


@pytest.mark.parametrize(("flt", "expected"), [
    (ExportFilter(year=2021), {"guandu-2021", "henghe-2021"}),
    (ExportFilter(region="510000"), {"guandu-2021", "guandu-2020"}),  # province: the county's reports
    (ExportFilter(region="511781", year=2020), {"guandu-2020"}),
    (ExportFilter(region="500000"), {"yunyang-2022"}),
    (ExportFilter(region="110000"), set()),  # known format, no report there
])
def test_a_filter_selects_reports_and_every_table_follows(loaded_url, tmp_path, flt, expected):
    counts = export(loaded_url, tmp_path, flt)
    reports = rows(tmp_path / "reports.csv")
    assert {r["source_uri"].rsplit("/", 1)[1].removesuffix(".html") for r in reports} == expected
    ids = {r["id"] for r in reports}
    for table in ("proactive_counts", "application_outcomes", "review_litigation", "value_provenance",
                  "consistency_results", "parse_issues"):
        assert {r["report_id"] for r in rows(tmp_path / f"{table}.csv")} <= ids, table
    assert {r["report_id"] for r in rows(tmp_path / "application_outcomes.csv")} == ids
    assert {r["id"] for r in rows(tmp_path / "agencies.csv")} == {r["agency_id"] for r in reports}
    assert counts["reports.csv"] == counts["reports.jsonl"] == len(expected)
    assert frictionless.validate(tmp_path / "datapackage.json").valid
    assert json.loads((tmp_path / "datapackage.json").read_text())["xxgk:filter"] == flt.describe()


@pytest.mark.parametrize(("year", "region"), [("20x1", None), ("1999", None), (None, "51"), (None, "5100001")])
def test_a_bad_filter_is_refused(year, region):
    with pytest.raises(FilterError):
        ExportFilter.parse(year, region)


def test_filter_values_are_parsed_from_text():
    assert ExportFilter.parse(" 2021 ", "510000") == ExportFilter(2021, "510000")
    assert ExportFilter.parse("", "") == ExportFilter()


def test_reading_one_report_and_one_row_at_a_time_gives_the_same_files(loaded_url, full, tmp_path, monkeypatch):
    import db.export

    monkeypatch.setattr(db.export, "REPORTS_PER_QUERY", 1)
    monkeypatch.setattr(db.export, "FETCH_ROWS", 1)
    export(loaded_url, tmp_path)
    for name in files():
        if name != "datapackage.json":  # differs only in its creation time
            assert (tmp_path / name).read_bytes() == (full / name).read_bytes(), name


def test_rows_of_a_report_come_in_the_order_the_report_prints_them(full):
    guandu = next(r["id"] for r in rows(full / "reports.csv") if r["source_uri"].endswith("guandu-2021.html"))
    keys = [r["row_key"] for r in rows(full / "application_outcomes.csv") if r["report_id"] == guandu]
    assert keys[:3] == ["new_received", "carried_over", "granted"] and keys[-2:] == ["outcome_total", "carried_forward"]
    groups = [r["group"] for r in rows(full / "review_litigation.csv") if r["report_id"] == guandu]
    assert groups == ["review", "litigation_direct", "litigation_after_review"]
