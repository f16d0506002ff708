"""§2 rows printed as one run of digits (crawled pages): which cells the document itself settles.

§2 has no identity, so a run like ``行政规范性文件6233440`` allows many splits. A cell is read only when every
split left gives it the same number: the splits the digits allow, narrowed by the figures §1 states for the
very same quantity when some split gives them all; in a 2019 row a minus starts the 本年增/减 cell (or is a
dash), so the cells before it are settled. Everything else stays null with its candidates listed.
"""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from loaders import parse_text
from loaders.canonical import Report
from synthetic import generate, render

CORPUS = Path(__file__).parent.parent / "fixtures" / "corpus"
_NORMATIVE = re.compile(r"行政规范性文件[\d .]*(?=第二十条)")
_LICENSING = re.compile(r"行政许可[\d .-]*(?=其他对外管理服务事项)")


def _page(template: str, seed: int, row: re.Pattern[str], printed: str, narrative: str = "") -> str:
    """A generated crawled page, glued, whose §2 row ``row`` reads ``printed`` and whose §1 says ``narrative``."""
    text = render(generate(seed, template=template), "glued", rng_seed=seed)
    assert len(row.findall(text)) == 1
    text = row.sub(lambda _: printed, text)
    return text.replace("（一）主动公开", "（一）主动公开" + narrative, 1)


def _row(parsed: Report, category: str) -> dict[str, object]:
    return dict(parsed.proactive[category])


def _messages(parsed: Report, code: str) -> str:
    return " ".join(i.message for i in parsed.issues if i.code == code)


def test_a_cell_section_1_states_is_read_and_the_others_stay_null() -> None:
    # 015: 行政规范性文件6233440; §1: 动态更新发布本年度制发行政规范性文件62件 (the page's table: 62, 33, 440).
    text = (CORPUS / "015.txt").read_text(encoding="utf-8")
    parsed = parse_text(text)
    assert _row(parsed, "normative_documents") == {"issued": 62, "repealed": None, "in_force": None}
    assert parsed.provenance["proactive.normative_documents.issued"] == "inferred"
    assert parsed.provenance["proactive.normative_documents.repealed"] == "missing"
    line, start, end = parsed.locations["proactive.normative_documents.issued"]
    assert text.split("\n")[line - 1][start : end + 5] == "6233440"
    assert "gives issued 62 in every split that gives what §1 states (issued 62)" in _messages(
        parsed, "GLUED_CELLS_SPLIT"
    )
    assert "62|3|3440" in _messages(parsed, "GLUED_CELLS_AMBIGUOUS")


def test_section_1_that_counts_otherwise_than_the_table_settles_nothing() -> None:
    # 014: 行政规范性文件77132470 (77, 132, 470); §1 states 现行有效…393件 and 制发…77件. No split gives 393,
    # so §1 counted otherwise (another date): its 77 is not taken either.
    parsed = parse_text((CORPUS / "014.txt").read_text(encoding="utf-8"))
    assert set(_row(parsed, "normative_documents").values()) == {None}
    assert "§1 states issued 77, in_force 393, which no split gives all of" in _messages(
        parsed, "GLUED_CELLS_AMBIGUOUS"
    )


def test_a_minus_in_a_glued_2019_row_settles_the_cells_before_it() -> None:
    # 011: 行政处罚2648-18538 (2648, -18, 538 on the page's table).
    text = (CORPUS / "011.txt").read_text(encoding="utf-8")
    parsed = parse_text(text)
    assert _row(parsed, "penalties") == {"previous_items": 2648, "change": None, "decisions": None}
    line, start, end = parsed.locations["proactive.penalties.previous_items"]
    assert text.split("\n")[line - 1][start:end] == "2648"
    assert "「2648 -18538」 gives previous_items 2648" in _messages(parsed, "GLUED_CELLS_SPLIT")


def test_a_cell_every_split_agrees_on_is_read() -> None:
    # 7 and 123 a space apart: 7|1|23 or 7|12|3; the first cell is 7 either way.
    parsed = parse_text(_page("2021", 5, _NORMATIVE, "行政规范性文件7 123"))
    assert _row(parsed, "normative_documents") == {"issued": 7, "repealed": None, "in_force": None}
    assert "gives issued 7 in every split" in _messages(parsed, "GLUED_CELLS_SPLIT")


def test_a_dash_glued_in_a_2019_row_settles_the_cells_before_it() -> None:
    # 本年增/减 printed as a dash (none reported) between two counts: 12-30 is 12 | — | 30, or 12 | -3 | 0.
    parsed = parse_text(_page("2019", 8, _LICENSING, "行政许可12-30"))
    assert _row(parsed, "licensing") == {"previous_items": 12, "change": None, "decisions": None}


_counts = st.integers(min_value=0, max_value=2000)


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(min_value=0, max_value=2**16),
    values=st.tuples(_counts, _counts, _counts),
    stated=st.sets(st.sampled_from(("issued", "in_force"))),
    space=st.booleans(),
)
def test_section_1_figures_that_agree_with_the_table_never_give_a_wrong_number(
    seed: int, values: tuple[int, int, int], stated: set[str], space: bool
) -> None:
    truth = dict(zip(("issued", "repealed", "in_force"), values, strict=True))
    say = {"issued": f"本年度制发行政规范性文件{truth['issued']}件，", "in_force": f"现行有效行政规范性文件{truth['in_force']}件，"}
    run = f"{values[0]}{values[1]} {values[2]}" if space else "".join(map(str, values))
    parsed = parse_text(_page("2021", seed, _NORMATIVE, "行政规范性文件" + run, "".join(say[m] for m in sorted(stated))))
    got = _row(parsed, "normative_documents")
    for metric, value in got.items():
        assert value is None or value == truth[metric], (metric, run, stated)
        path = f"proactive.normative_documents.{metric}"
        assert parsed.provenance.get(path) == ("missing" if value is None else "inferred")
    if None in got.values():
        assert "规范性文件" in _messages(parsed, "GLUED_CELLS_AMBIGUOUS")
    if stated == {"issued", "in_force"}:
        assert got == truth  # the middle cell is what is left between them


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(min_value=0, max_value=2**16),
    previous=st.integers(min_value=0, max_value=99999),
    change=st.one_of(st.integers(min_value=-9999, max_value=-1), st.none()),
    decisions=st.integers(min_value=0, max_value=99999),
)
def test_a_minus_in_a_glued_2019_row_never_gives_a_wrong_number(
    seed: int, previous: int, change: int | None, decisions: int
) -> None:
    printed = f"{previous}{'-' if change is None else change}{decisions}"
    parsed = parse_text(_page("2019", seed, _LICENSING, "行政许可" + printed))
    got = _row(parsed, "licensing")
    assert got["previous_items"] in (None, previous)
    assert got["change"] in (None, change) and got["decisions"] in (None, decisions)
    if f"「{previous} -" in _messages(parsed, "GLUED_CELLS_AMBIGUOUS"):
        assert got["previous_items"] == previous  # sign or dash, the digits before it are one cell
    # (a run like 1900-1900 reads as a range of prose, not as cells: nothing is read from it)


def test_a_glued_number_running_into_a_phone_number_is_not_read() -> None:
    # 10000-736585405: 000-73658540 reads as a phone number, so 10000 is partly prose; taken alone it would
    # split as 100|0|0 (the only split), a wrong number.
    parsed = parse_text(_page("2019", 3, _LICENSING, "行政许可10000-736585405"))
    assert set(_row(parsed, "licensing").values()) == {None}
