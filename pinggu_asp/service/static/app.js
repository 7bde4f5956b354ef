// The auditors' page. Everything it shows comes from the service's answers
// (pinggu-explanation/1 is bilingual); it decides nothing itself.
"use strict";

const LABELS = {
  zh: {
    title: "平谷区高端制造业措施资格审查", language: "语言", token: "访问令牌", declaration: "申报材料",
    upload: "上传文件（YAML 或 JSON）", load_example: "载入示例", readings: "可选解读（SPEC §7）", check: "审查",
    working: "处理中…", invalid: "申报材料有误", result: "审查结果", total: "奖励合计",
    download_json: "下载 JSON 结果", download_report: "下载可打印报告（HTML）", awards: "奖励", clause: "条款",
    basis: "依据", amount: "金额", payer: "支付方", gates: "前提条件", condition: "条件", status: "结论",
    law: "条文", clauses: "各条款", justification: "理由", close: "关闭", whatif: "假设变更",
    whatif_help: "每行一个变更，格式 路径=值，例如 annual[2025].gross_output=120000000", run_whatif: "比较",
    observed: "申报", required: "要求", open: "查看理由", no_awards: "无奖励", before: "变更前", after: "变更后",
    difference: "差额", enterprise: "企业", support_year: "支持年度", empty: "请先上传或粘贴申报材料",
    failed: "请求失败",
  },
  en: {
    title: "Pinggu high-end manufacturing measures: eligibility", language: "Language", token: "Access token",
    declaration: "Declaration", upload: "Upload a file (YAML or JSON)", load_example: "Load the example",
    readings: "Alternative readings (SPEC §7)", check: "Check", working: "Working…", invalid: "The declaration is invalid",
    result: "Result", total: "Total awarded", download_json: "Download the JSON result",
    download_report: "Download the printable report (HTML)", awards: "Awards", clause: "Clause", basis: "Basis",
    amount: "Amount", payer: "Paid by", gates: "Gates", condition: "Condition", status: "Verdict", law: "Text of the law",
    clauses: "Clauses", justification: "Justification", close: "Close", whatif: "What if",
    whatif_help: "One change a line, PATH=VALUE, e.g. annual[2025].gross_output=120000000", run_whatif: "Compare",
    observed: "declared", required: "required", open: "Justification", no_awards: "No awards", before: "Before",
    after: "After", difference: "Difference", enterprise: "Enterprise", support_year: "Support year",
    empty: "Upload or paste a declaration first", failed: "The request failed",
  },
};

const state = { explanation: null, request: null, clause: null };
const $ = (id) => document.getElementById(id);
const lang = () => $("lang").value;
const label = (key) => LABELS[lang()][key] || key;

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key === "class") node.className = value;
    else if (key.startsWith("data-")) node.setAttribute(key, value);
    else node[key] = value;
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

function bi(value) {
  if (value && typeof value === "object" && !Array.isArray(value)) return value[lang()] ?? value.zh ?? "";
  return value ?? "";
}

function headers(json) {
  const out = json ? { "Content-Type": "application/json" } : {};
  const token = $("token").value.trim();
  if (token) out.Authorization = `Bearer ${token}`;
  return out;
}

class ApiError extends Error {
  constructor(status, errors) {
    super(errors.map((e) => `${e.field}: ${e.message}`).join("; "));
    this.status = status;
    this.errors = errors;
  }
}

async function post(path, body) {
  const response = await fetch(path, { method: "POST", headers: headers(true), body: JSON.stringify(body) });
  const text = await response.text();
  if (!response.ok) {
    let errors;
    try { errors = JSON.parse(text).errors; } catch (_) { errors = null; }
    throw new ApiError(response.status, errors || [{ field: "", message: `${label("failed")} (HTTP ${response.status})` }]);
  }
  return text;
}

function relabel() {
  document.documentElement.lang = lang();
  for (const node of document.querySelectorAll("[data-label]")) node.textContent = label(node.dataset.label);
}

function showErrors(box, errors) {
  const list = box.querySelector("ul");
  list.replaceChildren(...errors.map((e) => el("li", {}, e.field ? el("span", { class: "field" }, e.field) : null,
    e.field ? ": " : null, e.message)));
  box.hidden = errors.length === 0;
}

