"""The explanation (explain.py) as one self-contained, printable HTML page.

No external assets: the CSS is inline, and there are no scripts, fonts or
images from elsewhere, so the page prints and archives as it is. Labels are in
the chosen language; each condition's reading is given in Chinese and English,
beside the article and the quoted phrase of the Chinese text. The page is laid
out by a Jinja2 template (report_html/explain.html.j2) with autoescaping, so
every declared text is data.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import jinja2
from markupsafe import Markup, escape

from ..money import yuan_text
from .alternatives_text import factored_lines
from .i18n import LABELS
from .wrap import units

CSS = """
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
th { background: #eee; font-weight: 600; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
/* Fixed columns so a status word never breaks and the reading gets the room it needs. */
table.conds { table-layout: fixed; }
table.conds col.c-id { width: 17%; } table.conds col.c-res { width: 9%; } table.conds col.c-obs { width: 19%; }
table.conds col.c-req { width: 19%; } table.conds col.c-text { width: 36%; }
td.res { white-space: nowrap; }
/* Ids, paths and formulas wrap only where the template put a <wbr> (after . [ ] _ : and
   around operators), never inside a word; other text may break a long run as a last resort. */
td.id, .id, code { overflow-wrap: normal; word-break: keep-all; }
td { overflow-wrap: break-word; }
table.awards { table-layout: fixed; }
table.awards col.a-id { width: 20%; } table.awards col.a-basis { width: 20%; } table.awards col.a-amount { width: 17%; }
table.awards col.a-payer { width: 13%; } table.awards col.a-deriv { width: 30%; }
td.num { white-space: normal; }
.nb { white-space: nowrap; }
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

# Where an id, a field path or a formula may wrap: after . [ ] _ : / , (the operators of
# a formula are spaced, so they break there already). Nothing else breaks inside one.
_BREAK_AFTER = re.compile(r"(?<=[.\[\]_:/])")


def breakable(value: Any) -> Markup:
    """Escaped text with a <wbr> after each sensible break point."""
    return Markup("<wbr>").join(escape(part) for part in _BREAK_AFTER.split("" if value is None else str(value)))


def keep_numbers_whole(value: Any) -> Markup:
    """Escaped text whose amounts (a number with its 元 or 万元) never break across lines."""
    pieces = []
    for piece in units("" if value is None else str(value)):
        word = piece.rstrip()
        text = str(escape(word))
        # The space after a word stays outside its span, where the line may break.
        pieces.append((f'<span class="nb">{text}</span>' if any(c.isdigit() for c in word) else text) + piece[len(word):])
    return Markup("".join(pieces))


def css_string(value: Any) -> Markup:
    """A CSS string literal holding ``value`` as data: every character but letters and digits
    is a hex escape, so no quote, backslash or ``</style>`` in a declared name can end it."""
    text = "" if value is None else str(value)
    return Markup('"' + "".join(c if c.isalnum() and c.isascii() else f"\\{ord(c):06x}" for c in text) + '"')


def page_counter(template: str) -> Markup:
    """A label such as "第 {page} 页 / 共 {pages} 页" as CSS generated content with the page counters."""
    parts = []
    for piece in re.split(r"(\{pages?\})", template):
        if piece in ("{page}", "{pages}"):
            parts.append(f"counter({piece[1:-1]})")
        elif piece:
            parts.append(str(css_string(piece)))
    return Markup(" ".join(parts))


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("pinggu_asp.render", "report_html"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters.update(breakable=breakable, css_string=css_string, amount=keep_numbers_whole)
    return env


def render_html(model: dict[str, Any], lang: str = "zh") -> str:
    labels = LABELS[lang]
    ent = model["enterprise"]
    running_right = f"{labels['year']} {model['support_year']}"
    return _environment().get_template("explain.html.j2").render(
        model=model,
        ent=ent,
        lang=lang,
        other="en" if lang == "zh" else "zh",
        labels=labels,
        html_lang="zh-CN" if lang == "zh" else "en",
        css=Markup(CSS),
        advice_key="text_zh" if lang == "zh" else "text_en",
        yuan_text=yuan_text,
        running_left=f"{ent.get('name') or ''} · {ent.get('credit_code') or ''}",
        running_right=running_right,
        page_counter=page_counter(labels["page"]),
        factored=factored_lines(model, lang),
    )
