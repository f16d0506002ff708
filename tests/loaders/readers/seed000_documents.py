"""Real DOCX, HTML and PDF documents built from seed 000's content, and the clean text they all stand for.

The narrative (title, §1, §5, §6) is taken line by line from ``tests/fixtures/000_cad348b87ea66ad4.txt``.
The three tables are seed 000's tables with their real merged cells, written below as grids:
cells separated by ``|``, ``<`` marks a slot merged into the cell on its left, ``^`` one merged into
the cell above. Seed 000 reports only zeros; the numbers here are made distinct (and consistent with the
§3 identities) so that a dropped, repeated or shifted cell changes a value a test can see.

The clean text of a grid puts the merged cell's text in its first slot and leaves the slots it covers
empty — the layout the readers promise.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path

FIXTURE = Path(__file__).parents[2] / "fixtures" / "000_cad348b87ea66ad4.txt"

TITLE = "万源市官渡镇 2021 年政府信息公开 工作年度报告"
HEADINGS = (
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
)

PROACTIVE = """
第二十条第（一）项 | < | < | <
信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数
规章 | 1 | 0 | 3
行政规范性文件 | 2 | 1 | 7
第二十条第（五）项 | < | < | <
信息内容 | 本年处理决定数量 | < | <
行政许可 | 12 | < | <
第二十条第（六）项 | < | < | <
信息内容 | 本年处理决定数量 | < | <
行政处罚 | 4 | < | <
行政强制 | 6 | < | <
第二十条第（八）项 | < | < | <
信息内容 | 本年收费金额（单位：万元） | < | <
行政事业性收费 | 1.5 | < | <
"""

APPLICATIONS = """
（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和） | < | < | 申请人情况 | < | < | < | < | < | 总计
^ | ^ | ^ | 自然人 | 法人或其他组织 | < | < | < | < | ^
^ | ^ | ^ | ^ | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | ^
一、本年新收政府信息公开申请数量 | < | < | 5 | 1 | 0 | 2 | 0 | 1 | 9
二、上年结转政府信息公开申请数量 | < | < | 1 | 0 | 0 | 0 | 0 | 0 | 1
三、本年度办理结果 | （一）予以公开 | < | 3 | 1 | 0 | 1 | 0 | 0 | 5
^ | （二）部分公开（区分处理的，只计这一情形，不计其他情形） | < | 1 | 0 | 0 | 0 | 0 | 0 | 1
^ | （三）不予公开 | 1.属于国家秘密 | 0 | 0 | 0 | 0 | 0 | 0 | 0
^ | ^ | 2.其他法律行政法规禁止公开 | 0 | 0 | 0 | 0 | 0 | 0 | 0
^ | ^ | 3.危及“三安全一稳定” | 0 | 0 | 0 | 0 | 0 | 0 | 0
^ | ^ | 4.保护第三方合法权益 | 0 | 0 | 0 | 1 | 0 | 0 | 1
^ | ^ | 5.属于三类内部事务信息 | 0 | 0 | 0 | 0 | 0 | 0 | 0
^ | ^ | 6.属于四类过程性信息 | 0 | 0 | 0 | 0 | 0 | 0 | 0
^ | ^ | 7.属于行政执法案卷 | 0 | 0 | 0 | 0 | 0 | 0 | 0
^ | ^ | 8.属于行政查询事项 | 0 | 0 | 0 | 0 | 0 | 0 | 0
^ | （四）无法提供 | 1.本机关不掌握相关政府信息 | 1 | 0 | 0 | 0 | 0 | 1 | 2
^ | ^ | 2.没有现成信息需要另行制作 | 0 | 0 | 0 | 0 | 0 | 0 | 0
^ | ^ | 3.补正后申请内容仍不明确 | 0 | 0 | 0 | 0 | 0 | 0 | 0
^ | （五）不予处理 | 1.信访举报投诉类申请 | 0 | 0 | 0 | 0 | 0 | 0 | 0
^ | ^ | 2.重复申请 | 0 | 0 | 0 | 0 | 0 | 0 | 0
^ | ^ | 3.要求提供公开出版物 | 0 | 0 | 0 | 0 | 0 | 0 | 0
^ | ^ | 4.无正当理由大量反复申请 | 0 | 0 | 0 | 0 | 0 | 0 | 0
^ | ^ | 5.要求行政机关确认或重新出具已获取信息 | 0 | 0 | 0 | 0 | 0 | 0 | 0
^ | （六）其他处理 | 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请 | 0 | 0 | 0 | 0 | 0 | 0 | 0
^ | ^ | 2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请 | 0 | 0 | 0 | 0 | 0 | 0 | 0
^ | ^ | 3.其他 | 0 | 0 | 0 | 0 | 0 | 0 | 0
^ | （七）总计 | < | 5 | 1 | 0 | 2 | 0 | 1 | 9
四、结转下年度继续办理 | < | < | 1 | 0 | 0 | 0 | 0 | 0 | 1
"""

REVIEWS = """
行政复议 | < | < | < | < | 行政诉讼 | < | < | < | < | < | < | < | < | <
结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 未经复议直接起诉 | < | < | < | < | 复议后起诉 | < | < | < | <
^ | ^ | ^ | ^ | ^ | 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计
1 | 0 | 2 | 0 | 3 | 0 | 1 | 0 | 1 | 2 | 0 | 0 | 0 | 0 | 0
"""

# The §3 first row as the readers must give it: label in the first of its three merged slots.
FIRST_APPLICATION_ROW = "一、本年新收政府信息公开申请数量\t\t\t5\t1\t0\t2\t0\t1\t9"


@dataclass(frozen=True)
class Grid:
    """A table as its full grid of slots (``<`` and ``^`` mark merged slots)."""

    slots: tuple[tuple[str, ...], ...]

    @classmethod
    def parse(cls, spec: str) -> Grid:
        rows = tuple(tuple(cell.strip() for cell in line.split("|")) for line in spec.strip().splitlines())
        assert len({len(row) for row in rows}) == 1, "every grid row needs the same number of slots"
        return cls(rows)

    @property
    def width(self) -> int:
        return len(self.slots[0])

    def origins(self) -> list[tuple[int, int, str, int, int]]:
        """Each real cell as ``(row, col, text, across, down)``."""
        found = []
        for r, row in enumerate(self.slots):
            for c, text in enumerate(row):
                if text in ("<", "^"):
                    continue
                across = 1
                while c + across < self.width and row[c + across] == "<":
                    across += 1
                down = 1
                while r + down < len(self.slots) and self.slots[r + down][c] == "^":
                    down += 1
                found.append((r, c, text, across, down))
        return found

    def lines(self) -> list[str]:
        return ["\t".join("" if s in ("<", "^") else s for s in row) for row in self.slots]


Block = str | Grid


@cache
def blocks() -> tuple[Block, ...]:
    """The document in order: title, narrative paragraphs and section headings, and the three tables."""
    lines = [line for line in FIXTURE.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert lines[0] == TITLE
    start_2, start_5 = lines.index(HEADINGS[1]), lines.index(HEADINGS[4])
    narrative_1, narrative_5_6 = lines[:start_2], lines[start_5:]
    assert not any("\t" in line for line in narrative_1 + narrative_5_6)
    return (
        *narrative_1,
        HEADINGS[1],
        Grid.parse(PROACTIVE),
        HEADINGS[2],
        Grid.parse(APPLICATIONS),
        HEADINGS[3],
        Grid.parse(REVIEWS),
        *narrative_5_6,
    )


def clean_text() -> str:
    """The tab-separated text of the same content: one line per paragraph, one per table row."""
    out: list[str] = []
    for block in blocks():
        out.extend(block.lines() if isinstance(block, Grid) else [block])
    return "\n".join(out) + "\n"


@cache
def docx_bytes() -> bytes:
    """A Word document with real paragraphs and tables, merged cells made with python-docx's ``merge``."""
    import docx

    word = docx.Document()
    for block in blocks():
        if isinstance(block, str):
            word.add_paragraph(block)
            continue
        table = word.add_table(rows=len(block.slots), cols=block.width)
        table.style = "Table Grid"
        # one snapshot of the unmerged grid: table.cell() recomputes the whole grid on every call
        grid = [row.cells for row in table.rows]
        for r, c, text, across, down in block.origins():
            cell = grid[r][c]
            if across > 1 or down > 1:
                cell = cell.merge(grid[r + down - 1][c + across - 1])
            cell.text = text
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def html_bytes(charset: str = "utf-8") -> bytes:
    """An HTML page with real ``<table>``/``<tr>``/``<td>`` and colspan/rowspan, encoded in ``charset``."""
    parts = [
        f'<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">',
        "<title>官渡镇人民政府</title><style>td { border: 1px solid }</style></head><body>",
        "<script>var 规章 = '0';</script><!-- 注释 -->",
    ]
    for block in blocks():
        if isinstance(block, str):
            tag = "h1" if block == TITLE else "h2" if block in HEADINGS else "p"
            parts.append(f"<{tag}><span>{block}</span></{tag}>\n")
            continue
        parts.append("<table>\n<tbody>\n")
        rows: dict[int, list[str]] = {}
        for r, _c, text, across, down in block.origins():
            spans = (f' colspan="{across}"' if across > 1 else "") + (f' rowspan="{down}"' if down > 1 else "")
            rows.setdefault(r, []).append(f"<td{spans}><p>{text}</p></td>")
        for r in range(len(block.slots)):
            parts.append("<tr>" + "".join(rows.get(r, [])) + "</tr>\n")
        parts.append("</tbody>\n</table>\n")
    parts.append("</body></html>")
    return "".join(parts).encode(charset)


