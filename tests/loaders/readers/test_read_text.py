"""The text reader: encodings a Chinese government site serves, BOMs, line breaks, and binary junk."""

from __future__ import annotations

import random

import pytest
from seed000_documents import FIXTURE

from loaders.readers import UnreadableDocumentError, read_document

SEED = FIXTURE.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("encoded", "codec"),
    [
        (SEED.encode("utf-8"), "utf-8"),
        (SEED.encode("utf-8-sig"), "utf-8-sig"),
        (SEED.encode("gb18030"), "gb18030"),
        (SEED.encode("gbk"), "gb18030"),
        (SEED.encode("utf-16"), "utf-16"),  # Python writes the BOM
        (b"\xfe\xff" + SEED.encode("utf-16-be"), "utf-16"),
    ],
    ids=["utf-8", "utf-8-bom", "gb18030", "gbk", "utf-16-le-bom", "utf-16-be-bom"],
)
def test_seed_text_reads_back_identically_in_each_encoding(encoded, codec):
    document = read_document(encoded, "000.txt")
    assert document.encoding == codec
    assert document.text == SEED
    assert not document.text.startswith("\ufeff")


def test_tabs_are_kept_and_line_breaks_normalised():
    crlf = "二、主动公开政府信息情况\r\n规章\t0\t0\t0\r\n第二十条第（五）项\t\t\t\r行政许可\t0\t\t\r\n"
    document = read_document(crlf.encode("gb18030"), "report.TXT")
    assert document.text == "二、主动公开政府信息情况\n规章\t0\t0\t0\n第二十条第（五）项\t\t\t\n行政许可\t0\t\t\n"


def test_markdown_is_text_with_its_own_format():
    document = read_document("# 一、总体情况\n\n| 规章 | 0 |\n".encode(), "report.md")
    assert (document.format, document.text) == ("md", "# 一、总体情况\n\n| 规章 | 0 |\n")


def test_random_bytes_are_binary_junk():
    junk = random.Random(0).randbytes(4096)
    assert b"\x00" in junk
    with pytest.raises(UnreadableDocumentError, match="binary"):
        read_document(junk, "report.txt")


def test_control_characters_without_nul_are_binary_junk():
    junk = bytes(range(1, 32)) * 20 + "一、总体情况".encode()
    with pytest.raises(UnreadableDocumentError, match="binary"):
        read_document(junk, "report.txt")


@pytest.mark.parametrize("seed", sorted(FIXTURE.parent.glob("00[0-4]_*.txt")), ids=lambda p: p.name[:3])
def test_every_seed_reads_back_as_its_own_utf8_text(seed):
    assert read_document(seed.read_bytes(), seed.name).text == seed.read_text(encoding="utf-8")
