"""Words of the explanations, in Chinese and English.

Everything here is vocabulary: how a status, a comparison or a heading is
said. Nothing here decides anything; the statuses and values come from the
atoms the rules derived (see explain.py).
"""

from __future__ import annotations

from ..policy.bilingual import LANGS

STATUS: dict[str, dict[str, str]] = {
    "zh": {
        "granted": "给予",
        "superseded": "从优未选",
        "blocked": "已享受其他政策",
        "below_minimum": "低于最低兑现额，不予兑现",
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

COND_STATUS: dict[str, dict[str, str]] = {
    "zh": {"pass": "满足", "fail": "不满足", "unknown": "未知"},
    "en": {"pass": "pass", "fail": "fail", "unknown": "unknown"},
}

ORDER_VERDICT: dict[str, dict[str, str]] = {
    "zh": {"qualifies": "符合条件", "excluded": "不符合条件"},
    "en": {"qualifies": "qualifies", "excluded": "excluded"},
}

MARK = {"pass": "✓", "fail": "✗", "unknown": "?"}

# How the law says a comparison (SPEC §0.2, 《民法典》第一千二百五十九条).
# `symbol` is the mathematical sign; `zh`/`en` the words. A comparison the
# table does not know is still rendered, by its own name (see comparison()).
COMPARISON: dict[str, dict[str, str]] = {
    "ge": {"symbol": "≥", "zh": "达到（含本数）", "en": "at least (inclusive)"},
    "gt": {"symbol": ">", "zh": "超过（不含本数）", "en": "more than (exclusive)"},
    "le": {"symbol": "≤", "zh": "不超过（含本数）", "en": "at most (inclusive)"},
    "lt": {"symbol": "<", "zh": "不满（不含本数）", "en": "less than (exclusive)"},
    "eq": {"symbol": "=", "zh": "须为", "en": "must be"},
    "ne": {"symbol": "≠", "zh": "不得为", "en": "must not be"},
    "within": {"symbol": "∈", "zh": "在范围内", "en": "within"},
    "none_in": {"symbol": "∅", "zh": "期间内无", "en": "none within"},
    "first_time": {"symbol": "首次", "zh": "首次", "en": "for the first time"},
    "not_in": {"symbol": "∉", "zh": "不属于", "en": "not one of"},
    "any_of": {"symbol": "∈", "zh": "属于其一", "en": "one of"},
    "exists": {"symbol": "∃", "zh": "存在", "en": "exists"},
}


def comparison(name: str | None) -> dict[str, str]:
    """The words for a comparison; unknown ones fall back to their own name, never fail."""
    if name is None:
        return {"symbol": "", "zh": "", "en": ""}
    return COMPARISON.get(name, {"symbol": name, "zh": name, "en": name})


def _with_policy_labels(labels: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """The generic headings, and those that name the policy or its articles from its texts file (labels)."""
    from ..policy.pack import texts

    for key, entry in texts().get("labels", {}).items():
        for lang in LANGS:
            labels[lang][key] = str(entry[lang])
    return labels


# The headings that name the measures or an article (title, doc, gates, selection)
# are the policy's words: asp_rules/texts.yaml, labels.
LABELS: dict[str, dict[str, str]] = _with_policy_labels({
    "zh": {
        "enterprise": "企业",
        "credit_code": "统一社会信用代码",
        "year": "支持年度",
        "date": "申报日期",
        "awards": "给予的奖励",
        "total": "合计",
        "by_payer": "按支付方",
        "clause": "条款",
        "subject": "对象",
        "basis": "依据",
        "status": "结论",
        "amount": "可兑现金额",
        "amount_if_eligible": "若符合条件可兑现",
        "cap": "上限",
        "payer": "支付方",
        "condition": "条件",
        "result": "结果",
        "observed": "申报值（来源字段）",
        "required": "要求",
        "article": "条文",
        "text": "说明",
        "gate": "适用条件",
        "gates_all_pass": "全部满足",
        "conditions": "条件",
        "facts": "事实",
        "interpretations": "采用的解释",
        "alternatives": "同等最优的其他组合",
        "advisories": "提示",
        "provenance": "来源与版本",
        "parameters": "参数",
        "up_to": "不超过",
        "none": "无",
        "no_awards": "无",
        "article_n": "第{n}条",
        "years_looked_at": "查看的申报年度",
        "not_listed": "条款 {clause} 未列入本次申报的审查：没有申报事实涉及该条款，或其规则尚未加载。已列入的条款：{listed}",
        "generated": "本说明由规则程序推导的结果生成；金额以万元（保留一位小数）及元列示。",
        "derivation": "计算过程",
        "readings": "采用的解释（规则解读）",
        "reading_switch": "可改用",
        "reading_default": "替代默认解读",
        "reading_fixed": "不可切换",
        "prepared_by": "编制人",
        "reviewed_by": "审核人",
        "sign_date": "日期",
        "signoff": "审核签字",
        "page": "第 {page} 页 / 共 {pages} 页",
        "unknown_clause": "没有条款 {clause}{hint}",
    },
    "en": {
        "enterprise": "Enterprise",
        "credit_code": "Credit code",
        "year": "Support year",
        "date": "Declared on",
        "awards": "Awards granted",
        "total": "Total",
        "by_payer": "By payer",
        "clause": "Clause",
        "subject": "Subject",
        "basis": "Basis",
        "status": "Status",
        "amount": "Amount it would pay",
        "amount_if_eligible": "Would pay only if eligible",
        "cap": "Cap",
        "payer": "Payer",
        "condition": "Condition",
        "result": "Result",
        "observed": "Observed (declared field)",
        "required": "Required",
        "article": "Article",
        "text": "Reading",
        "gate": "Gate",
        "gates_all_pass": "all pass",
        "conditions": "Conditions",
        "facts": "Facts",
        "interpretations": "Interpretations in force",
        "alternatives": "Other equally favourable sets",
        "advisories": "Advice",
        "provenance": "Provenance",
        "parameters": "Parameters",
        "up_to": "up to",
        "none": "none",
        "no_awards": "none",
        "article_n": "Art {n}",
        "years_looked_at": "Declared years looked at",
        "not_listed": "Clause {clause} is not listed for this declaration: no declared fact touches it, "
        "or its rules are not loaded. Listed clauses: {listed}",
        "generated": "Rendered from what the rules derived; amounts in 万元 (one decimal) and in yuan.",
        "derivation": "How it is worked out",
        "readings": "Readings in force",
        "reading_switch": "alternative",
        "reading_default": "replaces the default",
        "reading_fixed": "not switchable",
        "prepared_by": "Prepared by",
        "reviewed_by": "Reviewed by",
        "sign_date": "Date",
        "signoff": "Sign-off",
        "page": "page {page} of {pages}",
        "unknown_clause": "there is no clause {clause}{hint}",
    },
})

PAYER: dict[str, dict[str, str]] = {
    "zh": {"district": "区级财政", "locality": "区级与属地共同"},
    "en": {"district": "district budget", "locality": "district and locality jointly"},
}

CN_NUMERALS = "零一二三四五六七八九"


def article_zh(n: int | None) -> str:
    """21 -> 第二十一条."""
    if n is None or n <= 0:
        return ""
    if n < 10:
        word = CN_NUMERALS[n]
    elif n < 20:
        word = "十" + (CN_NUMERALS[n % 10] if n % 10 else "")
    elif n < 100:
        word = CN_NUMERALS[n // 10] + "十" + (CN_NUMERALS[n % 10] if n % 10 else "")
    else:
        word = str(n)
    return f"第{word}条"


def article_label(n: int | None, lang: str) -> str:
    if n is None or n <= 0:
        return ""
    return article_zh(n) if lang == "zh" else f"Art {n}"


def payer_text(payer: str, lang: str) -> str:
    if payer.startswith("district+locality:"):
        place = payer.split(":", 1)[1]
        return f"区级与属地（{place}）共同" if lang == "zh" else f"district and locality ({place}) jointly"
    return PAYER[lang].get(payer, payer)
