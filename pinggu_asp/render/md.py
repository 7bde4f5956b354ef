"""The explanation (explain.py) as Markdown: one table per clause, Chinese or English labels.

Condition readings are given in both languages; the cited phrase is the Chinese text of the law.
"""

from __future__ import annotations

from typing import Any

from ..safe_text import escape_tree, markdown_code, markdown_text
from .alternatives_text import factored_lines
from .i18n import LABELS

# Shown as code spans (markdown_code), so left unescaped by markdown_text: ids the
# rules make, the readings' names and descriptions, the provenance's digests.
_CODE_KEYS = frozenset({"id", "clause", "readings", "provenance"})


def _cell(text: Any) -> str:
    # The model's strings are escaped already (render_markdown); a line break the
    # renderer joins in would end the table row.
    return str(text if text is not None else "").replace("\n", "<br>")


def _cond_rows(conds: list[dict[str, Any]], lang: str) -> list[str]:
    labels = LABELS[lang]
    rows = [
        f"| {labels['condition']} | {labels['result']} | {labels['observed']} | {labels['required']} | "
        f"{labels['article']} | {labels['text']} |",
        "|---|---|---|---|---|---|",
    ]
    other = "en" if lang == "zh" else "zh"
    for cond in conds:
        required = cond["required_text"][lang]
        if cond.get("required_formula") and cond.get("required_kind") == "ratio":
            required += f" (= {cond['required_formula']})"
        phrase = f"“{cond['phrase_zh']}”" if cond.get("phrase_zh") else ""
        reading = [cond["text"][lang], f"*{cond['text'][other]}*"] + [f"→ {d}" for d in cond["details"][lang]]
        rows.append(
            "| " + " | ".join(
                _cell(x) for x in (
                    markdown_code(cond["id"]),
                    f"{cond['mark']} {cond['status_text'][lang]}",
                    cond["observed_text"][lang],
                    required,
                    f"{cond['article_text'][lang]} {phrase}".strip(),
                    "\n".join(reading),
                )
            ) + " |"
        )
    return rows


def render_markdown(model: dict[str, Any], lang: str = "zh") -> str:
    # Declared text (a name, an id in a basis, a policy) is data: never markup, a link or raw HTML.
    model = escape_tree(model, markdown_text, _CODE_KEYS)
    labels = LABELS[lang]
    ent = model["enterprise"]
    out = [
        f"# {labels['title']}",
        "",
        f"{labels['doc']}",
        "",
        f"- {labels['enterprise']}: {ent.get('name')} ({labels['credit_code']} {ent.get('credit_code')})",
        f"- {labels['year']}: {model['support_year']}",
        f"- {labels['date']}: {model['declaration_date']}",
        "",
        f"## {labels['awards']}",
        "",
    ]
    if model["awards"]:
        out += [f"| {labels['clause']} | {labels['basis']} | {labels['amount']} | {labels['payer']} | {labels['derivation']} |",
                "|---|---|---:|---|---|"]
        for award in model["awards"]:
            up = f"{labels['up_to']} " if award.get("up_to") else ""
            out.append(f"| {markdown_code(award['clause'])} | {_cell(award['basis'])} | {up}{award['amount_text'][lang]} | {award['payer_text'][lang]} "
                       f"| {_cell(award['derivation_text'][lang])} |")
    else:
        out.append(labels["no_awards"])
    out += ["", f"**{labels['total']}: {model['total_text'][lang]}** ({model['total_note'][lang]})", "", f"## {labels['gates']}", ""]
    out += _cond_rows(model["gates"], lang)
    for clause in model["clauses"]:
        up = f"{labels['up_to']} " if clause.get("up_to") else ""
        out += [
            "",
            f"## {markdown_code(clause['clause'])} · {clause['subject']} · {clause['status_text'][lang]}",
            "",
            f"- {labels['article']}: {clause['article_text'][lang]}",
            f"- {clause['amount_label'][lang]}: {up}{clause['amount_text'][lang]}",
            f"- {labels['derivation']}: {clause['derivation_text'][lang]}",
            f"- {labels['cap']}: {clause['cap_text'][lang]}",
            f"- {labels['basis']}: {', '.join(clause['bases']) or clause['basis']}",
            f"- {labels['payer']}: {clause['payer_text'][lang]}",
        ]
        out += [f"- → {s}" for s in clause["sentences"][lang]]
        out.append("")
        out += _cond_rows(clause["conditions"], lang)
    key = "text_zh" if lang == "zh" else "text_en"
    factored = factored_lines(model, lang)
    if factored is not None:
        out += ["", f"## {labels['alternatives']}", "", _cell(factored[0]), ""] + [f"- {_cell(line)}" for line in factored[1:]]
    if model["advisories"]:
        out += ["", f"## {labels['advisories']}", ""] + [f"- {a.get(key, '')}" for a in model["advisories"]]
    out += ["", f"## {labels['readings']}", ""] + [f"- {markdown_code(r['name'])}: {markdown_text(r[lang])}" for r in model.get("readings", [])]
    out += ["", f"## {labels['provenance']}", ""] + [f"- {markdown_text(str(k))}: {markdown_code(str(v))}" for k, v in model.get("provenance", {}).items()]
    out += ["", f"_{labels['generated']}_", ""]
    return "\n".join(out)
