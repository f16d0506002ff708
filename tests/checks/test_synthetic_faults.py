"""The checks against synthetic reports: consistent ones pass, each injected fault is found where it was put.

The generator names a fault by the dotted path of the cell it changed (``applications.granted.natural_person``)
or of the §4 group (``reviews.review``); the checks name the identity's location (``row=granted`` for a row
sum, ``column=natural_person`` for a column identity, ``group=review``). ``expected_location`` maps one to
the other.
"""

from __future__ import annotations

import pytest

from checks import check_report
from synthetic import FAULT_CODES, Fault, generate, generate_with_faults

SEEDS = range(150)


def expected_location(fault: Fault) -> str:
    if fault.code == "S4_GROUP_SUM":
        _, group = fault.location.split(".")
        return f"group={group}"
    _, row, column = fault.location.split(".")
    return f"row={row}" if fault.code == "S3_ROW_SUM" else f"column={column}"


@pytest.mark.parametrize("template", ["2019", "2021"])
def test_consistent_synthetic_reports_pass_every_check(template: str) -> None:
    for seed in SEEDS:
        report = generate(seed, template=template)
        odd = [(r.code, r.status, r.location) for r in check_report(report) if r.status != "passed"]
        assert odd == [], f"seed {seed}"


@pytest.mark.parametrize("code", FAULT_CODES)
def test_each_injected_fault_is_found_where_it_was_put(code: str) -> None:
    # A fault in one cell may break a second identity too (the generator documents which): the §3 column
    # identities of the changed column, and the narrative when new_received.total moves. Nothing else.
    allowed = {code} if code == "S4_GROUP_SUM" else {code, "S3_COLUMN_BALANCE", "S3_OUTCOME_SUM"}
    for seed in SEEDS:
        report, [fault] = generate_with_faults(seed, inconsistencies=[code])
        failed = [r for r in check_report(report) if r.status == "failed"]
        found = {(r.code, r.location) for r in failed}
        assert (code, expected_location(fault)) in found, f"seed {seed}: {fault} not in {found}"
        if fault.location.startswith("applications.new_received."):
            allowed_here = allowed | {"N_APPLICATIONS_RECEIVED"}
        else:
            allowed_here = allowed
        assert {r.code for r in failed} <= allowed_here, f"seed {seed}: {fault}, {found}"
        assert all(r.severity == "error" for r in failed)


def test_a_column_fault_also_shows_in_the_total_column() -> None:
    # The generator moves the row's total with the cell, so the total column's identity breaks as well.
    for seed in range(30):
        report, [fault] = generate_with_faults(seed, inconsistencies=["S3_OUTCOME_SUM"])
        failed = {r.location for r in check_report(report) if r.code == "S3_OUTCOME_SUM" and r.status == "failed"}
        assert failed == {expected_location(fault), "column=total"}, f"seed {seed}: {fault}"
