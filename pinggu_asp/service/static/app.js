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
    failed: "请求失败", whatif_errors: "变更有误",
    params_help: "参数改革：每行一个 名称=值（名称见 pinggu-asp rules），例如 art3_cap=8000000 或 art3_rate=1/100",
    reach: "怎样才能符合", reach_help: "选择一个条款：求使其符合的、对一项申报数字的最小改动。",
    run_reach: "计算", reach_status: "当前结论", already: "该条款已符合。", no_change: "改动一项申报数字不足以使其符合。",
    field: "申报字段", from: "现值", to: "改为", verified: "已复核", blocked: "仍需满足",
    check_first: "请先审查申报材料", up_to: "不超过", missing: "缺少申报事实", needs: "需要申报",
    // The statuses of pinggu_asp/i18n.py (STATUS, COND_STATUS), for the what-if and reach documents.
    statuses: { granted: "给予", superseded: "从优未选", blocked: "已享受其他政策", below_minimum: "低于最低兑现额，不予兑现",
      ineligible: "不符合", undetermined: "待补充", barred: "不得申请", not_applicable: "不适用", not_listed: "未列入",
      pass: "满足", fail: "不满足", unknown: "未知" },
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
    empty: "Upload or paste a declaration first", failed: "The request failed", whatif_errors: "The change is invalid",
    params_help: "Reforms: one NAME=VALUE a line (names as pinggu-asp rules lists them), e.g. art3_cap=8000000 or "
      + "art3_rate=1/100",
    reach: "What would it take", reach_help: "Choose a clause: the smallest change of one declared number that makes it "
      + "qualify.", run_reach: "Find", reach_status: "Verdict now", already: "The clause already qualifies.",
    no_change: "No change of one declared number makes it qualify.", field: "Declared field", from: "Now", to: "Change to",
    verified: "Verified", blocked: "Still needed", check_first: "Check a declaration first", up_to: "up to",
    missing: "missing declared fact", needs: "declare",
    statuses: { granted: "granted", superseded: "superseded", blocked: "blocked", below_minimum: "below minimum",
      ineligible: "ineligible", undetermined: "undetermined", barred: "barred", not_applicable: "not applicable",
      not_listed: "not listed", pass: "pass", fail: "fail", unknown: "unknown" },
  },
};

// The service's messages are in English; the page says the common ones in Chinese when the page is.
// Field paths, values and ids are kept as they are written.
const MESSAGES_ZH = [
  [/^required field is missing$/, () => "缺少必填字段"],
  [/^unknown field; did you mean (.+)\?$/, (m) => `未知字段；是否指 ${m[1]}？`],
  [/^unknown field$/, () => "未知字段"],
  [/^not valid (JSON|YAML): (.*)$/s, (m) => `不是有效的 ${m[1]}：${m[2]}`],
  [/^must not be negative \(got (.+)\)$/, (m) => `不能为负数（填写为 ${m[1]}）`],
  [/^binary floating-point amounts are not exact.*$/, () => "二进制浮点数金额不精确：请写成整数或小数字符串，如 \"1234.56\""],
  [/^has more than two decimal places.*$/, () => "小数超过两位：金额精确到分"],
  [/^Input should be a valid integer.*$/, () => "应为整数"],
  [/^Input should be a valid date.*$/, () => "应为日期，格式 YYYY-MM-DD"],
  [/^Input should be a valid boolean.*$/, () => "应为 true 或 false"],
  [/^Input should be a valid string.*$/, () => "应为文本"],
  [/^Input should be a valid (list|array).*$/, () => "应为列表"],
  [/^Input should be a valid dictionary.*$/, () => "应为字段映射"],
  [/^Input should be greater than or equal to (.+)$/, (m) => `应不小于 ${m[1]}`],
  [/^Input should be greater than (.+)$/, (m) => `应大于 ${m[1]}`],
  [/^Input should be less than or equal to (.+)$/, (m) => `应不大于 ${m[1]}`],
  [/^(.+) is not allowed: input should be (.+)$/, (m) => `${m[1]} 不是允许的值：应为 ${m[2]}`],
  [/^must be a JSON object$/, () => "应为 JSON 对象"],
  [/^empty: send a JSON object$/, () => "内容为空：请提交 JSON 对象"],
  [/^no item (.+) in (.+)$/, (m) => `${m[2]} 中没有 ${m[1]} 项`],
  [/^no field (\S+)(.*)$/, (m) => `没有字段 ${m[1]}${m[2]}`],
  [/^a change is written PATH=VALUE.*$/, () => "变更的写法是 路径=值，例如 annual[2025].gross_output=120000000"],
  [/^(.+): unknown parameter.*$/, (m) => `${m[1]}：没有这个参数（名称见 pinggu-asp rules）`],
];

function message(text) {
  if (lang() !== "zh") return text;
  for (const [pattern, say] of MESSAGES_ZH) {
    const match = pattern.exec(text);
    if (match) return say(match);
  }
  return text;
}

