"""Text in, canonical :class:`Report` out: normalise, read the title block, find sections, read the tables.

The text is read as a stream, not by its lines: a crawled page may hold the whole report on one line, and
an excerpt may start or stop anywhere. A document is refused only when none of the three tables is in it;
a missing section, a cut-off table, a missing year or agency are issues of the report.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from loaders.applications import extract_applications
from loaders.canonical import SECTION_HEADINGS, Issue, NotAReportError, Report, Severity, template_for_year
from loaders.cells import tokenize
from loaders.header import Header, body_year, published_date, read_header
from loaders.issues import IssueCode, issue
from loaders.locations import Locator
from loaders.normalize import normalize
from loaders.proactive import extract_proactive
from loaders.reviews import extract_reviews
from loaders.sections import REQUIRED, Section, find_sections, region

# Stored with every report. Raise it with any change that can alter what a document yields: `xxgk load`
# then parses the documents stored by another version again and replaces their reports.
PARSER_VERSION = "2.1.0"

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


def _template(year: int | None, tables_text: str, line: int | None) -> tuple[str | None, list[Issue]]:
    """The template: the year's, unless the tables' shape says otherwise (then the shape, and a warning)."""
    template, shape = template_for_year(year), _shape(tables_text)
    if shape is None or shape == template:
        if template is None:
            return None, [issue(IssueCode.TEMPLATE_UNKNOWN, None, "no year and no template-specific row: read as 2021")]
        return template, []
    if template is None:
        return shape, []
    message = f"year {year} implies template {template} but the tables have the {shape} shape"
    return shape, [issue(IssueCode.TEMPLATE_MISMATCH, line, message)]


def _line_of(text: str, offset: int) -> int:
    """The 0-based line holding ``offset``."""
    return text.count("\n", 0, offset)


def _year(header: Header, text: str, year: int | None) -> tuple[int | None, str | None, list[Issue]]:
    """The report year: given (a manifest or ``--year``), from the title, else from the body."""
    if year is not None:
        return year, "manifest", []
    if header.year is not None:
        return header.year, "title", []
    stated = body_year(text, date.today().year + 1)
    if stated is not None:
        return stated[0], "body", [issue(IssueCode.YEAR_FROM_BODY, None, f"year {stated[0]} read from 「{stated[1]}」")]
    return None, None, [issue(IssueCode.YEAR_MISSING, None, "no report year in the title or the body")]


def _agency(header: Header, agency: str | None) -> tuple[str | None, str | None, list[Issue]]:
    if agency:
        return agency, "manifest", []
    if header.agency_name is None:
        return (
            None,
            None,
            [issue(IssueCode.AGENCY_MISSING, None, "no agency named in the title, 发布机构 or page header")],
        )
    if header.agency_source == "publisher":
        found = issue(IssueCode.AGENCY_FROM_PUBLISHER, None, f"agency {header.agency_name} from the page's 发布机构")
        return header.agency_name, "publisher", [found]
    if header.agency_source == "page_header":
        found = issue(
            IssueCode.AGENCY_FROM_PAGE_HEADER, None, f"agency {header.agency_name} from the line above the title"
        )
        return header.agency_name, "page_header", [found]
    return header.agency_name, header.agency_source, []


def parse_text(text: str, *, year: int | None = None, agency: str | None = None) -> Report:
    """The canonical report of one annual-report text; raises :class:`NotAReportError` if it holds none of
    the three tables. ``year`` and ``agency``, when given (a manifest, ``--year``), win over the text."""
    normal = normalize(text)
    body = normal.text
    lines = body.split("\n")
    header = read_header(lines, body)
    start = sum(map(len, lines[: header.line])) + header.line if header.line is not None else 0
    sections = find_sections(body, start)
    regions = {n: region(sections, n, start, len(body)) for n in REQUIRED}
    tables_text = "".join(body[min(lo for lo, _ in regions.values()) : max(hi for _, hi in regions.values())].split())
    report_year, year_source, issues = _year(header, body, year)
    template, found = _template(report_year, tables_text, _first_line(sections, body, 3))
    issues += found
    name, agency_source, found = _agency(header, agency)
    issues += found
    if normal.simplified_lines:
        residue = f"; {normal.pinyin_removed} pinyin annotation(s) removed" if normal.pinyin_removed else ""
        issues.append(
            issue(
                IssueCode.TRADITIONAL_FOLDED,
                normal.simplified_lines[0],
                f"{len(normal.simplified_lines)} line(s) in traditional characters converted to simplified{residue}",
            )
        )
    shape = template or "2021"
    overview = _content(body, sections.get(1))
    first = min((s.start for s in sections.values()), default=start)
    after_six = _line_of(body, sections[6].body) + 1 if 6 in sections else None
    extracted = (
        ("proactive", extract_proactive(tokenize(body, *regions[2]), shape, overview)),
        (
            "applications",
            extract_applications(tokenize(body, *regions[3]), shape, cut=not any(n in sections for n in (4, 5, 6))),
        ),
        ("reviews", extract_reviews(tokenize(body, *regions[4]), 4 in sections)),
    )
    if not any(table.found for _, table in extracted):
        raise NotAReportError(
            "not a disclosure annual report: none of its three tables (二、主动公开 / 三、申请 / 四、复议诉讼) is in the text"
        )
    (_, proactive), (_, applications), (_, reviews) = extracted
    report = Report(
        name,
        report_year,
        template,
        header.title or "",
        region_hint=header.region_hint,
        published_at=published_date(lines, _line_of(body, first), after_six),
        agency_source=agency_source,
        year_source=year_source,
        source_url=header.source_url,
        proactive=proactive.values,
        applications=applications.values,
        reviews=reviews.values,
    )
    stored = text.replace("\r\n", "\n").replace("\r", "\n")
    # A text normalising left as it was needs no mapping back (compared in C, without splitting it).
    locate = Locator(stored.split("\n"), lines) if stored != body else None
    for _, table in extracted:
        report.provenance.update(table.provenance)
        report.locations.update(table.locations if locate is None else locate.all(table.locations))
        issues.extend(table.issues)
    for n in (1, 2, 3, 4, 5):
        if n not in sections:
            severity: Severity | None = "warning" if n in REQUIRED else None
            issues.append(issue(IssueCode.SECTION_MISSING, None, f"section {SECTION_HEADINGS[n]} not found", severity))
    report.issues = issues
    report.overview = overview
    return report


def _first_line(sections: dict[int, Section], text: str, number: int) -> int | None:
    return _line_of(text, sections[number].start) + 1 if number in sections else None


def _content(text: str, section: Section | None) -> str:
    """A narrative section's text, one paragraph a line."""
    if section is None:
        return ""
    return "\n".join(line.strip() for line in text[section.body : section.end].split("\n") if line.strip())


def parse_file(path: str | Path) -> Report:
    """:func:`parse_text` of a UTF-8 text file (other formats: ``loaders.readers``)."""
    return parse_text(Path(path).read_text(encoding="utf-8"))
