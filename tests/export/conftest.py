"""A small database for the export tests: three hand-built reports whose cells are known by construction."""

from __future__ import annotations

import asyncio
import hashlib
from decimal import Decimal

import pytest

from db.writer import Source, store_reports
from loaders.canonical import Report


def built_report(name: str, region: str, year: int) -> Report:
    """Every §3 cell 0, except new_received/granted/outcome_total from natural persons (3); §4 review empty."""
    template = "2021" if year >= 2021 else "2019"
    r = Report.blank(name, year, template, title=f"{region}{name}{year}年政府信息公开工作年度报告", region_hint=region)
    for row in r.applications:
        r.applications[row] = dict.fromkeys(r.applications[row], 0)
    for row in ("new_received", "granted", "outcome_total"):
        r.applications[row] = {**r.applications[row], "natural_person": 3, "total": 3}
    for group in r.reviews:
        r.reviews[group] = dict.fromkeys(r.reviews[group], 0)
    r.reviews["review"] = dict.fromkeys(r.reviews["review"])  # the whole group left empty
    r.provenance["reviews.review.total"] = "missing"
    if template == "2021":
        r.proactive["fees"]["amount_10k_yuan"] = Decimal("12.50")
        r.proactive["licensing"]["decisions"] = 0
    return r


def source(tag: str) -> Source:
    return Source(f"https://example.gov.cn/{tag}.html", "html", hashlib.sha256(tag.encode()).hexdigest(),
                  raw_text=tag, parser_version="test-1")


# (agency, region hint, year) → source tag. 万源市 is 511781 (达州市 511700, 四川省 510000); 阳城县 140522
# (晋城市 140500, 山西省 140000); 云阳县 500235 sits directly under 重庆市 500000, with no city level.
REPORTS = {
    ("官渡镇", "万源市", 2021): "guandu-2021",
    ("官渡镇", "万源市", 2020): "guandu-2020",
    ("横河镇", "阳城县", 2021): "henghe-2021",
    ("财政局", "云阳县", 2022): "yunyang-2022",
}


@pytest.fixture(scope="module")
def loaded_url(module_db_url: str) -> str:
    """The module database with :data:`REPORTS` stored."""
    items = [(built_report(*key), source(tag)) for key, tag in REPORTS.items()]
    results = asyncio.run(store_reports(module_db_url, items))
    assert [r.status for r in results] == ["loaded"] * len(items)
    return module_db_url
