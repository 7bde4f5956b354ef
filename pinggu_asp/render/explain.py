"""The auditor's answer: an explanation model built from a ``pinggu-result/1`` document.

Every status, value, gap, year looked at and competing award below is read
from the result, which is itself read from the atoms the ASP program derived
(cond/6, cond_text/6, gap/5, looked_at/4, status/3, superseded_by/3,
blocked_by/3, ...). This module only puts them into sentences, in Chinese and
English; it decides nothing. Change a threshold in the parameters file and the
explanation changes with it, because the rules' conclusions change.

The model (``pinggu-explanation/1``) is plain JSON data; render_text,
render_md and render_html print it.
"""

from __future__ import annotations

import json
from typing import Any

from ..money import amount_text, yuan_text
from ..policy.pack import say, texts
from .i18n import COND_STATUS, LABELS, LANGS, MARK, ORDER_VERDICT, STATUS, article_label, comparison, payer_text

SCHEMA = "pinggu-explanation/1"

Bi = dict[str, str]  # {"zh": ..., "en": ...}


class ClauseNotListed(LookupError):
    """The requested clause has no entry in this result."""

    def __init__(self, clause: str, listed: list[str]) -> None:
        super().__init__(clause)
        self.clause = clause
        self.listed = listed


# --- values -----------------------------------------------------------------


# The amounts' words are money.py's (yuan_text, amount_text), imported
# above and kept importable from here.


# The statuses whose amount is what the clause pays or would pay on its own merits; beside
# any other status an amount is only what the clause would pay if it were eligible, and
# says so (an auditor must never read it as owed).
AMOUNT_STANDS = frozenset({"granted", "superseded", "blocked", "below_minimum"})


def other_amount(other: dict[str, Any]) -> Any:
    """What a competing award or another policy's support pays: an award's amount is whole
    yuan (``amount_yuan``); a declared support may hold fen (``amount_yuan_decimal``)."""
    return other["amount_yuan"] if "amount_yuan" in other else other.get("amount_yuan_decimal")


def amount_label(status: str, lang: str) -> str:
    return LABELS[lang]["amount" if status in AMOUNT_STANDS else "amount_if_eligible"]


def _both(fn: Any, *args: Any) -> Bi:
    return {lang: fn(*args, lang) for lang in LANGS}


