"""One renderer per seed layout: a canonical report written out as that layout's extracted text.

A layout is a function ``(report, pen) -> lines`` registered in ``_RENDERERS``; :data:`LAYOUTS` names them
in order. Shared pieces (§2 blocks, §3 label cells, title area, §5/§6 paragraphs) come first.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from loaders.canonical import (
    APPLICANT_COLUMNS,
    APPLICATION_ROWS,
    PROACTIVE_METRICS,
    REVIEW_GROUPS,
    REVIEW_RESULTS,
    ROW_LABELS_2021,
    SECTION_HEADINGS,
    Report,
    Value,
)
from synthetic.generation import filler, short_name
from synthetic.noise import NoiseOptions, Pen

# The seed layouts; :mod:`synthetic.crawled` adds the shapes crawlers and converters leave.
LAYOUTS: tuple[str, ...] = ("docx_tsv", "html_lines", "docx_cells", "ocr_markdown")
# Layouts whose clean rendering gives every value back, and those that lose some by their nature (cells
# glued with no identity to split them by; an excerpt's missing rows).
EXACT_LAYOUTS: tuple[str, ...] = (*LAYOUTS, "one_line", "pipes", "cell_lines", "converter_md")
LOSSY_LAYOUTS: tuple[str, ...] = ("glued", "excerpt")
ALL_LAYOUTS: tuple[str, ...] = EXACT_LAYOUTS + LOSSY_LAYOUTS


def _template(report: Report) -> str:
    """The template of a report to render: generated reports always have one."""
    if report.template is None:
        raise ValueError("a report without a template cannot be rendered")
    return report.template


def _year(report: Report) -> int:
    if report.year is None:
        raise ValueError("a report without a year cannot be rendered")
    return report.year


def _agency(report: Report) -> str:
    if report.agency_name is None:
        raise ValueError("a report without an agency cannot be rendered")
    return report.agency_name


def _row_values(report: Report, row: str) -> list[Value]:
    return [report.applications[row][c] for c in APPLICANT_COLUMNS]


def _review_values(report: Report) -> list[Value]:
    return [report.reviews[g][r] for g in REVIEW_GROUPS for r in REVIEW_RESULTS]


@dataclass(frozen=True, slots=True)
class _Block:
    """One Article 20 item of §2: its heading, metric headers and (label, category) rows."""

    item: str
    metrics: tuple[str, ...]
    rows: tuple[tuple[str, str], ...]


_PROACTIVE_BLOCKS: dict[str, tuple[_Block, ...]] = {
    "2021": (
        _Block(
            "第二十条第（一）项",
            ("本年制发件数", "本年废止件数", "现行有效件数"),
            (("规章", "regulations"), ("行政规范性文件", "normative_documents")),
        ),
        _Block("第二十条第（五）项", ("本年处理决定数量",), (("行政许可", "licensing"),)),
        _Block("第二十条第（六）项", ("本年处理决定数量",), (("行政处罚", "penalties"), ("行政强制", "enforcement"))),
        _Block("第二十条第（八）项", ("本年收费金额（单位：万元）",), (("行政事业性收费", "fees"),)),
    ),
    "2019": (
        _Block(
            "第二十条第（一）项",
            ("本年新制作数量", "本年新公开数量", "对外公开总数量"),
            (("规章", "regulations"), ("规范性文件", "normative_documents")),
        ),
        _Block(
            "第二十条第（五）项",
            ("上一年项目数量", "本年增/减", "处理决定数量"),
            (("行政许可", "licensing"), ("其他对外管理服务事项", "other_services")),
        ),
        _Block(
            "第二十条第（六）项",
            ("上一年项目数量", "本年增/减", "处理决定数量"),
            (("行政处罚", "penalties"), ("行政强制", "enforcement")),
        ),
        _Block("第二十条第（八）项", ("上一年项目数量", "本年增/减"), (("行政事业性收费", "fees"),)),
        _Block("第二十条第（九）项", ("采购项目数量", "采购总金额"), (("政府集中采购", "procurement"),)),
    ),
}


def _proactive_values(report: Report, category: str) -> list[Value]:
    return [report.proactive[category][m] for m in PROACTIVE_METRICS[_template(report)][category]]


_SECTION_HEADINGS = tuple(SECTION_HEADINGS.values())
_CORNER = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"


def _problems(rng: random.Random) -> list[str]:
    return [
        rng.choice(
            (
                "一是政务公开工作人员多为兼职，业务能力有待提高；二是公开内容不够全面，信息更新不够及时。",
                "公开的内容较为单一，政策解读形式不够丰富，信息发布的时效性仍需加强。",
            )
        ),
        "下一步，将加强业务培训，充实工作力量，健全信息发布审核机制，进一步提升政务公开质量和实效。" + filler(rng, 3),
    ]


def _other_matters(rng: random.Random, report: Report) -> list[str]:
    if report.template == "2021" and rng.random() < 0.6:
        return [
            f"{report.year}年度，未收取政府信息公开信息处理费。",
            "认真落实年度政务公开工作要点，各项任务均已完成。",
        ]
    return ["无"]


def _date_line(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


@dataclass(frozen=True, slots=True)
class _Front:
    """Title area: an optional place header, the title, an optional 发布时间 line; or a date after §6."""

    header: str | None
    title: str
    published: str | None
    footer_date: str | None


def _front(report: Report, rng: random.Random, title: str) -> _Front:
    header = None
    if report.region_hint and not report.title.startswith(report.region_hint):
        header = report.region_hint + short_name(_agency(report))
    published = footer = None
    if report.published_at is not None:
        day = report.published_at
        if rng.random() < 0.7:
            published = rng.choice((f"发布时间: {day.isoformat()}", f"发布日期：{_date_line(day)}"))
        else:
            footer = _date_line(day)
    return _Front(header, title, published, footer)


def _spaced_title(title: str, year: int) -> str:
    """The title as DOCX/OCR text shows it: spaces around the year (`官亭镇 2024 年…`)."""
    return title.replace(f"{year}年", f" {year} 年", 1)


# §3 labels as the flattened table shows them: cells before the numbers (group, subgroup, item).
def _line_cells(template: str) -> dict[str, list[str]]:
    cells: dict[str, list[str]] = {}
    seen: set[str] = set()
    for row in APPLICATION_ROWS[template]:
        label = ROW_LABELS_2021[row]
        if template == "2019" and row == "other":
            label = "（六）其他处理"
        if row in ("new_received", "carried_over", "carried_forward"):
            cells[row] = [label]
            continue
        group = "" if "三、本年度办理结果" in seen else "三、本年度办理结果"
        seen.add("三、本年度办理结果")
        if " " in label:
            subgroup, item = label.split(" ")
            cells[row] = [group, "" if subgroup in seen else subgroup, item]
            seen.add(subgroup)
        else:
            cells[row] = [group, label]
    return cells


# ---------------------------------------------------------------------------------------------------
# Layout: docx_tsv (seed 000)
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _TsvRow:
    """A §3 row of a tab-separated layout: label cells before the numbers, maybe a wrapped-label line after."""

    cells: tuple[str, ...]
    continuation: tuple[str, ...] = ()
    blank_before: bool = False
    blank_before_continuation: bool = False


# After seed 000: the group labels sit in the first cells, broken over rows and spaced out.
_TSV_ROWS_2021: dict[str, _TsvRow] = {
    "new_received": _TsvRow(("一、本年新收政府信息公开申请数量",)),
    "carried_over": _TsvRow(("二、上年结转政府信息公开申请数量",)),
    "granted": _TsvRow(("三、本年", "（一）予以公开")),
    "partially_granted": _TsvRow(("", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）")),
    "withheld_state_secret": _TsvRow(("", "（三）1.属于国家秘密")),
    "withheld_prohibited_by_law": _TsvRow(
        ("度 办 理 结 果", "不予 公开", "2.其他法律行政法规禁止公开"), blank_before=True
    ),
    "withheld_three_safeties": _TsvRow(("", "", "3.危及“三安全一稳定”")),
    "withheld_third_party_rights": _TsvRow(("", "", "4.保护第三方合法权益")),
    "withheld_internal_affairs": _TsvRow(("", "", "5.属于三类内部事务信息")),
    "withheld_process_information": _TsvRow(("", "", "6.属于四类过程性信息")),
    "withheld_enforcement_case_file": _TsvRow(("", "", "7.属于行政执法案卷")),
    "withheld_administrative_inquiry": _TsvRow(("", "", "8.属于行政查询事项")),
    "unavailable_not_held": _TsvRow(("", "", "(四) 无法 提供", "1.本机关不掌握相关政府信息")),
    "unavailable_needs_creation": _TsvRow(("", "2.没有现成信息需要另行制作", "")),
    "unavailable_unclear_after_correction": _TsvRow(("", "3.补正后申请内容仍不明确", "")),
    "not_processed_complaint": _TsvRow(("", "(五) 不予 处理", "1.信访举报投诉类申请")),
    "not_processed_repeat": _TsvRow(("", "", "2.重复申请")),
    "not_processed_publication": _TsvRow(("", "", "3.要求提供公开出版物")),
    "not_processed_excessive": _TsvRow(("", "", "4.无正当理由大量反复申请")),
    "not_processed_reconfirmation": _TsvRow(("", "", "5.要求行政机关确认或重新出具已获取信息")),
    "other_no_correction": _TsvRow(
        ("", "(六) 其他 处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请")
    ),
    "other_unpaid_fee": _TsvRow(
        ("", "", "2.申请人逾期未按收费通知要求缴纳费用、行政"),
        continuation=("", "机关不再处理其政府信息公开申请", *[""] * 8),
        blank_before_continuation=True,
    ),
    "other": _TsvRow(("", "3.其他")),
    "outcome_total": _TsvRow(("", "(七)总计")),
    "carried_forward": _TsvRow(("四、结转下年度继续办理", "")),
}
_TSV_ROWS_2019 = {
    **{k: v for k, v in _TSV_ROWS_2021.items() if not k.startswith("other")},
    "other": _TsvRow(("", "(六) 其他处理", "")),
}


def _tsv_table_rows(report: Report, pen: Pen, layout_rows: dict[str, _TsvRow], pad: int) -> list[str]:
    """§3 rows as tab-separated lines; ``pad`` empty cells trail each row (OCR tables run wide)."""
    lines: list[str] = []
    for row in APPLICATION_ROWS[_template(report)]:
        spec = layout_rows[row]
        cells = [pen.label(c) for c in spec.cells]
        continuation = [pen.label(c) for c in spec.continuation]
        if not continuation and (cut := pen.split(cells[-1])) is not None:
            cells[-1] = cut[0]
            continuation = ["", cut[1], *[""] * 7]
        if spec.blank_before:
            lines.append("")
        lines.append("\t".join([*cells, *pen.row_numbers(_row_values(report, row)), *[""] * pad]))
        if continuation:
            lines += [""] * spec.blank_before_continuation + ["\t".join(continuation)]
    return lines


def _render_docx_tsv(report: Report, pen: Pen) -> list[str]:
    rng = pen.rng
    front = _front(
        report, rng, _spaced_title(report.title, _year(report)).replace("政府信息公开工作", "政府信息公开 工作")
    )
    out: list[str] = ["", ""]
    if front.header:
        out += [front.header, ""]
    out += [front.title, ""]
    if front.published:
        out += [front.published, ""]
    out += [pen.text(_SECTION_HEADINGS[0]), ""]
    for paragraph in report.overview.split("\n"):
        out += [pen.text(paragraph), ""]
    out += [pen.text(_SECTION_HEADINGS[1]), ""]
    for i, block in enumerate(_PROACTIVE_BLOCKS[_template(report)]):
        out.append(pen.label(block.item) + "\t" * 3)
        out.append(
            "\t".join([pen.label("信息内容"), *[pen.label(m) for m in block.metrics]] + [""] * (3 - len(block.metrics)))
        )
        if i == 0:
            out.append("")
        for label, category in block.rows:
            values = pen.numbers(_proactive_values(report, category))
            out.append("\t".join([pen.label(label), *values] + [""] * (3 - len(values))))
    out += ["", pen.text(_SECTION_HEADINGS[2]), ""]
    labels = [
        pen.label(c)
        for c in (
            "申请人情况",
            "自然人",
            "法人或其他组织",
            "商业企业",
            "科研机构",
            "社会公益组织",
            "法律服务机构",
            "其他",
            "总计",
        )
    ]
    out.append("\t".join([pen.label(_CORNER), labels[0], "", "", "", "", "", labels[8]]))
    out.append("\t".join(["", labels[1], labels[2], "", "", "", "", ""]))
    out.append("\t".join(["", "", *labels[3:8], ""]))
    table = _TSV_ROWS_2021 if report.template == "2021" else _TSV_ROWS_2019
    out += _tsv_table_rows(report, pen, table, pad=0)
    out += ["", pen.text(_SECTION_HEADINGS[3]), ""]
    results = [pen.label(s) for s in ("结果 维持", "结果 纠正", "其他 结果", "尚未 审结", "总计")]
    out.append("\t".join([pen.label("行政复议"), "", "", "", "", pen.label("行政诉讼")] + [""] * 9))
    out.append(
        "\t".join([*results, pen.label("未经复议直接起诉"), "", "", "", "", pen.label("复议后起诉"), "", "", ""])
    )
    out.append("\t".join([""] * 5 + results * 2))
    out.append("\t".join(pen.numbers(_review_values(report))))
    return out + [""] + _closing_paragraphs(report, pen, front.footer_date)


def _closing_paragraphs(report: Report, pen: Pen, footer_date: str | None) -> list[str]:
    """§5 and §6 as paragraphs separated by blank lines, then the signing date (the paragraph layouts)."""
    out = [pen.text(_SECTION_HEADINGS[4]), ""]
    for paragraph in _problems(pen.rng):
        out += [pen.text(paragraph), ""]
    out += [pen.text(_SECTION_HEADINGS[5]), ""]
    for paragraph in _other_matters(pen.rng, report):
        out += [pen.text(paragraph), ""]
    return out + ([footer_date] if footer_date else [])


# ---------------------------------------------------------------------------------------------------
# Layout: html_lines (seed 001)
# ---------------------------------------------------------------------------------------------------


def _render_html_lines(report: Report, pen: Pen) -> list[str]:
    rng = pen.rng
    front = _front(report, rng, report.title)
    out: list[str] = []
    if front.header:
        out += [front.header, ""]
    out += [front.title, ""]
    if front.published:
        out += [front.published, "", ""]
    out += [front.title, ""]
    out += [pen.text(_SECTION_HEADINGS[0]), ""]
    for paragraph in report.overview.split("\n"):
        out += [pen.text(paragraph), ""]

    def cell(text: str) -> None:
        # An HTML cell may break inside its text (`本年新\n制作数量`); cells are a blank line apart.
        cut = pen.split(text)
        out.extend([cut[0], cut[1], ""] if cut else [text, ""])

    def value(text: str) -> None:
        out.extend([(" " + text) if text and rng.random() < 0.1 else text, ""])

    out += [pen.text(_SECTION_HEADINGS[1]), ""]
    for block in _PROACTIVE_BLOCKS[_template(report)]:
        cell(pen.label(block.item))
        for header in ("信息内容", *block.metrics):
            cell(pen.label(header))
        for label, category in block.rows:
            cell(pen.label(label))
            for text in pen.numbers(_proactive_values(report, category)):
                value(text)
    out += [pen.text(_SECTION_HEADINGS[2]), ""]
    for header in (
        _CORNER,
        "申请人情况",
        "自然人",
        "法人或其他组织",
        "总计",
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "其他",
    ):
        cell(pen.label(header))
    for row, cells in _line_cells(_template(report)).items():
        for text in cells:
            if text:
                cell(pen.label(text))
        for text in pen.row_numbers(_row_values(report, row)):
            value(text)
    out += [pen.text(_SECTION_HEADINGS[3]), ""]
    results = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
    for header in ("行政复议", "行政诉讼", *results, "未经复议直接起诉", "复议后起诉", *results, *results):
        cell(pen.label(header))
    for text in pen.numbers(_review_values(report)):
        value(text)
    return out + _closing_paragraphs(report, pen, front.footer_date)


# ---------------------------------------------------------------------------------------------------
# Layout: docx_cells (seeds 002, 003)
# ---------------------------------------------------------------------------------------------------


def _render_docx_cells(report: Report, pen: Pen) -> list[str]:
    rng = pen.rng
    front = _front(report, rng, report.title)
    out: list[str] = []
    if front.header:
        out.append(front.header)
    out.append(front.title)
    if front.published:
        out.append(front.published)
    if rng.random() < 0.5:
        out.append(
            pen.text(
                "本年度报告根据《中华人民共和国政府信息公开条例》要求编制。本年度报告中所列数据的统计期限"
                f"自{report.year}年1月1日至{report.year}年12月31日。"
            )
        )
    out.append(pen.text(_SECTION_HEADINGS[0]))
    out += [pen.text(p) for p in report.overview.split("\n")]

    def cell(text: str) -> None:
        # A Word cell is one line behind a tab; a line break inside it starts a line without the tab.
        cut = pen.split(text) if text else None
        out.extend([f"\t{cut[0]}", cut[1]] if cut else [f"\t{text}"])

    def value(text: str) -> None:
        out.append(f"\t{text} " if rng.random() < 0.3 else f"\t{text}")

    out.append(pen.text(_SECTION_HEADINGS[1]))
    for block in _PROACTIVE_BLOCKS[_template(report)]:
        cell(pen.label(block.item))
        out.append("")
        for header in ("信息内容", *block.metrics):
            cell(pen.label(header))
        for label, category in block.rows:
            out.append("")
            cell(pen.label(label))
            for text in pen.numbers(_proactive_values(report, category)):
                value(text)
        out.append("")
    out += ["", pen.text(_SECTION_HEADINGS[2])]
    cell(pen.label(_CORNER))
    cell(pen.label("申请人情况"))
    out.append("")
    for header in ("", "自然人", "法人或其他组织", "总计"):
        cell(pen.label(header))
    out.append("")
    for header in ("", "", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", ""):
        cell(pen.label(header))
    for row, cells in _line_cells(_template(report)).items():
        out.append("")
        for text in cells:
            cell(pen.label(text))
        for text in pen.row_numbers(_row_values(report, row)):
            value(text)
    out += ["", "", pen.text(_SECTION_HEADINGS[3])]
    results = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
    for header in ("行政复议", "行政诉讼"):
        cell(pen.label(header))
    out.append("")
    for header in (*results, "未经复议直接起诉", "复议后起诉"):
        cell(pen.label(header))
    out.append("")
    for header in ("",) * 5 + results * 2:
        cell(pen.label(header))
    out.append("")
    for text in pen.numbers(_review_values(report)):
        value(text)
    out += ["", "", pen.text(_SECTION_HEADINGS[4])]
    out += [pen.text(p) for p in _problems(rng)]
    out.append(pen.text(_SECTION_HEADINGS[5]))
    out += [pen.text(p) for p in _other_matters(rng, report)]
    if front.footer_date:
        out.append(front.footer_date)
    out.append(" ")
    return out


# ---------------------------------------------------------------------------------------------------
# Layout: ocr_markdown (seed 004)
# ---------------------------------------------------------------------------------------------------

# Label cells of §3 rows as OCR of a PDF table gives them (seed 004): group labels broken over rows.
_OCR_ROWS_2021: dict[str, _TsvRow] = {
    "new_received": _TsvRow(("", "一、本年新收政府信息公开申请数量")),
    "carried_over": _TsvRow(("", "二、上年结转政府信息公开申请数量")),
    "granted": _TsvRow(("", "(一)予以公开")),
    "partially_granted": _TsvRow(("三、本", "(二)部分公开(区分处理的,只计 这一情形,不计其他情形)")),
    "withheld_state_secret": _TsvRow(("年 度", "1. 属于国家秘密")),
    "withheld_prohibited_by_law": _TsvRow(("", "2. 其他法律行政法规禁止 (三)不 公开 予公开")),
    "withheld_three_safeties": _TsvRow(("", '3. 危及"三安全一稳定"')),
    "withheld_third_party_rights": _TsvRow(("", "4. 保护第三方合法权益")),
    "withheld_internal_affairs": _TsvRow(("", "5. 属于三类内部事务信息"), blank_before=True),
    "withheld_process_information": _TsvRow(("", "6. 属于四类过程性信息")),
    "withheld_enforcement_case_file": _TsvRow(("", "7. 属于行政执法案卷")),
    "withheld_administrative_inquiry": _TsvRow(("", "8. 属于行政查询事项")),
    "unavailable_not_held": _TsvRow(("", "1. 本机关不掌握相关政府 信息")),
    "unavailable_needs_creation": _TsvRow(("(四)无法提供", "2. 没有现成信息需要另行 制作")),
    "unavailable_unclear_after_correction": _TsvRow(("", "3. 补正后申请内容仍不明确")),
    "not_processed_complaint": _TsvRow(("", "1. 信访举报投诉类申请")),
    "not_processed_repeat": _TsvRow(("", "2. 重复申请")),
    "not_processed_publication": _TsvRow(("(五)不", "3. 要求提供公开出版物")),
    "not_processed_excessive": _TsvRow(("", "4. 无正当理由大量反复申请")),
    "not_processed_reconfirmation": _TsvRow(("", "5. 要求行政机关确认或重 新出具已获取信息")),
    "other_no_correction": _TsvRow(
        ("(六)其", "1. 申请人无正当理由逾期"),
        continuation=("他处理", "不补正、行政机关不再处 理其政府信息公开申请", *[""] * 6),
        blank_before_continuation=True,
    ),
    "other_unpaid_fee": _TsvRow(("", "2. 申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请")),
    "other": _TsvRow(("", "3. 其他")),
    "outcome_total": _TsvRow(("(七)总", "(七)总计")),
    "carried_forward": _TsvRow(("四、结转", "四、结转下年度继续办理")),
}
_OCR_ROWS_2019 = {
    **{k: v for k, v in _OCR_ROWS_2021.items() if not k.startswith("other")},
    "other": _TsvRow(("", "(六)其他处理")),
}
_OCR_WIDTH = 12


def _ocr_paragraphs(out: list[str], pen: Pen, paragraphs: Sequence[str], breakable: bool = True) -> None:
    """Paragraphs a blank line apart; sub-points become bullets, a long one may break at a page end.

    §1 is not broken, so its sentence on the applications received stays whole for the narrative checks.
    """
    for paragraph in paragraphs:
        text = pen.text(paragraph)
        if paragraph.startswith("（") and len(paragraph) < 12:
            out += [f"- {text}", ""]
        elif breakable and len(text) > 40 and pen.rng.random() < 0.3:
            cut = pen.rng.randint(10, len(text) - 10)
            out += [text[:cut], "", text[cut:], ""]
        else:
            out += [text, ""]


def _render_ocr_markdown(report: Report, pen: Pen) -> list[str]:
    rng = pen.rng
    front = _front(report, rng, _spaced_title(report.title, _year(report)))
    out: list[str] = []
    if front.header:
        out += [front.header, ""]
    out += [f"# {front.title}", ""]
    if front.published:
        out += [pen.text(front.published), ""]

    def heading(index: int) -> None:
        marks = rng.choice(("#", "##", "###", "####", ""))
        out.extend([f"{marks} {pen.text(_SECTION_HEADINGS[index])}".strip(), ""])

    def row(cells: Sequence[str]) -> None:
        out.append("\t".join([*cells, *[""] * (_OCR_WIDTH - len(cells))]))

    heading(0)
    _ocr_paragraphs(out, pen, report.overview.split("\n"), breakable=False)
    heading(1)
    for block in _PROACTIVE_BLOCKS[_template(report)]:
        row([pen.label(block.item)])
        row([pen.label("信息内容"), *[pen.label(m) for m in block.metrics]])
        for label, category in block.rows:
            row([pen.label(label), *pen.numbers(_proactive_values(report, category))])
    out.append("")
    heading(2)
    row(["", "", pen.label("申请人情况")])
    row([pen.label("(本列数据的勾稽关系为:第一项加第二"), "", pen.label("法人或其他组织")])
    row(
        [
            pen.label("项之和,等于第三项加第四项之和)"),
            pen.label("自然人"),
            pen.label("商业"),
            pen.label("科研"),
            pen.label("社 会 公 益"),
            pen.label("法律服务"),
            pen.label("其他"),
            pen.label("总计"),
        ]
    )
    row(["", "", "", pen.label("企业"), pen.label("机构"), pen.label("组织"), pen.label("机构")])
    table = _OCR_ROWS_2021 if report.template == "2021" else _OCR_ROWS_2019
    out += _tsv_table_rows(report, pen, table, pad=2)
    out.append("")
    heading(3)
    results_top = [pen.label(s) for s in ("结果", "结果", "其 他", "尚未")]
    results_bottom = [pen.label(s) for s in ("维持", "纠正", "结果", "审结")]
    row([pen.label("行政复议"), "", "", "", "", pen.label("行政诉讼")])
    row([*results_top, pen.label("总"), pen.label("未经复议直接起诉"), "", "", "", "", pen.label("复议后起诉")])
    row([*results_bottom, pen.label("计"), *results_top, pen.label("总计"), *results_top, pen.label("总计")])
    out += ["\t".join(pen.numbers(_review_values(report))), ""]
    heading(4)
    _ocr_paragraphs(out, pen, _problems(rng))
    heading(5)
    _ocr_paragraphs(out, pen, _other_matters(rng, report))
    if front.footer_date:
        out.append(front.footer_date)
    return out


_RENDERERS: dict[str, Callable[[Report, Pen], list[str]]] = {
    "docx_tsv": _render_docx_tsv,
    "html_lines": _render_html_lines,
    "docx_cells": _render_docx_cells,
    "ocr_markdown": _render_ocr_markdown,
}


def render(report: Report, layout: str, *, noise: NoiseOptions | None = None, rng_seed: int = 0) -> str:
    """The report as extracted text in one of :data:`ALL_LAYOUTS`, deterministic for ``rng_seed``.

    Without ``noise`` every value is written exactly (``None`` as an empty cell). §1 comes from
    ``report.overview`` (one paragraph a line), so a generated report states its application count.
    """
    from synthetic.crawled import RENDERERS  # they build on this module's pieces

    renderers = {**_RENDERERS, **RENDERERS}
    if layout not in renderers:
        raise ValueError(f"unknown layout {layout!r}; known: {', '.join(ALL_LAYOUTS)}")
    half_width = layout in ("html_lines", "ocr_markdown", "pipes", "cell_lines", "converter_md", "excerpt")
    pen = Pen(noise or NoiseOptions(), random.Random(rng_seed), half_width)
    return "\n".join(renderers[layout](report, pen)) + "\n"