const state = { explanation: null, request: null, clause: null, errors: {} };
const $ = (id) => document.getElementById(id);
const lang = () => $("lang").value;
const label = (key) => LABELS[lang()][key] || key;
const statusWord = (status) => LABELS[lang()].statuses[status] ?? status;
// The statuses whose amount is what the clause pays (explain.AMOUNT_STANDS); beside any other, no amount.
const AMOUNT_STANDS = ["granted", "superseded", "blocked", "below_minimum"];

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
  // Kept so that switching the language says them again in the other one.
  state.errors[box.id] = errors;
  const list = box.querySelector("ul");
  list.replaceChildren(...errors.map((e) => el("li", { title: e.message },
    e.field ? el("span", { class: "field" }, e.field) : null, e.field ? ": " : null, message(e.message))));
  box.hidden = errors.length === 0;
}

function reshowErrors() {
  for (const [id, errors] of Object.entries(state.errors)) showErrors($(id), errors);
}

// What-if, reforms and reach compare against the checked declaration: they wait for a result,
// and what they showed goes when the check it rested on is replaced or fails.
function setComparable(on) {
  for (const id of ["run-whatif", "run-reach"]) $(id).disabled = !on;
  $("whatif-result").replaceChildren();
  $("reach-result").replaceChildren();
  showErrors($("whatif-errors"), []);
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
    state.clause = null;
    state.panel.hidden = true;
    showErrors($("form-errors"), []);
    render();
    fillReachClauses();
    setComparable(true);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    state.explanation = null;
    state.request = null;
    setComparable(false);
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
  // The total adds exact sums and "up to" ceilings (SPEC §0.3): say how much is which.
  $("total-note").textContent = bi(model.total_note);

  const awards = model.awards.map((a) => el("tr", {}, el("td", {}, a.clause), el("td", {}, a.basis),
    el("td", { class: "num" }, upTo(a, bi(a.amount_text))), el("td", {}, bi(a.payer_text))));
  $("awards").tBodies[0].replaceChildren(...(awards.length ? awards
    : [el("tr", {}, el("td", { colSpan: 4 }, label("no_awards")))]));

  $("gates").tBodies[0].replaceChildren(...model.gates.map((g) => el("tr", {},
    el("td", {}, el("div", {}, g.id), el("div", {}, bi(g.text))),
    statusCell(g.status, `${g.mark || ""} ${bi(g.status_text)}`),
    el("td", { class: "phrase" }, bi(g.article_text), " ", el("q", {}, g.phrase_zh)))));

  // The justification panel lives in a clause's card: keep it while the cards are drawn anew.
  document.querySelector("main").append(state.panel);
  $("clauses").replaceChildren(...model.clauses.map(renderClause));
  if (state.clause) openClause(state.clause);
}

// An amount beside a clause only when it is paid, or said as what it would be, with "up to" for a ceiling.
function upTo(entry, text) {
  return text && entry.up_to && !String(text).includes(label("up_to")) ? `${label("up_to")} ${text}` : text;
}

function amountText(c) {
  return ["granted", "superseded"].includes(c.status) ? upTo(c, bi(c.amount_text)) : "";
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
      el("span", {}, amountText(c)), button),
    el("ul", {}, ...(c.sentences?.[lang()] || []).map((s) => el("li", {}, s))),
    el("table", {}, el("thead", {}, el("tr", {}, el("th", {}, label("condition")), el("th", {}, label("status")),
      el("th", {}, `${label("observed")} / ${label("required")}`), el("th", {}, label("law")))),
    el("tbody", {}, ...rows)));
}

