"""`pinggu-asp rules`: every clause as the program defines it, read from the program itself.

The clause list, each clause's conditions, basis and amount formula are not
written down a second time in Python: the rules are run on a probe declaration
that touches every clause (one rating of each kind, one approval of each kind,
an order of each programme, a standard, a project), and the catalogue is read
from the atoms derived (listed/2, cond/6, cond_text/6, basis/3, amount_key/3,
cap/2, ceiling/1, payer/2).
"""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache
from typing import Any

import clingo
from clingo import SymbolType

from ..engine.answer import read as read_answer
from ..engine.answer import records
from ..engine.solve import Ruleset, solve
from ..engine.symbols import Reader, Term
from ..engine.terms import Values, clause_id, fen_fraction_to_json
from ..loading import declaration_from_data
from ..policy.pack import document_number
from ..policy.parameters import describe
from ..policy.rules_files import program_paths
from ..policy.templates import filler_for

PROBE_YEAR = 2025

_RATINGS = [
    ("beijing_advanced_smart_factory", None),
    ("national_smart_benchmark", None),
    ("national_smart_demo_factory", None),
    ("excellence_smart_factory", None),
    ("leading_smart_factory", None),
    ("wef_lighthouse", None),
    ("emission_grade", "A"),
    ("emission_grade", "B"),
    ("emission_grade", "C"),
    ("beijing_green_factory", None),
    ("national_green_factory", None),
    ("beijing_service_integration_pilot", None),
]
_APPROVALS: list[dict[str, Any]] = [
    {"kind": "innovative_drug"},
    {"kind": "improved_drug"},
    {"kind": "generic_drug"},
    {"kind": "tcm_classical_formula"},
    {"kind": "class3_device", "global_first": True},
    {"kind": "class2_device"},
    {"kind": "vet_drug", "vet_class": 1},
    {"kind": "vet_drug", "vet_class": 2},
    {"kind": "vet_drug", "vet_class": 3},
]


def probe_declaration() -> dict[str, Any]:
    ratings = []
    for index, (kind, grade) in enumerate(_RATINGS):
        rating: dict[str, Any] = {"id": f"r{index}", "kind": kind, "date": f"{PROBE_YEAR}-10-01"}
        if grade:
            rating.update(grade=grade, previous_grade="D")
        ratings.append(rating)
    approvals = [
        {"id": f"a{index}", "date": f"{PROBE_YEAR}-10-01", **fields} for index, fields in enumerate(_APPROVALS)
    ]
    return {
        "schema": "pinggu-declaration/1",
        "support_year": PROBE_YEAR,
        "declaration_date": f"{PROBE_YEAR + 1}-04-10",
        "enterprise": {
            "credit_code": "91110117MA01C4QX37",
            "name": "probe",
            "registered_in_pinggu": True,
            "operating_in_pinggu": True,
            "industry_code": "C3670",
            "strategic_fit": True,
            "stable_in_beijing": True,
            "related_output_abnormal": False,
            "credit_good": True,
            "locality": "locality",
            "sectors": ["central_kitchen", "pharma", "auto_parts", "synthetic_biology"],
            "leading_recognized": True,
        },
        "annual": [
            {"year": year, "gross_output": 1, "rd_expense": 1, "rd_expense_pinggu": 1}
            for year in range(PROBE_YEAR - 2, PROBE_YEAR + 1)
        ],
        "ratings": ratings,
        "approvals": approvals,
        "orders": [
            {
                "id": "o-ck", "program": "central_kitchen", "counterparty": "c", "counterparty_in_pinggu": True,
                "counterparty_affiliated": False, "signed_date": f"{PROBE_YEAR}-10-01", "executed": {PROBE_YEAR: 1},
            },
            {
                "id": "o-ap", "program": "auto_parts", "counterparty": "c", "counterparty_kind": "nev_oem",
                "signed_date": f"{PROBE_YEAR}-10-01", "executed": {PROBE_YEAR: 1},
            },
        ],
        "standards": [
            {"id": "s", "field": "central_kitchen", "level": "group", "lead_drafter": True,
             "implemented_date": f"{PROBE_YEAR}-10-01"}
        ],
        "investment_projects": [
            {"id": "p", "field": "synthetic_biology", "tech_transfer": True, "in_pinggu": True, "kind": "production",
             "fixed_asset_investment": 1, "commissioned_date": f"{PROBE_YEAR}-03-01", "output": {PROBE_YEAR: 1}}
        ],
    }


