"""The five real seed reports against their hand-checked expected JSON.

Each ``tests/fixtures/<stem>.txt`` has a ``<stem>.expected.json`` written by reading the document by eye
(never from the parser's output). It has the ``Report.to_json()`` shape except that ``issues`` is replaced
by ``expected_issues``: the ``{code, line}`` pairs the extraction policy mandates. The parser may report
more issues than these. An expected ``line`` of ``null`` accepts any line (e.g. a row absent from the
document has no line of its own). ``_notes`` explains the non-obvious decisions and is ignored here.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from loaders import parse_text

FIXTURES = Path(__file__).parent.parent / "fixtures"
STEMS = sorted(p.name.removesuffix(".expected.json") for p in FIXTURES.glob("*.expected.json"))
SCALARS = ("agency_name", "region_hint", "year", "template", "title", "published_at")
TABLES = ("proactive", "applications", "reviews")


@cache
def _expected(stem: str) -> dict[str, Any]:
    return json.loads((FIXTURES / f"{stem}.expected.json").read_text(encoding="utf-8"))


@cache
def _parsed(stem: str) -> dict[str, Any]:
    # Parse each seed once for all the tests below; to_json() gives Decimals as strings, like the fixture.
    return parse_text((FIXTURES / f"{stem}.txt").read_text(encoding="utf-8")).to_json()


def _table_diff(expected: dict[str, dict[str, Any]], got: dict[str, dict[str, Any]]) -> list[str]:
    """Every cell path whose value differs, is absent, or is unexpected, as ``row.column: expected … got …``."""
    diffs = []
    for row in sorted(expected.keys() | got.keys()):
        want, have = expected.get(row, {}), got.get(row, {})
        for col in sorted(want.keys() | have.keys()):
            w, h = want.get(col, "<absent>"), have.get(col, "<absent>")
            if w != h:
                diffs.append(f"{row}.{col}: expected {w!r}, got {h!r}")
    return diffs


def test_fixtures_found() -> None:
    assert len(STEMS) == 5
    assert all((FIXTURES / f"{stem}.txt").is_file() for stem in STEMS)


@pytest.mark.parametrize("section", SCALARS)
@pytest.mark.parametrize("stem", STEMS)
def test_header_field(stem: str, section: str) -> None:
    assert _parsed(stem)[section] == _expected(stem)[section], f"{stem}: {section}"


@pytest.mark.parametrize("section", TABLES)
@pytest.mark.parametrize("stem", STEMS)
def test_table(stem: str, section: str) -> None:
    diffs = _table_diff(_expected(stem)[section], _parsed(stem)[section])
    assert not diffs, f"{stem}: {section} differs in {len(diffs)} cell(s):\n" + "\n".join(diffs)


@pytest.mark.parametrize("stem", STEMS)
def test_provenance(stem: str) -> None:
    want, have = _expected(stem)["provenance"], _parsed(stem)["provenance"]
    diffs = [
        f"{path}: expected {want.get(path)!r}, got {have.get(path)!r}"
        for path in sorted(want.keys() | have.keys())
        if want.get(path) != have.get(path)
    ]
    assert not diffs, f"{stem}: provenance differs in {len(diffs)} path(s):\n" + "\n".join(diffs)


@pytest.mark.parametrize("stem", STEMS)
def test_expected_issues_present(stem: str) -> None:
    issues = _parsed(stem)["issues"]
    absent = [
        want
        for want in _expected(stem)["expected_issues"]
        if not any(i["code"] == want["code"] and want["line"] in (None, i["line"]) for i in issues)
    ]
    got = sorted({(i["code"], i["line"]) for i in issues}, key=str)
    assert not absent, f"{stem}: issues not reported: {absent}; reported (code, line): {got}"


@pytest.mark.parametrize("stem", STEMS)
def test_provenance_is_explained_by_issues(stem: str) -> None:
    parsed = _parsed(stem)
    if parsed["provenance"]:
        assert any(i["severity"] in ("warning", "info") for i in parsed["issues"]), (
            f"{stem}: {len(parsed['provenance'])} inferred/missing cells but no warning or info issue"
        )
