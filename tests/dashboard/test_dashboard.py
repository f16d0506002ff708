"""The dashboard in headless Chromium against a real server: what the page shows is what the API returns.

The server runs uvicorn in a thread on a free localhost port, over a database holding the five seed
reports, synthetic agencies and one report with a §3 row sum broken on purpose. Chromium is Debian's
(``/usr/bin/chromium``), driven by Playwright's Python API without Playwright's own browser download.
Screenshots go to ``tests/artifacts/``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import importlib.util
import json
import os
import shutil
import socket
import threading
import time
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

CHROMIUM = Path("/usr/bin/chromium")
_missing = [what for what, ok in (("/usr/bin/chromium (apt-get install chromium)", CHROMIUM.exists()),
                                  ("the playwright package (pip install playwright)",
                                   importlib.util.find_spec("playwright") is not None)) if not ok]
pytestmark = pytest.mark.skipif(bool(_missing), reason=f"browser test needs {' and '.join(_missing)}")

import uvicorn  # noqa: E402

from api.app import create_app  # noqa: E402
from core.settings import Settings  # noqa: E402
from db.writer import Source, store_reports  # noqa: E402
from loaders.canonical import APPLICANT_COLUMNS, Report  # noqa: E402
from services.demo import add_synthetic  # noqa: E402
from services.ingest import load  # noqa: E402
from synthetic import Fault, generate_with_faults  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
ARTIFACTS = ROOT / "tests" / "artifacts"
SYNTHETIC = 150
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
TIMEOUT_MS = 15_000


@dataclasses.dataclass(frozen=True)
class Server:
    url: str
    faulted: Report
    fault: Fault
    faulted_id: int

    def data(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The data of a GraphQL query, the way any client would ask for it."""
        response = httpx.post(f"{self.url}/graphql", json={"query": query, "variables": variables or {}}, timeout=30)
        body = response.json()
        assert response.status_code == 200 and not body.get("errors"), body
        return body["data"]


def _run(coro: Coroutine[Any, Any, Any]) -> Any:
    # A thread of its own, so the loaders' event loop never meets pytest-asyncio's.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def _store_faulted(url: str) -> tuple[Report, Fault, int]:
    report, faults = generate_with_faults(9_090, year=2022, agency_name="看板测试镇", region_hint="宣汉县",
                                          inconsistencies=["S3_ROW_SUM"])
    uri = "synthetic://dashboard-test/faulted"
    sha = hashlib.sha256((uri + json.dumps(report.to_json(), sort_keys=True)).encode()).hexdigest()
    [result] = await store_reports(url, [(report, Source(uri, "synthetic", sha, synthetic=True))])
    assert result.status == "loaded", result
    return report, faults[0], result.report_id


@pytest.fixture(scope="module")
def server(module_db_url: str) -> Iterator[Server]:
    seeds = sorted(FIXTURES.glob("*.txt"))
    assert len(seeds) == 5
    _run(load(module_db_url, seeds, jobs=1))
    _run(add_synthetic(module_db_url, SYNTHETIC, seed=7))
    faulted, fault, faulted_id = _run(_store_faulted(module_db_url))
    settings = dataclasses.replace(Settings.from_env(), database_url=module_db_url, database_read_url=None,
                                   api_key=None)
    port = _free_port()
    uvi = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=uvi.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not uvi.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield Server(f"http://127.0.0.1:{port}", faulted, fault, faulted_id)
    uvi.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser(server: Server) -> Iterator[Any]:
    """Chromium, started after the server: Playwright's sync API keeps an event loop running in this thread,
    where the database fixtures' ``asyncio.run`` would refuse to start."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


def _shot(page: Any, name: str, selector: str | None = None, full_page: bool = True) -> Path:
    """A screenshot in tests/artifacts/: the whole page, or one element of it."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    if selector:
        page.locator(selector).screenshot(path=str(path))
    else:
        page.screenshot(path=str(path), full_page=full_page)
    return path


def _open(page: Any, server: Server, hash: str = "") -> None:
    page.goto(f"{server.url}/{'#' + hash if hash else ''}")
    page.wait_for_selector("body[data-ready='true']")


def _wait_figure(page: Any, card: str, value: Any) -> None:
    """Wait until a headline card shows ``value`` (its raw number in data-value)."""
    expected = "" if value is None else str(value)
    page.wait_for_function(
        "([card, v]) => document.querySelector(`#${card} .value`).dataset.value === v", arg=[card, expected]
    )


