"""`xxgk check`: failed checks before warnings, counts of each, `--fail-on` exit codes and `--json`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import sql

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
# Seven years of one agency: 2020 and 2022 break identities, year-to-year jumps make warnings.
PINGTAN = sorted(SAMPLES.glob("pingtan_*_crawled.txt"))


def xxgk(*args: str, url: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "xxgk", *args], capture_output=True, text=True,
                          env={**os.environ, "DATABASE_URL": url}, timeout=300)


@pytest.fixture
def loaded(db_url):
    done = xxgk("load", "--jobs", "1", *map(str, PINGTAN), url=db_url)
    assert done.returncode == 0, done.stderr
    return db_url


def failed_counts(url: str, year: int | None = None) -> dict[str, tuple[int, int]]:
    """severity → (reports, findings), straight from check_result."""
    rows = sql(url, "SELECT c.severity, count(DISTINCT c.report_id) AS r, count(*) AS n FROM check_result c "
                    "JOIN report r ON r.id = c.report_id WHERE c.status = 'failed' AND ($1::int IS NULL OR r.year = $1) "
                    "GROUP BY 1", year)
    return {r["severity"]: (r["r"], r["n"]) for r in rows}


def test_failed_checks_come_first_then_warnings_with_their_counts(loaded):
    counts = failed_counts(loaded)
    assert counts["error"][1] > 0 and counts["warning"][1] > 0  # the samples have both
    done = xxgk("check", url=loaded)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    errors_at = next(i for i, line in enumerate(lines) if line.startswith("failed checks (errors):"))
    warnings_at = next(i for i, line in enumerate(lines) if line.startswith("warnings"))
    assert errors_at < warnings_at
    assert lines[errors_at] == f"failed checks (errors): {counts['error'][1]} in {counts['error'][0]} report(s)"
    error_codes = {line.split()[0] for line in lines[errors_at + 1:warnings_at] if line.startswith("    ")}
    warning_codes = {line.split()[0] for line in lines[warnings_at + 1:-1] if line.startswith("    ")}
    assert error_codes and not any(code.startswith("A_") for code in error_codes)
    assert warning_codes and all(code.startswith("A_") for code in warning_codes)  # anomalies only
    assert lines[-1] == (f"7 report(s) checked: {counts['error'][1]} failed check(s) in {counts['error'][0]} "
                         f"report(s), {counts['warning'][1]} warning(s) in {counts['warning'][0]} report(s)")


def test_fail_on_sets_the_exit_code(loaded):
    assert xxgk("check", url=loaded).returncode == 0  # without --fail-on, a report only
    assert xxgk("check", "--fail-on", "error", url=loaded).returncode == 1
    assert xxgk("check", "--fail-on", "warning", url=loaded).returncode == 1
    # A year with warnings and no failed check: only --fail-on warning fails.
    only_warnings = next(y for y in range(2019, 2026)
                         if "error" not in failed_counts(loaded, y) and "warning" in failed_counts(loaded, y))
    assert xxgk("check", "--year", str(only_warnings), "--fail-on", "error", url=loaded).returncode == 0
    assert xxgk("check", "--year", str(only_warnings), "--fail-on", "warning", url=loaded).returncode == 1
    clean = next(y for y in range(2019, 2026) if not failed_counts(loaded, y))
    assert xxgk("check", "--year", str(clean), "--fail-on", "warning", url=loaded).returncode == 0
    bad = xxgk("check", "--fail-on", "sometimes", url=loaded)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


def test_json_has_the_documented_shape_and_every_finding(loaded):
    done = xxgk("check", "--json", url=loaded)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert set(out) == {"reports_checked", "errors", "warnings"}
    assert out["reports_checked"] == 7
    counts = failed_counts(loaded)
    for key, severity in (("errors", "error"), ("warnings", "warning")):
        section = out[key]
        assert (section["reports"], section["count"]) == counts[severity]
        assert sum(len(r["checks"]) for r in section["listed"]) == section["count"]
        for report in section["listed"]:
            assert set(report) == {"report_id", "agency_name", "year", "source_uri", "checks"}
            assert report["source_uri"].startswith("https://")  # the crawled pages' 原文链接
            for c in report["checks"]:
                assert set(c) == {"code", "severity", "cross_year", "location", "expected", "actual", "message"}
                assert c["severity"] == severity
    # Most findings first.
    sizes = [len(r["checks"]) for r in out["warnings"]["listed"]]
    assert sizes == sorted(sizes, reverse=True)


def test_limit_lists_fewer_reports_but_counts_them_all(loaded):
    out = json.loads(xxgk("check", "--json", "--limit", "1", url=loaded).stdout)
    assert len(out["warnings"]["listed"]) == 1 and out["warnings"]["reports"] == failed_counts(loaded)["warning"][0]
    text = xxgk("check", "--limit", "1", url=loaded).stdout
    assert f"… {out['warnings']['reports'] - 1} more report(s) (--limit)" in text
