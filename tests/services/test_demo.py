"""Synthetic demo data: agencies with consecutive years whose cross-year figures follow on."""

from __future__ import annotations

from checks import check_pair, check_report
from services.demo import incoming, synthetic_reports
from synthetic import SYNTHETIC_MARK, generate, mark_synthetic


def test_demo_reports_are_deterministic():
    first = [(a, r.to_json()) for a, r in synthetic_reports(60, seed=3)]
    assert first == [(a, r.to_json()) for a, r in synthetic_reports(60, seed=3)]
    assert first != [(a, r.to_json()) for a, r in synthetic_reports(60, seed=4)]


def test_unfaulted_consecutive_years_pass_every_check():
    items = list(synthetic_reports(400, seed=1, fault_rate=0.0))
    previous = {}
    pairs = 0
    for agency, report in items:
        results = check_report(report)
        before = previous.get(agency)
        if before is not None:
            assert before.year == report.year - 1
            results += check_pair(before, report)
            pairs += 1
        failed = [(c.code, c.location) for c in results if c.status == "failed" and c.severity == "error"]
        assert failed == [], (report.agency_name, report.year, failed)
        previous[agency] = report
    assert pairs > 200  # most reports have a previous year to be checked against


def test_about_one_report_in_twenty_carries_a_fault():
    items = list(synthetic_reports(1000, seed=2))
    inconsistent = sum(
        any(c.status == "failed" and c.severity == "error" for c in check_report(r)) for _, r in items
    )
    assert 20 <= inconsistent <= 90


def test_a_stored_demo_report_is_marked_in_its_title_agency_and_text():
    agency, report = next(synthetic_reports(1, seed=5))
    item = incoming(agency, report, 0, seed=5)
    assert item.source.synthetic and item.source.format == "synthetic"
    assert item.report.title.startswith(SYNTHETIC_MARK) and item.report.agency_name.startswith(SYNTHETIC_MARK)
    assert SYNTHETIC_MARK in (item.source.raw_text or "")  # the stored document says so too
    # Placed by its plain name (the gazetteer knows no 【合成】 place), kept apart by the demo's agency number.
    assert item.placement is not None and SYNTHETIC_MARK not in item.placement.agency_key
    assert report.title == item.report.title.removeprefix(SYNTHETIC_MARK)  # the generated report is left as it was


def test_marking_twice_marks_once():
    report = generate(3, year=2021)
    once = mark_synthetic(report)
    assert mark_synthetic(once).title == once.title == SYNTHETIC_MARK + report.title
    assert mark_synthetic(once).agency_name == once.agency_name == SYNTHETIC_MARK + (report.agency_name or "")
