"""The budget report: one self-contained HTML page with charts drawn by plotly.

An analyst attaches it to a memo, so it opens with what was run: the reform
(each changed parameter from → to, the readings switched), the baseline's
parameters and readings, the package version and the hashes. Amounts are
money.py's (yuan, 万元), ceilings are said to be ceilings (不超过), chart axes
are in 元 with 万元 ticks. plotly.js is embedded once, inline, so the page opens
without a network; the page is a Jinja2 template with autoescaping (declared
names are text).
"""

from __future__ import annotations

from typing import Any

import jinja2

from ..money import exact_fen, format_wan, format_yuan, result_fen
from ..policy.pack import document_number
from ..render.i18n import LABELS, article_label, payer_text

# How many enterprises the winners-and-losers chart shows (the largest changes each way); the table lists all.
CHART_ENTERPRISES = 30
# The charts in the order the page shows them.
PAGE_ORDER = ("reform", "winners", "article", "payer", "near")

_TEMPLATE = jinja2.Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True).from_string("""\
<!DOCTYPE html>
<html lang="zh">
<head>
<meta charset="utf-8">
<title>{{ policy.zh }} 预算测算 / Budget impact</title>
<style>
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", sans-serif; margin: 2em; color: #222; max-width: 72em; }
table { border-collapse: collapse; margin: 0.6em 0 1em; }
th, td { border: 1px solid #bbb; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
th { background: #f0f0f0; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
code { font-size: 0.85em; overflow-wrap: anywhere; }
.chart { max-width: 64em; }
.reform { border: 2px solid #c77d00; background: #fff8e8; padding: 0.6em 1em; }
.up { color: #1a6b1a; } .down { color: #a31515; }
.note { color: #555; font-size: 0.9em; }
</style>
</head>
<body>
<h1>{{ policy.doc }} · 预算测算 Budget impact</h1>

{% if c %}
<section class="reform" id="reform-what">
<h2>改革方案 The reform</h2>
{% if c.parameters_changed %}
<table id="parameters-changed">
<tr><th>参数 parameter</th><th>条文 article</th><th>基线 baseline</th><th>改革 reform</th></tr>
{% for p in c.parameters_changed %}
<tr><td><code>{{ p.name }}</code></td><td>{{ article(p.article) }}</td>
<td>{{ dated(p["from"]) }}</td><td><b>{{ dated(p.to) }}</b></td></tr>
{% endfor %}
</table>
{% else %}<p>参数不变 No parameter changed.</p>{% endif %}
<p>改用的解读 Readings switched on: {{ c.readings_switched_on | join(", ") or "—" }};
 停用 switched off: {{ c.readings_switched_off | join(", ") or "—" }}</p>
<p class="note">改革规则 reform rules <code>{{ c.reform.rules_sha256 }}</code>, 参数 parameters <code>{{ c.reform.parameters_sha256 }}</code>
{% if c.reform.parameter_overrides %}(--compare-param {{ c.reform.parameter_overrides | join(" ") }}){% endif %}</p>
</section>
{% endif %}

<h2>基线 Baseline</h2>
<table id="provenance">
<tr><th>程序 package</th><td>{{ s.provenance.package }}</td></tr>
<tr><th>规则 rules (SHA-256)</th><td><code>{{ s.provenance.rules_sha256 }}</code></td></tr>
<tr><th>参数 parameters (SHA-256)</th><td><code>{{ s.provenance.parameters_sha256 }}</code> ({{ s.provenance.parameters_source }})</td></tr>
<tr><th>采用的解读 readings (SPEC §7)</th><td>{{ s.provenance.readings_in_force | join(", ") }}{% if not s.provenance.interpretations %}（均为默认 all defaults）{% endif %}</td></tr>
</table>
<details id="baseline-parameters"><summary>基线参数 Baseline parameters ({{ s.provenance.parameters | length }})</summary>
<table>
<tr><th>参数 parameter</th><th>条文 article</th><th>值 value</th></tr>
{% for name, values in s.provenance.parameters.items() %}
<tr><td><code>{{ name }}</code></td><td>{{ article(values[0].article) }}</td><td>{{ dated(values) }}</td></tr>
{% endfor %}
</table>
</details>

<h2>申报与合计 Population and totals</h2>
<table id="population">
<tr><th>申报 declarations</th><td class="num">{{ s.declarations }}</td></tr>
<tr><th>已判定 decided</th><td class="num">{{ s.decided }}</td></tr>
<tr><th>无效 invalid</th><td class="num">{{ s.invalid }}</td></tr>
<tr><th>引擎错误 engine errors</th><td class="num">{{ s.engine_errors }}</td></tr>
<tr><th>获奖企业 enterprises awarded</th><td class="num">{{ s.enterprises_awarded }}</td></tr>
<tr><th>合计 total</th><td class="num">{{ money(s.total_yuan) }}</td></tr>
<tr><th>其中确定金额 of which exact</th><td class="num">{{ money(s.total_exact_yuan) }}</td></tr>
<tr><th>其中“不超过”上限 of which “up to” ceilings</th><td class="num">不超过 up to {{ money(s.total_up_to_yuan) }}</td></tr>
</table>
<p class="note">“不超过”的金额是上限，评审可核减。Ceilings are the most that may be granted; reviewers may grant less.</p>

{% if c %}
<h2>改革对比 Reform against baseline</h2>
<table id="reform-totals">
<tr><th></th><th>基线 baseline</th><th>改革 reform</th><th>差额 difference</th></tr>
<tr><th>合计 total</th><td class="num">{{ money(c.total.baseline_yuan) }}</td><td class="num">{{ money(c.total.reform_yuan) }}</td><td class="num">{{ signed(c.total.difference_yuan) }}</td></tr>
<tr><th>其中“不超过”上限 of which up to</th><td class="num">{{ money(c.total_up_to.baseline_yuan) }}</td><td class="num">{{ money(c.total_up_to.reform_yuan) }}</td><td class="num">{{ signed(c.total_up_to.difference_yuan) }}</td></tr>
</table>
<p>{{ c.enterprises_changed.count }} 家企业的奖励改变 enterprises see their awards change{% if c.reform_errors.count %}; {{ c.reform_errors.count }} 份申报改革无法判定（不计入两边合计） declarations the reform could not decide (left out of both totals){% endif %}.</p>
<div class="chart" id="chart-reform">{{ charts.reform | safe }}</div>
{% if charts.winners %}
<h3>得失企业 Winners and losers</h3>
<div class="chart" id="chart-winners">{{ charts.winners | safe }}</div>
<table id="winners">
<tr><th>企业 enterprise</th><th>统一社会信用代码 credit code</th><th>基线 baseline</th><th>改革 reform</th><th>差额 difference</th><th>改变的奖励 awards changed</th></tr>
{% for e in changed %}
<tr><td>{{ e.name }}</td><td><code>{{ e.credit_code }}</code></td><td class="num">{{ money(e.baseline_total_yuan) }}</td>
<td class="num">{{ money(e.reform_total_yuan) }}</td><td class="num {{ 'up' if e.difference_yuan | int > 0 else 'down' }}">{{ signed(e.difference_yuan) }}</td>
<td>{% for a in e.awards_changed %}<code>{{ a.clause }}</code> {{ money(a.baseline_yuan) }} → {{ money(a.reform_yuan) }}{% if not loop.last %}<br>{% endif %}{% endfor %}</td></tr>
{% endfor %}
</table>
{% endif %}
{% endif %}

<h2>按条款 Cost by article</h2>
<div class="chart" id="chart-article">{{ charts.article | safe }}</div>
<table id="clauses">
<tr><th>条款 clause</th><th>奖励数 awards</th><th>金额 amount</th></tr>
{% for clause, amount in s.totals_by_clause.items() %}
<tr><td><code>{{ clause }}</code></td><td class="num">{{ s.awards_by_clause.get(clause, 0) }}</td><td class="num">{% if clause in s.ceiling_clauses %}不超过 up to {% endif %}{{ money(amount) }}</td></tr>
{% endfor %}
</table>

<h2>按支付方 Cost by payer</h2>
<div class="chart" id="chart-payer">{{ charts.payer | safe }}</div>
<table id="payers">
<tr><th>支付方 payer</th><th>金额 amount</th></tr>
{% for payer, amount in s.totals_by_payer.items() %}
<tr><td>{{ payer_words(payer) }}</td><td class="num">{{ money(amount) }}</td></tr>
{% endfor %}
</table>

<h2>按属地 Cost by locality</h2>
<table id="localities">
<tr><th>属地（乡镇、街道） locality</th><th>金额 amount</th></tr>
{% for place, amount in s.totals_by_locality.items() %}
<tr><td>{{ place }}</td><td class="num">{{ money(amount) }}</td></tr>
{% endfor %}
</table>

<h2>差一点 Near misses (short by at most {{ s.near_misses.within_share }})</h2>
<p>{{ s.near_misses.count }} 项：仅差一个数值条件 clauses failed on one numeric condition only, by a small gap.</p>
{% if charts.near %}<div class="chart" id="chart-near">{{ charts.near | safe }}</div>{% endif %}
{% if s.near_misses["items"] %}
<table id="near-misses">
<tr><th>企业 enterprise</th><th>统一社会信用代码 credit code</th><th>条款 clause</th><th>条件 condition</th><th>申报值 observed</th><th>要求 required</th><th>差 short by</th><th>若达到可得 would pay</th></tr>
{% for n in s.near_misses["items"] %}
<tr><td>{{ n.name }}</td><td><code>{{ n.credit_code }}</code></td><td><code>{{ n.clause }}</code></td><td><code>{{ n.condition }}</code></td>
<td class="num">{{ money(n.observed) }}</td><td class="num">{{ money(n.required) }}</td>
<td class="num">{{ money(n.short_by_yuan_decimal) }} ({{ n.short_by_share }})</td><td class="num">{{ money(n.amount_yuan) }}</td></tr>
{% endfor %}
</table>
{% endif %}

<h2>最常不满足的条件 Conditions that fail most often</h2>
<table id="failing">
<tr><th>条款 clause</th><th>条件 condition</th><th>次数 count</th></tr>
{% for f in s.failing_conditions[:20] %}
<tr><td><code>{{ f.clause }}</code></td><td><code>{{ f.condition }}</code></td><td class="num">{{ f.count }}</td></tr>
{% endfor %}
</table>

{% if s.invalid_declarations %}
<h2>无效申报 Invalid declarations</h2>
<table id="invalid">
<tr><th>位置 input</th><th>字段 field</th><th>原因 message</th></tr>
{% for record in s.invalid_declarations[:200] %}
{% for e in record.errors %}
<tr><td>{{ where(record) }}</td><td><code>{{ e.field }}</code></td><td>{{ e.message }}</td></tr>
{% endfor %}
{% endfor %}
</table>
{% endif %}
</body>
</html>
""")