FONT = "STSong-Light"
PAGE = (720.0, 1000.0)  # wide enough for the 10-column §3 table, tall enough for it on one page
MARGIN = 36.0
TEXT_SIZE, TABLE_SIZE = 10.0, 7.0


@cache
def register_font() -> None:
    """Make Adobe's Simplified Chinese font known to reportlab (it is built in: no font file needed)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont(FONT))


@cache
def pdf_bytes() -> bytes:
    """A PDF with a text layer (reportlab, Adobe's built-in CID font) and ruled tables.

    Cell text is drawn at its column's position and wrapped to the column; every real cell gets its own
    rectangle, so merged cells have no inner ruling and pdfplumber finds the same grid.
    """
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfgen import canvas

    register_font()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=PAGE)
    y = PAGE[1] - MARGIN

    def wrap(text: str, width: float, size: float) -> list[str]:
        lines, line = [], ""
        for char in text:
            if line and pdfmetrics.stringWidth(line + char, FONT, size) > width:
                lines.append(line)
                line = ""
            line += char
        return [*lines, line]

    for block in blocks():
        if isinstance(block, str):
            for line in wrap(block, PAGE[0] - 2 * MARGIN, TEXT_SIZE):
                if y < MARGIN:
                    pdf.showPage()
                    y = PAGE[1] - MARGIN
                pdf.setFont(FONT, TEXT_SIZE)
                pdf.drawString(MARGIN, y - TEXT_SIZE, line)
                y -= TEXT_SIZE * 1.6
            continue
        widths = _column_widths(block)
        xs = [MARGIN + sum(widths[:c]) for c in range(block.width + 1)]
        wrapped = {(r, c): wrap(text, xs[c + a] - xs[c] - 4, TABLE_SIZE) for r, c, text, a, _d in block.origins()}
        heights = [
            max(len(wrapped[(r, c)]) for (rr, c) in wrapped if rr == r) * TABLE_SIZE * 1.3 + 4
            for r in range(len(block.slots))
        ]
        if y - sum(heights) < MARGIN:
            pdf.showPage()
            y = PAGE[1] - MARGIN
        y -= 6
        tops = [y - sum(heights[:r]) for r in range(len(block.slots) + 1)]
        pdf.setFont(FONT, TABLE_SIZE)
        pdf.setLineWidth(0.5)
        for r, c, _text, across, down in block.origins():
            pdf.rect(xs[c], tops[r + down], xs[c + across] - xs[c], tops[r] - tops[r + down])
            for k, line in enumerate(wrapped[(r, c)]):
                pdf.drawString(xs[c] + 2, tops[r] - 2 - TABLE_SIZE * (1.3 * k + 1), line)
        y = tops[-1] - 12
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _column_widths(grid: Grid) -> list[float]:
    # label columns wide, number columns narrow; each table fits PAGE's width less the margins
    available = PAGE[0] - 2 * MARGIN
    if grid.width == 4:
        return [available * share for share in (0.3, 0.3, 0.2, 0.2)]
    if grid.width == 10:
        return [50.0, 110.0, 160.0] + [(available - 320.0) / 7] * 7
    return [available / grid.width] * grid.width


def scanned_pdf_bytes() -> bytes:
    """A PDF whose only page is an image: what a scanner gives, with no text layer."""
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    image = Image.new("L", (200, 100), 255)
    ImageDraw.Draw(image).rectangle((20, 20, 180, 80), outline=0, width=3)
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=PAGE)
    pdf.drawImage(ImageReader(image), MARGIN, PAGE[1] - 300, width=400, height=200)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
