"""The canonical report: one vocabulary for parser output, tables, GraphQL fields and exports.

Names follow docs/report-format.md. Every value is an ``int``, a ``Decimal`` (fee and procurement
amounts) or ``None`` (the cell is empty, unreadable or absent) — never a float, and an empty cell is
never ``0``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from itertools import repeat
from typing import Any, Literal

Value = int | Decimal | None
Severity = Literal["error", "warning", "info"]
Provenance = Literal["inferred", "missing", "ocr"]
# Where a value was read: 1-based line of the document text as stored, and the value's start and end offsets
# (0-based, end exclusive) in that line.
Location = tuple[int, int, int]

TEMPLATES = ("2019", "2021")

# The six section headings both templates print, by section number.
SECTION_HEADINGS: dict[int, str] = {
    1: "一、总体情况",
    2: "二、主动公开政府信息情况",
    3: "三、收到和处理政府信息公开申请情况",
    4: "四、政府信息公开行政复议、行政诉讼情况",
    5: "五、存在的主要问题及改进情况",
    6: "六、其他需要报告的事项",
}

# §3 applicant columns, in the order the table prints them.
APPLICANT_COLUMNS: tuple[str, ...] = (
    "natural_person",
    "commercial_enterprise",
    "research_institution",
    "public_interest_org",
    "legal_service_org",
    "other_org",
    "total",
)
COLUMN_LABELS: dict[str, str] = {
    "natural_person": "自然人",
    "commercial_enterprise": "商业企业",
    "research_institution": "科研机构",
    "public_interest_org": "社会公益组织",
    "legal_service_org": "法律服务机构",
    "other_org": "其他",
    "total": "总计",
}

# §3 rows of template 2021, in order, with their labels as printed.
ROW_LABELS_2021: dict[str, str] = {
    "new_received": "一、本年新收政府信息公开申请数量",
    "carried_over": "二、上年结转政府信息公开申请数量",
    "granted": "（一）予以公开",
    "partially_granted": "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "withheld_state_secret": "（三）不予公开 1.属于国家秘密",
    "withheld_prohibited_by_law": "（三）不予公开 2.其他法律行政法规禁止公开",
    "withheld_three_safeties": "（三）不予公开 3.危及“三安全一稳定”",
    "withheld_third_party_rights": "（三）不予公开 4.保护第三方合法权益",
    "withheld_internal_affairs": "（三）不予公开 5.属于三类内部事务信息",
    "withheld_process_information": "（三）不予公开 6.属于四类过程性信息",
    "withheld_enforcement_case_file": "（三）不予公开 7.属于行政执法案卷",
    "withheld_administrative_inquiry": "（三）不予公开 8.属于行政查询事项",
    "unavailable_not_held": "（四）无法提供 1.本机关不掌握相关政府信息",
    "unavailable_needs_creation": "（四）无法提供 2.没有现成信息需要另行制作",
    "unavailable_unclear_after_correction": "（四）无法提供 3.补正后申请内容仍不明确",
    "not_processed_complaint": "（五）不予处理 1.信访举报投诉类申请",
    "not_processed_repeat": "（五）不予处理 2.重复申请",
    "not_processed_publication": "（五）不予处理 3.要求提供公开出版物",
    "not_processed_excessive": "（五）不予处理 4.无正当理由大量反复申请",
    "not_processed_reconfirmation": "（五）不予处理 5.要求行政机关确认或重新出具已获取信息",
    "other_no_correction": "（六）其他处理 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "other_unpaid_fee": "（六）其他处理 2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "other": "（六）其他处理 3.其他",
    "outcome_total": "（七）总计",
    "carried_forward": "四、结转下年度继续办理",
}
# Template 2019 has a single 其他处理 row instead of the three of 2021.
ROW_LABELS_2019: dict[str, str] = {
    key: ("（六）其他处理" if key == "other" else label)
    for key, label in ROW_LABELS_2021.items()
    if key not in ("other_no_correction", "other_unpaid_fee")
}
APPLICATION_ROWS: dict[str, tuple[str, ...]] = {
    "2019": tuple(ROW_LABELS_2019),
    "2021": tuple(ROW_LABELS_2021),
}
# The rows that add up to the outcome total (identity 3), per template.
OUTCOME_LEAVES: dict[str, tuple[str, ...]] = {
    t: tuple(k for k in rows if k not in ("new_received", "carried_over", "outcome_total", "carried_forward"))
    for t, rows in APPLICATION_ROWS.items()
}

# §4: three groups of five results.
REVIEW_GROUPS: tuple[str, ...] = ("review", "litigation_direct", "litigation_after_review")
REVIEW_RESULTS: tuple[str, ...] = ("upheld", "corrected", "other", "pending", "total")
GROUP_LABELS: dict[str, str] = {
    "review": "行政复议",
    "litigation_direct": "行政诉讼·未经复议直接起诉",
    "litigation_after_review": "行政诉讼·复议后起诉",
}
RESULT_LABELS: dict[str, str] = {
    "upheld": "结果维持",
    "corrected": "结果纠正",
    "other": "其他结果",
    "pending": "尚未审结",
    "total": "总计",
}

# §2 categories → metrics, per template.
PROACTIVE_METRICS: dict[str, dict[str, tuple[str, ...]]] = {
    "2021": {
        "regulations": ("issued", "repealed", "in_force"),
        "normative_documents": ("issued", "repealed", "in_force"),
        "licensing": ("decisions",),
        "penalties": ("decisions",),
        "enforcement": ("decisions",),
        "fees": ("amount_10k_yuan",),
    },
    "2019": {
        "regulations": ("made", "published", "total_published"),
        "normative_documents": ("made", "published", "total_published"),
        "licensing": ("previous_items", "change", "decisions"),
        "other_services": ("previous_items", "change", "decisions"),
        "penalties": ("previous_items", "change", "decisions"),
        "enforcement": ("previous_items", "change", "decisions"),
        "fees": ("previous_items", "change"),
        "procurement": ("items", "amount"),
    },
}
# Metrics holding exact decimals rather than counts.
DECIMAL_METRICS = frozenset({("fees", "amount_10k_yuan"), ("procurement", "amount")})
CATEGORY_LABELS: dict[str, str] = {
    "regulations": "规章",
    "normative_documents": "规范性文件",
    "licensing": "行政许可",
    "other_services": "其他对外管理服务事项",
    "penalties": "行政处罚",
    "enforcement": "行政强制",
    "fees": "行政事业性收费",
    "procurement": "政府集中采购",
}
METRIC_LABELS: dict[str, str] = {
    "issued": "本年制发件数",
    "repealed": "本年废止件数",
    "in_force": "现行有效件数",
    "decisions": "处理决定数量",
    "amount_10k_yuan": "本年收费金额（万元）",
    "made": "本年新制作数量",
    "published": "本年新公开数量",
    "total_published": "对外公开总数量",
    "previous_items": "上一年项目数量",
    "change": "本年增/减",
    "items": "采购项目数量",
    "amount": "采购总金额",
}


def template_for_year(year: int | None) -> str | None:
    """The national template in force for a report year (2019 for 2019–2020, 2021 after)."""
    if year is None:
        return None
    return "2019" if year < 2021 else "2021"


@dataclass(frozen=True, slots=True)
class Issue:
    """A problem found while reading a report: errors as data, with the 1-based input line."""

    code: str
    severity: Severity
    line: int | None
    message: str

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "severity": self.severity, "line": self.line, "message": self.message}


def empty_proactive(template: str) -> dict[str, dict[str, Value]]:
    return {cat: dict.fromkeys(metrics) for cat, metrics in PROACTIVE_METRICS[template].items()}


def empty_applications(template: str) -> dict[str, dict[str, Value]]:
    rows = APPLICATION_ROWS[template]
    return dict(zip(rows, map(dict.fromkeys, repeat(APPLICANT_COLUMNS, len(rows))), strict=True))  # (built in C)


def empty_reviews() -> dict[str, dict[str, Value]]:
    return {group: dict.fromkeys(REVIEW_RESULTS) for group in REVIEW_GROUPS}


@dataclass(slots=True)
class Report:
    """A report as the national format defines it, whatever layout it arrived in.

    ``provenance`` maps a dotted path (``applications.new_received.total``) to ``inferred`` (recovered
    through a stated identity), ``missing`` (absent or unreadable) or ``ocr`` (read from a cell of a page
    image by OCR); values read directly from a typed cell have no entry. ``locations`` maps the path of
    every value read from the text to where it stands (:data:`Location`); ``ocr_boxes`` says where on
    which page an ``ocr`` value was read (``{"page", "box", "score"}``). ``overview`` keeps the §1
    narrative for the narrative-vs-table checks.

    A part of the identity the text does not give is ``None`` (an excerpt without its title):
    ``agency_source`` says where the agency came from (``title``, ``publisher``, ``page_header``, or
    ``manifest`` when an override named it) and ``year_source`` the year (``title``, ``body``, ``manifest``).
    ``source_url`` is the published address when the text names it (a crawled page's 原文链接).
    """

    agency_name: str | None
    year: int | None
    template: str | None
    title: str
    region_hint: str | None = None
    published_at: date | None = None
    agency_source: str | None = None
    year_source: str | None = None
    source_url: str | None = None
    proactive: dict[str, dict[str, Value]] = field(default_factory=dict)
    applications: dict[str, dict[str, Value]] = field(default_factory=dict)
    reviews: dict[str, dict[str, Value]] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    provenance: dict[str, Provenance] = field(default_factory=dict)
    locations: dict[str, Location] = field(default_factory=dict)
    ocr_boxes: dict[str, dict[str, Any]] = field(default_factory=dict)
    overview: str = ""

    @classmethod
    def blank(cls, agency_name: str | None, year: int | None, template: str | None, title: str = "", **kw: Any) -> Report:
        """A report with every cell present and ``None``: the shape parsers fill in (2021's when unknown)."""
        shape = template or "2021"
        return cls(
            agency_name=agency_name,
            year=year,
            template=template,
            title=title,
            proactive=empty_proactive(shape),
            applications=empty_applications(shape),
            reviews=empty_reviews(),
            **kw,
        )

    def to_json(self) -> dict[str, Any]:
        """The ``xxgk parse --json`` shape. Decimals become strings so no digit is lost."""
        return {
            "agency_name": self.agency_name,
            "region_hint": self.region_hint,
            "year": self.year,
            "template": self.template,
            "title": self.title,
            "published_at": self.published_at.isoformat() if self.published_at else None,
            "agency_source": self.agency_source,
            "year_source": self.year_source,
            "source_url": self.source_url,
            "proactive": _json_values(self.proactive),
            "applications": _json_values(self.applications),
            "reviews": _json_values(self.reviews),
            "issues": [i.to_json() for i in self.issues],
            "provenance": dict(sorted(self.provenance.items())),
            "locations": {path: list(where) for path, where in sorted(self.locations.items())},
            "ocr_boxes": dict(sorted(self.ocr_boxes.items())),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Report:
        """Inverse of :meth:`to_json` (amounts come back as ``Decimal``)."""
        proactive = {
            cat: {
                m: (None if v is None else Decimal(str(v)) if (cat, m) in DECIMAL_METRICS else int(v))
                for m, v in metrics.items()
            }
            for cat, metrics in data.get("proactive", {}).items()
        }
        def ints(table: dict[str, dict[str, Any]]) -> dict[str, dict[str, Value]]:
            return {k: {c: (None if v is None else int(v)) for c, v in cols.items()} for k, cols in table.items()}

        published = data.get("published_at")
        year = data.get("year")
        return cls(
            agency_name=data.get("agency_name"),
            year=None if year is None else int(year),
            template=data.get("template"),
            title=data.get("title", ""),
            region_hint=data.get("region_hint"),
            published_at=date.fromisoformat(published) if published else None,
            agency_source=data.get("agency_source"),
            year_source=data.get("year_source"),
            source_url=data.get("source_url"),
            proactive=proactive,
            applications=ints(data.get("applications", {})),
            reviews=ints(data.get("reviews", {})),
            issues=[Issue(**i) for i in data.get("issues", [])],
            provenance=dict(data.get("provenance", {})),
            locations={path: tuple(where) for path, where in data.get("locations", {}).items()},
            ocr_boxes=dict(data.get("ocr_boxes", {})),
        )


def _json_values(table: dict[str, dict[str, Value]]) -> dict[str, dict[str, Any]]:
    return {
        k: {c: (str(v) if isinstance(v, Decimal) else v) for c, v in cols.items()} for k, cols in table.items()
    }


class NotAReportError(ValueError):
    """The text is not an annual disclosure report of the national format, or its sections are missing."""
