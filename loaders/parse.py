"""Text in, canonical :class:`Report` out: normalise, read the title block, cut sections, read the tables."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import count
from pathlib import Path

from loaders.canonical import SECTION_HEADINGS, Issue, NotAReportError, Report, template_for_year
from loaders.cells import tokenize
from loaders.header import published_date, read_header
from loaders.normalize import normalize_text
from loaders.sections import REQUIRED, Section, find_sections
from loaders.tables import extract_applications, extract_proactive, extract_reviews

# Stored with every report. Raise it with any change that can alter what a document yields: `xxgk load`
# then parses the documents stored by another version again and replaces their reports.
PARSER_VERSION = "1.0.0"

# Words only one template's tables print (§2 headers and items, the §3 other-handling leaves).
_MARKERS = {
    "2019": ("第(九)项", "其他对外管理服务", "本年新制作", "对外公开总数量", "政府集中采购"),
    "2021": ("本年制发", "本年废止", "现行有效", "逾期不补正", "收费通知"),
}


def _shape(text: str) -> str | None:
    """The template the tables' shape says, or None when it is silent or split."""
    hits = {t: sum(m in text for m in markers) for t, markers in _MARKERS.items()}
    if hits["2019"] == hits["2021"]:
        return None
    return "2019" if hits["2019"] > hits["2021"] else "2021"


def _template(year: int, tables_text: str, line: int) -> tuple[str, list[Issue]]:
    """The template: the year's, unless the tables' shape says otherwise (then the shape, and a warning)."""
    template, shape = template_for_year(year), _shape(tables_text)
    if shape is None or shape == template:
        return template, []
    message = f"year {year} implies template {template} but the tables have the {shape} shape"
    return shape, [Issue("TEMPLATE_MISMATCH", "warning", line, message)]


def parse_text(text: str) -> Report:
    """The canonical report of one annual-report text; raises :class:`NotAReportError` if it is not one."""
    lines = normalize_text(text).split("\n")
    header = read_header(lines)
    sections = find_sections(lines, header.line + 1)
    absent = [n for n in REQUIRED if n not in sections]
    if absent:
        names = "、".join(SECTION_HEADINGS[n] for n in absent)
        raise NotAReportError(f"not a disclosure annual report of the national format: no section {names}")

    def body(section: Section) -> Iterator[tuple[int, str]]:
        """The section's content as (1-based line number, text) pairs."""
        return zip(count(section.heading + 2), lines[section.heading + 1 : section.end])

    tables_text = "".join(lines[sections[2].heading : sections[3].end]).replace(" ", "")
    template, issues = _template(header.year, tables_text, sections[2].heading + 1)
    after_six = sections[6].heading + 1 if 6 in sections else None
    report = Report.blank(
        header.agency_name,
        header.year,
        template,
        header.title,
        region_hint=header.region_hint,
        published_at=published_date(lines, sections[min(sections)].heading, after_six),
    )
    for table, extracted in (
        ("proactive", extract_proactive(tokenize(body(sections[2])), template)),
        ("applications", extract_applications(tokenize(body(sections[3])), template)),
        ("reviews", extract_reviews(tokenize(body(sections[4])))),
    ):
        setattr(report, table, extracted.values)
        report.provenance.update(extracted.provenance)
        issues.extend(extracted.issues)
    for n in (1, 5, 6):
        if n not in sections:
            issues.append(Issue("SECTION_MISSING", "info", None, f"section {SECTION_HEADINGS[n]} not found"))
    report.issues = issues
    if 1 in sections:
        report.overview = "\n".join(t for _, t in body(sections[1]) if t.strip()).strip()
    return report


def parse_file(path: str | Path) -> Report:
    """:func:`parse_text` of a UTF-8 text file (other formats: ``loaders.readers``)."""
    return parse_text(Path(path).read_text(encoding="utf-8"))
