"""valueSource and sourceLines: a value's provenance, its line and span in the stored text, and lines of that text.

Most tests store a report whose locations are written here by hand in the parser's shape (dotted path →
[line, start, end]) through the real writer, so they test the storage and the API whatever the parser
records; the last loads the samples with ``xxgk load`` and reads the parser's own locations back.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import open_api

from db.writer import Source, store_reports
from loaders.parse import parse_text
from services.ingest import load

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "003_f873e43823df0c69.txt"  # 红椿镇 2021


def _locate(lines: list[str], label: str, value: str) -> list[int]:
    """[line, start, end] of ``value`` on the first line at or after the one holding ``label``."""
    start = next(n for n, line in enumerate(lines) if label in line)
    for n in range(start, len(lines)):
        column = lines[n].find(value)
        if column >= 0 and n > start:
            return [n + 1, column, column + len(value)]
    raise AssertionError(f"{value!r} not found after {label!r}")


@pytest.fixture
async def located(db_url: str):
    text = FIXTURE.read_text(encoding="utf-8").replace("\n", "\r\n")  # stored as it arrived, Windows line ends
    parsed = parse_text(text)
    lines = text.split("\n")
    locations = {
        "proactive.licensing.decisions": _locate(lines, "行政许可", "40"),
        "proactive.penalties.decisions": _locate(lines, "行政处罚", "7"),
    }
    report = dataclasses.replace(parsed, locations=locations)
    report.provenance = {**report.provenance, "applications.granted.total": "inferred",
                         "reviews.review.upheld": "missing"}
    source = Source("https://www.example.gov.cn/xxgk/2021.html", "txt", hashlib.sha256(text.encode()).hexdigest(),
                    False, text, "test")
    [result] = await store_reports(db_url, [(report, source)])
    assert result.status == "loaded", result
    client_api, client = await open_api(db_url)
    yield client_api, result.report_id, lines, locations
    await client.aclose()
    await client_api.app.state.xxgk.dispose()


_SOURCE = """query($id: Int!, $path: String!, $context: Int!) { report(id: $id) {
  valueSource(path: $path, context: $context) { path provenance location { line start end } lines { number text } }
} }"""


async def test_a_stated_value_shows_its_line_and_span(located):
    api, report_id, lines, locations = located
    data = await api.data(_SOURCE, {"id": report_id, "path": "proactive.licensing.decisions", "context": 2})
    source = data["report"]["valueSource"]
    line, start, end = locations["proactive.licensing.decisions"]
    assert source["provenance"] == "stated"
    assert source["location"] == {"line": line, "start": start, "end": end}
    assert [item["number"] for item in source["lines"]] == [line - 2, line - 1, line, line + 1, line + 2]
    shown = {item["number"]: item["text"] for item in source["lines"]}
    # The stored line, without its \r, and the span is the value as printed.
    assert shown[line] == lines[line - 1].removesuffix("\r")
    assert shown[line][start:end] == "40"
    assert "行政许可" in "".join(shown.values())


async def test_values_not_read_from_the_text_have_provenance_and_no_lines(located):
    api, report_id, _, _ = located
    for path, provenance in (("applications.granted.total", "inferred"), ("reviews.review.upheld", "missing")):
        data = await api.data(_SOURCE, {"id": report_id, "path": path, "context": 2})
        assert data["report"]["valueSource"] == {"path": path, "provenance": provenance, "location": None,
                                                 "lines": []}


async def test_source_lines_slice_the_stored_text(located):
    api, report_id, lines, _ = located
    data = await api.data("query($id: Int!) { report(id: $id) { sourceLines(firstLine: 1, lastLine: 3) { number text } } }",
                          {"id": report_id})
    assert data["report"]["sourceLines"] == [{"number": n + 1, "text": lines[n].removesuffix("\r")} for n in range(3)]
    # Past the end: only the lines that exist.
    last = len(lines)
    data = await api.data(
        "query($id: Int!, $a: Int!, $b: Int!) { report(id: $id) { sourceLines(firstLine: $a, lastLine: $b) { number } } }",
        {"id": report_id, "a": last - 1, "b": last + 50},
    )
    assert [item["number"] for item in data["report"]["sourceLines"]] == [last - 1, last]


@pytest.mark.parametrize(("query", "message"), [
    ('valueSource(path: "applications.nothing.total") { path }', "no value 'applications.nothing.total'"),
    ('valueSource(path: "proactive.procurement.items") { path }', "template 2021"),  # a 2019-only category
    ('valueSource(path: "applications.granted.total", context: 99) { path }', "context must be between 0 and 20"),
    ("sourceLines(firstLine: 0, lastLine: 3) { number }", "firstLine must be at least 1"),
    ("sourceLines(firstLine: 1, lastLine: 500) { number }", "at most 200 lines"),
])
async def test_bad_arguments_are_one_line_errors(located, query, message):
    api, report_id, _, _ = located
    error = await api.error(f"query($id: Int!) {{ report(id: $id) {{ {query} }} }}", {"id": report_id})
    assert message in error and "\n" not in error


async def test_a_report_stored_without_locations_has_an_empty_map(db_url):
    text = FIXTURE.read_text(encoding="utf-8")
    source = Source("fixture:plain", "txt", hashlib.sha256(text.encode()).hexdigest(), False, text, "test")
    [result] = await store_reports(db_url, [(dataclasses.replace(parse_text(text), locations={}), source)])
    api, client = await open_api(db_url)
    try:
        data = await api.data(_SOURCE, {"id": result.report_id, "path": "proactive.licensing.decisions", "context": 0})
        assert data["report"]["valueSource"] == {"path": "proactive.licensing.decisions", "provenance": "stated",
                                                 "location": None, "lines": []}
    finally:
        await client.aclose()
        await api.app.state.xxgk.dispose()


async def test_loaded_samples_point_at_the_printed_values(db_url):
    """End to end: ``xxgk load`` of the samples, then every located value of each read back through the API."""
    paths = sorted(FIXTURE.parent.glob("*.txt"))
    await load(db_url, paths, jobs=1)
    api, client = await open_api(db_url)
    try:
        data = await api.data("{ reports(first: 100) { edges { node { id source { uri } } } } }")
        ids = {Path(e["node"]["source"]["uri"]).name: e["node"]["id"] for e in data["reports"]["edges"]}
        checked = 0
        for path in paths:
            text = path.read_text(encoding="utf-8")
            parsed = parse_text(text)
            lines = text.split("\n")
            assert parsed.locations, path.name
            # Every fifth located value of each report: rows, columns and all three sections come round.
            for dotted, (line, start, end) in sorted(parsed.locations.items())[::5]:
                section, key, field = dotted.split(".")
                value = getattr(parsed, section)[key][field]
                got = await api.data(_SOURCE, {"id": ids[path.name], "path": dotted, "context": 0})
                source = got["report"]["valueSource"]
                assert source["location"] == {"line": line, "start": start, "end": end}, dotted
                [shown] = source["lines"]
                assert shown == {"number": line, "text": lines[line - 1].removesuffix("\r")}
                # The span is the number as printed: full-width digits, separators and all.
                printed = unicodedata.normalize("NFKC", shown["text"][start:end])
                assert Decimal(re.sub(r"[^\d.\-]", "", printed)) == Decimal(value), (path.name, dotted, printed)
                checked += 1
        assert checked > 60
        # The open data's reports.jsonl carries every report's locations, as the parser gave them.
        exported = [json.loads(line) for line in (await api.client.get("/export/reports.jsonl")).text.splitlines()]
        by_uri = {Path(r["source"]["uri"]).name: r for r in exported}
        for path in paths:
            parsed = parse_text(path.read_text(encoding="utf-8"))
            assert by_uri[path.name]["locations"] == {k: list(v) for k, v in parsed.locations.items()}
    finally:
        await client.aclose()
        await api.app.state.xxgk.dispose()
