"""The what-if difference and the reach answer for people: text, Markdown and one HTML page, zh or en.

Only rendering: the documents (``pinggu-whatif/1``, ``pinggu-reach/1``) hold
every verdict, each read off results the rules derived.
"""

from __future__ import annotations

from html import escape
from typing import Any

from .explain import AMOUNT_STANDS
from .safe_text import escape_controls, escape_tree, markdown_text

WORDS = {
    "zh": {
        "whatif": "假设分析", "asked": "改变", "total": "支持总额", "before": "之前", "after": "之后",
        "gained": "新增支持", "lost": "失去支持", "changed": "金额变化", "clauses": "结论或金额变化的条款",
        "condition": "条件", "phrase": "条文", "none": "无变化", "yuan": "元",
        "reach": "达到条件的最小改变", "clause": "条款", "status_now": "当前结论", "field": "申报字段",
        "from": "现值", "to": "改为", "amount": "届时金额", "verified": "已验证", "blocked": "无法仅改一个数字达到，受阻于",
        "already": "该条款的条件已全部满足", "no_change": "没有单个申报数字的改变能使其满足",
    },
    "en": {
        "whatif": "What-if", "asked": "Changes", "total": "Total support", "before": "before", "after": "after",
        "gained": "Awards gained", "lost": "Awards lost", "changed": "Amounts changed",
        "clauses": "Clauses whose status or amount changed", "condition": "condition", "phrase": "text of the law",
        "none": "no difference", "yuan": "yuan",
        "reach": "Smallest change that qualifies", "clause": "Clause", "status_now": "Status now",
        "field": "declared field", "from": "now", "to": "change to", "amount": "amount then", "verified": "verified",
        "blocked": "No single declared number can make it qualify; in the way", "already": "Every condition of this clause already passes",
        "no_change": "No change of a single declared number makes it qualify",
    },
}


