"""Normal form of the text: full-width and traditional characters, artifacts, OCR spaces; lines preserved."""

from __future__ import annotations

from loaders.normalize import compact, normalize_text


def test_full_width_digits_and_punctuation_become_ascii() -> None:
    assert normalize_text("（一）予以公开：１２，３") == "(一)予以公开:12,3"


def test_traditional_and_look_alike_characters_become_simplified() -> None:
    assert normalize_text("本年收费金額") == "本年收费金额"
    assert normalize_text("本年处理決策") == "本年处理决策"
    assert normalize_text("(本列導") == "(本列导"


def test_simplified_text_is_left_alone() -> None:
    text = "进一步提升宣传工作覆盖面和影响力"
    assert normalize_text(text) == text


def test_spaces_inside_chinese_words_go_but_not_inside_numbers_or_tabs() -> None:
    assert normalize_text("其 他 结果\t1 234\t结果 维持") == "其他结果\t1 234\t结果维持"


def test_bookmark_artifact_and_markdown_prefixes_go() -> None:
    assert normalize_text("[bookmark: _GoBack]（二）依申请公开。") == "(二)依申请公开。"
    assert normalize_text("## 二、主动公开政府信息情况") == "二、主动公开政府信息情况"
    assert normalize_text("- 一是以组织领导为保障") == "一是以组织领导为保障"


def test_leading_tab_and_negative_number_survive() -> None:
    assert normalize_text("\t-3\n\t0") == "\t-3\n\t0"


def test_line_count_is_preserved() -> None:
    text = "标题\r\n一、总体情况\n\n\t0\t0\n## 六、其他需要报告的事项\n無"
    assert normalize_text(text).count("\n") == text.replace("\r\n", "\n").count("\n")


def test_compact_removes_all_whitespace() -> None:
    assert compact(" 万源市官渡镇 2021 年\t报告 ") == "万源市官渡镇2021年报告"


def test_only_the_lines_holding_traditional_characters_are_converted_each_in_place() -> None:
    # Lines 1 and 3 hold traditional characters, line 2 a character GB2312 lacks but no traditional one.
    text = "二、主動公開\n申请人𠀀\n\n行政處罰\t0"
    assert normalize_text(text) == "二、主动公开\n申请人𠀀\n\n行政处罚\t0"


def test_spaces_between_chinese_and_punctuation_go_but_not_at_line_ends() -> None:
    assert normalize_text("“三安 全 一稳定” 。\n其他 \n 结果") == "“三安全一稳定”。\n其他 \n 结果"
