"""The explanation (explain.py) as one self-contained, printable HTML page.

No external assets: the CSS is inline, and there are no scripts, fonts or
images from elsewhere, so the page prints and archives as it is. Labels are in
the chosen language; each condition's reading is given in Chinese and English,
beside the article and the quoted phrase of the Chinese text.
"""

from __future__ import annotations

from html import escape
from typing import Any

from .explain import yuan_text
from .i18n import LABELS

CSS = """
@page { size: A4; margin: 14mm 12mm 16mm;
        @bottom-center { content: counter(page) " / " counter(pages); font-size: 8.5pt; color: #555; } }
* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "SimSun",
       "Helvetica Neue", Arial, sans-serif; font-size: 10pt; color: #111; margin: 0 auto; max-width: 210mm;
       line-height: 1.4; }
h1 { font-size: 15pt; margin: 0 0 2pt; }
h2 { font-size: 12pt; margin: 14pt 0 4pt; border-bottom: 1px solid #999; padding-bottom: 2pt; break-after: avoid; }
h3 { font-size: 11pt; margin: 12pt 0 3pt; break-after: avoid; }
.doc { color: #444; margin: 0 0 8pt; }
table { border-collapse: collapse; width: 100%; margin: 4pt 0 6pt; break-inside: auto; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
th, td { border: 1px solid #bbb; padding: 3pt 4pt; vertical-align: top; text-align: left; }
th { background: #eee; font-weight: 600; white-space: nowrap; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
/* Fixed columns so a status word never breaks and the reading gets the room it needs. */
table.conds { table-layout: fixed; }
table.conds col.c-id { width: 17%; } table.conds col.c-res { width: 9%; } table.conds col.c-obs { width: 19%; }
table.conds col.c-req { width: 19%; } table.conds col.c-text { width: 36%; }
td.res { white-space: nowrap; }
td.id, .id { overflow-wrap: anywhere; }
code, .id { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 9pt; }
.meta td { border: none; padding: 1pt 8pt 1pt 0; }
.total { font-size: 12pt; font-weight: 700; margin: 4pt 0; }
.total-note { color: #444; margin: 0 0 6pt; }
/* A clause may run over a page; only its heading stays with what follows (no large blank pages). */
.clause { margin-bottom: 8pt; }
.status { display: inline-block; padding: 0 5pt; border: 1px solid #555; border-radius: 3pt; font-size: 9pt; white-space: nowrap; }
.st-granted { background: #e3f4e3; } .st-superseded, .st-blocked, .st-below_minimum { background: #fff4d6; }
.st-ineligible, .st-barred, .st-not_applicable { background: #fbe3e3; } .st-undetermined { background: #e8eefb; }
.c-pass { color: #1a6b1a; } .c-fail { color: #a31515; font-weight: 600; } .c-unknown { color: #1f4fa3; font-weight: 600; }
.phrase { font-family: "Noto Serif CJK SC", "Source Han Serif SC", "SimSun", serif; }
.en { color: #333; font-style: italic; }
.detail { margin-top: 2pt; }
.derivation { color: #333; font-size: 9pt; }
ul.sentences { margin: 2pt 0 4pt 14pt; padding: 0; }
table.signoff { margin-top: 16pt; break-inside: avoid; }
table.signoff td { height: 26pt; width: 33%; }
.foot { color: #555; font-size: 8.5pt; margin-top: 12pt; overflow-wrap: anywhere; }
"""


def _e(value: Any) -> str:
    return escape("" if value is None else str(value), quote=True)


