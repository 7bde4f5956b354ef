"""A worker's reply to /v1/check is the result's UTF-8 bytes, exactly the text ``check`` prints, encoded."""

from __future__ import annotations

import json
import random
import sys

from pinggu_asp.api import assess
from pinggu_asp.engine.result import dumps, dumps_bytes
from pinggu_asp.loading import parse_text
from pinggu_asp.service import work
from support import EXAMPLE, REPO

sys.path.insert(0, str(REPO / "benchmarks"))
from generate import declaration as generated  # noqa: E402


def test_dumps_bytes_is_dumps_encoded() -> None:
    result = assess(parse_text(EXAMPLE.read_text(encoding="utf-8")))
    assert dumps_bytes(result) == dumps(result).encode("utf-8")
    # Not a result document (orjson is not used for it): json's text, encoded.
    other = {"schema": "pinggu-validation/1", "名称": "平谷", "n": 10**11}
    assert dumps_bytes(other) == dumps(other).encode("utf-8")


def test_check_replies_are_the_cli_bytes() -> None:
    decls = [generated(random.Random(seed), seed) for seed in range(3)]
    bodies = [json.dumps({"declaration": decl}, ensure_ascii=False).encode() for decl in decls]
    expected = [dumps(assess(decl)).encode("utf-8") for decl in decls]
    alone = work.do_check(bodies[0])
    assert (alone.status, alone.text) == (200, expected[0])
    grouped = work.do_check_group(bodies)
    assert [(reply.status, reply.text) for reply in grouped] == [(200, text) for text in expected]
    # A refusal is still the error document's text.
    refused = work.do_check(b"[]")
    assert refused.status == 400 and isinstance(refused.text, str)
