"""Layouts of reports as they reach users after a crawler, a browser's "save as text" or a PDF converter.

``one_line``      a crawled page: the crawler's ``标题:``/``发布时间:``/``原文链接:`` header, then the whole report
                  on one line, table cells a space apart.
``glued``         the same page whose table cells lost every separator (``21710000218``), stray spaces
                  between some cells (corpus 010–016). Not every value can come back: lossy.
``pipes``         table rows as ``a | b | c |`` lines with merged-cell residue (``| |||``) (corpus 002, 007).
``cell_lines``    one cell per line ending in ``|``, an empty cell a bare ``|`` line, ``||`` ending rows and
                  stray ``|`` lines before labels (corpus 003, 004).
``converter_md``  Markdown from a PDF converter: headings as ``##``, §2 a pipe table with its separator row, §3
                  one table per row, labels floating outside their table, label rows apart from value rows,
                  and runs of label rows followed by their value rows.
``excerpt``       a page cut short: no title, §1 from its middle, the text stopping inside §3 (corpus 002–006).
                  Lossy: the rows after the cut are not there.
"""

from __future__ import annotations

from collections.abc import Sequence

from loaders.canonical import APPLICATION_ROWS, Report
from synthetic.layouts import (
    _CORNER,
    _PROACTIVE_BLOCKS,
    _SECTION_HEADINGS,
    _Front,
    _front,
    _line_cells,
    _other_matters,
    _proactive_values,
    _problems,
    _render_docx_cells,
    _review_values,
    _row_values,
    _template,
    _year,
)
from synthetic.noise import Pen

