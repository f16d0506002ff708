"""`xxgk load` as a user runs it: real documents, a real database, exit codes and one-line errors."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from tests.conftest import sql

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SEEDS = sorted(FIXTURES.glob("0*.txt"))


def xxgk(*args: str, url: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": url}
    return subprocess.run([sys.executable, "-m", "xxgk", *args], capture_output=True, text=True, env=env, cwd=cwd,
                          timeout=300)


def test_loading_the_seeds_stores_their_rows_and_values(db_url):
    done = xxgk("load", *map(str, SEEDS), url=db_url)
    assert done.returncode == 0, done.stderr
    assert "loaded 5, unchanged 0, replaced 0, failed 0" in done.stdout
    assert sql(db_url, "SELECT count(*) FROM report")[0][0] == 5
    # 2021 template: 25 §3 rows; 2019 (seed 001): 23.
    counts = {r["name"]: r["n"] for r in sql(db_url, "SELECT a.name, count(*) AS n FROM application_outcome o "
                                                     "JOIN report r ON r.id = o.report_id JOIN agency a ON a.id = r.agency_id "
                                                     "GROUP BY a.name")}
    assert counts == {"官渡镇": 25, "横河镇人民政府": 23, "水口镇人民政府": 25, "红椿镇": 25, "官亭镇": 25}
    # Seed 000 (line 86): the 行政复议 cells are empty → null, not 0; the litigation cells are 0.
    rows = sql(db_url, "SELECT l.\"group\", l.upheld, l.total FROM review_litigation l JOIN report r ON r.id = l.report_id "
                       "JOIN agency a ON a.id = r.agency_id WHERE a.name = '官渡镇' ORDER BY 1")
    assert [(r["group"], r["upheld"], r["total"]) for r in rows] == [
        ("litigation_after_review", 0, 0), ("litigation_direct", 0, 0), ("review", None, None)]
    # Seed 001 (2019 template): 其他对外管理服务事项 112 / 0 / 236, procurement 2 items, 167900.
    rows = sql(db_url, "SELECT p.category, p.metric, p.value FROM proactive_count p JOIN report r ON r.id = p.report_id "
                       "WHERE r.year = 2020 AND p.category IN ('other_services', 'procurement') ORDER BY 1, 2")
    assert {(r["category"], r["metric"]): r["value"] for r in rows} == {
        ("other_services", "change"): 0, ("other_services", "decisions"): 236, ("other_services", "previous_items"): 112,
        ("procurement", "amount"): 167900, ("procurement", "items"): 2}
    # Region resolved from the title: 万源市 (511781) under 达州市, 四川省.
    [agency] = sql(db_url, "SELECT a.kind, a.region_code, p.code AS city FROM agency a JOIN region c ON c.code = a.region_code "
                           "JOIN region p ON p.code = c.parent_code WHERE a.name = '官渡镇'")
    assert (agency["kind"], agency["region_code"], agency["city"]) == ("township", "511781", "511700")
    # 官亭镇 exists in several provinces: loaded, region left null, with an issue saying so.
    [issue] = sql(db_url, "SELECT i.code FROM parse_issue i JOIN report r ON r.id = i.report_id "
                          "JOIN agency a ON a.id = r.agency_id WHERE a.name = '官亭镇' AND i.code LIKE 'REGION%'")
    assert issue["code"] == "REGION_AMBIGUOUS"
    # Seed 000's empty review cells make S4_GROUP_SUM not checkable for `review`.
    [check] = sql(db_url, "SELECT c.status FROM check_result c JOIN report r ON r.id = c.report_id JOIN agency a "
                          "ON a.id = r.agency_id WHERE a.name = '官渡镇' AND c.code = 'S4_GROUP_SUM' AND c.location = 'group=review'")
    assert check["status"] == "not_checkable"


def test_loading_twice_reports_unchanged(db_url, tmp_path):
    for seed in SEEDS:
        shutil.copy(seed, tmp_path / seed.name)
    assert xxgk("load", str(tmp_path), url=db_url).returncode == 0
    again = xxgk("load", str(tmp_path), url=db_url)
    assert again.returncode == 0
    assert "loaded 0, unchanged 5, replaced 0, failed 0" in again.stdout
    assert sql(db_url, "SELECT count(*) FROM report")[0][0] == 5


def test_documents_already_stored_are_counted_unchanged_without_being_parsed(db_url, tmp_path, monkeypatch):
    from services import ingest

    for seed in SEEDS:
        shutil.copy(seed, tmp_path / seed.name)
    files = list(ingest.find_documents([str(tmp_path)]))
    assert asyncio.run(ingest.load(db_url, files, jobs=1)).counts == Counter(loaded=5)
    changed = files[2]
    changed.write_text(changed.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    parsed: list[str] = []
    parse = ingest._prepare_job
    monkeypatch.setattr(ingest, "_prepare_job", lambda job: parsed.append(job[0]) or parse(job))
    progress: list[int] = []

    again = asyncio.run(ingest.load(db_url, files, jobs=1, progress=progress.append))

    assert parsed == [str(changed)]  # the four untouched documents were only hashed
    assert again.counts == Counter(unchanged=4, replaced=1)
    assert sum(progress) == 5
    assert sql(db_url, "SELECT count(*) FROM report")[0][0] == 5


def test_documents_read_by_an_older_parser_or_loaded_with_reparse_are_read_again(db_url, tmp_path):
    from loaders.parse import PARSER_VERSION

    shutil.copy(SEEDS[0], tmp_path / "a.txt")
    shutil.copy(SEEDS[2], tmp_path / "b.txt")
    assert xxgk("load", str(tmp_path), url=db_url).returncode == 0
    sql(db_url, "UPDATE report SET parser_version = '0.9' WHERE source_uri = 'a.txt'")  # as an older xxgk

    again = xxgk("load", str(tmp_path), url=db_url)
    assert "loaded 0, unchanged 1, replaced 1, failed 0" in again.stdout, again.stdout
    assert {r[0] for r in sql(db_url, "SELECT parser_version FROM report")} == {PARSER_VERSION}

    # The same bytes say 2022; a user who knows better corrects the year of the stored report. Without
    # --reparse the stored document is not read again, and the loader says how to apply the year.
    assert sql(db_url, "SELECT year FROM report WHERE source_uri = 'b.txt'")[0][0] == 2022
    unapplied = xxgk("load", "--year", "2021", str(tmp_path / "b.txt"), url=db_url)
    assert unapplied.returncode == 0 and "unchanged 1" in unapplied.stdout
    assert ("note: 1 document(s) were stored already and were not read again, so --year did not apply to them; "
            "add --reparse to apply it") in unapplied.stderr
    assert sql(db_url, "SELECT year FROM report WHERE source_uri = 'b.txt'")[0][0] == 2022
    moved = xxgk("load", "--reparse", "--year", "2021", str(tmp_path / "b.txt"), url=db_url)
    assert "loaded 0, unchanged 0, replaced 1, failed 0" in moved.stdout, moved.stdout
    assert [tuple(r) for r in sql(db_url, "SELECT year, count(*) FROM report WHERE source_uri = 'b.txt' "
                                          "GROUP BY year")] == [(2021, 1)]
    assert sql(db_url, "SELECT count(*) FROM report")[0][0] == 2


def test_bad_documents_fail_with_reasons_and_the_rest_load(db_url, tmp_path):
    good = SEEDS[:2]
    for seed in good:
        shutil.copy(seed, tmp_path / seed.name)
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "junk.txt").write_bytes(bytes(range(256)) * 20)
    (tmp_path / "corrupt.docx").write_bytes(b"PK\x03\x04 this is not a zip archive")
    (tmp_path / "letter.txt").write_text("关于召开春季运动会的通知\n\n各单位：定于四月举行。\n", encoding="utf-8")
    # Cut before its first table: an excerpt with a table would be read (as far as it goes), this one holds none.
    lines = SEEDS[0].read_text(encoding="utf-8").splitlines()
    (tmp_path / "truncated.txt").write_text("\n".join(lines[:20]), encoding="utf-8")
    (tmp_path / "latin1.txt").write_bytes("Jahresbericht über Öffentlichkeit".encode("latin-1") * 10)
    done = xxgk("load", str(tmp_path), url=db_url)
    assert done.returncode == 1
    assert "loaded 2, unchanged 0, replaced 0, failed 3, skipped 3 (not reports)" in done.stdout
    assert "Traceback" not in done.stderr
    # a letter, a German text and a report cut before its tables hold no report: skipped and said so,
    # apart from the failures
    for name in ("letter.txt", "latin1.txt", "truncated.txt"):
        assert f"skipped: {tmp_path / name}: not a disclosure annual report" in done.stderr
    failed = {Path(r["path"]).name: r["reason"] for r in sql(db_url, "SELECT path, reason FROM load_failure")}
    assert set(failed) == {"empty.txt", "junk.txt", "corrupt.docx"}
    assert "empty" in failed["empty.txt"]
    assert all(reason and "\n" not in reason for reason in failed.values())
    for name in failed:
        assert f"failed: {tmp_path / name}" in done.stderr
    assert sql(db_url, "SELECT count(*) FROM report")[0][0] == 2


def test_a_folder_of_attachments_loads_the_report_and_skips_what_is_not_one(db_url, tmp_path):
    pytest.importorskip("rapidocr_onnxruntime", reason="the OCR extra is not installed")
    import docx
    from PIL import Image, ImageDraw

    shutil.copy(SEEDS[0], tmp_path / "report.txt")
    letter = docx.Document()
    letter.add_paragraph("关于报送2021年政府信息公开工作年度报告的函")
    letter.add_paragraph("市政府办公室：现将我镇2021年政府信息公开工作年度报告报送你们，请审阅。")
    letter.save(tmp_path / "cover-letter.docx")
    seal = Image.new("RGB", (500, 500), "white")
    ImageDraw.Draw(seal).ellipse((50, 50, 450, 450), outline=(220, 40, 40), width=14)
    seal.save(tmp_path / "seal.png")

    done = xxgk("load", str(tmp_path), url=db_url)
    assert done.returncode == 0, done.stderr  # nothing failed: skipped documents do not change the exit code
    assert "loaded 1, unchanged 0, replaced 0, failed 0, skipped 2 (not reports)" in done.stdout
    assert f"skipped: {tmp_path / 'cover-letter.docx'}: not a disclosure annual report" in done.stderr
    assert f"skipped: {tmp_path / 'seal.png'}: seal.png: not a report: the image document holds no text" in done.stderr
    assert sql(db_url, "SELECT count(*) FROM load_failure")[0][0] == 0


def test_many_failures_are_also_counted_by_reason(db_url, tmp_path):
    for i in range(12):
        (tmp_path / f"empty{i:02d}.txt").write_bytes(b"")
    (tmp_path / "broken.docx").write_bytes(b"PK\x03\x04 this is not a zip archive")
    done = xxgk("load", str(tmp_path), url=db_url)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 14 and all(line.startswith("failed: ") for line in lines[:13])  # each one, then the count
    assert lines[-1].startswith("failed by reason: 12 × empty file; 1 × not a readable DOCX file"), lines[-1]


def test_a_new_version_of_a_report_replaces_the_old_one(db_url, tmp_path):
    first = tmp_path / "v1.txt"
    shutil.copy(SEEDS[0], first)
    assert xxgk("load", str(first), url=db_url).returncode == 0
    second = tmp_path / "v2.txt"
    second.write_text(SEEDS[0].read_text(encoding="utf-8") + "\n（更正版）\n", encoding="utf-8")
    done = xxgk("load", str(second), url=db_url)
    assert "loaded 0, unchanged 0, replaced 1, failed 0" in done.stdout
    [row] = sql(db_url, "SELECT source_uri FROM report")
    assert row["source_uri"].endswith("v2.txt")


def test_manifest_and_flags_override_the_text(db_url, tmp_path):
    shutil.copy(SEEDS[4], tmp_path / "a.txt")
    (tmp_path / "m.csv").write_text(
        "path,agency,region_code,year,source_url,published_at\n"
        "a.txt,官亭镇人民政府,630222,,https://example.gov.cn/a.html,2025-01-15\n", encoding="utf-8")
    done = xxgk("load", str(tmp_path / "a.txt"), "--manifest", str(tmp_path / "m.csv"), url=db_url)
    assert done.returncode == 0, done.stderr
    [row] = sql(db_url, "SELECT a.name, a.region_code, r.source_uri, r.published_at, r.year FROM report r "
                        "JOIN agency a ON a.id = r.agency_id")
    assert (row["name"], row["region_code"], row["source_uri"], str(row["published_at"]), row["year"]) == (
        "官亭镇人民政府", "630222", "https://example.gov.cn/a.html", "2025-01-15", 2024)
    done = xxgk("load", str(SEEDS[0]), "--agency", "官渡镇人民政府", "--year", "2022", url=db_url)
    assert done.returncode == 0
    assert sql(db_url, "SELECT count(*) FROM report r JOIN agency a ON a.id = r.agency_id "
                       "WHERE a.name = '官渡镇人民政府' AND r.year = 2022")[0][0] == 1


@pytest.mark.parametrize("args, message", [
    (["/no/such/dir"], "no such file or directory: /no/such/dir"),
    (["--manifest", "/no/such.csv", "x"], "no such file or directory: x"),
    (["/no/*.txt"], "no files match /no/*.txt"),
])
def test_usage_errors_exit_2_with_one_line(db_url, args, message):
    done = xxgk("load", *args, url=db_url)
    assert done.returncode == 2
    assert done.stderr.strip() == f"error: {message}"


def test_an_empty_folder_or_one_of_other_files_says_so_and_exits_1(db_url, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    done = xxgk("load", str(empty), url=db_url)
    assert done.returncode == 1
    [line] = done.stderr.splitlines()
    assert line.startswith(f"error: no documents: {empty} holds no files (xxgk reads ") and ".docx" in line
    other = tmp_path / "other"
    (other / "sub").mkdir(parents=True)
    for name in ("a.rtf", "sub/b.zip", "sub/c.zip"):
        (other / name).write_bytes(b"x")
    done = xxgk("load", str(other), url=db_url)
    assert done.returncode == 1
    [line] = done.stderr.splitlines()
    assert line.startswith(f"error: no documents in {other}: only files of types xxgk does not read "
                           "(2 .zip, 1 .rtf); it reads ")
    assert sql(db_url, "SELECT count(*) FROM load_failure")[0][0] == 0


def test_bad_manifest_is_a_usage_error(db_url, tmp_path):
    (tmp_path / "m.csv").write_text("file,agency\na.txt,x\n", encoding="utf-8")
    done = xxgk("load", str(SEEDS[0]), "--manifest", str(tmp_path / "m.csv"), url=db_url)
    assert done.returncode == 2
    assert done.stderr.strip() == f"error: manifest {tmp_path / 'm.csv'} needs a header row with a 'path' column"


def test_unreachable_database_is_one_line(tmp_path):
    done = xxgk("load", str(SEEDS[0]), url="postgresql://nobody:x@127.0.0.1:9/none")
    assert done.returncode == 1
    assert done.stderr.strip().startswith("error: cannot connect to the database none at 127.0.0.1:9")
    assert len(done.stderr.strip().splitlines()) == 1




def test_many_documents_load_through_the_worker_processes_as_they_would_one_by_one(db_url, tmp_path):
    """24 documents (more than the in-process threshold) with two workers, a bad one among them."""
    from synthetic import generate, render

    layouts = ("docx_tsv", "html_lines", "docx_cells", "ocr_markdown")
    for i in range(23):
        report = generate(500 + i, agency_name=f"第{i}测试镇", region_hint="宣汉县")
        (tmp_path / f"{i:02d}.txt").write_text(render(report, layouts[i % 4], rng_seed=i), encoding="utf-8")
    (tmp_path / "junk.txt").write_bytes(bytes(range(256)) * 20)

    done = xxgk("load", "--jobs", "2", str(tmp_path), url=db_url)
    assert done.returncode == 1, done.stderr  # the junk file failed; the rest loaded
    assert "loaded 23" in done.stdout and "failed 1" in done.stdout, done.stdout
    stored = sql(db_url, "SELECT a.name, r.year, o.total FROM report r JOIN agency a ON a.id = r.agency_id "
                         "JOIN application_outcome o ON o.report_id = r.id AND o.row_key = 'new_received'")
    assert len(stored) == 23
    expected = {}
    for i in range(23):
        report = generate(500 + i, agency_name=f"第{i}测试镇", region_hint="宣汉县")
        expected[report.agency_name] = (report.year, report.applications["new_received"]["total"])
    assert {row["name"]: (row["year"], row["total"]) for row in stored} == expected

    again = xxgk("load", "--jobs", "2", str(tmp_path), url=db_url)
    assert "unchanged 23" in again.stdout, again.stdout


def test_ctrl_c_stops_a_load_in_one_line_and_the_next_run_loads_the_rest(db_url, tmp_path):
    from synthetic import generate, render

    n = 3000  # three windows: the first commits while most documents are still to do
    for i in range(n):
        report = generate(i, agency_name=f"第{i}中断镇", region_hint="宣汉县")
        (tmp_path / f"{i:04d}.txt").write_text(render(report, "docx_tsv", rng_seed=i), encoding="utf-8")
    load = subprocess.Popen(
        [sys.executable, "-m", "xxgk", "load", "--jobs", "2", str(tmp_path)], stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, env={**os.environ, "DATABASE_URL": db_url}, start_new_session=True,
        # A shell that started this run in the background may have left Ctrl-C ignored; a terminal would not.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 120
    while sql(db_url, "SELECT count(*) FROM report")[0][0] == 0:
        assert load.poll() is None and time.monotonic() < deadline, load.communicate()
        time.sleep(0.1)

    os.killpg(load.pid, signal.SIGINT)  # as Ctrl-C in a terminal: the loader and its parser workers
    out, err = load.communicate(timeout=120)

    assert load.returncode == 130
    assert err.strip().startswith("interrupted:") and len(err.strip().splitlines()) == 1, err  # no traceback
    stored = sql(db_url, "SELECT count(*) FROM report")[0][0]
    assert 0 < stored < n
    assert f"loaded {stored}, " in out  # what it says is what is stored: the open batch was rolled back
    assert sql(db_url, "SELECT count(*) FROM report r WHERE NOT EXISTS "
                       "(SELECT 1 FROM application_outcome o WHERE o.report_id = r.id)")[0][0] == 0
    again = xxgk("load", str(tmp_path), url=db_url)
    assert f"loaded {n - stored}, unchanged {stored}, replaced 0, failed 0" in again.stdout, again.stdout


def test_parser_workers_leave_ctrl_c_to_the_loader():
    """A worker waiting for work when Ctrl-C comes would otherwise print a KeyboardInterrupt traceback."""
    from services.ingest import _leave_interrupts_to_the_loader

    ctx = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(1, mp_context=ctx, initializer=_leave_interrupts_to_the_loader) as pool:
        assert pool.submit(signal.getsignal, signal.SIGINT).result() == signal.SIG_IGN


def test_an_older_schema_is_a_usage_error_that_says_to_migrate(db_url):
    from db.migrate import downgrade, head_revision

    downgrade(db_url, "3ab5e2a110c5")  # the schema before the data version existed
    done = xxgk("load", str(SEEDS[0]), url=db_url)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"error: the database schema is at revision 3ab5e2a110c5, this xxgk needs {head_revision()}; "
        "run `xxgk migrate` first"
    ]
    assert sql(db_url, "SELECT count(*) FROM report")[0][0] == 0


def test_a_schema_from_an_unknown_version_is_refused_in_one_line_by_every_command(db_url):
    sql(db_url, "UPDATE alembic_version SET version_num = 'f00dfeedbeef'")  # as a newer xxgk would leave it
    expected = ("error: the database schema is at revision f00dfeedbeef, which this xxgk does not know: another "
                "version of xxgk made it; use that version, or a new database (DATABASE_URL, or XXGK_DATA_DIR for "
                "the embedded one)")
    migrated = xxgk("migrate", url=db_url)
    assert (migrated.returncode, migrated.stderr.strip().splitlines()) == (1, [expected])
    loaded = xxgk("load", str(SEEDS[0]), url=db_url)
    assert (loaded.returncode, loaded.stderr.strip().splitlines()) == (1, [expected])  # not the user's mistake
    assert sql(db_url, "SELECT version_num FROM alembic_version")[0][0] == "f00dfeedbeef"
