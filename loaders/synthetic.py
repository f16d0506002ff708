"""Synthetic annual reports: random canonical reports and their text in each of the seed layouts.

Used by the parser's property tests, for demo data and for benchmarks. Everything here is pure and
deterministic: :func:`generate` draws a :class:`Report` from ``random.Random(seed)`` and :func:`render`
writes it out the way one of the real seed reports looks after text extraction:

``docx_tsv``      seed 000 — a DOCX as text: tab-separated rows, §3 labels spread over 2–4 cells.
``html_lines``    seed 001 — an HTML page flattened: one cell per line, blank lines between.
``docx_cells``    seeds 002/003 — a DOCX table flattened: one cell per line behind a tab.
``ocr_markdown``  seed 004 — OCR'd PDF as Markdown: ``#`` headings, tab rows, labels broken up.

A generated report is consistent (identities 1–4 of docs/report-format.md hold) unless faults are asked
for by code, see :data:`FAULT_CODES`. A clean rendering writes every value exactly (``None`` as an empty
cell). :class:`NoiseOptions` adds extraction damage; only ``drop_cells`` and ``duplicate_cells`` lose
information (a §3 row then has 6 or 8 numbers and may be unrecoverable), the rest only changes spelling.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import pairwise

from loaders.canonical import (
    APPLICANT_COLUMNS,
    APPLICATION_ROWS,
    OUTCOME_LEAVES,
    PROACTIVE_METRICS,
    REVIEW_GROUPS,
    REVIEW_RESULTS,
    ROW_LABELS_2021,
    SECTION_HEADINGS,
    Report,
    Value,
    template_for_year,
)

LAYOUTS: tuple[str, ...] = ("docx_tsv", "html_lines", "docx_cells", "ocr_markdown")
YEARS = range(2019, 2025)

# Fault codes: each breaks one identity of docs/report-format.md at one place.
S3_COLUMN_BALANCE = "S3_COLUMN_BALANCE"  # identity 1: new + carried over = outcome total + carried forward
S3_ROW_SUM = "S3_ROW_SUM"  # identity 2: six applicant columns = total
S3_OUTCOME_SUM = "S3_OUTCOME_SUM"  # identity 3: outcome leaves = outcome total
S4_GROUP_SUM = "S4_GROUP_SUM"  # identity 4: upheld + corrected + other + pending = total
FAULT_CODES: tuple[str, ...] = (S3_COLUMN_BALANCE, S3_ROW_SUM, S3_OUTCOME_SUM, S4_GROUP_SUM)

_APPLICANTS = APPLICANT_COLUMNS[:-1]
_BALANCE_ROWS = ("new_received", "carried_over", "carried_forward")


@dataclass(frozen=True, slots=True)
class Fault:
    """An identity broken on purpose.

    ``location`` is the dotted path of the cell that was changed (``applications.granted.natural_person``)
    or, for ``S4_GROUP_SUM``, of the group (``reviews.review``). ``cells`` lists every cell changed.
    """

    code: str
    location: str
    cells: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class NoiseOptions:
    """Extraction damage for :func:`render`; each field is a probability in [0, 1] (``True`` = always).

    ``wrap_labels``, ``lookalikes``, ``spaces_in_words`` apply per label; ``full_width_digits`` and
    ``thousands_separators`` per number; ``drop_cells`` and ``duplicate_cells`` per §3 row (never both
    in one row, so a row never holds 7 misaligned numbers).
    """

    wrap_labels: float = 0.0
    lookalikes: float = 0.0
    full_width_digits: float = 0.0
    spaces_in_words: float = 0.0
    drop_cells: float = 0.0
    duplicate_cells: float = 0.0
    thousands_separators: float = 0.0

    @property
    def loses_information(self) -> bool:
        """Whether a rendering may hold values no reader can recover (a lost or doubled §3 number)."""
        return self.drop_cells > 0 or self.duplicate_cells > 0


# ---------------------------------------------------------------------------------------------------
# Agencies
# ---------------------------------------------------------------------------------------------------

# Real counties with some of their real townships.
_PLACES: dict[str, tuple[str, ...]] = {
    "万源市": ("官渡镇", "太平镇", "青花镇", "旧院镇", "白沙镇"),
    "宣汉县": ("东乡街道", "南坝镇", "峰城镇", "胡家镇"),
    "阳城县": ("横河镇", "润城镇", "町店镇", "北留镇", "凤城镇"),
    "沁水县": ("龙港镇", "端氏镇", "嘉峰镇"),
    "云阳县": ("水口镇", "双江街道", "凤鸣镇", "龙角镇", "南溪镇"),
    "奉节县": ("永安街道", "白帝镇", "草堂镇"),
    "紫阳县": ("红椿镇", "高滩镇", "洞河镇", "蒿坪镇"),
    "岚皋县": ("佐龙镇", "城关镇", "四季镇", "民主镇"),
    "通川区": ("东城街道", "北山镇", "磐石镇"),
}
# Syllables for made-up township names; none of 省市州盟县区旗 so the name never reads as a region.
_FIRST = "青白石龙凤新安永太和兴长金柳桃黄双高马杨清平观古云梅松竹鹤碧"
_SECOND = "河山坪溪口坝湾桥岭田林塘滩庙峰关渡岗沟池坡"
_DEPARTMENTS = (
    "财政局",
    "教育局",
    "公安局",
    "自然资源局",
    "卫生健康局",
    "住房和城乡建设局",
    "交通运输局",
    "农业农村局",
    "生态环境局",
    "人力资源和社会保障局",
)


def _agency(rng: random.Random, region: str) -> tuple[str, str]:
    """A (name, kind) for an agency in ``region``; kind is ``town`` or ``department``."""
    if rng.random() < 0.2:
        return rng.choice(_DEPARTMENTS), "department"
    known = _PLACES.get(region, ())
    if known and rng.random() < 0.6:
        town = rng.choice(known)
    else:
        town = rng.choice(_FIRST) + rng.choice(_SECOND) + rng.choice(("镇", "镇", "乡", "街道"))
    if town.endswith("街道"):
        return town + "办事处", "town"
    return town + rng.choice(("", "", "人民政府")), "town"


def _short_name(agency: str) -> str:
    for suffix in ("人民政府", "办事处"):
        if agency.endswith(suffix) and len(agency) > len(suffix):
            return agency.removesuffix(suffix)
    return agency


# ---------------------------------------------------------------------------------------------------
# Generation
# ---------------------------------------------------------------------------------------------------


def generate(
    seed: int,
    *,
    template: str | None = None,
    year: int | None = None,
    agency_name: str | None = None,
    region_hint: str | None = None,
    inconsistencies: Sequence[str] = (),
) -> Report:
    """A random, realistic canonical report, the same for the same arguments.

    Consistent (identities 1–4 hold) unless ``inconsistencies`` names fault codes from
    :data:`FAULT_CODES`; see :func:`generate_with_faults` for where they were put.
    """
    return generate_with_faults(
        seed,
        template=template,
        year=year,
        agency_name=agency_name,
        region_hint=region_hint,
        inconsistencies=inconsistencies,
    )[0]


def generate_with_faults(
    seed: int,
    *,
    template: str | None = None,
    year: int | None = None,
    agency_name: str | None = None,
    region_hint: str | None = None,
    inconsistencies: Sequence[str] = (),
) -> tuple[Report, list[Fault]]:
    """Like :func:`generate`, also returning one :class:`Fault` per requested code, in order.

    Faults are drawn after the report, so every cell not named by a fault equals ``generate(seed)``'s.
    ``S3_COLUMN_BALANCE`` and ``S3_OUTCOME_SUM`` raise one applicant cell and its row's total together:
    row sums hold, and identity 1 (or 3) reads broken in that column and, necessarily, in ``total``.
    One cell cannot break identity 2 alone, so ``S3_ROW_SUM`` also breaks that column's identity 1 (a
    new/carried row) or 3 (an outcome leaf); it never picks ``outcome_total``, which would break both.
    """
    unknown = [code for code in inconsistencies if code not in FAULT_CODES]
    if unknown:
        raise ValueError(f"unknown fault codes {unknown}; known: {', '.join(FAULT_CODES)}")
    rng = random.Random(seed)
    if year is None:
        years = [y for y in YEARS if template is None or template_for_year(y) == template]
        year = rng.choice(years)
    template = template or template_for_year(year)
    if region_hint is None and agency_name is None and rng.random() < 0.85:
        region_hint = rng.choice(list(_PLACES))
    if agency_name is None:
        agency_name, kind = _agency(rng, region_hint or "")
    else:
        kind = "department" if agency_name.endswith(("局", "委员会", "办公室")) else "town"
    # A department's title always names its county; a town's may leave it to a header line above.
    in_title = region_hint is not None and (kind == "department" or rng.random() < 0.75)
    title = f"{region_hint if in_title else ''}{agency_name}{year}年政府信息公开工作年度报告"
    report = Report.blank(agency_name, year, template, title, region_hint=region_hint)
    if rng.random() < 0.7:
        report.published_at = date(year + 1, rng.randint(1, 3), rng.randint(1, 28))
    big = kind == "department"
    _fill_proactive(rng, report, big)
    _fill_applications(rng, report, big)
    _fill_reviews(rng, report)
    report.overview = "\n".join(_overview(rng, report))
    taken: set[str] = set()
    faults = [_inject(rng, report, code, taken) for code in inconsistencies]
    return report, faults


def _count(rng: random.Random, zero: float, low: int, high: int) -> int:
    """Zero with probability ``zero``, else log-uniform-ish in [low, high] (small numbers are common)."""
    if rng.random() < zero:
        return 0
    return min(high, max(low, int(low * (high / max(low, 1)) ** rng.random())))


def _fee(rng: random.Random, big: bool) -> Decimal:
    if rng.random() < (0.4 if big else 0.85):
        return Decimal("0")
    cents = _count(rng, 0, 1, 5_000_000 if big else 20_000)
    return Decimal(f"{cents // 100}.{cents % 100:02d}")


def _fill_proactive(rng: random.Random, report: Report, big: bool) -> None:
    p = report.proactive
    scale = 20 if big else 1
    if report.template == "2021":
        p["regulations"].update(issued=0, repealed=0, in_force=0)
        if big and rng.random() < 0.1:
            p["regulations"].update(issued=_count(rng, 0.5, 1, 3), repealed=_count(rng, 0.7, 1, 2))
            p["regulations"]["in_force"] = p["regulations"]["issued"] + _count(rng, 0.2, 1, 30)
        issued = _count(rng, 0.6, 1, 12)
        p["normative_documents"].update(
            issued=issued, repealed=_count(rng, 0.7, 1, 8), in_force=issued + _count(rng, 0.3, 1, 80)
        )
        p["licensing"]["decisions"] = _count(rng, 0.4, 1, 150 * scale)
        p["penalties"]["decisions"] = _count(rng, 0.5, 1, 60 * scale)
        p["enforcement"]["decisions"] = _count(rng, 0.8, 1, 10 * scale)
        p["fees"]["amount_10k_yuan"] = _fee(rng, big)
        return
    for category in ("regulations", "normative_documents"):
        # Only large governments make 规章; a town's count stays at zero.
        rules = category == "regulations"
        made = 0 if rules and not big else _count(rng, 0.9 if rules else 0.6, 1, 12)
        earlier = 0 if rules and not big else _count(rng, 0.4, 1, 60)
        p[category].update(made=made, published=made, total_published=made + earlier)
    for category in ("licensing", "other_services", "penalties", "enforcement", "fees"):
        previous = _count(rng, 0.5, 1, 30 * scale if category != "fees" else 10)
        change = rng.randint(-min(previous, 5), 5) if rng.random() < 0.4 else 0
        p[category].update(previous_items=previous, change=change)
        if category != "fees":
            p[category]["decisions"] = _count(rng, 0.5, 1, 100 * scale)
    items = _count(rng, 0.6, 1, 12)
    p["procurement"]["items"] = items
    if items == 0:
        p["procurement"]["amount"] = Decimal("0")
    elif rng.random() < 0.5:  # in yuan, as seed 001 writes it
        p["procurement"]["amount"] = Decimal(rng.randint(5_000, 3_000_000))
    else:  # in 万元
        cents = rng.randint(100, 50_000_00)
        p["procurement"]["amount"] = Decimal(f"{cents // 100}.{cents % 100:02d}")


# Who asks: mostly citizens, some companies, hardly ever research institutes.
_APPLICANT_WEIGHTS = (80, 10, 0.5, 0.5, 2, 3)
# How requests end: mostly disclosed, often "not held".
_LEAF_WEIGHTS = {
    "granted": 40,
    "partially_granted": 10,
    "withheld_third_party_rights": 2,
    "withheld_process_information": 2,
    "withheld_internal_affairs": 1,
    "unavailable_not_held": 15,
    "unavailable_needs_creation": 4,
    "unavailable_unclear_after_correction": 2,
    "not_processed_complaint": 4,
    "not_processed_repeat": 3,
    "other_no_correction": 2,
    "other": 3,
}


def _fill_applications(rng: random.Random, report: Report, big: bool) -> None:
    table = report.applications
    for cells in table.values():
        cells.update(dict.fromkeys(APPLICANT_COLUMNS, 0))
    roll = rng.random()
    if big:
        new_total = 0 if roll < 0.2 else _count(rng, 0, 1, 30) if roll < 0.6 else _count(rng, 0, 30, 900)
    else:
        new_total = 0 if roll < 0.5 else _count(rng, 0, 1, 10) if roll < 0.9 else _count(rng, 0, 10, 30)
    leaves = OUTCOME_LEAVES[report.template]
    weights = [_LEAF_WEIGHTS.get(leaf, 0.5) for leaf in leaves]
    per_column = Counter(rng.choices(_APPLICANTS, _APPLICANT_WEIGHTS, k=new_total))
    for column in _APPLICANTS:
        new = per_column[column]
        carried_over = rng.randint(0, max(1, new // 5)) if new and rng.random() < 0.25 else 0
        handled = new + carried_over
        carried_forward = rng.randint(0, handled // 4) if handled and rng.random() < 0.3 else 0
        outcomes = Counter(rng.choices(leaves, weights, k=handled - carried_forward))
        table["new_received"][column] = new
        table["carried_over"][column] = carried_over
        table["carried_forward"][column] = carried_forward
        table["outcome_total"][column] = handled - carried_forward
        for leaf in leaves:
            table[leaf][column] = outcomes[leaf]
    for cells in table.values():
        cells["total"] = sum(cells[c] for c in _APPLICANTS)


def _fill_reviews(rng: random.Random, report: Report) -> None:
    for group in REVIEW_GROUPS:
        cells = report.reviews[group]
        busy = rng.random() < (0.25 if group == "review" else 0.15)
        for result in REVIEW_RESULTS[:-1]:
            cells[result] = _count(rng, 0.5, 1, 6) if busy else 0
        cells["total"] = sum(cells[r] for r in REVIEW_RESULTS[:-1])


def _inject(rng: random.Random, report: Report, code: str, taken: set[str]) -> Fault:
    """Break the identity ``code`` names at one random place of ``report`` (mutated).

    ``taken`` holds the rows, columns and groups earlier faults used; a new fault avoids them while it can,
    so two faults never cancel out. Cells only grow, so none turns negative.
    """
    delta = rng.randint(1, 3)

    def pick(rows: Sequence[str], columns: Sequence[str]) -> tuple[str, str]:
        for _ in range(100):
            row, column = rng.choice(rows), rng.choice(columns)
            if row not in taken and column not in taken:
                break
        taken.update((row, column))
        return row, column

    def bump(table: dict[str, dict[str, Value]], row: str, column: str) -> None:
        value = table[row][column]
        assert isinstance(value, int), "generated counts are ints"
        table[row][column] = value + delta

    if code == S4_GROUP_SUM:
        groups = [g for g in REVIEW_GROUPS if f"reviews.{g}" not in taken] or list(REVIEW_GROUPS)
        group, result = rng.choice(groups), rng.choice(REVIEW_RESULTS)
        taken.add(f"reviews.{group}")
        bump(report.reviews, group, result)
        return Fault(code, f"reviews.{group}", (f"reviews.{group}.{result}",))
    apps = report.applications
    if code == S3_ROW_SUM:
        # outcome_total is left out: changing it would break identities 1 and 3 at once.
        row, column = pick([r for r in APPLICATION_ROWS[report.template] if r != "outcome_total"], APPLICANT_COLUMNS)
        bump(apps, row, column)
        return Fault(code, f"applications.{row}.{column}", (f"applications.{row}.{column}",))
    row, column = pick(_BALANCE_ROWS if code == S3_COLUMN_BALANCE else OUTCOME_LEAVES[report.template], _APPLICANTS)
    # Moving the total with the cell keeps the row sum (identity 2).
    bump(apps, row, column)
    bump(apps, row, "total")
    return Fault(code, f"applications.{row}.{column}", (f"applications.{row}.{column}", f"applications.{row}.total"))


# Sentences the real reports are made of; each §1 paragraph draws a few, so a report is seed-sized.
_FILLER = (
    "坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻落实党中央、国务院关于全面推进政务公开的决策部署。",
    "围绕乡村振兴、民生保障、安全生产等群众关注的重点领域，加大信息公开力度，及时回应社会关切。",
    "对涉及群众切身利益的政策文件，同步开展政策解读，通过图表、问答等形式提高解读的可读性。",
    "进一步规范政府信息公开指南和目录，明确公开内容、公开时限和公开方式，做到应公开尽公开。",
    "建立健全信息发布协调机制，明确各站所、各办公室的公开责任，形成一级抓一级、层层抓落实的工作格局。",
    "定期开展政务公开自查自纠，对栏目更新不及时、内容不规范等问题立行立改，确保公开质量。",
    "依托政务服务中心设立政务公开专区，为群众提供政府信息查阅、办事咨询等一站式服务。",
    "利用微信公众号、村务公开栏等渠道延伸公开触角，方便群众及时获取政策信息和办事指南。",
    "组织工作人员参加政务公开业务培训，提升信息审核、发布和解读能力，增强依法公开意识。",
    "将政务公开工作纳入年度目标考核，强化督促检查，推动各项工作任务落到实处。",
)


def _filler(rng: random.Random, k: int) -> str:
    return "".join(rng.sample(_FILLER, k))


def _overview(rng: random.Random, report: Report) -> list[str]:
    """§1 as paragraphs; the 依申请公开 paragraph states how many applications came in."""
    who = _short_name(report.agency_name)
    year = report.year
    received = report.applications["new_received"]["total"]
    if received:
        applied = rng.choice(
            (f"本年度共收到政府信息公开申请{received}件", f"{year}年，{who}共收到政府信息公开申请{received}件")
        )
        applied += "，均在法定期限内依法答复。"
    else:
        applied = rng.choice(("本年度未收到政府信息公开申请。", f"{year}年，{who}未收到政府信息公开申请。"))
    published = rng.randint(20, 900)
    return [
        f"{year}年，{who}认真贯彻落实《中华人民共和国政府信息公开条例》，围绕中心工作，"
        "不断完善工作机制，规范公开形式，切实保障人民群众的知情权、参与权和监督权。" + _filler(rng, 2),
        "（一）主动公开",
        f"{who}坚持“以公开为常态、不公开为例外”，通过政府门户网站、政务公开栏等渠道，"
        f"全年累计主动公开政府信息{published}条，及时发布工作动态、财政预决算和惠民政策信息。" + _filler(rng, 3),
        "（二）依申请公开",
        "严格按照规定程序受理依申请公开事项，" + applied,
        "（三）政府信息管理",
        "严格落实“先审查、后公开”和“三审三校”制度，规范信息发布流程，确保公开信息准确、安全。" + _filler(rng, 2),
        "（四）平台建设",
        "持续加强政府网站政务公开专栏建设，及时更新栏目内容，拓宽政府信息公开渠道。" + _filler(rng, 2),
        "（五）监督保障",
        "成立政务公开工作领导小组，明确专人负责，主动接受社会监督，未发生因政务公开引发的责任追究情况。"
        + _filler(rng, 1),
    ]


# ---------------------------------------------------------------------------------------------------
# Rendering: shared pieces
# ---------------------------------------------------------------------------------------------------

_HALF_WIDTH = str.maketrans({"（": "(", "）": ")", "，": ",", "：": ":", "；": ";"})
_LOOKALIKES = {
    "决": "決",
    "额": "額",
    "导": "導",
    "处": "處",
    "开": "開",
    "结": "結",
    "办": "辦",
    "关": "關",
    "项": "項",
    "数": "數",
    "请": "請",
    "议": "議",
    "讼": "訟",
    "计": "計",
    "维": "維",
    "纠": "糾",
    "审": "審",
    "务": "務",
}
_FULL_WIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")


def _is_cjk(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff"


class _Pen:
    """Writes labels and numbers for one rendering, applying the layout's punctuation and the noise."""

    def __init__(self, noise: NoiseOptions, rng: random.Random, half_width: bool) -> None:
        self.noise = noise
        self.rng = rng
        self.half_width = half_width

    def _chance(self, p: float) -> bool:
        return p > 0 and self.rng.random() < p

    def text(self, s: str) -> str:
        """Narrative or heading text: layout punctuation, look-alike characters."""
        if self.half_width:
            s = s.translate(_HALF_WIDTH)
        if self.noise.lookalikes > 0:
            s = "".join(_LOOKALIKES[c] if c in _LOOKALIKES and self._chance(self.noise.lookalikes) else c for c in s)
        return s

    def label(self, s: str) -> str:
        """A table label: as :meth:`text`, sometimes with spaces between its characters (`其 他 结果`)."""
        s = self.text(s)
        if self._chance(self.noise.spaces_in_words):
            s = "".join(
                c + " " if _is_cjk(c) and _is_cjk(n) and self.rng.random() < 0.5 else c for c, n in pairwise(s + " ")
            )
        return s

    def split(self, s: str) -> tuple[str, str] | None:
        """Where a wrapped label breaks, or None. Only long labels wrap, as in a narrow cell, and each part
        keeps three Chinese characters, so neither reads as a number (`1.` alone would) or is a stray word."""
        cjk = [i for i, c in enumerate(s) if _is_cjk(c)]
        if len(cjk) < 8 or not self._chance(self.noise.wrap_labels):
            return None
        cut = self.rng.randint(cjk[2] + 1, cjk[-3])
        return s[:cut], s[cut:]

    def number(self, value: Value) -> str:
        if value is None:
            return ""
        text = str(value)
        if abs(value) >= 1000 and self._chance(self.noise.thousands_separators):
            text = f"{value:,}"
        if self._chance(self.noise.full_width_digits):
            text = text.translate(_FULL_WIDTH_DIGITS)
        return text

    def numbers(self, values: Sequence[Value]) -> list[str]:
        return [self.number(v) for v in values]

    def row_numbers(self, values: Sequence[Value]) -> list[str]:
        """A §3 row's seven numbers, maybe one lost or one doubled (never both)."""
        cells = self.numbers(values)
        if self._chance(self.noise.drop_cells):
            del cells[self.rng.randrange(len(cells))]
        elif self._chance(self.noise.duplicate_cells):
            i = self.rng.randrange(len(cells))
            cells.insert(i, cells[i])
        return cells


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
    return [report.proactive[category][m] for m in PROACTIVE_METRICS[report.template][category]]


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
        "下一步，将加强业务培训，充实工作力量，健全信息发布审核机制，进一步提升政务公开质量和实效。" + _filler(rng, 3),
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
        header = report.region_hint + _short_name(report.agency_name)
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


