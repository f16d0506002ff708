"""`xxgk parse` of files and folders: a summary of each document, or the canonical JSON; nothing stored."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
GUANDU, HENGHE = FIXTURES / "000_cad348b87ea66ad4.txt", FIXTURES / "001_5e00b241830afff7.txt"


def parse(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "xxgk", "parse", *args], capture_output=True, text=True, timeout=120)


def test_a_folder_is_parsed_document_by_document_with_a_closing_count(tmp_path):
    shutil.copy(GUANDU, tmp_path / "a.txt")
    (tmp_path / "more").mkdir()
    shutil.copy(HENGHE, tmp_path / "more" / "b.txt")
    (tmp_path / "more" / "letter.txt").write_text("您好，附件为年度报告。\n", encoding="utf-8")
    (tmp_path / "notes.rtf").write_text("not read", encoding="utf-8")

    done = parse(str(tmp_path))
    assert done.returncode == 1  # the letter is no report
    assert done.stdout.splitlines()[-1] == "parsed 3 document(s): 2 read, 1 failed"
    assert f"{tmp_path / 'a.txt'}\n  " in done.stdout and f"{tmp_path / 'more' / 'b.txt'}\n  " in done.stdout
    assert "agency 官渡镇" in done.stdout and "agency 横河镇人民政府" in done.stdout
    assert done.stderr.startswith(f"error: {tmp_path / 'more' / 'letter.txt'}: ")

    as_json = parse("--json", str(tmp_path))
    assert [r["agency_name"] for r in json.loads(as_json.stdout)] == ["官渡镇", "横河镇人民政府"]
    assert "parsed 3 document(s): 2 read, 1 failed" in as_json.stderr  # stdout stays JSON


def test_one_file_gives_one_object_and_an_empty_folder_is_a_mistake(tmp_path):
    one = parse("--json", str(GUANDU))
    assert one.returncode == 0 and json.loads(one.stdout)["agency_name"] == "官渡镇"
    (tmp_path / "empty").mkdir()
    empty = parse(str(tmp_path / "empty"))
    assert empty.returncode == 1
    [line] = empty.stderr.splitlines()
    assert line.startswith(f"error: no documents: {tmp_path / 'empty'} holds no files (xxgk reads .doc .docx ")
