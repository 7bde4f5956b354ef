"""The what-if difference and the reach answer for people: text, Markdown and one HTML page, zh or en.

Only rendering: the documents (``pinggu-whatif/1``, ``pinggu-reach/1``) hold
every verdict, each read off results the rules derived. The words come from one
catalogue (messages.yaml) and i18n.py's statuses, so a zh report holds no
English word and no raw status id. Amounts are money.py's (万元 and yuan), with
不超过 / "up to" where the rules derived a ceiling.
"""

from __future__ import annotations

from typing import Any

from ..money import format_wan, format_yuan, parse_yuan, yuan_to_fen
from ..safe_text import escape_controls, escape_tree, markdown_text
from .explain import AMOUNT_STANDS, value_text
from .i18n import COND_STATUS, STATUS, article_label
from .messages import message

# Rows are (cells...) tuples of text; a report is a list of such sections.
Row = list[str]


def amount(value: Any, lang: str, up_to: bool = False) -> str:
    """An amount of yuan in 万元 and yuan, "up to" when it is a ceiling; — for none."""
    if value is None:
        return "—"
    fen = yuan_to_fen(parse_yuan(value))
    text = message("report.amount", lang, wan=format_wan(fen), yuan=format_yuan(fen))
    return message("report.up_to", lang, amount=text) if up_to else text


def status_word(status: str, lang: str) -> str:
    return message("whatif.not_listed", lang) if status == "not_listed" else STATUS[lang][status]


def _ceilings(*results: dict[str, Any]) -> set[tuple[str, str]]:
    """(clause, basis) whose amount the rules derived as a ceiling, in either run."""
    return {(c["clause"], c["basis"]) for r in results for c in r.get("clauses", []) if c.get("up_to")}


def _kinds(result: dict[str, Any]) -> dict[tuple[str, str, str], dict[str, Any]]:
    """Each condition of a result by (clause, basis, id): its kinds of observed and required value."""
    return {(c["clause"], c["basis"], d["id"]): d for c in result.get("clauses", []) for d in c["conditions"]}


def _state(state: dict[str, Any] | None, lang: str, up_to: bool) -> str:
    if not state:
        return "—"
    word = status_word(state["status"], lang)
    # An amount beside a status that pays nothing would read as owed (explain.AMOUNT_STANDS).
    if state.get("amount_yuan") is not None and state["status"] in AMOUNT_STANDS:
        return f"{word}\n{amount(state['amount_yuan'], lang, up_to)}"
    return word


def _cond_state(brief: dict[str, Any] | None, full: dict[str, Any] | None, lang: str) -> str:
    if not brief:
        return "—"
    full = full or {}
    observed = value_text(full.get("observed_kind"), brief.get("observed"), lang)
    required = value_text(full.get("required_kind") or full.get("observed_kind"), brief.get("required"), lang)
    values = message("whatif.observed_required", lang, observed=observed, required=required)
    return f"{COND_STATUS[lang][brief['status']]}\n{values}"


def _meta(result: dict[str, Any], lang: str) -> list[tuple[str, str]]:
    """Who and when, and which program decided it (as explain's report says)."""
    ent = result.get("enterprise", {})
    prov = result.get("provenance", {})
    rows = [
        (message("report.enterprise", lang), str(ent.get("name", "—"))),
        (message("report.credit_code", lang), str(ent.get("credit_code", "—"))),
        (message("report.year", lang), str(result.get("support_year", "—"))),
        (message("report.declared_on", lang), str(result.get("declaration_date", "—"))),
    ]
    for key, label in (("package", "report.package"), ("rules_sha256", "report.rules_sha256"),
                       ("parameters_sha256", "report.parameters_sha256")):
        if prov.get(key):
            rows.append((message(label, lang), str(prov[key])))
    readings = ", ".join(str(r) for r in result.get("interpretations", []) or [])
    if readings:
        rows.append((message("report.readings", lang), readings))
    return rows


