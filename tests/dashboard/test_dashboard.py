"""The dashboard in headless Chromium against a real server: what the page shows is what the API returns.

The server runs uvicorn in a thread on a free localhost port, over a database holding the five seed
reports (one of them stored again as if published at a URL), synthetic agencies and one
report with a §3 row sum broken on purpose. Chromium is Debian's (``/usr/bin/chromium``), driven by
Playwright's Python API without Playwright's own browser download. Each question the dashboard answers
is asked at a desktop and at a phone size. Screenshots go to ``tests/artifacts/``; with
``XXGK_UPDATE_SCREENSHOTS=1`` the README's two screenshots in ``docs/`` are refreshed.
"""

from __future__ import annotations

import asyncio
import csv
import dataclasses
import hashlib
import importlib.util
import io
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
from loaders.parse import parse_text  # noqa: E402
from services.demo import add_synthetic  # noqa: E402
from services.ingest import load  # noqa: E402
from synthetic import SYNTHETIC_MARK, Fault, generate_with_faults, mark_synthetic  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
FIXTURES = ROOT / "tests" / "fixtures"
ARTIFACTS = ROOT / "tests" / "artifacts"
SYNTHETIC = 150
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
TIMEOUT_MS = 15_000
DESKTOP = {"viewport": {"width": 1366, "height": 900}}
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 1, "is_mobile": True, "has_touch": True}
SIZES = {"desktop": DESKTOP, "phone": PHONE}
LOCATED = FIXTURES / "003_f873e43823df0c69.txt"  # 红椿镇 2021, stored again as published at ORIGINAL
ORIGINAL = "https://www.example.gov.cn/xxgk/hongchun-2021.html"


@dataclasses.dataclass(frozen=True)
class Server:
    url: str
    faulted: Report
    fault: Fault
    faulted_id: int
    located_id: int
    locations: dict[str, list[int]]
    located_lines: list[str]

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
    report = mark_synthetic(report)
    [result] = await store_reports(url, [(report, Source(uri, "synthetic", sha, synthetic=True))])
    assert result.status == "loaded", result
    return report, faults[0], result.report_id


async def _store_located(url: str) -> tuple[int, dict[str, list[int]], list[str]]:
    """The 红椿镇 seed with Windows line ends (so new bytes, replacing its first reading), as published at a URL.

    The parser records where it read each value; one value is marked inferred, to show that provenance too.
    """
    text = LOCATED.read_text(encoding="utf-8").replace("\n", "\r\n")
    report = parse_text(text)
    assert "proactive.licensing.decisions" in report.locations
    report.provenance = {**report.provenance, "reviews.review.upheld": "inferred"}
    report.locations.pop("reviews.review.upheld", None)
    source = Source(ORIGINAL, "html", hashlib.sha256(text.encode()).hexdigest(), False, text, "dashboard-test")
    [result] = await store_reports(url, [(report, source)])
    assert result.status in ("loaded", "replaced"), result
    return result.report_id, {path: list(where) for path, where in report.locations.items()}, text.split("\n")


@pytest.fixture(scope="module")
def server(module_db_url: str) -> Iterator[Server]:
    seeds = sorted(FIXTURES.glob("*.txt"))
    assert len(seeds) == 5
    _run(load(module_db_url, seeds, jobs=1))
    _run(add_synthetic(module_db_url, SYNTHETIC, seed=7))
    faulted, fault, faulted_id = _run(_store_faulted(module_db_url))
    located_id, locations, located_lines = _run(_store_located(module_db_url))
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
    yield Server(f"http://127.0.0.1:{port}", faulted, fault, faulted_id, located_id, locations, located_lines)
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


def _context(browser: Any, size: dict[str, Any]) -> Any:
    context = browser.new_context(locale="zh-CN", accept_downloads=True, **size)
    context.set_default_timeout(TIMEOUT_MS)
    return context