_APPLICANT_HEADERS = ("申请人情况", "自然人", "法人或其他组织", "总计", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")
_RESULTS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
_REVIEW_HEADERS = ("行政复议", "行政诉讼", *_RESULTS, "未经复议直接起诉", "复议后起诉", *_RESULTS, *_RESULTS)


def _crawler_header(report: Report, pen: Pen) -> list[str]:
    published = report.published_at
    when = f"{published.isoformat()} {pen.rng.randint(8, 18):02d}:{pen.rng.randint(0, 59):02d}" if published else ""
    return [
        f"标题: {report.title}",
        f"发布时间: {when}",
        "文号: ",
        f"发布机构: {_publisher(report)}",
        "栏目: 政府信息公开年报",
        f"原文链接: https://www.example.gov.cn/zwgk/zfxxgknb/{_year(report)}/t{pen.rng.randint(10000, 99999)}.htm",
        "==================== 正文 ====================",
    ]


def _publisher(report: Report) -> str:
    """The page's 发布机构: the agency with its places when the title leaves them out, else nothing."""
    if report.region_hint and not report.title.startswith(report.region_hint) and report.agency_name:
        return report.region_hint + report.agency_name
    return ""


def _cells(report: Report, pen: Pen) -> tuple[list[str], list[str], list[str]]:
    """§2, §3 and §4 as sequences of cells in reading order: labels and numbers, an empty cell as ``""``."""
    proactive: list[str] = []
    for block in _PROACTIVE_BLOCKS[_template(report)]:
        proactive += [pen.label(block.item), pen.label("信息内容"), *(pen.label(m) for m in block.metrics)]
        for label, category in block.rows:
            proactive += [pen.label(label), *pen.numbers(_proactive_values(report, category))]
    applications = [pen.label(_CORNER), *(pen.label(h) for h in _APPLICANT_HEADERS)]
    for row, labels in _line_cells(_template(report)).items():
        applications += [pen.label(t) for t in labels if t]
        applications += pen.row_numbers(_row_values(report, row))
    reviews = [*(pen.label(h) for h in _REVIEW_HEADERS), *pen.numbers(_review_values(report))]
    return proactive, applications, reviews


def _is_number(cell: str) -> bool:
    return cell[:1].isdigit() or cell[:1] in "-０１２３４５６７８９"


def _run_together(cells: Sequence[str], pen: Pen, glued: bool) -> str:
    """Cells on one line: a space apart, or glued — no separator at all, a stray space between a few."""
    if not glued:
        return " ".join(c for c in cells if c)
    out = ""
    for cell in cells:
        if out and (pen.rng.random() < 0.08 or (_is_number(cell) and out[-1] == ".")):
            out += " "
        out += cell
    return out


def _paragraphs(report: Report, pen: Pen, first: int) -> str:
    """§1 (from paragraph ``first``) as one run of text."""
    return "".join(pen.text(p) for p in report.overview.split("\n")[first:])


def _render_page(report: Report, pen: Pen, glued: bool) -> list[str]:
    proactive, applications, reviews = _cells(report, pen)
    headings = [pen.text(h) for h in _SECTION_HEADINGS]
    body = (
        f"{report.title} 根据《中华人民共和国政府信息公开条例》要求，编制本报告。{headings[0]}{_paragraphs(report, pen, 0)}"
        f"{headings[1]} {_run_together(proactive, pen, glued)}"
        f"{headings[2]}{_run_together(applications, pen, glued)} "
        f"{headings[3]}{_run_together(reviews, pen, glued)} "
        f"{headings[4]}{''.join(pen.text(p) for p in _problems(pen.rng))}"
        f"{headings[5]} {''.join(pen.text(p) for p in _other_matters(pen.rng, report))}"
    )
    return [*_crawler_header(report, pen), body, "页面链接与图片详见 links.tsv(同目录)"]


def _render_one_line(report: Report, pen: Pen) -> list[str]:
    return _render_page(report, pen, glued=False)


def _render_glued(report: Report, pen: Pen) -> list[str]:
    return _render_page(report, pen, glued=True)


def _title_lines(front: _Front) -> list[str]:
    """The place header (if any), the title, the publication date line (if any)."""
    return [*([front.header] if front.header else []), front.title, *([front.published] if front.published else [])]


def _pipe_row(cells: Sequence[str], residue: bool = False) -> str:
    return " | ".join(cells) + " |" + (" |||" if residue else "")


def _render_pipes(report: Report, pen: Pen) -> list[str]:
    front = _front(report, pen.rng, report.title)
    out = _title_lines(front)
    out += [pen.text(_SECTION_HEADINGS[0]), *(pen.text(p) for p in report.overview.split("\n"))]
    out.append(pen.text(_SECTION_HEADINGS[1]))
    for block in _PROACTIVE_BLOCKS[_template(report)]:
        out.append(_pipe_row([pen.label(block.item)], residue=True))
        out.append(_pipe_row([pen.label("信息内容"), *(pen.label(m) for m in block.metrics)]))
        for label, category in block.rows:
            out.append(_pipe_row([pen.label(label), *pen.numbers(_proactive_values(report, category))]))
    out.append(pen.text(_SECTION_HEADINGS[2]))
    out.append(_pipe_row([pen.label(_CORNER), pen.label("申请人情况")], residue=True))
    out.append(_pipe_row([pen.label(h) for h in ("自然人", "法人或其他组织", "总计")]))
    out.append(_pipe_row([pen.label(h) for h in _APPLICANT_HEADERS[4:]]))
    for row, labels in _line_cells(_template(report)).items():
        out.append(_pipe_row([*(pen.label(t) for t in labels if t), *pen.row_numbers(_row_values(report, row))]))
    out.append(pen.text(_SECTION_HEADINGS[3]))
    out.append(_pipe_row([pen.label(h) for h in _REVIEW_HEADERS[:2]], residue=True))
    out.append(_pipe_row([pen.label(h) for h in _REVIEW_HEADERS[2:]]))
    out.append(_pipe_row(pen.numbers(_review_values(report))))
    out += [pen.text(_SECTION_HEADINGS[4]), *(pen.text(p) for p in _problems(pen.rng))]
    out += [pen.text(_SECTION_HEADINGS[5]), *(pen.text(p) for p in _other_matters(pen.rng, report))]
    return out + ([front.footer_date] if front.footer_date else [])


def _render_cell_lines(report: Report, pen: Pen) -> list[str]:
    front = _front(report, pen.rng, report.title)
    out = _title_lines(front)
    out += [pen.text(_SECTION_HEADINGS[0]), *(pen.text(p) for p in report.overview.split("\n"))]

    def cells(values: Sequence[str]) -> None:
        out.extend(f"{v} |" if v else "|" for v in values)

    def labels(texts: Sequence[str]) -> None:
        if pen.rng.random() < 0.5:
            out.append("|")  # a stray row-start line
        out.extend(f"{pen.label(t)} |" for t in texts if t)

    out.append(pen.text(_SECTION_HEADINGS[1]))
    for block in _PROACTIVE_BLOCKS[_template(report)]:
        out.append(f"{pen.label(block.item)} | |||")
        labels(["信息内容", *block.metrics])
        for label, category in block.rows:
            labels([label])
            cells(pen.numbers(_proactive_values(report, category)))
    out.append(pen.text(_SECTION_HEADINGS[2]))
    labels([_CORNER, *_APPLICANT_HEADERS])
    for row, texts in _line_cells(_template(report)).items():
        labels(texts)
        cells(pen.row_numbers(_row_values(report, row)))
        out.append("||")
    out.append(pen.text(_SECTION_HEADINGS[3]))
    labels(_REVIEW_HEADERS)
    cells(pen.numbers(_review_values(report)))
    out += [pen.text(_SECTION_HEADINGS[4]), *(pen.text(p) for p in _problems(pen.rng))]
    out += [pen.text(_SECTION_HEADINGS[5]), *(pen.text(p) for p in _other_matters(pen.rng, report))]
    return out + ([front.footer_date] if front.footer_date else [])


def _md_row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _render_converter_md(report: Report, pen: Pen) -> list[str]:
    rng = pen.rng
    front = _front(report, rng, report.title)
    out = ([front.header, ""] if front.header else []) + [f"# {front.title}", ""]
    out += [front.published, ""] if front.published else []
    out += [f"## {pen.text(_SECTION_HEADINGS[0])}", ""]
    for paragraph in report.overview.split("\n"):
        out += [pen.text(paragraph), ""]
    out += [f"## {pen.text(_SECTION_HEADINGS[1])}", ""]
    for block in _PROACTIVE_BLOCKS[_template(report)]:
        header = [pen.label("信息内容"), *(pen.label(m) for m in block.metrics)]
        out += [_md_row([pen.label(block.item)] + [""] * (len(header) - 1)), _md_row(["---"] * len(header))]
        out.append(_md_row(header))
        for label, category in block.rows:
            out.append(_md_row([pen.label(label), *pen.numbers(_proactive_values(report, category))]))
        out.append("")
    out += [f"## {pen.text(_SECTION_HEADINGS[2])}", ""]
    if rng.random() < 0.5:  # a header row, or none at all
        out += [_md_row([pen.label(h) for h in _APPLICANT_HEADERS]), _md_row(["---"] * 9), ""]
    rows = list(_line_cells(_template(report)).items())
    k = 0
    while k < len(rows):
        style = rng.random()
        if style < 0.15 and k + 2 < len(rows):
            # Runs of label rows, then their value rows (the converter split the table by columns).
            stack = rows[k : k + rng.randint(2, 3)]
            out += [_md_row([pen.label(t) for t in labels if t][-1:]) for _, labels in stack]
            out += [_md_row(pen.row_numbers(_row_values(report, row))) for row, _ in stack]
            out.append("")
            k += len(stack)
            continue
        row, labels = rows[k]
        names = [pen.label(t) for t in labels if t]
        values = pen.row_numbers(_row_values(report, row))
        if style < 0.45:  # one table per row
            out += [_md_row([*names, *values]), ""]
        elif style < 0.7:  # the label floating outside the table
            out += ["".join(names), "", _md_row(values), ""]
        else:  # a label row, then a value row
            out += [_md_row(names), _md_row(values)]
        k += 1
    out += ["", f"## {pen.text(_SECTION_HEADINGS[3])}", ""]
    out += [_md_row([pen.label(h) for h in _REVIEW_HEADERS[2:7]]), _md_row(["---"] * 5)]
    out += [_md_row(pen.numbers(_review_values(report))), ""]
    out += [f"## {pen.text(_SECTION_HEADINGS[4])}", "", *(pen.text(p) for p in _problems(rng))]
    out += ["", f"## {pen.text(_SECTION_HEADINGS[5])}", "", *(pen.text(p) for p in _other_matters(rng, report))]
    return out + ([front.footer_date] if front.footer_date else [])


def _render_excerpt(report: Report, pen: Pen) -> list[str]:
    """A page kept only in part: from inside §1 to a row of §3 (or a cell inside it)."""
    template = _template(report)
    lines = _render_docx_cells(report, pen)
    # The headings as written (noise may have changed their characters): 一、… and 三、…申请….
    start = next(i for i, line in enumerate(lines) if line.startswith("一、"))
    heading = next(i for i, line in enumerate(lines) if line.startswith("三、") and "申" in line)
    keep = pen.rng.randint(4, len(APPLICATION_ROWS[template]) - 2) * 8  # about that many rows
    end = min(heading + 12 + keep + pen.rng.randint(0, 7), len(lines))
    statement = f"本报告所列数据的统计期限为{_year(report)}年1月1日至{_year(report)}年12月31日。"
    return [statement, *lines[start + 2 : end]]


RENDERERS = {
    "one_line": _render_one_line,
    "glued": _render_glued,
    "pipes": _render_pipes,
    "cell_lines": _render_cell_lines,
    "converter_md": _render_converter_md,
    "excerpt": _render_excerpt,
}
