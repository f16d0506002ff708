"""``xxgk demo --synthetic N``: clearly marked synthetic reports for trying the API at scale.

Agencies get consecutive years whose carried-over and in-force figures follow from the year before, so
cross-year checks pass unless a fault was injected on purpose (about 5% of reports carry one).
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import cast

from checks import check_report
from core.settings import Settings
from db.writer import Incoming, Source, store_reports
from loaders.canonical import APPLICANT_COLUMNS, OUTCOME_LEAVES, Report
from loaders.placement import place_report
from synthetic import FAULT_CODES, generate, mark_synthetic, render

YEARS = (2019, 2020, 2021, 2022, 2023, 2024)


def synthetic_reports(n: int, seed: int = 0, fault_rate: float = 0.05) -> Iterator[tuple[int, Report]]:
    """``n`` (agency number, report) pairs: agencies with runs of consecutive years, deterministic for ``seed``."""
    rng = random.Random(seed)
    made, agency = 0, 0
    while made < n:
        base = generate(seed * 1_000_003 + agency)
        span = rng.randint(2, len(YEARS))
        first = rng.randint(0, len(YEARS) - span)
        previous: Report | None = None
        for k, year in enumerate(YEARS[first:first + span]):
            if made >= n:
                return
            faults = [rng.choice(FAULT_CODES)] if rng.random() < fault_rate else []
            report = generate(seed * 1_000_003 + agency * 16 + k + 7_777_777, year=year, agency_name=base.agency_name,
                              region_hint=base.region_hint, inconsistencies=faults)
            report.title = base.title.replace(str(base.year), str(year))
            if previous is not None and not faults:
                _follow(previous, report)
            previous = report
            made += 1
            yield agency, report
        agency += 1


def _follow(previous: Report, report: Report) -> None:
    """Make ``report`` continue ``previous``: carried over = last year's carried forward, in force rolls on.

    Identity 1 (new + carried over = outcome total + carried forward) is kept by moving the difference into
    carried forward, or, where that would go negative, out of the outcome rows; new applications (which the
    narrative states) never change.
    """
    # Generated reports hold an int in every §3 and §2 cell.
    apps = cast(dict[str, dict[str, int]], report.applications)
    carried_before = cast(dict[str, dict[str, int]], previous.applications)["carried_forward"]
    six = APPLICANT_COLUMNS[:-1]
    leaves = OUTCOME_LEAVES[report.template or "2021"]  # generated reports always have a template
    for c in six:
        carried = carried_before[c]
        forward = apps["carried_forward"][c] + carried - apps["carried_over"][c]
        apps["carried_over"][c] = carried
        apps["carried_forward"][c] = max(forward, 0)
        excess = -forward  # outcomes that can no longer have happened in this column
        for leaf in leaves:
            if excess <= 0:
                break
            taken = min(excess, apps[leaf][c])
            apps[leaf][c] -= taken
            apps["outcome_total"][c] -= taken
            excess -= taken
    for row in apps.values():  # identity 2: the total column is the sum of the six
        row["total"] = sum(row[c] for c in six)
    if previous.template == report.template == "2021":
        for cat in ("regulations", "normative_documents"):
            prev = cast(dict[str, int], previous.proactive[cat])
            cur = cast(dict[str, int], report.proactive[cat])
            # Nothing can be repealed that was not in force.
            cur["repealed"] = min(cur["repealed"], prev["in_force"] + cur["issued"])
            cur["in_force"] = prev["in_force"] + cur["issued"] - cur["repealed"]


def incoming(agency: int, report: Report, n: int, seed: int) -> Incoming:
    """One generated report ready to store: placed by its plain name, then marked 【合成】 in title and agency name."""
    placement = place_report(report)
    report = mark_synthetic(report)
    text = render(report, "docx_tsv")
    sha = hashlib.sha256(f"synthetic:{seed}:{n}:{text}".encode()).hexdigest()
    source = Source(f"synthetic://xxgk/{seed}/{n}", "synthetic", sha, synthetic=True, raw_text=text,
                    parser_version="synthetic")
    # Generated names repeat; the agency number keeps two synthetic agencies of one name apart.
    placement = replace(placement, agency_key=f"{seed}.{agency}/{placement.agency_key}")
    return Incoming(report, source, placement, check_report(report))


async def add_synthetic(url: str, n: int, *, seed: int = 0, progress: Callable[[int], None] | None = None,
                        settings: Settings | None = None) -> dict[str, int]:
    """Store ``n`` synthetic reports, ``XXGK_LOAD_BATCH`` to a transaction; returns counts per status."""
    batch_size = (settings or Settings()).load_batch
    counts: dict[str, int] = {}
    batch: list[Incoming] = []

    async def flush() -> None:
        for r in await store_reports(url, batch):
            counts[r.status] = counts.get(r.status, 0) + 1
        if progress:
            progress(len(batch))
        batch.clear()

    for i, (agency, report) in enumerate(synthetic_reports(n, seed)):
        batch.append(incoming(agency, report, i, seed))
        if len(batch) >= batch_size:
            await flush()
    if batch:
        await flush()
    return counts