// One clause's justification tree, opened inside that clause's card (not the whole report).
async function openClause(clause) {
  state.clause = clause;
  const query = new URLSearchParams({ format: "text", lang: lang(), clause });
  try {
    const text = await post(`/v1/explain?${query}`, state.request);
    const card = document.querySelector(`#clauses .clause[data-clause="${CSS.escape(clause)}"]`);
    const panel = state.panel;
    panel.querySelector("#justification-clause").textContent = clause;
    panel.querySelector("#justification").textContent = text;
    if (card) card.append(panel);
    panel.hidden = false;
    panel.scrollIntoView({ block: "nearest" });
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

const lines = (id) => $(id).value.split("\n").map((line) => line.trim()).filter(Boolean);

async function runWhatif() {
  if (!state.request) {
    showErrors($("whatif-errors"), [{ field: "", message: label("check_first") }]);
    return;
  }
  // The readings chosen for the check are in force before and after: only the changed facts
  // and parameters (a reform) differ.
  const { declaration, interpretations } = state.request;
  const body = { declaration, changes: lines("changes"), params: lines("params"), base_interpretations: interpretations };
  try {
    const doc = JSON.parse(await post("/v1/whatif", body));
    showErrors($("whatif-errors"), []);
    renderWhatif(doc);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    $("whatif-result").replaceChildren();  // never a difference left over from an earlier question
    showErrors($("whatif-errors"), error.errors);
  }
}

function fillReachClauses() {
  const clauses = [...new Set((state.explanation?.clauses || []).map((c) => c.clause))];
  $("reach-clause").replaceChildren(...clauses.map((id) => el("option", { value: id }, id)));
}

async function runReach() {
  if (!state.request) return;
  const { declaration, interpretations } = state.request;
  try {
    const doc = JSON.parse(await post("/v1/reach", { declaration, clause: $("reach-clause").value, interpretations }));
    showErrors($("whatif-errors"), []);
    renderReach(doc);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    $("reach-result").replaceChildren();
    showErrors($("whatif-errors"), error.errors);
  }
}

function renderReach(doc) {
  const out = [el("p", {}, `${doc.clause} · ${label("reach_status")}: ${statusWord(doc.status)}`)];
  if (doc.already_qualifies) out.push(el("p", { class: "reach-already" }, label("already")));
  else if (doc.changes.length) {
    out.push(el("table", { id: "reach-changes" },
      el("thead", {}, el("tr", {}, ...["field", "from", "to", "amount", "verified"].map((k) => el("th", {}, label(k))))),
      el("tbody", {}, ...doc.changes.map((c) => el("tr", {}, el("td", {}, c.field), el("td", { class: "num" }, money(c.from)),
        el("td", { class: "num" }, money(c.to)),
        el("td", {}, `${statusWord(c.status)}${AMOUNT_STANDS.includes(c.status) ? ` ${doc.up_to ? `${label("up_to")} ` : ""}${money(c.amount_yuan)}` : ""}`),
        el("td", {}, c.verified ? "✓" : "✗"))))));
  } else out.push(el("p", {}, label("no_change")));
  if (doc.blocked_by.length) {
    out.push(el("p", {}, `${label("blocked")}:`), el("ul", {}, ...doc.blocked_by.map((b) => el("li", {},
      `${b.id} (${statusWord(b.status)}): ${lang() === "zh" ? b.text_zh ?? "" : b.text_en ?? ""}`,
      b.phrase_zh ? el("q", {}, b.phrase_zh) : null,
      b.missing ? ` ${label("missing")}: ${b.missing}` : "",
      (b.needs || []).length ? ` ${label("needs")}: ${b.needs.join(", ")}` : ""))));
  }
  $("reach-result").replaceChildren(...out);
}

// Exact: amounts arrive as integers or decimal strings, grouped here without a binary float.
function money(yuan) {
  if (yuan === null || yuan === undefined) return "";
  const [whole, fen] = String(yuan).split(".");
  const negative = whole.startsWith("-");
  const digits = (negative ? whole.slice(1) : whole).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${negative ? "-" : ""}${digits}${fen ? `.${fen}` : ""}`;
}
// A status in the page's language, and its amount only where the status pays it ("up to" on a ceiling).
const side = (s, ceiling) => (s ? `${statusWord(s.status)}${AMOUNT_STANDS.includes(s.status) && s.amount_yuan !== null
  && s.amount_yuan !== undefined ? ` ${ceiling ? `${label("up_to")} ` : ""}${money(s.amount_yuan)}` : ""}` : "");

function renderWhatif(doc) {
  const before = doc.total_before_yuan;
  const after = doc.total_after_yuan;
  const totals = el("table", { id: "whatif-totals" }, el("tbody", {},
    el("tr", {}, el("th", {}, label("before")), el("td", { class: "num" }, money(before))),
    el("tr", {}, el("th", {}, label("after")), el("td", { class: "num" }, money(after))),
    el("tr", {}, el("th", {}, label("difference")), el("td", { class: "num" }, money(after - before)))));
  const head = el("thead", {}, el("tr", {}, el("th", {}, label("clause")), el("th", {}, label("basis")),
    el("th", {}, label("before")), el("th", {}, label("after")), el("th", {}, label("condition"))));
  const ceilings = new Set([...(doc.before?.clauses || []), ...(doc.after?.clauses || [])]
    .filter((c) => c.up_to).map((c) => `${c.clause} ${c.basis}`));
  const rows = (doc.changes || []).map((change) => el("tr", {},
    el("td", {}, change.clause), el("td", {}, change.basis ?? ""),
    el("td", {}, side(change.before, ceilings.has(`${change.clause} ${change.basis}`))),
    el("td", {}, side(change.after, ceilings.has(`${change.clause} ${change.basis}`))),
    el("td", {}, (change.conditions || []).map((c) => `${c.id}: ${c.before ? statusWord(c.before.status) : ""} → `
      + `${c.after ? statusWord(c.after.status) : ""}`).join("; "))));
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
  state.panel = $("justification-panel");
  relabel();
  $("lang").addEventListener("change", () => { relabel(); render(); reshowErrors(); });
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
    state.panel.hidden = true;
    document.querySelector("main").append(state.panel);
  });
  $("run-whatif").addEventListener("click", runWhatif);
  $("run-reach").addEventListener("click", runReach);
  setComparable(false);
  $("token").addEventListener("change", loadReadings);
  loadReadings();
  detectWhatif();
  document.body.dataset.ready = "true";
}

document.addEventListener("DOMContentLoaded", init);