function requestBody() {
  const interpretations = [...document.querySelectorAll("#readings input:checked")].map((box) => box.value);
  return { declaration: $("declaration").value, interpretations };
}

function busy(on) { $("busy").hidden = !on; $("check").disabled = on; }

async function runCheck(event) {
  if (event) event.preventDefault();
  const body = requestBody();
  if (!body.declaration.trim()) {
    showErrors($("form-errors"), [{ field: "declaration", message: label("empty") }]);
    return;
  }
  busy(true);
  try {
    state.explanation = JSON.parse(await post("/v1/explain?format=json", body));
    state.request = body;
    showErrors($("form-errors"), []);
    render();
    $("whatif-result").replaceChildren();
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    showErrors($("form-errors"), error.errors);
    $("result").hidden = true;
    if (error.status === 401) $("token").focus();
  } finally {
    busy(false);
  }
}

function statusCell(code, text) {
  return el("td", { class: `status status-${code}` }, text);
}

function render() {
  const model = state.explanation;
  if (!model) return;
  $("result").hidden = false;
  $("enterprise").textContent = `${label("enterprise")}: ${model.enterprise.name} (${model.enterprise.credit_code}) · `
    + `${label("support_year")}: ${model.support_year}`;
  $("total").textContent = bi(model.total_text);

  const awards = model.awards.map((a) => el("tr", {}, el("td", {}, a.clause), el("td", {}, a.basis),
    el("td", { class: "num" }, bi(a.amount_text)), el("td", {}, bi(a.payer_text))));
  $("awards").tBodies[0].replaceChildren(...(awards.length ? awards
    : [el("tr", {}, el("td", { colSpan: 4 }, label("no_awards")))]));

  $("gates").tBodies[0].replaceChildren(...model.gates.map((g) => el("tr", {},
    el("td", {}, el("div", {}, g.id), el("div", {}, bi(g.text))),
    statusCell(g.status, `${g.mark || ""} ${bi(g.status_text)}`),
    el("td", { class: "phrase" }, bi(g.article_text), " ", el("q", {}, g.phrase_zh)))));

  $("clauses").replaceChildren(...model.clauses.map(renderClause));
  if (state.clause) openClause(state.clause);
}

function renderClause(c) {
  const rows = c.conditions.map((cond) => el("tr", {},
    el("td", {}, el("div", {}, cond.id), el("div", {}, bi(cond.text))),
    statusCell(cond.status, `${cond.mark || ""} ${bi(cond.status_text)}`),
    el("td", {}, el("div", {}, `${label("observed")}: ${bi(cond.observed_text)}`),
      el("div", {}, `${label("required")}: ${bi(cond.required_text)}`)),
    el("td", { class: "phrase" }, bi(cond.article_text), " ", el("q", {}, cond.phrase_zh))));
  const button = el("button", { type: "button", class: "open-clause", "data-clause": c.clause }, label("open"));
  button.addEventListener("click", () => openClause(c.clause));
  return el("div", { class: "clause", "data-clause": c.clause },
    el("header", {}, el("h4", {}, c.clause), el("span", {}, c.subject),
      el("span", { class: `status status-${c.status}` }, bi(c.status_text)),
      el("span", {}, bi(c.amount_text)), button),
    el("ul", {}, ...(c.sentences?.[lang()] || []).map((s) => el("li", {}, s))),
    el("table", {}, el("thead", {}, el("tr", {}, el("th", {}, label("condition")), el("th", {}, label("status")),
      el("th", {}, `${label("observed")} / ${label("required")}`), el("th", {}, label("law")))),
    el("tbody", {}, ...rows)));
}

async function openClause(clause) {
  state.clause = clause;
  const query = new URLSearchParams({ format: "html", lang: lang(), clause });
  try {
    const html = await post(`/v1/explain?${query}`, state.request);
    $("justification-clause").textContent = clause;
    $("justification").srcdoc = html;
    $("justification-panel").hidden = false;
    $("justification-panel").scrollIntoView();
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    showErrors($("form-errors"), error.errors);
  }
}