def _reformed(before: dict[str, Any], after: dict[str, Any], lang: str) -> list[tuple[str, str]]:
    """The changed run's hashes, where a reform or a reading made them differ."""
    rows = []
    for key in ("rules_sha256", "parameters_sha256"):
        changed = after.get("provenance", {}).get(key)
        if changed and changed != before.get("provenance", {}).get(key):
            rows.append((message(f"report.{key}_after", lang), str(changed)))
    return rows


def whatif_view(doc: dict[str, Any], lang: str) -> dict[str, Any]:
    """The what-if report as translated cells: meta, what was asked, totals, awards and clauses."""
    before, after = doc["before"], doc["after"]
    ceilings = _ceilings(before, after)
    asked = [message("whatif.asked_set", lang, item=s) for s in doc["asked"]["set"]]
    asked += [message("whatif.asked_param", lang, item=p) for p in doc["asked"]["param"]]
    asked += [message("whatif.asked_reading", lang, item=i) for i in doc["asked"]["interpretations"]]
    asked += [message("whatif.asked_base_reading", lang, item=i) for i in doc["asked"].get("base_interpretations", [])]

    def up(item: dict[str, Any]) -> bool:
        return bool(item.get("up_to")) or (item["clause"], item["basis"]) in ceilings

    awards: list[Row] = [
        [message("whatif.gained", lang), a["clause"], a["basis"], "—", amount(a["amount_yuan"], lang, up(a))]
        for a in doc["awards"]["gained"]
    ]
    awards += [
        [message("whatif.lost", lang), a["clause"], a["basis"], amount(a["amount_yuan"], lang, up(a)), "—"]
        for a in doc["awards"]["lost"]
    ]
    awards += [
        [message("whatif.changed", lang), a["clause"], a["basis"], amount(a["before_yuan"], lang, up(a)),
         amount(a["after_yuan"], lang, up(a))]
        for a in doc["awards"]["changed"]
    ]
    kinds_before, kinds_after = _kinds(before), _kinds(after)
    clauses: list[Row] = []
    for change in doc["changes"]:
        ceiling = (change["clause"], change["basis"]) in ceilings
        clauses.append([change["clause"], change["basis"], "", _state(change["before"], lang, ceiling),
                        _state(change["after"], lang, ceiling), ""])
        for cond in change["conditions"]:
            key = (change["clause"], change["basis"], cond["id"])
            text = cond.get("text_zh") if lang == "zh" else cond.get("text_en")
            cite = article_label(cond.get("article"), lang)
            gap = "" if lang == "zh" else " "
            phrase = f"{cite}{gap}“{cond['phrase_zh']}”" if cond.get("phrase_zh") else cite
            clauses.append(["", "", cond["id"], _cond_state(cond["before"], kinds_before.get(key), lang),
                            _cond_state(cond["after"], kinds_after.get(key), lang),
                            "\n".join(part for part in (phrase, text or "") if part)])
    total = message("whatif.total_line", lang, label=message("whatif.total", lang),
                    before=amount(doc["total_before_yuan"], lang), after=amount(doc["total_after_yuan"], lang))
    from .explain import total_note

    colon = "：" if lang == "zh" else ": "

    return {
        "title": message("whatif.title", lang),
        "meta": _meta(before, lang) + _reformed(before, after, lang),
        "asked_label": message("whatif.asked", lang),
        "asked": asked or [message("whatif.asked_none", lang)],
        "total": total,
        "total_notes": [f"{message('whatif.before', lang)}{colon}{total_note(before, lang)}",
                        f"{message('whatif.after', lang)}{colon}{total_note(after, lang)}"],
        "awards_title": message("whatif.awards", lang),
        "awards_header": [message(k, lang) for k in ("whatif.kind", "report.clause", "report.basis",
                                                      "whatif.before", "whatif.after")],
        "awards": awards,
        "clauses_title": message("whatif.clauses", lang),
        "clauses_header": [message(k, lang) for k in ("report.clause", "report.basis", "whatif.condition",
                                                       "whatif.before", "whatif.after", "whatif.law")],
        "clauses": clauses,
        "none": message("whatif.none", lang),
        "generated": message("report.generated", lang),
    }