@pytest.fixture(params=["desktop", "phone"])
def any_page(request: Any, browser: Any) -> Iterator[Any]:
    """A page at a desktop size, then at a phone size; JavaScript errors and console errors fail the test."""
    yield from _page(browser, SIZES[request.param], request.param)


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A page at a desktop size."""
    yield from _page(browser, DESKTOP, "desktop")


def _page(browser: Any, size: dict[str, Any], name: str) -> Iterator[Any]:
    context = _context(browser, size)
    page = context.new_page()
    page.size_name = name
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
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


def _open(page: Any, server: Server, hash: str = "", synthetic: bool = True) -> None:
    """The dashboard at a state; with the synthetic test data (most of this database) unless told otherwise."""
    hash = "&".join(part for part in ("synthetic=1" if synthetic else "", hash) if part)
    page.goto(f"{server.url}/{'#' + hash if hash else ''}")
    page.wait_for_selector("body[data-ready='true']")


def _wait_figure(page: Any, card: str, value: Any) -> None:
    """Wait until a headline card shows ``value`` (its raw number in data-value)."""
    expected = "" if value is None else str(value)
    page.wait_for_function(
        "([card, v]) => document.querySelector(`#${card} .value`).dataset.value === v", arg=[card, expected]
    )


def _all(filter: dict[str, Any] | None) -> dict[str, Any]:
    """The filter over real and synthetic reports, as the page shows them with its synthetic box ticked."""
    return {"includeSynthetic": True, **(filter or {})}


def _summary(server: Server, filter: dict[str, Any] | None, synthetic: bool = True) -> dict[str, Any]:
    data = server.data(
        """query($filter: ReportFilter) { summary(filter: $filter) { reports inconsistentReports
             applications { rows { key total } } } }""",
        {"filter": _all(filter) if synthetic else filter},
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
    _ready(page)
    figures = _figures(page)
    assert figures["reports"] == str(api["reports"])
    assert figures["applications"] == str(api["new_received"])
    assert figures["failed"] == str(api["failed"])
    if not api["outcome_total"]:
        assert figures["granted"] == ""  # nothing processed: no share
        return
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



def _hash(page: Any) -> dict[str, str]:
    return page.evaluate("() => Object.fromEntries(new URLSearchParams(location.hash.slice(1)))")


def _ready(page: Any) -> None:
    page.wait_for_selector("body[data-ready='true']")


def _click_item(page: Any, chart: str, index: int, series: int = 0) -> None:
    """A real mouse click in the middle of one bar (or on one point) of an ECharts chart."""
    page.locator(f"#chart-{chart}").scroll_into_view_if_needed()
    x, y = page.evaluate(
        """([id, series, index]) => {
             const el = document.getElementById(id);
             const chart = echarts.getInstanceByDom(el);
             const layout = chart.getModel().getSeriesByIndex(series).getData().getItemLayout(index);
             const box = el.getBoundingClientRect();
             const [x, y] = Array.isArray(layout) ? layout : [layout.x + layout.width / 2, layout.y + layout.height / 2];
             return [box.left + x, box.top + y];
           }""",
        [f"chart-{chart}", series, index],
    )
    page.mouse.click(x, y)


def _ranking(server: Server, by: str, filter: dict[str, Any] | None = None, ascending: bool = False) -> list[dict]:
    data = server.data(
        """query($f: ReportFilter, $by: AgencyMeasure!, $asc: Boolean!) {
             agencyRanking(filter: $f, by: $by, ascending: $asc, first: 25) {
               totalCount edges { node { rank applications grantRate checksFailed passRate agency { id name } } } } }""",
        {"f": _all(filter), "by": by, "asc": ascending},
    )
    return [e["node"] for e in data["agencyRanking"]["edges"]]


def _table(page: Any) -> list[dict[str, str]]:
    return page.evaluate(
        """() => [...document.querySelectorAll('#agency-table tbody tr[data-agency]')].map(tr => ({
             id: tr.dataset.agency,
             ...Object.fromEntries([...tr.querySelectorAll('td[data-field]')].map(td => [td.dataset.field, td.dataset.value ?? td.textContent]))
           }))"""
    )


# ---- The figures, and what filters do to them ------------------------------------------------------


def test_headline_figures_equal_the_api(page, server):
    _open(page, server)
    api = _summary(server, None)
    # What was loaded: five seeds (红椿镇's stored again over its first reading), the synthetic reports and the faulted one.
    assert api["reports"] == 5 + SYNTHETIC + 1
    _assert_figures_match(page, api)
    assert api["failed"] >= 1
    # One number format everywhere: cards, chart labels and the agency table group thousands with commas.
    applications = page.inner_text("#fig-applications .value")
    assert applications == f"{api['new_received']:,}"
    label = page.evaluate("""() => echarts.getInstanceByDom(document.getElementById('chart-regions'))
                               .getOption().series[0].label.formatter({value: 127867})""")
    assert label == "127,867"
    # Each chart has an accessible name and a description of its data (ECharts' aria option).
    for chart in ("outcomes", "rates", "regions", "kinds"):
        assert page.get_attribute(f"#chart-{chart}", "role") == "img"
    described = {chart: page.get_attribute(f"#chart-{chart}", "aria-label") for chart in ("outcomes", "regions")}
    top = server.data('{ summary(groupBy: [PROVINCE], filter: {includeSynthetic: true}) { province { name } '
                      'applications { row(key: "new_received") '
                      '{ total } } } }')["summary"]
    first = max(top, key=lambda g: g["applications"]["row"]["total"] or 0)
    name = first["province"]["name"] if first["province"] else "未定位 unplaced"
    assert f"{name} {first['applications']['row']['total']:,}" in described["regions"]
    assert "2019 年办结" in described["outcomes"] and "NaN" not in described["outcomes"]
    # The query panel shows the operation the page sent.
    page.click("#query-panel > summary")
    page.wait_for_selector("#query-Overview")
    assert "query Overview(" in page.text_content("#query-list")
    _shot(page, "dashboard-desktop")
    # The README shows the first screen: filters, headline figures and charts. Refreshed on request only, so
    # a test run leaves the tree clean.
    page.evaluate("() => window.scrollTo(0, 0)")
    first_screen = _shot(page, "dashboard-desktop-first-screen", full_page=False)
    if os.environ.get("XXGK_UPDATE_SCREENSHOTS"):
        shutil.copyfile(first_screen, ROOT / "docs" / "dashboard.png")


def test_filters_update_the_figures_and_the_facet_counts_follow(page, server):
    _open(page, server)
    everything = _summary(server, None)
    page.select_option("#f-year", "2021")
    year = _summary(server, {"year": 2021})
    assert year["reports"] < everything["reports"]
    _assert_figures_match(page, year)
    assert page.get_attribute("#chart-outcomes", "data-years") == "2021"
    # The province options count the reports of 2021 only.
    counts = server.data('{ summary(filter: {year: 2021, includeSynthetic: true}, groupBy: [PROVINCE]) '
                         '{ province { code } reports } }')
    expected = {g["province"]["code"]: g["reports"] for g in counts["summary"] if g["province"]}
    shown = page.evaluate("""() => Object.fromEntries([...document.querySelectorAll('#f-province option')]
                               .filter(o => o.value).map(o => [o.value, o.text.match(/\\(([\\d,]+)\\)$/)[1]]))""")
    assert {code: int(n.replace(",", "")) for code, n in shown.items() if n != "0"} == expected

    # The faulted report's province, then its city: the options come from the data, the figures follow.
    page.select_option("#f-year", "")
    province = page.evaluate(
        "() => [...document.querySelectorAll('#f-province option')].find(o => o.text.startsWith('四川省')).value")
    page.select_option("#f-province", province)
    _assert_figures_match(page, _summary(server, {"regionCode": province}))
    page.wait_for_selector("#f-city:not([disabled])")
    city = page.evaluate(
        "() => [...document.querySelectorAll('#f-city option')].find(o => o.text.startsWith('达州市')).value")
    page.select_option("#f-city", city)
    _assert_figures_match(page, _summary(server, {"regionCode": city}))
    page.select_option("#f-kind", "township")
    _assert_figures_match(page, _summary(server, {"regionCode": city, "kind": "township"}))
    # Each filter is a chip that removes it.
    assert page.locator("#chips button").count() == 4  # and the synthetic data's
    page.click("#chips button[data-clear='kind']")
    _assert_figures_match(page, _summary(server, {"regionCode": city}))
    _shot(page, "dashboard-filtered")


def test_synthetic_data_stays_out_until_the_box_is_ticked_and_is_marked_then(page, server):
    _open(page, server, synthetic=False)
    real = _summary(server, None, synthetic=False)
    assert real["reports"] == 5  # the seeds; the demo's reports and the faulted one are synthetic
    _assert_figures_match(page, real)
    assert page.is_hidden("#headline-synthetic") and not page.is_checked("#f-synthetic")
    years = page.evaluate("() => [...document.querySelectorAll('#f-year option')].map(o => o.value).filter(Boolean)")
    assert "2019" not in years  # only synthetic reports are of 2019
    page.wait_for_function("() => document.querySelectorAll('#agency-table tbody tr[data-agency]').length > 0")
    assert page.locator("#agency-table .badge.synthetic").count() == 0
    assert "include_synthetic" not in page.get_attribute("a[data-export='reports.csv']", "href")

    page.check("#f-synthetic")
    page.wait_for_function("() => location.hash.includes('synthetic=1')")
    everything = _summary(server, None)
    _assert_figures_match(page, everything)
    assert everything["reports"] == 5 + SYNTHETIC + 1
    assert page.is_visible("#headline-synthetic") and "合成" in page.inner_text("#headline-synthetic")
    page.wait_for_function("() => [...document.querySelectorAll('#f-year option')].some(o => o.value === '2019')")
    assert page.locator("#agency-table .badge.synthetic").count() > 0
    assert page.get_attribute("a[data-export='reports.csv']", "href") == "/export/reports.csv?include_synthetic=true"
    assert page.locator("#chips button[data-clear='synthetic']").count() == 1

    # A synthetic report says so under its title, which carries the mark; a real one does not.
    _open_report(page, server, server.faulted_id)
    assert page.is_visible("#report-synthetic")
    assert page.inner_text("#report-title").startswith(SYNTHETIC_MARK)
    _open_report(page, server, server.located_id)
    assert page.is_hidden("#report-synthetic")

    # Unticked again: the real figures only.
    _open(page, server)
    page.uncheck("#f-synthetic")
    page.wait_for_function("() => !location.hash.includes('synthetic=1')")
    _assert_figures_match(page, real)
    assert page.is_hidden("#headline-synthetic")


def test_no_reports_match_says_so(any_page, server):
    _open(any_page, server, "q=没有这个机关")
    _wait_figure(any_page, "fig-reports", 0)
    for chart in ("outcomes", "rates", "regions", "kinds"):
        assert any_page.is_visible(f"#panel-{chart} .empty"), chart
        assert any_page.is_hidden(f"#chart-{chart}"), chart
    assert "No agency matches" in any_page.inner_text("#agency-table tbody")


# ---- Which agencies get the most applications? ---------------------------------------------------------


def test_agencies_rank_by_applications_over_all_agencies(any_page, server):
    page = any_page
    _open(page, server)
    # Applications is the default measure: the table is the server's ranking, over all agencies.
    expected = _ranking(server, "APPLICATIONS")
    page.wait_for_function("() => document.querySelectorAll('#agency-table tbody tr[data-agency]').length > 0")
    shown = _table(page)
    assert [row["id"] for row in shown] == [str(n["agency"]["id"]) for n in expected]
    assert int(shown[0]["applications"]) == max(n["applications"] or 0 for n in expected)
    assert page.get_attribute("#agency-table th[data-measure='applications']", "aria-sort") == "descending"
    # Grant rate: a heading is a button; pressing it asks the server again.
    page.click("#agency-table th[data-measure='grant_rate'] button")
    page.wait_for_function("() => location.hash.includes('by=grant_rate')")
    _ready(page)
    assert [row["id"] for row in _table(page)] == [str(n["agency"]["id"]) for n in _ranking(server, "GRANT_RATE")]
    # Data quality reads worst first; pressed again, best first.
    page.click("#agency-table th[data-measure='pass_rate'] button")
    page.wait_for_function("() => location.hash.includes('by=pass_rate')")
    _ready(page)
    worst = _ranking(server, "PASS_RATE", ascending=True)
    assert [row["id"] for row in _table(page)] == [str(n["agency"]["id"]) for n in worst]
    assert float(_table(page)[0]["pass_rate"]) < 1
    # The filters narrow the ranking too.
    page.select_option("#f-year", "2021") if page.is_visible("#f-year") else _open(page, server, "year=2021&by=pass_rate")
    _ready(page)
    page.wait_for_function("() => location.hash.includes('year=2021')")
    _ready(page)
    assert [row["id"] for row in _table(page)] == [
        str(n["agency"]["id"]) for n in _ranking(server, "PASS_RATE", {"year": 2021}, ascending=True)]
    _shot(page, f"dashboard-ranking-{page.size_name}")


def test_sort_headers_work_from_the_keyboard(page, server):
    _open(page, server)
    page.focus("#agency-table th[data-measure='checks_failed'] button")
    page.keyboard.press("Enter")
    page.wait_for_function("() => location.hash.includes('by=checks_failed')")
    _ready(page)
    assert [row["id"] for row in _table(page)] == [str(n["agency"]["id"]) for n in _ranking(server, "CHECKS_FAILED")]
    assert page.get_attribute("#agency-table th[data-measure='checks_failed']", "aria-sort") == "descending"


# ---- Search ---------------------------------------------------------------------------------------------


def test_search_finds_an_agency_and_a_region(any_page, server):
    page = any_page
    _open(page, server)
    page.fill("#search-input", "红椿")
    page.wait_for_selector("#search-results button[data-agency]")
    agency = page.get_attribute("#search-results button[data-agency]", "data-agency")
    assert "红椿镇" in page.inner_text("#search-results")
    page.click("#search-results button[data-agency]")
    page.wait_for_function("(id) => location.hash.includes('agency=' + id)", arg=agency)
    _assert_figures_match(page, _summary(server, {"agencyId": int(agency)}))
    assert [row["id"] for row in _table(page)] == [agency]

    # A region: its chain of province, city and county is set, and the page narrows to it.
    page.click("#chips button[data-clear='agency']")
    page.fill("#search-input", "达州")
    page.wait_for_selector("#search-results button[data-region]")
    code = page.get_attribute("#search-results button[data-region]", "data-region")
    page.click("#search-results button[data-region]")
    page.wait_for_function("(code) => location.hash.includes('city=' + code)", arg=code)
    assert _hash(page)["province"] == "510000"
    _assert_figures_match(page, _summary(server, {"regionCode": code}))

    # Enter searches agency names across the whole page.
    page.fill("#search-input", "镇")
    page.press("#search-input", "Enter")
    page.wait_for_function("() => new URLSearchParams(location.hash.slice(1)).get('q') === '镇'")
    _assert_figures_match(page, _summary(server, {"regionCode": code, "search": "镇"}))


# ---- Click to filter ----------------------------------------------------------------------------------------


def test_a_bar_a_legend_item_and_a_card_narrow_the_page(any_page, server):
    page = any_page
    _open(page, server)
    _wait_figure(page, "fig-reports", _summary(server, None)["reports"])
    # A region bar: the top province.
    codes = page.get_attribute("#chart-regions", "data-codes").split(",")
    _click_item(page, "regions", len(codes) - 1)  # bars are drawn bottom-up: the last is the top one
    page.wait_for_function("(code) => location.hash.includes('province=' + code)", arg=codes[0])
    _assert_figures_match(page, _summary(server, {"regionCode": codes[0]}))
    # A year bar of the outcomes chart.
    years = page.get_attribute("#chart-outcomes", "data-years").split(",")
    _click_item(page, "outcomes", 0)
    page.wait_for_function("(year) => location.hash.includes('year=' + year)", arg=years[0])
    _assert_figures_match(page, _summary(server, {"regionCode": codes[0], "year": int(years[0])}))
    # A legend item of agency kinds.
    page.click("#legend-kinds button[data-kind='township']")
    page.wait_for_function("() => location.hash.includes('kind=township')")
    _assert_figures_match(page, _summary(server, {"regionCode": codes[0], "year": int(years[0]), "kind": "township"}))
    assert page.get_attribute("#legend-kinds button[data-kind='township']", "aria-pressed") == "true"
    # The URL keeps it all: a new page opens on the same selection.
    url = page.url
    page.goto("about:blank")
    page.goto(url)
    _ready(page)
    _assert_figures_match(page, _summary(server, {"regionCode": codes[0], "year": int(years[0]), "kind": "township"}))


def test_failed_card_shows_the_failing_reports_grouped_by_check(any_page, server):
    page = any_page
    _open(page, server)
    _wait_figure(page, "fig-reports", _summary(server, None)["reports"])
    page.click("#fig-failed")
    page.wait_for_function("() => location.hash.includes('failed=1')")
    page.wait_for_selector("#failures:not([hidden]) #failure-codes button")
    failing = {"hasInconsistency": True}
    api = _summary(server, failing)
    assert api["reports"] == _summary(server, None)["failed"]
    _assert_figures_match(page, api)
    assert page.get_attribute("#fig-failed", "aria-pressed") == "true"
    assert page.evaluate("() => document.activeElement.id") == "failures-title"
    checks = server.data("query($f: ReportFilter) { failedChecks(filter: $f) { code reports } }", {"f": _all(failing)})
    shown = page.evaluate("""() => [...document.querySelectorAll('#failure-codes button')]
                               .map(b => [b.dataset.check, b.querySelector('.n').textContent])""")
    assert shown == [[c["code"], f"{c['reports']:,}"] for c in checks["failedChecks"]]
    # One check: only the reports that failed it, in the list and in every figure.
    page.click("#failure-codes button[data-check='S3_ROW_SUM']")
    page.wait_for_function("() => location.hash.includes('check=S3_ROW_SUM')")
    one = {"hasInconsistency": True, "failedCheck": "S3_ROW_SUM"}
    _assert_figures_match(page, _summary(server, one))
    reports = server.data("query($f: ReportFilter) { reports(filter: $f, first: 100) { edges { node { id } } } }",
                          {"f": _all(one)})["reports"]["edges"]
    page.wait_for_function("(n) => document.querySelectorAll('#failure-reports a[data-report]').length === n",
                           arg=min(len(reports), 20))
    listed = page.evaluate("() => [...document.querySelectorAll('#failure-reports a[data-report]')].map(a => a.dataset.report)")
    assert set(listed) <= {str(e["node"]["id"]) for e in reports} and str(server.faulted_id) in listed
    _shot(page, f"dashboard-failed-{page.size_name}")


# ---- Comparisons ---------------------------------------------------------------------------------------------


def test_two_agencies_or_two_regions_side_by_side(page, server):
    # Two agencies with reports over several years, picked by name.
    top = [n["agency"] for n in _ranking(server, "REPORTS")[:2]]
    _open(page, server)
    for side, agency in zip(("a", "b"), top, strict=True):
        page.fill(f"#pick-{side}", agency["name"])
        page.click(f"#pick-{side}-results button[data-agency='{agency['id']}']")
        page.wait_for_function("(side) => new URLSearchParams(location.hash.slice(1)).get(side)", arg=side)
    page.wait_for_selector("#panel-compare:not([hidden])")
    _ready(page)
    assert top[0]["name"] in page.inner_text("#picked-a") and top[1]["name"] in page.inner_text("#picked-b")
    ids = {side: int(_hash(page)[side][1:]) for side in ("a", "b")}
    assert ids == {"a": top[0]["id"], "b": top[1]["id"]}
    with page.expect_download() as info:
        page.click("#panel-compare [data-csv='compare']")
    rows = list(csv.DictReader(io.StringIO(Path(info.value.path()).read_text(encoding="utf-8-sig"))))
    for side in ("a", "b"):
        data = server.data('query($f: ReportFilter) { summary(filter: $f, groupBy: [YEAR]) { year reports '
                           'applications { row(key: "new_received") { total } } } }', {"f": _all({"agencyId": ids[side]})})
        expected = {g["year"]: g["applications"]["row"]["total"] / g["reports"] for g in data["summary"]}
        shown = {int(r["year"]): float(r[f"{side}_per_report"]) for r in rows if r[f"{side}_per_report"]}
        assert shown == pytest.approx(expected)

    # Two regions, from the URL.
    _open(page, server, "a=r510000&b=r500000")
    page.wait_for_selector("#panel-compare:not([hidden])")
    assert "四川省" in page.inner_text("#picked-a") and "重庆市" in page.inner_text("#picked-b")
    with page.expect_download() as info:
        page.click("#panel-compare [data-csv='compare']")
    rows = list(csv.reader(io.StringIO(Path(info.value.path()).read_text(encoding="utf-8-sig"))))
    by_year = {}
    for code in ("510000", "500000"):
        data = server.data('query($f: ReportFilter) { summary(filter: $f, groupBy: [YEAR]) { year reports } }',
                           {"f": _all({"regionCode": code})})
        by_year[code] = {g["year"]: g["reports"] for g in data["summary"]}
    assert rows[0][:3] == ["year", "a", "a_reports"]
    for row in rows[1:]:
        year = int(row[0])
        assert int(row[2]) == by_year["510000"].get(year, 0) and int(row[6]) == by_year["500000"].get(year, 0)


def test_outcomes_per_report_beside_totals(page, server):
    _open(page, server, "per=1")
    page.wait_for_function("() => document.querySelector('[data-per=\"1\"]').getAttribute('aria-pressed') === 'true'")
    with page.expect_download() as info:
        page.click("[data-csv='outcomes']")
    rows = list(csv.reader(io.StringIO(Path(info.value.path()).read_text(encoding="utf-8-sig"))))
    assert rows[0][:3] == ["year", "reports", "granted_per_report"]
    data = server.data('{ summary(groupBy: [YEAR], filter: {includeSynthetic: true}) { year reports '
                       'applications { row(key: "granted") { total } } } }')
    for row, group in zip(rows[1:], data["summary"], strict=True):
        assert int(row[0]) == group["year"] and int(row[1]) == group["reports"]
        assert float(row[2]) == pytest.approx(group["applications"]["row"]["total"] / group["reports"], abs=0.05)


# ---- Downloads ---------------------------------------------------------------------------------------------------


def test_every_chart_downloads_as_csv_and_png_and_the_export_link_follows_the_filter(page, server):
    _open(page, server, "year=2021")
    _wait_figure(page, "fig-reports", _summary(server, {"year": 2021})["reports"])
    for chart in ("outcomes", "rates", "regions", "kinds"):
        with page.expect_download() as info:
            page.click(f"[data-csv='{chart}']")
        assert info.value.suggested_filename == f"xxgk-{chart}-2021-synthetic.csv"
        text = Path(info.value.path()).read_text(encoding="utf-8-sig")
        assert len(list(csv.reader(io.StringIO(text)))) >= 2, chart
        with page.expect_download() as info:
            page.click(f"[data-png='{chart}']")
        png = Path(info.value.path()).read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 2000, chart
    # The region chart's CSV holds what the API sums per province.
    with page.expect_download() as info:
        page.click("[data-csv='regions']")
    rows = list(csv.DictReader(io.StringIO(Path(info.value.path()).read_text(encoding="utf-8-sig"))))
    data = server.data('{ summary(filter: {year: 2021, includeSynthetic: true}, groupBy: [PROVINCE]) { province { code } '
                       'applications { row(key: "new_received") { total } } } }')
    expected = {(g["province"] or {}).get("code", ""): g["applications"]["row"]["total"] for g in data["summary"]}
    assert {r["region_code"]: int(r["applications"]) for r in rows} == expected
    # The /export/ slice of the same year.
    href = page.get_attribute("a[data-export='application_outcomes.csv']", "href")
    assert href == "/export/application_outcomes.csv?year=2021&include_synthetic=true"
    body = httpx.get(f"{server.url}{href}", timeout=30).text
    exported = list(csv.DictReader(io.StringIO(body)))
    reports = server.data("{ reports(filter: {year: 2021, includeSynthetic: true}, first: 100) "
                          "{ edges { node { id } } } }")["reports"]["edges"]
    assert {int(r["report_id"]) for r in exported} == {e["node"]["id"] for e in reports}


# ---- A report, and where each number came from ----------------------------------------------------------------


def _report_id(server: Server, agency: str, year: int) -> int:
    data = server.data('query($s: String!, $y: Int!) { reports(filter: {search: $s, year: $y, includeSynthetic: true}) '
                       '{ edges { node { id } } } }',
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


def _open_report(page: Any, server: Server, report_id: int) -> None:
    _open(page, server, f"report={report_id}")
    page.wait_for_selector(f"#report[data-report-id='{report_id}']")


def test_report_view_shows_the_matrix_the_api_returns(any_page, server):
    page = any_page
    report_id = _report_id(server, "红椿镇", 2021)
    _open_report(page, server, report_id)
    shown = _cells(page, "s3:")
    assert shown == _api_matrix(server, report_id)
    assert len(shown) == 25 * 7  # the 2021 template: 25 rows of 7 columns
    # As printed in the seed's §2: 行政许可 40, 行政处罚 7.
    s2 = _cells(page, "s2:")
    assert s2["s2:licensing:decisions"] == "40" and s2["s2:penalties:decisions"] == "7"

    # A synthetic report: the matrix also equals the report that was generated and stored.
    _open_report(page, server, server.faulted_id)
    shown = _cells(page, "s3:")
    assert shown == _api_matrix(server, server.faulted_id)
    generated = {f"s3:{row}:{col}": str(v) for row, cols in server.faulted.applications.items() for col, v in cols.items()}
    assert shown == generated


def test_injected_inconsistency_is_highlighted_with_its_message(any_page, server):
    page = any_page
    _, row, column = server.fault.location.split(".")
    data = server.data(
        'query($id: Int!) { report(id: $id) { consistency { ok checks(status: failed, code: "S3_ROW_SUM") '
        "{ location message } } } }",
        {"id": server.faulted_id},
    )
    consistency = data["report"]["consistency"]
    assert consistency["ok"] is False
    [check] = consistency["checks"]
    assert check["location"] == f"row={row}"

    _open_report(page, server, server.faulted_id)
    # The row's stated total carries the mark; the changed cell is inside the highlighted row.
    key = page.locator(f"[data-cell='s3:{row}:total']")
    assert {"failed", "key"} <= set(key.get_attribute("class").split())
    assert check["message"] in key.get_attribute("title")
    assert "failed" in page.get_attribute(f"[data-cell='s3:{row}:{column}']", "class").split()
    item = page.locator("#s3-checks li[data-code='S3_ROW_SUM']")
    assert item.count() == 1 and check["message"] in item.inner_text()
    # Both languages: the message as the check wrote it, the check's description in English.
    assert "row: the six applicant columns add up to the total" in item.inner_text()
    assert page.get_attribute("#report-consistency .chip", "data-ok") == "false"
    # The failed cell is in sight, beside its sticky row label, even on a phone.
    visible = page.evaluate(
        """(id) => { const td = document.querySelector(`[data-cell="${id}"]`); const box = td.closest('.scroll');
             const a = td.getBoundingClientRect(), b = box.getBoundingClientRect();
             return a.left >= b.left && a.right <= b.right + 1; }""", f"s3:{row}:total")
    assert visible
    _shot(page, f"dashboard-report-inconsistent-{page.size_name}", "#report")


def test_a_cell_shows_the_lines_it_was_read_from(any_page, server):
    page = any_page
    _open_report(page, server, server.located_id)
    line, start, end = server.locations["proactive.licensing.decisions"]
    page.click("[data-cell='s2:licensing:decisions'] button")
    page.wait_for_selector("#source[open] [data-provenance]")
    assert page.get_attribute("#source [data-provenance]", "data-provenance") == "stated"
    assert "Read from its cell" in page.inner_text("#source")
    here = page.locator(f"#source li.here[data-line='{line}']")
    assert here.inner_text() == server.located_lines[line - 1].removesuffix("\r")
    assert page.inner_text("#source li.here mark") == "40" == server.located_lines[line - 1][start:end]
    assert page.get_attribute("#source-original", "href") == ORIGINAL
    # The dialog sits inside the screen, and closing it gives focus back to the cell.
    box = page.evaluate("() => { const r = document.getElementById('source').getBoundingClientRect(); return [r.left, r.right, innerWidth]; }")
    assert box[0] >= 0 and box[1] <= box[2]
    page.keyboard.press("Escape")
    page.wait_for_selector("#source:not([open])", state="attached")
    assert page.evaluate("() => document.activeElement.closest('td').dataset.cell") == "s2:licensing:decisions"
    # A value inferred through an identity says so, and shows no line.
    page.click("[data-cell='s4:review:upheld'] button")
    page.wait_for_selector("#source[open] [data-provenance='inferred']")
    assert "Inferred through an identity" in page.inner_text("#source")
    assert page.locator("#source li.here").count() == 0
    _shot(page, f"dashboard-source-{page.size_name}", full_page=False)
    page.click("#source-close")


def test_a_parse_issue_shows_its_line(page, server):
    data = server.data("{ reports(filter: {synthetic: false}, first: 100) { edges { node { id source { uri } "
                       "issues { code line } } } } }")
    # A seed loaded from its file (its source is then its name, NAME.txt) with an issue on a line.
    report, issue = next((e["node"], i) for e in data["reports"]["edges"] for i in e["node"]["issues"]
                         if i["line"] and (FIXTURES / e["node"]["source"]["uri"]).is_file())
    lines = (FIXTURES / Path(report["source"]["uri"]).name).read_text(encoding="utf-8").split("\n")
    _open_report(page, server, report["id"])
    item = page.locator("#report-issues li", has=page.locator(f"button.line[data-line='{issue['line']}']")).first
    # Both languages: the code's description in Chinese, the parser's message in English.
    assert page.evaluate("(code) => JSON.parse(document.getElementById('labels').textContent).issues[code][0]",
                         issue["code"]) in item.inner_text()
    item.locator("button.line").click()
    page.wait_for_selector(f"#source[open] li.here[data-line='{issue['line']}']")
    assert page.inner_text("#source li.here") == lines[issue["line"] - 1].rstrip("\r")


def test_opening_a_report_moves_focus_and_closing_brings_it_back(page, server):
    _open(page, server)
    link = page.locator("#agency-table a.year").first
    report = link.get_attribute("data-report")
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_selector(f"#report[data-report-id='{report}']")
    page.wait_for_function("() => document.activeElement.id === 'report-title'")
    page.click("#report-close")
    page.wait_for_selector("#report", state="hidden")
    page.wait_for_function("(id) => document.activeElement.dataset.report === id", arg=report)


# ---- Errors, phones, accessibility, weight -----------------------------------------------------------------------


def test_api_errors_are_shown_and_loading_is_visible(browser, server):
    context = _context(browser, DESKTOP)
    page = context.new_page()
    try:
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
        _wait_figure(page, "fig-reports", _summary(server, None, synthetic=False)["reports"])
    finally:
        context.close()


def test_phone_first_screen_charts_legends_tooltips_and_sticky_column(browser, server):
    context = _context(browser, PHONE)
    page = context.new_page()
    try:
        _open(page, server)
        _wait_figure(page, "fig-reports", _summary(server, None)["reports"])
        height = page.evaluate("() => innerHeight")
        # The first chart starts above the fold: filters fold away on a phone.
        top = page.evaluate("() => document.getElementById('chart-outcomes').getBoundingClientRect().top")
        assert top < height * 0.7, f"the first chart starts at {top}px of {height}"
        assert page.evaluate("() => document.getElementById('filter-box').open") is False
        width = page.evaluate("() => [document.documentElement.scrollWidth, innerWidth]")
        assert width[0] <= width[1], f"page is wider than the phone: {width}"
        # Legends wrap: every item inside the screen, no pager.
        for legend in ("outcomes", "rates", "kinds"):
            boxes = page.evaluate(f"""() => [...document.querySelectorAll('#legend-{legend} button')]
                                        .map(b => {{ const r = b.getBoundingClientRect(); return [r.left, r.right]; }})""")
            assert boxes and all(left >= 0 and right <= width[1] for left, right in boxes), legend
        # A tooltip stays inside the screen.
        _click_item(page, "regions", 0)
        page.wait_for_function("() => location.hash.includes('province=')")
        _ready(page)
        page.evaluate("() => window.scrollTo(0, 0)")
        page.locator("#chart-outcomes").scroll_into_view_if_needed()
        x, y = page.evaluate("""() => { const el = document.getElementById('chart-outcomes');
                                  const c = echarts.getInstanceByDom(el); const n = c.getOption().xAxis[0].data.length;
                                  const l = c.getModel().getSeriesByIndex(0).getData().getItemLayout(n - 1);
                                  const b = el.getBoundingClientRect(); return [b.left + l.x + l.width / 2, b.top + l.y + l.height / 2]; }""")
        page.mouse.move(x, y)
        tooltip = page.locator("#chart-outcomes > div:not(:first-child)").first
        tooltip.wait_for(state="visible")
        box = tooltip.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width[1]
        _shot(page, "dashboard-phone-tooltip", full_page=False)
        # The agency table scrolls sideways under a sticky first column, with a hint.
        page.goto(f"{server.url}/")  # a new document, not a change of hash
        _ready(page)
        assert page.is_visible("#agencies .scroll-hint")
        scroller = page.locator("#agencies .scroll")
        scroller.scroll_into_view_if_needed()
        lefts = """() => [document.querySelector('#agencies .scroll'), document.querySelector('#agency-table tbody th.sticky'),
                          document.querySelector('#agency-table tbody td.years')].map(el => el.getBoundingClientRect().left)"""
        _, _, years_before = page.evaluate(lefts)
        page.evaluate("() => { document.querySelector('#agencies .scroll').scrollLeft = 300; }")
        page.wait_for_function("() => document.querySelector('#agencies .scroll').scrollLeft > 0")
        box, name, years_after = page.evaluate(lefts)
        assert years_after < years_before - 100  # the figures moved …
        assert abs(name - box) < 1  # … under the agency's name, which stays at the left edge
        page.evaluate("() => window.scrollTo(0, 0)")
        first_screen = _shot(page, "dashboard-phone-first-screen", full_page=False)
        if os.environ.get("XXGK_UPDATE_SCREENSHOTS"):
            shutil.copyfile(first_screen, ROOT / "docs" / "dashboard-phone.png")
        _shot(page, "dashboard-phone")
    finally:
        context.close()


def _axe(page: Any) -> list[dict[str, Any]]:
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async () => (await axe.run(document, { resultTypes: ['violations'] })).violations
             .map(v => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ')) }))"""
    )


