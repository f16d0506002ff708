"""Hostile documents and accidents during a load: each is recorded as that document's failure (or, for the
loader's own death or the database's, leaves nothing behind and says what was stored), and the rest of the
batch is stored."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import dying_worker
from test_load import SEEDS, sql, xxgk

from services.ingest import find_documents, load
from synthetic import generate, hostile, render

BOMB_MB = 256  # past the 32 MB a part may unpack to; built in a quarter of a second


def _failures(url: str) -> dict[str, str]:
    return {Path(r["path"]).name: r["reason"] for r in sql(url, "SELECT path, reason FROM load_failure")}


def _synthetic(folder: Path, n: int, start: int = 0, **changes) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(start, start + n):
        report = generate(i, agency_name=f"第{i}测试镇", region_hint="宣汉县")
        for path, value in changes.items():
            row, column = path.split("__")
            report.applications[row][column] = value
        (folder / f"{i:04d}.txt").write_text(render(report, "docx_tsv", rng_seed=i), encoding="utf-8")


def test_bombs_absurd_cells_bad_names_links_and_manifest_rows_fail_alone(db_url, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    for seed in SEEDS[:3]:
        shutil.copy(seed, docs / seed.name)
    (docs / "bomb.docx").write_bytes(hostile.docx_bomb(BOMB_MB))
    (docs / "span.docx").write_bytes(hostile.docx_span_bomb())
    (docs / "span.html").write_bytes(hostile.html_span_bomb())
    (docs / "bomb.pdf").write_bytes(hostile.pdf_deflate_bomb(BOMB_MB))
    _synthetic(docs / "huge", 1, start=77, new_received__total=10**20)  # a §3 cell of 100000000000000000000
    # A name that is not UTF-8 (as a crawler may save it) holding a good report: it loads.
    os.makedirs(os.fsencode(docs / "names"))
    shutil.copy(SEEDS[3], os.fsencode(docs / "names") + b"/\xff\xfe-report.txt")
    os.symlink("loop.txt", docs / "loop.txt")  # a link to itself
    os.symlink("nowhere.txt", docs / "gone.txt")
    shutil.copy(SEEDS[4], docs / "zz-after-the-links.txt")  # the walk goes on past them
    # Manifest rows that cannot be used fail their own document only.
    (docs / "rows").mkdir()
    shutil.copy(SEEDS[0], docs / "rows" / "region.txt")
    (docs / "rows" / "year.txt").write_text(SEEDS[1].read_text(encoding="utf-8") + "\n", encoding="utf-8")
    (tmp_path / "m.csv").write_text("path,region_code,year\ndocs/rows/region.txt,999999,\ndocs/rows/year.txt,,-5\n",
                                    encoding="utf-8")

    started = time.monotonic()
    done = xxgk("load", str(docs), "--manifest", str(tmp_path / "m.csv"), url=db_url)

    assert time.monotonic() - started < 60
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr
    assert "loaded 5, unchanged 0, replaced 0, failed 9" in done.stdout, done.stdout + done.stderr
    failed = _failures(db_url)
    assert set(failed) == {"bomb.docx", "span.docx", "span.html", "bomb.pdf", "0077.txt", "loop.txt", "gone.txt",
                           "region.txt", "year.txt"}, failed
    assert f"word/document.xml unpacks to {BOMB_MB:,} MB, more than the 32 MB a part may (XXGK_MAX_PART_MB)" \
        in failed["bomb.docx"]
    assert "span more than 100,000 grid cells (XXGK_MAX_TABLE_CELLS)" in failed["span.docx"]
    assert "span more than 100,000 grid cells (XXGK_MAX_TABLE_CELLS)" in failed["span.html"]
    assert "a PDF stream unpacks to more than 32 MB (XXGK_MAX_PART_MB)" in failed["bomb.pdf"]
    assert "new_received / total is 100000000000000000000, larger than any count can be (2,147,483,647)" \
        in failed["0077.txt"]
    assert "link loop" in failed["loop.txt"] and "target is missing" in failed["gone.txt"]
    assert "region_code '999999' is not a GB/T 2260 code the gazetteer knows" in failed["region.txt"]
    assert "line 3: year -5 is not a report year (2008–2100)" in failed["year.txt"]
    # The report behind the name that is not UTF-8 is stored, its source (relative to the folder loaded)
    # with the bytes escaped as its failure would be printed.
    [uri] = [r["source_uri"] for r in sql(db_url, "SELECT source_uri FROM report WHERE source_uri LIKE '%report.txt'")]
    assert uri == "names/\\xff\\xfe-report.txt"
    assert sql(db_url, "SELECT count(*) FROM report")[0][0] == 5


def test_a_name_that_is_not_utf8_is_printed_and_recorded_escaped(db_url, tmp_path):
    shutil.copy(SEEDS[0], tmp_path / "good.txt")
    (tmp_path / "x.txt").write_bytes(b"")
    os.rename(tmp_path / "x.txt", os.fsencode(tmp_path) + b"/bad-\xff.txt")
    done = xxgk("load", str(tmp_path), url=db_url)
    assert done.returncode == 1 and "loaded 1," in done.stdout, done.stderr
    assert f"failed: {tmp_path}/bad-\\xff.txt: bad-\\xff.txt: empty file" in done.stderr
    assert list(_failures(db_url)) == ["bad-\\xff.txt"]


def test_a_dead_parser_process_is_replaced_and_its_documents_read_again_once(db_url, tmp_path):
    _synthetic(tmp_path, 40)
    _synthetic(tmp_path / "kill-me", 1, start=100)
    os.rename(tmp_path / "kill-me" / "0100.txt", tmp_path / "kill-me.txt")
    _synthetic(tmp_path / "flaky", 1, start=101)
    os.rename(tmp_path / "flaky" / "0101.txt", tmp_path / "flaky.txt")

    summary = asyncio.run(load(db_url, find_documents([str(tmp_path)]), jobs=2, worker=dying_worker.prepare_or_die))

    assert summary.counts == Counter(loaded=41, failed=1)  # the 40, and the flaky one on its second reading
    [(path, reason)] = summary.failures
    assert Path(path).name == "kill-me.txt"
    assert reason == "the parser process reading it died, twice (killed by SIGKILL: out of memory?)"
    assert sql(db_url, "SELECT count(*) FROM report")[0][0] == 41
    assert _failures(db_url) == {"kill-me.txt": reason}


def _descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(entry))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_parser_processes_exit_when_the_loader_is_killed(db_url, tmp_path):
    _synthetic(tmp_path, 2000)
    loader = subprocess.Popen([sys.executable, "-m", "xxgk", "load", "--jobs", "2", str(tmp_path)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              env={**os.environ, "DATABASE_URL": db_url})
    deadline = time.monotonic() + 120
    workers: set[int] = set()
    while len(workers) < 3:  # the forkserver and two parser processes
        assert loader.poll() is None and time.monotonic() < deadline
        time.sleep(0.2)
        workers = _descendants(loader.pid)
    os.kill(loader.pid, signal.SIGKILL)
    loader.wait()
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [pid for pid in workers if _alive(pid)]


def test_a_database_lost_during_a_load_says_what_is_stored_and_how_to_go_on(db_url, tmp_path):
    n = 1500
    _synthetic(tmp_path, n)
    env = {**os.environ, "DATABASE_URL": db_url, "XXGK_LOAD_BATCH": "100", "XXGK_LOAD_WINDOW": "100"}
    loader = subprocess.Popen([sys.executable, "-m", "xxgk", "load", "--jobs", "1", str(tmp_path)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    deadline = time.monotonic() + 120
    while sql(db_url, "SELECT count(*) FROM report")[0][0] == 0:
        assert loader.poll() is None and time.monotonic() < deadline, loader.communicate()
        time.sleep(0.1)
    # As when the server crashes or restarts: the loader's connection is cut.
    sql(db_url, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'xxgk load'")
    out, err = loader.communicate(timeout=60)

    assert loader.returncode == 1
    stored = sql(db_url, "SELECT count(*) FROM report")[0][0]
    assert 0 < stored < n
    assert f"loaded {stored}, " in out, out + err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: the database was lost during the load ("), err
    assert lines[0].endswith("the reports counted above are stored; run the same command again to load the rest "
                             "(documents already stored are skipped)")
    again = xxgk("load", str(tmp_path), url=db_url)
    assert f"loaded {n - stored}, unchanged {stored}, replaced 0, failed 0" in again.stdout, again.stdout
