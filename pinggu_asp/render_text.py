"""A readable summary of a result for a terminal, in Chinese (default) or English."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rich.console import Console
from rich.table import Table

from .money import FEN_PER_YUAN, format_wan, format_yuan

STATUS = {
    "zh": {
        "granted": "给予",
        "superseded": "从优未选",
        "blocked": "已享受其他政策",
        "below_minimum": "低于1万元不予兑现",
        "ineligible": "不符合",
        "undetermined": "待补充",
        "barred": "不得申请",
        "not_applicable": "不适用",
    },
    "en": {
        "granted": "granted",
        "superseded": "superseded",
        "blocked": "blocked",
        "below_minimum": "below minimum",
        "ineligible": "ineligible",
        "undetermined": "undetermined",
        "barred": "barred",
        "not_applicable": "not applicable",
    },
}

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


def _reason(clause: dict[str, Any], lang: str) -> str:
    key = "text_zh" if lang == "zh" else "text_en"
    parts = []
    for cond in clause["conditions"]:
        if cond["status"] == "pass":
            continue
        mark = "✗" if cond["status"] == "fail" else "?"
        line = f"{mark} {cond.get(key) or cond['id']}"
        if "gap" in cond:
            short = cond["gap"]["short_by"]
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
    console = Console(width=width, record=True, force_terminal=False, color_system=None, file=_Null())
    console.print(f"[bold]{labels['title']}[/bold]")
    ent = result["enterprise"]
    console.print(f"{labels['enterprise']}: {ent['name']} ({ent['credit_code']})")
    console.print(f"{labels['year']}: {result['support_year']}    {labels['date']}: {result['declaration_date']}")

    failed_gates = [g for g in result["gates"] if g["status"] != "pass"]
    key = "text_zh" if lang == "zh" else "text_en"
    if failed_gates:
        console.print(f"\n[bold]{labels['gates']}[/bold]")
        for gate in failed_gates:
            console.print(f"  {gate['status']}: {gate['id']} {gate.get(key) or ''}")

    table = Table(show_lines=True)
    for column in ("clause", "basis", "status", "amount", "why"):
        table.add_column(labels[column])
    for clause in result["clauses"]:
        amount = clause["amount_yuan"] if clause["status"] in ("granted", "superseded", "blocked") else None
        shown = money_text(amount, lang) if amount is not None else "—"
        if amount is not None and clause.get("up_to"):
            shown = f"{labels['up_to']} {shown}"
        table.add_row(
            clause["clause"], clause["basis"], STATUS[lang].get(clause["status"], clause["status"]), shown, _reason(clause, lang)
        )
    console.print(table)
    console.print(f"[bold]{labels['total']}[/bold]: {money_text(result['total_yuan'], lang)}")
    if result["alternatives"]:
        console.print(f"\n{labels['alternatives']}:")
        for alt in result["alternatives"]:
            names = ", ".join(a.get("clause") or a.get("policy", "") for a in alt["chosen"])
            console.print(f"  {names} → {money_text(alt['total_yuan'], lang)}")
    for advice in result["advisories"]:
        console.print(f"{labels['advice']}: {advice[key]}")
    console.print(f"\n{labels['interpretations']}: {', '.join(result['interpretations'])}")
    return console.export_text()


class _Null:
    def write(self, _: str) -> int:
        return 0

    def flush(self) -> None:
        pass