def _summary(server: Server, filter: dict[str, Any] | None) -> dict[str, Any]:
    data = server.data(
        """query($filter: ReportFilter) { summary(filter: $filter) { reports inconsistentReports
             applications { rows { key total } } } }""",
        {"filter": filter},
    )
    [group] = data["summary"]
    totals = {r["key"]: r["total"] for r in group["applications"]["rows"]}
    return {"reports": group["reports"], "failed": group["inconsistentReports"], **totals}


def _figures(page: Any) -> dict[str, str]:
    return page.evaluate(
        """() => Object.fromEntries(['reports', 'applications', 'granted', 'failed'].map(
             k => [k, document.querySelector(`#fig-${k} .value`).dataset.value]))"""
    )


def _assert_figures_match(page: Any, api: dict[str, Any]) -> None:
    _wait_figure(page, "fig-reports", api["reports"])
    figures = _figures(page)
    assert figures["reports"] == str(api["reports"])
    assert figures["applications"] == str(api["new_received"])
    assert figures["failed"] == str(api["failed"])
    share = (api["granted"] + api["partially_granted"]) / api["outcome_total"]
    assert abs(float(figures["granted"]) - share) < 1e-4


def _cells(page: Any, prefix: str) -> dict[str, str]:
    return page.evaluate(
        """(prefix) => Object.fromEntries([...document.querySelectorAll(`[data-cell^="${prefix}"]`)]
             .map(td => [td.dataset.cell, td.dataset.value]))""",
        prefix,
    )


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def test_headline_figures_equal_the_api(page, server):
    _open(page, server)
    api = _summary(server, None)
    # What was loaded: five seeds, the synthetic reports and the faulted one.
    assert api["reports"] == 5 + SYNTHETIC + 1
    _assert_figures_match(page, api)
    assert api["failed"] >= 1
    # The query panel shows the operation the page sent.
    assert "query Overview(" in page.text_content("#query-list")
    _shot(page, "dashboard-desktop")
    # The README shows the first screen: filters, headline figures and both charts. Refreshed on request
    # only, so a test run leaves the tree clean.
    first_screen = _shot(page, "dashboard-desktop-first-screen", full_page=False)
    if os.environ.get("XXGK_UPDATE_SCREENSHOTS"):
        shutil.copyfile(first_screen, ROOT / "docs" / "dashboard.png")


def test_filter_changes_update_the_figures_and_charts(page, server):
    _open(page, server)
    everything = _summary(server, None)
    page.select_option("#f-year", "2021")
    year = _summary(server, {"year": 2021})
    assert year["reports"] < everything["reports"]
    _assert_figures_match(page, year)
    assert page.get_attribute("#chart-outcomes", "data-years") == "2021"

    # The faulted report's province, then its city: the options come from the data, the figures follow.
    page.select_option("#f-year", "")
    province = page.evaluate(
        "() => [...document.querySelectorAll('#f-province option')].find(o => o.text.startsWith('四川省')).value")
    page.select_option("#f-province", province)
    _assert_figures_match(page, _summary(server, {"regionCode": province}))
    page.wait_for_selector("#f-city:not([disabled])")
    city = page.evaluate(
        "() => [...document.querySelectorAll('#f-city option')].find(o => o.text === '达州市').value")
    page.select_option("#f-city", city)
    _assert_figures_match(page, _summary(server, {"regionCode": city}))
    page.select_option("#f-kind", "township")
    _assert_figures_match(page, _summary(server, {"regionCode": city, "kind": "township"}))
    _shot(page, "dashboard-filtered")


def _report_id(server: Server, agency: str, year: int) -> int:
    data = server.data('query($s: String!, $y: Int!) { reports(filter: {search: $s, year: $y}) { edges { node { id } } } }',
                       {"s": agency, "y": year})
    [edge] = data["reports"]["edges"]
    return edge["node"]["id"]


def _api_matrix(server: Server, report_id: int) -> dict[str, str]:
    columns = " ".join(_camel(c) for c in APPLICANT_COLUMNS)
    data = server.data(f"query($id: Int!) {{ report(id: $id) {{ applications {{ rows {{ key {columns} }} }} }} }}",
                       {"id": report_id})
    return {
        f"s3:{row['key']}:{column}": "" if row[_camel(column)] is None else str(row[_camel(column)])
        for row in data["report"]["applications"]["rows"]
        for column in APPLICANT_COLUMNS
    }