def _money(value: int | str | None) -> str:
    """An amount in yuan and 万元 (money.py's), or — for none; MoneyError naming a value that is no amount."""
    if value is None:
        return "—"
    exact = exact_fen(value)
    if exact.denominator != 1:  # a required value may be a fraction of a fen: shown as the rules gave it
        return f"{value} 元"
    fen = exact.numerator
    sign, fen = ("−", -fen) if fen < 0 else ("", fen)
    return f"{sign}{format_yuan(fen)} 元（{sign}{format_wan(fen)}）"


def _signed(value: int | str) -> str:
    return ("+" if exact_fen(value) > 0 else "") + _money(value)


def _dated(values: list[dict[str, Any]]) -> str:
    """A parameter's values as people read them, each with the date it is in force from."""
    if len(values) == 1:
        return str(values[0]["display"])
    return "; ".join(f"{v['display']}（{v['since']} 起 from）" for v in values)


def _article(n: int) -> str:
    # The article's number in words, as every other output says it (i18n.article_label).
    return f"{article_label(n, 'zh')} {article_label(n, 'en')}"


def _payer_words(payer: str) -> str:
    return f"{payer_text(payer, 'zh')} / {payer_text(payer, 'en')}"


def _where(record: dict[str, Any]) -> str:
    return f"line {record['line']}" if "line" in record else f"{record.get('sheet')}!{record.get('row')}"


