"""The synthetic report generator: deterministic, consistent, faults where it says, renders every value."""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal

import pytest

from loaders.canonical import Report
from synthetic import (
    FAULT_CODES,
    LAYOUTS,
    NoiseOptions,
    generate,
    generate_with_faults,
    render,
)

SEEDS = range(150)
APPLICANTS = ("natural_person", "commercial_enterprise", "research_institution", "public_interest_org",
              "legal_service_org", "other_org")  # fmt: skip
RESULTS = ("upheld", "corrected", "other", "pending")


# The identities, written out here by hand rather than borrowed from the consistency checks.
def broken_row_sums(r: Report) -> set[str]:
    return {row for row, c in r.applications.items() if sum(c[a] for a in APPLICANTS) != c["total"]}


def broken_balances(r: Report) -> set[str]:
    a = r.applications
    return {
        col
        for col in (*APPLICANTS, "total")
        if a["new_received"][col] + a["carried_over"][col] != a["outcome_total"][col] + a["carried_forward"][col]
    }


def leaves(r: Report) -> list[str]:
    aggregates = ("new_received", "carried_over", "outcome_total", "carried_forward")
    return [row for row in r.applications if row not in aggregates]


def broken_outcome_sums(r: Report) -> set[str]:
    a = r.applications
    return {col for col in (*APPLICANTS, "total") if sum(a[row][col] for row in leaves(r)) != a["outcome_total"][col]}


def broken_group_sums(r: Report) -> set[str]:
    return {g for g, c in r.reviews.items() if sum(c[x] for x in RESULTS) != c["total"]}


def all_cells(r: Report) -> dict[str, object]:
    return {
        f"{part}.{row}.{col}": v
        for part, table in (("proactive", r.proactive), ("applications", r.applications), ("reviews", r.reviews))
        for row, cols in table.items()
        for col, v in cols.items()
    }


def test_same_seed_same_report_and_text():
    assert generate(42).to_json() == generate(42).to_json()
    assert generate(42).overview == generate(42).overview
    for layout in LAYOUTS:
        assert render(generate(42), layout, rng_seed=3) == render(generate(42), layout, rng_seed=3)
    assert len({generate(s).title for s in range(30)}) > 10


@pytest.mark.parametrize("seed", SEEDS)
def test_generated_reports_are_consistent_and_plausible(seed: int):
    r = generate(seed)
    assert (broken_row_sums(r), broken_balances(r), broken_outcome_sums(r), broken_group_sums(r)) == (
        set(),
        set(),
        set(),
        set(),
    )
    assert 2019 <= r.year <= 2024
    assert r.template == ("2019" if r.year < 2021 else "2021")
    assert f"{r.agency_name}{r.year}年" in r.title
    assert r.region_hint is None or r.region_hint.endswith(("市", "县", "区"))
    for path, value in all_cells(r).items():
        assert value is not None, path
        if isinstance(value, Decimal):
            assert path in ("proactive.fees.amount_10k_yuan", "proactive.procurement.amount")
            assert value >= 0 and -value.as_tuple().exponent <= 2
        elif not path.endswith(".change"):
            assert isinstance(value, int) and value >= 0, path
    received = r.applications["new_received"]["total"]
    assert (f"共收到政府信息公开申请{received}件" in r.overview) == (received > 0)
    assert ("未收到政府信息公开申请" in r.overview) == (received == 0)


