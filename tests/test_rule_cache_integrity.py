"""The rewritten rules read back from the cache are checked against the digest stored with them before clingo parses them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from clingo import ast

from pinggu_asp.engine import grouping
from pinggu_asp.engine.grouping import cached_group_program, group_program
from support import ruleset


def _rules(grouped: grouping.GroupedProgram) -> list[str]:
    return [str(s) for s in grouped.statements if str(s) != "#program base."]


@pytest.fixture
def cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, tuple[ast.AST, ...], str]:
    monkeypatch.setenv("PINGGU_ASP_CACHE", str(tmp_path))
    statements, digest = ruleset().program()
    cached_group_program(statements, digest)
    (stored,) = tmp_path.glob("grouped-*.json")
    return stored, statements, digest


def _parsed_texts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every program text the cache hands to clingo's parser from now on."""
    seen: list[str] = []
    real = grouping.ast.parse_string

    def spy(text: str, callback: object, *args: object, **kwargs: object) -> None:
        seen.append(text)
        real(text, callback, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(grouping.ast, "parse_string", spy)
    return seen


def test_the_cache_file_carries_the_digest_of_its_content(cached: tuple[Path, tuple[ast.AST, ...], str]) -> None:
    stored, _, _ = cached
    document = json.loads(stored.read_text(encoding="utf-8"))
    assert len(document["sha256"]) == 64
    body = {k: v for k, v in document.items() if k != "sha256"}
    assert document["sha256"] == grouping._content_digest(body)


def test_a_tampered_cache_is_never_parsed_and_is_rewritten(
    cached: tuple[Path, tuple[ast.AST, ...], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    stored, statements, digest = cached
    document = json.loads(stored.read_text(encoding="utf-8"))
    # Valid ASP, the digest left as it was: a rule that would award anyone.
    document["program"] += "\nevil(1)."
    stored.write_text(json.dumps(document), encoding="utf-8")
    parsed = _parsed_texts(monkeypatch)
    grouped = cached_group_program(statements, digest)
    assert not any("evil" in text for text in parsed)
    assert _rules(grouped) == _rules(group_program(statements))
    rewritten = json.loads(stored.read_text(encoding="utf-8"))
    assert "evil" not in rewritten["program"]
    assert rewritten["sha256"] == grouping._content_digest({k: v for k, v in rewritten.items() if k != "sha256"})


def test_a_truncated_cache_is_ignored_and_rewritten(
    cached: tuple[Path, tuple[ast.AST, ...], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    stored, statements, digest = cached
    whole = stored.read_bytes()
    stored.write_bytes(whole[: len(whole) // 2])
    parsed = _parsed_texts(monkeypatch)
    grouped = cached_group_program(statements, digest)
    assert parsed == []  # half a document is never handed to clingo
    assert _rules(grouped) == _rules(group_program(statements))
    assert stored.read_bytes() == whole


def test_a_cache_without_a_digest_is_rewritten(cached: tuple[Path, tuple[ast.AST, ...], str]) -> None:
    stored, statements, digest = cached
    document = json.loads(stored.read_text(encoding="utf-8"))
    del document["sha256"]
    stored.write_text(json.dumps(document), encoding="utf-8")
    cached_group_program(statements, digest)
    assert "sha256" in json.loads(stored.read_text(encoding="utf-8"))
