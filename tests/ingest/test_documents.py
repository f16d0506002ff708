"""Which documents `xxgk load PATH...` takes, in which order, and that folders are walked as they are read."""

from __future__ import annotations

import glob
import os
import shutil
import time
from pathlib import Path

import pytest

from services.ingest import UsageError, find_documents


def touch(root: Path, *names: str) -> None:
    for name in names:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("x", encoding="utf-8")


def names(root: Path, paths) -> list[str]:
    return [str(Path(p).relative_to(root)) for p in paths]


def test_a_folder_gives_its_supported_files_by_name_then_each_sub_folder(tmp_path):
    touch(tmp_path, "b.txt", "a.MD", "notes.rtf", "sub/z.html", "sub/deeper/y.docx", "sub/m.pdf", "other/c.htm",
          "scans/p1.TIF", "scans/old.doc", "scans/t.xlsx")
    os.symlink(tmp_path / "a.MD", tmp_path / "link.txt")  # a link to a file is that file
    os.symlink(tmp_path / "gone.txt", tmp_path / "broken.txt")  # a link to nothing is not a document
    os.symlink(tmp_path / "sub", tmp_path / "again")  # a linked folder is not walked twice
    os.symlink("round.txt", tmp_path / "sub" / "round.txt")  # a link to itself: noted, and the walk goes on

    documents = find_documents([str(tmp_path)])

    assert names(tmp_path, documents) == [
        "a.MD", "b.txt", "link.txt", "other/c.htm", "scans/old.doc", "scans/p1.TIF", "scans/t.xlsx", "sub/m.pdf",
        "sub/z.html", "sub/deeper/y.docx"]
    assert documents.count() == 10
    assert documents.unreadable == {  # recorded as failures by the load
        str(tmp_path / "broken.txt"): "a link to nothing (its target is missing)",
        str(tmp_path / "sub" / "round.txt"): "Too many levels of symbolic links (a link loop)",
    }


def test_a_file_named_twice_is_taken_once_and_a_named_file_of_any_suffix_is_taken(tmp_path):
    touch(tmp_path, "a.txt", "b.txt", "report.rtf")
    documents = find_documents([str(tmp_path), str(tmp_path / "b.txt"), str(tmp_path / "report.rtf")])
    assert names(tmp_path, documents) == ["a.txt", "b.txt", "report.rtf"]  # .rtf fails later, with its reason


def test_a_glob_gives_its_files_in_name_order(tmp_path):
    touch(tmp_path, "2021/b.txt", "2020/a.txt", "2020/skip.md")
    assert names(tmp_path, find_documents([str(tmp_path / "*" / "*.txt")])) == ["2020/a.txt", "2021/b.txt"]


def test_a_double_star_glob_does_not_follow_linked_folders_round_a_loop(tmp_path):
    touch(tmp_path, "a/x.txt", "a/b/y.txt", "a/b/c/z.md", "a/.hidden/h.txt")
    os.symlink(tmp_path / "a", tmp_path / "a" / "b" / "back")  # a/b/back/b/back/… for ever
    started = time.monotonic()
    found = names(tmp_path, find_documents([str(tmp_path / "**" / "*.txt")]))
    assert time.monotonic() - started < 1
    assert found == ["a/b/y.txt", "a/x.txt"]
    assert names(tmp_path, find_documents([str(tmp_path / "a" / "**")])) == ["a/b/c/z.md", "a/b/y.txt", "a/x.txt"]


def test_globs_without_links_match_as_glob_does(tmp_path):
    touch(tmp_path, "2020/a.txt", "2020/b.md", "2021/q1/c.txt", "2021/q2/d.txt", "x.txt", ".skip/e.txt")
    for pattern in ("*.txt", "*/*.txt", "**/*.txt", "20*/**/*.txt", "2021/q?/*.txt", "**", "[2]0[2]1/**/c.txt"):
        expected = sorted(m for m in glob.glob(str(tmp_path / pattern), recursive=True) if os.path.isfile(m))
        assert [str(p) for p in find_documents([str(tmp_path / pattern)])] == expected, pattern


@pytest.mark.parametrize("arg, message", [("missing", "no such file or directory"), ("*.nothing", "no files match")])
def test_a_path_that_names_nothing_is_a_usage_error_before_anything_is_read(tmp_path, arg, message):
    with pytest.raises(UsageError, match=message):
        find_documents([str(tmp_path), str(tmp_path / arg)])


def test_folders_are_read_as_the_documents_are_taken_and_one_that_cannot_be_is_noted(tmp_path):
    """Memory stays flat however many files: a sub-folder is listed only when its turn comes."""
    touch(tmp_path, "a.txt", "one/b.txt", "two/c.txt")
    documents = find_documents([str(tmp_path)])
    taking = iter(documents)
    assert names(tmp_path, [next(taking)]) == ["a.txt"]
    shutil.rmtree(tmp_path / "two")  # not listed before its turn: it goes missing then, not at the start
    assert names(tmp_path, taking) == ["one/b.txt"]
    assert documents.unreadable == {str(tmp_path / "two"): "No such file or directory"}