def value_text(kind: str | None, value: Any, lang: str) -> str:
    """An observed or required value as words, by the kind of term the rules gave."""
    zh = lang == "zh"
    if kind in ("money", "ratio"):
        return yuan_text(value, lang)
    if kind == "missing":
        return "未申报" if zh else "not declared"
    if kind == "none" or value is None:
        return "—"
    if kind in ("bool", "finding"):
        word = ("是" if value else "否") if zh else ("yes" if value else "no")
        return f"{word}（评审认定）" if kind == "finding" and zh else (f"{word} (reviewers' finding)" if kind == "finding" else word)
    if kind == "date_range" and isinstance(value, list) and len(value) == 2:
        return f"{value[0]}至{value[1]}（含两端）" if zh else f"{value[0]} to {value[1]} (both inclusive)"
    if kind == "date_range_open_start" and isinstance(value, list) and len(value) == 2:
        return f"{value[0]}（不含）至{value[1]}（含）" if zh else f"{value[0]} (exclusive) to {value[1]} (inclusive)"
    if kind in ("year_range", "int_range") and isinstance(value, list) and len(value) == 2:
        return f"{value[0]}–{value[1]}"
    if kind == "years_checked":
        return f"查看了{value}个此前申报年度" if zh else f"{value} earlier declared year(s) looked at"
    if kind == "commissioned_in":
        return f"{value}年投产" if zh else f"commissioned in {value}"
    if kind == "reached_in" and isinstance(value, dict):
        return (
            f"{value.get('year')}年已达{yuan_text(value.get('yuan'), lang)}"
            if zh
            else f"reached {yuan_text(value.get('yuan'), lang)} in {value.get('year')}"
        )
    if kind == "prior_award" and isinstance(value, dict):
        return f"已有奖励 prior_awards[{value.get('prior_award')}]" if zh else f"prior award prior_awards[{value.get('prior_award')}]"
    if kind == "title" and isinstance(value, dict):
        return f"ratings[{value.get('rating')}]，{value.get('date')}" if zh else f"ratings[{value.get('rating')}], {value.get('date')}"
    if kind == "grade_change" and isinstance(value, dict):
        return f"{value.get('previous_grade')} → {value.get('grade')}"
    if kind == "base_year":
        return f"基年{yuan_text(value, lang)}" if zh else f"base year {yuan_text(value, lang)}"
    if kind == "no_prior_award_of" and isinstance(value, dict):
        clause = value.get("no_prior_award_of")
        return f"（此前未获 {clause} 奖励）" if zh else f"no earlier award of {clause}"
    if kind == "grade_below" and isinstance(value, dict):
        return f"原等级低于 {value.get('previous_grade_below')}" if zh else f"previous grade below {value.get('previous_grade_below')}"
    if isinstance(value, list) and all(isinstance(v, (str, int)) for v in value):
        return ("、" if zh else ", ").join(str(v) for v in value)
    if kind == "count":
        return f"{value}项" if zh else str(value)
    if isinstance(value, (str, int)):
        return str(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def requirement_text(cond: dict[str, Any], lang: str) -> str:
    """The required value with its comparison, e.g. '≥ 5,000,000 yuan'."""
    words = comparison(cond.get("comparison"))
    required = value_text(cond.get("required_kind"), cond.get("required"), lang)
    symbol = words["symbol"]
    if cond.get("required_kind") == "base_year_above_zero":
        # The comparison that decided a growth from a base year of 0 (SPEC §0.6), not the rate's.
        if lang == "zh":
            return "基年大于0元（基年为0：从零起步不算增长）"
        return "base year above 0 yuan (base year 0: growth from nothing is not growth)"
    if cond.get("comparison") == "first_time":
        return f"首次{required}" if lang == "zh" else f"first time: {required}"
    if cond.get("comparison") == "none_in":
        if cond.get("required_kind") in ("date_range", "date_range_open_start"):
            return f"期间内无：{required}" if lang == "zh" else f"none dated {required}"
        return "无" if lang == "zh" else "none"
    if cond.get("comparison") == "exists" and cond.get("required_kind") == "date":
        return f"至少一项，日期不晚于 {required}" if lang == "zh" else f"at least one, dated on or before {required}"
    return f"{symbol} {required}".strip()


def _observed_with_field(cond: dict[str, Any], lang: str) -> str:
    text = value_text(cond.get("observed_kind"), cond.get("observed"), lang)
    field = cond.get("source_field")
    if not field or cond.get("observed_kind") == "missing" or field in text:  # (a prior award names its field)
        return text
    return f"{text} ({field})"


# --- sentences about one condition ------------------------------------------


def _gap_sentence(cond: dict[str, Any], lang: str) -> str | None:
    gap = cond.get("gap")
    if not gap:
        return None
    field = cond.get("source_field") or cond["id"]
    need = yuan_text(gap.get("passes_at_yuan_decimal"), lang)
    short = yuan_text(gap.get("short_by_yuan_decimal"), lang)
    declared = yuan_text(cond.get("observed"), lang)
    formula = cond.get("required_formula")
    required = yuan_text(cond.get("required"), lang)
    if cond.get("comparison") == "gt":
        if lang == "zh":
            return f"{field}须超过{required}（即至少{need}）；申报{declared}，差{short}。"
        return f"{field} must exceed {required}, i.e. reach {need}; declared {declared}, short by {short}."
    basis = ""
    if cond.get("required_kind") == "ratio" and formula:
        basis = f"（= {formula}）" if lang == "zh" else f" (= {formula})"
    if lang == "zh":
        return f"{field}须达到{need}{basis}；申报{declared}，差{short}。"
    return f"{field} must reach {need}{basis}; declared {declared}, short by {short}."


def _missing_sentence(cond: dict[str, Any], lang: str, support_year: int | None) -> str | None:
    if cond.get("status") != "unknown" or not cond.get("missing"):
        return None
    field = cond["missing"]
    if cond.get("comparison") == "first_time" or field == "annual":
        year = f"annual[{support_year - 1}]" if support_year else "annual[…]"
        if lang == "zh":
            return f"未申报支持年度以前的任何年度，无法判断是否“首次”：请申报此前年度的年度数据（如 {year}）。"
        return f"No year before the support year is declared, so 'first time' cannot be judged: declare earlier annual records (e.g. {year})."
    if lang == "zh":
        return f"缺少事实：请申报 {field}。"
    return f"Missing fact: declare {field}."


def _first_time_sentence(cond: dict[str, Any], lang: str) -> str | None:
    kind = cond.get("observed_kind")
    years = cond.get("years_looked_at") or []
    required = yuan_text(cond.get("required"), lang)
    if kind == "reached_in" and isinstance(cond.get("observed"), dict):
        obs = cond["observed"]
        field = cond.get("source_field") or ""
        amount = yuan_text(obs.get("yuan"), lang)
        if lang == "zh":
            return f"{obs.get('year')}年（{field}）已达到{amount}，不低于{required}：并非首次。"
        return f"Already reached in {obs.get('year')} ({field}: {amount}, not below {required}): not the first time."
    if kind == "prior_award" and isinstance(cond.get("observed"), dict) and not cond.get("note_details"):
        # (where the rules name the award in a note, the note says it)
        idx = cond["observed"].get("prior_award")
        if lang == "zh":
            return f"已有本条款的奖励记录 prior_awards[{idx}]：并非首次。"
        return f"An earlier award of this clause is on record (prior_awards[{idx}]): not the first time."
    if kind == "years_checked" and years:
        listed = ("、" if lang == "zh" else ", ").join(str(y) for y in years)
        if lang == "zh":
            return f"查看的申报年度：{listed}；均未达到{required}。"
        return f"Declared years looked at: {listed}; none reached {required}."
    if kind == "commissioned_in":
        if lang == "zh":
            return f"企业于支持年度（{cond.get('observed')}年）投产，此前没有产值。"
        return f"The plant went into production in the support year ({cond.get('observed')}): no earlier output."
    return None


def _note_sentences(cond: dict[str, Any], lang: str) -> list[str]:
    out = []
    for note in cond.get("note_details", []):
        # The notes' words are the policy's (asp_rules/texts.yaml, notes), by the note's code.
        words = texts()["notes"].get(note["code"])
        args = [str(a) for a in note.get("args", [])]
        if words:
            out.append(words[lang].format(*args, *([""] * 3)))
        else:
            out.append(f"{note['code']}: {', '.join(args)}" if args else str(note["code"]))
    return out


def _condition_model(cond: dict[str, Any], support_year: int | None) -> dict[str, Any]:
    status = cond.get("status", "unknown")
    words = comparison(cond.get("comparison"))
    model: dict[str, Any] = {
        "id": cond["id"],
        "status": status,
        "mark": MARK.get(status, "?"),
        "status_text": {lang: COND_STATUS[lang].get(status, status) for lang in LANGS},
        "observed": cond.get("observed"),
        "observed_kind": cond.get("observed_kind"),
        "required": cond.get("required"),
        "required_kind": cond.get("required_kind"),
        "required_formula": cond.get("required_formula"),
        "comparison": cond.get("comparison"),
        "comparison_text": {"symbol": words["symbol"], "zh": words["zh"], "en": words["en"]},
        "source_field": cond.get("source_field"),
        "article": cond.get("article"),
        "article_text": {lang: article_label(cond.get("article"), lang) for lang in LANGS},
        "phrase_zh": cond.get("phrase_zh"),
        "text": {"zh": cond.get("text_zh") or cond["id"], "en": cond.get("text_en") or cond["id"]},
        "observed_text": _both(lambda lang: _observed_with_field(cond, lang)),
        "required_text": _both(lambda lang: requirement_text(cond, lang)),
        "facts": cond.get("facts", []),
    }
    for key in ("gap", "missing", "years_looked_at", "notes", "evidence", "effect"):
        if key in cond:
            model[key] = cond[key]
    details: dict[str, list[str]] = {lang: [] for lang in LANGS}
    for lang in LANGS:
        for sentence in (
            _gap_sentence(cond, lang),
            _missing_sentence(cond, lang, support_year),
            _first_time_sentence(cond, lang),
        ):
            if sentence:
                details[lang].append(sentence)
        details[lang].extend(_note_sentences(cond, lang))
    model["details"] = details
    model["summary"] = {lang: _summary(model, lang) for lang in LANGS}
    return model


def _summary(cond: dict[str, Any], lang: str) -> str:
    """One line: mark, id, reading, observed vs required, the cited phrase."""
    cite = cond["article_text"][lang]
    phrase = f"“{cond['phrase_zh']}”" if cond.get("phrase_zh") else ""
    obs = cond["observed_text"][lang]
    req = cond["required_text"][lang]
    if lang == "zh":
        line = f"{cond['mark']} {cond['id']}（{cond['status_text']['zh']}）：{cond['text']['zh']}。申报 {obs}，要求 {req}。{cite}{phrase}"
    else:
        line = f"{cond['mark']} {cond['id']} ({cond['status_text']['en']}): {cond['text']['en']}. Observed {obs}; required {req}. {cite} {phrase}".rstrip()
    return line


# --- clauses ----------------------------------------------------------------


def _who(other: dict[str, Any]) -> str:
    return str(other.get("clause") or other.get("policy") or "?")


def _clause_sentences(entry: dict[str, Any], lang: str) -> list[str]:
    """The clause's status in words; which gates or conditions caused it is explain.lp's status_reason/4."""
    zh = lang == "zh"
    status = entry["status"]
    own = amount_text(entry.get("amount_yuan"), lang)
    ids = ", ".join(r["id"] for r in entry.get("reasons", []))
    out: list[str] = []
    if status == "not_applicable":
        out.append(say("sentences", "not_applicable", lang, ids=ids))
    elif status == "barred":
        out.append(f"未通过适用条件，不得申请：{ids}。若通过，本条款可兑现 {own}。" if zh
                   else f"Barred by failed gate(s): {ids}. Otherwise this clause would pay {own}.")
    elif status == "ineligible":
        out.append(f"不满足条件：{ids}。" if zh else f"Condition(s) failed: {ids}.")
    elif status == "undetermined":
        out.append(f"事实不全，无法判断：{ids}。未补充前不予给予。" if zh
                   else f"Facts missing, cannot decide: {ids}. Nothing is granted until they are declared.")
    elif status == "below_minimum":
        out.append(below_minimum_sentence((entry.get("derivation") or {}).get("minimum_yuan"), own, lang))
    elif status == "granted":
        up = ("不超过 " if zh else "up to ") if entry.get("up_to") else ""
        out.append(f"给予 {up}{own}。" if zh else f"Granted: {up}{own}.")
    for other in entry.get("superseded_by", []):
        theirs = amount_text(other_amount(other), lang)
        out.append(say("sentences", "superseded_by", lang, who=_who(other), basis=other.get("basis", ""), theirs=theirs, own=own))
    for other in entry.get("blocked_by", []):
        theirs = amount_text(other_amount(other), lang)
        out.append(say("sentences", "blocked_by", lang, basis=other.get("basis"), policy=other.get("policy"), theirs=theirs, own=own))
    for order in entry.get("orders", []) or []:
        reasons = "; ".join(str(r.get("text_zh" if zh else "text_en") or r.get("code")) for r in order.get("reasons", []))
        amount = yuan_text(order.get("executed_yuan_decimal"), lang)
        verdict = ORDER_VERDICT["zh" if zh else "en"].get(str(order.get("verdict")), str(order.get("verdict")))
        out.append(f"订单 {order.get('order')}（执行额 {amount}）：{verdict}" + (f"，{reasons}" if reasons else "") if zh
                   else f"Order {order.get('order')} (executed {amount}): {verdict}" + (f" — {reasons}" if reasons else ""))
    return out


def derivation_text(deriv: dict[str, Any] | None, up_to: bool, lang: str) -> str:
    """How an amount was worked out, on one line: base × rate = raw, the cap, less what was
    already paid, and 第十七条's rounding, every figure as the rules computed it."""
    if not deriv:
        return "—"
    zh = lang == "zh"
    y = lambda v: yuan_text(v, lang)  # noqa: E731 - a local shorthand
    parts: list[str] = []
    if deriv.get("base_yuan_decimal") is not None:
        parts.append(f"{y(deriv['base_yuan_decimal'])} × {deriv['rate_text']} = {y(deriv['raw_yuan_decimal'])}")
        if deriv.get("cap_yuan") is not None:
            parts.append(f"上限 {y(deriv['cap_yuan'])}" if zh else f"cap {y(deriv['cap_yuan'])}")
    elif deriv.get("fixed_yuan") is not None:
        if up_to:
            parts.append(f"不超过 {y(deriv['fixed_yuan'])}（上限）" if zh else f"up to {y(deriv['fixed_yuan'])} (a ceiling)")
        else:
            parts.append(f"定额 {y(deriv['fixed_yuan'])}" if zh else f"a fixed sum of {y(deriv['fixed_yuan'])}")
    if deriv.get("already_paid_yuan_decimal") is not None:
        paid = y(deriv["already_paid_yuan_decimal"])
        parts.append(f"减已获 {paid}" if zh else f"less {paid} already paid")
    before, after, unit = deriv.get("before_rounding_yuan_decimal"), deriv.get("after_rounding_yuan"), deriv.get("round_unit_yuan")
    if deriv.get("before_rounding_fen") == deriv.get("after_rounding_fen"):
        parts.append(say("sentences", "rounding_unchanged", lang, unit=y(unit), after=y(after)))
    else:
        parts.append(say("sentences", "rounding", lang, before=y(before), unit=y(unit), after=y(after)))
    return ("；" if zh else "; ").join(parts)


def total_note(result: dict[str, Any], lang: str) -> str:
    """Which part of the total is "up to" ceilings that reviewers may lower (SPEC §0.3)."""
    up_to, exact = result.get("total_up_to_yuan"), result.get("total_exact_yuan")
    if not up_to:
        return "全部为确定金额" if lang == "zh" else "all exact amounts"
    if lang == "zh":
        return f"其中“不超过”上限 {amount_text(up_to, lang)}，确定金额 {amount_text(exact, lang)}"
    return f"of which {amount_text(up_to, lang)} are “up to” ceilings and {amount_text(exact, lang)} exact amounts"


def below_minimum_sentence(minimum_yuan: Any, own: str, lang: str) -> str:
    minimum = amount_text(minimum_yuan, lang) if minimum_yuan is not None else "—"
    return say("sentences", "below_minimum", lang, minimum=minimum, own=own)


def _reason_models(entry: dict[str, Any], conditions: list[dict[str, Any]], gates: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The gates and conditions explain.lp named as the reasons for the status, with their words."""
    by_id = {c["id"]: c for c in conditions}
    out = []
    for reason in entry.get("reasons", []):
        source = gates.get(reason["id"]) if reason["kind"] == "gate" else by_id.get(reason["id"])
        if source is None:  # pragma: no cover - status_reason/4 names a gate or condition of this clause
            continue
        out.append({"kind": reason["kind"], "id": reason["id"], "status": source["status"], "mark": source["mark"],
                    "text": source["text"], "details": source["details"], "gap": source.get("gap"),
                    "missing": source.get("missing")})
    return out


def _clause_model(entry: dict[str, Any], gates: dict[str, dict[str, Any]], support_year: int | None) -> dict[str, Any]:
    status = entry["status"]
    conditions = [_condition_model(c, support_year) for c in entry.get("conditions", [])]
    model = {
        "clause": entry["clause"],
        "article": entry.get("article"),
        "article_text": {lang: article_label(entry.get("article"), lang) for lang in LANGS},
        "subject": entry.get("subject"),
        "basis": entry.get("basis"),
        "bases": entry.get("bases", []),
        "status": status,
        "status_text": {lang: STATUS[lang].get(status, status) for lang in LANGS},
        "amount_yuan": entry.get("amount_yuan"),
        "amount_text": _both(amount_text, entry.get("amount_yuan")),
        "amount_label": {lang: amount_label(status, lang) for lang in LANGS},
        "cap_yuan": entry.get("cap_yuan"),
        "cap_text": _both(amount_text, entry.get("cap_yuan")),
        "up_to": bool(entry.get("up_to")),
        "payer": entry.get("payer"),
        "payer_text": {lang: payer_text(str(entry.get("payer", "")), lang) for lang in LANGS},
        "derivation": entry.get("derivation"),
        "derivation_text": {lang: derivation_text(entry.get("derivation"), bool(entry.get("up_to")), lang) for lang in LANGS},
        "conditions": conditions,
        "superseded_by": entry.get("superseded_by", []),
        "blocked_by": entry.get("blocked_by", []),
        "supersedes": entry.get("supersedes", []),
        "reasons": _reason_models(entry, conditions, gates),
        "orders": entry.get("orders", []),
    }
    model["sentences"] = {lang: _clause_sentences(entry, lang) for lang in LANGS}
    for lang in LANGS:
        model["sentences"][lang].extend(_supersedes_sentence(model, other, lang) for other in model["supersedes"])
    return model


def _gate_model(gate: dict[str, Any], support_year: int | None) -> dict[str, Any]:
    model = _condition_model(gate, support_year)
    model["effect"] = gate.get("effect")
    model["evidence"] = gate.get("evidence", [])
    return model


def _supersedes_sentence(model: dict[str, Any], other: dict[str, Any], lang: str) -> str:
    own = amount_text(model.get("amount_yuan"), lang)
    theirs = amount_text(other_amount(other), lang)
    return say("sentences", "supersedes", lang, own=own, clause=other["clause"], basis=other.get("basis"), theirs=theirs)


def build(result: dict[str, Any], clause: str | None = None) -> dict[str, Any]:
    """The explanation of a result; with ``clause``, only that clause's entries (and the gates).

    Raises ClauseNotListed when the clause has no entry in the result."""
    support_year = result.get("support_year")
    gates = [_gate_model(g, support_year) for g in result.get("gates", [])]
    failed_gates = [g for g in result.get("gates", []) if g.get("status") != "pass"]
    gates_by_id = {g["id"]: g for g in gates}
    entries = result.get("clauses", [])
    if clause is not None:
        chosen = [e for e in entries if e["clause"] == clause]
        if not chosen:
            listed = list(dict.fromkeys(e["clause"] for e in entries))
            raise ClauseNotListed(clause, listed)
        entries = chosen
    clauses = [_clause_model(e, gates_by_id, support_year) for e in entries]
    awards = [
        {**a, "amount_text": _both(amount_text, a.get("amount_yuan")),
         "derivation_text": {lang: derivation_text(a.get("derivation"), bool(a.get("up_to")), lang) for lang in LANGS},
         "payer_text": {lang: payer_text(str(a.get("payer", "")), lang) for lang in LANGS}}
        for a in result.get("awards", [])
    ]
    return {
        "schema": SCHEMA,
        "clause": clause,
        "enterprise": result.get("enterprise", {}),
        "support_year": support_year,
        "declaration_date": result.get("declaration_date"),
        "awards": awards,
        "total_yuan": result.get("total_yuan"),
        "total_text": _both(amount_text, result.get("total_yuan")),
        "total_note": _both(total_note, result),
        "totals_by_article": result.get("totals_by_article", {}),
        "totals_by_payer": result.get("totals_by_payer", {}),
        "gates": gates,
        "gates_failed": [g["id"] for g in failed_gates],
        "clauses": clauses,
        "alternatives": result.get("alternatives", []),
        "alternatives_truncated": result.get("alternatives_truncated", False),
        "alternatives_count": result.get("alternatives_count", 0),
        "alternative_groups": result.get("alternative_groups", []),
        "advisories": result.get("advisories", []),
        "interpretations": result.get("interpretations", []),
        "readings": result.get("readings", []),
        "parameters": result.get("parameters", {}),
        "provenance": result.get("provenance", {}),
    }


def dumps(model: dict[str, Any]) -> str:
    return json.dumps(model, ensure_ascii=False, indent=2) + "\n"