def _basis_words(pattern: str, lang: str) -> str:
    """What a generic basis key (approval:<id>, rating:smart:Y) asks the declaration for."""
    kind, _, rest = pattern.partition(":")
    detail = rest.split(":")[0] if rest else ""
    key = f"basis.{kind}"
    try:
        return message(key, lang, detail=detail)
    except KeyError:
        return message("basis.other", lang, detail=pattern)


def reach_view(doc: dict[str, Any], lang: str) -> dict[str, Any]:
    """The reach answer as translated cells."""
    base = doc.get("about") or {}
    up_to = bool(doc.get("up_to"))
    view: dict[str, Any] = {
        "title": message("reach.title", lang, clause=doc["clause"]),
        "meta": _meta(base, lang) if base else [],
        "status": f"{message('reach.status_now', lang)}{'：' if lang == 'zh' else ': '}{status_word(doc['status'], lang)}",
        "lines": [],
        "header": [message(k, lang) for k in ("reach.field", "reach.from", "reach.to", "reach.amount",
                                              "reach.verified")],
        "rows": [],
        "blocked_title": "",
        "blocked": [],
        "generated": message("report.generated", lang),
    }
    if doc["already_qualifies"]:
        view["lines"].append(message("reach.already", lang))
        return view
    for change in doc["changes"]:
        then = status_word(change["status"], lang)
        if change.get("amount_yuan") is not None and change["status"] in AMOUNT_STANDS:
            then += "\n" + amount(change["amount_yuan"], lang, up_to)
        view["rows"].append([change["field"], value_text("money", change["from"], lang),
                             value_text("money", change["to"], lang), then,
                             message("reach.yes" if change["verified"] else "reach.no", lang)])
    if not doc["changes"] and doc["status"] != "not_listed":
        view["lines"].append(message("reach.no_change", lang))
    if doc["blocked_by"]:
        view["blocked_title"] = message("reach.blocked", lang)
    for b in doc["blocked_by"]:
        if b.get("kind") == "not_listed":
            lines = [message("reach.not_listed", lang, clause=b.get("id"))]
            # A basis on the year's output or R&D is one every declaration has (Art 11 rests on rd:Y but is
            # listed by a finding or a certificate): it does not say what is missing, so it is not offered.
            needs = [p for p in b.get("needs", []) if p.partition(":")[0] not in ("output", "rd")]
            lines += [message("reach.needs", lang, basis=p, fact=_basis_words(p, lang)) for p in needs]
            view["blocked"].append(" ".join(lines))
            continue
        text = b.get("text_zh") if lang == "zh" else b.get("text_en")
        cite = article_label(b.get("article"), lang)
        phrase = (f" {cite}“{b['phrase_zh']}”" if lang == "zh" else f" ({cite} “{b['phrase_zh']}”)") if b.get("phrase_zh") else ""
        status = COND_STATUS[lang].get(str(b.get("status")), "") or status_word(str(b.get("status")), lang)
        line = f"{message('reach.kind_' + str(b.get('kind')), lang)} {b.get('id')}（{status}）" if lang == "zh" else \
            f"{message('reach.kind_' + str(b.get('kind')), lang)} {b.get('id')} ({status})"
        line += f"{'：' if lang == 'zh' else ': '}{text or ''}{phrase}"
        if b.get("missing"):
            line += f"{'；' if lang == 'zh' else '; '}{message('reach.missing', lang, fields=b['missing'])}"
        view["blocked"].append(line)
    return view


# --- text and Markdown -------------------------------------------------------------------


def _text_table(header: Row, rows: list[Row], width: int, ids_width: int) -> str:
    """Columns that line up in East Asian width (render_text's table, or one block per row when too narrow)."""
    from rich.cells import cell_len

    from .text import _explain_console, _plain, _print_block, _print_table

    console = _explain_console(width)
    grow = [1] * len(header)
    grow[-1] = 4
    if not _print_table(console, header, rows, grow=grow, least=[1] * len(header)):
        # Too narrow for a table that cuts nothing: one block per row, each value under its heading.
        colon = "：" if any(cell_len(h) != len(h) for h in header) else ": "
        for row in rows:
            console.print()
            ids = [cell for cell in row[:ids_width] if cell]
            _print_block(console, " · ".join(ids), 0)
            for name, cell in zip(header[ids_width:], row[ids_width:], strict=True):
                if cell:
                    _print_block(console, f"{name}{colon}{cell.replace(chr(10), ' ')}", 2)
    return _plain(console).strip("\n")