def test_report_view_shows_the_matrix_the_api_returns(page, server):
    report_id = _report_id(server, "红椿镇", 2021)
    _open(page, server, f"report={report_id}")
    page.wait_for_selector(f"#report[data-report-id='{report_id}']")
    shown = _cells(page, "s3:")
    assert shown == _api_matrix(server, report_id)
    assert len(shown) == 25 * 7  # the 2021 template: 25 rows of 7 columns
    # As printed in the seed's §2: 行政许可 40, 行政处罚 7.
    s2 = _cells(page, "s2:")
    assert s2["s2:licensing:decisions"] == "40" and s2["s2:penalties:decisions"] == "7"

    # A synthetic report: the matrix also equals the report that was generated and stored.
    _open(page, server, f"report={server.faulted_id}")
    page.wait_for_selector(f"#report[data-report-id='{server.faulted_id}']")
    shown = _cells(page, "s3:")
    assert shown == _api_matrix(server, server.faulted_id)
    generated = {f"s3:{row}:{col}": str(v) for row, cols in server.faulted.applications.items() for col, v in cols.items()}
    assert shown == generated


def test_injected_inconsistency_is_highlighted_with_its_message(page, server):
    _, row, column = server.fault.location.split(".")
    data = server.data(
        'query($id: Int!) { report(id: $id) { consistency { ok checks(status: "failed", code: "S3_ROW_SUM") '
        "{ location message } } } }",
        {"id": server.faulted_id},
    )
    consistency = data["report"]["consistency"]
    assert consistency["ok"] is False
    [check] = consistency["checks"]
    assert check["location"] == f"row={row}"

    _open(page, server, f"report={server.faulted_id}")
    page.wait_for_selector(f"#report[data-report-id='{server.faulted_id}']")
    # The row's stated total carries the mark; the changed cell is inside the highlighted row.
    key = page.locator(f"[data-cell='s3:{row}:total']")
    assert {"failed", "key"} <= set(key.get_attribute("class").split())
    assert check["message"] in key.get_attribute("title")
    assert "failed" in page.get_attribute(f"[data-cell='s3:{row}:{column}']", "class").split()
    item = page.locator("#s3-checks li[data-code='S3_ROW_SUM']")
    assert item.count() == 1 and check["message"] in item.inner_text()
    assert page.get_attribute("#report-consistency .chip", "data-ok") == "false"
    _shot(page, "dashboard-report-inconsistent", "#report")


def test_agency_table_sorts_by_quality_and_opens_a_report(page, server):
    _open(page, server)
    scores = "() => [...document.querySelectorAll('#agency-table td.score')].map(td => td.dataset.value)"

    def numbers() -> list[float]:
        return [float(v) for v in page.evaluate(scores) if v]

    ascending = numbers()
    assert ascending == sorted(ascending) and len(ascending) > 10
    assert ascending[0] < 1  # the faulted report's agency, or another synthetic fault, comes first
    page.click("#agency-table th[data-sort='score']")
    descending = numbers()
    assert descending == sorted(descending, reverse=True)
    page.click("#agency-table tr[data-agency] a.year.bad >> nth=0")
    page.wait_for_selector("#report[data-report-id]")
    assert page.locator("#report-consistency .chip[data-ok='false']").count() == 1


def test_api_errors_are_shown_and_loading_is_visible(page, server):
    held: list[Any] = []
    page.route("**/graphql", lambda route: held.append(route))
    page.goto(f"{server.url}/")
    page.wait_for_selector("#status:not([hidden])")
    for route in held:
        route.fulfill(status=500, content_type="application/json",
                      body=json.dumps({"data": None, "errors": [{"message": "database unavailable"}]}))
    page.wait_for_selector("#error:not([hidden])")
    assert "database unavailable" in page.inner_text("#error-message")
    assert page.is_hidden("#status")
    _shot(page, "dashboard-error")

    # Retry once the API answers again.
    page.unroute("**/graphql")
    page.click("#retry")
    page.wait_for_selector("#error", state="hidden")
    _wait_figure(page, "fig-reports", _summary(server, None)["reports"])


def test_phone_width_has_no_horizontal_scroll(browser, server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=1, is_mobile=True,
                                  has_touch=True, locale="zh-CN")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        _open(page, server, f"report={server.faulted_id}")
        page.wait_for_selector(f"#report[data-report-id='{server.faulted_id}']")
        _wait_figure(page, "fig-reports", _summary(server, None)["reports"])
        width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert width[0] <= width[1], f"page is wider than the phone: {width}"
        _shot(page, "dashboard-phone")
    finally:
        context.close()
