"""Title, year, agency, region and publication date from the title block."""

from __future__ import annotations

from datetime import date

import pytest

from loaders.header import body_year, published_date, read_header, split_places
from loaders.normalize import normalize_text


def header(text: str):  # noqa: ANN201
    return read_header(normalize_text(text).split("\n"))


def test_title_whitespace_removed_and_region_split_off() -> None:
    h = header("\n\n万源市官渡镇 2021 年政府信息公开 工作年度报告\n\n一、总体情况\n20201年，我镇未收到申请。")
    assert h.title == "万源市官渡镇2021年政府信息公开工作年度报告"
    assert (h.year, h.agency_name, h.region_hint) == (2021, "官渡镇", "万源市")


def test_body_year_typo_is_not_the_year() -> None:
    # 20201年 in the body must not be read; only the title's year counts.
    h = header("官渡镇2021年政府信息公开工作年度报告\n一、总体情况\n20201年，我镇未收到依申请公开的相关信息。")
    assert h.year == 2021


def test_markdown_title_without_region() -> None:
    h = header("# 官亭镇 2024 年政府信息公开工作年度报告\n### 一、总体情况")
    assert (h.title, h.agency_name, h.region_hint) == ("官亭镇2024年政府信息公开工作年度报告", "官亭镇", None)


def test_region_from_place_line_above_title() -> None:
    h = header("阳城县横河镇\n\n横河镇人民政府2020年政府信息公开工作年度报告\n发布时间: 2021-01-20")
    assert (h.agency_name, h.region_hint) == ("横河镇人民政府", "阳城县")


def test_title_wrapped_over_two_lines() -> None:
    h = header("云阳县水口镇人民政府\n2022年政府信息公开工作年度报告\n本年度报告根据《条例》编制。")
    assert h.title == "云阳县水口镇人民政府2022年政府信息公开工作年度报告"
    assert (h.agency_name, h.region_hint) == ("水口镇人民政府", "云阳县")


def test_text_before_title_is_skipped() -> None:
    h = header("首页>政务公开>政府信息公开年度报告\n来源：县政府办\n红椿镇2021年政府信息公开工作年度报告")
    assert h.title == "红椿镇2021年政府信息公开工作年度报告"


def test_full_width_year_in_title() -> None:
    assert header("红椿镇２０２１年政府信息公开工作年度报告").year == 2021


def test_no_title_leaves_the_identity_empty() -> None:
    h = header("关于做好2021年春节期间安全生产工作的通知\n各村、社区：")
    assert (h.title, h.year, h.agency_name, h.line) == (None, None, None, None)


def test_title_at_the_start_of_a_one_line_page() -> None:
    line = "平潭综合实验区2019年政府信息公开工作年度报告 根据《中华人民共和国政府信息公开条例》…一、总体情况…"
    h = header(line)
    assert (h.title, h.year, h.agency_name, h.agency_source) == (
        "平潭综合实验区2019年政府信息公开工作年度报告", 2019, "平潭综合实验区", "title",
    )
    assert line[: h.end].endswith("年度报告")


def test_crawler_fields_give_source_url_and_publisher() -> None:
    text = "标题: 关于2022年度政府信息公开工作的年度报告\n发布时间: 2023-01-20 15:22\n发布机构: 威海市文登区信访局\n" \
        "原文链接: https://www.wendeng.gov.cn/art/2023/1/20/art_1.html\n==== 正文 ====\n关于2022年度政府信息公开工作的年度报告"
    h = header(text)
    assert h.source_url == "https://www.wendeng.gov.cn/art/2023/1/20/art_1.html"
    assert (h.year, h.agency_name, h.region_hint, h.agency_source) == (2022, "信访局", "威海市文登区", "publisher")


def test_agency_from_the_line_above_a_title_that_names_none() -> None:
    text = "关于2021年度政府信息公开工作的年度报告\n发布时间:2022-01-25\n盐边县新九镇人民政府\n\n关于2021年度政府信息公开工作的年度报告\n一、总体情况"
    h = header(text)
    assert (h.agency_name, h.region_hint, h.agency_source, h.line) == ("新九镇人民政府", "盐边县", "page_header", 4)


def test_prose_mentioning_the_report_is_no_title() -> None:
    assert header("根据《条例》规定,向社会公布2021年本级政府信息公开工作年度报告。").title is None


@pytest.mark.parametrize(
    ("body", "year"),
    [
        ("本报告所列数据的统计期限为2024年1月1日至2024年12月31日。2025年将继续…", 2024),
        ("现将我办2022年度政府信息公开情况报告如下:", 2022),
        ("2020 年,我单位对形成的政府信息实现了依法、有序公开", 2020),
        ("我镇将继续努力。", None),
        ("20201年,我镇未收到申请。", None),  # a typo is never a year
    ],
)
def test_year_from_the_body(body: str, year: int | None) -> None:
    found = body_year(normalize_text(body), 2026)
    assert (found[0] if found else None) == year


@pytest.mark.parametrize(
    ("name", "units", "rest"),
    [
        ("万源市官渡镇", ["万源市", "官渡镇"], ""),
        ("杭州市西湖区人民政府", ["杭州市", "西湖区"], "人民政府"),
        ("宣汉县东乡街道办事处", ["宣汉县", "东乡街道"], "办事处"),
        ("万源市住房和城乡建设局", ["万源市"], "住房和城乡建设局"),
    ],
)
def test_split_places(name: str, units: list[str], rest: str) -> None:
    assert split_places(name) == (units, rest)


def test_published_at_label_before_section_one() -> None:
    lines = normalize_text("标题\n发布时间：２０２１年１月２０日\n一、总体情况").split("\n")
    assert published_date(lines, 2, None) == date(2021, 1, 20)


def test_published_at_date_line_after_section_six() -> None:
    lines = ["标题", "一、总体情况", "六、其他需要报告的事项", "无", "官渡镇人民政府", "2022年1月20日"]
    assert published_date(lines, 1, 3) == date(2022, 1, 20)
    lines[-1] = "二〇二二年一月二十日"
    assert published_date(lines, 1, 3) == date(2022, 1, 20)
    lines[-1] = "2022年1月20日起施行的规定"  # not a date-only line
    assert published_date(lines, 1, 3) is None
