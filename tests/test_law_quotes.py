"""The law beside the code is the law: every quote in the gates, Arts 3-5 and the money rules is verbatim.

Auditors compare each rule with the text above it, so that text must be the text of
京平科信发〔2025〕8号 character for character (its own mixed punctuation included: Arts 15-18
use half-width commas). Checked here:
- each file's opening article text (an elision is marked ……);
- each `cond_text` phrase is a quote of the article it names;
- each parameter's `phrase_zh` is a quote of its article.
Expected conclusion: every quote is found in its article.
"""

from __future__ import annotations

import re

import pytest
import yaml

from support import REPO

# The law ships with the rules (policy/), a copy of the project's authority text.
LAW = REPO / "policy" / "measures-2025.zh.txt"
AUTHORITY = REPO.parent / "shared" / "policy" / "measures-2025.zh.txt"

FILES = sorted(p.stem for p in (REPO / "asp_rules").glob("*.lp"))
CN_NUM = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def cn_number(text: str) -> int:
    if text.startswith("十"):
        text = "一" + text
    if "十" in text:
        tens, _, ones = text.partition("十")
        return CN_NUM[tens] * 10 + (CN_NUM[ones] if ones else 0)
    return CN_NUM[text]


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def law() -> str:
    return LAW.read_text(encoding="utf-8")


def test_the_shipped_law_is_the_authority_text() -> None:
    if not AUTHORITY.exists():
        pytest.skip(f"the authority copy {AUTHORITY} is not beside this checkout")
    assert LAW.read_bytes() == AUTHORITY.read_bytes()


@pytest.fixture(scope="module")
def articles(law: str) -> dict[int, str]:
    found = {}
    for match in re.finditer(r"^第([一二三四五六七八九十]+)条 (.*)$", law, re.M):
        found[cn_number(match.group(1))] = squash(match.group(0))
    return found


def quoted_parts(text: str) -> list[str]:
    return [part for part in re.split(r"……|…", squash(text)) if part]


def header_blocks(path) -> list[str]:
    """Comment blocks that open with '第X条 ' and hold only the law's text (no English)."""
    blocks, current = [], None
    for line in path.read_text(encoding="utf-8").splitlines():
        body = line[1:].strip() if line.startswith("%") else None
        if body and re.match(r"^第[一二三四五六七八九十]+条 ", body):
            if current:
                blocks.append(current)
            current = body if not re.search(r"[A-Za-z]", body) else None
        elif current is not None and body and not re.search(r"[A-Za-z]", body):
            current += body
        else:
            if current:
                blocks.append(current)
            current = None
    if current:
        blocks.append(current)
    return blocks


@pytest.mark.parametrize("name", FILES)
def test_opening_article_text_is_verbatim(name: str, law: str) -> None:
    blocks = header_blocks(REPO / "asp_rules" / f"{name}.lp")
    flat = squash(law)
    for block in blocks:
        missing = [part for part in quoted_parts(block) if part not in flat]
        assert not missing, f"{name}.lp quotes text the law does not have: {missing}"


COND_TEXT = re.compile(r'cond_text\(("(?:[^"\\]|\\.)*"),\s*(\d+),\s*\w+,\s*("(?:[^"\\]|\\.)*")', re.S)


@pytest.mark.parametrize("name", [f for f in FILES if "cond_text(\"" in (REPO / "asp_rules" / f"{f}.lp").read_text(encoding="utf-8")])
def test_cond_text_phrases_quote_the_article_they_name(name: str, articles: dict[int, str]) -> None:
    source = (REPO / "asp_rules" / f"{name}.lp").read_text(encoding="utf-8")
    found = COND_TEXT.findall(source)
    assert found
    for cid, article, phrase in found:
        text = articles[int(article)]
        missing = [part for part in quoted_parts(phrase.strip('"')) if part not in text]
        assert not missing, f"{cid}: not in 第{article}条: {missing}"


def test_parameter_phrases_quote_their_article(articles: dict[int, str]) -> None:
    params = yaml.safe_load((REPO / "asp_rules" / "parameters.yaml").read_text(encoding="utf-8"))["parameters"]
    assert len(params) >= 50
    for name, entry in params.items():
        reference = entry["reference"]
        text = articles[reference["article"]]
        missing = [part for part in quoted_parts(reference["phrase_zh"]) if part not in text]
        assert not missing, f"parameters.{name}: not in 第{reference['article']}条: {missing}"
