"""The budget report: one self-contained HTML page with charts drawn by plotly.

plotly.js is embedded once, inline, so the page opens without a network; the
page itself is a Jinja2 template with autoescaping (declared names are text).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import jinja2

from ..i18n import article_label

_TEMPLATE = jinja2.Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True).from_string("""\
<!DOCTYPE html>
<html lang="zh">
<head>
<meta charset="utf-8">
<title>平谷区高端制造业措施 预算测算 / Budget impact</title>
<style>
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #bbb; padding: 0.25em 0.6em; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.chart { max-width: 60em; }
</style>
</head>
<body>
<h1>京平科信发〔2025〕8号 · 预算测算 Budget impact</h1>
<table id="population">
<tr><th>申报 declarations</th><td class="num">{{ s.declarations }}</td></tr>
<tr><th>已判定 decided</th><td class="num">{{ s.decided }}</td></tr>
<tr><th>无效 invalid</th><td class="num">{{ s.invalid }}</td></tr>
<tr><th>引擎错误 engine errors</th><td class="num">{{ s.engine_errors }}</td></tr>
<tr><th>获奖企业 enterprises awarded</th><td class="num">{{ s.enterprises_awarded }}</td></tr>
<tr><th>合计 total (元)</th><td class="num">{{ money(s.total_yuan) }}</td></tr>
</table>

<h2>按条款 Cost by article</h2>
<div class="chart" id="chart-article">{{ charts.article | safe }}</div>
<h2>按支付方 Cost by payer</h2>
<div class="chart" id="chart-payer">{{ charts.payer | safe }}</div>
<table id="clauses">
<tr><th>clause</th><th>awards</th><th>元</th></tr>
{% for clause, amount in s.totals_by_clause.items() %}
<tr><td>{{ clause }}</td><td class="num">{{ s.awards_by_clause.get(clause, 0) }}</td><td class="num">{{ money(amount) }}</td></tr>
{% endfor %}
</table>

<h2>差一点 Near misses (short by at most {{ s.near_misses.within_share }})</h2>
<p>{{ s.near_misses.count }}</p>
{% if charts.near %}<div class="chart" id="chart-near">{{ charts.near | safe }}</div>{% endif %}

<h2>最常不满足的条件 Conditions that fail most often</h2>
<table id="failing">
<tr><th>clause</th><th>condition</th><th>count</th></tr>
{% for f in s.failing_conditions[:20] %}
<tr><td>{{ f.clause }}</td><td>{{ f.condition }}</td><td class="num">{{ f.count }}</td></tr>
{% endfor %}
</table>

{% if c %}
<h2>改革对比 Reform</h2>
<p>合计 total: {{ money(c.total.baseline_yuan) }} → {{ money(c.total.reform_yuan) }} (Δ {{ money(c.total.difference_yuan) }});
 {{ c.enterprises_changed.count }} enterprises change.</p>
<div class="chart" id="chart-reform">{{ charts.reform | safe }}</div>
{% endif %}

{% if s.invalid_declarations %}
<h2>无效申报 Invalid declarations</h2>
<table id="invalid">
<tr><th>input</th><th>field</th><th>message</th></tr>
{% for record in s.invalid_declarations[:200] %}
{% for e in record.errors %}
<tr><td>{{ where(record) }}</td><td>{{ e.field }}</td><td>{{ e.message }}</td></tr>
{% endfor %}
{% endfor %}
</table>
{% endif %}
</body>
</html>
""")


def _number(value: int | str) -> float:
    return float(Decimal(str(value)))


def _money(value: int | str) -> str:
    return f"{Decimal(str(value)):,}"


def _where(record: dict[str, Any]) -> str:
    return f"line {record['line']}" if "line" in record else f"{record.get('sheet')}!{record.get('row')}"


def _article_label(article: str) -> str:
    # The article's number in words, as every other output says it (i18n.article_label).
    return f"{article_label(int(article), 'zh')} {article_label(int(article), 'en')}"


def render_report(summary: dict[str, Any]) -> str:
    import plotly.graph_objects as go

    first = [True]

    def html(fig: Any, name: str) -> str:
        # plotly.js once, inline: the page is self-contained and not four times its size.
        # Fixed div ids keep the page the same from run to run.
        inline = first[0]
        first[0] = False
        fig.update_layout(margin={"l": 60, "r": 20, "t": 30, "b": 60}, height=380)
        return str(fig.to_html(full_html=False, include_plotlyjs=inline, div_id=f"plot-{name}",
                               config={"displaylogo": False}))

    articles = summary["totals_by_article"]
    charts: dict[str, str] = {
        "article": html(go.Figure(go.Bar(x=[_article_label(a) for a in articles],
                                         y=[_number(v) for v in articles.values()], name="元")), "article"),
        "payer": html(go.Figure(go.Bar(x=list(summary["totals_by_payer"]),
                                       y=[_number(v) for v in summary["totals_by_payer"].values()], name="元")), "payer"),
    }
    near = summary["near_misses"]["items"]
    if near:
        figure = go.Figure()
        by_clause: dict[str, list[float]] = {}
        for item in near:
            by_clause.setdefault(item["clause"], []).append(float(item["short_by_share"].rstrip("%")))
        for clause, shares in sorted(by_clause.items()):
            figure.add_trace(go.Histogram(x=shares, name=clause, xbins={"start": 0, "end": 10, "size": 1}))
        figure.update_layout(barmode="stack", xaxis_title="short by, % of the amount that passes",
                             yaxis_title="enterprises")
        charts["near"] = html(figure, "near")
    comparison = summary.get("comparison")
    if comparison:
        by_article = comparison["by_article"]
        labels = [_article_label(a) for a in by_article]
        figure = go.Figure([
            go.Bar(x=labels, y=[_number(v["baseline_yuan"]) for v in by_article.values()], name="baseline"),
            go.Bar(x=labels, y=[_number(v["reform_yuan"]) for v in by_article.values()], name="reform"),
        ])
        figure.update_layout(barmode="group")
        charts["reform"] = html(figure, "reform")
    return _TEMPLATE.render(s=summary, c=comparison, charts=charts, money=_money, where=_where)
