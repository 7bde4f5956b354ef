"""The report catalogue (pinggu_asp/render/messages.yaml): every key in zh and en, with the same placeholders,
and every key the what-if and reach reports ask for is in it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import pinggu_asp
from pinggu_asp.render.i18n import LANGS
from pinggu_asp.render.messages import CatalogueError, catalogue, check, message, placeholders

SOURCE = Path(pinggu_asp.__file__).parent / "render" / "whatif.py"


def test_every_key_has_both_languages_and_the_same_placeholders() -> None:
    shipped = catalogue()
    assert shipped
    for key, texts in shipped.items():
        assert set(texts) == set(LANGS), key
        assert all(texts[lang].strip() for lang in LANGS), key
        assert placeholders(texts["zh"]) == placeholders(texts["en"]), key


def test_every_key_the_reports_use_exists() -> None:
    # Every literal key in the source ("reach.kind_" + a kind is completed below).
    used = set(re.findall(r"[\"']((?:whatif|report|reach)\.[a-z_]*[a-z])[\"']", SOURCE.read_text(encoding="utf-8")))
    used |= {f"reach.kind_{kind}" for kind in ("gate", "condition", "not_listed")}
    assert used, "the reports read the catalogue"
    assert used <= set(catalogue()), sorted(used - set(catalogue()))


@pytest.mark.parametrize(
    ("bad", "says"),
    [
        ({"a.b": {"zh": "中"}}, "a.b: needs a text in each of zh, en"),
        ({"a.b": {"zh": "{x}中", "en": "{y} en"}}, "a.b: the placeholders differ"),
        ({"a.b": {"zh": "中", "en": "en", "fr": "fr"}}, "a.b: languages ['fr']"),
        ({"a.b": "text"}, "a.b: needs a text"),
        (["not", "a", "mapping"], "not a mapping"),
    ],
)
def test_an_incomplete_catalogue_is_refused(bad: object, says: str) -> None:
    with pytest.raises(CatalogueError, match=re.escape(says)):
        check(bad)


def test_a_missing_key_is_an_error_not_an_english_fallback() -> None:
    with pytest.raises(KeyError):
        message("no.such_key", "zh")
    assert message("report.up_to", "zh", amount="1元") == "不超过 1元"
