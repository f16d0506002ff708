"""Where a report came from: its published URL when known, else its path relative to the folder loaded."""

from __future__ import annotations

import shutil
from pathlib import Path

from test_load import SEEDS, sql, xxgk

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
CRAWLED = SAMPLES / "pingtan_2021_crawled.txt"  # its header says 原文链接: https://www.pingtan.gov.cn/…


def sources(url: str) -> set[str]:
    return {r["source_uri"] for r in sql(url, "SELECT source_uri FROM report")}


def test_a_folder_gives_paths_relative_to_itself_never_the_local_disk(db_url, tmp_path):
    folder = tmp_path / "downloads"
    (folder / "2021").mkdir(parents=True)
    shutil.copy(SEEDS[0], folder / "a.txt")
    shutil.copy(SEEDS[2], folder / "2021" / "b.txt")
    done = xxgk("load", str(folder), url=db_url)
    assert done.returncode == 0, done.stderr
    assert sources(db_url) == {"a.txt", "2021/b.txt"}
    assert str(tmp_path) not in " ".join(sources(db_url))


def test_a_file_is_named_by_itself_and_a_glob_relative_to_its_fixed_part(db_url, tmp_path):
    (tmp_path / "x" / "y").mkdir(parents=True)
    shutil.copy(SEEDS[0], tmp_path / "x" / "y" / "one.txt")
    shutil.copy(SEEDS[2], tmp_path / "x" / "y" / "two.txt")
    assert xxgk("load", str(tmp_path / "x" / "y" / "one.txt"), url=db_url).returncode == 0
    assert xxgk("load", str(tmp_path / "x" / "*" / "two.txt"), url=db_url).returncode == 0
    assert sources(db_url) == {"one.txt", "y/two.txt"}
    # Run from inside the folder, a relative argument gives the same names.
    assert xxgk("load", "--reparse", ".", url=db_url, cwd=tmp_path / "x").returncode == 0
    assert sources(db_url) == {"y/one.txt", "y/two.txt"}


def test_the_published_url_wins_crawl_header_then_manifest(db_url, tmp_path):
    shutil.copy(CRAWLED, tmp_path / "page.txt")
    assert xxgk("load", str(tmp_path), url=db_url).returncode == 0
    [header_url] = sources(db_url)
    assert header_url.startswith("https://www.pingtan.gov.cn/") and header_url in CRAWLED.read_text(encoding="utf-8")
    (tmp_path / "m.csv").write_text("path,source_url\npage.txt,https://example.gov.cn/corrected.html\n",
                                    encoding="utf-8")
    again = xxgk("load", "--reparse", "--manifest", str(tmp_path / "m.csv"), str(tmp_path), url=db_url)
    assert again.returncode == 0, again.stderr
    assert sources(db_url) == {"https://example.gov.cn/corrected.html"}