def _md_table(header: Row, rows: list[Row]) -> str:
    def cell(text: str) -> str:
        # The document's strings are escaped already (markdown_text); "|" in them too.
        return text.replace("\n", "<br>")

    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return "\n".join(out + ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows])


def _table(header: Row, rows: list[Row], markdown: bool, width: int, ids_width: int) -> str:
    """``ids_width``: how many leading columns are names (clause, basis, field), shown as the block's title."""
    return _md_table(header, rows) if markdown else _text_table(header, rows, width, ids_width)


def _fit(lines: list[str], width: int, markdown: bool) -> list[str]:
    """Prose lines broken to the width where wrap.py allows (never inside an amount, id or path)."""
    from .wrap import wrap

    return lines if markdown else [wrap(line, width) for line in lines]


def _meta_lines(meta: list[tuple[str, str]], lang: str, markdown: bool) -> list[str]:
    colon = "：" if lang == "zh" else ": "
    return [f"{'- ' if markdown else ''}{label}{colon}{value}" for label, value in meta]


def whatif_text(doc: dict[str, Any], lang: str, markdown: bool = False, width: int | None = None) -> str:
    from .text import terminal_width

    width = width or terminal_width()
    # Declared text (an id in a basis, a --set value) is data: no escape codes, no markup.
    view = whatif_view(escape_tree(doc, markdown_text if markdown else escape_controls), lang)
    head, sub = ("# ", "## ") if markdown else ("", "")
    lines = [f"{head}{view['title']}", "", *_meta_lines(view["meta"], lang, markdown), ""]
    lines.append(f"{view['asked_label']}{'：' if lang == 'zh' else ': '}" + ("；" if lang == "zh" else "; ").join(view["asked"]))
    lines += ["", view["total"], *view["total_notes"], ""]
    if not view["awards"] and not view["clauses"]:
        lines.append(view["none"])
    lines = _fit(lines, width, markdown)
    if view["awards"]:
        lines += [f"{sub}{view['awards_title']}", "", _table(view["awards_header"], view["awards"], markdown, width, 3), ""]
    if view["clauses"]:
        lines += [f"{sub}{view['clauses_title']}", "", _table(view["clauses_header"], view["clauses"], markdown, width, 3)]
    return "\n".join(lines).rstrip() + "\n"


def reach_text(doc: dict[str, Any], lang: str, markdown: bool = False, width: int | None = None) -> str:
    from .text import terminal_width

    width = width or terminal_width()
    view = reach_view(escape_tree(doc, markdown_text if markdown else escape_controls), lang)
    head = "# " if markdown else ""
    lines = [f"{head}{view['title']}", "", *_meta_lines(view["meta"], lang, markdown)]
    lines += ["", view["status"], ""]
    lines += view["lines"]
    lines = _fit(lines, width, markdown)
    if view["rows"]:
        lines += [_table(view["header"], view["rows"], markdown, width, 1)]
    if view["blocked"]:
        lines += ["", view["blocked_title"], *_fit([f"- {b}" for b in view["blocked"]], width, markdown)]
    return "\n".join(lines).rstrip() + "\n"


# --- HTML -------------------------------------------------------------------------------


def _html(view: dict[str, Any], lang: str, kind: str) -> str:
    from .html import CSS, _environment

    return str(_environment().get_template("whatif.html.j2").render(
        view=view, kind=kind, css=CSS, html_lang="zh-CN" if lang == "zh" else "en",
        colon="：" if lang == "zh" else ": ", sep="；" if lang == "zh" else "; ",
    ))


def whatif_html(doc: dict[str, Any], lang: str) -> str:
    return _html(whatif_view(doc, lang), lang, "whatif")


def reach_html(doc: dict[str, Any], lang: str) -> str:
    return _html(reach_view(doc, lang), lang, "reach")
