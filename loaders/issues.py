"""Every problem the parser can report: one registry of issue codes with their severity and meaning.

The registry feeds the parser (``issue(IssueCode.ROW_MISSING, line, message)``), the README's list of codes,
``parse_issues.csv``'s field description and the GraphQL enum, so a code is defined once.
"""

from __future__ import annotations

from enum import Enum

from loaders.canonical import Issue, Severity


class IssueCode(Enum):
    """An issue code: its default severity and what it means, in English and Chinese."""

    # Identity of the report.
    YEAR_FROM_BODY = ("info", "The title gives no year; the report year was read from the body.", "标题无年份，报告年度取自正文")
    YEAR_MISSING = ("warning", "No report year in the text: give one with --year or a manifest.", "正文未载明报告年度")
    AGENCY_FROM_PUBLISHER = (
        "info", "The title names no agency; it was taken from the page's 发布机构 field.", "标题未载明机关，取自页面的发布机构",
    )
    AGENCY_FROM_PAGE_HEADER = (
        "info", "The title names no agency; it was taken from the line naming it above the title.", "标题未载明机关，取自标题上方的机关名称",
    )
    AGENCY_MISSING = ("warning", "No agency name in the text: give one with --agency or a manifest.", "正文未载明发布机关")
    TEMPLATE_MISMATCH = (
        "warning", "The tables' shape says another template than the report year does; the shape wins.", "表格样式与报告年度对应的模板不一致",
    )
    TEMPLATE_UNKNOWN = (
        "warning", "Neither a year nor the tables' shape tells the template; the 2021 one was assumed.", "无法判断所用模板",
    )
    TRADITIONAL_FOLDED = (
        "info", "Lines in traditional characters were converted to simplified (and conversion residue removed).", "繁体字已转换为简体",
    )
    # Sections and rows.
    SECTION_MISSING = ("info", "A section heading was not found (an excerpt, or a variant heading).", "未找到章节标题")
    TABLE_MISSING = ("warning", "One of the three tables is not in the text: its values are null.", "缺少该表格")
    TABLE_CUT_OFF = ("warning", "The table stops before its last rows (an excerpt): those rows are null.", "表格不完整（文本截断）")
    ROW_MISSING = ("warning", "A row of the table was not found or has no numbers: its values are null.", "未找到该行或该行无数字")
    ROW_DUPLICATE = ("warning", "A row label appears twice; the first reading is kept.", "该行出现两次，取第一次")
    UNLABELLED_NUMBERS = ("warning", "Numbers in a table that no row label names; ignored.", "表格中有无法对应行的数字")
    # Cells.
    CELLS_EMPTY = ("info", "Empty cells read as null (an empty cell is not zero).", "空单元格记为空值（不是0）")
    DASH_AS_NULL = ("info", "A dash or 无 read as 'none reported': null.", "破折号或“无”记为空值")
    NOT_A_COUNT = ("warning", "A count cell holds a number with decimals: null.", "计数单元格含小数，记为空值")
    CELL_UNREADABLE = ("warning", "A cell could not be read: null.", "单元格无法识别，记为空值")
    ROW_CELLS_INFERRED = (
        "warning", "A row had a cell too few or too many; the table's identities placed them (values inferred).", "该行单元格数量不符，已按勾稽关系推算",
    )
    ROW_UNRESOLVED = (
        "warning", "A row's cells could not be placed by any identity: the row is null, never guessed.", "该行单元格无法唯一确定，记为空值",
    )
    GLUED_CELLS_SPLIT = (
        "warning", "Cells printed without separators were split where the identities leave one split (values inferred).", "无分隔的数字已按勾稽关系唯一拆分",
    )
    GLUED_CELLS_AMBIGUOUS = (
        "warning", "Cells printed without separators allow several splits: null, with the candidates listed.", "无分隔的数字有多种拆分，记为空值",
    )
    ROWS_STACKED = (
        "info", "Row labels and their values stood apart (labels first, values after); they were paired in order.", "行标签与数值分离，已按顺序对应",
    )
    # Reading scans (OCR).
    OCR_LOW_CONFIDENCE = (
        "warning", "OCR could not read a number surely (or the cell is smudged): left unread, null, never guessed.", "图像识别无法确定该数字，记为空值",
    )
    PAGE_ROTATED = ("warning", "A scanned page was sideways or upside down; it was turned upright to be read.", "扫描页方向颠倒或横置，已转正后识别")
    PAGE_SKEWED = ("info", "A scanned page was tilted; it was straightened before being read.", "扫描页倾斜，已校正后识别")
    OCR_PAGE_EMPTY = ("info", "A scanned page holds no text.", "扫描页无文字")
    OCR_IMAGE = ("info", "A picture inside a PDF page (a table pasted as an image) was read by OCR.", "PDF页面中的图片已经图像识别读取")
    # Placement (where the agency sits).
    REGION_UNKNOWN = ("warning", "No known place in the agency name, or a manifest region code is unknown.", "无法确定所属行政区划")
    REGION_AMBIGUOUS = ("warning", "The agency's place names several regions.", "所属行政区划有多种可能")
    REGION_HINT_CONFLICT = ("warning", "The places in the title and in the page header disagree.", "标题与页眉中的地名不一致")
    PLACE_UNKNOWN = ("warning", "A place word in the agency name is not in the gazetteer.", "地名不在区划表中")

    def __init__(self, severity: Severity, english: str, chinese: str) -> None:
        self.severity = severity
        self.english = english
        self.chinese = chinese

    @property
    def code(self) -> str:
        return self.name


def issue(code: IssueCode, line: int | None, message: str, severity: Severity | None = None) -> Issue:
    """An :class:`Issue` of a registered code, at its default severity unless told otherwise."""
    return Issue(code._name_, severity or code.severity, line, message)  # (``.name`` is a slower property)


ISSUE_CODES: dict[str, IssueCode] = {c.name: c for c in IssueCode}


def markdown() -> str:
    """The registry as the Markdown table of ``docs/issue-codes.md`` (a test keeps the file up to date)."""
    lines = [
        "# Parse issue codes",
        "",
        "Every problem the parser records is an issue with one of these codes (defined in `loaders/issues.py`),",
        "a severity and the line of the document it was found on. `xxgk parse FILE` lists a document's issues;",
        "they are stored in `parse_issue`, exported in `parse_issues.csv` and served by GraphQL.",
        "",
        "| code | severity | meaning | 说明 |",
        "| --- | --- | --- | --- |",
    ]
    lines += [f"| `{c.name}` | {c.severity} | {c.english} | {c.chinese} |" for c in IssueCode]
    return "\n".join(lines) + "\n"
