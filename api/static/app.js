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
    ["granted", "予以公开", "Granted", (k) => k === "granted", "#2f6fb5"],
    ["partially_granted", "部分公开", "Partly granted", (k) => k === "partially_granted", "#7fb3e0"],
    ["withheld", "不予公开", "Withheld", (k) => k.startsWith("withheld_"), "#b5332e"],
    ["unavailable", "无法提供", "Unavailable", (k) => k.startsWith("unavailable_"), "#e8a33d"],
    ["not_processed", "不予处理", "Not processed", (k) => k.startsWith("not_processed_"), "#6e5a9e"],
    ["other", "其他处理", "Other handling", (k) => k === "other" || k.startsWith("other_"), "#8c959f"],
  ];
  const RATES = [
    ["granted", "全部或部分公开", "Granted in full or in part", ["granted", "partially_granted"], "#2f6fb5"],
    ["withheld", "不予公开", "Withheld", (k) => k.startsWith("withheld_"), "#b5332e"],
    ["not_held", "本机关不掌握", "Not held by the agency", ["unavailable_not_held"], "#e8a33d"],
  ];
  const KIND_COLORS = ["#2f6fb5", "#b5332e", "#e8a33d", "#3d8b5a", "#6e5a9e", "#8c959f", "#c7659b"];
  const MEASURES = ["reports", "applications", "grant_rate", "checks_failed", "pass_rate"];

  // ---- Queries: the same text a user would send, shown in the query panel -------------------------

  const RANK_NODE = `rank reports applications grantRate checksFailed inconsistentReports passRate
        agency {
          id name kind synthetic
          region { code name parent { name parent { name } } }
          reports(first: 12) { edges { node { id year consistency { ok } } } }
        }`;
  const Q = {
    FilterOptions: `query FilterOptions($filter: ReportFilter) {
  years(filter: $filter) { year template }
  kinds: summary(filter: $filter, groupBy: [KIND]) { kind }
  provinces: summary(filter: $filter, groupBy: [PROVINCE]) { province { code name } }
}`,
    Facets: `query Facets($years: ReportFilter, $kinds: ReportFilter, $provinces: ReportFilter, $templates: ReportFilter) {
  byYear: summary(filter: $years, groupBy: [YEAR]) { year reports }
  byKind: summary(filter: $kinds, groupBy: [KIND]) { kind reports }
  byProvince: summary(filter: $provinces, groupBy: [PROVINCE]) { province { code } reports }
  byTemplate: summary(filter: $templates, groupBy: [TEMPLATE]) { template reports }
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
    reports
    applications { rows { key total } }
  }
  byKind: summary(filter: $filter, groupBy: [KIND]) {
    kind
    reports
    applications { row(key: "new_received") { total } }
  }
}`,
    Ranking: `query Ranking($filter: ReportFilter, $by: AgencyMeasure!, $ascending: Boolean!, $after: String) {
  agencyRanking(filter: $filter, by: $by, ascending: $ascending, first: 25, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges {
      node {
        ${RANK_NODE}
      }
    }
  }
}`,
    Failures: `query Failures($filter: ReportFilter) {
  failedChecks(filter: $filter) { code severity reports failures }
  reports(filter: $filter, orderBy: CHECKS_FAILED_DESC, first: 20) {
    totalCount
    edges { node { id year synthetic agency { name region { name } } consistency { failed warnings } } }
  }
}`,
    Search: `query Search($text: String!, $synthetic: Boolean!) {
  regions(search: $text, first: 40) { edges { node { code name level parent { code name level parent { code name level } } } } }
  agencyRanking(filter: { search: $text, includeSynthetic: $synthetic }, by: REPORTS, first: 8) {
    totalCount
    edges { node { reports agency { id name synthetic region { name parent { name } } } } }
  }
}`,
    Compare: `query Compare($a: ReportFilter!, $b: ReportFilter!, $regionA: String!, $regionB: String!, $agencyA: Int!, $agencyB: Int!) {
  a: summary(filter: $a, groupBy: [YEAR]) { year reports applications { rows { key total } } }
  b: summary(filter: $b, groupBy: [YEAR]) { year reports applications { rows { key total } } }
  regionA: region(code: $regionA) { name parent { name } }
  regionB: region(code: $regionB) { name parent { name } }
  agencyA: agency(id: $agencyA) { name region { name } }
  agencyB: agency(id: $agencyB) { name region { name } }
}`,
    Region: `query Region($code: String!) {
  region(code: $code) { code name level parent { code level parent { code level parent { code level } } } }
}`,
    Report: `query Report($id: Int!) {
  report(id: $id) {
    id year template title publishedAt synthetic
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
      checks(status: failed) { code severity location expected actual message crossYear }
    }
    provenance { path provenance }
    issues { code severity line message }
    previous { id year }
    next { id year }
  }
}`,
    ValueSource: `query ValueSource($id: Int!, $path: String!) {
  report(id: $id) {
    valueSource(path: $path, context: 2) {
      path provenance
      location { line start end }
      lines { number text }
    }
  }
}`,
    SourceLines: `query SourceLines($id: Int!, $first: Int!, $last: Int!) {
  report(id: $id) { sourceLines(firstLine: $first, lastLine: $last) { number text } }
}`,
  };

  // ---- Small helpers --------------------------------------------------------------------------------

  const $ = (sel, root) => (root || document).querySelector(sel);
  const $$ = (sel, root) => [...(root || document).querySelectorAll(sel)];
  const camel = (s) => s.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());
  const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
  const en = (text) => `<span class="en" lang="en">${esc(text)}</span>`;
  const bi = (pair) => `${esc(pair[0])} ${en(pair[1])}`;
  // One number format everywhere: 127,867 · 12.3 · 45.6%.
  const WHOLE = new Intl.NumberFormat("zh-CN");
  const ONE = new Intl.NumberFormat("zh-CN", { maximumFractionDigits: 1 });
  const fmt = (v) => (v === null || v === undefined || Number.isNaN(v) ? "—"
    : typeof v === "number" ? (Number.isInteger(v) ? WHOLE.format(v) : ONE.format(v)) : String(v));
  const pct = (v) => (v === null || v === undefined || Number.isNaN(v) ? "—" : `${ONE.format(v * 100)}%`);
  const sum = (values) => {
    const present = values.filter((v) => v !== null && v !== undefined);
    return present.length ? present.reduce((a, b) => a + b, 0) : null;
  };
  const ratio = (a, b) => (a === null || a === undefined || !b ? null : a / b);
  const kindLabel = (k) => LABELS.kinds[k] || [k, k];
  // GraphQL names the templates T2019 and T2021 (a name cannot start with a digit); the page shows 2019, 2021.
  const templateOf = (t) => (t ? String(t).replace(/^T/, "") : t);
  const syntheticBadge = (item) => (item && item.synthetic
    ? ` <span class="badge synthetic" title="合成测试数据，并非真实报告 Synthetic test data, not a real report">合成 <span class="en" lang="en">synthetic</span></span>` : "");
  const narrow = () => window.matchMedia("(max-width: 759px)").matches;

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
    const regions = $$(`[data-query="${name}"]`);
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

  /** Save ``text`` as a file the browser downloads. */
  function download(name, text, type) {
    const blob = text instanceof Blob ? text : new Blob([text], { type });
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 5000);
  }

  function csv(rows) {
    const cell = (v) => {
      const s = v === null || v === undefined ? "" : String(v);
      return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
    };
    // A byte-order mark, so that spreadsheet programs read the Chinese headers as UTF-8.
    return "\ufeff" + rows.map((r) => r.map(cell).join(",")).join("\r\n") + "\r\n";
  }

  // ---- Query panel ----------------------------------------------------------------------------------

  const sent = new Map();

  function recordQuery(name, variables) {
    sent.set(name, variables || {});
    if ($("#query-panel").open) renderQueries();
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
        <pre class="q" tabindex="0"><code>${esc(Q[name])}</code></pre>
        <div class="vars">variables <pre tabindex="0"><code>${esc(vars)}</code></pre></div>
        <p><button type="button" class="copy">复制 ${en("Copy")}</button>
        <a href="${esc(href)}" target="_blank" rel="noopener">在 GraphiQL 中打开 ${en("Open in GraphiQL")}</a></p>`;
      $(".copy", block).addEventListener("click", (ev) => copy(ev.currentTarget, Q[name], vars));
      list.appendChild(block);
    }
  }
  $("#query-panel").addEventListener("toggle", () => { if ($("#query-panel").open) renderQueries(); });

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
    renderQueries();
    const target = button.dataset.showQuery && document.getElementById(`query-${button.dataset.showQuery}`);
    (target || panel).scrollIntoView({ behavior: "smooth", block: "start" });
  });

  // ---- State in the URL hash: filters, views and the open report -----------------------------------

  // Filters narrow every figure on the page; the other keys choose views.
  const FILTER_KEYS = ["year", "province", "city", "county", "kind", "template", "q", "agency", "failed", "check", "synthetic"];
  const VIEW_KEYS = ["by", "asc", "per", "rm", "a", "b", "report"];

  function readHash() {
    const params = new URLSearchParams(location.hash.slice(1));
    const state = {};
    for (const key of [...FILTER_KEYS, ...VIEW_KEYS]) state[key] = params.get(key) || "";
    return state;
  }

  function writeHash(changes) {
    const state = { ...readHash(), ...changes };
    const params = new URLSearchParams();
    for (const key of [...FILTER_KEYS, ...VIEW_KEYS]) if (state[key]) params.set(key, state[key]);
    const hash = params.toString();
    if (hash !== location.hash.slice(1)) {
      document.body.dataset.ready = ""; // until the page has caught up with the new state
      location.hash = hash;
    }
  }

  /** The ReportFilter of a state (null when nothing is selected); ``without`` leaves some keys out (facets). */
  function filterOf(s, without) {
    const skip = new Set(without || []);
    const filter = {};
    if (s.year && !skip.has("year")) filter.year = Number(s.year);
    const region = s.county || s.city || s.province;
    if (region && !skip.has("region")) filter.regionCode = region;
    if (s.kind && !skip.has("kind")) filter.kind = s.kind;
    if (s.template && !skip.has("template")) filter.template = `T${s.template}`; // GraphQL's name of the template
    if (s.q) filter.search = s.q;
    if (s.agency) filter.agencyId = Number(s.agency);
    if (s.failed) filter.hasInconsistency = true;
    if (s.check) filter.failedCheck = s.check;
    if (s.synthetic) filter.includeSynthetic = true;
    return Object.keys(filter).length ? filter : null;
  }
  const currentFilter = () => filterOf(readHash());

  // ---- Filters, facets and chips -------------------------------------------------------------------

  let options = { years: [], kinds: [], provinces: [] };
  const regionNames = new Map();

  function fillSelect(select, items, value, counts) {
    // Options keep their place; each shows how many reports it would keep with the other filters as they are.
    select.innerHTML = `<option value="">全部 All</option>` + items.map(([v, text]) => {
      const n = counts ? counts.get(v) || 0 : null;
      return `<option value="${esc(v)}">${esc(text)}${n === null ? "" : ` (${fmt(n)})`}</option>`;
    }).join("");
    select.value = items.some(([v]) => v === value) ? value : "";
  }

  async function loadFilterOptions() {
    const synthetic = Boolean(readHash().synthetic);
    const data = await gql("FilterOptions", { filter: synthetic ? { includeSynthetic: true } : null });
    options = {
      synthetic,
      years: data.years.map((y) => String(y.year)),
      templates: [...new Set(data.years.map((y) => templateOf(y.template)))],
      kinds: data.kinds.filter((k) => k.kind).map((k) => k.kind),
      provinces: data.provinces.filter((p) => p.province).map((p) => [p.province.code, p.province.name]),
    };
    for (const [code, name] of options.provinces) regionNames.set(code, name);
  }

  async function loadFacets() {
    const s = readHash();
    const data = await gql("Facets", {
      years: filterOf(s, ["year"]), kinds: filterOf(s, ["kind"]),
      provinces: filterOf(s, ["region"]), templates: filterOf(s, ["template"]),
    });
    const counts = (groups, key) => new Map(groups.map((g) => [key(g), g.reports]));
    fillSelect($("#f-year"), options.years.map((y) => [y, y]), s.year, counts(data.byYear, (g) => String(g.year)));
    fillSelect($("#f-template"), options.templates.map((t) => [t, `${t} 版`]), s.template,
      counts(data.byTemplate, (g) => templateOf(g.template)));
    fillSelect($("#f-kind"), options.kinds.map((k) => [k, `${kindLabel(k)[0]} ${kindLabel(k)[1]}`]), s.kind,
      counts(data.byKind, (g) => g.kind));
    fillSelect($("#f-province"), options.provinces, s.province,
      counts(data.byProvince.filter((g) => g.province), (g) => g.province.code));
    $("#f-failed").checked = Boolean(s.failed);
    $("#f-synthetic").checked = Boolean(s.synthetic);
  }

  async function loadPlaces() {
    const s = readHash();
    const city = $("#f-city");
    const county = $("#f-county");
    let places = [];
    if (s.province) {
      const filter = { ...(filterOf(s, ["region"]) || {}), regionCode: s.province };
      places = (await gql("Places", { filter })).summary;
    }
    const cities = new Map();
    const cityCounts = new Map();
    for (const g of places) {
      if (!g.city) continue;
      cities.set(g.city.code, g.city.name);
      cityCounts.set(g.city.code, (cityCounts.get(g.city.code) || 0) + g.reports);
    }
    fillSelect(city, [...cities], s.city, cityCounts);
    // Counties under the chosen city, or all of the province's (some sit directly under it, as in 重庆市).
    const counties = new Map();
    const countyCounts = new Map();
    for (const g of places) {
      if (g.county && (!s.city || (g.city && g.city.code === s.city))) {
        counties.set(g.county.code, g.county.name);
        countyCounts.set(g.county.code, (countyCounts.get(g.county.code) || 0) + g.reports);
      }
    }
    fillSelect(county, [...counties], s.county, countyCounts);
    for (const [code, name] of [...cities, ...counties]) regionNames.set(code, name);
    city.disabled = !s.province || cities.size === 0;
    county.disabled = !s.province || counties.size === 0;
    renderChips();
  }

  const CHIP_LABELS = {
    year: (v) => `${v} 年度`,
    province: (v) => regionNames.get(v) || v,
    city: (v) => regionNames.get(v) || v,
    county: (v) => regionNames.get(v) || v,
    kind: (v) => kindLabel(v)[0],
    template: (v) => `${v} 版模板`,
    q: (v) => `名称含“${v}”`,
    agency: (v) => agencyNames.get(v) || `机关 #${v}`,
    failed: () => "未通过核对",
    check: (v) => `未通过 ${v}`,
    synthetic: () => "含合成数据",
  };
  const agencyNames = new Map();

  function renderChips() {
    const s = readHash();
    const active = FILTER_KEYS.filter((k) => s[k]);
    $("#chips").innerHTML = active.map((k) =>
      `<li><button type="button" data-clear="${k}" aria-label="移除筛选 Remove filter: ${esc(CHIP_LABELS[k](s[k]))}">${esc(CHIP_LABELS[k](s[k]))}</button></li>`).join("");
    $("#filter-count").textContent = active.length ? `(${active.length})` : "";
  }

  $("#chips").addEventListener("click", (ev) => {
    const button = ev.target.closest("[data-clear]");
    if (!button) return;
    const key = button.dataset.clear;
    const changes = { [key]: "", report: "" };
    if (key === "province") Object.assign(changes, { city: "", county: "" });
    if (key === "city") changes.county = "";
    if (key === "failed") changes.check = "";
    if (key === "q") $("#search-input").value = "";
    writeHash(changes);
  });

  $("#filters").addEventListener("change", (ev) => {
    const key = ev.target.name;
    const value = ev.target.type === "checkbox" ? (ev.target.checked ? "1" : "") : ev.target.value;
    const changes = { [key]: value, report: "" };
    // A broader region resets the narrower ones below it.
    if (key === "province") Object.assign(changes, { city: "", county: "" });
    if (key === "city") changes.county = "";
    if (key === "failed" && !value) changes.check = "";
    writeHash(changes);
  });
  $("#filters").addEventListener("reset", (ev) => {
    ev.preventDefault();
    $("#search-input").value = "";
    writeHash(Object.fromEntries([...FILTER_KEYS, "report"].map((k) => [k, ""])));
  });

  /** Set the region filter to ``code`` at its own level, with the levels above it. */
  async function filterByRegion(code) {
    const data = await gql("Region", { code });
    const chain = {};
    for (let r = data.region; r; r = r.parent) if (["province", "city", "county"].includes(r.level)) chain[r.level] = r.code;
    writeHash({ province: chain.province || "", city: chain.city || "", county: chain.county || "", report: "" });
  }

  // ---- Search: agencies by name, regions by name ------------------------------------------------------

  function placeOf(region) {
    const names = [];
    for (let r = region; r; r = r.parent) names.unshift(r.name);
    return names.join(" ");
  }

  /** Regions (province, city, county) and agencies matching ``text``, as buttons in ``box``. */
  async function searchInto(box, text, onRegion, onAgency) {
    if (!text.trim()) {
      box.hidden = true;
      return;
    }
    const data = await gql("Search", { text: text.trim(), synthetic: Boolean(readHash().synthetic) });
    const regions = data.regions.edges.map((e) => e.node).filter((r) => r.level !== "town").slice(0, 8);
    const agencies = data.agencyRanking.edges.map((e) => e.node);
    const levels = { province: "省", city: "市", county: "县" };
    box.innerHTML = (regions.length ? `<h3>地区 ${en("Regions")}</h3><ul>${regions.map((r) =>
      `<li><button type="button" data-region="${esc(r.code)}" data-name="${esc(r.name)}">${esc(r.name)}
        <span class="where">${esc(levels[r.level] || r.level)} · ${esc(placeOf(r.parent))}</span></button></li>`).join("")}</ul>` : "") +
      (agencies.length ? `<h3>机关 ${en("Agencies")} (${fmt(data.agencyRanking.totalCount)})</h3><ul>${agencies.map((a) =>
        `<li><button type="button" data-agency="${a.agency.id}" data-name="${esc(a.agency.name)}">${esc(a.agency.name)}${syntheticBadge(a.agency)}
          <span class="where">${esc(placeOf(a.agency.region) || "未定位 unplaced")} · ${fmt(a.reports)} 份报告 ${en("reports")}</span></button></li>`).join("")}</ul>` : "") ||
      `<p class="none">没有找到 ${en("Nothing found")}</p>`;
    box.hidden = false;
    box.onclick = (ev) => {
      const region = ev.target.closest("[data-region]");
      const agency = ev.target.closest("[data-agency]");
      if (region) onRegion(region.dataset.region, region.dataset.name);
      else if (agency) onAgency(agency.dataset.agency, agency.dataset.name);
      else return;
      box.hidden = true;
    };
  }

  function debounce(fn, ms) {
    let timer = null;
    return (...args) => {
      clearTimeout(timer);
      timer = setTimeout(() => fn(...args), ms);
    };
  }

  const searchBox = $("#search-results");
  $("#search-input").addEventListener("input", debounce((ev) => {
    searchInto(searchBox, ev.target.value,
      (code) => { $("#search-input").value = ""; filterByRegion(code).catch(showError); },
      (id, name) => { agencyNames.set(id, name); $("#search-input").value = ""; writeHash({ agency: id, q: "", report: "" }); },
    ).catch(showError);
  }, 250));
  $("#search-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    searchBox.hidden = true;
    writeHash({ q: $("#search-input").value.trim(), report: "" });
  });
  document.addEventListener("keydown", (ev) => {
    if (ev.key === "Escape") $$(".results").forEach((box) => { box.hidden = true; });
  });
  document.addEventListener("click", (ev) => {
    if (!ev.target.closest(".finder, .picker")) $$(".results").forEach((box) => { box.hidden = true; });
  });

  // ---- Headline figures --------------------------------------------------------------------------------

  function setFigure(id, value, text, sub) {
    const card = document.getElementById(id);
    const el = $(".value", card);
    el.dataset.value = value === null || value === undefined ? "" : String(value);
    el.textContent = text;
    $(".sub", card).textContent = sub || "";
  }

  const rowTotal = (rows, key) => {
    const row = rows.find((r) => r.key === key);
    return row ? row.total : null;
  };
  const rowsTotal = (rows, match) => sum(rows.filter((r) => (Array.isArray(match) ? match.includes(r.key) : match(r.key))).map((r) => r.total));

  function regionLevel(s) {
    if (s.county || s.city) return "COUNTY";
    if (s.province) return "CITY";
    return "PROVINCE";
  }

  // ---- Charts ------------------------------------------------------------------------------------------------

  const charts = {};
  const tables = {}; // each chart's data as rows, for its CSV
  const AXIS = { axisLabel: { hideOverlap: true, formatter: (v) => fmt(v) } };

  function chart(name) {
    if (!charts[name]) {
      charts[name] = echarts.init(document.getElementById(`chart-${name}`), null, { locale: "ZH", renderer: "canvas" });
    }
    return charts[name];
  }

  /** Options every chart shares; ``description`` is what a screen reader hears (ECharts' aria option). */
  function base(description, extra) {
    return {
      aria: { enabled: true, label: { description } },
      animationDuration: 300,
      tooltip: { confine: true, valueFormatter: (v) => fmt(v) },
      legend: { show: false },
      ...extra,
    };
  }

  /** An HTML legend (wraps on a phone, works from the keyboard) whose buttons show and hide series. */
  function toggleLegend(name, items) {
    const box = $(`#legend-${name}`);
    box.dataset.toggles = "";
    box.innerHTML = items.map(([seriesName, zh, english, color]) =>
      `<button type="button" aria-pressed="true" data-series="${esc(seriesName)}"><span class="swatch" style="background:${color}"></span>${esc(zh)} ${en(english)}</button>`).join("");
    box.onclick = (ev) => {
      const button = ev.target.closest("[data-series]");
      if (!button) return;
      const on = button.getAttribute("aria-pressed") !== "true";
      button.setAttribute("aria-pressed", String(on));
      chart(name).dispatchAction({ type: on ? "legendSelect" : "legendUnSelect", name: button.dataset.series });
    };
  }

  function showEmpty(name, empty) {
    const panel = $(`#panel-${name}`);
    $(".empty", panel).hidden = !empty;
    $(`#chart-${name}`).hidden = empty;
    const legend = $(`#legend-${name}`);
    if (legend) legend.hidden = empty;
    panel.dataset.empty = String(empty);
    if (!empty && charts[name]) charts[name].resize();
  }

  function drawOutcomes(byYear, perReport) {
    const years = byYear.map((g) => String(g.year));
    const value = (g, match) => {
      const total = sum(g.applications.rows.filter((r) => match(r.key)).map((r) => r.total));
      return perReport ? (total === null || !g.reports ? null : Math.round((total / g.reports) * 10) / 10) : total;
    };
    const series = OUTCOMES.map(([key, zh, english, match, color]) => ({
      name: `${zh} ${english}`, id: key, type: "bar", stack: "outcomes", itemStyle: { color },
      emphasis: { focus: "series" }, data: byYear.map((g) => value(g, match)),
    }));
    series.push({
      name: "报告数 Reports", id: "reports", type: "line", yAxisIndex: 1, itemStyle: { color: "#57606a" },
      lineStyle: { type: "dashed" }, symbolSize: 6, data: byYear.map((g) => g.reports),
    });
    const totals = byYear.map((g) => [g.year, rowTotal(g.applications.rows, "outcome_total"), g.reports]);
    const described = `§3 办理结果（按年度）${perReport ? "，每份报告平均" : ""}：${totals.map(([y, n, r]) =>
      `${y} 年办结 ${fmt(perReport && r ? Math.round((n / r) * 10) / 10 : n)} 件（${fmt(r)} 份报告）`).join("；")}。`;
    chart("outcomes").setOption(base(described, {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, confine: true, valueFormatter: (v) => fmt(v) },
      grid: { left: 4, right: 4, top: 28, bottom: 4, containLabel: true },
      xAxis: { type: "category", data: years, axisLabel: { hideOverlap: true } },
      yAxis: [
        { type: "value", name: perReport ? "件/每份报告" : "件", ...AXIS, nameTextStyle: { align: "left" } },
        { type: "value", name: "报告", ...AXIS, splitLine: { show: false }, nameTextStyle: { align: "right" } },
      ],
      series,
    }), { notMerge: true });
    toggleLegend("outcomes", [...OUTCOMES.map(([, zh, english, , color]) => [`${zh} ${english}`, zh, english, color]),
      ["报告数 Reports", "报告数", "Reports", "#57606a"]]);
    $("#chart-outcomes").dataset.years = years.join(",");
    tables.outcomes = [["year", "reports", ...OUTCOMES.map(([key]) => perReport ? `${key}_per_report` : key)],
      ...byYear.map((g) => [g.year, g.reports, ...OUTCOMES.map(([, , , match]) => value(g, match))])];
    showEmpty("outcomes", byYear.length === 0);
  }

  function drawRates(byYear) {
    const years = byYear.map((g) => String(g.year));
    const rate = (g, match) => ratio(rowsTotal(g.applications.rows, match), rowTotal(g.applications.rows, "outcome_total"));
    const last = byYear[byYear.length - 1];
    const described = last ? `办理结果占比，${byYear[0].year}–${last.year} 年；${last.year} 年：${RATES.map(([, zh, , match]) =>
      `${zh} ${pct(rate(last, match))}`).join("，")}。` : "没有符合条件的报告。";
    chart("rates").setOption(base(described, {
      tooltip: { trigger: "axis", confine: true, valueFormatter: (v) => pct(v) },
      grid: { left: 4, right: 12, top: 16, bottom: 4, containLabel: true },
      xAxis: { type: "category", data: years, axisLabel: { hideOverlap: true } },
      yAxis: { type: "value", min: 0, axisLabel: { formatter: (v) => pct(v), hideOverlap: true } },
      series: RATES.map(([key, zh, english, match, color]) => ({
        name: `${zh} ${english}`, id: key, type: "line", symbolSize: 7, itemStyle: { color },
        data: byYear.map((g) => rate(g, match)),
      })),
    }), { notMerge: true });
    toggleLegend("rates", RATES.map(([, zh, english, , color]) => [`${zh} ${english}`, zh, english, color]));
    tables.rates = [["year", "outcome_total", ...RATES.map(([key]) => `${key}_rate`)],
      ...byYear.map((g) => [g.year, rowTotal(g.applications.rows, "outcome_total"), ...RATES.map(([, , , match]) => rate(g, match))])];
    showEmpty("rates", byYear.length === 0);
  }

  const REGION_MEASURES = {
    applications: ["收到申请", "Applications received", (g) => rowTotal(g.applications.rows, "new_received"), fmt],
    perReport: ["每份报告平均申请", "Applications per report",
      (g) => { const v = ratio(rowTotal(g.applications.rows, "new_received"), g.reports); return v === null ? null : Math.round(v * 10) / 10; }, fmt],
    grantRate: ["公开率", "Grant rate", (g) => ratio(rowsTotal(g.applications.rows, ["granted", "partially_granted"]), rowTotal(g.applications.rows, "outcome_total")), pct],
    reports: ["报告数", "Reports", (g) => g.reports, fmt],
  };

  function drawRegions(groups, level, measure) {
    const field = level.toLowerCase();
    const [zh, english, get, show] = REGION_MEASURES[measure] || REGION_MEASURES.applications;
    const items = groups
      .map((g) => ({ name: g[field] ? g[field].name : "未定位 unplaced", code: g[field] ? g[field].code : "", value: get(g), reports: g.reports }))
      .sort((a, b) => (b.value ?? -1) - (a.value ?? -1));
    const shown = items.slice(0, narrow() ? 12 : 15).reverse();
    const described = `按地区排序（${zh}）：${items.slice(0, 5).map((i) => `${i.name} ${show(i.value)}`).join("，")}${items.length > 5 ? `，等 ${items.length} 个地区` : ""}。`;
    chart("regions").setOption(base(described, {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, confine: true, valueFormatter: (v) => show(v) },
      grid: { left: 4, right: 48, top: 8, bottom: 4, containLabel: true },
      xAxis: { type: "value", axisLabel: { hideOverlap: true, formatter: (v) => show(v) } },
      yAxis: { type: "category", data: shown.map((i) => i.name), axisLabel: { width: narrow() ? 72 : 110, overflow: "truncate" } },
      series: [{ type: "bar", name: `${zh} ${english}`, data: shown.map((i) => ({ value: i.value, code: i.code })),
        itemStyle: { color: "#b5332e" }, label: { show: true, position: "right", formatter: (p) => show(p.value) } }],
    }), { notMerge: true });
    $("#chart-regions").dataset.level = field;
    $("#chart-regions").dataset.codes = shown.map((i) => i.code).reverse().join(",");
    tables.regions = [["region_code", "region", "reports", measure], ...items.map((i) => [i.code, i.name, i.reports, i.value])];
    showEmpty("regions", groups.length === 0);
  }

  function drawKinds(byKind) {
    const items = byKind.filter((g) => g.kind).map((g, n) => ({
      kind: g.kind, name: `${kindLabel(g.kind)[0]} ${kindLabel(g.kind)[1]}`, reports: g.reports,
      value: g.applications.row ? g.applications.row.total : null, color: KIND_COLORS[n % KIND_COLORS.length],
    }));
    const described = `按机关类型的收到申请：${items.map((i) => `${kindLabel(i.kind)[0]} ${fmt(i.value)}`).join("，")}。`;
    chart("kinds").setOption(base(described, {
      tooltip: { trigger: "item", confine: true, valueFormatter: (v) => fmt(v) },
      series: [{
        type: "pie", radius: ["38%", "70%"], stillShowZeroSum: false, name: "收到申请 Applications received", label: { show: !narrow(), formatter: (p) => `${p.name.split(" ")[0]} ${fmt(p.value)}` },
        data: items.map((i) => ({ name: i.name, value: i.value, kind: i.kind, itemStyle: { color: i.color } })),
      }],
    }), { notMerge: true });
    const current = readHash().kind;
    $("#legend-kinds").innerHTML = items.map((i) =>
      `<button type="button" data-kind="${esc(i.kind)}" aria-pressed="${i.kind === current}"><span class="swatch" style="background:${i.color}"></span>${bi(kindLabel(i.kind))} · ${fmt(i.value)}</button>`).join("");
    tables.kinds = [["kind", "reports", "new_received"], ...items.map((i) => [i.kind, i.reports, i.value])];
    showEmpty("kinds", items.length === 0);
  }

  // A legend item of agency kinds, a slice, a bar: each narrows the whole page.
  $("#legend-kinds").addEventListener("click", (ev) => {
    const button = ev.target.closest("[data-kind]");
    if (button) writeHash({ kind: readHash().kind === button.dataset.kind ? "" : button.dataset.kind, report: "" });
  });

  function bindChartClicks() {
    chart("outcomes").on("click", (p) => { if (p.name) writeHash({ year: p.name, report: "" }); });
    chart("rates").on("click", (p) => { if (p.name) writeHash({ year: p.name, report: "" }); });
    chart("kinds").on("click", (p) => { if (p.data && p.data.kind) writeHash({ kind: p.data.kind, report: "" }); });
    chart("regions").on("click", (p) => {
      const code = p.data && p.data.code;
      if (!code) return;
      const level = $("#chart-regions").dataset.level;
      const s = readHash();
      if (level === "province") writeHash({ province: code, city: "", county: "", report: "" });
      else if (level === "city") writeHash({ city: code, county: "", report: "" });
      else if (level === "county" && s.county !== code) writeHash({ county: code, report: "" });
    });
  }

  let overview = null;

  async function loadOverview() {
    const s = readHash();
    const level = regionLevel(s);
    const data = await gql("Overview", { filter: currentFilter(), regionLevel: [level] });
    $("#headline-synthetic").hidden = !s.synthetic;
    overview = { data, level };
    const total = data.total[0] || { reports: 0, inconsistentReports: 0, applications: { rows: [] } };
    const rows = total.applications.rows;
    const received = rowTotal(rows, "new_received");
    const granted = sum([rowTotal(rows, "granted"), rowTotal(rows, "partially_granted")]);
    const processed = rowTotal(rows, "outcome_total");
    const share = ratio(granted, processed);
    const years = data.byYear.length;
    setFigure("fig-reports", total.reports, fmt(total.reports),
      years ? `${years} 个年度 · ${years} year${years > 1 ? "s" : ""}` : "没有符合条件的报告 · No reports match");
    setFigure("fig-applications", received, fmt(received),
      total.reports ? `每份报告 ${fmt(ratio(received, total.reports))} · per report` : "");
    setFigure("fig-granted", share === null ? null : share.toFixed(4), pct(share),
      processed ? `${fmt(granted)} / ${fmt(processed)} 已办结 · processed` : "");
    setFigure("fig-failed", total.inconsistentReports, fmt(total.inconsistentReports),
      total.reports ? `${pct(total.inconsistentReports / total.reports)} 的报告 · of reports` : "");
    $("#fig-failed").setAttribute("aria-pressed", String(Boolean(s.failed)));
    drawCharts();
  }

  function drawCharts() {
    if (!overview) return;
    const s = readHash();
    const { data, level } = overview;
    $$("#panel-outcomes [data-per]").forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.per === s.per)));
    $("#region-measure").value = REGION_MEASURES[s.rm] ? s.rm : "applications";
    drawOutcomes(data.byYear, Boolean(s.per));
    drawRates(data.byYear);
    drawRegions(data.byRegion, level, $("#region-measure").value);
    drawKinds(data.byKind);
  }

  $("#panel-outcomes .toggle").addEventListener("click", (ev) => {
    const button = ev.target.closest("[data-per]");
    if (button) writeHash({ per: button.dataset.per });
  });
  $("#region-measure").addEventListener("change", (ev) => writeHash({ rm: ev.target.value === "applications" ? "" : ev.target.value }));

  // CSV and PNG of every chart.
  document.addEventListener("click", (ev) => {
    const button = ev.target.closest("[data-csv], [data-png]");
    if (!button) return;
    const tag = exportTag();
    if (button.dataset.csv) {
      const name = button.dataset.csv;
      download(`xxgk-${name}${tag}.csv`, csv(tables[name] || []), "text/csv;charset=utf-8");
    } else {
      const name = button.dataset.png;
      const url = chart(name).getDataURL({ type: "png", pixelRatio: 2, backgroundColor: "#ffffff" });
      fetch(url).then((r) => r.blob()).then((blob) => download(`xxgk-${name}${tag}.png`, blob));
    }
  });

  function exportTag() {
    const s = readHash();
    return ["year", "county", "city", "province", "kind", "template"].filter((k) => s[k]).slice(0, 3).map((k) => `-${s[k]}`).join("")
      + (s.failed ? "-failed" : "") + (s.synthetic ? "-synthetic" : "");
  }

  window.addEventListener("resize", debounce(() => Object.values(charts).forEach((c) => c.resize()), 100));

  // ---- Failed checks -------------------------------------------------------------------------------------

  async function loadFailures() {
    const s = readHash();
    const panel = $("#failures");
    panel.hidden = !s.failed;
    if (!s.failed) return;
    const data = await gql("Failures", { filter: currentFilter() });
    const checkLabel = (code) => LABELS.checks[code] || [code, code];
    $("#failure-codes").innerHTML = data.failedChecks.map((c) =>
      `<li><button type="button" data-check="${esc(c.code)}" aria-pressed="${c.code === s.check}">
        <span class="n">${fmt(c.reports)}</span><code>${esc(c.code)}</code> ${esc(checkLabel(c.code)[0])}
        ${en(checkLabel(c.code)[1])}</button></li>`).join("")
      || `<li class="hint">没有未通过的核对 ${en("No failed check")}</li>`;
    const reports = data.reports;
    $("#failure-count").textContent = `${fmt(reports.edges.length)} / ${fmt(reports.totalCount)}`;
    $("#failure-reports").innerHTML = reports.edges.map(({ node: r }) =>
      `<li><a href="#" data-report="${r.id}">${esc(r.agency.name)} ${r.year}</a>${syntheticBadge(r)}
        <span class="hint">${esc(r.agency.region ? r.agency.region.name : "")} · 未通过 ${fmt(r.consistency.failed)} ${en("failed")}</span></li>`).join("")
      || `<li class="hint">没有符合条件的报告 ${en("No reports match")}</li>`;
  }

  $("#fig-failed").addEventListener("click", () => {
    const s = readHash();
    writeHash({ failed: s.failed ? "" : "1", check: "", report: "" });
    if (!s.failed) focusAfterLoad("#failures-title");
  });
  $("#failure-codes").addEventListener("click", (ev) => {
    const button = ev.target.closest("[data-check]");
    if (button) writeHash({ check: readHash().check === button.dataset.check ? "" : button.dataset.check, report: "" });
  });

  let focusTarget = null;
  function focusAfterLoad(selector) { focusTarget = selector; }

  // ---- Agencies ranked -------------------------------------------------------------------------------------

  let ranks = [];
  let rankCursor = null;

  function rankOrder() {
    const s = readHash();
    const by = MEASURES.includes(s.by) ? s.by : "applications";
    // Data quality reads worst first; every other measure largest first.
    const ascending = s.asc ? s.asc === "1" : by === "pass_rate";
    return { by, ascending };
  }

  async function loadRanking(more) {
    const { by, ascending } = rankOrder();
    const data = await gql("Ranking", { filter: currentFilter(), by: by.toUpperCase(), ascending, after: more ? rankCursor : null });
    const page = data.agencyRanking;
    ranks = (more ? ranks : []).concat(page.edges.map((e) => e.node));
    rankCursor = page.pageInfo.endCursor;
    $("#agency-more").hidden = !page.pageInfo.hasNextPage;
    $("#agency-count").textContent = `${fmt(ranks.length)} / ${fmt(page.totalCount)} 个机关 · agencies`;
    for (const r of ranks) agencyNames.set(String(r.agency.id), r.agency.name);
    renderRanking(by, ascending);
    renderChips(); // an agency filter's chip can now name it
  }

  function renderRanking(by, ascending) {
    $$("#agency-table th[data-measure]").forEach((th) => {
      th.setAttribute("aria-sort", th.dataset.measure === by ? (ascending ? "ascending" : "descending") : "none");
    });
    $("#agency-table tbody").innerHTML = ranks.map((r) => {
      const a = r.agency;
      const score = r.passRate;
      const tone = score === null ? "" : score >= 0.999 ? "good" : score >= 0.95 ? "fair" : "poor";
      const years = a.reports.edges.map((e) => e.node)
        .map((rep) => `<a href="#" class="year ${rep.consistency.ok ? "" : "bad"}" data-report="${rep.id}" aria-label="${esc(a.name)} ${rep.year}${rep.consistency.ok ? "" : "（有未通过的核对 failed a check）"}">${rep.year}</a>`)
        .join(" ");
      return `<tr data-agency="${a.id}">
        <td class="num">${r.rank}</td>
        <th scope="row" class="sticky">${esc(a.name)}${syntheticBadge(a)}<span class="where">${esc(placeOf(a.region) || "未定位 unplaced")}</span></th>
        <td>${bi(kindLabel(a.kind))}</td>
        <td class="num" data-field="reports">${fmt(r.reports)}</td>
        <td class="num" data-field="applications" data-value="${r.applications ?? ""}">${fmt(r.applications)}</td>
        <td class="num" data-field="grant_rate" data-value="${r.grantRate ?? ""}">${pct(r.grantRate)}</td>
        <td class="num" data-field="checks_failed" data-value="${r.checksFailed}">${fmt(r.checksFailed)}</td>
        <td class="num score ${tone}" data-field="pass_rate" data-value="${score ?? ""}">${pct(score)}</td>
        <td class="years">${years}</td></tr>`;
    }).join("") || `<tr><td colspan="9" class="empty-row">没有符合条件的机关 · <span lang="en">No agency matches</span></td></tr>`;
  }

  $("#agency-table thead").addEventListener("click", (ev) => {
    const th = ev.target.closest("th[data-measure]");
    if (!th) return;
    const { by, ascending } = rankOrder();
    const measure = th.dataset.measure;
    const natural = measure === "pass_rate";
    const next = measure === by ? !ascending : natural;
    writeHash({ by: measure === "applications" ? "" : measure, asc: next === natural ? "" : next ? "1" : "0" });
  });
  $("#agency-more").addEventListener("click", () => loadRanking(true).catch(showError));

  // ---- Compare two regions or agencies ---------------------------------------------------------------------

  function pickerSetup(side) {
    const input = $(`#pick-${side}`);
    const box = $(`#pick-${side}-results`);
    input.addEventListener("input", debounce(() => {
      searchInto(box, input.value,
        (code) => { input.value = ""; writeHash({ [side]: `r${code}` }); },
        (id, name) => { agencyNames.set(id, name); input.value = ""; writeHash({ [side]: `g${id}` }); },
      ).catch(showError);
    }, 250));
  }
  pickerSetup("a");
  pickerSetup("b");

  const compareFilter = (item) => ({
    ...(item.startsWith("r") ? { regionCode: item.slice(1) } : { agencyId: Number(item.slice(1)) }),
    ...(readHash().synthetic ? { includeSynthetic: true } : {}),
  });

  async function loadCompare() {
    const s = readHash();
    const figure = $("#panel-compare");
    if (!s.a || !s.b) {
      figure.hidden = true;
      $("#picked-a").textContent = s.a ? "…" : "";
      $("#picked-b").textContent = s.b ? "…" : "";
      if (!s.a && !s.b) return;
    }
    const ids = (item) => (item && item.startsWith("g") ? Number(item.slice(1)) : 0);
    const codes = (item) => (item && item.startsWith("r") ? item.slice(1) : "");
    const data = await gql("Compare", {
      a: s.a ? compareFilter(s.a) : { agencyId: 0 }, b: s.b ? compareFilter(s.b) : { agencyId: 0 },
      regionA: codes(s.a), regionB: codes(s.b), agencyA: ids(s.a), agencyB: ids(s.b),
    });
    const name = (region, agency) => (region ? `${region.name}${region.parent ? `（${region.parent.name}）` : ""}`
      : agency ? `${agency.name}${agency.region ? `（${agency.region.name}）` : ""}` : "");
    const names = { a: name(data.regionA, data.agencyA), b: name(data.regionB, data.agencyB) };
    for (const side of ["a", "b"]) {
      $(`#picked-${side}`).innerHTML = s[side] ? `${esc(names[side] || s[side])} <button type="button" class="tool" data-unpick="${side}" aria-label="移除 Remove ${side.toUpperCase()}">×</button>` : "";
    }
    if (!s.a || !s.b) return;
    figure.hidden = false;
    const years = [...new Set([...data.a, ...data.b].map((g) => g.year))].sort();
    const at = (groups, year) => groups.find((g) => g.year === year);
    const per = (g) => (g ? ratio(rowTotal(g.applications.rows, "new_received"), g.reports) : null);
    const rate = (g) => (g ? ratio(rowsTotal(g.applications.rows, ["granted", "partially_granted"]), rowTotal(g.applications.rows, "outcome_total")) : null);
    const round = (v) => (v === null ? null : Math.round(v * 10) / 10);
    const colors = { a: "#2f6fb5", b: "#b5332e" };
    const series = [];
    for (const side of ["a", "b"]) {
      series.push({ name: `${side.toUpperCase()} 每份报告申请`, type: "bar", itemStyle: { color: colors[side] },
        data: years.map((y) => round(per(at(data[side], y)))) });
      series.push({ name: `${side.toUpperCase()} 公开率`, type: "line", yAxisIndex: 1, itemStyle: { color: colors[side] },
        lineStyle: { type: "dashed" }, data: years.map((y) => rate(at(data[side], y))) });
    }
    const described = `对比 A ${names.a} 与 B ${names.b}，${years[0]}–${years[years.length - 1]} 年：${years.map((y) =>
      `${y} 年每份报告申请 A ${fmt(round(per(at(data.a, y))))}、B ${fmt(round(per(at(data.b, y))))}`).join("；")}。`;
    chart("compare").setOption(base(described, {
      tooltip: { trigger: "axis", confine: true },
      grid: { left: 4, right: 4, top: 28, bottom: 4, containLabel: true },
      xAxis: { type: "category", data: years.map(String), axisLabel: { hideOverlap: true } },
      yAxis: [{ type: "value", name: "件/每份报告", ...AXIS }, { type: "value", name: "公开率", min: 0, max: 1, splitLine: { show: false }, axisLabel: { formatter: (v) => pct(v) } }],
      series,
    }), { notMerge: true });
    chart("compare").resize();
    toggleLegend("compare", series.map((x) => [x.name, x.name, x.type === "bar" ? "per report" : "grant rate", x.itemStyle.color]));
    tables.compare = [["year", "a", "a_reports", "a_per_report", "a_grant_rate", "b", "b_reports", "b_per_report", "b_grant_rate"],
      ...years.map((y) => {
        const ga = at(data.a, y);
        const gb = at(data.b, y);
        return [y, names.a, ga ? ga.reports : 0, per(ga), rate(ga), names.b, gb ? gb.reports : 0, per(gb), rate(gb)];
      })];
  }

  $("#compare").addEventListener("click", (ev) => {
    const button = ev.target.closest("[data-unpick]");
    if (button) writeHash({ [button.dataset.unpick]: "" });
  });

  // ---- Downloads: the /export/… slice of the current filter ---------------------------------------------------

  function renderExports() {
    const s = readHash();
    const params = new URLSearchParams();
    if (s.year) params.set("year", s.year);
    const region = s.county || s.city || s.province;
    if (region) params.set("region", region);
    if (s.synthetic) params.set("include_synthetic", "true");
    const query = params.toString() ? `?${params}` : "";
    const files = [["application_outcomes.csv", "§3 办理情况", "§3 outcomes"], ["reports.csv", "报告", "reports"],
      ["agencies.csv", "机关", "agencies"], ["consistency_results.csv", "核对结果", "check results"],
      ["reports.jsonl", "完整报告", "whole reports"], ["datapackage.json", "数据包说明", "data package"]];
    $("#export-links").innerHTML = files.map(([file, zh, english]) =>
      `<li><a href="/export/${file}${query}" data-export="${file}" download>${esc(zh)} ${en(english)} <code>${file}</code></a></li>`).join("");
    const unapplied = ["kind", "template", "q", "agency", "failed", "check"].filter((k) => s[k]);
    $("#export-scope").innerHTML = `${region || s.year ? "按当前年度与地区" : "全部数据"} ${en(region || s.year ? "For the year and region selected" : "The whole dataset")}`
      + (unapplied.length ? ` · 不含其他筛选（${unapplied.map((k) => esc(CHIP_LABELS[k](s[k]))).join("、")}） ${en("other filters are not applied to the files")}` : "");
  }

  // ---- Report view ------------------------------------------------------------------------------------------------

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
        : $$("#s3 tr[data-row]").map((tr) => tr.dataset.row)
          .filter((r) => !["new_received", "carried_over", "carried_forward"].includes(r));
      return { section: "s3", key: `s3:outcome_total:${loc.column}`, cells: rows.map((r) => `s3:${r}:${loc.column}`) };
    }
    return { section: "other", key: null, cells: [] };
  }

  const PATH_OF = { s2: "proactive", s3: "applications", s4: "reviews" };
  let provenanceOf = new Map();

  function cell(id, value, label) {
    const empty = value === null || value === undefined;
    const [section, a, b] = id.split(":");
    const path = `${PATH_OF[section]}.${a}.${b}`;
    const provenance = provenanceOf.get(path) || "stated";
    return `<td class="num${empty ? " empty" : ""} ${provenance}" data-cell="${id}" data-value="${empty ? "" : esc(value)}">` +
      `<button type="button" class="v" data-path="${path}" aria-label="${esc(label)}：${empty ? "空 empty" : esc(fmt(value))}">${empty ? "—" : esc(fmt(value))}</button></td>`;
  }

  function renderS2(report) {
    const template = report.template;
    const p = report.proactive;
    let html = "";
    for (const [item, categories] of S2_ITEMS[template]) {
      const metrics = LABELS.proactive[template][categories[0]];
      html += `<table class="report-table s2"><thead>
        <tr><th colspan="${metrics.length + 1}" class="item" scope="colgroup">第二十条第${item}项</th></tr>
        <tr><th scope="col">信息内容 ${en("Item")}</th>${metrics.map((m) => `<th scope="col">${bi(LABELS.metrics[m])}</th>`).join("")}</tr>
        </thead><tbody>`;
      for (const category of categories) {
        const values = p[camel(category)] || {};
        html += `<tr data-category="${category}"><th scope="row">${bi(LABELS.categories[category])}</th>` +
          LABELS.proactive[template][category].map((m) =>
            cell(`s2:${category}:${m}`, values[camel(m)], `${LABELS.categories[category][0]} ${LABELS.metrics[m][0]}`)).join("") + "</tr>";
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
    const values = (r) => COLUMNS.map((c) => cell(`s3:${r.key}:${c}`, r[camel(c)], `${r.label} · ${col[c][0]}`)).join("");
    const compact = narrow();
    const table = $("#s3");
    table.classList.toggle("compact", compact);
    if (compact) {
      // A phone: one sticky label column, so a row's label stays beside its numbers while they scroll.
      let html = `<thead><tr><th scope="col" class="rowlabel">${esc("项目")} ${en("Row")}</th>${COLUMNS.map((c) => `<th scope="col">${bi(col[c])}</th>`).join("")}</tr></thead><tbody>`;
      for (const r of rows) html += `<tr data-row="${r.key}"><th scope="row" class="rowlabel">${esc(r.label)}</th>${values(r)}</tr>`;
      table.innerHTML = html + "</tbody>";
      return;
    }
    let html = `<thead>
      <tr><th colspan="3" rowspan="3" class="corner">（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</th>
        <th colspan="7" scope="colgroup">申请人情况 ${en("Applicant")}</th></tr>
      <tr><th rowspan="2" scope="col">${bi(col.natural_person)}</th><th colspan="5" scope="colgroup">法人或其他组织 ${en("Legal persons or other organisations")}</th>
        <th rowspan="2" scope="col">${bi(col.total)}</th></tr>
      <tr>${COLUMNS.filter((c) => c !== "natural_person" && c !== "total").map((c) => `<th scope="col">${bi(col[c])}</th>`).join("")}</tr>
      </thead><tbody>`;
    const seen = new Set();
    for (const r of rows) {
      let head;
      if (r.key === "new_received" || r.key === "carried_over" || r.key === "carried_forward") {
        head = `<th colspan="3" class="rowlabel" scope="row">${esc(r.label)}</th>`;
      } else {
        head = r === outcome[0] ? `<th rowspan="${outcome.length}" class="rowgroup">三、本年度办理结果</th>` : "";
        const h = heading(r);
        if (h === null) {
          head += `<th colspan="2" class="rowlabel" scope="row">${esc(r.label)}</th>`;
        } else {
          if (!seen.has(h)) head += `<th rowspan="${span(h)}" class="rowgroup">${esc(h)}</th>`;
          seen.add(h);
          head += `<th class="rowlabel" scope="row">${esc(r.label.slice(h.length + 1))}</th>`;
        }
      }
      html += `<tr data-row="${r.key}">${head}${values(r)}</tr>`;
    }
    table.innerHTML = html + "</tbody>";
  }

  function renderS4(report) {
    const rv = report.reviews;
    const g = LABELS.groups;
    const results = RESULTS.map((r) => `<th scope="col">${bi(LABELS.results[r])}</th>`).join("");
    $("#s4").innerHTML = `<thead>
      <tr><th colspan="5" rowspan="2" scope="colgroup">${bi(g.review)}</th><th colspan="10" scope="colgroup">行政诉讼 ${en("Litigation")}</th></tr>
      <tr><th colspan="5" scope="colgroup">未经复议直接起诉 ${en(g.litigation_direct[1])}</th>
        <th colspan="5" scope="colgroup">复议后起诉 ${en(g.litigation_after_review[1])}</th></tr>
      <tr>${results}${results}${results}</tr></thead>
      <tbody><tr>${GROUPS.map((group) => RESULTS.map((r) =>
        cell(`s4:${group}:${r}`, rv[camel(group)][r], `${g[group][0]} ${LABELS.results[r][0]}`)).join("")).join("")}</tr></tbody>`;
  }

  function renderChecks(report) {
    const lists = { s2: [], s3: [], s4: [], other: [] };
    report.consistency.checks.forEach((check, i) => {
      const n = i + 1;
      const where = cellsOf(check, report.template);
      const tone = check.severity === "warning" ? "warn" : "failed";
      for (const id of where.cells) {
        const td = $(`[data-cell="${id}"]`);
        if (td) td.classList.add(tone);
      }
      const key = where.key && $(`[data-cell="${where.key}"]`);
      if (key) {
        key.classList.add(tone, "key");
        key.title = (key.title ? key.title + "\n" : "") + `[${n}] ${check.message}`;
        key.insertAdjacentHTML("beforeend", `<sup class="mark" data-check="${n}">${n}</sup>`);
      }
      const section = key ? where.section : "other";
      const expected = check.expected === null ? "" : ` · 应为 ${en("expected")} ${esc(fmt(Number(check.expected)))}`;
      const actual = check.actual === null ? "" : ` · 实为 ${en("actual")} ${esc(fmt(Number(check.actual)))}`;
      const label = LABELS.checks[check.code];
      lists[section].push(`<li class="check ${tone}" data-check="${n}" data-code="${esc(check.code)}" data-location="${esc(check.location)}">
        <span class="mark">${n}</span> <code>${esc(check.code)}</code> <span class="message">${esc(check.message)}</span>
        <span class="detail">${expected}${actual}${label ? ` · ${en(label[1])}` : ""}</span></li>`);
    });
    for (const section of ["s2", "s3", "s4", "other"]) $(`#${section}-checks`).innerHTML = lists[section].join("");
    $("#other-checks-box").hidden = lists.other.length === 0;
  }

  let shownReport = null;
  let reportData = null;
  let opener = null;

  function renderReport(report) {
    report.template = templateOf(report.template);
    reportData = report;
    provenanceOf = new Map(report.provenance.map((p) => [p.path, p.provenance]));
    $("#report-title").textContent = report.title || `${report.agency.name} ${report.year}`;
    $("#report-synthetic").hidden = !report.synthetic;
    const uri = report.source.uri;
    const link = /^https?:\/\//.test(uri) ? `<a href="${esc(uri)}" target="_blank" rel="noopener">原文 ${en("published original")}</a>` : `<code>${esc(uri)}</code>`;
    $("#report-meta").innerHTML = [
      esc(report.agency.name), bi(kindLabel(report.agency.kind)), esc(placeOf(report.agency.region) || "未定位 unplaced"),
      `${report.year} 年度 · ${esc(templateOf(report.template))} 版模板 ${en("template")}`,
      report.publishedAt ? `发布 ${en("published")} ${esc(report.publishedAt)}` : "",
      `来源 ${en("source")} ${link} (${esc(report.source.format)})`,
    ].filter(Boolean).join(" · ");
    const c = report.consistency;
    $("#report-consistency").innerHTML = `<span class="chip ${c.ok ? "good" : "poor"}" data-ok="${c.ok}">
        ${c.ok ? `核对通过 ${en("Consistent")}` : `有未通过的核对 ${en("Failed checks")}`}</span>
      <span class="chip">通过 ${en("passed")} ${fmt(c.passed)}</span><span class="chip">未通过 ${en("failed")} ${fmt(c.failed)}</span>
      <span class="chip">无法核对 ${en("not checkable")} ${fmt(c.notCheckable)}</span><span class="chip">提示 ${en("warnings")} ${fmt(c.warnings)}</span>`;
    renderS2(report);
    renderS3(report);
    renderS4(report);
    renderChecks(report);
    $("#report-issues").innerHTML = report.issues.length
      ? report.issues.map((i) => {
        const label = LABELS.issues[i.code];
        return `<li class="issue ${esc(i.severity)}" data-code="${esc(i.code)}"><code>${esc(i.code)}</code>
          <span class="sev">${esc(i.severity)}</span>${i.line ? ` <button type="button" class="line" data-line="${i.line}">第 ${i.line} 行 ${en("line")}</button>` : ""}
          ${label ? esc(label[0]) : ""} ${en(i.message)}</li>`;
      }).join("")
      : `<li class="none">无 ${en("None")}</li>`;
    for (const [id, other, text] of [["#report-prev", report.previous, "←"], ["#report-next", report.next, "→"]]) {
      const button = $(id);
      button.hidden = !other;
      if (other) {
        button.textContent = id === "#report-prev" ? `${text} ${other.year}` : `${other.year} ${text}`;
        button.dataset.report = other.id;
      }
    }
    // On a phone the first failed cell is scrolled into sight within its table.
    const failed = $("#report td.key");
    if (failed) {
      const scroller = failed.closest(".scroll");
      const sticky = $("th.rowlabel", scroller);
      scroller.scrollLeft = Math.max(0, failed.offsetLeft - (sticky ? sticky.offsetWidth : 0) - 8);
    }
  }

  async function loadReport() {
    const id = readHash().report;
    const section = $("#report");
    if (!id) {
      if (shownReport !== null && opener && document.contains(opener)) opener.focus();
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
    section.scrollIntoView({ block: "start" });
    $("#report-title").focus({ preventScroll: true });
  }

  document.addEventListener("click", (ev) => {
    const link = ev.target.closest("[data-report]");
    if (!link) return;
    ev.preventDefault();
    if (!link.closest("#report")) opener = link;
    writeHash({ report: link.dataset.report });
  });
  $("#report-close").addEventListener("click", () => writeHash({ report: "" }));
  $("#report-json").addEventListener("click", () => {
    if (reportData) download(`xxgk-report-${reportData.id}.json`, JSON.stringify(reportData, null, 2), "application/json");
  });
  window.addEventListener("resize", debounce(() => {
    // The §3 table changes shape between a phone and a wider screen.
    if (reportData && $("#s3").classList.contains("compact") !== narrow()) renderReport(reportData);
  }, 150));

  // ---- Where a number came from --------------------------------------------------------------------------------------

  const dialog = $("#source");
  let sourceOpener = null;

  function linesHtml(lines, location) {
    return `<ol class="lines" start="${lines.length ? lines[0].number : 1}">${lines.map((l) => {
      if (!location || l.number !== location.line) return `<li>${esc(l.text) || " "}</li>`;
      const t = l.text;
      return `<li class="here" data-line="${l.number}">${esc(t.slice(0, location.start))}<mark>${esc(t.slice(location.start, location.end))}</mark>${esc(t.slice(location.end))}</li>`;
    }).join("")}</ol>`;
  }

  function originalLink() {
    const uri = reportData.source.uri;
    return /^https?:\/\//.test(uri)
      ? `<p><a href="${esc(uri)}" target="_blank" rel="noopener" id="source-original">查看公开的原文 ${en("Open the published original")}</a></p>`
      : `<p class="hint">来源 ${en("source")} <code>${esc(uri)}</code></p>`;
  }

  function openDialog(title) {
    sourceOpener = document.activeElement;
    $("#source-title").innerHTML = title;
    $("#source-body").innerHTML = `<p class="hint">加载中… ${en("Loading…")}</p>`;
    if (!dialog.open) dialog.showModal();
  }

  async function showValueSource(button) {
    const td = button.closest("td");
    const path = button.dataset.path;
    openDialog(esc(button.getAttribute("aria-label")));
    const data = await gql("ValueSource", { id: reportData.id, path });
    const source = data.report.valueSource;
    const [zh, english] = LABELS.provenance[source.provenance] || [source.provenance, source.provenance];
    const where = source.location
      ? `第 ${source.location.line} 行，第 ${source.location.start + 1}–${source.location.end} 字 ${en(`line ${source.location.line}, characters ${source.location.start + 1}–${source.location.end}`)}`
      : `原文中没有记录位置 ${en("No place in the text was recorded for this value")}`;
    $("#source-body").innerHTML = `<p><span class="provenance ${esc(source.provenance)}" data-provenance="${esc(source.provenance)}">${esc(zh)} ${en(english)}</span>
        <code>${esc(source.path)}</code> = <strong>${esc(td.dataset.value ? fmt(Number(td.dataset.value)) : "—")}</strong></p>
      <p class="hint">${where}</p>
      ${source.lines.length ? linesHtml(source.lines, source.location) : ""}
      ${originalLink()}`;
  }

  async function showLines(line) {
    openDialog(`原文第 ${line} 行 ${en(`Line ${line} of the document`)}`);
    const data = await gql("SourceLines", { id: reportData.id, first: Math.max(1, line - 3), last: line + 3 });
    const lines = data.report.sourceLines;
    $("#source-body").innerHTML = (lines.length ? linesHtml(lines, { line, start: 0, end: 0 }) : `<p class="hint">没有存储原文 ${en("No stored text")}</p>`) + originalLink();
  }

  $("#report").addEventListener("click", (ev) => {
    const value = ev.target.closest("button.v");
    const line = ev.target.closest("button.line");
    if (value) showValueSource(value).catch(showError);
    else if (line) showLines(Number(line.dataset.line)).catch(showError);
  });
  $("#source-close").addEventListener("click", () => dialog.close());
  dialog.addEventListener("close", () => { if (sourceOpener && document.contains(sourceOpener)) sourceOpener.focus(); });
  dialog.addEventListener("click", (ev) => { if (ev.target === dialog) dialog.close(); });

  // ---- Wiring ------------------------------------------------------------------------------------------

  let lastFilter = null;
  let lastRanking = null;
  let lastCompare = null;

  async function refresh() {
    $("#error").hidden = true;
    const s = readHash();
    const filterKey = JSON.stringify(FILTER_KEYS.map((k) => s[k]));
    if (Boolean(s.synthetic) !== options.synthetic) await loadFilterOptions(); // the years and kinds there are
    const rankingKey = filterKey + s.by + s.asc;
    const compareKey = `${s.a}|${s.b}|${s.synthetic}`;
    const work = [loadReport()];
    if (filterKey !== lastFilter) {
      lastFilter = filterKey;
      renderChips();
      renderExports();
      work.push(loadFacets(), loadPlaces(), loadOverview(), loadFailures());
    } else {
      drawCharts(); // a view changed (per report, region measure): no new data needed
    }
    if (rankingKey !== lastRanking) {
      lastRanking = rankingKey;
      work.push(loadRanking(false));
    }
    if (compareKey !== lastCompare) {
      lastCompare = compareKey;
      work.push(loadCompare());
    }
    const results = await Promise.allSettled(work);
    const failed = results.find((r) => r.status === "rejected");
    if (failed) {
      lastFilter = lastRanking = lastCompare = null; // so that a retry loads everything again
      shownReport = null;
      showError(failed.reason);
    }
    if (focusTarget) {
      const target = $(focusTarget);
      focusTarget = null;
      if (target && !target.closest("[hidden]")) target.focus();
    }
    document.body.dataset.ready = "true";
  }

  async function start() {
    // Filters are open on a wide screen; on a phone they fold away so the charts come first.
    if (!narrow()) $("#filter-box").open = true;
    $("#search-input").value = readHash().q;
    try {
      await loadFilterOptions();
    } catch (err) {
      showError(err);
      document.body.dataset.ready = "true";
      return;
    }
    if (!Object.keys(charts).length) bindChartClicks();
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
