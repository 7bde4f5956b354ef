"""A readable summary of a result for a terminal, in Chinese (default) or English."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from rich.console import Console
from rich.table import Table

from .explain import yuan_text
from .i18n import STATUS
from .money import FEN_PER_YUAN, format_wan, format_yuan

LABELS = {
    "zh": {
        "title": "平谷区促进高端制造业高质量发展若干措施 · 资格审查",
        "enterprise": "企业",
        "year": "支持年度",
        "date": "申报日期",
        "clause": "条款",
        "basis": "依据",
        "status": "结论",
        "amount": "金额",
        "why": "原因",
        "total": "合计",
        "gates": "适用条件",
        "interpretations": "采用的解释",
        "alternatives": "同等最优的其他组合",
        "advice": "提示",
        "up_to": "不超过",
    },
    "en": {
        "title": "Pinggu high-end manufacturing measures · eligibility",
        "enterprise": "Enterprise",
        "year": "Support year",
        "date": "Declared on",
        "clause": "Clause",
        "basis": "Basis",
        "status": "Status",
        "amount": "Amount",
        "why": "Why",
        "total": "Total",
        "gates": "Gates",
        "interpretations": "Interpretations in force",
        "alternatives": "Other equally favourable sets",
        "advice": "Advice",
        "up_to": "up to",
    },
}


def money_text(yuan: int | str | None, lang: str) -> str:
    if yuan is None:
        return "—"
    fen = int(Decimal(str(yuan)) * FEN_PER_YUAN)
    unit = "元" if lang == "zh" else " yuan"
    return f"{format_wan(fen)} ({format_yuan(fen)}{unit})"


def _reason(clause: dict[str, Any], lang: str, failed_gates: list[dict[str, Any]]) -> str:
    key = "text_zh" if lang == "zh" else "text_en"
    parts = []
    if clause["status"] in ("not_applicable", "barred"):
        effect = "not_applicable" if clause["status"] == "not_applicable" else "barred"
        for gate in failed_gates:
            if gate["status"] == "fail" and gate.get("effect") == effect:
                parts.append(f"✗ {gate['id']}: {gate.get(key) or ''}")
    for cond in clause["conditions"]:
        if cond["status"] == "pass":
            continue
        mark = "✗" if cond["status"] == "fail" else "?"
        line = f"{mark} {cond.get(key) or cond['id']}"
        if "gap" in cond:
            short = format_yuan(int(Decimal(str(cond["gap"]["short_by"])) * FEN_PER_YUAN))
            line += f" ({'差' if lang == 'zh' else 'short by '}{short}{'元' if lang == 'zh' else ' yuan'})"
        if cond["status"] == "unknown" and cond.get("missing"):
            line += f" ({'缺少' if lang == 'zh' else 'missing '}{cond['missing']})"
        parts.append(line)
    for other in clause.get("superseded_by", []):
        who = other.get("clause") or other.get("policy")
        parts.append(("← 从优：" if lang == "zh" else "← beaten by ") + f"{who} {other.get('amount_yuan')}")
    for other in clause.get("blocked_by", []):
        parts.append(("← 已享受：" if lang == "zh" else "← already received: ") + f"{other['policy']}")
    return "\n".join(parts)


def render(result: dict[str, Any], lang: str = "zh", width: int = 140) -> str:
    labels = LABELS[lang]
    console = Console(width=width, record=True, force_terminal=False, color_system=None, file=io.StringIO(), markup=False, highlight=False)
    console.print(f"{labels['title']}")
    ent = result["enterprise"]
    console.print(f"{labels['enterprise']}: {ent['name']} ({ent['credit_code']})")
    console.print(f"{labels['year']}: {result['support_year']}    {labels['date']}: {result['declaration_date']}")

    failed_gates = [g for g in result["gates"] if g["status"] != "pass"]
    key = "text_zh" if lang == "zh" else "text_en"
    if failed_gates:
        console.print(f"\n{labels['gates']}")
        for gate in failed_gates:
            console.print(f"  {gate['status']}: {gate['id']} {gate.get(key) or ''}")

    table = Table(show_lines=True)
    for column in ("clause", "basis", "status", "amount"):
        table.add_column(labels[column], overflow="fold")
    table.add_column(labels["why"], overflow="fold", ratio=1, min_width=30)
    for clause in result["clauses"]:
        amount = clause["amount_yuan"] if clause["status"] in ("granted", "superseded", "blocked") else None
        shown = money_text(amount, lang) if amount is not None else "—"
        if amount is not None and clause.get("up_to"):
            shown = f"{labels['up_to']} {shown}"
        table.add_row(
            clause["clause"], clause["basis"], STATUS[lang].get(clause["status"], clause["status"]), shown, _reason(clause, lang, failed_gates)
        )
    console.print(table)
    console.print(f"{labels['total']}: {money_text(result['total_yuan'], lang)}")
    _print_alternatives_and_advice(console, result, labels["alternatives"], labels["advice"], lang)
    return console.export_text()


def _print_alternatives_and_advice(console: Console, doc: dict[str, Any], alt_label: str, advice_label: str, lang: str) -> None:
    """The other equally favourable sets, the advisories, and the readings in force (check and explain alike)."""
    key = "text_zh" if lang == "zh" else "text_en"
    if doc["alternatives"]:
        console.print(f"\n{alt_label}:")
        for alt in doc["alternatives"]:
            names = ", ".join(a.get("clause") or a.get("policy", "") for a in alt["chosen"])
            console.print(f"  {names} → {money_text(alt['total_yuan'], lang)}")
    for advice in doc["advisories"]:
        console.print(f"{advice_label}: {advice.get(key, '')}")
    interpretations = LABELS[lang]["interpretations"]
    console.print(f"\n{interpretations}: {', '.join(doc['interpretations'])}")


# --- `pinggu-asp explain`: the auditor's view (built by explain.py) ----------------


def _explain_console(width: int) -> Console:
    return Console(width=width, record=True, force_terminal=False, color_system=None, file=io.StringIO(), markup=False, highlight=False)


def _cond_row(table: Table, cond: dict[str, Any], lang: str) -> None:
    reading = cond["text"][lang]
    cite = cond["article_text"][lang]
    phrase = f"“{cond['phrase_zh']}”" if cond.get("phrase_zh") else ""
    lines = [f"{cite} {phrase}".strip(), reading]
    lines += [f"→ {d}" for d in cond["details"][lang]]
    required = cond["required_text"][lang]
    if cond.get("required_formula") and cond.get("required_kind") == "ratio":
        required += f"\n= {cond['required_formula']}"
    table.add_row(
        cond["id"],
        f"{cond['mark']} {cond['status_text'][lang]}",
        cond["observed_text"][lang],
        required,
        "\n".join(lines),
    )


def _cond_table(lang: str, title: str | None = None) -> Table:
    from .i18n import LABELS as XL

    labels = XL[lang]
    table = Table(title=title, show_lines=True, title_justify="left", expand=True)
    table.add_column(labels["condition"], ratio=2, min_width=22, overflow="fold")
    table.add_column(labels["result"], no_wrap=True, min_width=8)
    table.add_column(labels["observed"], ratio=3, overflow="fold")
    table.add_column(labels["required"], ratio=3, overflow="fold")
    table.add_column(labels["article"] + " · " + labels["text"], ratio=5, overflow="fold")
    return table


def render_explanation(model: dict[str, Any], lang: str = "zh", width: int = 140) -> str:
    """Every gate and listed clause, one readable table per clause."""
    from .i18n import LABELS as XL

    labels = XL[lang]
    console = _explain_console(width)
    _explain_header(console, model, labels, lang)

    console.print(f"\n{labels['gates']}")
    gates = _cond_table(lang)
    for gate in model["gates"]:
        _cond_row(gates, gate, lang)
    console.print(gates)

    for clause in model["clauses"]:
        _explain_clause(console, clause, labels, lang)

    _explain_footer(console, model, labels, lang)
    return console.export_text()


def _explain_header(console: Console, model: dict[str, Any], labels: dict[str, str], lang: str) -> None:
    ent = model["enterprise"]
    console.print(f"{labels['title']}  ({labels['doc']})")
    console.print(f"{labels['enterprise']}: {ent.get('name')}    {labels['credit_code']}: {ent.get('credit_code')}")
    console.print(f"{labels['year']}: {model['support_year']}    {labels['date']}: {model['declaration_date']}")
    console.print(f"\n{labels['awards']}")
    if not model["awards"]:
        console.print(f"  {labels['no_awards']}")
    for award in model["awards"]:
        up = f"{labels['up_to']} " if award.get("up_to") else ""
        console.print(f"  {award['clause']}  {award['basis']}  {up}{award['amount_text'][lang]}  · {award['payer_text'][lang]}")
    console.print(f"{labels['total']}: {model['total_text'][lang]}")


def _explain_clause(console: Console, clause: dict[str, Any], labels: dict[str, str], lang: str) -> None:
    up = f"{labels['up_to']} " if clause.get("up_to") else ""
    head = f"{clause['clause']} · {clause['subject']} · {clause['status_text'][lang]} · {clause['article_text'][lang]}"
    console.print(f"\n{head}")
    console.print(
        f"  {labels['amount']}: {up}{clause['amount_text'][lang]}   {labels['cap']}: {clause['cap_text'][lang]}   "
        f"{labels['basis']}: {', '.join(clause['bases']) or clause['basis']}   {labels['payer']}: {clause['payer_text'][lang]}"
    )
    for sentence in clause["sentences"][lang]:
        console.print(f"  → {sentence}")
    table = _cond_table(lang)
    for cond in clause["conditions"]:
        _cond_row(table, cond, lang)
    console.print(table)


def _explain_footer(console: Console, model: dict[str, Any], labels: dict[str, str], lang: str) -> None:
    _print_alternatives_and_advice(console, model, labels["alternatives"], labels["advisories"], lang)
    prov = model.get("provenance", {})
    if prov:
        console.print(f"{labels['provenance']}: " + "; ".join(f"{k}={v}" for k, v in prov.items()))


def render_clause_tree(model: dict[str, Any], lang: str = "zh", width: int = 140) -> str:
    """The justification of one clause: award ← conditions ← facts."""
    from rich.tree import Tree

    from .i18n import LABELS as XL

    labels = XL[lang]
    console = _explain_console(width)
    ent = model["enterprise"]
    console.print(f"{labels['enterprise']}: {ent.get('name')} · {labels['year']} {model['support_year']} · {labels['date']} {model['declaration_date']}")
    for clause in model["clauses"]:
        up = f"{labels['up_to']} " if clause.get("up_to") else ""
        root = Tree(
            f"{clause['clause']} · {clause['subject']} — {clause['status_text'][lang]}"
            f" ({labels['amount']}: {up}{clause['amount_text'][lang]})"
            f"  ({labels['cap']} {clause['cap_text'][lang]}; {labels['basis']} {', '.join(clause['bases'])};"
            f" {labels['payer']} {clause['payer_text'][lang]})"
        )
        for sentence in clause["sentences"][lang]:
            root.add(f"→ {sentence}")
        gates = root.add(f"{labels['gates']}")
        failing = [g for g in model["gates"] if g["status"] != "pass"]
        if not failing:
            gates.add(f"✓ {labels['gates_all_pass']} ({len(model['gates'])}): " + ", ".join(g["id"] for g in model["gates"]))
        for gate in failing:
            _tree_condition(gates, gate, labels, lang)
        conds = root.add(labels["conditions"])
        for cond in clause["conditions"]:
            _tree_condition(conds, cond, labels, lang)
        if clause["superseded_by"] or clause["blocked_by"] or clause.get("supersedes"):
            selection = root.add(labels["selection"] + ": " + clause["status_text"][lang])
            for other in clause["superseded_by"] + clause["blocked_by"]:
                who = other.get("clause") or other.get("policy")
                selection.add(f"← {who} · {other.get('basis')} · {yuan_text(other.get('amount_yuan'), lang)}")
            for other in clause.get("supersedes", []):
                selection.add(f"→ {other['clause']} · {other.get('basis')} · {yuan_text(other.get('amount_yuan'), lang)}")
        console.print(root)
    console.print(f"{labels['interpretations']}: {', '.join(model['interpretations'])}")
    return console.export_text()


def _tree_condition(parent: Any, cond: dict[str, Any], labels: dict[str, str], lang: str) -> None:
    node = parent.add(f"{cond['mark']} {cond['id']} ({cond['status_text'][lang]}): {cond['text'][lang]}")
    phrase = f" “{cond['phrase_zh']}”" if cond.get("phrase_zh") else ""
    node.add(f"{labels['article']}: {cond['article_text'][lang]}{phrase}")
    node.add(f"{labels['observed']}: {cond['observed_text'][lang]}")
    required = cond["required_text"][lang]
    if cond.get("required_formula"):
        required += f"  ← {cond['required_formula']}"
    node.add(f"{labels['required']}: {required}")
    for detail in cond["details"][lang]:
        node.add(f"→ {detail}")
    if cond.get("facts"):
        facts = node.add(labels["facts"])
        for fact in cond["facts"]:
            facts.add(f"{fact['field']} = {yuan_text(fact['value'], lang)}")
    if cond.get("years_looked_at"):
        facts = node.add(labels["years_looked_at"])
        for year in cond["years_looked_at"]:
            facts.add(f"annual[{year}]")
    for item in cond.get("evidence", []) or []:
        node.add(f"{labels['facts']}: {item}")