def _year_text(number: int) -> str:
    offset = number - PROBE_YEAR
    return "Y" if offset == 0 else f"Y{offset:+d}"


def generic_key(sym: Term) -> str:
    """A probe key with its year made generic and its probe id made a placeholder."""
    if sym.type == SymbolType.Number:
        return _year_text(sym.number) if 1900 <= sym.number <= 2100 else str(sym.number)
    if sym.type == SymbolType.String:
        return "<id>"
    if not sym.arguments:
        return sym.name
    return f"{sym.name}({','.join(generic_key(a) for a in sym.arguments)})"


def formula(sym: Term, params: dict[str, str]) -> str:
    """An amount_key term as a readable formula."""
    name, args = sym.name, sym.arguments
    if name == "param":
        return f"{args[0].name} ({params.get(args[0].name, '?')})"
    if name == "min":
        return f"min({formula(args[0], params)}, {formula(args[1], params)})"
    if name == "div" and args[0].name == "times":
        inner = args[0].arguments
        return f"⌊{formula(inner[0], params)} × {inner[1].number}/{args[1].number}⌋"
    if name == "div":
        return f"⌊{formula(args[0], params)} / {args[1].number}⌋"
    if name == "times":
        return f"{formula(args[0], params)} × {args[1].number}"
    if name == "minus":
        return f"({formula(args[0], params)} − {formula(args[1], params)})"
    if name == "monus":
        return f"max({formula(args[0], params)} − {formula(args[1], params)}, 0)"
    if name == "plus":
        return f"({formula(args[0], params)} + {formula(args[1], params)})"
    if name == "sum":
        return f"Σ {generic_key(args[0])}"
    return generic_key(sym)


def catalogue(ruleset: Ruleset) -> dict[str, Any]:
    decl = declaration_from_data(probe_declaration(), "<probe>")
    in_force = ruleset.parameters.in_force(decl.declaration_date)
    shown = {name: p.display() for name, p in in_force.items()}
    answer = read_answer(solve(decl, ruleset, in_force))
    fill = filler_for(ruleset.parameters.sha256, in_force)
    values = Values(answer.values())
    texts = {r.id: r for r in answer.get("cond_text")}
    caps = {r.clause: r.key for r in answer.get("cap")}
    ceilings = {r.clause for r in answer.get("ceiling")}
    articles = answer.articles()
    # 第十四条: Art 11 is paid by the district and the enterprise's locality together.
    payers = {r.clause: "district+locality" if r.payer == "locality" else r.payer for r in answer.get("payer")}

    clauses: dict[str, dict[str, Any]] = {}
    for listed in answer.get("listed"):
        c = listed.clause
        cid = clause_id(c)
        entry = clauses.setdefault(
            cid,
            {
                "clause": cid,
                "article": articles[c],
                "basis": set(),
                "conditions": {},
                "amount": set(),
                "cap_yuan": None,
                "up_to": c in ceilings,
                "payer": payers.get(c, "district"),
            },
        )
        if c in caps:
            fen = values.fen(caps[c])
            entry["cap_yuan"] = None if fen is None else fen_fraction_to_json(Fraction(fen))
    for basis in answer.get("basis"):
        cid = clause_id(basis.clause)
        if cid in clauses:
            clauses[cid]["basis"].add(generic_key(basis.key).replace("(", ":").replace(",", ":").rstrip(")"))
    for cond in answer.get("cond"):
        cid = clause_id(cond.clause)
        meta = texts.get(cond.id)
        clauses[cid]["conditions"][cond.id] = {
            "id": cond.id,
            "article": meta.article if meta else None,
            "comparison": meta.comparison if meta else None,
            "phrase_zh": meta.phrase_zh if meta else None,
            "text_zh": fill(meta.text_zh) if meta else None,
            "text_en": fill(meta.text_en) if meta else None,
        }
    for amount in answer.get("amount_key"):
        cid = clause_id(amount.clause)
        clauses[cid]["amount"].add(formula(amount.key, shown))

    ordered = sorted(clauses.values(), key=lambda e: (e["article"], e["clause"]))
    for entry in ordered:
        entry["basis"] = sorted(entry["basis"])
        entry["amount"] = " | ".join(sorted(entry["amount"]))
        entry["conditions"] = [entry["conditions"][k] for k in sorted(entry["conditions"])]
    gates: list[dict[str, Any]] = []
    for gid in sorted({r.id for r in answer.get("gate")}):
        meta = texts.get(gid)
        gates.append(
            {
                "id": gid,
                "article": meta.article if meta else None,
                "phrase_zh": meta.phrase_zh if meta else None,
                "text_zh": fill(meta.text_zh) if meta else None,
                "text_en": fill(meta.text_en) if meta else None,
            }
        )
    return {
        "schema": "pinggu-rules/1",
        "clauses": ordered,
        "gates": gates,
        "interpretations": list(answer.interpretations),
        "parameters": describe(in_force),
    }


