"""A readable summary of a result for a terminal, in Chinese (default) or English."""

from __future__ import annotations

import io
import os
import shutil
import sys
from collections.abc import Sequence
from typing import Any

from rich.cells import cell_len
from rich.console import Console
from rich.padding import Padding
from rich.table import Table

from ..money import amount_text, yuan_text
from ..safe_text import escape_controls, escape_tree
from .alternatives_text import factored_lines
from .explain import other_amount
from .wrap import widest, wrap

LABELS = {
    "zh": {
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


# From this width the check summary is a table; below it, one block per clause.
WIDE = 120


# What the CLI prints into a pipe or a file, and what the service answers: a
# width that does not depend on whoever happens to be looking.
FILE_WIDTH = 140


def terminal_width(default: int = FILE_WIDTH) -> int:
    """The width to print at: $COLUMNS, else the terminal's, else ``default`` (a pipe or a file)."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return max(40, int(columns))
    if sys.stdout.isatty():
        return max(40, shutil.get_terminal_size((default, 24)).columns)
    return default


def _print_table(console: Console, headers: Sequence[str], rows: Sequence[Sequence[str]],
                 grow: Sequence[int], least: Sequence[int]) -> bool:
    """A bordered table, if the console is wide enough for every unbreakable piece (an amount,
    an id, a field path) to stand whole in its column; False, printing nothing, otherwise.

    The columns are laid out here, not by rich: each is as wide as its widest piece, and what
    is left of the width goes to the columns by ``grow``. Cells are broken by ``wrap`` (between
    Chinese characters and at spaces), so rich has nothing left to fold or ellipsize.
    """
    widths = [max(floor, widest(header)) for header, floor in zip(headers, least, strict=True)]
    for row in rows:
        for index, cell in enumerate(row):
            widths[index] = max(widths[index], widest(cell))
    # Borders and one space of padding each side: 3 cells a column, plus 1.
    spare = console.width - (sum(widths) + 3 * len(widths) + 1)
    if console.width < WIDE or spare < 0:
        return False
    shares = [spare * g // sum(grow) for g in grow]
    shares[max(range(len(grow)), key=lambda i: grow[i])] += spare - sum(shares)
    widths = [w + extra for w, extra in zip(widths, shares, strict=True)]
    table = Table(show_lines=True, title_justify="left")
    for header, width in zip(headers, widths, strict=True):
        table.add_column(wrap(header, width), width=width, no_wrap=True, overflow="fold")
    for row in rows:
        table.add_row(*(wrap(cell, width) for cell, width in zip(row, widths, strict=True)))
    console.print(table)
    return True


def _print_block(console: Console, text: str, indent: int) -> None:
    console.print(Padding(wrap(text, console.width - indent), (0, 0, 0, indent)))

def _why(clause: dict[str, Any], lang: str) -> str:
    """The why column: the reasons explain.lp derived (status_reason/4), what the award yields
    to or was chosen over, and how its amount was worked out. Nothing here is decided."""
    zh = lang == "zh"
    parts = []
    for reason in clause["reasons"]:
        line = f"{reason['mark']} {reason['id']}: {reason['text'][lang]}"
        if reason.get("gap"):
            line += f" ({'差' if zh else 'short by '}{yuan_text(reason['gap']['short_by_yuan_decimal'], lang)})"
        if reason["status"] == "unknown" and reason.get("missing"):
            line += f" ({'缺少' if zh else 'missing '}{reason['missing']})"
        parts.append(line)
    for other in clause["superseded_by"]:
        who = other.get("clause") or other.get("policy")
        parts.append(("← 从优：" if zh else "← beaten by ") + f"{who} {yuan_text(other_amount(other), lang)}")
    for other in clause["supersedes"]:
        parts.append(("→ 优于：" if zh else "→ chosen over ") + f"{other['clause']} {yuan_text(other.get('amount_yuan'), lang)}")
    for other in clause["blocked_by"]:
        parts.append(("← 已享受：" if zh else "← already received: ") + f"{other['policy']}")
    if clause["status"] in ("granted", "superseded", "blocked", "below_minimum"):
        parts.append(("＝ " if zh else "= ") + clause["derivation_text"][lang])
    return "\n".join(parts)


def render(result: dict[str, Any], lang: str = "zh", width: int | None = None) -> str:
    """``check -f text``: the summary table, from the same explanation model as ``explain``."""
    from .explain import build
    from .i18n import LABELS as XL

    model = escape_tree(build(result), escape_controls)
    labels = LABELS[lang]
    console = _explain_console(width or terminal_width())
    console.print(XL[lang]["check_title"])  # the policy's words: asp_rules/texts.yaml, labels
    ent = model["enterprise"]
    console.print(f"{labels['enterprise']}: {ent['name']} ({ent['credit_code']})")
    console.print(f"{labels['year']}: {model['support_year']}    {labels['date']}: {model['declaration_date']}")

    failed = [g for g in model["gates"] if g["status"] != "pass"]
    if failed:
        console.print(f"\n{labels['gates']}")
        for gate in failed:
            console.print(f"  {gate['mark']} {gate['id']}: {gate['text'][lang]}")

    rows = []
    for clause in model["clauses"]:
        shown = clause["amount_text"][lang] if clause["status"] in ("granted", "superseded", "blocked") else "—"
        if shown != "—" and clause.get("up_to"):
            shown = f"{labels['up_to']} {shown}"
        rows.append((clause["clause"], clause["basis"], clause["status_text"][lang], shown, _why(clause, lang)))
    headers = (labels["clause"], labels["basis"], labels["status"], labels["amount"], labels["why"])
    status_width = max((cell_len(row[2]) for row in rows), default=1)
    if not _print_table(console, headers, rows, grow=(0, 1, 0, 1, 6), least=(1, 1, status_width, 1, 30)):
        # Too narrow for a table that cuts no amount or identifier: one block per clause.
        for clause_id, basis, status, shown, why in rows:
            console.print()
            _print_block(console, f"{clause_id} · {basis} · {status} · {shown}", 0)
            if why:
                _print_block(console, why, 2)
    console.print(f"{labels['total']}: {model['total_text'][lang]} ({model['total_note'][lang]})")
    _print_alternatives_and_advice(console, model, labels["alternatives"], labels["advice"], lang)
    return _plain(console)


def _print_alternatives_and_advice(console: Console, doc: dict[str, Any], alt_label: str, advice_label: str, lang: str) -> None:
    """The other equally favourable sets, the advisories, and the readings in force (check and explain alike)."""
    key = "text_zh" if lang == "zh" else "text_en"
    factored = factored_lines(doc, lang)
    if factored is not None:
        console.print(f"\n{alt_label}: {factored[0]}")
        for line in factored[1:]:
            console.print(f"  {line}")
    elif doc["alternatives"]:
        console.print(f"\n{alt_label}:")
        for alt in doc["alternatives"]:
            names = ", ".join(a.get("clause") or a.get("policy", "") for a in alt["chosen"])
            console.print(f"  {names} → {amount_text(alt['total_yuan'], lang)}")
    for advice in doc["advisories"]:
        console.print(f"{advice_label}: {advice.get(key, '')}")
    console.print(f"\n{LABELS[lang]['interpretations']}:")
    for reading in doc.get("readings", []):
        console.print(Padding(f"{reading['name']}: {reading[lang]}", (0, 0, 0, 2)))


# --- `pinggu-asp explain`: the auditor's view (built by explain.py) ----------------


def _plain(console: Console) -> str:
    """The recorded text without the padding rich leaves at the end of lines."""
    return "\n".join(line.rstrip() for line in console.export_text().split("\n"))


def _explain_console(width: int) -> Console:
    # Plain text, no colour or styles: the output is the same on a terminal, in a pipe and with NO_COLOR.
    return Console(width=width, record=True, force_terminal=False, color_system=None, no_color=True,
                   file=io.StringIO(), markup=False, highlight=False, emoji=False)


def _cond_cells(cond: dict[str, Any], lang: str) -> tuple[str, str, str, str, str]:
    reading = cond["text"][lang]
    cite = cond["article_text"][lang]
    phrase = f"“{cond['phrase_zh']}”" if cond.get("phrase_zh") else ""
    lines = [f"{cite} {phrase}".strip(), reading]
    lines += [f"→ {d}" for d in cond["details"][lang]]
    required = cond["required_text"][lang]
    if cond.get("required_formula") and cond.get("required_kind") == "ratio":
        required += f"\n= {cond['required_formula']}"
    return (
        cond["id"],
        f"{cond['mark']} {cond['status_text'][lang]}",
        cond["observed_text"][lang],
        required,
        "\n".join(lines),
    )


def _print_conditions(console: Console, conds: list[dict[str, Any]], lang: str) -> None:
    """A table where the terminal is wide enough for every word of it; otherwise one wrapped block per condition."""
    from .i18n import LABELS as XL

    labels = XL[lang]
    headers = (labels["condition"], labels["result"], labels["observed"], labels["required"],
               labels["article"] + " · " + labels["text"])
    rows = [_cond_cells(cond, lang) for cond in conds]
    result_width = max((cell_len(row[1]) for row in rows), default=8)
    if _print_table(console, headers, rows, grow=(1, 0, 2, 2, 5), least=(1, result_width, 1, 1, 1)):
        return
    for cond in conds:
        phrase = f" “{cond['phrase_zh']}”" if cond.get("phrase_zh") else ""
        lines = [
            cond["text"][lang],
            f"{labels['observed']}: {cond['observed_text'][lang]}",
            f"{labels['required']}: {cond['required_text'][lang]}",
            f"{cond['article_text'][lang]}{phrase}",
        ]
        lines += [f"→ {d}" for d in cond["details"][lang]]
        _print_block(console, f"{cond['mark']} {cond['id']} ({cond['status_text'][lang]})", 2)
        _print_block(console, "\n".join(lines), 4)


def render_explanation(model: dict[str, Any], lang: str = "zh", width: int | None = None) -> str:
    """Every gate and listed clause, one readable table per clause."""
    from .i18n import LABELS as XL

    labels = XL[lang]
    model = escape_tree(model, escape_controls)
    console = _explain_console(width or terminal_width())
    _explain_header(console, model, labels, lang)

    console.print(f"\n{labels['gates']}")
    _print_conditions(console, model["gates"], lang)

    for clause in model["clauses"]:
        _explain_clause(console, clause, labels, lang)

    _explain_footer(console, model, labels, lang)
    return _plain(console)


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
        console.print(Padding(f"= {award['derivation_text'][lang]}", (0, 0, 0, 6)))
    console.print(f"{labels['total']}: {model['total_text'][lang]} ({model['total_note'][lang]})")


def _explain_clause(console: Console, clause: dict[str, Any], labels: dict[str, str], lang: str) -> None:
    up = f"{labels['up_to']} " if clause.get("up_to") else ""
    head = f"{clause['clause']} · {clause['subject']} · {clause['status_text'][lang]} · {clause['article_text'][lang]}"
    console.print(f"\n{head}")
    console.print(
        f"  {clause['amount_label'][lang]}: {up}{clause['amount_text'][lang]}   {labels['cap']}: {clause['cap_text'][lang]}   "
        f"{labels['basis']}: {', '.join(clause['bases']) or clause['basis']}   {labels['payer']}: {clause['payer_text'][lang]}"
    )
    console.print(Padding(f"= {clause['derivation_text'][lang]}", (0, 0, 0, 2)))
    for sentence in clause["sentences"][lang]:
        console.print(Padding(f"→ {sentence}", (0, 0, 0, 2)))
    _print_conditions(console, clause["conditions"], lang)


def _explain_footer(console: Console, model: dict[str, Any], labels: dict[str, str], lang: str) -> None:
    _print_alternatives_and_advice(console, model, labels["alternatives"], labels["advisories"], lang)
    prov = model.get("provenance", {})
    if prov:
        console.print(f"{labels['provenance']}:")
        for key, value in prov.items():
            console.print(Padding(f"{key}: {value}", (0, 0, 0, 2)))


def render_clause_tree(model: dict[str, Any], lang: str = "zh", width: int | None = None) -> str:
    """The justification of one clause: award ← conditions ← facts."""
    from rich.tree import Tree

    from .i18n import LABELS as XL

    labels = XL[lang]
    model = escape_tree(model, escape_controls)
    console = _explain_console(width or terminal_width())
    ent = model["enterprise"]
    console.print(f"{labels['enterprise']}: {ent.get('name')} · {labels['year']} {model['support_year']} · {labels['date']} {model['declaration_date']}")
    for clause in model["clauses"]:
        up = f"{labels['up_to']} " if clause.get("up_to") else ""
        root = Tree(
            f"{clause['clause']} · {clause['subject']} — {clause['status_text'][lang]}"
            f" ({clause['amount_label'][lang]}: {up}{clause['amount_text'][lang]})"
            f"  ({labels['cap']} {clause['cap_text'][lang]}; {labels['basis']} {', '.join(clause['bases'])};"
            f" {labels['payer']} {clause['payer_text'][lang]})"
        )
        root.add(f"= {clause['derivation_text'][lang]}")
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
                selection.add(f"← {who} · {other.get('basis')} · {yuan_text(other_amount(other), lang)}")
            for other in clause.get("supersedes", []):
                selection.add(f"→ {other['clause']} · {other.get('basis')} · {yuan_text(other.get('amount_yuan'), lang)}")
        console.print(root)
    console.print(f"{labels['interpretations']}:")
    for reading in model.get("readings", []):
        console.print(Padding(f"{reading['name']}: {reading[lang]}", (0, 0, 0, 2)))
    return _plain(console)


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
            facts.add(f"{fact['field']} = {yuan_text(fact['value_yuan_decimal'], lang)}")
    if cond.get("years_looked_at"):
        facts = node.add(labels["years_looked_at"])
        for year in cond["years_looked_at"]:
            facts.add(f"annual[{year}]")
    for item in cond.get("evidence", []) or []:
        node.add(f"{labels['facts']}: {item}")


def render_readings(entries: list[dict[str, Any]], lang: str = "zh", width: int | None = None) -> str:
    """``pinggu-asp readings``: each named reading, whether it is a default, and how to switch."""
    from .i18n import LABELS as XL

    labels = XL[lang]
    console = _explain_console(width or terminal_width())
    console.print(labels["readings"])
    for entry in entries:
        if entry.get("switch"):
            how = f"{labels['reading_switch']}: -i {entry['switch']}"
        elif entry.get("replaces"):
            how = f"-i {entry['name']}: {labels['reading_default']} {entry['replaces']}"
        else:
            how = labels["reading_fixed"]
        console.print(f"\n{entry['name']}  ({how})")
        console.print(Padding(entry[lang], (0, 0, 0, 2)))
    return _plain(console)