def _tsv_table_rows(report: Report, pen: _Pen, layout_rows: dict[str, _TsvRow], pad: int) -> list[str]:
    """§3 rows as tab-separated lines; ``pad`` empty cells trail each row (OCR tables run wide)."""
    lines: list[str] = []
    for row in APPLICATION_ROWS[report.template]:
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


def _render_docx_tsv(report: Report, pen: _Pen) -> list[str]:
    rng = pen.rng
    front = _front(
        report, rng, _spaced_title(report.title, report.year).replace("政府信息公开工作", "政府信息公开 工作")
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
    for i, block in enumerate(_PROACTIVE_BLOCKS[report.template]):
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


def _closing_paragraphs(report: Report, pen: _Pen, footer_date: str | None) -> list[str]:
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


def _render_html_lines(report: Report, pen: _Pen) -> list[str]:
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
    for block in _PROACTIVE_BLOCKS[report.template]:
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
    for row, cells in _line_cells(report.template).items():
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


def _render_docx_cells(report: Report, pen: _Pen) -> list[str]:
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
    for block in _PROACTIVE_BLOCKS[report.template]:
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
    for row, cells in _line_cells(report.template).items():
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


def _ocr_paragraphs(out: list[str], pen: _Pen, paragraphs: Sequence[str], breakable: bool = True) -> None:
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


def _render_ocr_markdown(report: Report, pen: _Pen) -> list[str]:
    rng = pen.rng
    front = _front(report, rng, _spaced_title(report.title, report.year))
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
    for block in _PROACTIVE_BLOCKS[report.template]:
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


_RENDERERS: dict[str, Callable[[Report, _Pen], list[str]]] = {
    "docx_tsv": _render_docx_tsv,
    "html_lines": _render_html_lines,
    "docx_cells": _render_docx_cells,
    "ocr_markdown": _render_ocr_markdown,
}


def render(report: Report, layout: str, *, noise: NoiseOptions | None = None, rng_seed: int = 0) -> str:
    """The report as extracted text in one of :data:`LAYOUTS`, deterministic for ``rng_seed``.

    Without ``noise`` every value is written exactly (``None`` as an empty cell). §1 comes from
    ``report.overview`` (one paragraph a line), so a generated report states its application count.
    """
    if layout not in _RENDERERS:
        raise ValueError(f"unknown layout {layout!r}; known: {', '.join(LAYOUTS)}")
    half_width = layout in ("html_lines", "ocr_markdown")
    pen = _Pen(noise or NoiseOptions(), random.Random(rng_seed), half_width)
    return "\n".join(_RENDERERS[layout](report, pen)) + "\n"