def _cond_table(conds: list[dict[str, Any]], lang: str) -> list[str]:
    labels = LABELS[lang]
    other = "en" if lang == "zh" else "zh"
    out = [
        "<table class=\"conds\"><colgroup><col class=\"c-id\"><col class=\"c-res\"><col class=\"c-obs\">"
        "<col class=\"c-req\"><col class=\"c-text\"></colgroup><thead><tr>"
        f"<th>{_e(labels['condition'])}</th><th>{_e(labels['result'])}</th><th>{_e(labels['observed'])}</th>"
        f"<th>{_e(labels['required'])}</th><th>{_e(labels['article'])} · {_e(labels['text'])}</th>"
        "</tr></thead><tbody>"
    ]
    for cond in conds:
        required = _e(cond["required_text"][lang])
        if cond.get("required_formula") and cond.get("required_kind") == "ratio":
            required += f"<br><code>= {_e(cond['required_formula'])}</code>"
        phrase = f"<span class=\"phrase\">“{_e(cond['phrase_zh'])}”</span>" if cond.get("phrase_zh") else ""
        details = "".join(f"<div class=\"detail c-{_e(cond['status'])}\">→ {_e(d)}</div>" for d in cond["details"][lang])
        facts = ""
        if cond.get("facts"):
            facts = "<div class=\"detail\"><code>" + "<br>".join(
                _e(f"{f['field']} = {yuan_text(f['value'], lang)}") for f in cond["facts"]) + "</code></div>"
        out.append(
            "<tr>"
            f"<td class=\"id\">{_e(cond['id'])}</td>"
            f"<td class=\"res c-{_e(cond['status'])}\">{_e(cond['mark'])} {_e(cond['status_text'][lang])}</td>"
            f"<td>{_e(cond['observed_text'][lang])}</td>"
            f"<td>{required}</td>"
            f"<td>{_e(cond['article_text'][lang])} {phrase}<div>{_e(cond['text'][lang])}</div>"
            f"<div class=\"en\">{_e(cond['text'][other])}</div>{details}{facts}</td>"
            "</tr>"
        )
    out.append("</tbody></table>")
    return out