def _ticks(values: list[int]) -> dict[str, Any]:
    """A 元 axis with its ticks written in 万元 (plotly would write 150M): 1, 2 or 5 × 10^k 万元 apart."""
    low, high = min([0, *values]), max([0, *values])
    span = max(high - low, 1)
    step = 10_000  # yuan: one 万元
    while span / step > 8:
        for factor in (2, 5 / 2, 2):
            step = int(step * factor)
            if span / step <= 8:
                break
    first = (low // step) * step
    ticks = list(range(first, high + step, step))
    return {"tickvals": ticks, "ticktext": [("−" if t < 0 else "") + format_wan(abs(t) * 100) for t in ticks]}


def _yuan_axis(figure: Any, values: list[int], title: str) -> None:
    figure.update_yaxes(title_text=title, **_ticks(values))


def render_report(summary: dict[str, Any]) -> str:
    import plotly.graph_objects as go

    figures: dict[str, Any] = {}

    def html(fig: Any, name: str, height: int = 400) -> None:
        fig.update_layout(margin={"l": fig.layout.margin.l or 110, "r": 20, "t": 30, "b": 80}, height=height)
        figures[name] = fig

    def bars(labels: list[str], amounts: list[int | str], name: str) -> Any:
        yuan = [result_fen(a) // 100 for a in amounts]
        return go.Bar(x=labels, y=yuan, name=name, customdata=[_money(a) for a in amounts],
                      hovertemplate="%{x}<br>%{customdata}<extra>" + name + "</extra>")

    amount_title = "金额（元） amount (yuan)"
    articles = summary["totals_by_article"]
    article_labels = [_article(int(a)) for a in articles]
    figure = go.Figure(bars(article_labels, list(articles.values()), "元"))
    figure.update_xaxes(title_text="条文 article")
    _yuan_axis(figure, [result_fen(v) // 100 for v in articles.values()], amount_title)
    html(figure, "article")
    payers = summary["totals_by_payer"]
    figure = go.Figure(bars([_payer_words(p) for p in payers], list(payers.values()), "元"))
    figure.update_xaxes(title_text="支付方 payer")
    _yuan_axis(figure, [result_fen(v) // 100 for v in payers.values()], amount_title)
    html(figure, "payer")
    near = summary["near_misses"]["items"]
    if near:
        figure = go.Figure()
        by_clause: dict[str, list[float]] = {}
        for item in near:
            by_clause.setdefault(item["clause"], []).append(float(item["short_by_share"].rstrip("%")))
        for clause, shares in sorted(by_clause.items()):
            figure.add_trace(go.Histogram(x=shares, name=clause, xbins={"start": 0, "end": 10, "size": 1}))
        figure.update_layout(barmode="stack", xaxis_title="差额占达标值的百分比 short by, % of the value that passes",
                             yaxis_title="条款数 clauses")
        html(figure, "near")
    comparison = summary.get("comparison")
    changed: list[dict[str, Any]] = []
    if comparison:
        by_article = comparison["by_article"]
        labels = [_article(int(a)) for a in by_article]
        figure = go.Figure([
            bars(labels, [v["baseline_yuan"] for v in by_article.values()], "基线 baseline"),
            bars(labels, [v["reform_yuan"] for v in by_article.values()], "改革 reform"),
        ])
        figure.update_layout(barmode="group")
        figure.update_xaxes(title_text="条文 article")
        _yuan_axis(figure, [result_fen(v[k]) // 100 for v in by_article.values() for k in ("baseline_yuan", "reform_yuan")],
                   amount_title)
        html(figure, "reform")
        # Largest changes first; ties in input order (sorted is stable).
        changed = sorted(comparison["enterprises_changed"]["items"], key=lambda e: -abs(result_fen(e["difference_yuan"])))
        shown = sorted(changed[:CHART_ENTERPRISES], key=lambda e: result_fen(e["difference_yuan"]))
        if shown:
            differences = [result_fen(e["difference_yuan"]) // 100 for e in shown]
            figure = go.Figure(go.Bar(
                y=[f"{e['name']} ({e['credit_code']})" for e in shown], x=differences, orientation="h",
                marker_color=["#1a6b1a" if d > 0 else "#a31515" for d in differences],
                customdata=[_signed(e["difference_yuan"]) for e in shown],
                hovertemplate="%{y}<br>%{customdata}<extra></extra>",
            ))
            figure.update_xaxes(title_text="改革减基线（元） reform less baseline (yuan)",
                                **_ticks(differences))
            figure.update_layout(margin={"l": 260})
            html(figure, "winners", height=max(300, 22 * len(shown) + 120))
    charts: dict[str, str] = {}
    # plotly.js once, inline, in the first chart of the page (the page draws them in this order): the page
    # is self-contained and not five times its size. Fixed div ids keep it the same from run to run.
    for name in [n for n in PAGE_ORDER if n in figures]:
        charts[name] = str(figures[name].to_html(full_html=False, include_plotlyjs=not charts,
                                                    div_id=f"plot-{name}", config={"displaylogo": False}))
    # The policy's name and number are its own words (asp_rules/texts.yaml, asp_rules/pack.yaml).
    policy = {"zh": LABELS["zh"]["budget_title"], "doc": document_number()}
    return _TEMPLATE.render(s=summary, c=comparison, charts=charts, changed=changed, money=_money, signed=_signed,
                            dated=_dated, article=_article, payer_words=_payer_words, where=_where, policy=policy)