def test_magnitudes_are_realistic():
    totals = [generate(s).applications["new_received"]["total"] for s in range(400)]
    assert 0.2 < sum(t == 0 for t in totals) / len(totals) < 0.7
    assert sorted(totals)[len(totals) // 2] <= 30
    assert max(totals) >= 100  # some departments get hundreds
    fees = [generate(s, template="2021").proactive["fees"]["amount_10k_yuan"] for s in range(200)]
    assert any(f != f.to_integral_value() for f in fees)
    changes = [generate(s, template="2019").proactive["licensing"]["change"] for s in range(300)]
    assert min(changes) < 0 < max(changes)


def test_arguments_are_honoured():
    r = generate(5, year=2020, agency_name="横河镇人民政府", region_hint="阳城县")
    assert (r.year, r.template, r.agency_name, r.region_hint) == (2020, "2019", "横河镇人民政府", "阳城县")
    assert "other_no_correction" not in r.applications and "procurement" in r.proactive
    assert generate(5, template="2021").year >= 2021
    assert generate(5, template="2019").year <= 2020
    with pytest.raises(ValueError, match="S3_NOPE"):
        generate(5, inconsistencies=["S3_NOPE"])


@pytest.mark.parametrize("code", FAULT_CODES)
@pytest.mark.parametrize("seed", range(60))
def test_a_fault_breaks_exactly_its_identity_where_it_says(code: str, seed: int):
    clean = generate(seed)
    r, [fault] = generate_with_faults(seed, inconsistencies=[code])
    assert fault.code == code
    changed = {p for p, v in all_cells(r).items() if all_cells(clean)[p] != v}
    assert changed == set(fault.cells)
    part, row, column = fault.cells[0].split(".")
    broken = (broken_row_sums(r), broken_balances(r), broken_outcome_sums(r), broken_group_sums(r))
    if code == "S4_GROUP_SUM":
        assert fault.location == f"reviews.{row}"
        assert broken == (set(), set(), set(), {row})
        return
    assert fault.location == f"applications.{row}.{column}"
    if code == "S3_ROW_SUM":
        # A lone cell also breaks its column's identity (1 or 3): the total column no longer adds up.
        in_balance = row in ("new_received", "carried_over", "carried_forward")
        assert broken == ({row}, {column} if in_balance else set(), set() if in_balance else {column}, set())
    elif code == "S3_COLUMN_BALANCE":
        assert column != "total" and row in ("new_received", "carried_over", "carried_forward")
        assert broken == (set(), {column, "total"}, set(), set())
    else:
        assert column != "total" and row in leaves(r)
        assert broken == (set(), set(), {column, "total"}, set())


@pytest.mark.parametrize("seed", range(40))
def test_several_faults_each_show(seed: int):
    r, faults = generate_with_faults(seed, inconsistencies=[*FAULT_CODES, "S4_GROUP_SUM"])
    assert [f.code for f in faults] == [*FAULT_CODES, "S4_GROUP_SUM"]
    for fault in faults:
        _, row, column = fault.cells[0].split(".")
        if fault.code == "S4_GROUP_SUM":
            assert row in broken_group_sums(r)
        elif fault.code == "S3_ROW_SUM":
            assert row in broken_row_sums(r)
        elif fault.code == "S3_COLUMN_BALANCE":
            assert column in broken_balances(r)
        else:
            assert column in broken_outcome_sums(r)
    assert len({f.location for f in faults if f.code == "S4_GROUP_SUM"}) == 2


# --- rendering ----------------------------------------------------------------------------------------

NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
FULL_WIDTH = str.maketrans("０１２３４５６７８９", "0123456789")


def table_numbers(text: str) -> list[str]:
    """Every cell between the §2 heading and the §5 heading that is only a number, in reading order."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.lstrip("# ").startswith("二、主动公开"))
    end = next(i for i, line in enumerate(lines) if line.lstrip("# ").startswith("五、存在的主要问题"))
    cells = [c.strip().translate(FULL_WIDTH).replace(",", "") for line in lines[start:end] for c in line.split("\t")]
    return [c for c in cells if NUMBER.fullmatch(c)]


def expected_numbers(r: Report) -> list[str]:
    proactive = [str(v) for cols in r.proactive.values() for v in cols.values()]
    applications = [str(v) for cols in r.applications.values() for v in cols.values()]
    reviews = [str(v) for cols in r.reviews.values() for v in cols.values()]
    return proactive + applications + reviews


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("seed", range(40))
def test_clean_render_writes_every_value_in_order(layout: str, seed: int):
    r = generate(seed)
    text = render(r, layout, rng_seed=seed)
    assert table_numbers(text) == expected_numbers(r)
    assert any(re.sub(r"[\s#]", "", line) == r.title for line in text.splitlines())
    received = r.applications["new_received"]["total"]
    assert (f"共收到政府信息公开申请{received}件" in text) or (received == 0 and "未收到政府信息公开申请" in text)
    if r.published_at:
        d = r.published_at
        assert d.isoformat() in text or f"{d.year}年{d.month}月{d.day}日" in text
    if r.region_hint:
        assert r.region_hint in text.split("一、总体情况")[0]


def test_empty_cell_for_none():
    r = generate(3, template="2021")
    r.proactive["licensing"]["decisions"] = None
    r.reviews["review"]["upheld"] = None
    text = render(r, "docx_tsv")
    assert "\n行政许可\t\t\t\n" in text
    review_line = next(
        line
        for line in text.splitlines()
        if line.count("\t") == 14 and all(NUMBER.fullmatch(c) for c in line.split("\t")[1:])
    )
    assert review_line.split("\t")[0] == ""


def test_layouts_imitate_their_seeds():
    r = generate(8, template="2021")
    assert "三、本年\t（一）予以公开\t" in render(r, "docx_tsv")
    assert "\n\n自然人\n\n法人或其他组织\n\n" in render(r, "html_lines")
    assert "\n\t（七）总计\n\t" in render(r, "docx_cells")
    ocr = render(r, "ocr_markdown")
    assert ocr.startswith(f"# {r.title.replace(str(r.year) + '年', f' {r.year} 年')}") or "\n# " in ocr
    assert "\n(七)总\t(七)总计\t" in ocr
    with pytest.raises(ValueError, match="pdf"):
        render(r, "pdf")


@pytest.mark.parametrize("layout", LAYOUTS)
def test_spelling_noise_keeps_every_value(layout: str):
    noise = NoiseOptions(wrap_labels=0.5, full_width_digits=0.5, spaces_in_words=0.5, thousands_separators=1)
    assert not noise.loses_information
    for seed in range(30):
        r = generate(seed)
        text = render(r, layout, noise=noise, rng_seed=seed)
        assert table_numbers(text) == expected_numbers(r)


def test_spelling_noise_shows():
    r = generate(1, template="2021", agency_name="财政局", region_hint="万源市")
    r.proactive["licensing"]["decisions"] = 12345
    text = render(r, "ocr_markdown", noise=NoiseOptions(lookalikes=1, full_width_digits=1, thousands_separators=1))
    assert "１２，３４５" in text or "１２,３４５" in text
    assert "處理" in text and "公開" in text
    spaced = render(r, "docx_cells", noise=NoiseOptions(spaces_in_words=1, wrap_labels=1))
    assert re.search(r"[\u4e00-\u9fff] [\u4e00-\u9fff]", spaced)
    assert "\t一、本年新收政府信息公开申请数量\n" not in spaced  # wrapped or spaced


@pytest.mark.parametrize("layout", LAYOUTS)
def test_dropped_and_doubled_cells(layout: str):
    r = generate(9)
    rows = len(r.applications)
    assert NoiseOptions(drop_cells=0.1).loses_information
    dropped = table_numbers(render(r, layout, noise=NoiseOptions(drop_cells=1)))
    doubled = table_numbers(render(r, layout, noise=NoiseOptions(duplicate_cells=1)))
    assert len(dropped) == len(expected_numbers(r)) - rows
    assert len(doubled) == len(expected_numbers(r)) + rows
    assert Counter(doubled) - Counter(expected_numbers(r)) != Counter()