def render_html(model: dict[str, Any], lang: str = "zh") -> str:
    labels = LABELS[lang]
    ent = model["enterprise"]
    html_lang = "zh-CN" if lang == "zh" else "en"
    out = [
        "<!DOCTYPE html>",
        f"<html lang=\"{html_lang}\">",
        "<head>",
        "<meta charset=\"utf-8\">",
        f"<title>{_e(labels['title'])} · {_e(ent.get('name'))}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        f"<h1>{_e(labels['title'])}</h1>",
        f"<p class=\"doc\">{_e(labels['doc'])}</p>",
        "<table class=\"meta\"><tbody>",
        f"<tr><td>{_e(labels['enterprise'])}</td><td>{_e(ent.get('name'))}</td></tr>",
        f"<tr><td>{_e(labels['credit_code'])}</td><td class=\"id\">{_e(ent.get('credit_code'))}</td></tr>",
        f"<tr><td>{_e(labels['year'])}</td><td>{_e(model['support_year'])}</td></tr>",
        f"<tr><td>{_e(labels['date'])}</td><td>{_e(model['declaration_date'])}</td></tr>",
        "</tbody></table>",
        f"<h2>{_e(labels['awards'])}</h2>",
    ]
    if model["awards"]:
        out.append(
            f"<table class=\"awards\"><thead><tr><th>{_e(labels['clause'])}</th><th>{_e(labels['basis'])}</th>"
            f"<th>{_e(labels['amount'])}</th><th>{_e(labels['payer'])}</th><th>{_e(labels['derivation'])}</th></tr></thead><tbody>"
        )
        for award in model["awards"]:
            up = f"{labels['up_to']} " if award.get("up_to") else ""
            out.append(
                f"<tr><td class=\"id\">{_e(award['clause'])}</td><td class=\"id\">{_e(award['basis'])}</td>"
                f"<td class=\"num\">{_e(up + award['amount_text'][lang])}</td><td>{_e(award['payer_text'][lang])}</td>"
                f"<td class=\"derivation\">{_e(award['derivation_text'][lang])}</td></tr>"
            )
        out.append("</tbody></table>")
    else:
        out.append(f"<p>{_e(labels['no_awards'])}</p>")
    out.append(f"<p class=\"total\" id=\"total\">{_e(labels['total'])}: {_e(model['total_text'][lang])}</p>")
    out.append(f"<p class=\"total-note\">{_e(model['total_note'][lang])}</p>")

    out.append(f"<h2>{_e(labels['gates'])}</h2>")
    out += _cond_table(model["gates"], lang)

    out.append(f"<h2>{_e(labels['conditions'])}</h2>")
    for clause in model["clauses"]:
        up = f"{labels['up_to']} " if clause.get("up_to") else ""
        status = clause["status"]
        out += [
            f"<section class=\"clause\" id=\"{_e(clause['clause'])}--{_e(clause['subject'])}\">",
            f"<h3><span class=\"id\">{_e(clause['clause'])}</span> · <span class=\"id\">{_e(clause['subject'])}</span> "
            f"<span class=\"status st-{_e(status)}\">{_e(clause['status_text'][lang])}</span></h3>",
            "<table class=\"meta\"><tbody>",
            f"<tr><td>{_e(labels['article'])}</td><td>{_e(clause['article_text'][lang])}</td>"
            f"<td>{_e(clause['amount_label'][lang])}</td><td>{_e(up + clause['amount_text'][lang])}</td></tr>",
            f"<tr><td>{_e(labels['basis'])}</td><td class=\"id\">{_e(', '.join(clause['bases']) or clause['basis'])}</td>"
            f"<td>{_e(labels['cap'])}</td><td>{_e(clause['cap_text'][lang])}</td></tr>",
            f"<tr><td>{_e(labels['payer'])}</td><td colspan=\"3\">{_e(clause['payer_text'][lang])}</td></tr>",
            f"<tr><td>{_e(labels['derivation'])}</td><td colspan=\"3\" class=\"derivation\">{_e(clause['derivation_text'][lang])}</td></tr>",
            "</tbody></table>",
        ]
        if clause["sentences"][lang]:
            out.append("<ul class=\"sentences\">" + "".join(f"<li>{_e(s)}</li>" for s in clause["sentences"][lang]) + "</ul>")
        out += _cond_table(clause["conditions"], lang)
        out.append("</section>")

    key = "text_zh" if lang == "zh" else "text_en"
    if model["alternatives"]:
        out.append(f"<h2>{_e(labels['alternatives'])}</h2><ul>")
        for alt in model["alternatives"]:
            names = ", ".join(a.get("clause") or a.get("policy", "") for a in alt["chosen"])
            out.append(f"<li>{_e(names)} → {_e(alt.get('total_yuan'))}</li>")
        out.append("</ul>")
    if model["advisories"]:
        out.append(f"<h2>{_e(labels['advisories'])}</h2><ul>")
        out += [f"<li>{_e(a.get(key, ''))}</li>" for a in model["advisories"]]
        out.append("</ul>")
    out.append(f"<h2>{_e(labels['readings'])}</h2><table class=\"readings\"><tbody>")
    for reading in model.get("readings", []):
        out.append(f"<tr><td class=\"id\">{_e(reading['name'])}</td><td>{_e(reading[lang])}</td></tr>")
    out.append("</tbody></table>")
    out.append(
        f"<h2>{_e(labels['signoff'])}</h2><table class=\"signoff\"><tbody><tr>"
        f"<td>{_e(labels['prepared_by'])}：</td><td>{_e(labels['reviewed_by'])}：</td><td>{_e(labels['sign_date'])}：</td>"
        "</tr></tbody></table>"
    )
    out.append(f"<div class=\"foot\"><p>{_e(labels['generated'])}</p><p>{_e(labels['provenance'])}: ")
    out.append("; ".join(f"{_e(k)}=<code>{_e(v)}</code>" for k, v in model.get("provenance", {}).items()))
    out += ["</p></div>", "</body>", "</html>", ""]
    return "\n".join(out)