def test_axe_finds_no_violation(any_page, server):
    page = any_page
    _open(page, server, "failed=1")
    page.wait_for_selector("#failures:not([hidden]) #failure-codes button")
    assert _axe(page) == []
    # A report open, and a number's source shown.
    page.click("#failure-reports a[data-report]")
    page.wait_for_selector("#report[data-report-id]")
    assert _axe(page) == []
    _open_report(page, server, server.located_id)
    page.click("[data-cell='s2:licensing:decisions'] button")
    page.wait_for_selector("#source[open] [data-provenance]")
    assert _axe(page) == []


def test_first_view_transfers_under_500_kb(browser, server):
    for size in (DESKTOP, PHONE):
        context = _context(browser, size)
        page = context.new_page()
        finished: list[Any] = []
        page.on("requestfinished", lambda request, into=finished: into.append(request))
        try:
            _open(page, server)
            page.wait_for_load_state("networkidle")
            sizes = [(r.url, r.sizes()) for r in finished]  # every request (the GraphQL ones share a URL)
            total = sum(s["responseBodySize"] + s["responseHeadersSize"] for _, s in sizes)
            assert total < 500_000, f"the first view transferred {total:,} bytes: {sizes}"
            assert sum(url.endswith("/graphql") for url, _ in sizes) == 4  # options, facets, overview, ranking
            echarts = next(r for r in finished if "echarts.min." in r.url)
            assert echarts.response().headers.get("content-encoding") == "br"
            assert echarts.sizes()["responseBodySize"] < 400_000
        finally:
            context.close()


def test_graphiql_works_offline(page, server):
    """GraphiQL at /graphql loads, runs a query and shows the answer with every other address refused."""
    foreign: list[str] = []

    def local_only(route: Any) -> None:
        if route.request.url.startswith(server.url):
            route.continue_()
        else:
            foreign.append(route.request.url)
            route.abort()

    page.route("**/*", local_only)
    page.goto(f"{server.url}/graphql")
    page.wait_for_selector(".graphiql-query-editor .CodeMirror")
    page.evaluate("document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror"
                  ".setValue('{ years { year } }')")
    page.click(".graphiql-execute-button")
    page.wait_for_function("document.querySelector('.result-window') && "
                           "document.querySelector('.result-window').innerText.includes('\"year\"')")
    assert foreign == []