def _money(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _state(state: dict[str, Any] | None) -> str:
    if not state:
        return "-"
    parts = [str(state.get("status"))]
    # An amount beside a status that pays nothing would read as owed (explain.AMOUNT_STANDS).
    if state.get("amount_yuan") is not None and state.get("status") in AMOUNT_STANDS:
        parts.append(_money(state["amount_yuan"]))
    if "observed" in state:
        parts.append(f"{_money(state.get('observed'))} / {_money(state.get('required'))}")
    return " ".join(parts)


def _rows(doc: dict[str, Any], lang: str) -> tuple[list[str], list[list[str]], list[list[str]]]:
    w = WORDS[lang]
    asked = [f"--set {s}" for s in doc["asked"]["set"]] + [f"--param {p}" for p in doc["asked"]["param"]]
    asked += [f"-i {i}" for i in doc["asked"]["interpretations"]]
    asked += [f"--base-interpretation {i}" for i in doc["asked"].get("base_interpretations", [])]
    awards = [[w["gained"], a["clause"], a["basis"], "-", _money(a["amount_yuan"])] for a in doc["awards"]["gained"]]
    awards += [[w["lost"], a["clause"], a["basis"], _money(a["amount_yuan"]), "-"] for a in doc["awards"]["lost"]]
    awards += [
        [w["changed"], a["clause"], a["basis"], _money(a["before_yuan"]), _money(a["after_yuan"])]
        for a in doc["awards"]["changed"]
    ]
    clauses = []
    for change in doc["changes"]:
        clauses.append([change["clause"], change["basis"], "", _state(change["before"]), _state(change["after"]), ""])
        for cond in change["conditions"]:
            text = cond.get("text_zh") if lang == "zh" else cond.get("text_en")
            phrase = f"第{cond.get('article')}条「{cond.get('phrase_zh')}」" if cond.get("phrase_zh") else ""
            clauses.append(["", "", cond["id"], _state(cond["before"]), _state(cond["after"]), f"{text or ''} {phrase}".strip()])
    return asked, awards, clauses


def whatif_text(doc: dict[str, Any], lang: str, markdown: bool = False) -> str:
    # Declared text (an id in a basis, a --set value) is data: no escape codes, no markup.
    doc = escape_tree(doc, markdown_text if markdown else escape_controls)
    w = WORDS[lang]
    asked, awards, clauses = _rows(doc, lang)
    head = "# " if markdown else ""
    lines = [f"{head}{w['whatif']}", "", f"{w['asked']}: " + ("; ".join(asked) or "-"), ""]
    before, after = doc["total_before_yuan"], doc["total_after_yuan"]
    lines.append(f"{w['total']}: {_money(before)} → {_money(after)} {w['yuan']}")
    lines.append("")
    if not awards and not clauses:
        lines.append(w["none"])
    if awards:
        lines += _table(["", "clause", "basis", w["before"], w["after"]], awards, markdown)
        lines.append("")
    if clauses:
        lines.append(f"{'## ' if markdown else ''}{w['clauses']}")
        lines.append("")
        lines += _table(["clause", "basis", w["condition"], w["before"], w["after"], w["phrase"]], clauses, markdown)
    return "\n".join(lines).rstrip() + "\n"


def _table(header: list[str], rows: list[list[str]], markdown: bool) -> list[str]:
    if markdown:
        def cell(text: str) -> str:
            # The document's strings are escaped already (markdown_text); "|" in them too.
            return text.replace("\n", " ")

        out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        return out + ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return ["  ".join(c for c in row if c) for row in [header, *rows]]


def whatif_html(doc: dict[str, Any], lang: str) -> str:
    w = WORDS[lang]
    asked, awards, clauses = _rows(doc, lang)

    def table(header: list[str], rows: list[list[str]]) -> str:
        head = "".join(f"<th>{escape(h)}</th>" for h in header)
        body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows)
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

    parts = [
        f"<!doctype html><html lang=\"{'zh-CN' if lang == 'zh' else 'en'}\"><head><meta charset=\"utf-8\">",
        f"<title>{escape(w['whatif'])}</title><style>body{{font-family:sans-serif;font-size:10pt}}"
        "table{border-collapse:collapse;width:100%}td,th{border:1px solid #bbb;padding:3px;text-align:left}</style>",
        f"</head><body><h1>{escape(w['whatif'])}</h1>",
        f"<p>{escape(w['asked'])}: {escape('; '.join(asked) or '-')}</p>",
        f"<p><b>{escape(w['total'])}: {escape(_money(doc['total_before_yuan']))} → "
        f"{escape(_money(doc['total_after_yuan']))} {escape(w['yuan'])}</b></p>",
    ]
    if awards:
        parts.append(table(["", "clause", "basis", w["before"], w["after"]], awards))
    if clauses:
        parts.append(f"<h2>{escape(w['clauses'])}</h2>")
        parts.append(table(["clause", "basis", w["condition"], w["before"], w["after"], w["phrase"]], clauses))
    if not awards and not clauses:
        parts.append(f"<p>{escape(w['none'])}</p>")
    parts.append("</body></html>\n")
    return "".join(parts)


def reach_text(doc: dict[str, Any], lang: str, markdown: bool = False) -> str:
    doc = escape_tree(doc, markdown_text if markdown else escape_controls)
    w = WORDS[lang]
    head = "# " if markdown else ""
    lines = [f"{head}{w['reach']}: {doc['clause']}", "", f"{w['status_now']}: {doc['status']}", ""]
    if doc["already_qualifies"]:
        return "\n".join(lines + [w["already"]]) + "\n"
    if doc["changes"]:
        rows = [
            [c["field"], _money(c["from"]), _money(c["to"]), f"{c['status']} {_money(c['amount_yuan'])}",
             "✓" if c["verified"] else "✗"]
            for c in doc["changes"]
        ]
        lines += _table([w["field"], w["from"], w["to"], w["amount"], w["verified"]], rows, markdown)
    else:
        lines.append(w["no_change"])
    if doc["blocked_by"]:
        lines += ["", f"{w['blocked']}:"]
        for b in doc["blocked_by"]:
            text = b.get("text_zh") if lang == "zh" else b.get("text_en")
            phrase = f" 第{b['article']}条「{b['phrase_zh']}」" if b.get("phrase_zh") else ""
            lines.append(f"- {b.get('kind')} {b.get('id')} ({b.get('status')}): {text or ''}{phrase}")
    return "\n".join(lines).rstrip() + "\n"


def reach_html(doc: dict[str, Any], lang: str) -> str:
    body = escape(reach_text(doc, lang))
    return (
        f"<!doctype html><html lang=\"{'zh-CN' if lang == 'zh' else 'en'}\"><head><meta charset=\"utf-8\">"
        f"<title>{escape(WORDS[lang]['reach'])}</title></head><body><pre>{body}</pre></body></html>\n"
    )
