"""Drawing a random, realistic canonical report: agency, §1 narrative, §2, §3 and §4 values."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import cast

from loaders.canonical import (
    APPLICANT_COLUMNS,
    OUTCOME_LEAVES,
    REVIEW_GROUPS,
    REVIEW_RESULTS,
    Report,
    template_for_year,
)
from synthetic.faults import FAULT_CODES, Fault, inject

YEARS = range(2019, 2025)

_APPLICANTS = APPLICANT_COLUMNS[:-1]

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


def short_name(agency: str) -> str:
    """The agency as its own report calls it: without 人民政府 or 办事处."""
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
    faults = [inject(rng, report, code, taken) for code in inconsistencies]
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
            issued_rules = _count(rng, 0.5, 1, 3)
            p["regulations"].update(issued=issued_rules, repealed=_count(rng, 0.7, 1, 2))
            p["regulations"]["in_force"] = issued_rules + _count(rng, 0.2, 1, 30)
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
    table = cast(dict[str, dict[str, int]], report.applications)  # filled with ints here
    for cells in table.values():
        cells.update(dict.fromkeys(APPLICANT_COLUMNS, 0))
    roll = rng.random()
    if big:
        new_total = 0 if roll < 0.2 else _count(rng, 0, 1, 30) if roll < 0.6 else _count(rng, 0, 30, 900)
    else:
        new_total = 0 if roll < 0.5 else _count(rng, 0, 1, 10) if roll < 0.9 else _count(rng, 0, 10, 30)
    assert report.template is not None, "generated reports have a template"
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
        cells = cast(dict[str, int], report.reviews[group])  # filled with ints here
        busy = rng.random() < (0.25 if group == "review" else 0.15)
        for result in REVIEW_RESULTS[:-1]:
            cells[result] = _count(rng, 0.5, 1, 6) if busy else 0
        cells["total"] = sum(cells[r] for r in REVIEW_RESULTS[:-1])


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


def filler(rng: random.Random, k: int) -> str:
    """``k`` distinct stock sentences of the real reports, run together."""
    return "".join(rng.sample(_FILLER, k))


def _overview(rng: random.Random, report: Report) -> list[str]:
    """§1 as paragraphs; the 依申请公开 paragraph states how many applications came in."""
    assert report.agency_name is not None, "generated reports name their agency"
    who = short_name(report.agency_name)
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
        "不断完善工作机制，规范公开形式，切实保障人民群众的知情权、参与权和监督权。" + filler(rng, 2),
        "（一）主动公开",
        f"{who}坚持“以公开为常态、不公开为例外”，通过政府门户网站、政务公开栏等渠道，"
        f"全年累计主动公开政府信息{published}条，及时发布工作动态、财政预决算和惠民政策信息。" + filler(rng, 3),
        "（二）依申请公开",
        "严格按照规定程序受理依申请公开事项，" + applied,
        "（三）政府信息管理",
        "严格落实“先审查、后公开”和“三审三校”制度，规范信息发布流程，确保公开信息准确、安全。" + filler(rng, 2),
        "（四）平台建设",
        "持续加强政府网站政务公开专栏建设，及时更新栏目内容，拓宽政府信息公开渠道。" + filler(rng, 2),
        "（五）监督保障",
        "成立政务公开工作领导小组，明确专人负责，主动接受社会监督，未发生因政务公开引发的责任追究情况。"
        + filler(rng, 1),
    ]