_WORDS = {
    "zh": {"title": "条款一览", "article": "第{n}条", "basis": "依据", "payer": "支付方", "amount": "金额",
           "up_to": "不超过 ", "cap": "上限", "gates": "适用条件", "parameters": "参数（现行值）",
           "since": "自", "interpretations": "采用的解释：", "range": "精确范围"},
    "en": {"title": "Clauses", "article": "Art {n}", "basis": "basis", "payer": "payer", "amount": "amount",
           "up_to": "up to ", "cap": "cap", "gates": "Gates", "parameters": "Parameters in force",
           "since": "since", "interpretations": "Interpretations: ", "range": "exact in"},
}


def render_catalogue(cat: dict[str, Any], lang: str = "zh") -> str:
    """The catalogue as plain text, one block per clause."""
    words = _WORDS[lang]
    text_key = "text_zh" if lang == "zh" else "text_en"
    unit = "元" if lang == "zh" else " yuan"
    lines: list[str] = [f"{words['title']} ({document_number()})"]
    for entry in cat["clauses"]:
        cap = entry["cap_yuan"]
        up_to = words["up_to"] if entry["up_to"] else ""
        article = words["article"].format(n=entry["article"])
        lines.append("")
        lines.append(
            f"{entry['clause']}  {article}  {words['basis']} {', '.join(entry['basis'])}  {words['payer']} {entry['payer']}"
        )
        lines.append(
            f"  {words['amount']}: {up_to}{entry['amount']}" + (f"  ({words['cap']} {cap:,}{unit})" if isinstance(cap, int) else "")
        )
        for cond in entry["conditions"]:
            lines.append(f"  - {cond['id']}: 「{cond['phrase_zh']}」 {cond[text_key]}")
    lines.append("")
    lines.append(words["gates"])
    for gate in cat["gates"]:
        lines.append(f"  - {gate['id']} ({words['article'].format(n=gate['article'])}): 「{gate['phrase_zh']}」")
    lines.append("")
    lines.append(words["parameters"])
    for name, p in cat["parameters"].items():
        article = words["article"].format(n=p["article"])
        lines.append(f"  {name:<30} {p['display']:<18} {article} 「{p['phrase_zh']}」 {words['since']} {p['since']}")
        lines.append(f"      {p['description'][lang]}  ({p['unit_label']}; {words['range']} {p['range_text']})")
    lines.append("")
    lines.append(words["interpretations"] + ", ".join(cat["interpretations"]))
    return "\n".join(lines) + "\n"


@lru_cache(maxsize=1)
def known_clauses() -> tuple[str, ...]:
    """Every clause the rules define (clause_article/2 facts), whether or not a declaration lists it."""
    ctl = clingo.Control(["--warn=none"])
    for path in program_paths():
        ctl.load(str(path))
    ctl.ground([("base", [])])
    reader = Reader()
    atoms = reader.terms(a.symbol for a in ctl.symbolic_atoms.by_signature("clause_article", 2))
    return tuple(sorted(clause_id(r.clause) for r in records("clause_article", atoms)))