function download(text, name, type) {
  const link = el("a", { href: URL.createObjectURL(new Blob([text], { type })), download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

function fileStem() {
  const e = state.explanation;
  return e ? `${e.enterprise.credit_code}-${e.support_year}` : "result";
}

async function downloadJson() {
  try {
    download(await post("/v1/check", state.request), `${fileStem()}.json`, "application/json");
  } catch (error) {
    if (error instanceof ApiError) showErrors($("form-errors"), error.errors); else throw error;
  }
}

async function downloadReport() {
  try {
    const html = await post(`/v1/explain?format=html&lang=${lang()}`, state.request);
    download(html, `${fileStem()}.html`, "text/html");
  } catch (error) {
    if (error instanceof ApiError) showErrors($("form-errors"), error.errors); else throw error;
  }
}

async function runWhatif() {
  const changes = $("changes").value.split("\n").map((line) => line.trim()).filter(Boolean);
  // The readings chosen for the check are in force before and after: only the changed facts differ.
  const { declaration, interpretations } = state.request;
  try {
    const doc = JSON.parse(await post("/v1/whatif", { declaration, changes, base_interpretations: interpretations }));
    showErrors($("whatif-errors"), []);
    renderWhatif(doc);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    showErrors($("whatif-errors"), error.errors);
  }
}

const money = (yuan) => (yuan === null || yuan === undefined ? "" : Number(yuan).toLocaleString("en-US"));
const side = (s) => (s ? `${s.status}${s.amount_yuan !== null && s.amount_yuan !== undefined ? ` ${money(s.amount_yuan)}` : ""}` : "");

function renderWhatif(doc) {
  const before = doc.total_before_yuan;
  const after = doc.total_after_yuan;
  const totals = el("table", { id: "whatif-totals" }, el("tbody", {},
    el("tr", {}, el("th", {}, label("before")), el("td", { class: "num" }, money(before))),
    el("tr", {}, el("th", {}, label("after")), el("td", { class: "num" }, money(after))),
    el("tr", {}, el("th", {}, label("difference")), el("td", { class: "num" }, money(after - before)))));
  const head = el("thead", {}, el("tr", {}, el("th", {}, label("clause")), el("th", {}, label("basis")),
    el("th", {}, label("before")), el("th", {}, label("after")), el("th", {}, label("condition"))));
  const rows = (doc.changes || []).map((change) => el("tr", {},
    el("td", {}, change.clause), el("td", {}, change.basis ?? ""), el("td", {}, side(change.before)),
    el("td", {}, side(change.after)),
    el("td", {}, (change.conditions || []).map((c) => `${c.id}: ${c.before?.status ?? c.before ?? ""} → ${c.after?.status ?? c.after ?? ""}`).join("; "))));
  const table = el("table", { id: "whatif-changes" }, head, el("tbody", {}, ...rows));
  $("whatif-result").replaceChildren(totals, table);
}

async function loadReadings() {
  try {
    const response = await fetch("/v1/health", { headers: headers(false) });
    if (!response.ok) return false;
    const health = await response.json();
    const boxes = health.interpretations.map((name) => el("label", {},
      el("input", { type: "checkbox", value: name, name: "interpretation" }), " ", name));
    $("readings").replaceChildren($("readings").querySelector("legend"), ...boxes);
    return true;
  } catch (_) {
    return false;
  }
}

async function detectWhatif() {
  try {
    const schema = await (await fetch("/openapi.json")).json();
    $("whatif").hidden = !("/v1/whatif" in (schema.paths || {}));
  } catch (_) {
    $("whatif").hidden = true;
  }
}

function init() {
  relabel();
  $("lang").addEventListener("change", () => { relabel(); render(); });
  $("form").addEventListener("submit", runCheck);
  $("file").addEventListener("change", async () => {
    const file = $("file").files[0];
    if (file) $("declaration").value = await file.text();
  });
  $("load-example").addEventListener("click", async () => {
    $("declaration").value = await (await fetch("/example.yaml")).text();
  });
  $("download-json").addEventListener("click", downloadJson);
  $("download-report").addEventListener("click", downloadReport);
  $("close-justification").addEventListener("click", () => {
    state.clause = null;
    $("justification-panel").hidden = true;
  });
  $("run-whatif").addEventListener("click", runWhatif);
  $("token").addEventListener("change", loadReadings);
  loadReadings();
  detectWhatif();
  document.body.dataset.ready = "true";
}

document.addEventListener("DOMContentLoaded", init);
