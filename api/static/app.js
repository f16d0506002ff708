/* The xxgk dashboard: every figure comes from /graphql, with the queries shown in the query panel. */
(function () {
  "use strict";

  const LABELS = JSON.parse(document.getElementById("labels").textContent);
  const COLUMNS = Object.keys(LABELS.columns);
  const GROUPS = Object.keys(LABELS.groups);
  const RESULTS = Object.keys(LABELS.results);
  // The national template's §2 items (第二十条第（N）项) and the categories printed under each.
  const S2_ITEMS = {
    "2021": [["（一）", ["regulations", "normative_documents"]], ["（五）", ["licensing"]],
      ["（六）", ["penalties", "enforcement"]], ["（八）", ["fees"]]],
    "2019": [["（一）", ["regulations", "normative_documents"]], ["（五）", ["licensing", "other_services"]],
      ["（六）", ["penalties", "enforcement"]], ["（八）", ["fees"]], ["（九）", ["procurement"]]],
  };
  // §3 outcome rows gathered into the six outcome kinds the chart stacks.
  const OUTCOMES = [
    ["granted", "予以公开", "Granted", (k) => k === "granted"],
    ["partially_granted", "部分公开", "Partly granted", (k) => k === "partially_granted"],
    ["withheld", "不予公开", "Withheld", (k) => k.startsWith("withheld_")],
    ["unavailable", "无法提供", "Unavailable", (k) => k.startsWith("unavailable_")],
    ["not_processed", "不予处理", "Not processed", (k) => k.startsWith("not_processed_")],
    ["other", "其他处理", "Other handling", (k) => k === "other" || k.startsWith("other_")],
  ];

  // ---- Queries: the same text a user would send, shown in the query panel -------------------------

  const Q = {
    FilterOptions: `query FilterOptions {
  years { year template reportCount }
  kinds: summary(groupBy: [KIND]) { kind reports }
  provinces: summary(groupBy: [PROVINCE]) { province { code name } reports }
}`,
    Places: `query Places($filter: ReportFilter) {
  summary(filter: $filter, groupBy: [CITY, COUNTY]) {
    city { code name }
    county { code name }
    reports
  }
}`,
    Overview: `query Overview($filter: ReportFilter, $regionLevel: [SummaryDimension!]) {
  total: summary(filter: $filter) {
    reports
    inconsistentReports
    applications { rows { key total } }
  }
  byYear: summary(filter: $filter, groupBy: [YEAR]) {
    year
    reports
    applications { rows { key total } }
  }
  byRegion: summary(filter: $filter, groupBy: $regionLevel) {
    province { code name }
    city { code name }
    county { code name }
    applications { row(key: "new_received") { total } }
  }
}`,
    Agencies: `query Agencies($filter: ReportFilter, $after: String) {
  agencies(filter: $filter, first: 100, after: $after, orderBy: PASS_RATE) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges {
      node {
        id
        name
        kind
        region { code name }
        dataQuality { reports inconsistentReports checksFailed warnings issues missingValues passRate }
        reports(first: 10) { edges { node { id year consistency { ok } } } }
      }
    }
  }
}`,
    Report: `query Report($id: Int!) {
  report(id: $id) {
    id year template title publishedAt
    source { uri format }
    agency { name kind region { name parent { name parent { name } } } }
    proactive {
      __typename
      ... on Proactive2021 {
        regulations { issued repealed inForce }
        normativeDocuments { issued repealed inForce }
        licensing { decisions } penalties { decisions } enforcement { decisions }
        fees { amount10kYuan }
      }
      ... on Proactive2019 {
        regulations { made published totalPublished }
        normativeDocuments { made published totalPublished }
        licensing { previousItems change decisions } otherServices { previousItems change decisions }
        penalties { previousItems change decisions } enforcement { previousItems change decisions }
        fees { previousItems change } procurement { items amount }
      }
    }
    applications {
      rows { key label naturalPerson commercialEnterprise researchInstitution publicInterestOrg legalServiceOrg otherOrg total }
    }
    reviews {
      review { upheld corrected other pending total }
      litigationDirect { upheld corrected other pending total }
      litigationAfterReview { upheld corrected other pending total }
    }
    consistency {
      ok passed failed notCheckable warnings
      checks(status: "failed") { code severity location expected actual message crossYear description }
    }
    issues { code severity line message }
    previous { id year }
    next { id year }
  }
}`,
  };

  // ---- Small helpers --------------------------------------------------------------------------------

  const $ = (sel, root) => (root || document).querySelector(sel);
  const camel = (s) => s.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());
  const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
  const bi = (pair) => `${esc(pair[0])} <span class="en">${esc(pair[1])}</span>`;
  const fmt = (v) => (v === null || v === undefined ? "—" : typeof v === "number" ? v.toLocaleString("zh-CN") : String(v));
  const pct = (v) => (v === null || v === undefined ? "—" : `${(v * 100).toFixed(1)}%`);
  const sum = (values) => {
    const present = values.filter((v) => v !== null && v !== undefined);
    return present.length ? present.reduce((a, b) => a + b, 0) : null;
  };
  const kindLabel = (k) => LABELS.kinds[k] || [k, k];

  class ApiError extends Error {}

  let pending = 0;
  function busy(delta) {
    pending += delta;
    $("#status").hidden = pending === 0;
    document.body.classList.toggle("loading", pending > 0);
  }

  function showError(err) {
    $("#error-message").textContent = err && err.message ? err.message : String(err);
    $("#error").hidden = false;
  }

  /** POST one operation to /graphql; GraphQL errors and HTTP failures both become an ApiError. */
  async function gql(name, variables) {
    recordQuery(name, variables);
    const regions = document.querySelectorAll(`[data-query="${name}"]`);
    regions.forEach((el) => el.setAttribute("aria-busy", "true"));
    busy(1);
    try {
      let response;
      try {
        response = await fetch("/graphql", {
          method: "POST",
          headers: { "Content-Type": "application/json", Accept: "application/json" },
          body: JSON.stringify({ query: Q[name], operationName: name, variables }),
        });
      } catch (e) {
        throw new ApiError(`无法连接 API · Cannot reach the API (${e.message})`);
      }
      let body = null;
      try {
        body = await response.json();
      } catch (e) {
        throw new ApiError(`API 返回 HTTP ${response.status}，不是 JSON · The API answered HTTP ${response.status}, not JSON`);
      }
      if (body.errors && body.errors.length) {
        throw new ApiError(`${name}: ${body.errors.map((e) => e.message).join("; ")}`);
      }
      if (!response.ok || !body.data) {
        throw new ApiError(`API 返回 HTTP ${response.status} · The API answered HTTP ${response.status}`);
      }
      return body.data;
    } finally {
      busy(-1);
      regions.forEach((el) => el.removeAttribute("aria-busy"));
    }
  }

  // ---- Query panel ----------------------------------------------------------------------------------

  const sent = new Map();

  function recordQuery(name, variables) {
    sent.set(name, variables || {});
    renderQueries();
  }

  function renderQueries() {
    const list = $("#query-list");
    list.innerHTML = "";
    for (const [name, variables] of sent) {
      const vars = JSON.stringify(variables, null, 2);
      const href = `/graphql?query=${encodeURIComponent(Q[name])}&variables=${encodeURIComponent(vars)}`;
      const block = document.createElement("div");
      block.className = "query";
      block.id = `query-${name}`;
      block.innerHTML = `<h3>${esc(name)}</h3>
        <pre class="q"><code>${esc(Q[name])}</code></pre>
        <div class="vars">variables <pre><code>${esc(vars)}</code></pre></div>
        <p><button type="button" class="copy">复制 <span class="en">Copy</span></button>
        <a href="${esc(href)}" target="_blank" rel="noopener">在 GraphiQL 中打开 <span class="en">Open in GraphiQL</span></a></p>`;
      $(".copy", block).addEventListener("click", (ev) => copy(ev.currentTarget, Q[name], vars));
      list.appendChild(block);
    }
  }

  async function copy(button, query, vars) {
    const text = `${query}\n\n# variables\n# ${vars.replace(/\n/g, "\n# ")}\n`;
    try {
      await navigator.clipboard.writeText(text);
    } catch (e) {
      // Clipboard API needs a secure context; fall back to a selection copy on plain http.
      const area = document.createElement("textarea");
      area.value = text;
      document.body.appendChild(area);
      area.select();
      document.execCommand("copy");
      area.remove();
    }
    button.classList.add("done");
    setTimeout(() => button.classList.remove("done"), 1200);
  }

  document.addEventListener("click", (ev) => {
    const button = ev.target.closest("[data-show-query]");
    if (!button) return;
    const panel = $("#query-panel");
    panel.open = true;
    const target = button.dataset.showQuery && document.getElementById(`query-${button.dataset.showQuery}`);
    (target || panel).scrollIntoView({ behavior: "smooth", block: "start" });
  });

  // ---- State in the URL hash: filters and the open report ----------------------------------------

  const FILTER_KEYS = ["year", "province", "city", "county", "kind", "template"];

  function readHash() {
    const params = new URLSearchParams(location.hash.slice(1));
    const state = {};
    for (const key of [...FILTER_KEYS, "report"]) state[key] = params.get(key) || "";
    return state;
  }

  function writeHash(changes) {
    const state = { ...readHash(), ...changes };
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(state)) if (v) params.set(k, v);
    const hash = params.toString();
    if (hash !== location.hash.slice(1)) location.hash = hash;
  }

  /** The ReportFilter of the current selection (null when nothing is selected). */
  function currentFilter() {
    const s = readHash();
    const filter = {};
    if (s.year) filter.year = Number(s.year);
    const region = s.county || s.city || s.province;
    if (region) filter.regionCode = region;
    if (s.kind) filter.kind = s.kind;
    if (s.template) filter.template = s.template;
    return Object.keys(filter).length ? filter : null;
  }

  // ---- Filters ---------------------------------------------------------------------------------------

  function fillSelect(select, options, value) {
    select.innerHTML = `<option value="">全部 All</option>` +
      options.map(([v, text]) => `<option value="${esc(v)}">${esc(text)}</option>`).join("");
    select.value = options.some(([v]) => v === value) ? value : "";
  }

  async function loadFilterOptions() {
    const data = await gql("FilterOptions", {});
    const s = readHash();
    fillSelect($("#f-year"), data.years.map((y) => [String(y.year), `${y.year} (${y.reportCount})`]), s.year);
    const templates = [...new Set(data.years.map((y) => y.template))];
    fillSelect($("#f-template"), templates.map((t) => [t, `${t} 版`]), s.template);
    fillSelect($("#f-kind"), data.kinds.filter((k) => k.kind).map((k) => [k.kind, `${kindLabel(k.kind)[0]} ${kindLabel(k.kind)[1]}`]), s.kind);
    const provinces = data.provinces.filter((p) => p.province).map((p) => [p.province.code, `${p.province.name} (${p.reports})`]);
    fillSelect($("#f-province"), provinces, s.province);
  }

  let placesFor = null;
  let places = [];

  async function loadPlaces() {
    const s = readHash();
    const city = $("#f-city");
    const county = $("#f-county");
    if (!s.province) {
      placesFor = null;
      places = [];
    } else if (placesFor !== s.province) {
      const data = await gql("Places", { filter: { regionCode: s.province } });
      placesFor = s.province;
      places = data.summary;
    }
    const cities = new Map();
    for (const g of places) if (g.city) cities.set(g.city.code, g.city.name);
    fillSelect(city, [...cities].map(([code, name]) => [code, name]), s.city);
    // Counties under the chosen city, or all of the province's (some sit directly under it, as in 重庆市).
    const counties = new Map();
    for (const g of places) {
      if (g.county && (!city.value || (g.city && g.city.code === city.value))) counties.set(g.county.code, g.county.name);
    }
    fillSelect(county, [...counties].map(([code, name]) => [code, name]), s.county);
    city.disabled = !s.province || cities.size === 0;
    county.disabled = !s.province || counties.size === 0;
  }

  $("#filters").addEventListener("change", (ev) => {
    const key = ev.target.name;
    const changes = { [key]: ev.target.value, report: "" };
    // A broader region resets the narrower ones below it.
    if (key === "province") Object.assign(changes, { city: "", county: "" });
    if (key === "city") changes.county = "";
    writeHash(changes);
  });
  $("#filters").addEventListener("reset", (ev) => {
    ev.preventDefault();
    writeHash(Object.fromEntries([...FILTER_KEYS, "report"].map((k) => [k, ""])));
  });

  // ---- Headline figures and charts ---------------------------------------------------------------

  let outcomeChart = null;
  let regionChart = null;

  function setFigure(id, value, text, sub) {
    const card = document.getElementById(id);
    const el = $(".value", card);
    el.dataset.value = value === null || value === undefined ? "" : String(value);
    el.textContent = text;
    $(".sub", card).textContent = sub || "";
  }

  function rowTotal(rows, key) {
    const row = rows.find((r) => r.key === key);
    return row ? row.total : null;
  }

  function regionLevel(s) {
    if (s.county || s.city) return "COUNTY";
    if (s.province) return "CITY";
    return "PROVINCE";
  }

  async function loadOverview() {
    const s = readHash();
    const level = regionLevel(s);
    const data = await gql("Overview", { filter: currentFilter(), regionLevel: [level] });
    const total = data.total[0] || { reports: 0, inconsistentReports: 0, applications: { rows: [] } };
    const rows = total.applications.rows;
    const received = rowTotal(rows, "new_received");
    const granted = sum([rowTotal(rows, "granted"), rowTotal(rows, "partially_granted")]);
    const processed = rowTotal(rows, "outcome_total");
    const share = granted !== null && processed ? granted / processed : null;
    setFigure("fig-reports", total.reports, fmt(total.reports), "");
    setFigure("fig-applications", received, fmt(received), "§3 本年新收 · new this year");
    setFigure("fig-granted", share === null ? null : share.toFixed(4), pct(share),
      processed ? `${fmt(granted)} / ${fmt(processed)} 已办结 · processed` : "");
    setFigure("fig-failed", total.inconsistentReports, fmt(total.inconsistentReports),
      total.reports ? `${pct(total.inconsistentReports / total.reports)} 的报告 · of reports` : "");
    drawOutcomes(data.byYear);
    drawRegions(data.byRegion, level);
  }

  function drawOutcomes(byYear) {
    const el = $("#chart-outcomes");
    outcomeChart = outcomeChart || echarts.init(el);
    const years = byYear.map((g) => String(g.year));
    const series = OUTCOMES.map(([key, zh, en, match]) => ({
      name: `${zh} ${en}`,
      id: key,
      type: "bar",
      stack: "outcomes",
      emphasis: { focus: "series" },
      data: byYear.map((g) => sum(g.applications.rows.filter((r) => match(r.key)).map((r) => r.total))),
    }));
    outcomeChart.setOption({
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { type: "scroll", bottom: 0 },
      grid: { left: 8, right: 16, top: 32, bottom: 48, containLabel: true },
      xAxis: { type: "category", data: years },
      yAxis: { type: "value", name: "件 applications", nameTextStyle: { align: "left" } },
      series,
    }, { notMerge: true });
    el.dataset.years = years.join(",");
  }

  function drawRegions(groups, level) {
    const el = $("#chart-regions");
    regionChart = regionChart || echarts.init(el);
    const field = level.toLowerCase();
    const items = groups
      .map((g) => ({ name: g[field] ? g[field].name : "未定位 unplaced", value: g.applications.row ? g.applications.row.total : null }))
      .sort((a, b) => (b.value ?? -1) - (a.value ?? -1))
      .slice(0, 15)
      .reverse();
    regionChart.setOption({
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: "value" },
      yAxis: { type: "category", data: items.map((i) => i.name) },
      series: [{ type: "bar", name: "收到申请 Applications received", data: items.map((i) => i.value),
        itemStyle: { color: "#b5332e" }, label: { show: true, position: "right" } }],
    }, { notMerge: true });
  }

  window.addEventListener("resize", () => {
    if (outcomeChart) outcomeChart.resize();
    if (regionChart) regionChart.resize();
  });

  // ---- Agencies and data quality --------------------------------------------------------------------

  let agencies = [];
  let agencyCursor = null;
  let sortKey = "score";
  let sortAsc = true;

  const SORTS = {
    name: (a) => a.name,
    kind: (a) => kindLabel(a.kind)[0],
    region: (a) => (a.region ? a.region.name : ""),
    reports: (a) => a.dataQuality.reports,
    inconsistent: (a) => a.dataQuality.inconsistentReports,
    issues: (a) => a.dataQuality.issues,
    missing: (a) => a.dataQuality.missingValues,
    score: (a) => a.dataQuality.passRate,
  };

  async function loadAgencies(more) {
    const variables = { filter: currentFilter(), after: more ? agencyCursor : null };
    const data = await gql("Agencies", variables);
    const page = data.agencies;
    agencies = (more ? agencies : []).concat(page.edges.map((e) => e.node));
    agencyCursor = page.pageInfo.endCursor;
    $("#agency-more").hidden = !page.pageInfo.hasNextPage;
    $("#agency-count").textContent = `${agencies.length} / ${page.totalCount} 个机关 · agencies`;
    renderAgencies();
  }

  function renderAgencies() {
    const get = SORTS[sortKey];
    // Missing values (no checkable check) sort last whichever the direction.
    const sorted = [...agencies].sort((a, b) => {
      const x = get(a);
      const y = get(b);
      if (x === null || x === undefined) return 1;
      if (y === null || y === undefined) return -1;
      const c = typeof x === "string" ? x.localeCompare(y, "zh-CN") : x - y;
      return sortAsc ? c : -c;
    });
    document.querySelectorAll("#agency-table th[data-sort]").forEach((th) => {
      th.setAttribute("aria-sort", th.dataset.sort === sortKey ? (sortAsc ? "ascending" : "descending") : "none");
    });
    $("#agency-table tbody").innerHTML = sorted.map((a) => {
      const q = a.dataQuality;
      const score = q.passRate;
      const tone = score === null ? "" : score >= 0.999 ? "good" : score >= 0.95 ? "fair" : "poor";
      const years = a.reports.edges.map((e) => e.node)
        .map((r) => `<a href="#" class="year ${r.consistency.ok ? "" : "bad"}" data-report="${r.id}" title="${r.consistency.ok ? "核对通过 consistent" : "有未通过的核对 failed a check"}">${r.year}</a>`)
        .join(" ");
      return `<tr data-agency="${a.id}">
        <td>${esc(a.name)}</td>
        <td>${bi(kindLabel(a.kind))}</td>
        <td>${esc(a.region ? a.region.name : "—")}</td>
        <td class="num">${fmt(q.reports)}</td>
        <td class="num">${fmt(q.inconsistentReports)}</td>
        <td class="num">${fmt(q.issues)}</td>
        <td class="num">${fmt(q.missingValues)}</td>
        <td class="num score ${tone}" data-value="${score ?? ""}">${pct(score)}</td>
        <td class="years">${years}</td></tr>`;
    }).join("") || `<tr><td colspan="9" class="empty-row">没有符合条件的机关 · No agency matches</td></tr>`;
  }

  $("#agency-table thead").addEventListener("click", (ev) => {
    const th = ev.target.closest("th[data-sort]");
    if (!th) return;
    sortAsc = th.dataset.sort === sortKey ? !sortAsc : true;
    sortKey = th.dataset.sort;
    renderAgencies();
  });
  $("#agency-more").addEventListener("click", () => loadAgencies(true).catch(showError));
  document.addEventListener("click", (ev) => {
    const link = ev.target.closest("[data-report]");
    if (!link) return;
    ev.preventDefault();
    writeHash({ report: link.dataset.report });
  });

  // ---- Report view -----------------------------------------------------------------------------------

  /** Which cells a failed check points at, from its canonical location (row=…, column=…, group=…). */
  function cellsOf(check, template) {
    const loc = Object.fromEntries(check.location.split(/\s+/).filter((p) => p.includes("=")).map((p) => p.split("=")));
    // Cross-year checks name last year's row first (carried_forward/carried_over): this report holds the second.
    const row = loc.row && loc.row.split("/").pop();
    if (loc.category) {
      const metrics = loc.metric ? [loc.metric] : LABELS.proactive[template][loc.category] || [];
      return { section: "s2", key: `s2:${loc.category}:${loc.metric}`, cells: metrics.map((m) => `s2:${loc.category}:${m}`) };
    }
    if (loc.group) {
      const results = loc.result ? [loc.result] : RESULTS;
      return { section: "s4", key: `s4:${loc.group}:${loc.result || "total"}`, cells: results.map((r) => `s4:${loc.group}:${r}`) };
    }
    if (row && loc.column) return { section: "s3", key: `s3:${row}:${loc.column}`, cells: [`s3:${row}:${loc.column}`] };
    if (row) return { section: "s3", key: `s3:${row}:total`, cells: COLUMNS.map((c) => `s3:${row}:${c}`) };
    if (loc.column) {
      const rows = check.code === "S3_COLUMN_BALANCE"
        ? ["new_received", "carried_over", "outcome_total", "carried_forward"]
        : [...document.querySelectorAll("#s3 tr[data-row]")].map((tr) => tr.dataset.row)
          .filter((r) => !["new_received", "carried_over", "carried_forward"].includes(r));
      return { section: "s3", key: `s3:outcome_total:${loc.column}`, cells: rows.map((r) => `s3:${r}:${loc.column}`) };
    }
    return { section: "other", key: null, cells: [] };
  }

  function cell(id, value) {
    const empty = value === null || value === undefined;
    return `<td class="num${empty ? " empty" : ""}" data-cell="${id}" data-value="${empty ? "" : esc(value)}">${empty ? "—" : esc(fmt(value))}</td>`;
  }

  function renderS2(report) {
    const template = report.template;
    const p = report.proactive;
    let html = "";
    for (const [item, categories] of S2_ITEMS[template]) {
      const metrics = LABELS.proactive[template][categories[0]];
      html += `<table class="report-table s2"><thead>
        <tr><th colspan="${metrics.length + 1}" class="item">第二十条第${item}项</th></tr>
        <tr><th>信息内容 <span class="en">Item</span></th>${metrics.map((m) => `<th>${bi(LABELS.metrics[m])}</th>`).join("")}</tr>
        </thead><tbody>`;
      for (const category of categories) {
        const values = p[camel(category)] || {};
        html += `<tr data-category="${category}"><th>${bi(LABELS.categories[category])}</th>` +
          LABELS.proactive[template][category].map((m) => cell(`s2:${category}:${m}`, values[camel(m)])).join("") + "</tr>";
      }
      html += "</tbody></table>";
    }
    $("#s2").innerHTML = html;
  }

  function renderS3(report) {
    const rows = report.applications.rows;
    const outcome = rows.filter((r) => !["new_received", "carried_over", "carried_forward"].includes(r.key));
    // Group the outcome rows under their printed heading ("（三）不予公开 1.属于国家秘密" → "（三）不予公开").
    const heading = (r) => (r.label.includes(" ") ? r.label.split(" ")[0] : null);
    const span = (h) => outcome.filter((r) => heading(r) === h).length;
    const col = LABELS.columns;
    let html = `<thead>
      <tr><th colspan="3" rowspan="3" class="corner">（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</th>
        <th colspan="7">申请人情况 <span class="en">Applicant</span></th></tr>
      <tr><th rowspan="2">${bi(col.natural_person)}</th><th colspan="5">法人或其他组织 <span class="en">Legal persons or other organisations</span></th>
        <th rowspan="2">${bi(col.total)}</th></tr>
      <tr>${COLUMNS.filter((c) => c !== "natural_person" && c !== "total").map((c) => `<th>${bi(col[c])}</th>`).join("")}</tr>
      </thead><tbody>`;
    const values = (r) => COLUMNS.map((c) => cell(`s3:${r.key}:${c}`, r[camel(c)])).join("");
    let seen = new Set();
    for (const r of rows) {
      let head;
      if (r.key === "new_received" || r.key === "carried_over" || r.key === "carried_forward") {
        head = `<th colspan="3" class="rowlabel">${esc(r.label)}</th>`;
      } else {
        head = r === outcome[0] ? `<th rowspan="${outcome.length}" class="rowgroup">三、本年度办理结果</th>` : "";
        const h = heading(r);
        if (h === null) {
          head += `<th colspan="2" class="rowlabel">${esc(r.label)}</th>`;
        } else {
          if (!seen.has(h)) head += `<th rowspan="${span(h)}" class="rowgroup">${esc(h)}</th>`;
          seen.add(h);
          head += `<th class="rowlabel">${esc(r.label.slice(h.length + 1))}</th>`;
        }
      }
      html += `<tr data-row="${r.key}">${head}${values(r)}</tr>`;
    }
    $("#s3").innerHTML = html + "</tbody>";
  }

  function renderS4(report) {
    const rv = report.reviews;
    const g = LABELS.groups;
    const results = RESULTS.map((r) => `<th>${bi(LABELS.results[r])}</th>`).join("");
    $("#s4").innerHTML = `<thead>
      <tr><th colspan="5" rowspan="2">${bi(g.review)}</th><th colspan="10">行政诉讼 <span class="en">Litigation</span></th></tr>
      <tr><th colspan="5">未经复议直接起诉 <span class="en">${esc(g.litigation_direct[1])}</span></th>
        <th colspan="5">复议后起诉 <span class="en">${esc(g.litigation_after_review[1])}</span></th></tr>
      <tr>${results}${results}${results}</tr></thead>
      <tbody><tr>${GROUPS.map((group) => RESULTS.map((r) => cell(`s4:${group}:${r}`, rv[camel(group)][r])).join("")).join("")}</tr></tbody>`;
  }

  function renderChecks(report) {
    const lists = { s2: [], s3: [], s4: [], other: [] };
    report.consistency.checks.forEach((check, i) => {
      const n = i + 1;
      const where = cellsOf(check, report.template);
      const tone = check.severity === "warning" ? "warn" : "failed";
      for (const id of where.cells) {
        const td = document.querySelector(`[data-cell="${id}"]`);
        if (td) td.classList.add(tone);
      }
      const key = where.key && document.querySelector(`[data-cell="${where.key}"]`);
      if (key) {
        key.classList.add(tone, "key");
        key.title = (key.title ? key.title + "\n" : "") + `[${n}] ${check.message}`;
        key.insertAdjacentHTML("beforeend", `<sup class="mark" data-check="${n}">${n}</sup>`);
      }
      const section = key ? where.section : "other";
      const expected = check.expected === null ? "" : ` · 应为 expected ${esc(check.expected)}`;
      const actual = check.actual === null ? "" : ` · 实为 actual ${esc(check.actual)}`;
      lists[section].push(`<li class="check ${tone}" data-check="${n}" data-code="${esc(check.code)}" data-location="${esc(check.location)}">
        <span class="mark">${n}</span> <code>${esc(check.code)}</code> <span class="message">${esc(check.message)}</span>
        <span class="detail">${expected}${actual}${check.description ? ` · ${esc(check.description)}` : ""}</span></li>`);
    });
    for (const section of ["s2", "s3", "s4", "other"]) {
      $(`#${section}-checks`).innerHTML = lists[section].join("");
    }
    $("#other-checks-box").hidden = lists.other.length === 0;
  }

  function renderReport(report) {
    const region = [];
    for (let r = report.agency.region; r; r = r.parent) region.unshift(r.name);
    $("#report-title").textContent = report.title || `${report.agency.name} ${report.year}`;
    $("#report-meta").innerHTML = [
      esc(report.agency.name), bi(kindLabel(report.agency.kind)), esc(region.join(" › ") || "未定位 unplaced"),
      `${report.year} 年度 · ${esc(report.template)} 版模板 <span class="en">template</span>`,
      report.publishedAt ? `发布 published ${esc(report.publishedAt)}` : "",
      `来源 <span class="en">source</span> <code>${esc(report.source.uri)}</code> (${esc(report.source.format)})`,
    ].filter(Boolean).join(" · ");
    const c = report.consistency;
    $("#report-consistency").innerHTML = `<span class="chip ${c.ok ? "good" : "poor"}" data-ok="${c.ok}">
        ${c.ok ? "核对通过 <span class=\"en\">Consistent</span>" : "有未通过的核对 <span class=\"en\">Failed checks</span>"}</span>
      <span class="chip">通过 passed ${c.passed}</span><span class="chip">未通过 failed ${c.failed}</span>
      <span class="chip">无法核对 not checkable ${c.notCheckable}</span><span class="chip">提示 warnings ${c.warnings}</span>`;
    renderS2(report);
    renderS3(report);
    renderS4(report);
    renderChecks(report);
    $("#report-issues").innerHTML = report.issues.length
      ? report.issues.map((i) => `<li class="issue ${esc(i.severity)}" data-code="${esc(i.code)}"><code>${esc(i.code)}</code>
          <span class="sev">${esc(i.severity)}</span>${i.line ? ` 第 ${i.line} 行 <span class="en">line</span>` : ""} ${esc(i.message)}</li>`).join("")
      : `<li class="none">无 <span class="en">None</span></li>`;
    for (const [id, other, text] of [["#report-prev", report.previous, "←"], ["#report-next", report.next, "→"]]) {
      const button = $(id);
      button.hidden = !other;
      if (other) {
        button.textContent = id === "#report-prev" ? `${text} ${other.year}` : `${other.year} ${text}`;
        button.dataset.report = other.id;
      }
    }
  }

  let shownReport = null;

  async function loadReport() {
    const id = readHash().report;
    const section = $("#report");
    if (!id) {
      section.hidden = true;
      shownReport = null;
      return;
    }
    if (id === shownReport) return;
    section.hidden = false;
    const data = await gql("Report", { id: Number(id) });
    if (!data.report) throw new ApiError(`没有编号为 ${id} 的报告 · No report with id ${id}`);
    renderReport(data.report);
    shownReport = id;
    section.dataset.reportId = id;
    section.scrollIntoView({ behavior: "smooth", block: "start" });
  }

  $("#report-close").addEventListener("click", () => writeHash({ report: "" }));

  // ---- Wiring ------------------------------------------------------------------------------------------

  let lastFilter = null;

  async function refresh() {
    $("#error").hidden = true;
    const s = readHash();
    for (const key of ["year", "kind", "template", "province"]) {
      const select = document.getElementById(`f-${key}`);
      if ([...select.options].some((o) => o.value === s[key])) select.value = s[key];
    }
    const filterKey = JSON.stringify(FILTER_KEYS.map((k) => s[k]));
    const work = [loadReport()];
    if (filterKey !== lastFilter) {
      lastFilter = filterKey;
      work.push(loadPlaces(), loadOverview(), loadAgencies(false));
    }
    const results = await Promise.allSettled(work);
    const failed = results.find((r) => r.status === "rejected");
    if (failed) {
      lastFilter = null; // so that a retry loads everything again
      shownReport = null;
      showError(failed.reason);
    }
    document.body.dataset.ready = "true";
  }

  async function start() {
    try {
      await loadFilterOptions();
    } catch (err) {
      showError(err);
      document.body.dataset.ready = "true";
      return;
    }
    await refresh();
  }

  $("#retry").addEventListener("click", () => {
    $("#error").hidden = true;
    document.body.dataset.ready = "";
    start();
  });
  window.addEventListener("hashchange", () => {
    document.body.dataset.ready = "";
    refresh();
  });
  start();
})();
