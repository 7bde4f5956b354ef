"""The equally favourable alternatives in words, factored by independent conflict (zh and en).

A result lists its alternatives twice (``result.py``): ``alternatives``, the
first whole sets, and ``alternative_groups``, each independent conflict with
its own equally good choices. The factored form is what a reader can follow:
the whole sets are every combination of one choice per conflict, and there may
be millions of them (``alternatives_count``). Renderers show the factored form
where a document has it, and the whole sets otherwise.
"""

from __future__ import annotations

from typing import Any

_TEXT = {
    "zh": {
        "count": "共 {n} 种（各处冲突的同等可选项数之积，减去已选的一种）",
        "unknown": "数量过多，未全部枚举",
        "group": "冲突 {k}：已选 {chosen}；同样有利的其他选择：{others}",
        "group_count": "（共 {n} 种选择）",
        "group_unknown": "（选择过多，未全部枚举）",
        "none": "不选",
        "cut": "（仅列出部分）",
        "or": " 或 ",
    },
    "en": {
        "count": "{n} in all (the product of each conflict's equally good choices, less the chosen one)",
        "unknown": "too many to enumerate",
        "group": "Conflict {k}: chosen {chosen}; equally good instead: {others}",
        "group_count": " ({n} choices)",
        "group_unknown": " (too many choices to enumerate)",
        "none": "none",
        "cut": "(not all listed)",
        "or": " or ",
    },
}


def candidate_name(candidate: dict[str, Any]) -> str:
    """An award as its clause and basis, another policy by its name and basis."""
    return f"{candidate.get('clause') or candidate.get('policy', '')} [{candidate.get('basis', '')}]"


def _choice(choice: list[dict[str, Any]], lang: str) -> str:
    return " + ".join(candidate_name(c) for c in choice) or _TEXT[lang]["none"]


def factored_lines(doc: dict[str, Any], lang: str) -> list[str] | None:
    """The header and one line per conflict, or None when the document has no factored alternatives."""
    groups = doc.get("alternative_groups")
    if not groups:
        return None
    text = _TEXT[lang]
    count = doc.get("alternatives_count")
    lines = [text["count"].format(n=f"{count:,}") if count is not None else text["unknown"]]
    for k, group in enumerate(groups, 1):
        others = text["or"].join(_choice(choice, lang) for choice in group["choices"])
        line = text["group"].format(k=k, chosen=_choice(group["chosen"], lang), others=others or "…")
        n = group.get("count")
        lines.append(line + (text["group_count"].format(n=n) if n is not None else text["group_unknown"]))
    if doc.get("alternatives_truncated"):
        lines.append(text["cut"])
    return lines
